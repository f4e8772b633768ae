package metrics

import (
	"strconv"
	"testing"
)

// Operation names come from clients: the label takes GraphQL names only,
// and no more than maxOperations of them.
func TestOperationLabelIsBounded(t *testing.T) {
	for in, want := range map[string]string{"": "anonymous", "Towns": "Towns", "_x1": "_x1", "1x": "invalid", "a-b": "invalid", "名字": "invalid"} {
		if got := OperationLabel(in); got != want {
			t.Errorf("OperationLabel(%q) = %q, want %q", in, got, want)
		}
	}
	for i := range 2 * maxOperations {
		OperationLabel("Op" + strconv.Itoa(i))
	}
	if got := OperationLabel("OneMore"); got != "other" {
		t.Errorf("a name past the cap = %q, want other", got)
	}
	if got := OperationLabel("Towns"); got != "Towns" {
		t.Errorf("a name seen before the cap = %q", got)
	}
	if n := len(operations.seen); n != maxOperations {
		t.Errorf("%d names kept, want %d", n, maxOperations)
	}
}
