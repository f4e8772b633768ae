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
	Estimates int `json:"estimates"`
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

// Aggregate is what may be published of the report: no findings, and no
// count of protected targets (which combinations measure a count below k
// depends on the true values, and its change between releases would be a
// side channel). The combinations formed depend on what was published
// only; the closest approach is kept, as the release's risk figure.
func (r *Report) Aggregate() *Report {
	a := *r
	a.Findings = nil
	a.Attacks = slices.Clone(r.Attacks)
	for i := range a.Attacks {
		a.Attacks[i].Targets = 0
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
	all     []*Release // previous releases, then cur
	report  *Report
	summary map[string]*AttackSummary
	closest map[string]*Closest
	// seen holds, per averaging identity, the estimates made on each
	// release, for the repeated-release attack.
	seen map[string][]estimate
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

// Run attacks cur together with the previous releases (their snapshots)
// and decides whether cur may be published.
func Run(rules *disclosure.Rules, tol Tolerance, cur *Release, prev []*Release, unattackable []string, now time.Time) *Report {
	g := &gate{
		rules: rules, tol: tol, k: int64(rules.K()), cur: cur,
		all:     append(slices.Clip(prev), cur),
		summary: map[string]*AttackSummary{},
		closest: map[string]*Closest{},
		seen:    map[string][]estimate{},
	}
	g.report = &Report{Version: cur.Version, CheckedAt: now.UTC().Truncate(time.Second), Releases: len(g.all),
		Unattackable: unattackable, Cells: len(cur.Cells), Tolerance: tol}
	for _, a := range Attacks {
		g.summary[a] = &AttackSummary{Name: a}
	}
	g.closest["people"] = &Closest{Unit: "people", Error: math.Inf(1), Threshold: tol.People}
	g.closest["hours-share"] = &Closest{Unit: "hours-share", Error: math.Inf(1), Threshold: tol.HoursShare}

	g.placement()
	g.pairs()
	g.intervals()
	g.differencing()
	// Within each release; the previous releases' estimates only feed the
	// averaging attack (they were published already and were gated then).
	for _, r := range g.all {
		g.totalsMinusParts(r)
		g.crossTables(r)
	}
	g.averaging()
	g.unchangedCells()

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
	return g.report
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
		a, c := t.cell.Truth.Adults, t.cell.Truth.Children
		if m == disclosure.MeasureHours {
			e.sig.adults += int64(t.coef) * a.Minutes
			e.sig.children += int64(t.coef) * c.Minutes
		} else {
			e.sig.adults += int64(t.coef) * a.N
			e.sig.children += int64(t.coef) * c.N
		}
		e.sig.key += disclosure.Key(int64(t.coef)) * t.cell.Truth.Total().Key
	}
	if id != "" {
		g.seen[id] = append(g.seen[id], e)
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
