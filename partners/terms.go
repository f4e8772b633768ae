package partners

import (
	"fmt"
	"time"

	"github.com/tongxing/tongxing/calendar"
)

// Term is an academic term (学期). The autumn term of academic year Y
// (code "Y-(Y+1)-1") runs 1 September – 31 January, the spring term
// ("Y-(Y+1)-2") 1 February – 31 August, summer practice included, so every
// day belongs to exactly one term.
type Term struct {
	Code     string
	From, To time.Time // calendar dates, midnight UTC; To is the last day
}

// TermOf returns the term of calendar date d (midnight UTC, as dates are
// stored).
func TermOf(d time.Time) Term {
	y, m, _ := d.UTC().Date()
	switch {
	case m >= time.September:
		return Term{fmt.Sprintf("%d-%d-1", y, y+1), date(y, time.September, 1), date(y+1, time.January, 31)}
	case m == time.January:
		return Term{fmt.Sprintf("%d-%d-1", y-1, y), date(y-1, time.September, 1), date(y, time.January, 31)}
	}
	return Term{fmt.Sprintf("%d-%d-2", y-1, y), date(y, time.February, 1), date(y, time.August, 31)}
}

// Next is the term after t.
func (t Term) Next() Term { return TermOf(t.To.AddDate(0, 0, 1)) }

// Month is the month of calendar date d, YYYY-MM.
func Month(d time.Time) string { return d.UTC().Format("2006-01") }

// cstDate is the calendar date (midnight UTC) of instant t in China time.
func cstDate(t time.Time) time.Time {
	y, m, d := t.In(calendar.Zone).Date()
	return date(y, m, d)
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
