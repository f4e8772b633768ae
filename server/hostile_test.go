package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/tongxing/tongxing/apikeys"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/server"
)

// deepQuery nests regions → edges → node → parent → parent … to n fields.
func deepQuery(n int) string {
	return "{ regions { edges { node { " + strings.Repeat("parent { ", n-4) + "id" + strings.Repeat(" }", n)
}

// aliasQuery asks for __typename under n different aliases.
func aliasQuery(op string, n int) string {
	var b strings.Builder
	b.WriteString(op + " {")
	for i := range n {
		fmt.Fprintf(&b, " a%d: __typename", i)
	}
	return b.String() + " }"
}

// operationsQuery is a document with n named queries.
func operationsQuery(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "query Q%d { regions(first: 1) { totalCount } }\n", i)
	}
	return b.String()
}

// fanOutQuery spreads each of n fragments twice under different aliases:
// 2^n fields once expanded.
func fanOutQuery(n int) string {
	var b strings.Builder
	b.WriteString(`{ region(code: "330411104") { ...F0 } }`)
	for i := range n {
		next := "name"
		if i+1 < n {
			next = fmt.Sprintf("...F%d", i+1)
		}
		fmt.Fprintf(&b, "\nfragment F%d on Region { a%d: parent { %s } b%d: parent { %s } }", i, i, next, i, next)
	}
	return b.String()
}

const createOrganization = `mutation($in: CreateOrganizationInput!) { createOrganization(input: $in) { id name } }`

var newOrganization = map[string]any{"in": map[string]any{
	"name": "新塍镇睦邻互助会", "kind": "SOCIAL_ORGANIZATION", "regionCode": "330411104", "registrationStatus": "FILED",
}}

func jsonRequest(body []byte) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

func graphQLBody(query string, vars map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return b
}

