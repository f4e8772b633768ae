package server_test

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/tongxing/tongxing/apikeys"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/demo"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/hours"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
	"github.com/tongxing/tongxing/results"
	"github.com/tongxing/tongxing/server"
)

// countingDriver counts the statements the API sends to the database.
type countingDriver struct {
	dialect.Driver
	n atomic.Int64
}

func (d *countingDriver) Query(ctx context.Context, query string, args, v any) error {
	d.n.Add(1)
	return d.Driver.Query(ctx, query, args, v)
}

// TestDemoDistrict runs the README's example query against the seeded demo
// district, on every backend, and checks that nested connections load in a
// fixed number of statements however many rows they return.
func TestDemoDistrict(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the full demo district")
	}
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		secret := []byte("tongxing-server-test-secret-32by")
		keys, _ := pii.NewKeys(secret)
		if _, err := demo.Seed(policy.SystemContext(context.Background(), "demo-seed"), db, keys); err != nil {
			t.Fatal(err)
		}
		drv := &countingDriver{Driver: entsql.OpenDB(db.Dialect, db.SQL)}
		counted := &database.DB{Client: ent.NewClient(ent.Driver(drv)), SQL: db.SQL, Dialect: db.Dialect}
		cfg, _ := server.LoadConfig(func(string) string { return "" })
		cfg.SecretKey = secret
		cfg.FiguresMaxStale = 0 // as newAPI
		a := &api{t: t, db: counted, h: server.New(cfg, counted, slog.New(slog.DiscardHandler)).Handler()}

		d := a.anon(`{ organizations(where:{nameContains:"孝慈", kind:SOCIAL_WORK_AGENCY}) { totalCount edges { node { name kind region { name } projects { totalCount } } } } }`, nil)
		conn := d["organizations"].(map[string]any)
		node := edges(t, conn)[0]
		if conn["totalCount"].(float64) != 1 || node["name"] != demo.AgencyXiaoci || node["projects"].(map[string]any)["totalCount"].(float64) < 1 {
			t.Errorf("孝慈 query = %v", d)
		}

		const nested = `query($n:Int!){ organizations(first:$n, where:{kind:VOLUNTEER_TEAM}) { edges { node { name region { name parent { name } }
		  activities(first:5) { totalCount edges { node { title project { name } } } } } } } }`
		statements := func(n int) int64 {
			drv.n.Store(0)
			d := a.anon(nested, map[string]any{"n": n})
			if got := len(edges(t, d["organizations"])); got != n {
				t.Fatalf("asked for %d teams, got %d", n, got)
			}
			return drv.n.Load()
		}
		small, large := statements(2), statements(20)
		if small != large {
			t.Errorf("N+1: %d statements for 2 teams, %d for 20", small, large)
		}
		t.Logf("nested query: %d statements for 2 and for 20 teams", large)

		// Per-row figures load for the whole page at once, and equal the
		// single reads.
		var err error
		if a.key, _, err = apikeys.Create(a.sys(), db.Client, "test-admin", apikeys.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		const people = `query($n:Int!){ people(first:$n) { edges { node { id verifiedHours starLevel } } } }`
		var page []map[string]any
		perRow := func(n int) int64 {
			drv.n.Store(0)
			page = edges(t, a.admin(people, map[string]any{"n": n})["people"])
			return drv.n.Load()
		}
		if small, large := perRow(2), perRow(50); small != large {
			t.Errorf("N+1: %d statements for 2 people's hours and stars, %d for 50", small, large)
		}
		for _, p := range page[:5] {
			id, _ := gid.Decode(p["id"].(string))
			m, err := hours.VerifiedMinutes(a.sys(), db.Client, id)
			if err != nil || p["verifiedHours"].(float64) != float64(m)/60 {
				t.Errorf("person %d: verifiedHours %v, single read %d minutes (%v)", id, p["verifiedHours"], m, err)
			}
		}
		// A project's hours and volunteers, likewise, for ADMIN (exact).
		const projects = `query($n:Int!){ projects(first:$n) { edges { node { id verifiedHours volunteerCount } } } }`
		perProject := func(n int) int64 {
			drv.n.Store(0)
			page = edges(t, a.admin(projects, map[string]any{"n": n})["projects"])
			if len(page) != n {
				t.Fatalf("asked for %d projects, got %d", n, len(page))
			}
			return drv.n.Load()
		}
		if small, large := perProject(2), perProject(20); small != large {
			t.Errorf("N+1: %d statements for 2 projects' hours and volunteers, %d for 20", small, large)
		}
		withTime := 0
		for _, p := range page {
			id, _ := gid.Decode(p["id"].(string))
			h, n, err := results.ProjectHours(a.sys(), db.Client, id)
			if err != nil || p["verifiedHours"].(float64) != h || p["volunteerCount"].(float64) != float64(n) {
				t.Errorf("project %d: verifiedHours %v volunteerCount %v, single read %v %d (%v)", id, p["verifiedHours"], p["volunteerCount"], h, n, err)
			}
			if n > 0 {
				withTime++
			}
		}
		if withTime == 0 {
			t.Error("no project on the page has verified time")
		}
		// People reached from a page of other people (a person's
		// organisations' members) are not that page's: each is read as
		// itself.
		d = a.admin(`{ people(first: 3) { edges { node { memberships(first: 1) { edges { node { organization {
			memberships(first: 10) { edges { node { person { id verifiedHours } } } } } } } } } } } }`, nil)
		checked := 0
		for _, p := range edges(t, d["people"]) {
			for _, m := range edges(t, p["memberships"]) {
				for _, om := range edges(t, m["organization"].(map[string]any)["memberships"]) {
					other := om["person"].(map[string]any)
					id, _ := gid.Decode(other["id"].(string))
					want, err := hours.VerifiedMinutes(a.sys(), db.Client, id)
					if err != nil || other["verifiedHours"].(float64) != float64(want)/60 {
						t.Errorf("member %d: verifiedHours %v, single read %d minutes (%v)", id, other["verifiedHours"], want, err)
					}
					checked++
				}
			}
		}
		if checked < 10 {
			t.Errorf("only %d members reached through other people", checked)
		}
	})
}
