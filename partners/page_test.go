package partners

import (
	"testing"

	"github.com/tongxing/tongxing/paging"
)

// Student-month cursors keep the wire format they had before the one pager
// (the list name "months", 1-based positions), so a client's saved
// endCursor resumes after the same entry.
func TestStudentMonthCursorsKeepTheirFormat(t *testing.T) {
	all := []*StudentMonth{{Month: "2026-09"}, {Month: "2026-10"}, {Month: "2026-11"}}
	two := 2
	conn, err := StudentMonthPage(all, &Cursor{ID: 2, Value: "months"}, &two)
	if err != nil || len(conn.Edges) != 1 || conn.Edges[0].Node != all[2] || conn.TotalCount != 3 ||
		!conn.PageInfo.HasPreviousPage || conn.PageInfo.HasNextPage {
		t.Fatalf("page after an old cursor: %+v, %v", conn, err)
	}
	if c := conn.Edges[0].Cursor; c.ID != 3 || c.Value != "months" {
		t.Errorf("cursor %+v, want {ID: 3, Value: months}", c)
	}
	for _, c := range []Cursor{{ID: 0, Value: "months"}, {ID: 1, Value: "matches"}, {ID: 1}} {
		if _, err := StudentMonthPage(all, &c, &two); err != ErrCursor || err != paging.ErrCursor {
			t.Errorf("cursor %+v: %v, want ErrCursor", c, err)
		}
	}
}
