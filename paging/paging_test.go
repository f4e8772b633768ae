package paging

import (
	"errors"
	"slices"
	"testing"

	"github.com/tongxing/tongxing/apierror"
)

func ptr(n int) *int { return &n }

func TestSize(t *testing.T) {
	for _, tc := range []struct {
		name  string
		first *int
		want  int
		bad   bool
	}{
		{"not given: the default", nil, DefaultSize, false},
		{"zero", ptr(0), 0, false},
		{"the maximum", ptr(MaxSize), MaxSize, false},
		{"over the maximum", ptr(MaxSize + 1), 0, true},
		{"negative", ptr(-1), 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Size(tc.first)
			if tc.bad {
				var ae *apierror.Error
				if !errors.As(err, &ae) || ae.Code != apierror.BadUserInput || ae.Field != "first" {
					t.Fatalf("Size = %d, %v; want BAD_USER_INPUT on first", got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Size = %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

func TestSlice(t *testing.T) {
	const list = "letters"
	letters := []string{"a", "b", "c", "d", "e"}
	many := make([]int, 3*MaxSize)
	for i := range many {
		many[i] = i
	}
	at := func(pos int) *Cursor { c := At(list, pos); return &c }
	for _, tc := range []struct {
		name       string
		all        []string
		after      *Cursor
		first      *int
		want       []string
		start, end int // positions of the first and last cursors (0: none)
		prev, next bool
		errCode    apierror.Code
		errField   string
	}{
		{name: "empty", all: nil, first: ptr(3)},
		{name: "first page", all: letters, first: ptr(2), want: []string{"a", "b"}, start: 1, end: 2, next: true},
		{name: "middle page", all: letters, after: at(2), first: ptr(2), want: []string{"c", "d"}, start: 3, end: 4, prev: true, next: true},
		{name: "last page", all: letters, after: at(3), first: ptr(5), want: []string{"d", "e"}, start: 4, end: 5, prev: true},
		{name: "the last entry's cursor ends the list", all: letters, after: at(5), first: ptr(2), prev: true},
		{name: "after past the end", all: letters, after: at(99), first: ptr(2), prev: true},
		{name: "first 0", all: letters, first: ptr(0), next: true},
		{name: "first not given: the default", all: letters, want: letters, start: 1, end: 5},
		{name: "over the max", all: letters, first: ptr(MaxSize + 1), errCode: apierror.BadUserInput, errField: "first"},
		{name: "negative first", all: letters, first: ptr(-1), errCode: apierror.BadUserInput, errField: "first"},
		{name: "a cursor of another list", all: letters, after: &Cursor{ID: 1, Value: "other"}, first: ptr(2),
			errCode: apierror.BadUserInput, errField: "after"},
		{name: "a cursor without a list", all: letters, after: &Cursor{ID: 1}, first: ptr(2),
			errCode: apierror.BadUserInput, errField: "after"},
		{name: "position 0", all: letters, after: at(0), first: ptr(2), errCode: apierror.BadUserInput, errField: "after"},
		{name: "a negative position", all: letters, after: at(-3), first: ptr(2), errCode: apierror.BadUserInput, errField: "after"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Slice(list, tc.all, tc.after, tc.first)
			if tc.errCode != "" {
				var ae *apierror.Error
				if !errors.As(err, &ae) || ae.Code != tc.errCode || ae.Field != tc.errField {
					t.Fatalf("Slice: %v; want %s on %s", err, tc.errCode, tc.errField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p.Nodes, tc.want) || len(p.Cursors) != len(p.Nodes) {
				t.Fatalf("nodes %v with %d cursors; want %v", p.Nodes, len(p.Cursors), tc.want)
			}
			for i, c := range p.Cursors {
				if pos, err := Position(list, &c); err != nil || tc.all[pos-1] != p.Nodes[i] {
					t.Errorf("cursor %d (%v) points at position %d, %v; want %q", i, c, pos, err, p.Nodes[i])
				}
			}
			if p.Info.HasPreviousPage != tc.prev || p.Info.HasNextPage != tc.next {
				t.Errorf("previous %v, next %v; want %v, %v", p.Info.HasPreviousPage, p.Info.HasNextPage, tc.prev, tc.next)
			}
			pos := func(c *Cursor) int {
				if c == nil {
					return 0
				}
				return c.ID
			}
			if pos(p.Info.StartCursor) != tc.start || pos(p.Info.EndCursor) != tc.end {
				t.Errorf("start %v, end %v; want positions %d, %d", p.Info.StartCursor, p.Info.EndCursor, tc.start, tc.end)
			}
		})
	}

	// Walking a long list page by page by endCursor visits every entry
	// once, in order, at most MaxSize at a time.
	t.Run("walk", func(t *testing.T) {
		var got []int
		var after *Cursor
		for pages := 0; ; pages++ {
			if pages > len(many) {
				t.Fatal("the walk does not end")
			}
			p, err := Slice("many", many, after, ptr(MaxSize))
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, p.Nodes...)
			if !p.Info.HasNextPage {
				break
			}
			after = p.Info.EndCursor
		}
		if !slices.Equal(got, many) {
			t.Fatalf("the walk visited %d entries, want %d in order", len(got), len(many))
		}
	})
}

// A cursor survives the GraphQL wire: encoded and decoded, it still names
// its list and position.
func TestCursorWire(t *testing.T) {
	var b encoder
	At("months", 7).MarshalGQL(&b)
	var c Cursor
	if err := c.UnmarshalGQL(b.unquoted()); err != nil {
		t.Fatal(err)
	}
	if pos, err := Position("months", &c); err != nil || pos != 7 {
		t.Fatalf("Position after the wire = %d, %v; want 7", pos, err)
	}
}

type encoder []byte

func (e *encoder) Write(p []byte) (int, error) { *e = append(*e, p...); return len(p), nil }

func (e encoder) unquoted() string {
	s := string(e)
	if len(s) >= 2 && s[0] == '"' {
		s = s[1 : len(s)-1]
	}
	return s
}
