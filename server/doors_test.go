package server_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/server"
)

// Smaller doors (issue 9, item 7; docs/security.md "Smaller doors"). Each
// row is a request that used to answer INTERNAL, leak internal text, run
// unbounded or reach the database, with the property it must keep now.

// leaks are texts no answer to a client may carry: ent's and entgql's
// English errors, SQL, driver messages.
var leaks = []string{"ent:", "Could not resolve", "empty predicate", "WhereInput", "SELECT", "FROM ", "sqlite", "pq:", "canceling", "pg_sleep", "Passing both"}

func assertNoLeak(t *testing.T, raw string, extra ...string) {
	t.Helper()
	for _, leak := range append(leaks, extra...) {
		if strings.Contains(raw, leak) {
			t.Errorf("answer carries %q: %.400s", leak, raw)
		}
	}
}

// nestedFilter nests the has…With edges around inner as an organizations
// filter, e.g. nestedFilter(`nameContains: "暖"`, "hasActivitiesWith", "hasProjectWith").
func nestedFilter(inner string, edges ...string) string {
	s := inner
	for i := len(edges) - 1; i >= 0; i-- {
		s = edges[i] + ": {" + s + "}"
	}
	return "{" + s + "}"
}

// manyIDs returns n distinct well-formed global IDs (of no record).
func manyIDs(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = gid.Encode(1<<40 + i)
	}
	return out
}

