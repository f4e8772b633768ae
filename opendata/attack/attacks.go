package attack

import (
	"fmt"
	"math"
	"slices"

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

// differencing subtracts every published cell of an earlier release from
// the same cell of the new one.
func (g *gate) differencing(p *Release) {
	byName := g.curByName()
	for i := range p.Cells {
		o := &p.Cells[i]
		c := byName[o.Name()]
		if c == nil || c.Suppressed || o.Suppressed || (o.Truth == c.Truth && o.Published == c.Published) {
			continue // nothing to subtract, or the same records published alike
		}
		g.try(Differencing, "", []term{{g.cur, c, 1}, {p, o, -1}})
	}
}

// curByName indexes the new release's cells by name (made once).
func (g *gate) curByName() map[string]*Cell {
	if g.byName == nil {
		g.byName = make(map[string]*Cell, len(g.cur.Cells))
		for i := range g.cur.Cells {
			g.byName[g.cur.Cells[i].Name()] = &g.cur.Cells[i]
		}
	}
	return g.byName
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
	dataset, column string
	total           *Cell
	parts           []*Cell
}

// groupKey is a cell's key columns but one, with its field: the cells
// that share it are a total and its parts along the column left out.
type groupKey struct {
	field string
	key   [4]string
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
		if d == nil || len(d.PrimaryKey) > 4 {
			continue
		}
		for dim, column := range d.PrimaryKey {
			groups := map[groupKey]*group{}
			var order []*group
			for _, c := range byDataset[id] {
				k := groupKey{field: c.Field}
				copy(k.key[:], c.Key)
				k.key[dim] = ""
				gr := groups[k]
				if gr == nil {
					gr = &group{dataset: id, column: column}
					groups[k] = gr
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
		// Named by the total and the column: the same quantity in every
		// release, for the averaging attack.
		id := gr.column + " " + gr.total.Name()
		if r != g.cur {
			// An earlier release: only the estimate the averaging can
			// use, and only when it measures the new one's quantity.
			sig := truthSig{}.plus(gr.total, 1)
			for _, p := range gr.parts {
				if !p.Suppressed {
					sig = sig.plus(p, -1)
				}
			}
			if gr.total.Suppressed || !g.worthAveraging(id, sig) {
				continue
			}
			all := []term{{r, gr.total, 1}}
			for _, p := range gr.parts {
				if !p.Suppressed {
					all = append(all, term{r, p, -1})
				}
			}
			g.try(TotalsParts, id, all)
			continue
		}
		all := []term{{r, gr.total, 1}}
		for _, p := range gr.parts {
			g.try(TotalsParts, "", []term{{r, gr.total, 1}, {r, p, -1}})
			if !p.Suppressed {
				all = append(all, term{r, p, -1})
			}
		}
		g.try(TotalsParts, id, all)
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
	type yearOf struct{ table, field, year string }
	monthly := map[yearOf][]*Cell{} // the district's all-domain months of a year
	for i := range r.Cells {
		c := &r.Cells[i]
		if len(c.Key) == 3 && c.Key[1] == r.District && c.Key[2] == dataset.Total && len(c.Key[0]) == 7 {
			k := yearOf{c.Dataset, c.Field, c.Key[0][:4]}
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
				months := monthly[yearOf{rel.monthly, f, y.Key[0]}]
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
			// Estimates of the same draws were kept once (try).
			distinct := es
			current := false
			for _, e := range es {
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

// noiseHash identifies the cell-key draws an estimate is made of: the same
// draws, in any order, hash alike.
func noiseHash(e estimate) uint64 {
	var h uint64
	for _, t := range e.terms {
		p := t.cell.Truth.Total()
		x := uint64(p.Key)*0x9e3779b97f4a7c15 ^ uint64(p.N)*0xbf58476d1ce4e5b9 ^ uint64(p.Minutes)*0x94d049bb133111eb ^
			uint64(t.cell.Truth.Measure)<<56 ^ uint64(t.cell.Published)*0x2545f4914f6cdd1d ^ math.Float64bits(t.coef)
		if !t.cell.Keyed {
			x = ^x
		}
		x ^= x >> 31
		h += x * 0xd6e8feb86659fd93
	}
	return h
}

// unchanged is what earlier releases published for the records of one
// cell of the new release.
type unchanged struct {
	releases int
	values   map[int64]bool
}

// unchangedCells checks the property averaging relies on: a cell whose
// records did not change publishes the same value in every release. A cell
// that does not has noise drawn afresh each time, and averaging its
// releases removes the noise. Called with the new release first, then each
// earlier one.
func (g *gate) unchangedCells(r *Release) {
	byName := g.curByName()
	for i := range r.Cells {
		o := &r.Cells[i]
		c := byName[o.Name()]
		if c == nil || c.Suppressed || o.Suppressed || o.Truth != c.Truth {
			continue
		}
		u := g.unchanged[c]
		if u == nil {
			u = &unchanged{values: map[int64]bool{}}
			g.unchanged[c] = u
		}
		u.releases++
		u.values[o.Published] = true
	}
}

func (g *gate) unchangedFindings() {
	s := g.summary[Averaging]
	for i := range g.cur.Cells {
		c := &g.cur.Cells[i]
		u := g.unchanged[c]
		if u == nil || u.releases < 2 {
			continue // new or changed since every earlier release
		}
		s.Estimates++
		if len(u.values) < 2 {
			continue
		}
		s.Targets++
		s.Recovered++
		g.report.Findings = append(g.report.Findings, Finding{Attack: Averaging,
			Why:   fmt.Sprintf("an unchanged cell published %d different values: its noise is not keyed to its records", len(u.values)),
			Cells: []string{c.Name()}, Truth: c.Truth.Value(), Estimate: float64(c.Published), Unit: unitOf(c.Truth.Measure)})
	}
}