// TestHostileRequests runs a corpus of abusive requests through the real
// handler: each is refused with its code and writes nothing.
func TestHostileRequests(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		ctx := a.sys()
		past := time.Now().Add(-time.Hour)
		expired, _, err := apikeys.Create(ctx, a.db.Client, "expired", apikeys.CreateOptions{ExpiresAt: &past})
		if err != nil {
			t.Fatal(err)
		}
		revoked, k, err := apikeys.Create(ctx, a.db.Client, "revoked", apikeys.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.db.Client.APIKey.UpdateOneID(k.ID).SetRevokedAt(time.Now()).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		withKey := func(key string, req *http.Request) *http.Request {
			req.Header.Set("Authorization", "Bearer "+key)
			return req
		}
		post := func(query string, vars map[string]any) func() *http.Request {
			return func() *http.Request { return jsonRequest(graphQLBody(query, vars)) }
		}
		raw := func(body string) func() *http.Request {
			return func() *http.Request { return jsonRequest([]byte(body)) }
		}
		huge := strings.Repeat("长", (1<<20)/3+10) // > 1 MiB of UTF-8

		before := a.snapshot()
		for _, tc := range []struct {
			name   string
			req    func() *http.Request
			status int // 0: not checked
			code   string
		}{
			{"50 levels deep", post(deepQuery(50), nil), 0, "QUERY_TOO_COMPLEX"},
			{"1,000 aliases", post(aliasQuery("", 1000), nil), 0, "QUERY_TOO_COMPLEX"},
			{"1,000 aliases in a mutation with a key", func() *http.Request {
				return withKey(a.key, jsonRequest(graphQLBody(aliasQuery("mutation", 1000), nil)))
			}, 0, "QUERY_TOO_COMPLEX"},
			{"first: 100000", post(`{ organizations(first: 100000) { edges { node { id } } } }`, nil), 0, "BAD_USER_INPUT"},
			{"first: 100000 as a variable", post(`query($n: Int) { regions { edges { node { children(first: $n) { totalCount } } } } }`, map[string]any{"n": 100000}), 0, "BAD_USER_INPUT"},
			{"nested pages over the complexity limit", post(`{ regions(first: 100) { edges { node { organizations(first: 100) { edges { node { id name } } } } } } }`, nil), 0, "QUERY_TOO_COMPLEX"},
			{"fragment fan-out", post(fanOutQuery(30), nil), 0, "QUERY_TOO_COMPLEX"},
			{"fragment cycle", post(`{ regions { edges { node { ...A } } } } fragment A on Region { parent { ...B } } fragment B on Region { ...A }`, nil), 200, "BAD_USER_INPUT"},
			{"over the token limit", post("{"+strings.Repeat(" __typename", 25000)+" }", nil), 200, "BAD_USER_INPUT"},
			{"1 MiB string argument", post(`query($s: String) { organizations(where: {nameContains: $s}) { totalCount } }`, map[string]any{"s": huge}), 413, "BAD_USER_INPUT"},
			{"1 MiB string literal", post(`{ organizations(where: {nameContains: "`+huge+`"}) { totalCount } }`, nil), 413, "BAD_USER_INPUT"},
			{"invalid UTF-8 in a string", raw("{\"query\":\"{ organizations(where: {nameContains: \\\"\xff\xfe\\\"}) { totalCount } }\"}"), 400, "BAD_USER_INPUT"},
			{"invalid UTF-8 in a mutation", func() *http.Request {
				body := strings.Replace(string(graphQLBody(createOrganization, newOrganization)), "睦邻", "\xc3\x28", 1)
				return withKey(a.key, jsonRequest([]byte(body)))
			}, 400, "BAD_USER_INPUT"},
			{"invalid UTF-8 outside strings", raw("{\"query\"\xff:\"{ __typename }\"}"), 400, "BAD_USER_INPUT"},
			{"invalid UTF-8 in a GET query string", func() *http.Request {
				return httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(`{ organizations(where: {nameContains: "`)+"%FF%FE"+url.QueryEscape(`"}) { totalCount } }`), nil)
			}, 400, "BAD_USER_INPUT"},
			{"NUL in a filter variable", post(`query($s: String) { organizations(where: {nameContains: $s}) { totalCount } }`, map[string]any{"s": "\x00"}), 0, "BAD_USER_INPUT"},
			{"NUL in a filter literal", post(`{ organizations(where: {nameContains: "\u0000"}) { totalCount } }`, nil), 0, "BAD_USER_INPUT"},
			{"NUL in a mutation", func() *http.Request {
				in := map[string]any{"in": map[string]any{"name": "新塍\x00互助会", "kind": "SOCIAL_ORGANIZATION", "regionCode": "330411104", "registrationStatus": "FILED"}}
				return withKey(a.key, jsonRequest(graphQLBody(createOrganization, in)))
			}, 0, "BAD_USER_INPUT"},
			{"batched operations", raw(`[{"query":"{ __typename }"},{"query":"{ __typename }"}]`), 400, "BAD_USER_INPUT"},
			{"10 operations, one chosen", func() *http.Request {
				b, _ := json.Marshal(map[string]any{"query": operationsQuery(10), "operationName": "Q3"})
				return jsonRequest(b)
			}, 0, "QUERY_TOO_COMPLEX"},
			{"10 operations, none chosen", post(operationsQuery(10), nil), 200, "BAD_USER_INPUT"},
			{"mutation with an expired key", func() *http.Request {
				return withKey(expired, jsonRequest(graphQLBody(createOrganization, newOrganization)))
			}, 401, "UNAUTHENTICATED"},
			{"mutation with a revoked key", func() *http.Request {
				return withKey(revoked, jsonRequest(graphQLBody(createOrganization, newOrganization)))
			}, 401, "UNAUTHENTICATED"},
			{"mutation with an unknown key", func() *http.Request {
				return withKey(apikeys.SecretPrefix+strings.Repeat("A", 43), jsonRequest(graphQLBody(createOrganization, newOrganization)))
			}, 401, "UNAUTHENTICATED"},
			{"mutation with a garbage key", func() *http.Request {
				return withKey("' OR 1=1 --", jsonRequest(graphQLBody(createOrganization, newOrganization)))
			}, 401, "UNAUTHENTICATED"},
			{"mutation without a key", post(createOrganization, newOrganization), 0, "UNAUTHENTICATED"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				start := time.Now()
				r := a.do(tc.req())
				elapsed := time.Since(start)
				if r.code() != tc.code || (tc.status != 0 && r.Status != tc.status) {
					t.Errorf("got %d %s, want %d %s: %.300s", r.Status, r.code(), tc.status, tc.code, r.Raw)
				}
				if r.Data != nil && len(r.Data) > 0 {
					t.Errorf("data returned with the refusal: %.300s", r.Raw)
				}
				if msg := r.Errors; len(msg) > 0 && !strings.Contains(msg[0].Message, "(") {
					t.Errorf("message is not bilingual: %q", msg[0].Message)
				}
				if strings.Contains(r.Raw, "\xff") || strings.Contains(r.Raw, "长长长") {
					t.Errorf("request echoed back: %.300s", r.Raw)
				}
				if after := a.snapshot(); after != before {
					t.Errorf("something was written")
				}
				t.Logf("%d %s in %v", r.Status, r.code(), elapsed)
			})
		}

		// Filter values are data: SQL and LIKE metacharacters match nothing.
		for _, s := range []string{`' OR 1=1 --`, `"; DROP TABLE organizations; --`, `%`, `_`, `\`, `%' OR name LIKE '%`, `'; SELECT pg_sleep(5); --`} {
			r := a.post("", `query($s: String) { organizations(where: {nameContains: $s}) { totalCount } }`, map[string]any{"s": s})
			if r.Status != http.StatusOK || len(r.Errors) > 0 {
				t.Errorf("nameContains %q: %d %s", s, r.Status, r.Raw)
			} else if n := r.Data["organizations"].(map[string]any)["totalCount"].(float64); n != 0 {
				t.Errorf("nameContains %q matched %v organizations", s, n)
			}
		}
		if after := a.snapshot(); after != before {
			t.Errorf("filters wrote something")
		}
	})
}

