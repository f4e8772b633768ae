package metrics

import (
	"strconv"
	"testing"
)

// Operation names come from clients: the label takes GraphQL names only,
// no more than a quota of them per kind of caller, and anonymous callers
// cannot use up the keyed callers' quota.
func TestOperationLabelIsBounded(t *testing.T) {
	for in, want := range map[string]string{"": "anonymous", "Towns": "Towns", "_x1": "_x1", "1x": "invalid", "a-b": "invalid", "名字": "invalid"} {
		if got := OperationLabel(in, false); got != want {
			t.Errorf("OperationLabel(%q) = %q, want %q", in, got, want)
		}
	}
	for i := range 2 * maxAnonymousOperations {
		OperationLabel("Flood"+strconv.Itoa(i), false)
	}
	if got := OperationLabel("OneMoreAnonymous", false); got != "other" {
		t.Errorf("an anonymous name past the quota = %q, want other", got)
	}
	if got := OperationLabel("StaffDashboard", true); got != "StaffDashboard" {
		t.Errorf("a keyed name after an anonymous flood = %q", got)
	}
	if got := OperationLabel("Towns", true); got != "Towns" {
		t.Errorf("a name counted before stays counted: %q", got)
	}
	for i := range 2 * maxKeyedOperations {
		OperationLabel("Keyed"+strconv.Itoa(i), true)
	}
	if got := OperationLabel("OneMoreKeyed", true); got != "other" {
		t.Errorf("a keyed name past the quota = %q, want other", got)
	}
	if n := len(operations.keyed) + len(operations.anonymous); n != maxKeyedOperations+maxAnonymousOperations {
		t.Errorf("%d names kept, want %d", n, maxKeyedOperations+maxAnonymousOperations)
	}
}
