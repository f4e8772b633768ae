package partners

import (
	"testing"
	"time"

	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/pii"
)

func TestTermOf(t *testing.T) {
	for day, want := range map[string]string{
		"2025-09-01": "2025-2026-1", "2026-01-31": "2025-2026-1", "2026-02-01": "2025-2026-2",
		"2026-08-31": "2025-2026-2", "2026-10-31": "2026-2027-1", "2024-02-29": "2023-2024-2",
	} {
		d, _ := time.Parse(time.DateOnly, day)
		if got := TermOf(d); got.Code != want || d.Before(got.From) || d.After(got.To) {
			t.Errorf("TermOf(%s) = %+v, want %s", day, got, want)
		}
	}
	// Terms tile the calendar: each starts the day after the last ends.
	term := TermOf(date(2019, 9, 1))
	for i := 0; i < 20; i++ {
		next := term.Next()
		if !next.From.Equal(term.To.AddDate(0, 0, 1)) {
			t.Fatalf("%s ends %v, %s starts %v", term.Code, term.To, next.Code, next.From)
		}
		term = next
	}
}

func TestKeyCursorRoundTrip(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	for _, k := range []Key{
		{At: time.Date(2026, 11, 29, 15, 8, 21, 978427066, cst), ID: 60129558844},
		{At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Rank: 3, ID: 1},
	} {
		c := k.Cursor()
		got, err := KeyOf(&c)
		if err != nil || !got.At.Equal(k.At) || got.Rank != k.Rank || got.ID != k.ID {
			t.Errorf("KeyOf(%v.Cursor()) = %+v, %v", k, got, err)
		}
	}
	for _, c := range []Cursor{{ID: 1, Value: 42}, {ID: 0, Value: "2026-01-01T00:00:00Z"}, {ID: 1, Value: "yesterday"},
		{ID: 1, Value: "2026-01-01T00:00:00Z#x"}} {
		if _, err := KeyOf(&c); err != ErrCursor {
			t.Errorf("KeyOf(%v) accepted", c)
		}
	}
}

// testRules are the partner figures' rules under a fixed server key.
var testRules = func() *disclosure.Rules {
	keys, err := pii.NewKeys([]byte("tongxing-partner-unit-secret-32b"))
	if err != nil {
		panic(err)
	}
	return rulesFor(keys)
}()

// otherCell is a term cell with n students without consent, student i
// serving minutes(i) in one record on 1 October; record ids start at
// firstRecord.
func otherCell(n int, minutes func(i int) int, firstRecord int) *cell {
	c := newCell(date(2025, 9, 1), date(2026, 1, 31), nil)
	for i := 0; i < n; i++ {
		c.addOther(testRules, 1000+i, firstRecord+i, date(2025, 10, 1), minutes(i))
	}
	return c
}

// TestOtherFiguresDisclosure: the figures about students without consent
// are withheld from 1 to k − 1 students, and otherwise published as a
// count that is a multiple of 5 and at least k and a whole number of hours.
func TestOtherFiguresDisclosure(t *testing.T) {
	for _, tc := range []struct {
		others   int
		minutes  func(int) int
		withheld bool
	}{
		{0, nil, true}, // none is withheld as few are
		{1, func(int) int { return 60 }, true},
		{MinCell - 1, func(int) int { return 60 }, true},
		{MinCell, func(int) int { return 60 }, false},
		{12, func(i int) int { return 45 + 15*i }, false},
		{40, func(i int) int { return 135 }, false},
		// One student holds more than 60 % of the hours: withheld (dominance).
		{12, func(i int) int { return map[bool]int{true: 1440, false: 30}[i == 0] }, true},
	} {
		f := otherCell(tc.others, tc.minutes, 1).figures(testRules)
		if f.Suppressed() != tc.withheld || (f.OtherStudents == nil) != (f.OtherMinutes == nil) {
			t.Errorf("%d students: withheld %v, want %v (%+v)", tc.others, f.Suppressed(), tc.withheld, f)
			continue
		}
		if f.Suppressed() {
			continue
		}
		n, h := *f.OtherStudents, *f.OtherHours()
		switch {
		case n < MinCell || n%disclosure.RoundBase != 0:
			t.Errorf("%d students published as %d: not a multiple of %d of at least k", tc.others, n, disclosure.RoundBase)
		case h != float64(int(h)):
			t.Errorf("%d students: %v hours is not whole", tc.others, h)
		}
	}
}

// TestOtherFiguresHideOneRecord is the polling attack: a cell of 20
// students without consent, read before and after one more record of one
// of them. The count does not move (the same students); the hours never
// move by the record's exact 135 minutes (2.25 h), and for whole-hour
// records the published change equals the true one only by chance.
func TestOtherFiguresHideOneRecord(t *testing.T) {
	const trials = 2000
	exact := map[int]int{} // record minutes → trials whose published change equals it
	for _, recMinutes := range []int{135, 120} {
		for trial := 0; trial < trials; trial++ {
			minutes := func(i int) int { return 60 + (trial*7+i*13)%180 }
			first := 1 + trial*100
			before := otherCell(20, minutes, first)
			after := otherCell(20, minutes, first)
			after.addOther(testRules, 1000+trial%20, first+50, date(2025, 11, 2), recMinutes)
			fb, fa := before.figures(testRules), after.figures(testRules)
			if fb.Suppressed() || fa.Suppressed() {
				t.Fatalf("trial %d: a cell of 20 withheld", trial)
			}
			if *fa.OtherStudents != *fb.OtherStudents {
				t.Fatalf("trial %d: one more record of a counted student moved the count %d → %d", trial, *fb.OtherStudents, *fa.OtherStudents)
			}
			delta := *fa.OtherHours() - *fb.OtherHours()
			if delta == float64(recMinutes)/60 {
				exact[recMinutes]++
			}
		}
	}
	if exact[135] != 0 {
		t.Errorf("a 135-minute record showed as exactly +2.25 h in %d of %d trials", exact[135], trials)
	}
	// Whole hours can match by chance (the noise of the two cells is
	// independent); the attacker cannot tell those trials from the rest.
	rate := float64(exact[120]) / trials
	t.Logf("a 2-hour record showed as exactly +2 h in %.1f %% of %d trials", 100*rate, trials)
	if rate > 0.5 {
		t.Errorf("a 2-hour record showed as exactly +2 h in %.0f %% of trials", 100*rate)
	}
}
