package server_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tongxing/tongxing/server"

	"github.com/tongxing/tongxing/apikeys"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent/apikey"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/organization"
)

// Benchmarks of whole requests through the real handler on the seeded demo
// district (SQLite, or PostgreSQL with TONGXING_TEST_DATABASE_URL and
// -run '^$' -bench . -benchtime 3s). Results: docs/benchmarks.md.

func benchAPI(b *testing.B) *api {
	b.Helper()
	t := &testing.T{}
	var db = dbtest.OpenSQLite(b)
	if pg := dbtest.Backends(); len(pg) > 1 {
		db = pg[1].Open(b)
	}
	a := demoAPI(t, db)
	// Rate limits would throttle the benchmark loop; they are not what is measured.
	cfg, _ := server.LoadConfig(func(k string) string {
		if k == "TONGXING_RATE_LIMIT_ANON" || k == "TONGXING_RATE_LIMIT_KEY" {
			return "0"
		}
		return ""
	})
	cfg.SecretKey = testSecret
	a.h = server.New(cfg, db, slog.New(slog.DiscardHandler)).Handler()
	return a
}

func benchQuery(b *testing.B, a *api, key, query string, vars map[string]any) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = "192.0.2.1:1234"
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		rec := httptest.NewRecorder()
		a.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
			b.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
	}
}

func BenchmarkAPI(b *testing.B) {
	a := benchAPI(b)
	b.Run("organization-by-name", func(b *testing.B) {
		benchQuery(b, a, a.key, `{ organizations(where:{nameContains:"孝慈"}) { totalCount edges { node { name kind region { name } projects { totalCount } } } } }`, nil)
	})
	b.Run("teams-with-activities-20x5", func(b *testing.B) {
		benchQuery(b, a, a.key, `{ organizations(first:20, where:{kind:VOLUNTEER_TEAM}) { edges { node { name region { name }
			activities(first:5) { totalCount edges { node { title startsAt project { name } } } } } } } }`, nil)
	})
	b.Run("people-page-100-admin", func(b *testing.B) {
		benchQuery(b, a, a.key, `{ people(first:100) { totalCount edges { node { volunteerNumber name phone } } } }`, nil)
	})
	b.Run("district-stats-all-years", func(b *testing.B) {
		benchQuery(b, a, a.key, `{ districtStats(from:"2020-01-01", to:"2026-12-31") { activeVolunteers verifiedHours activities needsResolved } }`, nil)
	})
	// An agency's editor: the row rule of people (members, visitors at its
	// activities, volunteers signed up for them) in every statement.
	agency, err := a.db.Client.Organization.Query().Where(organization.NameContains("孝慈"), organization.KindEQ(organization.KindSOCIAL_WORK_AGENCY)).Only(a.sys())
	if err != nil {
		b.Fatal(err)
	}
	editor, _, err := apikeys.Create(a.sys(), a.db.Client, "bench-editor", apikeys.CreateOptions{Role: apikey.RoleEDITOR, OrganizationID: &agency.ID})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("people-page-100-editor", func(b *testing.B) {
		benchQuery(b, a, editor, `{ people(first:100) { totalCount edges { node { volunteerNumber name } } } }`, nil)
	})
	// A volunteer's own page, as the mini-program opens it.
	m, err := a.db.Client.Membership.Query().Where(membership.OrganizationID(agency.ID)).First(a.sys())
	if err != nil {
		b.Fatal(err)
	}
	token, _, err := apikeys.Create(a.sys(), a.db.Client, "bench-volunteer", apikeys.CreateOptions{Role: apikey.RoleVOLUNTEER,
		OrganizationID: &agency.ID, HolderID: &m.PersonID})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("volunteer-my-page", func(b *testing.B) {
		benchQuery(b, a, token, `{ me { volunteerNumber hours { verifiedMinutes pendingMinutes starLevel hoursToNextStar }
			records(first: 20) { totalCount edges { node { servedOn minutes status activity { title } } } }
			signUps(first: 10) { edges { node { status activity { title startsAt } } } }
			events(first: 20) { edges { node { kind message } } } } }`, nil)
	})
	n, err := a.db.Client.Need.Query().Where(need.StatusEQ(need.StatusOPEN)).FirstID(a.sys())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("need-matches", func(b *testing.B) {
		benchQuery(b, a, a.key, `query($id:ID!){ needMatches(needId:$id, first:10) { edges { node { score } } } }`, map[string]any{"id": id(n)})
	})
}