func TestDoors(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		drv := &dataCounter{Driver: entsql.OpenDB(a.db.Dialect, a.db.SQL)}
		counted := &database.DB{Client: ent.NewClient(ent.Driver(drv)), SQL: a.db.SQL, Dialect: a.db.Dialect}
		cfg, err := server.LoadConfig(func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		cfg.SecretKey = testSecret
		a.h = server.New(cfg, counted, slog.New(slog.DiscardHandler)).Handler()
		orgs := `query($w: OrganizationWhereInput) { organizations(where: $w) { totalCount } }`
		where := func(w map[string]any) map[string]any { return map[string]any{"w": w} }
		organization := id(a.fx.agency.ID)
		gone := gid.Encode(a.fx.agency.ID + 100000) // an organisation id no row has

		for _, tc := range []struct {
			name  string
			key   string // "admin" for the test's key, else anonymous
			query string
			vars  map[string]any
			code  string // "" when it must answer without error
			// beforeDB: refused without a single database statement.
			beforeDB bool
			field    string // extensions.field, when checked
			// notIn: texts of the request (ids, values) the answer must not carry.
			notIn []string
		}{
			{name: "first with last", query: `{ organizations(first: 2, last: 2) { totalCount } }`,
				code: "BAD_USER_INPUT", beforeDB: true, field: "organizations.last"},
			{name: "first with last, admin, nested", key: "admin", query: `{ regions(first: 1) { edges { node { organizations(first: 1, last: 1) { totalCount } } } } }`,
				code: "BAD_USER_INPUT", beforeDB: true, field: "organizations.last"},
			{name: "not: {}", query: `{ organizations(where: {not: {}}) { totalCount } }`, code: "BAD_USER_INPUT", beforeDB: true, field: "organizations.where.not"},
			{name: "and: [{}] in a variable", query: orgs, vars: where(map[string]any{"and": []any{map[string]any{}}}),
				code: "BAD_USER_INPUT", beforeDB: true, field: "organizations.where.and[0]"},
			{name: "or: [{}] under an edge", query: `{ activities(where: {hasProjectWith: {or: [{}]}}) { totalCount } }`,
				code: "BAD_USER_INPUT", beforeDB: true, field: "activities.where.hasProjectWith.or[0]"},
			{name: "hasProjectsWith: [{}]", query: orgs, vars: where(map[string]any{"hasProjectsWith": []any{map[string]any{}}}),
				code: "BAD_USER_INPUT", beforeDB: true, field: "organizations.where.hasProjectsWith[0]"},
			{name: "not with only nulls", query: orgs, vars: where(map[string]any{"not": map[string]any{"name": nil, "or": []any{}}}),
				code: "BAD_USER_INPUT", beforeDB: true},
			{name: "900 KB filter string", query: orgs, vars: where(map[string]any{"nameContains": strings.Repeat("孝", 300_000)}),
				code: "BAD_USER_INPUT", beforeDB: true, field: "organizations.where.nameContains", notIn: []string{"孝孝孝"}},
			{name: "201-character filter string deep in a variable", query: orgs,
				vars: where(map[string]any{"hasActivitiesWith": []any{map[string]any{"hasRegionWith": []any{map[string]any{"nameHasPrefix": strings.Repeat("x", 201)}}}}}),
				code: "BAD_USER_INPUT", beforeDB: true, field: "organizations.where.hasActivitiesWith[0].hasRegionWith[0].nameHasPrefix", notIn: []string{"xxxxxxxx"}},
			{name: "101 values in nameIn", query: orgs, vars: where(map[string]any{"nameIn": manyIDs(101)}), code: "BAD_USER_INPUT", beforeDB: true, field: "organizations.where.nameIn"},
			{name: "nodes with 20,000 ids", query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, vars: map[string]any{"ids": manyIDs(20_000)},
				code: "BAD_USER_INPUT", beforeDB: true, field: "nodes.ids"},
			{name: "nodes with 101 ids, admin", key: "admin", query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, vars: map[string]any{"ids": manyIDs(101)},
				code: "BAD_USER_INPUT", beforeDB: true, field: "nodes.ids"},
			{name: "four has…With levels (the 30 s request)", query: orgs,
				vars: where(map[string]any{"hasActivitiesWith": map[string]any{"hasProjectWith": map[string]any{"hasActivitiesWith": map[string]any{"hasOrganizationWith": map[string]any{"nameContains": "队"}}}}}),
				code: "QUERY_TOO_COMPLEX", beforeDB: true},
			{name: "the issue's shape: organisations → activities → region → organisations → projects", query: `{ organizations(where: ` +
				nestedFilter(`nameContains: "暖"`, "hasActivitiesWith", "hasRegionWith", "hasOrganizationsWith", "hasProjectsWith") + `) { totalCount } }`,
				code: "QUERY_TOO_COMPLEX", beforeDB: true},
			{name: "three levels ending in a pattern", query: `{ activities(where: {hasOrganizationWith: {hasActivitiesWith: {hasProjectWith: {nameContains: "暖"}}}}) { totalCount } }`,
				code: "QUERY_TOO_COMPLEX", beforeDB: true},
			{name: "two levels with a pattern", query: `{ activities(where: {hasOrganizationWith: {hasActivitiesWith: {titleContains: "送"}}}) { totalCount } }`,
				code: "QUERY_TOO_COMPLEX", beforeDB: true},
			{name: "four aliases of two levels", query: `{ ` + func() string {
				var b strings.Builder
				for i := range 4 {
					fmt.Fprintf(&b, `a%d: activities(where: {hasOrganizationWith: {hasActivitiesWith: {title: "送%d"}}}) { totalCount } `, i, i)
				}
				return b.String()
			}() + `}`, code: "QUERY_TOO_COMPLEX", beforeDB: true},
			{name: "a filter under a page of 100 parents", query: `{ regions(first: 100) { edges { node { organizations(where: {hasProjectsWith: {nameContains: "暖"}}) { totalCount } } } } }`,
				code: "QUERY_TOO_COMPLEX", beforeDB: true},
			{name: "nodes: an id of no record", query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, vars: map[string]any{"ids": []any{organization, gone}},
				code: "NOT_FOUND", notIn: []string{fmt.Sprint(a.fx.agency.ID + 100000)}},
			{name: "nodes: ids of no record and of no type, admin", key: "admin", query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
				vars: map[string]any{"ids": []any{gone, gid.Encode(999_999_999_999_999), organization}},
				code: "NOT_FOUND", notIn: []string{fmt.Sprint(a.fx.agency.ID + 100000), "999999999999999"}},
			{name: "node: an id of no record", query: `query($id: ID!) { node(id: $id) { id } }`, vars: map[string]any{"id": gone},
				code: "NOT_FOUND", notIn: []string{fmt.Sprint(a.fx.agency.ID + 100000)}},
			// What means "no condition" is still answered.
			{name: "where: {} is no condition", query: `{ organizations(where: {}) { totalCount } }`},
			{name: "empty lists are no condition", query: orgs, vars: where(map[string]any{"and": []any{}, "or": []any{}, "hasProjectsWith": []any{}})},
			{name: "first alone, last null", query: `query($l: Int) { organizations(first: 2, last: $l) { totalCount } }`, vars: map[string]any{"l": nil}},
			{name: "200 characters", query: orgs, vars: where(map[string]any{"nameContains": strings.Repeat("孝", 200)})},
			{name: "two levels of comparisons", query: `{ activities(where: {hasOrganizationWith: {hasActivitiesWith: {title: "送"}}}) { totalCount } }`},
			{name: "one level with a pattern", query: `{ organizations(where: {hasActivitiesWith: {titleContains: "送"}}) { totalCount } }`},
			{name: "nodes with 100 ids", query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, vars: map[string]any{"ids": manyIDs(100)}, code: "NOT_FOUND"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				key := ""
				if tc.key == "admin" {
					key = a.key
				}
				drv.n.Store(0)
				start := time.Now()
				r := a.post(key, tc.query, tc.vars)
				elapsed, statements := time.Since(start), drv.n.Load()
				if r.code() != tc.code {
					t.Fatalf("code %q, want %q: %.400s", r.code(), tc.code, r.Raw)
				}
				for _, e := range r.Errors {
					if c, _ := e.Extensions["code"].(string); c != tc.code {
						t.Errorf("another error answers %q: %.400s", c, r.Raw)
					}
					if !strings.Contains(e.Message, "(") {
						t.Errorf("message not bilingual: %q", e.Message)
					}
				}
				if tc.field != "" && r.field() != tc.field {
					t.Errorf("field %q, want %q", r.field(), tc.field)
				}
				if tc.beforeDB && statements != 0 {
					t.Errorf("%d database statements before the refusal, want 0", statements)
				}
				if tc.beforeDB && len(r.Data) > 0 {
					t.Errorf("data with the refusal: %.300s", r.Raw)
				}
				if tc.code == "" && len(r.Data) == 0 {
					t.Errorf("no data: %.300s", r.Raw)
				}
				assertNoLeak(t, r.Raw, tc.notIn...)
				t.Logf("%s in %v, %d statements", r.code(), elapsed.Round(time.Microsecond), statements)
			})
		}
	})
}

