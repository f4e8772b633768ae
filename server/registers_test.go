package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/project"
)

// The competitions' results through the API: before a round closes, its
// scores, averages and awards answer exactly as if there were none to
// everyone but ADMIN and the organiser's editors — through the nested
// connection, a node lookup and the project's funding — and once it closes
// they are public and the award funds the project.
func TestCompetitionResultsStayHiddenUntilAnnounced(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		w := newRegisterWorld(t, a)
		keys := accessFixture(t, a)
		results := `query($r:ID!){ node(id:$r) { ... on CompetitionRound { status applications { totalCount edges { node {
			averageScore reviews { totalCount edges { node { reviewer score } } } award { rank amount awardedOn }
			project { fundingSource fundingAmount fundingAward { id } } } } } } } }`
		vars := map[string]any{"r": id(w.round.ID)}
		outsiders := []string{"anonymous", "partner", "reviewer-agency", "editor-team"}
		before := map[string]string{}
		for _, k := range outsiders {
			before[k] = a.post(keys[k], results, vars).Raw
		}

		a.admin(`mutation($id:ID!){ a: scoreCompetitionApplication(applicationId:$id, reviewer:"a", score:91) { id }
			b: scoreCompetitionApplication(applicationId:$id, reviewer:"B", score:86.5) { id } }`, map[string]any{"id": id(w.app.ID)})
		award := a.admin(`mutation($id:ID!){ awardCompetitionApplication(input:{applicationId:$id, rank:1, prize:"一等奖", amount:50000}) { id } }`,
			map[string]any{"id": id(w.app.ID)})["awardCompetitionApplication"].(map[string]any)["id"].(string)

		for _, k := range outsiders {
			if got := a.post(keys[k], results, vars).Raw; got != before[k] {
				t.Errorf("%s sees the round under review differently once scored and awarded:\n before %s\n after  %s", k, before[k], got)
			}
			// The award's id answers like an id that was never issued.
			missing := id(w.app.ID + 1_000_000)
			if got, want := a.post(keys[k], `query($id:ID!){ node(id:$id) { id } }`, map[string]any{"id": award}).Raw,
				a.post(keys[k], `query($id:ID!){ node(id:$id) { id } }`, map[string]any{"id": missing}).Raw; got != want {
				t.Errorf("%s: node(award) %s, node(missing) %s", k, got, want)
			}
		}
		if !strings.Contains(before["anonymous"], `"averageScore":null`) || !strings.Contains(before["anonymous"], `"award":null`) {
			t.Errorf("anonymous before: %s", before["anonymous"])
		}
		// The organiser's editor sees its round's scores while it reviews.
		organiser := a.post(keys["editor-agency"], results, vars)
		if !strings.Contains(organiser.Raw, `"averageScore":88.75`) || !strings.Contains(organiser.Raw, `"rank":1`) ||
			!strings.Contains(organiser.Raw, `"reviewer":"A"`) {
			t.Errorf("organiser: %s", organiser.Raw)
		}

		a.admin(`mutation($id:ID!){ closeCompetitionRound(id:$id, announcedOn:"2024-06-01") { status } }`, map[string]any{"id": id(w.round.ID)})
		for _, k := range outsiders {
			r := a.post(keys[k], results, vars)
			for _, want := range []string{`"status":"CLOSED"`, `"averageScore":88.75`, `"rank":1`, `"amount":50000`, `"awardedOn":"2024-06-01"`,
				`"fundingSource":"VENTURE_PHILANTHROPY"`, `"fundingAward":{"id":"` + award + `"}`} {
				if !strings.Contains(r.Raw, want) {
					t.Errorf("%s after the announcement lacks %s: %s", k, want, r.Raw)
				}
			}
		}
		p, err := a.db.Client.Project.Get(a.sys(), a.fx.project.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.FundingSource == nil || *p.FundingSource != project.FundingSourceVENTURE_PHILANTHROPY || p.FundingAmount == nil || *p.FundingAmount != 50000 {
			t.Errorf("project funding %v %v", p.FundingSource, p.FundingAmount)
		}
		// Results stand as announced.
		if r := a.post(a.key, `mutation($id:ID!){ scoreCompetitionApplication(applicationId:$id, reviewer:"A", score:10) { id } }`,
			map[string]any{"id": id(w.app.ID)}); r.code() != "CONFLICT" {
			t.Errorf("rescoring a closed round: %s", r.Raw)
		}
	})
}

