package hours

import (
	"testing"
	"time"
)

func day(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }

func TestWorkingDays(t *testing.T) {
	// Friday 2025-05-30 → Friday 2025-06-13 is ten working days later.
	if n := WorkingDaysAfter(day("2025-05-30"), day("2025-06-13")); n != 10 {
		t.Errorf("working days = %d, want 10", n)
	}
	if IsLate(day("2025-05-30").Add(10*time.Hour), day("2025-06-13").Add(20*time.Hour)) {
		t.Error("the tenth working day is not late")
	}
	if !IsLate(day("2025-05-30"), day("2025-06-16")) {
		t.Error("the eleventh working day is late")
	}
	Holidays[day("2025-06-02")] = true
	defer delete(Holidays, day("2025-06-02"))
	if IsLate(day("2025-05-30"), day("2025-06-16")) {
		t.Error("a holiday does not count as a working day")
	}
}

func TestStarScale(t *testing.T) {
	s, err := ParseStarScale("100,300,600,1000,1500;330411104=100,200,500,800,1000")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		region string
		hours  float64
		want   int
	}{
		{"330411002", 99, 0}, {"330411002", 100, 1}, {"330411002", 599, 2}, {"330411002", 1500, 5},
		{"330411104001", 250, 2}, {"330411104", 1000, 5}, {"", 300, 2},
	} {
		if got := s.For(tt.region).Stars(tt.hours); got != tt.want {
			t.Errorf("%s %v h: %d stars, want %d", tt.region, tt.hours, got, tt.want)
		}
	}
	for _, bad := range []string{"1,2,3", "5,4,3,2,1", "a,b,c,d,e", "100,300,600,1000,1500;x"} {
		if _, err := ParseStarScale(bad); err == nil {
			t.Errorf("ParseStarScale(%q) accepted", bad)
		}
	}
}
