package attack

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/opendata/dataset"
)

// Tolerance is how close an attack must come to count as a recovery: its
// root-mean-square error at most People for a count (people, needs,
// cases), and at most HoursShare of the true value for hours — the p %
// rule statistical offices use for magnitudes, and strictly below the
// 0.204 × the largest contribution that the hours noise of a single cell
// gives, so correctly protected hours never fail it.
type Tolerance struct {
	People     float64
	HoursShare float64
}

// DefaultTolerance is ±1 person (need, case) and ±10 % of hours.
var DefaultTolerance = Tolerance{People: 1, HoursShare: 0.10}

// The attacks, as reports name them.
const (
	Differencing   = "release-differencing"
	TotalsParts    = "totals-minus-parts"
	Intervals      = "interval-audit"
	CrossTable     = "cross-table"
	Population     = "population-isolation"
	Averaging      = "repeated-release-averaging"
	reportedHoursU = "hours"
)

// Attacks lists the attacks in the order reports give them.
var Attacks = []string{Differencing, TotalsParts, Intervals, CrossTable, Population, Averaging}

// Report is what one run of the gate found. Findings name cells and go to
// operators only (the private report); the rest is aggregate and is
// published in the manifest and on the methodology page.
type Report struct {
	Version   string    `json:"version"`
	CheckedAt time.Time `json:"checkedAt"`
	Passed    bool      `json:"passed"`
	// Releases is how many releases were attacked together: the new one and
	// the published ones whose snapshots exist; Unattackable lists
	// published releases without a snapshot (built before the gate).
	Releases     int      `json:"releases"`
	Unattackable []string `json:"unattackable,omitempty"`
	// Cells is the new release's protected values.
	Cells   int             `json:"cells"`
	Attacks []AttackSummary `json:"attacks"`
	// Closest is, per unit, the attack that came nearest to a protected
	// value and the threshold it had to stay above.
	Closest   []Closest `json:"closest"`
	Tolerance Tolerance `json:"tolerance"`
	Findings  []Finding `json:"findings,omitempty"`
}

// AttackSummary counts one attack's work.
type AttackSummary struct {
	Name string `json:"name"`
	// Estimates is how many combinations the attack formed; Targets how
	// many of them measure a protected quantity; Recovered how many of
	// those came within the tolerance.
	Estimates int `json:"estimates,omitempty"`
	Targets   int `json:"targets,omitempty"`
	Recovered int `json:"recovered"`
}

// Closest is the smallest expected error met on a protected quantity, in
// people (counts) or as a share of the true value (hours).
type Closest struct {
	Unit      string  `json:"unit"` // "people" (also needs and cases) or "hours-share"
	Error     float64 `json:"error"`
	Threshold float64 `json:"threshold"`
	Targets   int     `json:"targets,omitempty"`
}

// Finding is one recovery.
type Finding struct {
	Attack string   `json:"attack"`
	Why    string   `json:"why"`
	Cells  []string `json:"cells"`
	// Truth is the protected quantity; Estimate what the published values
	// give; RMSE the attack's expected error; Tolerance the bound it met.
	Truth     float64 `json:"truth"`
	Estimate  float64 `json:"estimate"`
	RMSE      float64 `json:"rmse"`
	Tolerance float64 `json:"tolerance"`
	Unit      string  `json:"unit"`
}

// Aggregate is what may be published of the report: which attacks ran,
// that none recovered anything, the cells checked (fixed by the tables'
// grids), the releases attacked and the closest approach — no findings,
// and no counts of combinations or targets. Those depend on the true
// values (which cells changed their records, which children's cells hold
// anyone, how many complements were withheld), and their change between
// releases would be a side channel. The private report keeps them.
func (r *Report) Aggregate() *Report {
	a := *r
	a.Findings = nil
	a.Attacks = slices.Clone(r.Attacks)
	for i := range a.Attacks {
		a.Attacks[i].Estimates, a.Attacks[i].Targets = 0, 0
	}
	a.Closest = slices.Clone(r.Closest)
	for i := range a.Closest {
		a.Closest[i].Targets = 0
	}
	return &a
}