// Filters and orderings offer nothing about scores or awards: the where
// inputs that reach applications have no edge to them.
func TestCompetitionResultsAreNotFilterable(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		for _, q := range []string{
			`{ competitionRounds(where:{hasApplicationsWith:{hasAwardWith:{rankLTE:1}}}) { totalCount } }`,
			`{ projects(where:{hasCompetitionApplicationsWith:{hasReviewsWith:{scoreGTE:90}}}) { totalCount } }`,
			`{ organizations(where:{hasCompetitionApplicationsWith:{hasAward:true}}) { totalCount } }`,
		} {
			if r := a.post("", q, nil); r.code() != "GRAPHQL_VALIDATION_FAILED" && r.code() != "BAD_USER_INPUT" {
				t.Errorf("%s: %s", q, r.Raw)
			}
		}
	})
}

// The round's life: applications only while OPEN and from the project's
// lead, scores and awards only while REVIEWING, awards within the budget
// and one per rank; each refusal writes nothing.
func TestCompetitionRules(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		w := newRegisterWorld(t, a)
		keys := accessFixture(t, a)
		apply := `mutation($r:ID!,$o:ID!,$p:ID!){ applyToCompetition(input:{roundId:$r, applicantId:$o, projectId:$p}) { id } }`
		for _, tc := range []struct {
			name, key, query string
			vars             map[string]any
			code, field      string
		}{
			{"a round under review takes no application", "admin", apply,
				map[string]any{"r": id(w.round.ID), "o": id(a.fx.team.ID), "p": id(a.fx.project.ID)}, "CONFLICT", ""},
			{"the applicant must lead the project", "admin", apply,
				map[string]any{"r": id(w.openRound.ID), "o": id(a.fx.team.ID), "p": id(a.fx.project.ID)}, "BAD_USER_INPUT", "input.projectId"},
			{"an open round takes no scores", "admin", `mutation($id:ID!){ scoreCompetitionApplication(applicationId:$id, reviewer:"A", score:80) { id } }`,
				nil, "", ""},
			{"a score is 0–100", "admin", `mutation($id:ID!){ scoreCompetitionApplication(applicationId:$id, reviewer:"A", score:100.5) { id } }`,
				map[string]any{"id": id(w.app.ID)}, "BAD_USER_INPUT", "score"},
			{"awards stay within the budget", "admin", `mutation($id:ID!){ awardCompetitionApplication(input:{applicationId:$id, rank:1, amount:250000}) { id } }`,
				map[string]any{"id": id(w.app.ID)}, "BAD_USER_INPUT", "input.amount"},
			{"the currency is an ISO 4217 code", "admin", `mutation($id:ID!){ awardCompetitionApplication(input:{applicationId:$id, rank:1, amount:1, currency:"RMB1"}) { id } }`,
				map[string]any{"id": id(w.app.ID)}, "BAD_USER_INPUT", "input.currency"},
			{"only the organiser's editors score", "editor-team", `mutation($id:ID!){ scoreCompetitionApplication(applicationId:$id, reviewer:"A", score:80) { id } }`,
				map[string]any{"id": id(w.app.ID)}, "FORBIDDEN", ""},
			{"the round's window bounds the submission", "admin", `mutation($r:ID!,$o:ID!,$p:ID!){ applyToCompetition(input:{roundId:$r, applicantId:$o, projectId:$p, submittedOn:"2020-01-01"}) { id } }`,
				map[string]any{"r": id(w.openRound.ID), "o": id(a.fx.agency.ID), "p": id(a.fx.project.ID)}, "BAD_USER_INPUT", "input.submittedOn"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if tc.vars == nil {
					// An application to the open round, made first.
					d := a.admin(apply, map[string]any{"r": id(w.openRound.ID), "o": id(a.fx.agency.ID), "p": id(a.fx.project.ID)})
					tc.vars = map[string]any{"id": d["applyToCompetition"].(map[string]any)["id"]}
					tc.code = "CONFLICT"
				}
				before := a.snapshot()
				r := a.post(keys[tc.key], tc.query, tc.vars)
				if r.code() != tc.code || (tc.field != "" && !strings.Contains(r.Raw, `"field":"`+tc.field+`"`)) {
					t.Errorf("want %s on %s, got %s", tc.code, tc.field, r.Raw)
				}
				if a.snapshot() != before {
					t.Error("a refused mutation wrote")
				}
			})
		}
	})
}

