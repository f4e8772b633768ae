package server_test

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/apikeys"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/demo"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/outcome"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/ent/term"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
	"github.com/tongxing/tongxing/server"
)

// demoAPI seeds the demo district and serves it.
func demoAPI(t *testing.T, db *database.DB) *api {
	t.Helper()
	keys, _ := pii.NewKeys(testSecret)
	ctx := policy.SystemContext(context.Background(), "demo-seed")
	if _, err := demo.Seed(ctx, db, keys); err != nil {
		t.Fatal(err)
	}
	cfg, _ := server.LoadConfig(func(string) string { return "" })
	cfg.SecretKey = testSecret
	cfg.FiguresMaxStale = 0 // as newAPI
	a := &api{t: t, db: db, h: server.New(cfg, db, slog.New(slog.DiscardHandler)).Handler()}
	var err error
	if a.key, _, err = apikeys.Create(ctx, db.Client, "district-admin", apikeys.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestNeedMatching: a new elderly-care need in 新塍镇 ranks the canteen
// project and nearby teams first, and every score is the sum of its parts.
func TestNeedMatching(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo district")
	}
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		a := demoAPI(t, db)
		elderly, err := db.Client.Term.Query().Where(term.Code("elderly-care")).Only(a.sys())
		if err != nil {
			t.Fatal(err)
		}
		d := a.admin(`mutation($d:ID!){ createNeed(input:{title:"独居老人午餐送餐", domainId:$d, regionCode:"330411104", urgency:HIGH}) { id dueAt overdue } }`,
			map[string]any{"d": id(elderly.ID)})
		needID := d["createNeed"].(map[string]any)["id"]
		d = a.admin(`query($id:ID!){ needMatches(needId:$id, first:10) { totalCount edges { node { kind score
			organization { name kind region { code } } project { name }
			parts { domainFit { weight value points explanation } nearness { points explanation } capacity { points explanation } trackRecord { points explanation } } } } } }`,
			map[string]any{"id": needID})
		matches := edges(t, d["needMatches"])
		if len(matches) != 10 {
			t.Fatalf("got %d matches", len(matches))
		}
		var top []string
		for i, m := range matches {
			parts := m["parts"].(map[string]any)
			sum := 0.0
			for _, p := range []string{"domainFit", "nearness", "capacity", "trackRecord"} {
				sum += parts[p].(map[string]any)["points"].(float64)
			}
			if score := m["score"].(float64); math.Abs(sum-score) > 1e-9 {
				t.Errorf("match %d: parts add up to %v, score is %v", i, sum, score)
			}
			if i > 0 && m["score"].(float64) > matches[i-1]["score"].(float64) {
				t.Errorf("not ranked: %v after %v", m["score"], matches[i-1]["score"])
			}
			name := ""
			if p, ok := m["project"].(map[string]any); ok {
				name = "project " + p["name"].(string)
			} else {
				o := m["organization"].(map[string]any)
				name = o["kind"].(string) + " " + o["name"].(string) + " " + o["region"].(map[string]any)["code"].(string)
			}
			top = append(top, name)
		}
		t.Logf("top matches:\n%s", strings.Join(top, "\n"))
		if !strings.Contains(top[0], "一口暖心饭") {
			t.Errorf("first match is %q, want the canteen project 一口暖心饭", top[0])
		}
		nearbyTeams := 0
		for _, n := range top[:5] {
			if strings.HasPrefix(n, "VOLUNTEER_TEAM") && strings.Contains(n, " 330411104") {
				nearbyTeams++
			}
		}
		if nearbyTeams == 0 {
			t.Errorf("no 新塍镇 volunteer team in the top five: %v", top[:5])
		}
		if r := a.post("", `query($id:ID!){ needMatches(needId:$id) { totalCount } }`, map[string]any{"id": needID}); r.code() != "UNAUTHENTICATED" {
			t.Errorf("anonymous needMatches: %s", r.Raw)
		}
	})
}