// Summary is one line for logs and errors.
func (r *Report) Summary() string {
	var parts []string
	for _, a := range r.Attacks {
		parts = append(parts, fmt.Sprintf("%s %d/%d/%d", a.Name, a.Estimates, a.Targets, a.Recovered))
	}
	verdict := "passed"
	if !r.Passed {
		verdict = fmt.Sprintf("REFUSED: %d protected values recovered", len(r.Findings))
	}
	return fmt.Sprintf("release gate %s over %d releases, %d cells (estimates/targets/recovered: %s)",
		verdict, r.Releases, r.Cells, strings.Join(parts, ", "))
}

// term is one published value in an attack, with its coefficient.
type term struct {
	rel  *Release
	cell *Cell
	coef float64
}

// gate runs the attacks and keeps the tallies.
type gate struct {
	rules   *disclosure.Rules
	tol     Tolerance
	k       int64
	cur     *Release
	report  *Report
	summary map[string]*AttackSummary
	closest map[string]*Closest
	// seen holds, per averaging identity, the estimates made on each
	// release, for the repeated-release attack.
	seen map[string][]estimate
	// seenNoise holds, per averaging identity, the noise of the estimates
	// kept: an estimate of the same draws adds nothing and is not kept.
	seenNoise map[string]map[uint64]bool
	// unchanged follows, per cell of the new release, the values the same
	// records published in earlier releases.
	unchanged map[*Cell]*unchanged
	byName    map[string]*Cell // the new release's cells, by name
	pinned    []*Cell          // withheld counts the interval audit confined
	// curSig is what each named estimate of the new release measures.
	curSig map[string]truthSig
}

type estimate struct {
	terms []term
	truth float64
	sig   truthSig
}

// truthSig identifies what a combination truly measures, so estimates of
// the same quantity in different releases can be averaged.
type truthSig struct {
	adults, children int64
	key              disclosure.Key
}

// plus adds coef × a cell's truth.
func (s truthSig) plus(c *Cell, coef int64) truthSig {
	a, ch := c.Truth.Adults, c.Truth.Children
	if c.Truth.Measure == disclosure.MeasureHours {
		s.adults += coef * a.Minutes
		s.children += coef * ch.Minutes
	} else {
		s.adults += coef * a.N
		s.children += coef * ch.N
	}
	s.key += disclosure.Key(coef) * c.Truth.Total().Key
	return s
}

// worthAveraging reports whether an estimate of an earlier release, named
// id, measures what the new release's estimate of that name measures —
// the only earlier estimates the averaging attack can use. It lets the
// gate skip forming the rest.
func (g *gate) worthAveraging(id string, sig truthSig) bool {
	cur, ok := g.curSig[id]
	return ok && cur == sig
}

// Releases yields earlier releases one at a time, so the gate holds one in
// memory besides the new one; it stops at the first error.
type Releases func(yield func(*Release) error) error

// These returns releases already in memory as Releases.
func These(rs ...*Release) Releases {
	return func(yield func(*Release) error) error {
		for _, r := range rs {
			if err := yield(r); err != nil {
				return err
			}
		}
		return nil
	}
}

// Run attacks cur together with the previous releases (their snapshots)
// and decides whether cur may be published.
func Run(rules *disclosure.Rules, tol Tolerance, cur *Release, prev []*Release, unattackable []string, now time.Time) *Report {
	r, _ := RunStream(rules, tol, cur, These(prev...), unattackable, now)
	return r
}

