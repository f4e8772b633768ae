// Package openinghours writes and reads the opening hours of a place in
// the part of OpenStreetMap's opening_hours syntax that Tongxing uses:
// weekday rules ("Mo-Fr 10:30-12:30,17:00-18:30") followed by dated rules
// that override them ("2026 Oct 01 off", "2026 Oct 29 10:00-14:00"). The
// service points' API field and open dataset write it; the schema.org
// JSON-LD of a release reads it back from the published table.
package openinghours

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Session is a weekly opening: a weekday, and minutes after local midnight
// (Closes up to 1440, after Opens).
type Session struct {
	Day           time.Weekday
	Opens, Closes int
}

// Exception replaces a date's sessions: closed when Opens is nil.
type Exception struct {
	Date          time.Time // a date: midnight UTC
	Opens, Closes *int
}

// Week is the week in OpenStreetMap's order, Monday first.
var Week = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

var abbr = map[time.Weekday]string{
	time.Monday: "Mo", time.Tuesday: "Tu", time.Wednesday: "We", time.Thursday: "Th",
	time.Friday: "Fr", time.Saturday: "Sa", time.Sunday: "Su",
}

// Clock writes minutes after midnight as HH:MM.
func Clock(minutes int) string { return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60) }

// Format writes sessions and exceptions. Consecutive days with the same
// sessions share a rule; exceptions follow in date order.
func Format(sessions []Session, exceptions []Exception) string {
	sorted := append([]Session(nil), sessions...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Opens < sorted[j].Opens })
	times := map[time.Weekday][]string{}
	for _, s := range sorted {
		times[s.Day] = append(times[s.Day], Clock(s.Opens)+"-"+Clock(s.Closes))
	}
	var rules []string
	for i := 0; i < len(Week); {
		t := strings.Join(times[Week[i]], ",")
		j := i
		for j+1 < len(Week) && strings.Join(times[Week[j+1]], ",") == t {
			j++
		}
		if t != "" {
			days := abbr[Week[i]]
			switch {
			case j == i+1:
				days += "," + abbr[Week[j]]
			case j > i+1:
				days += "-" + abbr[Week[j]]
			}
			rules = append(rules, days+" "+t)
		}
		i = j + 1
	}
	ex := append([]Exception(nil), exceptions...)
	sort.Slice(ex, func(i, j int) bool { return ex[i].Date.Before(ex[j].Date) })
	for _, e := range ex {
		d := e.Date.Format("2006 Jan 02")
		if e.Opens == nil || e.Closes == nil {
			rules = append(rules, d+" off")
		} else {
			rules = append(rules, d+" "+Clock(*e.Opens)+"-"+Clock(*e.Closes))
		}
	}
	return strings.Join(rules, "; ")
}

// Parse reads what Format writes.
func Parse(s string) ([]Session, []Exception, error) {
	var sessions []Session
	var exceptions []Exception
	for _, rule := range strings.Split(s, ";") {
		rule = strings.TrimSpace(rule)
		if rule == "" {
			continue
		}
		if len(rule) >= 11 && rule[0] >= '0' && rule[0] <= '9' {
			d, err := time.Parse("2006 Jan 02", rule[:11])
			if err != nil {
				return nil, nil, fmt.Errorf("opening hours: bad date in %q", rule)
			}
			rest := strings.TrimSpace(rule[11:])
			if rest == "off" {
				exceptions = append(exceptions, Exception{Date: d})
				continue
			}
			o, c, err := span(rest)
			if err != nil {
				return nil, nil, err
			}
			exceptions = append(exceptions, Exception{Date: d, Opens: &o, Closes: &c})
			continue
		}
		days, spans, ok := strings.Cut(rule, " ")
		if !ok {
			return nil, nil, fmt.Errorf("opening hours: no times in %q", rule)
		}
		ds, err := weekdays(days)
		if err != nil {
			return nil, nil, err
		}
		for _, sp := range strings.Split(spans, ",") {
			o, c, err := span(sp)
			if err != nil {
				return nil, nil, err
			}
			for _, d := range ds {
				sessions = append(sessions, Session{Day: d, Opens: o, Closes: c})
			}
		}
	}
	return sessions, exceptions, nil
}

func weekdays(s string) ([]time.Weekday, error) {
	index := func(a string) int {
		for i, d := range Week {
			if abbr[d] == a {
				return i
			}
		}
		return -1
	}
	var out []time.Weekday
	for _, part := range strings.Split(s, ",") {
		from, to, isRange := strings.Cut(part, "-")
		i, j := index(from), index(from)
		if isRange {
			j = index(to)
		}
		if i < 0 || j < i {
			return nil, fmt.Errorf("opening hours: bad days %q", s)
		}
		out = append(out, Week[i:j+1]...)
	}
	return out, nil
}

func span(s string) (int, int, error) {
	from, to, ok := strings.Cut(strings.TrimSpace(s), "-")
	o, ok1 := clock(from)
	c, ok2 := clock(to)
	if !ok || !ok1 || !ok2 || c <= o {
		return 0, 0, fmt.Errorf("opening hours: bad times %q", s)
	}
	return o, c, nil
}

func clock(s string) (int, bool) {
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	if _, err := fmt.Sscanf(s, "%02d:%02d", &h, &m); err != nil || h > 24 || m > 59 || (h == 24 && m > 0) {
		return 0, false
	}
	return h*60 + m, true
}
