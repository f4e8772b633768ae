package partners

import (
	"testing"
	"time"
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

func TestMinimumCell(t *testing.T) {
	for others, published := range map[int]bool{0: true, 1: false, 4: false, MinCell: true, 12: true} {
		c := newCell(date(2025, 9, 1), date(2026, 1, 31), nil)
		for p := 0; p < others; p++ {
			c.others[p] = true
			c.otherMinutes += 60
		}
		f := c.figures()
		if f.Suppressed() == published || (published && (*f.OtherStudents != others || *f.OtherHours() != float64(others))) {
			t.Errorf("%d students without consent: %+v", others, f)
		}
	}
}