// RunStream is Run over releases read one at a time: memory holds the new
// release, one earlier release and the distinct estimates the averaging
// attack keeps, whatever the number of releases.
func RunStream(rules *disclosure.Rules, tol Tolerance, cur *Release, prev Releases, unattackable []string, now time.Time) (*Report, error) {
	g := &gate{
		rules: rules, tol: tol, k: int64(rules.K()), cur: cur,
		summary:   map[string]*AttackSummary{},
		closest:   map[string]*Closest{},
		seen:      map[string][]estimate{},
		seenNoise: map[string]map[uint64]bool{},
		curSig:    map[string]truthSig{},
		unchanged: map[*Cell]*unchanged{},
	}
	g.report = &Report{Version: cur.Version, CheckedAt: now.UTC().Truncate(time.Second), Releases: 1,
		Unattackable: unattackable, Cells: len(cur.Cells), Tolerance: tol}
	for _, a := range Attacks {
		g.summary[a] = &AttackSummary{Name: a}
	}
	g.closest["people"] = &Closest{Unit: "people", Error: math.Inf(1), Threshold: tol.People}
	g.closest["hours-share"] = &Closest{Unit: "hours-share", Error: math.Inf(1), Threshold: tol.HoursShare}

	g.placement()
	g.pairs()
	g.intervals()
	g.totalsMinusParts(cur)
	g.crossTables(cur)
	g.unchangedCells(cur)
	// Each earlier release against the new one; its own estimates only
	// feed the averaging attack (it was published already, and gated
	// then).
	err := prev(func(p *Release) error {
		g.report.Releases++
		g.differencing(p)
		g.totalsMinusParts(p)
		g.crossTables(p)
		g.unchangedCells(p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	g.averaging()
	g.unchangedFindings()

	for _, a := range Attacks {
		g.report.Attacks = append(g.report.Attacks, *g.summary[a])
	}
	for _, u := range []string{"people", "hours-share"} {
		c := *g.closest[u]
		if math.IsInf(c.Error, 1) {
			c.Error = 0 // no target of this unit: nothing came near
		}
		g.report.Closest = append(g.report.Closest, c)
	}
	sort.SliceStable(g.report.Findings, func(i, j int) bool { return g.report.Findings[i].Attack < g.report.Findings[j].Attack })
	g.report.Passed = len(g.report.Findings) == 0
	return g.report, nil
}

// try evaluates one combination of published values. Its estimate is
// recorded for the averaging attack under id when id is not empty; it is
// evaluated only when it involves the new release.
func (g *gate) try(attack, id string, terms []term) {
	s := g.summary[attack]
	if len(terms) == 0 {
		return
	}
	current := false
	for _, t := range terms {
		current = current || t.rel == g.cur
	}
	m := terms[0].cell.Truth.Measure
	for _, t := range terms {
		if t.cell.Suppressed || t.cell.Truth.Measure != m {
			return // the attacker sees x, or the units do not add up
		}
	}
	if current {
		s.Estimates++
	}
	e := estimate{terms: terms}
	for _, t := range terms {
		e.truth += t.coef * t.cell.Truth.Value()
		e.sig = e.sig.plus(t.cell, int64(t.coef))
	}
	if id != "" {
		if current {
			g.curSig[id] = e.sig
		}
		n := noiseHash(e)
		if g.seenNoise[id] == nil {
			g.seenNoise[id] = map[uint64]bool{}
		}
		if !g.seenNoise[id][n] {
			g.seenNoise[id][n] = true
			g.seen[id] = append(g.seen[id], e)
		}
	}
	if current {
		g.evaluate(attack, e, m)
	}
}

// evaluate decides whether an estimate measures a protected quantity and,
// if so, whether it comes within the tolerance.
func (g *gate) evaluate(attack string, e estimate, m disclosure.Measure) {
	why := g.protected(e, m)
	if why == "" {
		return
	}
	s := g.summary[attack]
	s.Targets++
	rmse := g.rmse(e.terms)
	var tol, share float64
	unit := "people"
	if m == disclosure.MeasureHours {
		unit = reportedHoursU
		tol = g.tol.HoursShare * math.Abs(e.truth)
		share = rmse / math.Abs(e.truth)
		if c := g.closest["hours-share"]; share < c.Error {
			c.Error = share
		}
		g.closest["hours-share"].Targets++
	} else {
		tol = g.tol.People
		if c := g.closest["people"]; rmse < c.Error {
			c.Error = rmse
		}
		g.closest["people"].Targets++
	}
	if rmse > tol+1e-9 {
		return
	}
	s.Recovered++
	var est float64
	var names []string
	for _, t := range e.terms {
		est += t.coef * float64(t.cell.Published)
		sign := "+"
		if t.coef < 0 {
			sign = "−"
		}
		if math.Abs(t.coef) != 1 {
			sign += fmt.Sprintf("%g×", math.Abs(t.coef))
		}
		names = append(names, sign+t.rel.Version+":"+t.cell.Name())
	}
	g.report.Findings = append(g.report.Findings, Finding{Attack: attack, Why: why, Cells: names,
		Truth: e.truth, Estimate: est, RMSE: rmse, Tolerance: tol, Unit: unit})
}

// protected says what protected quantity an estimate measures, or "".
func (g *gate) protected(e estimate, m disclosure.Measure) string {
	if e.sig.children != 0 && e.sig.adults == 0 {
		for _, t := range e.terms {
			if !childrenTable(t.cell.Dataset) {
				return "isolates children from a table that counts adults"
			}
		}
	}
	if m != disclosure.MeasureHours {
		if n := math.Abs(e.truth); n > 0 && n < float64(g.k) {
			return fmt.Sprintf("a count of %g, below k = %d", n, g.k)
		}
		return ""
	}
	if e.truth == 0 {
		return ""
	}
	var top int64
	for _, t := range e.terms {
		top = max(top, t.cell.Truth.Total().Top)
	}
	if float64(top) >= disclosure.DominanceShare*math.Abs(e.truth)*60 {
		return "hours one person could hold most of"
	}
	return ""
}

// rmse is how far from the truth the attacker's estimate Σ coef ×
// published can be expected to fall. Cells of the same records share one
// cell-key draw, so their coefficients add first.
//
// Counts: the uncertainty the published values leave — for each value,
// the spread of the true counts that could have published it
// (disclosure.Rules.CountUncertainty). It depends on what was published,
// not on the truth: with rounding to 5, a count that happens to be a
// multiple of 5 is published exactly, yet nobody can tell that it was.
//
// Hours: the root-mean-square error over the cell-key draw
// (disclosure.Rules.ErrorMoments) — the noise is continuous and scaled to
// the cell's largest contribution, which the attacker does not see.
//
// Values published otherwise than the rules give (a planted or accidental
// leak) are exact: a count that is no multiple of 5 says so itself, and
// hours carry their actual error with no spread.
func (g *gate) rmse(terms []term) float64 {
	type source struct {
		measure disclosure.Measure
		key     disclosure.Key
		n, min  int64
		keyed   bool
		value   int64
	}
	coef := map[source]float64{}
	cells := map[source]*Cell{}
	for _, t := range terms {
		c := t.cell
		p := c.Truth.Total()
		s := source{c.Truth.Measure, p.Key, p.N, p.Minutes, c.Keyed, c.Published}
		coef[s] += t.coef
		cells[s] = c
	}
	var bias, variance float64
	for s, k := range coef {
		if k == 0 {
			continue
		}
		c := cells[s]
		switch {
		case s.measure != disclosure.MeasureHours:
			variance += k * k * g.rules.CountUncertainty(c.Published)
		case !c.Keyed:
			bias += k * (float64(c.Published) - c.Truth.Value())
		default:
			mean, v := g.rules.ErrorMoments(c.Truth)
			bias += k * mean
			variance += k * k * v
		}
	}
	return math.Sqrt(bias*bias + variance)
}

func childrenTable(id string) bool {
	d := dataset.ByID(id)
	return d != nil && d.Children
}
