package attack

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/opendata/dataset"
)

// placement is the first part of the population attack: a cell that holds
// children's records anywhere but in a children's table, or in a
// children's table below the district, publishes a figure about children
// that the population rule keeps out of every other place — whatever its
// noise, any difference against the adults' figures isolates them.
func (g *gate) placement() {
	s := g.summary[Population]
	for i := range g.cur.Cells {
		c := &g.cur.Cells[i]
		ch := c.Truth.Children
		if ch.N == 0 && ch.Minutes == 0 {
			continue
		}
		s.Estimates++
		why := ""
		switch {
		case !childrenTable(c.Dataset):
			why = "children counted in a table of adults"
		case !g.districtWide(c):
			why = "children's figures published below the district"
		}
		if why == "" {
			continue
		}
		s.Targets++
		s.Recovered++
		g.report.Findings = append(g.report.Findings, Finding{Attack: Population, Why: why,
			Cells: []string{g.cur.Version + ":" + c.Name()}, Truth: c.Truth.Value(), Estimate: float64(c.Published),
			Unit: unitOf(c.Truth.Measure)})
	}
}

// districtWide reports whether every town column of the cell's row holds
// the district.
func (g *gate) districtWide(c *Cell) bool {
	d := dataset.ByID(c.Dataset)
	if d == nil {
		return false
	}
	for i, k := range d.PrimaryKey {
		if k == "town_code" && c.Key[i] != g.cur.District {
			return false
		}
	}
	return true
}

func unitOf(m disclosure.Measure) string {
	if m == disclosure.MeasureHours {
		return reportedHoursU
	}
	return "people"
}

// pairs is the second part of the population attack: any two published
// cells of the new release whose adults are the same records but whose
// children differ — their difference is the children alone.
func (g *gate) pairs() {
	type adults struct {
		m          disclosure.Measure
		key        disclosure.Key
		n, minutes int64
	}
	groups := map[adults][]*Cell{}
	for i := range g.cur.Cells {
		c := &g.cur.Cells[i]
		a := c.Truth.Adults
		if c.Suppressed || (a.N == 0 && a.Minutes == 0) {
			continue
		}
		k := adults{c.Truth.Measure, a.Key, a.N, a.Minutes}
		groups[k] = append(groups[k], c)
	}
	for _, cs := range groups {
		for i := range cs {
			for j := i + 1; j < len(cs); j++ {
				if cs[i].Truth.Children == cs[j].Truth.Children {
					continue // the same records: nothing to isolate
				}
				g.try(Population, "", []term{{g.cur, cs[i], 1}, {g.cur, cs[j], -1}})
			}
		}
	}
}

// differencing subtracts every published cell of every earlier release
// from the same cell of the new one.
func (g *gate) differencing() {
	for _, p := range g.all[:len(g.all)-1] {
		byName := make(map[string]*Cell, len(p.Cells))
		for i := range p.Cells {
			byName[p.Cells[i].Name()] = &p.Cells[i]
		}
		for i := range g.cur.Cells {
			c := &g.cur.Cells[i]
			o := byName[c.Name()]
			if o == nil || c.Suppressed || o.Suppressed {
				continue
			}
			g.try(Differencing, "", []term{{g.cur, c, 1}, {p, o, -1}})
		}
	}
}

// isTotal reports whether a key value is the total of its column: ALL, or
// the district in a town column.
func isTotal(r *Release, column, value string) bool {
	if column == "town_code" {
		return value == r.District
	}
	return value == dataset.Total
}

// group is a total and its parts along one key column of one field:
// the cells of a field that agree on every other key column.
type group struct {
	dataset, column, rest string
	total                 *Cell
	parts                 []*Cell
}

// groupsOf lists every total–parts group of a release, in a stable order.
func groupsOf(r *Release) []*group {
	byDataset := map[string][]*Cell{}
	var ids []string
	for i := range r.Cells {
		c := &r.Cells[i]
		if byDataset[c.Dataset] == nil {
			ids = append(ids, c.Dataset)
		}
		byDataset[c.Dataset] = append(byDataset[c.Dataset], c)
	}
	var out []*group
	for _, id := range ids {
		d := dataset.ByID(id)
		if d == nil {
			continue
		}
		for dim, column := range d.PrimaryKey {
			groups := map[string]*group{}
			var order []*group
			for _, c := range byDataset[id] {
				rest := c.Field + "|" + strings.Join(slices.Delete(slices.Clone(c.Key), dim, dim+1), "|")
				gr := groups[rest]
				if gr == nil {
					gr = &group{dataset: id, column: column, rest: rest}
					groups[rest] = gr
					order = append(order, gr)
				}
				if isTotal(r, column, c.Key[dim]) {
					gr.total = c
				} else {
					gr.parts = append(gr.parts, c)
				}
			}
			for _, gr := range order {
				if gr.total != nil && len(gr.parts) > 0 {
					out = append(out, gr)
				}
			}
		}
	}
	return out
}

// totalsMinusParts subtracts, in one release, each published part from its
// total and all published parts together: what is left is the parts the
// attacker does not see (withheld cells) plus whatever the total counts
// beyond its parts.
func (g *gate) totalsMinusParts(r *Release) {
	for _, gr := range groupsOf(r) {
		all := []term{{r, gr.total, 1}}
		for _, p := range gr.parts {
			g.try(TotalsParts, "", []term{{r, gr.total, 1}, {r, p, -1}})
			if !p.Suppressed {
				all = append(all, term{r, p, -1})
			}
		}
		g.try(TotalsParts, fmt.Sprintf("%s %s total − Σ published parts %s", gr.dataset, gr.column, gr.rest), all)
	}
}

