package needs

import (
	"testing"

	"github.com/tongxing/tongxing/paging"
)

// Page is paging.Slice over the ranking (paging's tests cover the cuts);
// what it adds is that cursors issued before the one pager, the 0-based
// rank without a list name, still resume after the entry they named.
func TestPageResumesOldCursors(t *testing.T) {
	all := &Ranking{match: func(e rankEntry) Match { return Match{Score: e.score} }}
	for i := range 5 {
		all.entries = append(all.entries, rankEntry{score: float64(100 - i), index: int32(i)})
	}
	two := 2
	first, err := Page(all, nil, &two)
	if err != nil || len(first.Edges) != 2 || first.TotalCount != 5 || !first.PageInfo.HasNextPage {
		t.Fatalf("first page: %+v, %v", first, err)
	}
	next, err := Page(all, first.PageInfo.EndCursor, &two)
	if err != nil || len(next.Edges) != 2 || next.Edges[0].Node.Score != 98 {
		t.Fatalf("page after the first page's endCursor: %+v, %v", next, err)
	}
	old, err := Page(all, &paging.Cursor{ID: 1}, &two) // the old endCursor of the first page
	if err != nil || len(old.Edges) != 2 || old.Edges[0].Node.Score != 98 {
		t.Fatalf("page after an old cursor: %+v, %v", old, err)
	}
	if _, err := Page(all, &paging.Cursor{ID: -1}, &two); err != paging.ErrCursor {
		t.Fatalf("a negative old cursor: %v, want ErrCursor", err)
	}
}