// TestLateRecordsNeedTwoReviewers: a record entered more than 10 working
// days after its activity is LATE and only the second, different reviewer's
// verification makes it VERIFIED.
func TestLateRecordsNeedTwoReviewers(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		fx := a.fx
		ctx := a.sys()
		start := time.Now().AddDate(0, 0, -40)
		old, err := a.db.Client.Activity.Create().SetTitle("上月助餐").SetOrganization(fx.agency).SetRegion(fx.town).
			SetStartsAt(start).SetEndsAt(start.Add(2 * time.Hour)).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		second, _, err := apikeys.Create(ctx, a.db.Client, "second-reviewer", apikeys.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		d := a.admin(`mutation($a:ID!,$p:ID!,$d:Date!){ logServiceHours(input:{activityId:$a, records:[{personId:$p, servedOn:$d, minutes:90}]}) {
			serviceRecords { edges { node { id late status } } } } }`,
			map[string]any{"a": id(old.ID), "p": id(fx.volunteers[0].ID), "d": start.In(calendar.Zone).Format(time.DateOnly)})
		rec := edges(t, d["logServiceHours"].(map[string]any)["serviceRecords"])[0]
		if rec["late"] != true || rec["status"] != "PENDING" {
			t.Fatalf("record = %v, want LATE and PENDING", rec)
		}
		const review = `mutation($ids:[ID!]!){ reviewServiceRecords(input:{ids:$ids, decision:VERIFY}) { serviceRecords { edges { node { status firstVerifiedBy reviewedBy } } } } }`
		vars := map[string]any{"ids": []any{rec["id"]}}
		d = a.admin(review, vars)
		n := edges(t, d["reviewServiceRecords"].(map[string]any)["serviceRecords"])[0]
		if n["status"] != "PENDING" || n["firstVerifiedBy"] != "test-admin" {
			t.Fatalf("after one reviewer: %v", n)
		}
		if r := a.post(a.key, review, vars); r.code() != "BAD_USER_INPUT" || !strings.Contains(r.Raw, "second, different reviewer") {
			t.Errorf("same reviewer twice: %s", r.Raw)
		}
		r := a.post(second, review, vars)
		if len(r.Errors) > 0 {
			t.Fatalf("second reviewer: %s", r.Raw)
		}
		n = edges(t, r.Data["reviewServiceRecords"].(map[string]any)["serviceRecords"])[0]
		if n["status"] != "VERIFIED" || n["reviewedBy"] != "second-reviewer" {
			t.Errorf("after two reviewers: %v", n)
		}
	})
}

