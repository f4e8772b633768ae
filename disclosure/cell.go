package disclosure

import "math"

// Measure is what a protected cell counts.
type Measure uint8

// The measures, each protected by its own method of Rules.
const (
	MeasurePeople Measure = iota + 1 // distinct people (Count)
	MeasureNeeds                     // resident needs (Needs)
	MeasureCases                     // social-work cases (Cases)
	MeasureHours                     // verified hours, held in minutes (Hours)
)

func (m Measure) String() string {
	switch m {
	case MeasurePeople:
		return "people"
	case MeasureNeeds:
		return "needs"
	case MeasureCases:
		return "cases"
	case MeasureHours:
		return "hours"
	}
	return "unknown"
}

// Part is the records of one population in a cell: for counts N people,
// needs or cases; for hours the People contributing, their capped Minutes
// and the largest single contribution Top. Key is the sum of the records'
// keys.
type Part struct {
	N, Minutes, Top int64
	Key             Key
}

// Cell is the confidential content of one published value: what disclosure
// control was applied to, split by population, so the release gate
// (package opendata/attack) can tell what a combination of published values
// really measures. Adults holds everyone outside the protected groups;
// Children holds volunteers under 18 or of unknown age, needs in
// child-related domains and children's cases. A Cell never leaves the
// build: it is kept in the releases root's private folder, never served.
type Cell struct {
	Measure          Measure
	Adults, Children Part
}

// CountCell is a count of people, needs or cases in one population.
func CountCell(m Measure, c Count, children bool) Cell {
	p := Part{N: c.N, Key: c.Key}
	if children {
		return Cell{Measure: m, Children: p}
	}
	return Cell{Measure: m, Adults: p}
}

// HoursCell is an hours sum in one population.
func HoursCell(s Sum, children bool) Cell {
	p := Part{N: s.People, Minutes: s.Minutes, Top: s.Top, Key: s.Key}
	if children {
		return Cell{Measure: MeasureHours, Children: p}
	}
	return Cell{Measure: MeasureHours, Adults: p}
}

// Total is the whole cell, both populations together.
func (c Cell) Total() Part {
	return Part{
		N:       c.Adults.N + c.Children.N,
		Minutes: c.Adults.Minutes + c.Children.Minutes,
		Top:     max(c.Adults.Top, c.Children.Top),
		Key:     c.Adults.Key + c.Children.Key,
	}
}

// Value is the cell's true value in its published unit: a count, or hours
// (not rounded).
func (c Cell) Value() float64 {
	t := c.Total()
	if c.Measure == MeasureHours {
		return float64(t.Minutes) / 60
	}
	return float64(t.N)
}

// Protect applies the cell's rule to the whole cell.
func (r *Rules) Protect(c Cell) Result {
	t := c.Total()
	switch c.Measure {
	case MeasureNeeds:
		return r.Needs(Count{N: t.N, Key: t.Key})
	case MeasureCases:
		return r.Cases(Count{N: t.N, Key: t.Key})
	case MeasureHours:
		return r.Hours(Sum{People: t.N, Minutes: t.Minutes, Top: t.Top, Key: t.Key})
	}
	return r.Count(Count{N: t.N, Key: t.Key})
}

// ErrorMoments are the mean and the variance of (published − true value) of
// a cell Protect publishes, over the cell-key draw: what someone who knows
// the method but not the secret can expect of the error. Counts are exact
// (the ten noise outcomes, rounding and the floor at K); hours integrate the
// triangular noise and the rounding to whole hours numerically.
func (r *Rules) ErrorMoments(c Cell) (mean, variance float64) {
	t := c.Total()
	if c.Measure != MeasureHours {
		if t.N < r.k {
			return 0, 0 // zero or withheld: no noise
		}
		floor := ceilToBase(r.k, RoundBase)
		var s, s2 float64
		for _, d := range countNoise {
			v := max(roundToBase(t.N+d, RoundBase), floor)
			e := float64(v - t.N)
			s += e
			s2 += e * e
		}
		n := float64(len(countNoise))
		mean = s / n
		return mean, s2/n - mean*mean
	}
	if t.N <= 0 || t.Minutes <= 0 {
		return 0, 0
	}
	// Midpoint rule over the triangular density 1 − |u| on (−1, 1).
	const steps = 400
	truth := float64(t.Minutes) / 60
	var w, s, s2 float64
	for i := range steps {
		u := -1 + (float64(i)+0.5)*2/steps
		p := 1 - math.Abs(u)
		noisy := float64(t.Minutes) + u*HoursNoise*float64(t.Top)
		e := max(math.Floor(noisy/60+0.5), 0) - truth
		w += p
		s += p * e
		s2 += p * e * e
	}
	mean = s / w
	return mean, s2/w - mean*mean
}

// CountUncertainty is what a published count p tells someone who knows the
// method but not the secret: the variance of the true count over the
// counts that could have published p (each weighed by how likely its noise
// gives p, every count at least K equally likely beforehand). A value the
// method cannot produce — not a multiple of RoundBase, or below the floor
// — can only have been published as it is, so it is taken as exact
// (variance 0): how an unperturbed value gives itself away.
func (r *Rules) CountUncertainty(p int64) float64 {
	floor := ceilToBase(r.k, RoundBase)
	if p%RoundBase != 0 || p < floor {
		return 0
	}
	var w, s, s2 float64
	for n := max(r.k, p-2*CountNoiseMax); n <= p+2*CountNoiseMax; n++ {
		var like float64
		for _, d := range countNoise {
			if max(roundToBase(n+d, RoundBase), floor) == p {
				like++
			}
		}
		w += like
		s += like * float64(n)
		s2 += like * float64(n) * float64(n)
	}
	if w == 0 {
		return 0
	}
	mean := s / w
	return s2/w - mean*mean
}