// TestDoorsCORS: with no TONGXING_CORS_ORIGINS no foreign origin may call
// the API from a browser (rs/cors alone would answer "*"); configured
// origins are allowed exactly; "*" only when configured.
func TestDoorsCORS(t *testing.T) {
	for _, tc := range []struct {
		name, origins, origin, want string
	}{
		{"unset: a foreign origin", "", "https://evil.example.com", ""},
		{"unset: a plausible dashboard", "", "https://dashboard.example.org", ""},
		{"configured: that origin", "https://dashboard.example.org", "https://dashboard.example.org", "https://dashboard.example.org"},
		{"configured: another origin", "https://dashboard.example.org", "https://evil.example.com", ""},
		{"configured: a sibling subdomain", "https://dashboard.example.org", "https://dashboard.example.org.evil.example.com", ""},
		{"explicit *", "*", "https://anyone.example.com", "*"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := corsServer(t, tc.origins)
			for _, method := range []string{http.MethodGet, http.MethodOptions} {
				req := httptest.NewRequest(method, "/graphql?query=%7B__typename%7D", nil)
				req.Header.Set("Origin", tc.origin)
				if method == http.MethodOptions {
					req.Header.Set("Access-Control-Request-Method", http.MethodPost)
					req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if got := rec.Header().Get("Access-Control-Allow-Origin"); got != tc.want {
					t.Errorf("%s: Access-Control-Allow-Origin %q, want %q", method, got, tc.want)
				}
				if tc.want == "" && rec.Header().Get("Access-Control-Allow-Headers") != "" {
					t.Errorf("%s: preflight allows headers for a refused origin", method)
				}
			}
		})
	}
}