// TestCorrectionsKeepTheOriginal: a correction is a new record; once
// verified it supersedes the original, which stays readable in the history.
func TestCorrectionsKeepTheOriginal(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		fx := a.fx
		orig, err := a.db.Client.ServiceRecord.Create().SetPerson(fx.volunteers[0]).SetActivity(fx.activity).
			SetServedOn(mustDate(t, fx.day)).SetMinutes(60).SetContent("送餐").SetRecordedBy("test").
			SetStatus(servicerecord.StatusVERIFIED).Save(a.sys())
		if err != nil {
			t.Fatal(err)
		}
		const correct = `mutation($id:ID!){ requestServiceRecordCorrection(input:{recordId:$id, minutes:150, reason:"志愿者反映实际服务两个半小时"}) { id status minutes correctionReason corrects { id minutes status } } }`
		d := a.admin(correct, map[string]any{"id": id(orig.ID)})
		c := d["requestServiceRecordCorrection"].(map[string]any)
		if c["status"] != "PENDING" || c["minutes"].(float64) != 150 || c["corrects"].(map[string]any)["minutes"].(float64) != 60 {
			t.Fatalf("correction = %v", c)
		}
		if r := a.post(a.key, correct, map[string]any{"id": id(orig.ID)}); r.code() != "CONFLICT" {
			t.Errorf("second pending correction: %s", r.Raw)
		}
		hours := func() float64 {
			d := a.admin(`query($id:ID!){ node(id:$id) { ... on Person { verifiedHours starLevel } } }`, map[string]any{"id": id(fx.volunteers[0].ID)})
			return d["node"].(map[string]any)["verifiedHours"].(float64)
		}
		if h := hours(); h != 1 {
			t.Errorf("before approval: %v verified hours, want 1", h)
		}
		a.admin(`mutation($ids:[ID!]!){ reviewServiceRecords(input:{ids:$ids, decision:VERIFY}) { count } }`, map[string]any{"ids": []any{c["id"]}})
		if h := hours(); h != 2.5 {
			t.Errorf("after approval: %v verified hours, want 2.5", h)
		}
		d = a.admin(`query($id:ID!){ node(id:$id) { ... on ServiceRecord { status minutes content corrections { totalCount edges { node { status minutes } } } } } }`,
			map[string]any{"id": id(orig.ID)})
		o := d["node"].(map[string]any)
		if o["status"] != "SUPERSEDED" || o["minutes"].(float64) != 60 || o["content"] != "送餐" ||
			edges(t, o["corrections"])[0]["status"] != "VERIFIED" {
			t.Errorf("original after correction = %v", o)
		}
		// Nothing is ever deleted.
		if n, _ := a.db.Client.ServiceRecord.Query().Count(a.sys()); n != 2 {
			t.Errorf("%d records, want the original and its correction", n)
		}
		adminCtx := auth.NewContext(context.Background(), &auth.Viewer{KeyID: 1, Name: "admin", Role: auth.RoleAdmin})
		if err := a.db.Client.ServiceRecord.DeleteOne(orig).Exec(adminCtx); !errors.Is(err, privacy.Deny) {
			t.Errorf("an ADMIN key deleted a service record: %v", err)
		}
	})
}

func mustDate(t *testing.T, s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestStarLevels(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		fx := a.fx
		day := mustDate(t, fx.day)
		var bulk []*ent.ServiceRecordCreate
		for i := 0; i < 26; i++ { // 26 × 8 h = 208 h: one star on the default scale
			bulk = append(bulk, a.db.Client.ServiceRecord.Create().SetPerson(fx.volunteers[2]).SetActivity(fx.activity).
				SetServedOn(day.AddDate(0, 0, -i)).SetMinutes(480).SetRecordedBy("test").SetStatus(servicerecord.StatusVERIFIED))
		}
		if err := a.db.Client.ServiceRecord.CreateBulk(bulk...).Exec(a.sys()); err != nil {
			t.Fatal(err)
		}
		d := a.admin(`query($id:ID!){ node(id:$id) { ... on Person { verifiedHours starLevel } } }`, map[string]any{"id": id(fx.volunteers[2].ID)})
		p := d["node"].(map[string]any)
		if p["verifiedHours"].(float64) != 208 || p["starLevel"].(float64) != 1 {
			t.Errorf("person = %v, want 208 h and one star", p)
		}
	})
}