// Service points through the API: open at an instant by the week and by a
// date's exception, within a division and below it, and the hours written
// back in OpenStreetMap syntax.
func TestServicePointsOpenAt(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		w := newRegisterWorld(t, a)
		point := id(w.point.ID)
		// Closed on Monday 2026-10-05; open 10:00–14:00 on Monday 2026-10-12.
		a.admin(`mutation($id:ID!){ a: setServicePointException(id:$id, date:"2026-10-05", reason:"国庆节休息") { closed }
			b: setServicePointException(id:$id, date:"2026-10-12", opens:"10:00", closes:"14:00") { closed opens } }`, map[string]any{"id": point})
		list := `query($at:Time,$in:String){ servicePoints(openAt:$at, within:$in) { totalCount edges { node { id } } } }`
		for _, tc := range []struct {
			name, at, within string
			open             bool
		}{
			{"a weekday at noon", "2026-09-28T12:00:00+08:00", "", true},
			{"the same instant in UTC", "2026-09-28T04:00:00Z", "", true},
			{"after closing", "2026-09-28T13:00:00+08:00", "", false},
			{"before opening", "2026-09-28T10:59:00+08:00", "", false},
			{"a Saturday", "2026-10-03T12:00:00+08:00", "", false},
			{"a Monday closed by exception", "2026-10-05T12:00:00+08:00", "", false},
			{"a Monday with longer hours", "2026-10-12T13:30:00+08:00", "", true},
			{"within its town", "2026-09-28T12:00:00+08:00", "330411104", true},
			{"within its community", "2026-09-28T12:00:00+08:00", "330411104001", true},
			{"within another town", "2026-09-28T12:00:00+08:00", "330411002", false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				vars := map[string]any{"at": tc.at}
				if tc.within != "" {
					vars["in"] = tc.within
				}
				d := a.anon(list, vars)["servicePoints"].(map[string]any)
				if got := d["totalCount"].(float64) == 1; got != tc.open {
					t.Errorf("open = %v, want %v", got, tc.open)
				}
				is := a.anon(`query($id:ID!,$at:Time!){ node(id:$id) { ... on ServicePoint { isOpenAt(time:$at) } } }`, map[string]any{"id": point, "at": tc.at})
				if tc.within == "" && is["node"].(map[string]any)["isOpenAt"] != tc.open {
					t.Errorf("isOpenAt = %v, want %v", is["node"], tc.open)
				}
			})
		}
		if r := a.post("", list, map[string]any{"in": "999999"}); r.code() != "BAD_USER_INPUT" {
			t.Errorf("unknown division: %s", r.Raw)
		}
		d := a.anon(`query($id:ID!){ node(id:$id) { ... on ServicePoint { weeklyHours(first:1) { edges { node { weekday opens closes } } }
			exceptions { totalCount } services { edges { node { code } } } projects { totalCount } } } }`, map[string]any{"id": point})
		raw := mustJSON(t, d)
		for _, want := range []string{`"opens":"11:00"`, `"closes":"13:00"`, `"code":"dine-in"`} {
			if !strings.Contains(raw, want) {
				t.Errorf("point lacks %s: %s", want, raw)
			}
		}
		// Overlapping sessions are refused and change nothing.
		before := a.snapshot()
		r := a.post(a.key, `mutation($id:ID!){ setServicePointHours(id:$id, sessions:[{weekday:MONDAY, opens:"09:00", closes:"12:00"}, {weekday:MONDAY, opens:"11:30", closes:"13:00"}]) { id } }`,
			map[string]any{"id": point})
		if r.code() != "BAD_USER_INPUT" || !strings.Contains(r.Raw, `"field":"sessions.1.opens"`) || a.snapshot() != before {
			t.Errorf("overlap: %s", r.Raw)
		}
		// The week in OpenStreetMap syntax, with the exceptions from today.
		a.admin(`mutation($id:ID!){ setServicePointHours(id:$id, sessions:[
			{weekday:MONDAY, opens:"10:30", closes:"12:30"}, {weekday:TUESDAY, opens:"10:30", closes:"12:30"},
			{weekday:WEDNESDAY, opens:"10:30", closes:"12:30"}, {weekday:SATURDAY, opens:"09:00", closes:"16:00"}]) { id } }`, map[string]any{"id": point})
		oh := a.anon(`query($id:ID!){ node(id:$id) { ... on ServicePoint { openingHours } } }`, map[string]any{"id": point})
		if got := oh["node"].(map[string]any)["openingHours"]; got != "Mo-We 10:30-12:30; Sa 09:00-16:00" {
			t.Errorf("openingHours = %v", got)
		}
	})
}

