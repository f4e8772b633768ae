package access

import (
	"bytes"
	"testing"
)

// A level travels through gqlgen as its enum name; anything else is refused
// rather than taken for a level nobody enforces.
func TestLevelGQL(t *testing.T) {
	var l Level
	if err := l.UnmarshalGQL("PERSONAL"); err != nil || l != Personal {
		t.Fatalf("UnmarshalGQL(PERSONAL) = %q, %v", l, err)
	}
	for _, bad := range []any{"personal", "", 3} {
		if err := l.UnmarshalGQL(bad); err == nil {
			t.Errorf("UnmarshalGQL(%#v) accepted", bad)
		}
	}
	var b bytes.Buffer
	Phone.MarshalGQL(&b)
	if b.String() != `"PHONE"` {
		t.Errorf("MarshalGQL = %s", b.String())
	}
}