func TestNeedLifecycle(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		fx := a.fx
		old := time.Now().Add(-5 * 24 * time.Hour).Format(time.RFC3339)
		d := a.admin(`mutation($d:ID!,$at:Time!){ createNeed(input:{title:"助餐", domainId:$d, regionCode:"330411104", urgency:HIGH, openedAt:$at}) { id status dueAt overdue daysToResolve } }`,
			map[string]any{"d": id(fx.elderly.ID), "at": old})
		n := d["createNeed"].(map[string]any)
		if n["overdue"] != true || n["daysToResolve"] != nil {
			t.Errorf("a HIGH need open for 5 days = %v, want overdue", n)
		}
		d = a.admin(`{ overdueNeeds { totalCount edges { node { id } } } }`, nil)
		if d["overdueNeeds"].(map[string]any)["totalCount"].(float64) != 1 {
			t.Errorf("overdueNeeds = %v", d)
		}
		if r := a.post(a.key, `mutation($id:ID!){ resolveNeed(id:$id, note:"已送餐") { status } }`, map[string]any{"id": n["id"]}); r.code() != "BAD_USER_INPUT" {
			t.Errorf("resolving an unmatched need: %s", r.Raw)
		}
		a.admin(`mutation($id:ID!,$o:ID!){ assignNeed(id:$id, organizationId:$o) { status matchedOrganization { id } } }`, map[string]any{"id": n["id"], "o": id(fx.agency.ID)})
		d = a.admin(`mutation($id:ID!){ resolveNeed(id:$id, note:"已纳入助餐名单") { status resolvedAt overdue daysToResolve } }`, map[string]any{"id": n["id"]})
		r := d["resolveNeed"].(map[string]any)
		if r["status"] != "RESOLVED" || r["overdue"] != false || r["daysToResolve"].(float64) < 4.9 {
			t.Errorf("resolved = %v", r)
		}
		if r := a.post(a.key, `mutation($id:ID!){ closeNeed(id:$id, reason:"") { status } }`, map[string]any{"id": n["id"]}); r.code() != "BAD_USER_INPUT" {
			t.Errorf("closing without a reason: %s", r.Raw)
		}
		d = a.admin(`mutation($id:ID!){ closeNeed(id:$id, reason:"回访完成") { status } }`, map[string]any{"id": n["id"]})
		if d["closeNeed"].(map[string]any)["status"] != "CLOSED" {
			t.Errorf("closed = %v", d)
		}
	})
}

func TestProgressRollsUp(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		ctx, c, fx := a.sys(), a.db.Client, a.fx
		mk := func(name string, parent *ent.Project, weight float64) *ent.Project {
			q := c.Project.Create().SetName(name).SetWeight(weight).SetStage(project.StageIMPLEMENTATION)
			if parent != nil {
				q.SetParent(parent)
			}
			p, err := q.Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		measure := func(p *ent.Project, baseline, target, actual float64, end string) {
			if err := c.Outcome.Create().SetProject(p).SetIndicator(fx.indicator).SetPeriodStart(mustDate(t, "2024-01-01")).
				SetPeriodEnd(mustDate(t, end)).SetBaseline(baseline).SetTarget(target).SetActual(actual).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		parent := mk("助农总项目", nil, 1)
		a1 := mk("子项目甲", parent, 3)
		a2 := mk("子项目乙", parent, 1)
		measure(a1, 0, 100, 20, "2024-06-30") // superseded by the later period
		measure(a1, 0, 100, 80, "2024-12-31") // 0.8
		measure(a2, 50, 10, 30, "2024-12-31") // a reduction: (30-50)/(10-50) = 0.5
		get := func(p *ent.Project) any {
			d := a.anon(`query($id:ID!){ node(id:$id) { ... on Project { progress } } }`, map[string]any{"id": id(p.ID)})
			return d["node"].(map[string]any)["progress"]
		}
		if got := get(a1); got != 0.8 {
			t.Errorf("child progress = %v, want 0.8", got)
		}
		if got := get(parent).(float64); math.Abs(got-(0.8*3+0.5*1)/4) > 1e-9 {
			t.Errorf("parent progress = %v, want the weighted mean 0.725", got)
		}
		if got := get(fx.project); got != nil {
			t.Errorf("project without measurements has progress %v", got)
		}
		_ = outcome.FieldActual
	})
}

