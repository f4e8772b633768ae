package server_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"entgo.io/contrib/entgql"
)

func edges(t *testing.T, conn any) []map[string]any {
	t.Helper()
	m, ok := conn.(map[string]any)
	if !ok {
		t.Fatalf("not a connection: %#v", conn)
	}
	var out []map[string]any
	for _, e := range m["edges"].([]any) {
		out = append(out, e.(map[string]any)["node"].(map[string]any))
	}
	return out
}

func names(t *testing.T, conn any) []string {
	var out []string
	for _, n := range edges(t, conn) {
		out = append(out, n["name"].(string))
	}
	return out
}

func TestPaginationBothWays(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		const q = `query($first:Int,$after:Cursor,$last:Int,$before:Cursor){
		  organizations(first:$first, after:$after, last:$last, before:$before, orderBy:[{field:NAME}]) {
		    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
		    edges { cursor node { id name } } } }`
		var forward []string
		var after any
		for page := 0; ; page++ {
			d := a.anon(q, map[string]any{"first": 7, "after": after})
			conn := d["organizations"].(map[string]any)
			if got := int(conn["totalCount"].(float64)); got != 29 {
				t.Fatalf("totalCount = %d, want 29", got)
			}
			forward = append(forward, names(t, conn)...)
			info := conn["pageInfo"].(map[string]any)
			if !info["hasNextPage"].(bool) {
				break
			}
			after = info["endCursor"]
			if page > 10 {
				t.Fatal("pagination does not end")
			}
		}
		if len(forward) != 29 {
			t.Fatalf("forward pages gave %d organizations, want 29", len(forward))
		}
		var backward []string
		var before any
		for {
			d := a.anon(q, map[string]any{"last": 10, "before": before})
			conn := d["organizations"].(map[string]any)
			backward = append(names(t, conn), backward...)
			info := conn["pageInfo"].(map[string]any)
			if !info["hasPreviousPage"].(bool) {
				break
			}
			before = info["startCursor"]
		}
		if strings.Join(forward, "|") != strings.Join(backward, "|") {
			t.Errorf("backward pages differ from forward pages:\n%v\n%v", forward, backward)
		}
		for i := 1; i < len(forward); i++ {
			if forward[i-1] > forward[i] {
				t.Errorf("not ordered by name: %q before %q", forward[i-1], forward[i])
			}
		}
	})
}

func TestPageSizeLimits(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		// No first/last: a default page, never the whole table.
		d := a.anon(`{ organizations { totalCount edges { node { id } } } }`, nil)
		if n := len(edges(t, d["organizations"])); n != 20 {
			t.Errorf("default page has %d edges, want 20", n)
		}
		for _, q := range []string{
			`{ organizations(first: 101) { totalCount } }`,
			`{ organizations(last: 100000) { totalCount } }`,
			`{ organizations(first: -1) { totalCount } }`,
			`{ regions(first: 1) { edges { node { children(first: 500) { totalCount } } } } }`,
			`query($n:Int){ organizations(first: $n) { totalCount } }`,
		} {
			r := a.post("", q, map[string]any{"n": 1000})
			if r.code() != "BAD_USER_INPUT" {
				t.Errorf("%s: code %q, want BAD_USER_INPUT (%s)", q, r.code(), r.Raw)
			}
			if r.Data != nil && r.Data["organizations"] != nil {
				t.Errorf("%s: data returned with the error", q)
			}
		}
	})
}

func TestFiltersAndOrdering(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		d := a.anon(`{ organizations(where:{nameContains:"孝慈"}) { totalCount edges { node { name kind region { name } projects { totalCount } } } } }`, nil)
		conn := d["organizations"].(map[string]any)
		if conn["totalCount"].(float64) != 1 {
			t.Fatalf("nameContains 孝慈: %v", conn)
		}
		node := edges(t, conn)[0]
		if node["kind"] != "SOCIAL_WORK_AGENCY" || node["region"].(map[string]any)["name"] != "新塍镇" ||
			node["projects"].(map[string]any)["totalCount"].(float64) != 1 {
			t.Errorf("agency = %v", node)
		}

		d = a.anon(`{ organizations(where:{kindIn:[VOLUNTEER_TEAM, PARTY_ORGANIZATION]}, orderBy:[{field:NAME, direction:DESC}]) { edges { node { name } } } }`, nil)
		if got := names(t, d["organizations"]); strings.Join(got, ",") != "新塍镇红心志愿服务队,中共新塍镇委员会" {
			t.Errorf("kind filter, name desc = %v", got)
		}

		d = a.anon(`{ regions(where:{hasParentWith:{code:"330411"}}, orderBy:{field:CODE}) { totalCount edges { node { code } } } }`, nil)
		if d["regions"].(map[string]any)["totalCount"].(float64) != 9 {
			t.Errorf("towns of 330411: %v", d["regions"])
		}
		d = a.anon(`{ region(code:"330411104") { name level parent { code } children { totalCount } organizations { totalCount } } }`, nil)
		r := d["region"].(map[string]any)
		if r["name"] != "新塍镇" || r["level"] != "TOWN" || r["children"].(map[string]any)["totalCount"].(float64) != 1 ||
			r["organizations"].(map[string]any)["totalCount"].(float64) != 3 {
			t.Errorf("region(code) = %v", r)
		}
		if d := a.anon(`{ region(code:"999999") { name } }`, nil); d["region"] != nil {
			t.Errorf("unknown region code gave %v", d["region"])
		}
		// Filter values are data, never SQL.
		d = a.anon(`{ organizations(where:{nameContains:"' OR 1=1 --"}) { totalCount } }`, nil)
		if d["organizations"].(map[string]any)["totalCount"].(float64) != 0 {
			t.Errorf("SQL metacharacters matched rows: %v", d)
		}
	})
}

