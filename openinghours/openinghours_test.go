package openinghours_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/tongxing/tongxing/openinghours"
)

func ptr(v int) *int { return &v }

func TestFormatAndParse(t *testing.T) {
	weekdays := func(opens, closes int, days ...time.Weekday) []openinghours.Session {
		var out []openinghours.Session
		for _, d := range days {
			out = append(out, openinghours.Session{Day: d, Opens: opens, Closes: closes})
		}
		return out
	}
	mf := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	for _, tc := range []struct {
		name       string
		sessions   []openinghours.Session
		exceptions []openinghours.Exception
		want       string
	}{
		{"nothing", nil, nil, ""},
		{"weekdays", weekdays(630, 750, mf...), nil, "Mo-Fr 10:30-12:30"},
		{"two days share a comma", weekdays(540, 960, time.Saturday, time.Sunday), nil, "Sa,Su 09:00-16:00"},
		{"two sessions a day, a different Saturday",
			append(append(weekdays(510, 690, mf...), weekdays(810, 1020, mf...)...), weekdays(540, 720, time.Saturday)...), nil,
			"Mo-Fr 08:30-11:30,13:30-17:00; Sa 09:00-12:00"},
		{"a gap splits the rule", weekdays(600, 1440, time.Monday, time.Wednesday), nil, "Mo 10:00-24:00; We 10:00-24:00"},
		{"exceptions in date order", weekdays(630, 750, mf...), []openinghours.Exception{
			{Date: time.Date(2026, 10, 29, 0, 0, 0, 0, time.UTC), Opens: ptr(600), Closes: ptr(840)},
			{Date: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)},
		}, "Mo-Fr 10:30-12:30; 2026 Oct 01 off; 2026 Oct 29 10:00-14:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := openinghours.Format(tc.sessions, tc.exceptions)
			if got != tc.want {
				t.Fatalf("Format = %q, want %q", got, tc.want)
			}
			s, e, err := openinghours.Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			if again := openinghours.Format(s, e); again != got {
				t.Errorf("Parse then Format = %q, want %q", again, got)
			}
			if len(s) != len(tc.sessions) || len(e) != len(tc.exceptions) {
				t.Errorf("Parse gave %d sessions and %d exceptions, want %d and %d", len(s), len(e), len(tc.sessions), len(tc.exceptions))
			}
		})
	}
	for _, bad := range []string{"Mo", "Xx 10:00-11:00", "Mo 11:00-10:00", "Mo 10:00-25:00", "2026 Foo 01 off", "Fr-Mo 10:00-11:00"} {
		if _, _, err := openinghours.Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if s, _, _ := openinghours.Parse("Mo-Fr 10:30-12:30"); !reflect.DeepEqual(s[0], openinghours.Session{Day: time.Monday, Opens: 630, Closes: 750}) {
		t.Errorf("first session %+v", s[0])
	}
}
