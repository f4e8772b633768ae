package disclosure

import (
	"math"
	"testing"
)

// TestCountUncertainty: what a published count leaves open. A multiple of
// 5 at or above the floor comes from nine possible counts; values the
// method cannot produce are exact; the floor narrows the range.
func TestCountUncertainty(t *testing.T) {
	r, err := New(10, []byte("a secret of 16 bytes at least"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		p      int64
		lo, hi float64 // bounds on the standard deviation
	}{
		{37, 0, 0},     // not a multiple of 5: published as it is
		{5, 0, 0},      // below the floor (10): never published by the rules
		{10, 0.8, 1.4}, // 10 … 14, the lower ones likelier
		{50, 1.5, 2.5},
		{500, 1.5, 2.5},
	} {
		sd := math.Sqrt(r.CountUncertainty(tc.p))
		if sd < tc.lo || sd > tc.hi {
			t.Errorf("CountUncertainty(%d): sd %.3f, want in [%v, %v]", tc.p, sd, tc.lo, tc.hi)
		}
	}
}

// TestErrorMoments: counts that are multiples of 5 come out exact, others
// do not; hours noise scales with the largest contribution and has no
// bias.
func TestErrorMoments(t *testing.T) {
	r, err := New(10, []byte("a secret of 16 bytes at least"))
	if err != nil {
		t.Fatal(err)
	}
	if m, v := r.ErrorMoments(CountCell(MeasurePeople, Count{N: 15}, false)); m != 0 || v != 0 {
		t.Errorf("15 people: mean %v, variance %v; want exact", m, v)
	}
	if _, v := r.ErrorMoments(CountCell(MeasurePeople, Count{N: 17}, false)); v == 0 {
		t.Error("17 people: no variance")
	}
	if m, v := r.ErrorMoments(CountCell(MeasurePeople, Count{N: 3}, false)); m != 0 || v != 0 {
		t.Errorf("3 people (withheld): mean %v, variance %v", m, v)
	}
	small := HoursCell(Sum{People: 20, Minutes: 20 * 120, Top: 120}, false)
	large := HoursCell(Sum{People: 20, Minutes: 20 * 600, Top: 600}, true)
	ms, vs := r.ErrorMoments(small)
	ml, vl := r.ErrorMoments(large)
	if math.Abs(ms) > 0.05 || math.Abs(ml) > 0.05 {
		t.Errorf("hours bias %v, %v", ms, ml)
	}
	// Triangular noise of half-width 0.5 × Top: sd = 0.5 × Top / √6, plus
	// the rounding to whole hours.
	want := func(top float64) float64 { return math.Sqrt(math.Pow(0.5*top/60, 2)/6 + 1.0/12) }
	if sd := math.Sqrt(vs); math.Abs(sd-want(120)) > 0.05 {
		t.Errorf("Top 2 h: sd %.3f, want ≈ %.3f", sd, want(120))
	}
	if sd := math.Sqrt(vl); math.Abs(sd-want(600)) > 0.05 {
		t.Errorf("Top 10 h: sd %.3f, want ≈ %.3f", sd, want(600))
	}
	if large.Value() != 200 || large.Total().N != 20 || large.Adults.N != 0 {
		t.Errorf("children's hours cell %+v", large)
	}
}