// TestDistrictFigures: districtStats and outcomeTotals on the demo district.
func TestDistrictFigures(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo district")
	}
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		a := demoAPI(t, db)
		// Exact figures for any period: ADMIN (server/figures_test.go holds
		// what other callers get).
		d := a.admin(`{ districtStats(from:"2020-01-01", to:"2026-12-31") { region { name } registeredOrganizations filedOrganizations volunteerTeams
			registeredVolunteers activeVolunteers certifiedSocialWorkers verifiedHours activities beneficiaries needsOpened needsResolved needsOverdue
			projectsByStage { design showcase implementation evaluation closed } } }`, nil)
		s := d["districtStats"].(map[string]any)
		// The demo's recruiting activities are the two weeks after it was
		// seeded: those up to the period's end count too.
		recruiting := db.Client.Activity.Query().Where(activity.HasRecruitment(),
			activity.StartsAtLT(time.Date(2027, 1, 1, 0, 0, 0, 0, calendar.Zone))).CountX(a.sys())
		if s["region"].(map[string]any)["name"] != "秀洲区" || s["volunteerTeams"].(float64) < 30 || s["activeVolunteers"].(float64) < 1000 ||
			s["verifiedHours"].(float64) < 10000 || s["activities"].(float64) != float64(4000+recruiting) || s["needsOpened"].(float64) != 600 {
			t.Errorf("districtStats = %v", s)
		}
		d = a.admin(`{ districtStats(regionCode:"330411104", from:"2025-01-01", to:"2025-12-31") { activities verifiedHours } }`, nil)
		town := d["districtStats"].(map[string]any)
		if town["activities"].(float64) <= 0 || town["activities"].(float64) >= 4000 {
			t.Errorf("新塍镇 2025 = %v", town)
		}
		// Over whole months the people figures come from the roll-ups, over
		// other periods from the records: both equal a count of the records.
		for _, tc := range []struct{ region, from, to string }{
			{"330411", "2025-01-01", "2025-12-31"}, {"330411104", "2025-01-01", "2025-12-31"},
			{"330411104", "2025-03-01", "2025-05-31"}, {"330411104", "2025-03-02", "2025-05-30"},
		} {
			from, to := mustDate(t, tc.from), mustDate(t, tc.to)
			recs, err := db.Client.ServiceRecord.Query().Where(servicerecord.StatusEQ(servicerecord.StatusVERIFIED),
				servicerecord.ServedOnGTE(from), servicerecord.ServedOnLTE(to),
				servicerecord.HasActivityWith(activity.HasRegionWith(region.CodeHasPrefix(tc.region)))).All(a.sys())
			if err != nil {
				t.Fatal(err)
			}
			minutes, people := 0, map[int]bool{}
			for _, r := range recs {
				minutes += r.Minutes
				people[r.PersonID] = true
			}
			d := a.admin(`query($r:String!,$f:Date!,$t:Date!){ districtStats(regionCode:$r, from:$f, to:$t) { verifiedHours activeVolunteers } }`,
				map[string]any{"r": tc.region, "f": tc.from, "t": tc.to})["districtStats"].(map[string]any)
			if len(recs) == 0 || d["verifiedHours"].(float64) != float64(minutes)/60 || d["activeVolunteers"].(float64) != float64(len(people)) {
				t.Errorf("%s %s–%s: %v, the records give %v h and %d people", tc.region, tc.from, tc.to, d, float64(minutes)/60, len(people))
			}
		}
		if r := a.post("", `{ districtStats(regionCode:"999", from:"2025-01-01", to:"2024-12-31") { activities } }`, nil); r.code() != "BAD_USER_INPUT" {
			t.Errorf("bad districtStats arguments: %s", r.Raw)
		}
		ind, err := db.Client.Outcome.Query().Where(outcome.HasProjectWith(project.Name(demo.ProjectShegongbang))).QueryIndicator().First(a.sys())
		if err != nil {
			t.Fatal(err)
		}
		d = a.admin(`query($i:ID!){ outcomeTotals(indicatorId:$i, regionCode:"330411", from:"2020-01-01", to:"2026-12-31") { indicator { name } actual projectCount } }`,
			map[string]any{"i": id(ind.ID)})
		tot := d["outcomeTotals"].(map[string]any)
		if tot["projectCount"].(float64) < 1 || tot["actual"].(float64) <= 0 {
			t.Errorf("outcomeTotals = %v", tot)
		}
	})
}

