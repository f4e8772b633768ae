package attack

import (
	"fmt"
	"math"
	"slices"

	"github.com/tongxing/tongxing/disclosure"
)

// intervals is the audit statistical offices run on tables with withheld
// cells: what range each withheld count is confined to by everything
// published — the bounds each symbol implies and every total–parts
// relation — tightened until nothing moves. An x between a total of at
// most k − 1 and parts that are each at least 1 (because the table shows
// empty cells as 0) can be pinned to the person, whatever the noise.
//
// Bounds, as an attacker who has read the methodology and the public
// registers sets them: a cell the registers show to be empty
// (dataset.Dataset.ZeroWithout) is 0; a published count P (a multiple of 5 at or above the floor) stands for
// P − 4 … P + 4 and at least k; any other published count is exact; x is
// 0 … k − 1, or 1 … k − 1 in a field that publishes empty cells as 0 (its
// zeros say so); a row that is absent holds nothing. Relations: the
// strongest of total = Σ parts, total ≥ Σ parts or total ≤ Σ parts that
// holds in the truth (someone who knows how the figures are made can know
// it). Hours are left out: an x in hours has no upper bound the symbol
// implies.
//
// A withheld count is recovered when its interval is at most twice the
// tolerance wide (±1 person) and does not hold 0. Cells withheld as
// complements (they hold k or more: see Pinned) are no target, and their
// x bounds nothing from above.
func (g *gate) intervals() {
	r := g.cur
	s := g.summary[Intervals]
	type bound struct{ lo, hi int64 }
	bounds := map[*Cell]*bound{}
	zeros := map[string]bool{} // dataset|field that publishes 0
	for i := range r.Cells {
		c := &r.Cells[i]
		if c.Truth.Measure != disclosure.MeasureHours && !c.Suppressed && c.Published == 0 {
			zeros[c.Dataset+"|"+c.Field] = true
		}
	}
	k := g.k
	floor := (k + disclosure.RoundBase - 1) / disclosure.RoundBase * disclosure.RoundBase
	for i := range r.Cells {
		c := &r.Cells[i]
		if c.Truth.Measure == disclosure.MeasureHours {
			continue
		}
		switch {
		case c.PublicZero:
			bounds[c] = &bound{0, 0} // the registers say nobody is there
		case c.Suppressed && c.Truth.Total().N >= k:
			bounds[c] = &bound{0, math.MaxInt64 / 4} // a complement
		case c.Suppressed && zeros[c.Dataset+"|"+c.Field]:
			bounds[c] = &bound{1, k - 1}
		case c.Suppressed:
			bounds[c] = &bound{0, k - 1}
		case c.Published%disclosure.RoundBase == 0 && c.Published >= floor:
			bounds[c] = &bound{max(k, c.Published-2*disclosure.CountNoiseMax), c.Published + 2*disclosure.CountNoiseMax}
		default:
			bounds[c] = &bound{c.Published, c.Published}
		}
	}
	type relation struct {
		total *Cell
		parts []*Cell
		// sense: 0 total = Σ parts, 1 total ≥ Σ parts, −1 total ≤ Σ parts
		sense int
	}
	var rels []relation
	for _, gr := range groupsOf(r) {
		if bounds[gr.total] == nil {
			continue
		}
		var sum int64
		for _, p := range gr.parts {
			sum += p.Truth.Total().N
		}
		rel := relation{total: gr.total, parts: gr.parts}
		switch t := gr.total.Truth.Total().N; {
		case t > sum:
			rel.sense = 1
		case t < sum:
			rel.sense = -1
		}
		rels = append(rels, rel)
	}
	// Tighten until nothing moves (each pass only narrows integer bounds,
	// so this ends; the cap keeps a pathological table bounded in time).
	for pass := 0; pass < 100; pass++ {
		moved := false
		narrow := func(b *bound, lo, hi int64) {
			if lo > b.lo {
				b.lo, moved = lo, true
			}
			if hi < b.hi {
				b.hi, moved = hi, true
			}
		}
		for _, rel := range rels {
			t := bounds[rel.total]
			var los, his int64
			for _, p := range rel.parts {
				los += bounds[p].lo
				his += bounds[p].hi
			}
			if rel.sense >= 0 { // total ≥ Σ parts
				narrow(t, los, t.hi)
				for _, p := range rel.parts {
					b := bounds[p]
					narrow(b, b.lo, t.hi-(los-b.lo))
				}
			}
			if rel.sense <= 0 { // total ≤ Σ parts
				narrow(t, t.lo, his)
				for _, p := range rel.parts {
					b := bounds[p]
					narrow(b, t.lo-(his-b.hi), b.hi)
				}
			}
		}
		if !moved {
			break
		}
	}
	for i := range r.Cells {
		c := &r.Cells[i]
		b := bounds[c]
		if !c.Suppressed || b == nil || c.Truth.Total().N >= k || c.PublicZero {
			continue // published, a complement, or empty for all to see
		}
		s.Estimates++
		s.Targets++
		width := float64(b.hi - b.lo)
		truth := c.Truth.Total().N
		if c := g.closest["people"]; width/2 < c.Error {
			c.Error = width / 2
		}
		g.closest["people"].Targets++
		// Confined within the tolerance and above zero: the attacker can
		// show that someone is there, and how many. An interval that still
		// holds 0 proves nobody's presence (a residual of 0 … 2 where the
		// total and the published parts nearly agree is the common case).
		if width > 2*g.tol.People || b.lo < 1 || truth < b.lo || truth > b.hi {
			continue
		}
		s.Recovered++
		g.pinned = append(g.pinned, c)
		g.report.Findings = append(g.report.Findings, Finding{Attack: Intervals,
			Why:   fmt.Sprintf("a withheld count confined to %d … %d by the published totals and parts", b.lo, b.hi),
			Cells: []string{r.Version + ":" + c.Name()}, Truth: float64(truth), Estimate: float64(b.lo+b.hi) / 2,
			RMSE: width / 2, Tolerance: g.tol.People, Unit: "people"})
	}
}

