package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/tongxing/tongxing/apikeys"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/demo"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/apikey"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/partnership"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/examples/partnersync/syncer"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/partners"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
	"github.com/tongxing/tongxing/server"
)

// partnerEnv is the demo district served with the keys the partner tests
// use: PARTNER keys of both universities, an editor and two reviewers at a
// host of 嘉兴大学's practice bases.
type partnerEnv struct {
	a                *api
	srv              *httptest.Server
	keys             *pii.Keys
	jiaxing, nanhu   *ent.Organization
	keyJ, keyN       string
	host             *ent.Organization // 芯悦: a host of 嘉兴大学 only
	editor           string
	reviewer, second string
}

func newPartnerEnv(t *testing.T, db *database.DB) *partnerEnv {
	t.Helper()
	ctx := policy.SystemContext(context.Background(), "demo-seed")
	keys, _ := pii.NewKeys(testSecret)
	if _, err := demo.Seed(ctx, db, keys); err != nil {
		t.Fatal(err)
	}
	// No rate limits: the tests page through thousands of rows.
	cfg, err := server.LoadConfig(func(k string) string {
		if strings.HasPrefix(k, "TONGXING_RATE_LIMIT_") {
			return "0"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.SecretKey = testSecret
	a := &api{t: t, db: db, h: server.New(cfg, db, slog.New(slog.DiscardHandler)).Handler()}
	e := &partnerEnv{a: a, keys: keys}
	org := func(name string) *ent.Organization {
		o, err := db.Client.Organization.Query().Where(organization.Name(name)).Only(ctx)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return o
	}
	e.jiaxing, e.nanhu, e.host = org(demo.UniversityJiaxing), org(demo.UniversityNanhu), org(demo.AgencyXinyue)
	key := func(name string, role apikey.Role, o *ent.Organization) string {
		var id *int
		if o != nil {
			id = &o.ID
		}
		secret, _, err := apikeys.Create(ctx, db.Client, name, apikeys.CreateOptions{Role: role, OrganizationID: id})
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	a.key = key("district-admin", "", nil)
	e.keyJ = key("jxu-partner", apikey.RolePARTNER, e.jiaxing)
	e.keyN = key("nhu-partner", apikey.RolePARTNER, e.nanhu)
	e.editor = key("xinyue-editor", apikey.RoleEDITOR, e.host)
	e.reviewer = key("xinyue-reviewer", apikey.RoleREVIEWER, e.host)
	e.second = key("xinyue-reviewer-2", apikey.RoleREVIEWER, e.host)
	e.srv = httptest.NewServer(a.h)
	t.Cleanup(e.srv.Close)
	return e
}

// all pages through a connection query with $after and $first, returning
// every node.
func (e *partnerEnv) all(t *testing.T, key, query, field string, vars map[string]any) []map[string]any {
	t.Helper()
	var out []map[string]any
	v := map[string]any{"first": 100}
	for k, x := range vars {
		v[k] = x
	}
	for {
		r := e.a.post(key, query, v)
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %s", field, r.Raw)
		}
		conn := r.Data[field].(map[string]any)
		for _, edge := range conn["edges"].([]any) {
			out = append(out, edge.(map[string]any)["node"].(map[string]any))
		}
		info := conn["pageInfo"].(map[string]any)
		if info["hasNextPage"] != true {
			return out
		}
		v["after"] = info["endCursor"]
	}
}

const recordsQuery = `query($after: Cursor, $first: Int, $since: Time, $u: ID, $base: ID) {
  partnerServiceRecords(after: $after, first: $first, updatedSince: $since, universityId: $u, practiceBaseId: $base) {
    edges { cursor node { id pseudonym practiceBaseId activityId activity { title startsAt organization { name } }
      servedOn month term minutes hours status correctsId updatedAt } }
    pageInfo { hasNextPage endCursor }
  }
}`

const activitiesQuery = `query($after: Cursor, $first: Int, $u: ID) {
  partnerActivities(after: $after, first: $first, universityId: $u) {
    edges { node { id practiceBaseId title kind startsAt endsAt place beneficiaries organization { id name }
      project { id name } region { code name } updatedAt } }
    pageInfo { hasNextPage endCursor }
  }
}`

const basesQuery = `query($after: Cursor, $first: Int, $u: ID) {
  practiceBases(after: $after, first: $first, universityId: $u) {
    edges { node { id university { id name } host { id name } startedOn endedOn capacity programmes description updatedAt
      totals { records minutes students otherStudents otherHours suppressed }
      terms { term from to activities students records minutes hours otherStudents otherHours suppressed } } }
    pageInfo { hasNextPage endCursor }
  }
}`

// viewOf computes, independently of package partners, the ids of the
// records a university should see: VERIFIED records of its consenting
// students at activities its practice bases' hosts held during the
// agreements.
func viewOf(t *testing.T, c *ent.Client, u *ent.Organization) map[int]bool {
	t.Helper()
	ctx := policy.SystemContext(context.Background(), "test")
	bases := c.Partnership.Query().Where(partnership.OrganizationID(u.ID), partnership.KindEQ(partnership.KindPRACTICE_BASE)).AllX(ctx)
	cst := calendar.Zone
	inView := map[int]bool{}
	for _, b := range bases {
		for _, a := range c.Activity.Query().Where(activity.OrganizationID(b.PartnerID)).AllX(ctx) {
			day := a.StartsAt.In(cst).Format(time.DateOnly)
			if day >= b.StartedOn.UTC().Format(time.DateOnly) && (b.EndedOn == nil || day <= b.EndedOn.UTC().Format(time.DateOnly)) {
				inView[a.ID] = true
			}
		}
	}
	out := map[int]bool{}
	recs := c.ServiceRecord.Query().Where(servicerecord.StatusEQ(servicerecord.StatusVERIFIED),
		servicerecord.HasPersonWith(person.UniversityID(u.ID), person.ShareWithUniversity(true))).AllX(ctx)
	for _, r := range recs {
		if inView[r.ActivityID] {
			out[r.ID] = true
		}
	}
	return out
}

// pseudonymsOf is the pseudonyms the university's students get, split by
// consent.
func (e *partnerEnv) pseudonymsOf(t *testing.T, u *ent.Organization) (consenting, others map[string]bool) {
	ctx := policy.SystemContext(context.Background(), "test")
	consenting, others = map[string]bool{}, map[string]bool{}
	for _, p := range e.a.db.Client.Person.Query().Where(person.UniversityID(u.ID)).AllX(ctx) {
		if p.ShareWithUniversity {
			consenting[e.keys.Pseudonym(u.ID, p.ID)] = true
		} else {
			others[e.keys.Pseudonym(u.ID, p.ID)] = true
		}
	}
	return consenting, others
}

func ids(nodes []map[string]any) map[string]bool {
	out := map[string]bool{}
	for _, n := range nodes {
		out[n["id"].(string)] = true
	}
	return out
}

// personal collects every person's identifying values: names, phones,
// volunteer numbers and ID numbers.
type personal struct {
	names, numbers map[string]bool
}

func personalData(t *testing.T, c *ent.Client, keys *pii.Keys) personal {
	ctx := policy.SystemContext(context.Background(), "test")
	p := personal{names: map[string]bool{}, numbers: map[string]bool{}}
	for _, x := range c.Person.Query().AllX(ctx) {
		p.names[x.Name] = true
		p.numbers[x.Phone] = true
		p.numbers[x.VolunteerNumber] = true
		if id, err := keys.OpenIDNumber(x.IDNumberCiphertext); err == nil {
			p.numbers[id] = true
		}
	}
	return p
}

var numberLike = regexp.MustCompile(`[A-Z]{2}\d{12}|\d{17}[\dX]|\d{11}`)

// leaks lists personal values found in text: any number-like token that is
// a phone, volunteer or ID number, and any whole field equal to a name.
func (p personal) leaks(text string, fields []string) []string {
	var out []string
	for _, m := range numberLike.FindAllString(text, -1) {
		if p.numbers[m] {
			out = append(out, m)
		}
	}
	for _, f := range fields {
		if p.names[f] {
			out = append(out, f)
		}
	}
	return out
}

// jsonStrings is every string value of a decoded JSON document.
func jsonStrings(v any, out *[]string) {
	switch x := v.(type) {
	case string:
		*out = append(*out, x)
	case map[string]any:
		for _, y := range x {
			jsonStrings(y, out)
		}
	case []any:
		for _, y := range x {
			jsonStrings(y, out)
		}
	}
}

type exported struct {
	status int
	header http.Header
	body   []byte
}

func (e *partnerEnv) export(t *testing.T, method, key, path string) exported {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	rec := httptest.NewRecorder()
	e.a.h.ServeHTTP(rec, req)
	return exported{rec.Code, rec.Header(), rec.Body.Bytes()}
}

func csvRows(t *testing.T, body []byte) (header []string, rows []map[string]string) {
	t.Helper()
	all, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(all) == 0 {
		t.Fatalf("not CSV: %v: %.200s", err, body)
	}
	header = all[0]
	for _, rec := range all[1:] {
		row := map[string]string{}
		for i, h := range header {
			row[h] = rec[i]
		}
		rows = append(rows, row)
	}
	return header, rows
}

func sameInstant(a, b string) bool {
	x, err1 := time.Parse(time.RFC3339Nano, a)
	y, err2 := time.Parse(time.RFC3339Nano, b)
	return err1 == nil && err2 == nil && x.Equal(y)
}

func (e *partnerEnv) syncer(t *testing.T, key string) *syncer.Syncer {
	t.Helper()
	db, err := syncer.OpenDB(t.TempDir() + "/partner.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return &syncer.Syncer{URL: e.srv.URL, Key: key, DB: db, HTTP: e.srv.Client(), PageSize: 100}
}

func localIDs(t *testing.T, s *syncer.Syncer, table string) map[string]bool {
	t.Helper()
	rows, err := s.DB.Query(`SELECT id FROM ` + table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		_ = rows.Scan(&id)
		out[id] = true
	}
	return out
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// converged checks a synced copy against the server: the same records,
// activities and bases, and equal totals.
func (e *partnerEnv) converged(t *testing.T, s *syncer.Syncer, key string) {
	t.Helper()
	server := ids(e.all(t, key, recordsQuery, "partnerServiceRecords", nil))
	if local := localIDs(t, s, "service_records"); !sameSet(local, server) {
		t.Errorf("local copy has %d records, server view %d", len(local), len(server))
	}
	if local, server := localIDs(t, s, "activities"), ids(e.all(t, key, activitiesQuery, "partnerActivities", nil)); !sameSet(local, server) {
		t.Errorf("local copy has %d activities, server view %d", len(local), len(server))
	}
	diffs, err := s.Verify(context.Background())
	if err != nil || len(diffs) > 0 {
		t.Errorf("totals differ: %v %v", err, diffs)
	}
}

// partnerTest runs fn on a fresh demo district on every backend: each
// partner test builds the state it needs, so any one runs alone (-run).
func partnerTest(t *testing.T, fn func(t *testing.T, e *partnerEnv)) {
	t.Helper()
	if testing.Short() {
		t.Skip("seeds the demo district")
	}
	dbtest.Each(t, func(t *testing.T, db *database.DB) { fn(t, newPartnerEnv(t, db)) })
}

// syncedCopies are both universities' local copies, synced in full and
// checked equal to what GraphQL serves.
func (e *partnerEnv) syncedCopies(t *testing.T) (syncJ, syncN *syncer.Syncer) {
	t.Helper()
	syncJ, syncN = e.syncer(t, e.keyJ), e.syncer(t, e.keyN)
	for _, s := range []struct {
		s   *syncer.Syncer
		key string
	}{{syncJ, e.keyJ}, {syncN, e.keyN}} {
		if res, err := s.s.Run(context.Background()); err != nil || !res.Done {
			t.Fatalf("sync: %+v %v", res, err)
		}
		e.converged(t, s.s, s.key)
	}
	return syncJ, syncN
}

// logNewHours records service at a new activity at 芯悦 yesterday, still
// PENDING, and returns the activity, the consenting 嘉兴大学 students, and
// the ids of the records logged (the consenting students' first).
func (e *partnerEnv) logNewHours(t *testing.T) (act *ent.Activity, consenting []*ent.Person, logged []any) {
	t.Helper()
	ctx, c := e.a.sys(), e.a.db.Client
	// A new activity at 芯悦, yesterday; five consenting and two
	// other 嘉兴大学 students and two 南湖学院 students serve. The
	// 嘉兴大学 students are members of their practice base 芯悦,
	// whose editor records them; 芯悦 is no base of 南湖学院, whose
	// students only ADMIN may record there (an editor records its
	// members only: docs/security.md, "Mutations: authorise before
	// reading data").
	cst := calendar.Zone
	y, m, d := time.Now().In(cst).AddDate(0, 0, -1).Date()
	start := time.Date(y, m, d, 9, 0, 0, 0, cst)
	region := c.Region.Query().FirstIDX(ctx)
	act = c.Activity.Create().SetTitle("高校志愿者助老服务").SetOrganization(e.host).SetRegionID(region).
		SetStartsAt(start).SetEndsAt(start.Add(3 * time.Hour)).SaveX(ctx)
	students := func(u *ent.Organization, share, members bool, n int) []*ent.Person {
		q := c.Person.Query().Where(person.UniversityID(u.ID), person.ShareWithUniversity(share))
		if members {
			q.Where(person.HasMembershipsWith(membership.OrganizationID(e.host.ID), membership.LeftOnIsNil()))
		}
		return q.Limit(n).AllX(ctx)
	}
	consenting = students(e.jiaxing, true, true, 5)
	for _, batch := range []struct {
		key    string
		people []*ent.Person
	}{
		{e.editor, append(append([]*ent.Person{}, consenting...), students(e.jiaxing, false, true, 2)...)},
		{e.a.key, students(e.nanhu, true, false, 2)},
	} {
		var entries []map[string]any
		for _, p := range batch.people {
			entries = append(entries, map[string]any{"personId": id(p.ID), "servedOn": start.Format(time.DateOnly), "minutes": 150})
		}
		r := e.a.post(batch.key, `mutation($in: LogServiceHoursInput!) { logServiceHours(input: $in) { count serviceRecords(first: 20) { edges { node { id } } } } }`,
			map[string]any{"in": map[string]any{"activityId": id(act.ID), "records": entries}})
		if len(r.Errors) > 0 {
			t.Fatalf("log hours: %s", r.Raw)
		}
		for _, n := range edges(t, r.Data["logServiceHours"].(map[string]any)["serviceRecords"]) {
			logged = append(logged, n["id"])
		}
	}
	return act, consenting, logged
}

// verify has 芯悦's reviewer verify the records.
func (e *partnerEnv) verify(t *testing.T, logged []any) {
	t.Helper()
	if r := e.a.post(e.reviewer, `mutation($ids: [ID!]!) { reviewServiceRecords(input: {ids: $ids, decision: VERIFY}) { count } }`,
		map[string]any{"ids": logged}); len(r.Errors) > 0 {
		t.Fatalf("verify: %s", r.Raw)
	}
}

// TestPartnerScope: each university sees the records of its consenting
// students at its practice bases, nothing of the other's; ADMIN sees what
// a key sees.
func TestPartnerScope(t *testing.T) {
	partnerTest(t, func(t *testing.T, e *partnerEnv) {
		c := e.a.db.Client
		for _, tc := range []struct {
			key   string
			u     *ent.Organization
			hosts []string
		}{
			{e.keyJ, e.jiaxing, []string{demo.AgencyXiaoci, demo.AgencyXinyue, "新塍镇党群服务中心", "嘉兴市秀洲区心晴心理健康服务中心"}},
			{e.keyN, e.nanhu, []string{demo.AgencyGuanjia, demo.AgencyXiaoci, "王店镇党群服务中心"}},
		} {
			bases := e.all(t, tc.key, basesQuery, "practiceBases", nil)
			var hosts []string
			for _, b := range bases {
				hosts = append(hosts, b["host"].(map[string]any)["name"].(string))
				if b["university"].(map[string]any)["name"] != tc.u.Name {
					t.Errorf("%s sees a base of %v", tc.u.Name, b["university"])
				}
			}
			sort.Strings(hosts)
			sort.Strings(tc.hosts)
			if fmt.Sprint(hosts) != fmt.Sprint(tc.hosts) {
				t.Errorf("%s: practice bases at %v, want %v", tc.u.Name, hosts, tc.hosts)
			}
			recs := e.all(t, tc.key, recordsQuery, "partnerServiceRecords", nil)
			want := viewOf(t, c, tc.u)
			got := map[int]bool{}
			consenting, others := e.pseudonymsOf(t, tc.u)
			for _, r := range recs {
				id, _ := gid.Decode(r["id"].(string))
				got[id] = true
				p := r["pseudonym"].(string)
				if !consenting[p] || others[p] {
					t.Fatalf("%s sees a record of someone not a consenting student: %v", tc.u.Name, r)
				}
				if r["status"] != "VERIFIED" {
					t.Errorf("record %v shown with status %v", r["id"], r["status"])
				}
			}
			if len(want) < 100 || len(got) != len(want) {
				t.Fatalf("%s sees %d records, want %d", tc.u.Name, len(got), len(want))
			}
			for id := range want {
				if !got[id] {
					t.Fatalf("%s misses record %d", tc.u.Name, id)
				}
			}
		}
		// Nothing of one university's students reaches the other.
		j := ids(e.all(t, e.keyJ, recordsQuery, "partnerServiceRecords", nil))
		for id := range ids(e.all(t, e.keyN, recordsQuery, "partnerServiceRecords", nil)) {
			if j[id] {
				t.Fatalf("record %s is in both universities' views", id)
			}
		}
		// ADMIN names the university and sees what its key sees.
		asAdmin := e.all(t, e.a.key, recordsQuery, "partnerServiceRecords", map[string]any{"u": id(e.jiaxing.ID)})
		if len(asAdmin) != len(j) || asAdmin[0]["pseudonym"] != e.all(t, e.keyJ, recordsQuery, "partnerServiceRecords", nil)[0]["pseudonym"] {
			t.Errorf("ADMIN's view of 嘉兴大学 differs from its key's")
		}
	})
}

// TestPartnerRefusals: what the partner view refuses, and to whom.
func TestPartnerRefusals(t *testing.T) {
	partnerTest(t, func(t *testing.T, e *partnerEnv) {
		c := e.a.db.Client
		nanhuBase := c.Partnership.Query().Where(partnership.OrganizationID(e.nanhu.ID), partnership.KindEQ(partnership.KindPRACTICE_BASE)).
			FirstX(e.a.sys())
		for _, tc := range []struct {
			name, key, query string
			vars             map[string]any
			code             string
		}{
			{"anonymous", "", `{ practiceBases { totalCount } }`, nil, "UNAUTHENTICATED"},
			{"editor", e.editor, `{ practiceBases { totalCount } }`, nil, "FORBIDDEN"},
			{"reviewer changes", e.reviewer, `{ partnerChanges { edges { node { id } } } }`, nil, "FORBIDDEN"},
			{"admin without university", e.a.key, `{ partnerServiceRecords { totalCount } }`, nil, "BAD_USER_INPUT"},
			{"other university", e.keyJ, `query($u: ID) { partnerServiceRecords(universityId: $u) { totalCount } }`, map[string]any{"u": id(e.nanhu.ID)}, "FORBIDDEN"},
			{"other university's base", e.keyJ, `query($b: ID!) { practiceBase(id: $b) { id } }`, map[string]any{"b": id(nanhuBase.ID)}, "NOT_FOUND"},
			{"other university's base records", e.keyJ, `query($b: ID) { partnerServiceRecords(practiceBaseId: $b) { totalCount } }`, map[string]any{"b": id(nanhuBase.ID)}, "NOT_FOUND"},
			{"bad cursor", e.keyJ, `{ partnerServiceRecords(after: "bm90IGEgY3Vyc29y") { totalCount } }`, nil, "BAD_USER_INPUT"},
		} {
			if r := e.a.post(tc.key, tc.query, tc.vars); r.code() != tc.code {
				t.Errorf("%s: got %s, want %s: %s", tc.name, r.code(), tc.code, r.Raw)
			}
		}
		for _, tc := range []struct {
			name, method, key, path string
			status                  int
			code                    string
		}{
			{"no key", "GET", "", "/partner/export/service-records.csv", 401, "UNAUTHENTICATED"},
			{"editor", "GET", e.editor, "/partner/export/service-records.csv", 403, "FORBIDDEN"},
			{"other university", "GET", e.keyJ, "/partner/export/service-records.csv?university=" + id(e.nanhu.ID), 403, "FORBIDDEN"},
			{"admin without university", "GET", e.a.key, "/partner/export/activities.parquet", 400, "BAD_USER_INPUT"},
			{"unknown dataset", "GET", e.keyJ, "/partner/export/people.csv", 404, "NOT_FOUND"},
			{"unknown format", "GET", e.keyJ, "/partner/export/activities.xlsx", 404, "NOT_FOUND"},
			{"POST", "POST", e.keyJ, "/partner/export/activities.csv", 405, "BAD_USER_INPUT"},
			{"bad since", "GET", e.keyJ, "/partner/export/activities.csv?since=yesterday", 400, "BAD_USER_INPUT"},
			{"bad cursor", "GET", e.keyJ, "/partner/export/activities.csv?cursor=xyz", 400, "BAD_USER_INPUT"},
			{"bad key", "GET", "tx_notakey", "/partner/export/activities.csv", 401, "UNAUTHENTICATED"},
		} {
			x := e.export(t, tc.method, tc.key, tc.path)
			var body struct {
				Errors []gqlError `json:"errors"`
			}
			_ = json.Unmarshal(x.body, &body)
			if x.status != tc.status || len(body.Errors) == 0 || body.Errors[0].Extensions["code"] != tc.code {
				t.Errorf("%s: %d %s, want %d %s", tc.name, x.status, x.body, tc.status, tc.code)
			}
		}
		// The schema is there for anyone to read.
		if x := e.export(t, "GET", "", "/partner/export/"); x.status != 200 || !bytes.Contains(x.body, []byte(`"pseudonym"`)) {
			t.Errorf("schema: %d %.200s", x.status, x.body)
		}
	})
}

// TestPartnerPseudonymsAndFigures: stable pseudonyms; base totals that add
// up; minimum cells and rounding for students without consent.
func TestPartnerPseudonymsAndFigures(t *testing.T) {
	partnerTest(t, func(t *testing.T, e *partnerEnv) {
		first := e.all(t, e.keyJ, recordsQuery, "partnerServiceRecords", nil)
		again := e.all(t, e.keyJ, recordsQuery, "partnerServiceRecords", nil)
		for i := range first {
			if first[i]["id"] != again[i]["id"] || first[i]["pseudonym"] != again[i]["pseudonym"] {
				t.Fatalf("pseudonyms not stable: %v vs %v", first[i], again[i])
			}
		}
		perBase := map[string][2]int{}
		for _, r := range first {
			x := perBase[r["practiceBaseId"].(string)]
			perBase[r["practiceBaseId"].(string)] = [2]int{x[0] + 1, x[1] + int(r["minutes"].(float64))}
		}
		suppressedSome, publishedSome := false, false
		bases := e.all(t, e.keyJ, basesQuery, "practiceBases", nil)
		if len(bases) == 0 {
			t.Fatal("no practice bases to check")
		}
		for _, b := range bases {
			tot := b["totals"].(map[string]any)
			want := perBase[b["id"].(string)]
			if int(tot["records"].(float64)) != want[0] || int(tot["minutes"].(float64)) != want[1] {
				t.Errorf("base %s totals %v, records add up to %v", b["host"], tot, want)
			}
			sumRecords, anySuppressed := 0, false
			for _, term := range b["terms"].([]any) {
				f := term.(map[string]any)
				sumRecords += int(f["records"].(float64))
				switch n := f["otherStudents"]; {
				case n == nil:
					anySuppressed, suppressedSome = true, true
					if f["otherHours"] != nil || f["suppressed"] != true {
						t.Errorf("half-suppressed cell %v", f)
					}
				case n.(float64) < partners.MinCell:
					// 0 too: an exact 0 beside a withheld 1 would show the
					// first such student's record (issue 11 attack round).
					t.Errorf("cell with %v students without consent published: %v", n, f)
				case n.(float64) >= partners.MinCell:
					publishedSome = true
					// Disclosure-controlled like the open data: a
					// multiple of 5 and whole hours, never exact.
					if int(n.(float64))%5 != 0 {
						t.Errorf("otherStudents %v is not rounded to base 5: %v", n, f)
					}
					if h, ok := f["otherHours"].(float64); !ok || h != float64(int(h)) {
						t.Errorf("otherHours %v is not whole hours: %v", f["otherHours"], f)
					}
				}
			}
			if sumRecords != want[0] {
				t.Errorf("base %s: terms add up to %d records, want %d", b["host"], sumRecords, want[0])
			}
			if anySuppressed && tot["otherStudents"] != nil {
				t.Errorf("base %s: totals publish what a term suppresses: %v", b["host"], tot)
			}
		}
		// Both branches must be exercised, or the rule is untested.
		if !suppressedSome || !publishedSome {
			t.Errorf("minimum-cell rule not exercised: some cells suppressed %v, some published %v", suppressedSome, publishedSome)
		}
	})
}

// TestPartnerExports: exports equal GraphQL and hold no personal data.
func TestPartnerExports(t *testing.T) {
	partnerTest(t, func(t *testing.T, e *partnerEnv) {
		c := e.a.db.Client
		pd := personalData(t, c, e.keys)
		gql := map[string]map[string]any{}
		for _, r := range e.all(t, e.keyJ, recordsQuery, "partnerServiceRecords", nil) {
			gql[r["id"].(string)] = r
		}
		x := e.export(t, "GET", e.keyJ, "/partner/export/service-records.csv")
		if x.status != 200 || !strings.HasPrefix(x.header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(x.header.Get("Content-Disposition"), "service-records") || x.header.Get("X-Next-Cursor") == "" {
			t.Fatalf("csv export: %d %v", x.status, x.header)
		}
		header, rows := csvRows(t, x.body)
		if len(rows) != len(gql) {
			t.Fatalf("csv has %d rows, GraphQL %d", len(rows), len(gql))
		}
		var fields []string
		for _, row := range rows {
			g := gql[row["id"]]
			a := g["activity"].(map[string]any)
			if g == nil || row["pseudonym"] != g["pseudonym"] || row["practice_base_id"] != g["practiceBaseId"] ||
				row["activity_id"] != g["activityId"] || row["activity_title"] != a["title"] ||
				row["host_organization"] != a["organization"].(map[string]any)["name"] || row["served_on"] != g["servedOn"] ||
				row["month"] != g["month"] || row["term"] != g["term"] || row["minutes"] != fmt.Sprint(g["minutes"]) ||
				row["status"] != g["status"] || !sameInstant(row["updated_at"], g["updatedAt"].(string)) ||
				!sameInstant(row["activity_starts_at"], a["startsAt"].(string)) {
				t.Fatalf("csv row %v differs from GraphQL %v", row, g)
			}
			for _, h := range header {
				fields = append(fields, row[h])
			}
		}
		if l := pd.leaks(string(x.body), fields); len(l) > 0 {
			t.Fatalf("personal data in the CSV export: %v", l)
		}
		// ADMIN names the university and gets the same file.
		if admin := e.export(t, "GET", e.a.key, "/partner/export/service-records.csv?university="+id(e.jiaxing.ID)); admin.status != 200 ||
			!bytes.Equal(admin.body, x.body) {
			t.Errorf("ADMIN's export of 嘉兴大学 differs from its key's (%d)", admin.status)
		}

		p := e.export(t, "GET", e.keyJ, "/partner/export/service-records.parquet")
		if p.status != 200 || p.header.Get("Content-Type") != "application/vnd.apache.parquet" {
			t.Fatalf("parquet export: %d %v", p.status, p.header)
		}
		prows, err := parquet.Read[partners.RecordRow](bytes.NewReader(p.body), int64(len(p.body)))
		if err != nil || len(prows) != len(gql) {
			t.Fatalf("parquet: %d rows, %v; want %d", len(prows), err, len(gql))
		}
		fields = fields[:0]
		for _, row := range prows {
			g := gql[row.ID]
			updated, _ := time.Parse(time.RFC3339Nano, g["updatedAt"].(string))
			if g == nil || row.Pseudonym != g["pseudonym"] || row.PracticeBaseID != g["practiceBaseId"] || row.ActivityID != g["activityId"] ||
				partners.DayOf(row.ServedOn) != g["servedOn"] || int(row.Minutes) != int(g["minutes"].(float64)) ||
				row.Term != g["term"] || !row.UpdatedAt.Equal(updated) {
				t.Fatalf("parquet row %+v differs from GraphQL %v", row, g)
			}
			fields = append(fields, row.ID, row.Pseudonym, row.ActivityTitle, row.HostOrganization, row.Month, row.Term, row.Status)
		}
		if l := pd.leaks(string(p.body), fields); len(l) > 0 {
			t.Fatalf("personal data in the Parquet export: %v", l)
		}

		// Activities and bases: the same rows as GraphQL, both formats.
		acts := ids(e.all(t, e.keyJ, activitiesQuery, "partnerActivities", nil))
		_, arows := csvRows(t, e.export(t, "GET", e.keyJ, "/partner/export/activities.csv").body)
		got := map[string]bool{}
		for _, r := range arows {
			got[r["id"]] = true
		}
		if !sameSet(got, acts) {
			t.Errorf("activities export has %d rows, GraphQL %d", len(got), len(acts))
		}
		ap := e.export(t, "GET", e.keyJ, "/partner/export/activities.parquet").body
		if prows, err := parquet.Read[partners.ActivityRow](bytes.NewReader(ap), int64(len(ap))); err != nil || len(prows) != len(acts) {
			t.Errorf("activities parquet: %d rows, %v", len(prows), err)
		}
		bases := e.all(t, e.keyJ, basesQuery, "practiceBases", nil)
		_, brows := csvRows(t, e.export(t, "GET", e.keyJ, "/partner/export/practice-bases.csv").body)
		if len(brows) != len(bases) {
			t.Errorf("practice-bases export has %d rows, GraphQL %d", len(brows), len(bases))
		}
		for _, b := range brows {
			if b["university"] != demo.UniversityJiaxing {
				t.Errorf("practice-bases export row %v", b)
			}
		}
		bp := e.export(t, "GET", e.keyJ, "/partner/export/practice-bases.parquet").body
		if prows, err := parquet.Read[partners.BaseRow](bytes.NewReader(bp), int64(len(bp))); err != nil || len(prows) != len(bases) {
			t.Errorf("practice-bases parquet: %d rows, %v", len(prows), err)
		}

		// GraphQL responses hold no personal data either.
		for _, q := range []string{recordsQuery, activitiesQuery, basesQuery} {
			r := e.a.post(e.keyJ, q, map[string]any{"first": 100})
			var strs []string
			jsonStrings(r.Data, &strs)
			if l := pd.leaks(r.Raw, strs); len(l) > 0 {
				t.Fatalf("personal data in a GraphQL answer: %v", l)
			}
		}

		// A capped export resumes by cursor: the pieces make the whole,
		// each row once; a GraphQL endCursor resumes an export too.
		var pieces []string
		cursor := ""
		for i := 0; ; i++ {
			path := "/partner/export/service-records.csv?limit=700"
			if cursor != "" {
				path += "&cursor=" + url.QueryEscape(cursor)
			}
			x := e.export(t, "GET", e.keyJ, path)
			_, rows := csvRows(t, x.body)
			for _, r := range rows {
				pieces = append(pieces, r["id"])
			}
			cursor = x.header.Get("X-Next-Cursor")
			if x.header.Get("X-Has-More") != "true" {
				break
			}
			if i > 100 {
				t.Fatal("export never ends")
			}
		}
		seen := map[string]bool{}
		for _, id := range pieces {
			if seen[id] {
				t.Fatalf("row %s exported twice", id)
			}
			seen[id] = true
		}
		if !sameSet(seen, ids(rowsAsNodes(rows))) {
			t.Fatalf("resumed export has %d rows, whole %d", len(seen), len(rows))
		}
		r := e.a.post(e.keyJ, recordsQuery, map[string]any{"first": 100})
		end := r.Data["partnerServiceRecords"].(map[string]any)["pageInfo"].(map[string]any)["endCursor"].(string)
		_, rest := csvRows(t, e.export(t, "GET", e.keyJ, "/partner/export/service-records.csv?cursor="+url.QueryEscape(end)).body)
		if len(rest) != len(rows)-100 {
			t.Errorf("export after the first GraphQL page has %d rows, want %d", len(rest), len(rows)-100)
		}
	})
}

// TestPartnerSyncResumes: a sync stopped half-way resumes with every
// change exactly once; GraphQL connections resume the same way.
func TestPartnerSyncResumes(t *testing.T) {
	partnerTest(t, func(t *testing.T, e *partnerEnv) {
		// A whole run, for reference.
		ref := e.syncer(t, e.keyJ)
		var whole []string
		ref.OnEvent = func(ev syncer.Event) { whole = append(whole, ev.Entity+" "+ev.ID+" "+ev.Op+" "+ev.At.String()) }
		if res, err := ref.Run(context.Background()); err != nil || !res.Done {
			t.Fatalf("sync: %+v %v", res, err)
		}
		// The same, stopped after three pages and resumed.
		syncJ := e.syncer(t, e.keyJ)
		var parts []string
		syncJ.OnEvent = func(ev syncer.Event) { parts = append(parts, ev.Entity+" "+ev.ID+" "+ev.Op+" "+ev.At.String()) }
		syncJ.MaxPages = 3
		res, err := syncJ.Run(context.Background())
		if err != nil || res.Done || res.Pages != 3 {
			t.Fatalf("first part: %+v %v", res, err)
		}
		syncJ.MaxPages = 0
		if res, err := syncJ.Run(context.Background()); err != nil || !res.Done {
			t.Fatalf("second part: %+v %v", res, err)
		}
		if len(parts) != len(whole) || fmt.Sprint(parts) != fmt.Sprint(whole) {
			t.Fatalf("resumed sync applied %d events, a whole sync %d", len(parts), len(whole))
		}
		e.converged(t, syncJ, e.keyJ)
		// And nothing more is waiting.
		if res, err := syncJ.Run(context.Background()); err != nil || res.Events != 0 {
			t.Errorf("a second sync applied %+v %v", res, err)
		}

		// GraphQL connections resume the same way.
		var resumed []string
		r := e.a.post(e.keyJ, recordsQuery, map[string]any{"first": 40})
		conn := r.Data["partnerServiceRecords"].(map[string]any)
		for _, n := range edges(t, conn) {
			resumed = append(resumed, n["id"].(string))
		}
		for _, n := range e.all(t, e.keyJ, recordsQuery, "partnerServiceRecords", map[string]any{"after": conn["pageInfo"].(map[string]any)["endCursor"]}) {
			resumed = append(resumed, n["id"].(string))
		}
		var straight []string
		for _, n := range e.all(t, e.keyJ, recordsQuery, "partnerServiceRecords", nil) {
			straight = append(straight, n["id"].(string))
		}
		if fmt.Sprint(resumed) != fmt.Sprint(straight) {
			t.Errorf("resumed connection: %d rows, straight %d", len(resumed), len(straight))
		}

		syncN := e.syncer(t, e.keyN)
		if _, err := syncN.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		e.converged(t, syncN, e.keyN)
	})
}

// TestPartnerNewHours: new hours arrive through updatedSince and the feed
// (pending ones do not), at the right university only.
func TestPartnerNewHours(t *testing.T) {
	partnerTest(t, func(t *testing.T, e *partnerEnv) {
		syncJ, syncN := e.syncedCopies(t)
		var since string
		if err := syncJ.DB.QueryRow(`SELECT MAX(updated_at) FROM service_records`).Scan(&since); err != nil {
			t.Fatal(err)
		}
		act, consenting, logged := e.logNewHours(t)
		// Pending hours are nobody's news yet.
		if got := e.all(t, e.keyJ, recordsQuery, "partnerServiceRecords", map[string]any{"since": since}); len(got) != 0 {
			t.Fatalf("pending records shown: %v", got)
		}
		e.verify(t, logged)
		want := map[string]bool{}
		for i, p := range consenting {
			_ = p
			want[logged[i].(string)] = true
		}
		got := e.all(t, e.keyJ, recordsQuery, "partnerServiceRecords", map[string]any{"since": since})
		if !sameSet(ids(got), want) {
			t.Fatalf("updatedSince returned %d records, want the %d new ones of consenting students: %v", len(got), len(want), got)
		}
		if got := e.all(t, e.keyN, recordsQuery, "partnerServiceRecords", map[string]any{"since": since}); len(got) != 0 {
			t.Fatalf("南湖学院 sees new records at a base not its own: %v", got)
		}

		var news []syncer.Event
		syncJ.OnEvent = func(ev syncer.Event) { news = append(news, ev) }
		if res, err := syncJ.Run(context.Background()); err != nil || !res.Done {
			t.Fatalf("sync: %+v %v", res, err)
		}
		// Exactly the new activity and the five records.
		newRecords, newActivity := map[string]bool{}, false
		for _, ev := range news {
			switch {
			case ev.Entity == "SERVICE_RECORD" && ev.Op == "UPSERT":
				newRecords[ev.ID] = true
			case ev.Entity == "ACTIVITY" && ev.ID == id(act.ID) && ev.Op == "UPSERT":
				newActivity = true
			default:
				t.Errorf("unexpected event %+v", ev)
			}
		}
		if !sameSet(newRecords, want) || !newActivity || len(news) != len(want)+1 {
			t.Errorf("the feed brought %d events (%d records, activity %v), want the activity and the %d new records",
				len(news), len(newRecords), newActivity, len(want))
		}
		e.converged(t, syncJ, e.keyJ)
		syncN.OnEvent = func(ev syncer.Event) { t.Errorf("南湖学院's feed has %+v", ev) }
		if _, err := syncN.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		syncN.OnEvent = nil
	})
}

// TestPartnerCopyConverges: the copy converges after deletions, rejections,
// corrections, consent withdrawal, a change of university and a base
// ending early. It starts where new hours have been verified and synced.
func TestPartnerCopyConverges(t *testing.T) {
	partnerTest(t, func(t *testing.T, e *partnerEnv) {
		c := e.a.db.Client
		syncJ, syncN := e.syncedCopies(t)
		_, _, logged := e.logNewHours(t)
		e.verify(t, logged)
		for _, s := range []*syncer.Syncer{syncJ, syncN} {
			if _, err := s.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		ctx := e.a.sys()
		var deleted []string
		syncJ.OnEvent = func(ev syncer.Event) {
			if ev.Op == "DELETE" {
				deleted = append(deleted, ev.ID)
			}
		}
		local := func(q string, args ...any) []string {
			rows, err := syncJ.DB.Query(q, args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var s string
				_ = rows.Scan(&s)
				out = append(out, s)
			}
			return out
		}

		// 1. A student withdraws consent: their records leave the copy.
		pseudonym := local(`SELECT pseudonym FROM service_records GROUP BY pseudonym ORDER BY COUNT(*) DESC LIMIT 1`)[0]
		var withdrawn *ent.Person
		for _, p := range c.Person.Query().Where(person.UniversityID(e.jiaxing.ID), person.ShareWithUniversity(true)).AllX(ctx) {
			if e.keys.Pseudonym(e.jiaxing.ID, p.ID) == pseudonym {
				withdrawn = p
			}
		}
		c.Person.UpdateOne(withdrawn).SetShareWithUniversity(false).ExecX(ctx)
		if _, err := syncJ.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if left := local(`SELECT id FROM service_records WHERE pseudonym = ?`, pseudonym); len(left) > 0 || len(deleted) == 0 {
			t.Errorf("after withdrawal the copy keeps %d of the student's records (%d deletions)", len(left), len(deleted))
		}
		e.converged(t, syncJ, e.keyJ)

		// 2. A verified record is corrected: the original leaves, the
		// correction arrives.
		orig := c.ServiceRecord.Query().Where(servicerecord.StatusEQ(servicerecord.StatusVERIFIED),
			servicerecord.HasActivityWith(activity.OrganizationID(e.host.ID)),
			servicerecord.HasPersonWith(person.UniversityID(e.jiaxing.ID), person.ShareWithUniversity(true))).
			Order(ent.Desc(servicerecord.FieldServedOn)).FirstX(ctx)
		r := e.a.post(e.editor, `mutation($in: RequestCorrectionInput!) { requestServiceRecordCorrection(input: $in) { id status } }`,
			map[string]any{"in": map[string]any{"recordId": id(orig.ID), "minutes": orig.Minutes - 15, "reason": "提前离开"}})
		if len(r.Errors) > 0 {
			t.Fatalf("correction: %s", r.Raw)
		}
		fix := r.Data["requestServiceRecordCorrection"].(map[string]any)["id"]
		for _, key := range []string{e.reviewer, e.second} { // late corrections need two reviewers
			if rec := c.ServiceRecord.GetX(ctx, mustDecode(t, fix)); rec.Status == servicerecord.StatusPENDING {
				if r := e.a.post(key, `mutation($ids: [ID!]!) { reviewServiceRecords(input: {ids: $ids, decision: VERIFY}) { count } }`,
					map[string]any{"ids": []any{fix}}); len(r.Errors) > 0 {
					t.Fatalf("verify correction: %s", r.Raw)
				}
			}
		}
		deleted = nil
		if _, err := syncJ.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !contains(deleted, id(orig.ID)) || len(local(`SELECT id FROM service_records WHERE id = ?`, fix)) != 1 {
			t.Errorf("correction: deletions %v, correction in copy %v", deleted, local(`SELECT id FROM service_records WHERE id = ?`, fix))
		}
		e.converged(t, syncJ, e.keyJ)

		// 3. A rejected record never shows.
		act := c.Activity.Query().Where(activity.OrganizationID(e.host.ID), activity.StartsAtLT(time.Now())).Order(ent.Desc(activity.FieldStartsAt)).FirstX(ctx)
		someone := c.Person.Query().Where(person.UniversityID(e.jiaxing.ID), person.ShareWithUniversity(true),
			person.HasMembershipsWith(membership.OrganizationID(e.host.ID), membership.LeftOnIsNil())).
			Where(person.Not(person.HasServiceRecordsWith(servicerecord.ActivityID(act.ID)))).FirstX(ctx)
		r = e.a.post(e.editor, `mutation($in: LogServiceHoursInput!) { logServiceHours(input: $in) { serviceRecords(first: 1) { edges { node { id } } } } }`,
			map[string]any{"in": map[string]any{"activityId": id(act.ID), "records": []any{map[string]any{
				"personId": id(someone.ID), "servedOn": act.StartsAt.In(calendar.Zone).Format(time.DateOnly), "minutes": 60}}}})
		if len(r.Errors) > 0 {
			t.Fatalf("log: %s", r.Raw)
		}
		rejected := edges(t, r.Data["logServiceHours"].(map[string]any)["serviceRecords"])[0]["id"]
		if r := e.a.post(e.reviewer, `mutation($ids: [ID!]!) { reviewServiceRecords(input: {ids: $ids, decision: REJECT, note: "未到场"}) { count } }`,
			map[string]any{"ids": []any{rejected}}); len(r.Errors) > 0 {
			t.Fatalf("reject: %s", r.Raw)
		}
		if _, err := syncJ.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		e.converged(t, syncJ, e.keyJ)

		// 4. A student moves to the other university: 嘉兴大学's copy
		// drops their records, 南湖学院 gets those at its own bases,
		// under another pseudonym.
		nActs := ids(e.all(t, e.keyN, activitiesQuery, "partnerActivities", nil))
		var mover *ent.Person
		for _, p := range c.Person.Query().Where(person.UniversityID(e.jiaxing.ID), person.ShareWithUniversity(true)).AllX(ctx) {
			for _, rec := range c.ServiceRecord.Query().Where(servicerecord.PersonID(p.ID), servicerecord.StatusEQ(servicerecord.StatusVERIFIED)).AllX(ctx) {
				if nActs[id(rec.ActivityID)] {
					mover = p
				}
			}
			if mover != nil {
				break
			}
		}
		if mover == nil {
			t.Fatal("no 嘉兴大学 student served at a 南湖学院 base activity")
		}
		oldName := e.keys.Pseudonym(e.jiaxing.ID, mover.ID)
		c.Person.UpdateOne(mover).SetUniversityID(e.nanhu.ID).ExecX(ctx)
		var arrived []syncer.Event
		syncN.OnEvent = func(ev syncer.Event) { arrived = append(arrived, ev) }
		for _, s := range []*syncer.Syncer{syncJ, syncN} {
			if _, err := s.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if len(arrived) == 0 {
			t.Error("南湖学院's feed brought nothing of the student who moved")
		}
		for _, ev := range arrived {
			if ev.ServiceRecord == nil || ev.ServiceRecord.Pseudonym == oldName || ev.ServiceRecord.Pseudonym != e.keys.Pseudonym(e.nanhu.ID, mover.ID) {
				t.Errorf("moved student's record arrives as %+v", ev.ServiceRecord)
			}
		}
		if left := local(`SELECT id FROM service_records WHERE pseudonym = ?`, oldName); len(left) > 0 {
			t.Errorf("嘉兴大学's copy keeps %d records of a student who left", len(left))
		}
		e.converged(t, syncJ, e.keyJ)
		e.converged(t, syncN, e.keyN)

		// 5. A practice base ends early (through the API): activities
		// after its end, and their records, leave the copy.
		base := c.Partnership.Query().Where(partnership.OrganizationID(e.jiaxing.ID), partnership.PartnerID(e.host.ID)).OnlyX(ctx)
		end := demo.ReferenceDate.AddDate(0, -6, 0).Format(time.DateOnly)
		if r := e.a.post(e.a.key, `mutation($id: ID!, $end: Date) { updatePartnership(id: $id, input: {endedOn: $end}) { id endedOn } }`,
			map[string]any{"id": id(base.ID), "end": end}); len(r.Errors) > 0 {
			t.Fatalf("end base: %s", r.Raw)
		}
		before := len(localIDs(t, syncJ, "activities"))
		if _, err := syncJ.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if after := len(localIDs(t, syncJ, "activities")); after >= before {
			t.Errorf("ending a base early removed no activities (%d → %d)", before, after)
		}
		var ended string
		_ = syncJ.DB.QueryRow(`SELECT COALESCE(ended_on, '') FROM practice_bases WHERE id = ?`, id(base.ID)).Scan(&ended)
		if ended != end {
			t.Errorf("the copy's base ends %q, want %s", ended, end)
		}
		e.converged(t, syncJ, e.keyJ)

		// 6. An operator deletes a record (never possible through the
		// API): it leaves the copy.
		ids := localIDs(t, syncJ, "service_records")
		var gone string
		for k := range ids {
			gone = k
			break
		}
		c.ServiceRecord.DeleteOneID(mustDecode(t, gone)).ExecX(ctx)
		deleted = nil
		if _, err := syncJ.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !contains(deleted, gone) || localIDs(t, syncJ, "service_records")[gone] {
			t.Errorf("a deleted record stays in the copy (deletions %v)", deleted)
		}
		e.converged(t, syncJ, e.keyJ)
	})
}

func rowsAsNodes(rows []map[string]string) []map[string]any {
	out := make([]map[string]any, len(rows))
	for i, r := range rows {
		out[i] = map[string]any{"id": r["id"]}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func mustDecode(t *testing.T, v any) int {
	t.Helper()
	n, err := gid.Decode(fmt.Sprint(v))
	if err != nil {
		t.Fatal(err)
	}
	return n
}
