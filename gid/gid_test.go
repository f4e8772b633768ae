package gid

import (
	"errors"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	for _, id := range []int{1, 4294967297, 1<<62 + 5} {
		got, err := Decode(Encode(id))
		if err != nil || got != id {
			t.Errorf("Decode(Encode(%d)) = %d, %v", id, got, err)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, s := range []string{"", "42", "dHgxOg", "dHgxOi0x", "dHgxOmFiYw", "!!!", Encode(0)} {
		if _, err := Decode(s); !errors.Is(err, ErrInvalid) {
			t.Errorf("Decode(%q) error = %v, want ErrInvalid", s, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Encode(4294967297))
	f.Add("not-an-id")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := Decode(s)
		if err == nil && Encode(id) != s {
			t.Fatalf("Decode accepted %q as %d, which encodes as %q", s, id, Encode(id))
		}
	})
}