// Pinned runs the interval audit alone on a release being built and
// returns the withheld counts it confines within the tolerance. The
// builder withholds a complement for each (opendata/tables) and asks
// again, until none is left.
func Pinned(rules *disclosure.Rules, tol Tolerance, r *Release) []*Cell {
	g := &gate{rules: rules, tol: tol, k: int64(rules.K()), cur: r,
		summary: map[string]*AttackSummary{Intervals: {Name: Intervals}},
		closest: map[string]*Closest{"people": {Unit: "people", Error: math.Inf(1)}},
		report:  &Report{}}
	g.intervals()
	return g.pinned
}

// Complements withholds, while the interval audit confines any withheld
// count within the tolerance, a second cell beside each such count: in the
// groups the count belongs to, the smallest published count of the same
// field (the least information lost). A withheld complement holds k or
// more, and its x bounds nothing from above, so the confined count opens
// up. This is the secondary suppression statistical offices add to primary
// suppression, chosen by the same audit the release gate runs. It returns
// how many cells it withheld; rounds are capped, and a table still pinned
// after them is refused by the gate.
func Complements(rules *disclosure.Rules, tol Tolerance, r *Release) int {
	withheld := 0
	for range 50 {
		pinned := Pinned(rules, tol, r)
		if len(pinned) == 0 {
			break
		}
		isPinned := map[*Cell]bool{}
		for _, c := range pinned {
			isPinned[c] = true
		}
		groups := groupsOf(r)
		done := map[*Cell]bool{}
		for _, c := range pinned {
			var best *Cell
			for _, gr := range groups {
				members := append([]*Cell{gr.total}, gr.parts...)
				if !slices.Contains(members, c) {
					continue
				}
				for _, m := range members {
					if m == c || m.Suppressed || m.PublicZero || m.Field != c.Field || m.Truth.Measure != c.Truth.Measure {
						continue
					}
					if best == nil || m.Published < best.Published || (m.Published == best.Published && m.Name() < best.Name()) {
						best = m
					}
				}
			}
			if best != nil && !done[best] {
				done[best] = true
				best.Withhold()
				withheld++
			}
		}
		if len(done) == 0 {
			break // nothing left to withhold beside them
		}
	}
	return withheld
}