// Party coverage through the API: a new coverage ends the current one the
// day before, the organisation shows the current one, and districtStats
// counts them on the period's last day.
func TestPartyCoverageHistory(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		w := newRegisterWorld(t, a)
		keys := accessFixture(t, a)
		record := `mutation($in:RecordPartyCoverageInput!){ recordPartyCoverage(input:$in) { id method startedOn } }`
		in := func(method string, party *int, started string, category, sub int) map[string]any {
			m := map[string]any{"organizationId": id(a.fx.agency.ID), "method": method, "startedOn": started, "categoryId": id(category)}
			if party != nil {
				m["partyOrganizationId"] = id(*party)
			}
			if sub != 0 {
				m["subcategoryId"] = id(sub)
			}
			return map[string]any{"in": m}
		}
		party := a.fx.party.ID
		for _, tc := range []struct {
			name  string
			vars  map[string]any
			field string
		}{
			{"NOT_COVERED names no Party organisation", in("NOT_COVERED", &party, "2025-01-01", w.guideCategory.ID, 0), "input.partyOrganizationId"},
			{"a covered organisation names one", in("JOINT_BRANCH", nil, "2025-01-01", w.guideCategory.ID, 0), "input.partyOrganizationId"},
			{"the Party organisation is one", in("JOINT_BRANCH", &a.fx.team.ID, "2025-01-01", w.guideCategory.ID, 0), "input.partyOrganizationId"},
			{"the category is a top-level term", in("INSTRUCTOR", &party, "2025-01-01", w.guideSub.ID, 0), "input.categoryId"},
			{"the sub-category is under the category", in("INSTRUCTOR", &party, "2025-01-01", w.otherCategory.ID, w.guideSub.ID), "input.subcategoryId"},
			{"a guide term, not any term", in("INSTRUCTOR", &party, "2025-01-01", a.fx.elderly.ID, 0), "input.categoryId"},
			{"not before the current coverage", in("INSTRUCTOR", &party, "2023-12-31", w.guideCategory.ID, 0), "input.startedOn"},
			{"not in the future", in("INSTRUCTOR", &party, "2999-01-01", w.guideCategory.ID, 0), "input.startedOn"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := a.snapshot()
				r := a.post(keys["editor-agency"], record, tc.vars)
				if r.code() != "BAD_USER_INPUT" || !strings.Contains(r.Raw, `"field":"`+tc.field+`"`) || a.snapshot() != before {
					t.Errorf("want BAD_USER_INPUT on %s: %s", tc.field, r.Raw)
				}
			})
		}
		if r := a.post(keys["editor-team"], record, in("INSTRUCTOR", &party, "2025-03-01", w.guideCategory.ID, 0)); r.code() != "FORBIDDEN" {
			t.Errorf("the team's editor recorded the agency's coverage: %s", r.Raw)
		}
		stats := `{ districtStats(regionCode:"330411104", from:"2025-01-01", to:"2025-12-31") { partyCoverage { socialOrganizations ownBranch instructor notCovered covered rate } } }`
		if got := mustJSON(t, a.anon(stats, nil)); !strings.Contains(got, `"ownBranch":1,`) || !strings.Contains(got, `"instructor":0,`) {
			t.Errorf("before: %s", got)
		}
		r := a.post(keys["editor-agency"], record, in("INSTRUCTOR", &party, "2025-03-01", w.guideCategory.ID, w.guideSub.ID))
		if len(r.Errors) > 0 {
			t.Fatal(r.Raw)
		}
		d := a.anon(`query($id:ID!){ node(id:$id) { ... on Organization { partyCoverage { method startedOn }
			partyCoverages(orderBy:{field:STARTED_ON}) { edges { node { method startedOn endedOn } } } } } }`, map[string]any{"id": id(a.fx.agency.ID)})
		got := mustJSON(t, d)
		for _, want := range []string{`"partyCoverage":{"method":"INSTRUCTOR","startedOn":"2025-03-01"}`,
			`{"endedOn":"2025-02-28","method":"OWN_BRANCH","startedOn":"2024-01-01"}`, `{"endedOn":null,"method":"INSTRUCTOR","startedOn":"2025-03-01"}`} {
			if !strings.Contains(got, want) {
				t.Errorf("lacks %s: %s", want, got)
			}
		}
		if got := mustJSON(t, a.anon(stats, nil)); !strings.Contains(got, `"ownBranch":0,`) || !strings.Contains(got, `"instructor":1,`) {
			t.Errorf("after: %s", got)
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Scores and awards take random ids: an editor running a round of its
// own would otherwise count, in the ids it is given, the scores and awards
// of rounds still under review.
func TestCompetitionResultIDsAreRandom(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		w := newRegisterWorld(t, a)
		var ids []int
		for _, seat := range []string{"A", "B", "C"} {
			d := a.admin(`mutation($id:ID!,$s:String!){ scoreCompetitionApplication(applicationId:$id, reviewer:$s, score:80) { id } }`,
				map[string]any{"id": id(w.app.ID), "s": seat})
			ids = append(ids, decodeID(t, d["scoreCompetitionApplication"].(map[string]any)["id"].(string)))
		}
		if ids[1] == ids[0]+1 && ids[2] == ids[1]+1 {
			t.Errorf("review ids in order: %v", ids)
		}
	})
}