func corsServer(t *testing.T, origins string) http.Handler {
	t.Helper()
	cfg, err := server.LoadConfig(func(k string) string {
		if k == "TONGXING_CORS_ORIGINS" {
			return origins
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.SecretKey = testSecret
	// No request here reaches the database.
	return server.New(cfg, &database.DB{Client: ent.NewClient(ent.Driver(refusingDriver{})), Dialect: dialect.SQLite}, slog.New(slog.DiscardHandler)).Handler()
}

// dataCounter counts the statements that reach the database, except the
// API-key lookup that precedes every request with a key (it reads the key's
// own row, no data).
type dataCounter struct {
	dialect.Driver
	n atomic.Int64
}

func (d *dataCounter) count(query string) {
	if !strings.Contains(query, "api_keys") {
		d.n.Add(1)
	}
}

func (d *dataCounter) Query(ctx context.Context, query string, args, v any) error {
	d.count(query)
	return d.Driver.Query(ctx, query, args, v)
}

func (d *dataCounter) Exec(ctx context.Context, query string, args, v any) error {
	d.count(query)
	return d.Driver.Exec(ctx, query, args, v)
}

// Tx counts the statements inside a transaction (the key's last-use
// update is one), not the transaction itself.
func (d *dataCounter) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &dataCounterTx{Tx: tx, d: d}, nil
}

type dataCounterTx struct {
	dialect.Tx
	d *dataCounter
}

func (t *dataCounterTx) Query(ctx context.Context, query string, args, v any) error {
	t.d.count(query)
	return t.Tx.Query(ctx, query, args, v)
}

func (t *dataCounterTx) Exec(ctx context.Context, query string, args, v any) error {
	t.d.count(query)
	return t.Tx.Exec(ctx, query, args, v)
}

// refusingDriver fails every statement.
type refusingDriver struct{ dialect.Driver }

func (refusingDriver) Dialect() string { return dialect.SQLite }
func (refusingDriver) Query(context.Context, string, any, any) error {
	return fmt.Errorf("no database in this test")
}
func (refusingDriver) Exec(context.Context, string, any, any) error {
	return fmt.Errorf("no database in this test")
}
func (refusingDriver) Close() error { return nil }

// slowDriver makes every statement on organizations slow: before it, the
// database runs one that outlasts any timeout under test (pg_sleep on
// PostgreSQL, an endless recursive count on SQLite). The error the
// database gives then travels the real path: ent, resolver, presenter.
type slowDriver struct {
	dialect.Driver
}

func (d slowDriver) Query(ctx context.Context, query string, args, v any) error {
	if strings.Contains(query, "organizations") {
		slow := "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c"
		if d.Dialect() == dialect.Postgres {
			slow = "SELECT pg_sleep(10)"
		}
		var rows entsql.Rows
		if err := d.Driver.Query(ctx, slow, []any{}, &rows); err != nil {
			return err
		}
		_ = rows.Close()
	}
	return d.Driver.Query(ctx, query, args, v)
}

// TestDoorsStatementTimeout: a statement stopped by the database's
// statement timeout (PostgreSQL) answers QUERY_TOO_COMPLEX; one stopped by
// the request timeout (either database) answers INTERNAL with a request
// id. Neither carries SQL or the driver's text, and neither waits for the
// statement to finish.
func TestDoorsStatementTimeout(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		type run struct {
			name           string
			statement      time.Duration // PostgreSQL statement_timeout; 0: none
			request        string        // TONGXING_REQUEST_TIMEOUT
			code           string
			postgresOnly   bool
			wantRequestID  bool
			mustAnswerFrom time.Duration
		}
		for _, tc := range []run{
			{name: "statement timeout", statement: 300 * time.Millisecond, request: "20s", code: "QUERY_TOO_COMPLEX", postgresOnly: true},
			{name: "request timeout", request: "500ms", code: "INTERNAL", wantRequestID: true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if tc.postgresOnly && a.db.Dialect != dialect.Postgres {
					t.Skip("SQLite has no statement timeout; the request timeout row covers it")
				}
				sqlDB := a.db
				if tc.statement > 0 {
					var err error
					sqlDB, err = database.OpenWith(context.Background(), a.db.Location, database.Options{StatementTimeout: tc.statement})
					if err != nil {
						t.Fatal(err)
					}
					defer sqlDB.Close()
				}
				drv := slowDriver{Driver: entsql.OpenDB(sqlDB.Dialect, sqlDB.SQL)}
				slow := &database.DB{Client: ent.NewClient(ent.Driver(drv)), SQL: sqlDB.SQL, Dialect: sqlDB.Dialect}
				cfg, err := server.LoadConfig(func(k string) string {
					if k == "TONGXING_REQUEST_TIMEOUT" {
						return tc.request
					}
					return ""
				})
				if err != nil {
					t.Fatal(err)
				}
				cfg.SecretKey = testSecret
				a.h = server.New(cfg, slow, slog.New(slog.DiscardHandler)).Handler()
				start := time.Now()
				r := a.post("", `{ organizations(where: {nameContains: "孝慈"}) { totalCount } }`, nil)
				elapsed := time.Since(start)
				if r.code() != tc.code {
					t.Fatalf("code %q, want %q: %.400s", r.code(), tc.code, r.Raw)
				}
				if _, ok := r.Errors[0].Extensions["requestId"]; ok != tc.wantRequestID {
					t.Errorf("requestId present %v, want %v: %s", ok, tc.wantRequestID, r.Raw)
				}
				if elapsed > 5*time.Second {
					t.Errorf("answered after %v: the statement was not stopped", elapsed)
				}
				assertNoLeak(t, r.Raw, "孝慈", "recursive", "statement timeout")
				t.Logf("%s after %v: %s", r.code(), elapsed.Round(time.Millisecond), r.Errors[0].Message)
			})
		}
	})
}

