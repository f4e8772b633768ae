package syncer

import (
	"sort"
	"testing"
)

// TestSortableTimeOrdersLikeTime: the server writes times in RFC 3339 with
// trailing zeros trimmed and in any zone; stored, text order is time order.
func TestSortableTimeOrdersLikeTime(t *testing.T) {
	inOrder := []string{
		"2026-12-01T21:38:27+00:00",
		"2026-12-02T05:38:28+08:00", // 21:38:28 UTC
		"2026-12-01T21:38:28.5Z",
		"2026-12-01T21:38:28.65772Z",
		"2026-12-01T21:38:28.657722Z",
		"2026-12-01T21:38:29Z",
	}
	stored := make([]string, len(inOrder))
	for i, s := range inOrder {
		stored[i] = SortableTime(s)
	}
	if !sort.StringsAreSorted(stored) {
		t.Fatalf("stored times sort out of time order: %q", stored)
	}
	if raw := append([]string{}, inOrder...); sort.StringsAreSorted(raw) {
		t.Fatal("the example no longer shows why: raw text already sorts in time order")
	}
	if got := SortableTime("not a time"); got != "not a time" {
		t.Errorf("non-time text changed to %q", got)
	}
}