// The attack round's findings on service points, each as it was found.
func TestServicePointWritesStayInScope(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		newRegisterWorld(t, a)
		keys := accessFixture(t, a)
		editor := keys["editor-agency"]
		psc, err := a.db.Client.Organization.Create().SetName("新塍镇党群服务中心").SetKind(organization.KindPARTY_SERVICE_CENTER).
			SetRegion(a.fx.town).SetParent(a.fx.agency).Save(a.sys())
		if err != nil {
			t.Fatal(err)
		}
		create := `mutation($in:CreateServicePointInput!){ createServicePoint(input:$in) { id } }`
		in := func(operator, lead int, region string, extra map[string]any) map[string]any {
			m := map[string]any{"name": "助残驿站", "kind": "DISABILITY_SUPPORT", "address": "新塍镇3号", "latitude": 30.83, "longitude": 120.62,
				"regionCode": region, "operatorId": id(operator), "leadId": id(lead)}
			for k, v := range extra {
				m[k] = v
			}
			return map[string]any{"in": m}
		}
		// Run by an outside body, led by the editor's service centre: allowed.
		r := a.post(editor, create, in(a.fx.university.ID, psc.ID, "330411104", nil))
		if len(r.Errors) > 0 {
			t.Fatal(r.Raw)
		}
		point := r.Data["createServicePoint"].(map[string]any)["id"].(string)
		for _, tc := range []struct {
			name, key, query string
			vars             map[string]any
			code             string
		}{
			{"dropping the lead would hand the point away", editor, `mutation($id:ID!){ updateServicePoint(id:$id, input:{leadId:null}) { id } }`,
				map[string]any{"id": point}, "FORBIDDEN"},
			{"so would an outside lead", editor, `mutation($id:ID!,$l:ID!){ updateServicePoint(id:$id, input:{leadId:$l}) { id } }`,
				map[string]any{"id": point, "l": id(a.fx.party.ID)}, "FORBIDDEN"},
			{"a district is not where a point is", editor, create, in(a.fx.agency.ID, psc.ID, "330411", nil), "BAD_USER_INPUT"},
			{"NaN is no latitude", editor, create, in(a.fx.agency.ID, psc.ID, "330411104", map[string]any{"latitude": "NaN"}), "BAD_USER_INPUT"},
			{"projects linked are projects the scope takes part in", keys["editor-team"], create,
				in(a.fx.team.ID, a.fx.party.ID, "330411104", map[string]any{"projectIds": []string{id(a.fx.project.ID)}}), "FORBIDDEN"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := a.snapshot()
				if r := a.post(tc.key, tc.query, tc.vars); r.code() != tc.code || a.snapshot() != before {
					t.Errorf("want %s and no write: %s", tc.code, r.Raw)
				}
			})
		}
		// Projects its scope takes part in are linked.
		if r := a.post(editor, create, in(a.fx.agency.ID, psc.ID, "330411104", map[string]any{"projectIds": []string{id(a.fx.project.ID)}})); len(r.Errors) > 0 {
			t.Errorf("linking the agency's own project: %s", r.Raw)
		}
		// A point without hours gets its first ones from its editor, and the
		// answer shows them.
		r = a.post(editor, `mutation($id:ID!){ setServicePointHours(id:$id, sessions:[{weekday:MONDAY, opens:"09:00", closes:"11:00"}]) { openingHours } }`,
			map[string]any{"id": point})
		if len(r.Errors) > 0 || r.Data["setServicePointHours"].(map[string]any)["openingHours"] != "Mo 09:00-11:00" {
			t.Errorf("first hours: %s", r.Raw)
		}
		if r := a.post(editor, `mutation($id:ID!){ setServicePointException(id:$id, date:"2027-01-01") { closed } }`, map[string]any{"id": point}); len(r.Errors) > 0 {
			t.Errorf("first exception: %s", r.Raw)
		}
		if r := a.post(editor, `mutation($id:ID!){ removeServicePointException(id:$id, date:"2027-01-02") { id } }`, map[string]any{"id": point}); r.code() != "NOT_FOUND" {
			t.Errorf("removing a date without an exception: %s", r.Raw)
		}
		if r := a.post(editor, `mutation($id:ID!){ setServicePointHours(id:$id, sessions:[]) { openingHours } }`, map[string]any{"id": point}); len(r.Errors) > 0 {
			t.Errorf("clearing hours: %s", r.Raw)
		}
	})
}

