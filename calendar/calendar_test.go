package calendar

import (
	"testing"
	"time"
)

// An instant becomes the date it is in the district, whatever zone it was
// written in.
func TestDate(t *testing.T) {
	for _, tc := range []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 3, 1, 15, 59, 0, 0, time.UTC), "2026-03-01"},
		{time.Date(2026, 3, 1, 16, 0, 0, 0, time.UTC), "2026-03-02"},
		{time.Date(2026, 3, 2, 0, 30, 0, 0, Zone), "2026-03-02"},
	} {
		got := Date(tc.in)
		if got.Format(time.DateOnly) != tc.want || got.Location() != time.UTC || got.Hour() != 0 {
			t.Errorf("Date(%v) = %v, want %s at midnight UTC", tc.in, got, tc.want)
		}
	}
}
