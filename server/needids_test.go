package server_test

import (
	"testing"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/gid"
)

// Needs about children are left out of the public list; their ids must
// not show through it. With ids in order, the gaps between public ids
// counted the hidden needs and dated each one between its neighbours
// (found by attacking the running server). Needs take random ids.
func TestNeedIDsCountNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		a := newAPI(t, db)
		var ids []int
		for i, domain := range []int{a.fx.elderly.ID, a.fx.youth.ID, a.fx.youth.ID, a.fx.elderly.ID, a.fx.elderly.ID} {
			d := a.admin(`mutation($d:ID!){ createNeed(input:{title:"助餐", domainId:$d, regionCode:"330411104", urgency:HIGH}) { id } }`,
				map[string]any{"d": id(domain)})
			n, err := gid.Decode(d["createNeed"].(map[string]any)["id"].(string))
			if err != nil {
				t.Fatalf("need %d: %v", i, err)
			}
			ids = append(ids, n)
		}
		steps := 0
		for i := 1; i < len(ids); i++ {
			if d := ids[i] - ids[i-1]; d > 0 && d < 1000 {
				steps++
			}
		}
		if steps > 0 {
			t.Errorf("need ids in order %v: their gaps count the needs a caller cannot see", ids)
		}
		// Still global ids of needs: node(id:) resolves them.
		r := a.post(a.key, `query($id:ID!){ node(id:$id) { __typename } }`, map[string]any{"id": id(ids[0])})
		if r.Data["node"] == nil || r.Data["node"].(map[string]any)["__typename"] != "Need" {
			t.Errorf("node(id:) of a random need id: %s", r.Raw)
		}
	})
}
