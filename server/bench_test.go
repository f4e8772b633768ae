package server_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tongxing/tongxing/server"

	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent/need"
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
	n, err := a.db.Client.Need.Query().Where(need.StatusEQ(need.StatusOPEN)).FirstID(a.sys())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("need-matches", func(b *testing.B) {
		benchQuery(b, a, a.key, `query($id:ID!){ needMatches(needId:$id, first:10) { edges { node { score } } } }`, map[string]any{"id": id(n)})
	})
}