// crossRelations are the same quantities published at two granularities: a
// year of district-summary against the district's all-domain months of a
// monthly table.
var crossRelations = []struct {
	yearly, monthly string
	fields          []string
}{
	{dataset.DistrictSummary, dataset.VolunteerHoursMonthly, []string{"verified_hours"}},
	{dataset.DistrictSummary, dataset.NeedsMonthly, []string{"needs_opened", "needs_resolved"}},
}

// crossTables subtracts the sum of a year's published monthly district
// cells from the year's cell: what is left is the withheld months and
// whatever the two tables count differently.
func (g *gate) crossTables(r *Release) {
	index := map[string]*Cell{}
	var monthly = map[string][]*Cell{} // table|field|year → the district's ALL months
	for i := range r.Cells {
		c := &r.Cells[i]
		index[c.Name()] = c
		if len(c.Key) == 3 && c.Key[1] == r.District && c.Key[2] == dataset.Total && len(c.Key[0]) == 7 {
			k := c.Dataset + "|" + c.Field + "|" + c.Key[0][:4]
			monthly[k] = append(monthly[k], c)
		}
	}
	for _, rel := range crossRelations {
		for _, f := range rel.fields {
			for i := range r.Cells {
				y := &r.Cells[i]
				if y.Dataset != rel.yearly || y.Field != f || len(y.Key) != 1 {
					continue
				}
				months := monthly[rel.monthly+"|"+f+"|"+y.Key[0]]
				if len(months) == 0 {
					continue
				}
				terms := []term{{r, y, 1}}
				for _, m := range months {
					if !m.Suppressed {
						terms = append(terms, term{r, m, -1})
					}
				}
				g.try(CrossTable, fmt.Sprintf("%s[%s].%s − Σ %s", rel.yearly, y.Key[0], f, rel.monthly), terms)
			}
		}
	}
}

// averaging combines the estimates of the same quantity made on different
// releases: when the records around it changed, each release's noise is a
// new draw, and their mean is closer to the truth than any one of them.
// Estimates drawn from exactly the same cells add nothing and count once.
func (g *gate) averaging() {
	ids := make([]string, 0, len(g.seen))
	for id := range g.seen {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		bySig := map[truthSig][]estimate{}
		for _, e := range g.seen[id] {
			bySig[e.sig] = append(bySig[e.sig], e)
		}
		for _, es := range bySig {
			distinct := map[string]estimate{}
			current := false
			for _, e := range es {
				distinct[noiseSignature(e)] = e
				for _, t := range e.terms {
					current = current || t.rel == g.cur
				}
			}
			if len(distinct) < 2 || !current {
				continue
			}
			n := float64(len(distinct))
			var terms []term
			for _, e := range distinct {
				for _, t := range e.terms {
					terms = append(terms, term{t.rel, t.cell, t.coef / n})
				}
			}
			s := g.summary[Averaging]
			s.Estimates++
			e := estimate{terms: terms, truth: es[0].truth, sig: es[0].sig}
			g.evaluate(Averaging, e, terms[0].cell.Truth.Measure)
		}
	}
}

// noiseSignature names the cell-key draws an estimate is made of.
func noiseSignature(e estimate) string {
	parts := make([]string, 0, len(e.terms))
	for _, t := range e.terms {
		p := t.cell.Truth.Total()
		parts = append(parts, fmt.Sprintf("%g:%d:%d:%d:%d:%t:%d", t.coef, t.cell.Truth.Measure, p.Key, p.N, p.Minutes, t.cell.Keyed, t.cell.Published))
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// unchangedCells checks the property averaging relies on: a cell whose
// records did not change publishes the same value in every release. A cell
// that does not has noise drawn afresh each time, and averaging its
// releases removes the noise.
func (g *gate) unchangedCells() {
	type sig struct {
		name    string
		m       disclosure.Measure
		key     disclosure.Key
		n, mins int64
	}
	values := map[sig]map[int64]bool{}
	releases := map[sig]int{}
	for _, r := range g.all {
		for i := range r.Cells {
			c := &r.Cells[i]
			if c.Suppressed {
				continue
			}
			p := c.Truth.Total()
			k := sig{c.Name(), c.Truth.Measure, p.Key, p.N, p.Minutes}
			if values[k] == nil {
				values[k] = map[int64]bool{}
			}
			values[k][c.Published] = true
			releases[k]++
		}
	}
	s := g.summary[Averaging]
	for i := range g.cur.Cells {
		c := &g.cur.Cells[i]
		if c.Suppressed {
			continue
		}
		p := c.Truth.Total()
		k := sig{c.Name(), c.Truth.Measure, p.Key, p.N, p.Minutes}
		if releases[k] < 2 {
			continue // new or changed since every earlier release
		}
		vs := values[k]
		s.Estimates++
		if len(vs) < 2 {
			continue
		}
		s.Targets++
		s.Recovered++
		g.report.Findings = append(g.report.Findings, Finding{Attack: Averaging,
			Why:   fmt.Sprintf("an unchanged cell published %d different values: its noise is not keyed to its records", len(vs)),
			Cells: []string{c.Name()}, Truth: c.Truth.Value(), Estimate: float64(c.Published), Unit: unitOf(c.Truth.Measure)})
	}
}
