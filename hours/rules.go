package hours

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tongxing/tongxing/calendar"
)

// EntryDeadline is how many working days after an activity its records may
// be entered without being LATE (Art. 11: within 10 working days).
const EntryDeadline = 10

// Holidays are dates (midnight UTC) that are not working days, beyond
// weekends. Empty by default; a deployment sets the official calendar
// through TONGXING_HOLIDAYS.
var Holidays = map[time.Time]bool{}

// WorkingDaysAfter counts working days strictly after from up to and
// including to (both calendar dates as midnight UTC).
func WorkingDaysAfter(from, to time.Time) int {
	n := 0
	for d := from.AddDate(0, 0, 1); !d.After(to); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && !Holidays[d] {
			n++
		}
	}
	return n
}

// IsLate reports whether a record entered on entered for an activity that
// ended on activityEnd misses the entry deadline.
func IsLate(activityEnd, entered time.Time) bool {
	return WorkingDaysAfter(calendar.Date(activityEnd), calendar.Date(entered)) > EntryDeadline
}

// DefaultStarTiers are the cumulative verified hours of stars one to five
// on the commonly used scale.
var DefaultStarTiers = Tiers{100, 300, 600, 1000, 1500}

// Tiers are the hours thresholds of stars one to five, ascending.
type Tiers []float64

// Stars returns the star level 0–5 of hours.
func (t Tiers) Stars(hours float64) int {
	n := 0
	for _, th := range t {
		if hours >= th {
			n++
		}
	}
	return n
}

// StarScale is the default tiers and the overrides of divisions whose code
// starts with a given prefix (the longest prefix wins).
type StarScale struct {
	Default  Tiers
	ByRegion map[string]Tiers
}

// For returns the tiers that apply in the division with code regionCode.
func (s StarScale) For(regionCode string) Tiers {
	best, tiers := -1, s.Default
	for prefix, t := range s.ByRegion {
		if strings.HasPrefix(regionCode, prefix) && len(prefix) > best {
			best, tiers = len(prefix), t
		}
	}
	if tiers == nil {
		return DefaultStarTiers
	}
	return tiers
}

// ParseStarScale reads TONGXING_STAR_TIERS: "100,300,600,1000,1500" for the
// default, optionally followed by ";CODE=a,b,c,d,e" overrides, e.g.
// "100,300,600,1000,1500;330411104=100,200,500,800,1000".
func ParseStarScale(s string) (StarScale, error) {
	scale := StarScale{Default: DefaultStarTiers, ByRegion: map[string]Tiers{}}
	if strings.TrimSpace(s) == "" {
		return scale, nil
	}
	for i, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		code := ""
		if c, rest, ok := strings.Cut(part, "="); ok {
			code, part = strings.TrimSpace(c), rest
		} else if i > 0 {
			return scale, fmt.Errorf("%q: overrides are CODE=a,b,c,d,e", part)
		}
		var t Tiers
		for _, f := range strings.Split(part, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil || v <= 0 {
				return scale, fmt.Errorf("%q: want five positive hour thresholds", part)
			}
			t = append(t, v)
		}
		if len(t) != 5 || !sort.Float64sAreSorted(t) {
			return scale, fmt.Errorf("%q: want five ascending hour thresholds", part)
		}
		if code == "" {
			scale.Default = t
		} else {
			scale.ByRegion[code] = t
		}
	}
	return scale, nil
}