// A round's budget cannot fall below what it has awarded, and no
// application is dated in the future.
func TestCompetitionBudgetAndDates(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		w := newRegisterWorld(t, a)
		a.admin(`mutation($id:ID!){ awardCompetitionApplication(input:{applicationId:$id, rank:1, amount:150000}) { id } }`, map[string]any{"id": id(w.app.ID)})
		for _, tc := range []struct {
			name, query, field string
			vars               map[string]any
		}{
			{"budget below the awards", `mutation($id:ID!){ updateCompetitionRound(id:$id, input:{budget:100000}) { id } }`, "input.budget",
				map[string]any{"id": id(w.round.ID)}},
			{"an application from the future", `mutation($r:ID!,$o:ID!,$p:ID!){ applyToCompetition(input:{roundId:$r, applicantId:$o, projectId:$p, submittedOn:"2099-01-01"}) { id } }`,
				"input.submittedOn", map[string]any{"r": id(w.openRound.ID), "o": id(a.fx.agency.ID), "p": id(a.fx.project.ID)}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := a.snapshot()
				r := a.post(a.key, tc.query, tc.vars)
				if r.code() != "BAD_USER_INPUT" || !strings.Contains(r.Raw, `"field":"`+tc.field+`"`) || a.snapshot() != before {
					t.Errorf("want BAD_USER_INPUT on %s: %s", tc.field, r.Raw)
				}
			})
		}
	})
}