func TestIndicatorsAndDimensions(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		keys := accessFixture(t, a)
		const create = `mutation($in:CreateIndicatorInput!){ createIndicator(input:$in) { id code measure ascending } }`
		in := map[string]any{"in": map[string]any{"code": "meals-served", "name": "助餐人次", "nameEn": "Meals served", "unit": "人次"}}
		if r := a.post(keys["editor-agency"], create, in); r.code() != "FORBIDDEN" {
			t.Errorf("editor defining an indicator: %s", r.Raw)
		}
		d := a.admin(create, in)
		ind := d["createIndicator"].(map[string]any)
		if ind["measure"] != "UNIT" || ind["ascending"] != true {
			t.Errorf("indicator = %v", ind)
		}
		if r := a.post(a.key, create, in); r.code() != "CONFLICT" {
			t.Errorf("duplicate code: %s", r.Raw)
		}
		if r := a.post(a.key, create, map[string]any{"in": map[string]any{"code": "Bad Code", "name": "x"}}); r.field() != "input.code" {
			t.Errorf("bad code: %s", r.Raw)
		}
		a.admin(`mutation($id:ID!){ updateIndicator(id:$id, input:{measure:PERCENTAGE, unit:"%"}) { measure } }`, map[string]any{"id": ind["id"]})
		d = a.admin(`mutation($p:ID!,$i:ID!){ createOutcome(input:{projectId:$p, indicatorId:$i, periodStart:"2025-01-01", periodEnd:"2025-06-30",
			target:1000, actual:640, dimensions:[{name:"town", value:"新塍镇"},{name:"gender", value:"FEMALE"}]}) { id dimensions { name value } } }`,
			map[string]any{"p": id(a.fx.project.ID), "i": ind["id"]})
		dims := d["createOutcome"].(map[string]any)["dimensions"].([]any)
		if len(dims) != 2 || dims[0].(map[string]any)["value"] != "新塍镇" {
			t.Errorf("dimensions = %v", dims)
		}
		r := a.post(a.key, `mutation($p:ID!,$i:ID!){ createOutcome(input:{projectId:$p, indicatorId:$i, periodStart:"2025-01-01", periodEnd:"2025-06-30",
			dimensions:[{name:"town", value:"甲"},{name:"town", value:"乙"}]}) { id } }`, map[string]any{"p": id(a.fx.project.ID), "i": ind["id"]})
		if r.field() != "input.dimensions.1.name" {
			t.Errorf("repeated dimension: %s", r.Raw)
		}
	})
}

// TestVerifiedHoursFollowTheReader: a person's verified hours, summed from
// the monthly roll-ups, count for an editor only the time at activities
// its organisation organised — what the records it may read add up to —
// and for ADMIN all of it.
func TestVerifiedHoursFollowTheReader(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		keys := accessFixture(t, a)
		fx, c, ctx := a.fx, a.db.Client, a.sys()
		p := fx.volunteers[0] // a member of the agency
		if err := c.Membership.Create().SetPerson(p).SetOrganization(fx.team).SetRole(membership.RoleVOLUNTEER).
			SetJoinedOn(fx.activity.StartsAt).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		teamActivity, err := c.Activity.Create().SetTitle("环境整治").SetOrganization(fx.team).SetRegion(fx.town).
			SetStartsAt(fx.activity.StartsAt).SetEndsAt(fx.activity.EndsAt).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		day := mustDate(t, fx.day)
		for _, r := range []struct {
			act     *ent.Activity
			minutes int
		}{{fx.activity, 60}, {teamActivity, 120}} {
			if err := c.ServiceRecord.Create().SetPerson(p).SetActivity(r.act).SetServedOn(day).SetMinutes(r.minutes).
				SetRecordedBy("test").SetStatus(servicerecord.StatusVERIFIED).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for key, want := range map[string]float64{"admin": 3, "editor-agency": 1, "editor-team": 2} {
			r := a.post(keys[key], `query($id:ID!){ node(id:$id) { ... on Person { verifiedHours } } }`, map[string]any{"id": id(p.ID)})
			if len(r.Errors) > 0 {
				t.Fatalf("%s: %s", key, r.Raw)
			}
			if got := r.Data["node"].(map[string]any)["verifiedHours"]; got != want {
				t.Errorf("%s reads %v verified hours, want %v", key, got, want)
			}
		}
	})
}