// TestDoorsStatementTimeoutConfig: TONGXING_STATEMENT_TIMEOUT defaults a few
// seconds below the request timeout and must stay below it.
func TestDoorsStatementTimeoutConfig(t *testing.T) {
	for _, tc := range []struct {
		request, statement string
		want               time.Duration
		bad                bool
	}{
		{"", "", 25 * time.Second, false},
		{"60s", "", 55 * time.Second, false},
		{"5s", "", 2500 * time.Millisecond, false},
		{"", "10s", 10 * time.Second, false},
		{"", "0", 0, false},
		{"", "30s", 0, true},
		{"10s", "12s", 0, true},
		{"", "-1s", 0, true},
		{"", "soon", 0, true},
	} {
		cfg, err := server.LoadConfig(func(k string) string {
			switch k {
			case "TONGXING_REQUEST_TIMEOUT":
				return tc.request
			case "TONGXING_STATEMENT_TIMEOUT":
				return tc.statement
			}
			return ""
		})
		switch {
		case tc.bad && (err == nil || !strings.Contains(err.Error(), "TONGXING_STATEMENT_TIMEOUT=")):
			t.Errorf("request %q, statement %q accepted: %v", tc.request, tc.statement, err)
		case !tc.bad && (err != nil || cfg.StatementTimeout != tc.want):
			t.Errorf("request %q, statement %q: %v, %v; want %v", tc.request, tc.statement, cfg.StatementTimeout, err, tc.want)
		}
	}
}