func TestNodeLookup(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		d := a.anon(`query($id:ID!){ node(id:$id) { __typename id ... on Organization { name } } }`, map[string]any{"id": id(a.fx.agency.ID)})
		n := d["node"].(map[string]any)
		if n["__typename"] != "Organization" || n["id"] != id(a.fx.agency.ID) || !strings.Contains(n["name"].(string), "孝慈") {
			t.Errorf("node = %v", n)
		}
		d = a.anon(`query($ids:[ID!]!){ nodes(ids:$ids) { __typename } }`, map[string]any{"ids": []string{id(a.fx.project.ID), id(a.fx.town.ID)}})
		if fmt.Sprint(d["nodes"]) != "[map[__typename:Project] map[__typename:Region]]" {
			t.Errorf("nodes = %v", d["nodes"])
		}
		if strings.Contains(id(a.fx.agency.ID), fmt.Sprint(a.fx.agency.ID)) {
			t.Errorf("global id %q exposes the database id", id(a.fx.agency.ID))
		}
		r := a.post("", `{ node(id:"not-an-id") { id } }`, nil)
		if r.code() != "BAD_USER_INPUT" {
			t.Errorf("malformed id: %s", r.Raw)
		}
		r = a.post("", `query($id:ID!){ node(id:$id) { id } }`, map[string]any{"id": id(a.fx.agency.ID + 100000)})
		if r.code() != "NOT_FOUND" {
			t.Errorf("unknown id: %s", r.Raw)
		}
		// A person is a node too, but not for anonymous callers.
		r = a.post("", `query($id:ID!){ node(id:$id) { id ... on Person { name } } }`, map[string]any{"id": id(a.fx.volunteers[0].ID)})
		if r.code() != "UNAUTHENTICATED" || strings.Contains(r.Raw, "测试志愿者") {
			t.Errorf("anonymous person node: %s", r.Raw)
		}
	})
}

func TestRestrictedReads(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		for _, q := range []string{
			`{ people(first:5) { edges { node { name } } } }`,
			`{ people(first:5) { totalCount } }`,
			`{ serviceRecords(first:5) { edges { node { minutes } } } }`,
			`{ activities(first:5) { edges { node { serviceRecords(first:5) { totalCount } } } } }`,
			`{ organizations(first:5) { edges { node { memberships(first:5) { totalCount } } } } }`,
		} {
			r := a.post("", q, nil)
			if r.code() != "UNAUTHENTICATED" {
				t.Errorf("anonymous %s: %s", q, r.Raw)
			}
			if strings.Contains(r.Raw, "测试志愿者") || strings.Contains(r.Raw, "13800000") {
				t.Errorf("personal data leaked: %s", r.Raw)
			}
		}
		d := a.admin(`{ people(first:5, orderBy:{field:VOLUNTEER_NUMBER}) { totalCount edges { node { volunteerNumber name } } } }`, nil)
		if d["people"].(map[string]any)["totalCount"].(float64) != 3 {
			t.Errorf("people with key: %v", d)
		}
	})
}

func TestKeys(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		for _, h := range []string{"Bearer tx_wrong", "Basic abc", "Bearer " + a.key + "x", "Bearer"} {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ regions { totalCount } }"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", h)
			r := a.do(req)
			if r.Status != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" {
				t.Errorf("Authorization %q: %d %s", h, r.Status, r.Raw)
			}
		}
		// Only the hash is stored.
		k, err := a.db.Client.APIKey.Query().Only(a.sys())
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(k.SecretHash, a.key) || k.SecretHash == a.key || !strings.HasPrefix(a.key, k.Prefix) {
			t.Errorf("stored key %+v for secret %q", k, a.key)
		}
		if k.LastUsedAt != nil {
			t.Errorf("unused key has lastUsedAt")
		}
		a.admin(`{ regions { totalCount } }`, nil)
		if k, _ = a.db.Client.APIKey.Get(a.sys(), k.ID); k.LastUsedAt == nil {
			t.Errorf("lastUsedAt not recorded")
		}
		// A revoked key stops working.
		if err := a.db.Client.APIKey.UpdateOneID(k.ID).SetRevokedAt(k.CreatedAt).Exec(a.sys()); err != nil {
			t.Fatal(err)
		}
		if r := a.post(a.key, `{ regions { totalCount } }`, nil); r.code() != "UNAUTHENTICATED" {
			t.Errorf("revoked key: %s", r.Raw)
		}
	})
}

// A malformed cursor is the caller's mistake wherever the connection is:
// at the top, or nested, where entgql's field collection reads it.
func TestMalformedCursors(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		var wrongType bytes.Buffer
		entgql.Cursor[int]{ID: 1, Value: "not a time"}.MarshalGQL(&wrongType)
		var floatValue bytes.Buffer
		entgql.Cursor[int]{ID: 1, Value: 1.5}.MarshalGQL(&floatValue)
		for _, c := range []string{`"AAAA"`, `"!!!"`, wrongType.String(), floatValue.String()} {
			for _, q := range []string{
				`{ organizations(after: %s) { totalCount } }`,
				`{ organizations(first: 1) { edges { node { projects(first: 2, after: %s) { edges { node { id } } } } } } }`,
				`{ organizations(first: 1) { edges { node { children(after: %s, orderBy: {field: UPDATED_AT}) { edges { node { id } } } } } } }`,
				`{ organizations(after: %s, orderBy: [{field: UPDATED_AT}]) { totalCount } }`,
			} {
				query := fmt.Sprintf(q, c)
				r := a.post("", query, nil)
				if code := r.code(); code != "" && code != "BAD_USER_INPUT" {
					t.Errorf("%s: %s", query, r.Raw)
				}
			}
		}
	})
}