// TestUnboundedPagesClosed checks that a connection asked for with a null
// first — literally or through a variable — gets the default page, not
// the whole table.
func TestUnboundedPagesClosed(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		for _, tc := range []struct {
			query string
			vars  map[string]any
		}{
			{`{ organizations(first: null) { edges { node { id } } } }`, nil},
			{`{ organizations(first: null, last: null) { edges { node { id } } } }`, nil},
			{`query($n: Int) { organizations(first: $n) { edges { node { id } } } }`, nil},
			{`query($n: Int) { organizations(first: $n) { edges { node { id } } } }`, map[string]any{"n": nil}},
			{`query($n: Int) { organizations(last: $n) { edges { node { id } } } }`, map[string]any{"n": nil}},
		} {
			d := a.anon(tc.query, tc.vars)
			if n := len(edges(t, d["organizations"])); n != 20 {
				t.Errorf("%s %v: %d edges, want the default 20 of 29", tc.query, tc.vars, n)
			}
		}
	})
}

// TestGraphiQLIntrospectionAllowed: the limits exempt introspection, so
// GraphiQL's (deep) introspection query works.
func TestGraphiQLIntrospectionAllowed(t *testing.T) {
	a := newAPI(t, dbtest.OpenSQLite(t))
	r := a.post("", introspectionQuery, nil)
	if len(r.Errors) > 0 || r.Data["__schema"] == nil {
		t.Fatalf("introspection refused: %.500s", r.Raw)
	}
}

// statementCounter counts what reaches the database: statements, and
// transactions begun (each statement inside one counts too).
type statementCounter struct {
	dialect.Driver
	n atomic.Int64
}

func (d *statementCounter) Query(ctx context.Context, query string, args, v any) error {
	d.n.Add(1)
	return d.Driver.Query(ctx, query, args, v)
}

func (d *statementCounter) Exec(ctx context.Context, query string, args, v any) error {
	d.n.Add(1)
	return d.Driver.Exec(ctx, query, args, v)
}

func (d *statementCounter) Tx(ctx context.Context) (dialect.Tx, error) {
	d.n.Add(1)
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &countedTx{Tx: tx, n: &d.n}, nil
}

type countedTx struct {
	dialect.Tx
	n *atomic.Int64
}

func (t *countedTx) Query(ctx context.Context, query string, args, v any) error {
	t.n.Add(1)
	return t.Tx.Query(ctx, query, args, v)
}

func (t *countedTx) Exec(ctx context.Context, query string, args, v any) error {
	t.n.Add(1)
	return t.Tx.Exec(ctx, query, args, v)
}

// TestRefusedBeforeDatabase is the done-when: a query 50 levels
// deep, one with 1,000 aliases and one with first: 100000 are each refused
// in under 100 ms without a single database statement.
func TestRefusedBeforeDatabase(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		drv := &statementCounter{Driver: entsql.OpenDB(a.db.Dialect, a.db.SQL)}
		counted := &database.DB{Client: ent.NewClient(ent.Driver(drv)), SQL: a.db.SQL, Dialect: a.db.Dialect}
		cfg, err := server.LoadConfig(func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		a.h = server.New(cfg, counted, slog.New(slog.DiscardHandler)).Handler()

		// The counter sees what an ordinary query costs.
		drv.n.Store(0)
		if d := a.anon(`{ regions(first: 2) { totalCount edges { node { parent { name } } } } }`, nil); d["regions"] == nil {
			t.Fatal("no regions")
		}
		if drv.n.Load() == 0 {
			t.Fatal("statement counter counts nothing")
		}

		for _, tc := range []struct {
			name, query, code string
			key               string
		}{
			{"50 levels deep", deepQuery(50), "QUERY_TOO_COMPLEX", ""},
			{"1,000 aliases", aliasQuery("", 1000), "QUERY_TOO_COMPLEX", ""},
			{"first: 100000", `{ organizations(first: 100000) { edges { node { id name } } } }`, "BAD_USER_INPUT", ""},
			// Without a key a mutation is refused whole before its size is
			// looked at (docs/security.md, "Mutations: authorise before
			// reading data"), still without a statement.
			{"1,000 aliases in a mutation", aliasQuery("mutation", 1000), "UNAUTHENTICATED", ""},
		} {
			for _, run := range []string{"first", "cached"} {
				drv.n.Store(0)
				start := time.Now()
				r := a.post(tc.key, tc.query, nil)
				elapsed := time.Since(start)
				statements := drv.n.Load()
				if r.code() != tc.code {
					t.Errorf("%s (%s): code %s, want %s: %.300s", tc.name, run, r.code(), tc.code, r.Raw)
				}
				if statements != 0 {
					t.Errorf("%s (%s): %d database statements, want 0", tc.name, run, statements)
				}
				if elapsed >= 100*time.Millisecond {
					t.Errorf("%s (%s): took %v, want < 100ms", tc.name, run, elapsed)
				}
				t.Logf("%s (%s request): %s in %v, %d statements", tc.name, run, r.code(), elapsed.Round(10*time.Microsecond), statements)
			}
		}
	})
}

// introspectionQuery is what GraphiQL sends (graphql-js
// getIntrospectionQuery with descriptions).
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}`
