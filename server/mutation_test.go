package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/ent/auditevent"
	"github.com/tongxing/tongxing/ent/servicerecord"
)

// refusal is a mutation that must fail with code (and field) and write nothing.
type refusal struct {
	name  string
	anon  bool
	query string
	vars  func(fx fixture) map[string]any
	code  string
	field string
}

const createOrg = `mutation($in: CreateOrganizationInput!) { createOrganization(input: $in) { id name } }`

func orgInput(fx fixture, over map[string]any) map[string]any {
	in := map[string]any{"name": "新塍镇睦邻互助会", "kind": "SOCIAL_ORGANIZATION", "regionCode": "330411104"}
	for k, v := range over {
		in[k] = v
	}
	return map[string]any{"in": in}
}

func TestMutationsRefuseBadInput(t *testing.T) {
	cases := []refusal{
		{name: "anonymous create", anon: true, query: createOrg, vars: func(fx fixture) map[string]any { return orgInput(fx, nil) }, code: "UNAUTHENTICATED"},
		{name: "blank name", query: createOrg, vars: func(fx fixture) map[string]any { return orgInput(fx, map[string]any{"name": "   "}) },
			code: "BAD_USER_INPUT", field: "input.name"},
		{name: "credit code check digit", query: createOrg,
			vars: func(fx fixture) map[string]any {
				return orgInput(fx, map[string]any{"creditCode": "913304007429141868", "registrationStatus": "REGISTERED"})
			}, code: "BAD_USER_INPUT", field: "input.creditCode"},
		{name: "credit code charset", query: createOrg,
			vars: func(fx fixture) map[string]any {
				return orgInput(fx, map[string]any{"creditCode": "91330400742914186O", "registrationStatus": "REGISTERED"})
			}, code: "BAD_USER_INPUT", field: "input.creditCode"},
		{name: "duplicate credit code", query: createOrg,
			vars: func(fx fixture) map[string]any {
				return orgInput(fx, map[string]any{"creditCode": "913304007429141869", "registrationStatus": "REGISTERED"})
			}, code: "CONFLICT", field: "input.creditCode"},
		{name: "unknown region code", query: createOrg, vars: func(fx fixture) map[string]any { return orgInput(fx, map[string]any{"regionCode": "330499"}) },
			code: "BAD_USER_INPUT", field: "input.regionCode"},
		{name: "unknown enum value", query: createOrg, vars: func(fx fixture) map[string]any { return orgInput(fx, map[string]any{"kind": "CLUB"}) },
			code: "BAD_USER_INPUT"},
		{name: "grade out of range", query: createOrg, vars: func(fx fixture) map[string]any { return orgInput(fx, map[string]any{"assessmentGrade": 6}) },
			code: "BAD_USER_INPUT", field: "input.assessmentGrade"},
		{name: "category from another taxonomy", query: createOrg,
			vars: func(fx fixture) map[string]any {
				return orgInput(fx, map[string]any{"categoryIds": []string{id(fx.elderly.ID)}})
			},
			code: "BAD_USER_INPUT", field: "input.categoryIds.0"},
		{name: "malformed date", query: createOrg, vars: func(fx fixture) map[string]any { return orgInput(fx, map[string]any{"foundedOn": "2020-13-45"}) },
			code: "BAD_USER_INPUT"},
		{name: "update: parent cycle", query: `mutation($id:ID!,$p:ID){ updateOrganization(id:$id, input:{parentId:$p}) { id } }`,
			vars: func(fx fixture) map[string]any { return map[string]any{"id": id(fx.team.ID), "p": id(fx.team.ID)} },
			code: "BAD_USER_INPUT", field: "input.parentId"},
		{name: "update: unknown organization", query: `mutation($id:ID!){ updateOrganization(id:$id, input:{name:"x"}) { id } }`,
			vars: func(fx fixture) map[string]any { return map[string]any{"id": id(fx.project.ID)} }, code: "NOT_FOUND"},
		{name: "link: partner is not a Party organisation",
			query: `mutation($p:ID!,$q:ID!){ createPartyBuildingLink(input:{partyOrganizationId:$p, partnerId:$q, linkType:PAIRING, startedOn:"2024-01-01"}) { id } }`,
			vars:  func(fx fixture) map[string]any { return map[string]any{"p": id(fx.team.ID), "q": id(fx.agency.ID)} },
			code:  "BAD_USER_INPUT", field: "input.partyOrganizationId"},
		{name: "link: end before start",
			query: `mutation($p:ID!,$q:ID!){ createPartyBuildingLink(input:{partyOrganizationId:$p, partnerId:$q, linkType:PAIRING, startedOn:"2024-01-01", endedOn:"2023-12-31"}) { id } }`,
			vars:  func(fx fixture) map[string]any { return map[string]any{"p": id(fx.party.ID), "q": id(fx.agency.ID)} },
			code:  "BAD_USER_INPUT", field: "input.endedOn"},
		{name: "practice base led by a non-university",
			query: `mutation($o:ID!,$p:ID!){ createPartnership(input:{organizationId:$o, partnerId:$p, kind:PRACTICE_BASE, startedOn:"2024-09-01"}) { id } }`,
			vars:  func(fx fixture) map[string]any { return map[string]any{"o": id(fx.agency.ID), "p": id(fx.team.ID)} },
			code:  "BAD_USER_INPUT", field: "input.organizationId"},
		{name: "project without a lead",
			query: `mutation($o:ID!){ createProject(input:{name:"新项目", participants:[{organizationId:$o, role:PARTNER}]}) { id } }`,
			vars:  func(fx fixture) map[string]any { return map[string]any{"o": id(fx.agency.ID)} },
			code:  "BAD_USER_INPUT", field: "input.participants"},
		{name: "project end before start",
			query: `mutation($o:ID!){ createProject(input:{name:"新项目", startOn:"2025-01-01", endOn:"2024-01-01", participants:[{organizationId:$o, role:LEAD}]}) { id } }`,
			vars:  func(fx fixture) map[string]any { return map[string]any{"o": id(fx.agency.ID)} },
			code:  "BAD_USER_INPUT", field: "input.endOn"},
		{name: "project stage jump",
			query: `mutation($id:ID!){ updateProject(id:$id, input:{stage:CLOSED}) { id } }`,
			vars:  func(fx fixture) map[string]any { return map[string]any{"id": id(fx.project.ID)} },
			code:  "BAD_USER_INPUT", field: "input.stage"},
		{name: "project stage backwards",
			query: `mutation($id:ID!){ updateProject(id:$id, input:{stage:DESIGN}) { id } }`,
			vars:  func(fx fixture) map[string]any { return map[string]any{"id": id(fx.project.ID)} },
			code:  "BAD_USER_INPUT", field: "input.stage"},
		{name: "activity ends before it starts",
			query: `mutation($o:ID!){ createActivity(input:{title:"探访", organizationId:$o, regionCode:"330411104", startsAt:"2025-06-01T10:00:00+08:00", endsAt:"2025-06-01T09:00:00+08:00"}) { id } }`,
			vars:  func(fx fixture) map[string]any { return map[string]any{"o": id(fx.agency.ID)} },
			code:  "BAD_USER_INPUT", field: "input.endsAt"},
		{name: "outcome for unknown indicator",
			query: `mutation($p:ID!,$i:ID!){ createOutcome(input:{projectId:$p, indicatorId:$i, periodStart:"2024-01-01", periodEnd:"2024-12-31", actual:86}) { id } }`,
			vars:  func(fx fixture) map[string]any { return map[string]any{"p": id(fx.project.ID), "i": id(fx.project.ID)} },
			code:  "BAD_USER_INPUT", field: "input.indicatorId"},
		{name: "need in unknown region",
			query: `mutation($d:ID!){ createNeed(input:{title:"老人助餐", domainId:$d, regionCode:"000000"}) { id } }`,
			vars:  func(fx fixture) map[string]any { return map[string]any{"d": id(fx.elderly.ID)} },
			code:  "BAD_USER_INPUT", field: "input.regionCode"},
		{name: "hours: one bad entry refuses the batch",
			query: `mutation($in:LogServiceHoursInput!){ logServiceHours(input:$in) { count } }`,
			vars: func(fx fixture) map[string]any {
				return map[string]any{"in": map[string]any{"activityId": id(fx.activity.ID), "records": []any{
					map[string]any{"personId": id(fx.volunteers[0].ID), "servedOn": fx.day, "minutes": 120},
					map[string]any{"personId": id(fx.volunteers[1].ID), "servedOn": fx.day, "minutes": 1441},
				}}}
			}, code: "BAD_USER_INPUT", field: "input.records.1.minutes"},
		{name: "hours: zero minutes",
			query: `mutation($in:LogServiceHoursInput!){ logServiceHours(input:$in) { count } }`,
			vars: func(fx fixture) map[string]any {
				return map[string]any{"in": map[string]any{"activityId": id(fx.activity.ID), "records": []any{
					map[string]any{"personId": id(fx.volunteers[0].ID), "servedOn": fx.day, "minutes": 0},
				}}}
			}, code: "BAD_USER_INPUT", field: "input.records.0.minutes"},
		{name: "hours: date outside the activity",
			query: `mutation($in:LogServiceHoursInput!){ logServiceHours(input:$in) { count } }`,
			vars: func(fx fixture) map[string]any {
				return map[string]any{"in": map[string]any{"activityId": id(fx.activity.ID), "records": []any{
					map[string]any{"personId": id(fx.volunteers[0].ID), "servedOn": "2020-06-03", "minutes": 60},
				}}}
			}, code: "BAD_USER_INPUT", field: "input.records.0.servedOn"},
		{name: "hours: anonymous", anon: true,
			query: `mutation($in:LogServiceHoursInput!){ logServiceHours(input:$in) { count } }`,
			vars: func(fx fixture) map[string]any {
				return map[string]any{"in": map[string]any{"activityId": id(fx.activity.ID), "records": []any{
					map[string]any{"personId": id(fx.volunteers[0].ID), "servedOn": fx.day, "minutes": 60},
				}}}
			}, code: "UNAUTHENTICATED"},
		{name: "review: reject without note",
			query: `mutation($ids:[ID!]!){ reviewServiceRecords(input:{ids:$ids, decision:REJECT}) { count } }`,
			vars:  func(fx fixture) map[string]any { return map[string]any{"ids": []string{id(fx.activity.ID)}} },
			code:  "BAD_USER_INPUT", field: "input.note"},
		{name: "two mutations, second fails: first rolled back",
			query: `mutation($a:CreateOrganizationInput!,$b:CreateOrganizationInput!){ a: createOrganization(input:$a) { id } b: createOrganization(input:$b) { id } }`,
			vars: func(fx fixture) map[string]any {
				return map[string]any{"a": orgInput(fx, nil)["in"], "b": orgInput(fx, map[string]any{"regionCode": "1"})["in"]}
			}, code: "BAD_USER_INPUT", field: "input.regionCode"},
	}
	eachAPI(t, func(t *testing.T, a *api) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before := a.snapshot()
				key := a.key
				if tc.anon {
					key = ""
				}
				r := a.post(key, tc.query, tc.vars(a.fx))
				if r.code() != tc.code {
					t.Fatalf("code = %q, want %q: %s", r.code(), tc.code, r.Raw)
				}
				if tc.field != "" && r.field() != tc.field {
					t.Errorf("field = %q, want %q: %s", r.field(), tc.field, r.Raw)
				}
				if r.Errors[0].Message == "" {
					t.Errorf("empty error message")
				}
				for _, leak := range []string{"SQL", "sql:", "constraint", "ent:", "pq:", "sqlite", ".go:"} {
					if strings.Contains(r.Raw, leak) {
						t.Errorf("response leaks %q: %s", leak, r.Raw)
					}
				}
				if after := a.snapshot(); after != before {
					t.Errorf("a refused mutation changed the database:\nbefore %s\nafter  %s", before, after)
				}
			})
		}
	})
}

func TestMutationsSucceedAndAreAudited(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		fx := a.fx
		d := a.admin(createOrg, orgInput(fx, map[string]any{
			"creditCode": " 91110000600037341l ", "registrationStatus": "REGISTERED", "legalForm": "SOCIAL_GROUP",
			"foundedOn": "2019-03-12", "assessmentGrade": 4, "parentId": id(fx.agency.ID), "categoryIds": []string{id(fx.charityCategory.ID)},
		}))
		org := d["createOrganization"].(map[string]any)
		orgID := org["id"].(string)
		d = a.anon(`query($id:ID!){ node(id:$id) { ... on Organization { creditCode foundedOn assessmentGrade parent { name } categories { edges { node { name } } } region { code } } } }`,
			map[string]any{"id": orgID})
		n := d["node"].(map[string]any)
		if n["creditCode"] != "91110000600037341L" || n["foundedOn"] != "2019-03-12" || n["assessmentGrade"].(float64) != 4 ||
			n["region"].(map[string]any)["code"] != "330411104" || len(edges(t, n["categories"])) != 1 {
			t.Errorf("created organization = %v", n)
		}

		d = a.admin(`mutation($id:ID!){ updateOrganization(id:$id, input:{name:"新塍镇睦邻互助协会", creditCode:null, registrationStatus:FILED, parentId:null, assessmentGrade:null}) { name creditCode parent { id } assessmentGrade registrationStatus } }`,
			map[string]any{"id": orgID})
		u := d["updateOrganization"].(map[string]any)
		if u["name"] != "新塍镇睦邻互助协会" || u["creditCode"] != nil || u["parent"] != nil || u["assessmentGrade"] != nil {
			t.Errorf("updated organization = %v", u)
		}

		d = a.admin(`mutation($p:ID!,$q:ID!){ createPartyBuildingLink(input:{partyOrganizationId:$p, partnerId:$q, linkType:JOINT_BUILDING, startedOn:"2023-05-04", agreementSummary:"共建助餐点"}) { id endedOn } }`,
			map[string]any{"p": id(fx.party.ID), "q": id(fx.team.ID)})
		linkID := d["createPartyBuildingLink"].(map[string]any)["id"].(string)
		d = a.admin(`mutation($id:ID!){ endPartyBuildingLink(id:$id, endedOn:"2025-12-31") { endedOn } }`, map[string]any{"id": linkID})
		if d["endPartyBuildingLink"].(map[string]any)["endedOn"] != "2025-12-31" {
			t.Errorf("endPartyBuildingLink = %v", d)
		}
		if r := a.post(a.key, `mutation($id:ID!){ endPartyBuildingLink(id:$id, endedOn:"2026-01-31") { endedOn } }`, map[string]any{"id": linkID}); r.code() != "CONFLICT" {
			t.Errorf("ending twice: %s", r.Raw)
		}
		d = a.anon(`query($id:ID!){ node(id:$id) { ... on Organization { partyBuildingLinks { totalCount edges { node { linkType partner { name } } } } } } }`, map[string]any{"id": id(fx.team.ID)})
		if d["node"].(map[string]any)["partyBuildingLinks"].(map[string]any)["totalCount"].(float64) != 1 {
			t.Errorf("team's links = %v", d)
		}

		d = a.admin(`mutation($o:ID!,$p:ID!){ createPartnership(input:{organizationId:$o, partnerId:$p, kind:PRACTICE_BASE, startedOn:"2024-09-01", capacity:20}) { id kind capacity } }`,
			map[string]any{"o": id(fx.university.ID), "p": id(fx.agency.ID)})
		pid := d["createPartnership"].(map[string]any)["id"]
		a.admin(`mutation($id:ID!){ updatePartnership(id:$id, input:{capacity:null, endedOn:"2027-08-31"}) { capacity endedOn } }`, map[string]any{"id": pid})

		d = a.admin(`mutation($o:ID!,$t:ID!,$d:ID!){ createProject(input:{name:"社区微动力", fundingSource:VENTURE_PHILANTHROPY, fundingAmount:50000,
			startOn:"2024-03-01", domainIds:[$d], regionCodes:["330411104","330411104001"],
			participants:[{organizationId:$o, role:LEAD},{organizationId:$t, role:PARTNER}]}) { id stage participations { totalCount } regions { totalCount } } }`,
			map[string]any{"o": id(fx.agency.ID), "t": id(fx.team.ID), "d": id(fx.youth.ID)})
		p := d["createProject"].(map[string]any)
		if p["stage"] != "DESIGN" || p["participations"].(map[string]any)["totalCount"].(float64) != 2 || p["regions"].(map[string]any)["totalCount"].(float64) != 2 {
			t.Errorf("project = %v", p)
		}
		for _, stage := range []string{"SHOWCASE", "IMPLEMENTATION", "EVALUATION", "CLOSED"} {
			d = a.admin(`mutation($id:ID!,$s:ProjectStage!){ updateProject(id:$id, input:{stage:$s}) { stage } }`, map[string]any{"id": p["id"], "s": stage})
			if d["updateProject"].(map[string]any)["stage"] != stage {
				t.Errorf("stage = %v, want %s", d, stage)
			}
		}

		d = a.admin(`mutation($o:ID!,$p:ID!){ createActivity(input:{title:"上门送餐", organizationId:$o, projectId:$p, regionCode:"330411104001",
			startsAt:"2025-06-02T09:00:00+08:00", endsAt:"2025-06-02T11:30:00+08:00", beneficiaries:25}) { id kind project { name } region { code } } }`,
			map[string]any{"o": id(fx.agency.ID), "p": id(fx.project.ID)})
		actID := d["createActivity"].(map[string]any)["id"]
		a.admin(`mutation($id:ID!){ updateActivity(id:$id, input:{beneficiaries:30, projectId:null}) { beneficiaries project { id } } }`, map[string]any{"id": actID})

		d = a.admin(`mutation($p:ID!,$i:ID!){ createOutcome(input:{projectId:$p, indicatorId:$i, periodStart:"2024-01-01", periodEnd:"2024-12-31", baseline:0, target:80, actual:86, evidence:"项目评估报告"}) { id actual indicator { unit } } }`,
			map[string]any{"p": id(fx.project.ID), "i": id(fx.indicator.ID)})
		outID := d["createOutcome"].(map[string]any)["id"]
		a.admin(`mutation($id:ID!){ updateOutcome(id:$id, input:{actual:90, target:null}) { actual target } }`, map[string]any{"id": outID})

		d = a.admin(`mutation($d:ID!){ createNeed(input:{title:"独居老人午餐", domainId:$d, regionCode:"330411104", urgency:HIGH, contact:"13912345678"}) { id status openedAt } }`,
			map[string]any{"d": id(fx.elderly.ID)})
		needID := d["createNeed"].(map[string]any)["id"]
		if strings.Contains(a.post(a.key, `query($id:ID!){ node(id:$id) { ... on Need { title } } }`, map[string]any{"id": needID}).Raw, "13912345678") {
			t.Errorf("need contact exposed")
		}
		if r := a.post(a.key, `mutation($id:ID!){ updateNeed(id:$id, input:{status:MATCHED}) { status } }`, map[string]any{"id": needID}); r.code() != "BAD_USER_INPUT" {
			t.Errorf("MATCHED without a match: %s", r.Raw)
		}
		a.admin(`mutation($id:ID!,$p:ID!){ updateNeed(id:$id, input:{status:MATCHED, matchedProjectId:$p}) { status } }`, map[string]any{"id": needID, "p": id(fx.project.ID)})
		d = a.admin(`mutation($id:ID!){ updateNeed(id:$id, input:{status:RESOLVED, resolutionNote:"已纳入助餐名单"}) { status resolvedAt matchedProject { name } } }`, map[string]any{"id": needID})
		if d["updateNeed"].(map[string]any)["resolvedAt"] == nil {
			t.Errorf("resolved need has no resolvedAt: %v", d)
		}

		// Every successful mutation above left one audit event, naming the key.
		events, err := a.db.Client.AuditEvent.Query().Order(auditevent.ByID()).All(a.sys())
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range events {
			actions = append(actions, e.Action)
			if e.Actor != "test-admin" || e.ActorKeyID == nil || e.EntityType == "" || e.RequestID == "" {
				t.Errorf("incomplete audit event %+v", e)
			}
			if strings.Contains(e.EntityID, "1391") || strings.Contains(e.Actor, "志愿者") {
				t.Errorf("personal data in audit event %+v", e)
			}
		}
		want := "createOrganization,updateOrganization,createPartyBuildingLink,endPartyBuildingLink,createPartnership,updatePartnership," +
			"createProject,updateProject,updateProject,updateProject,updateProject,createActivity,updateActivity,createOutcome,updateOutcome," +
			"createNeed,updateNeed,updateNeed"
		if got := strings.Join(actions, ","); got != want {
			t.Errorf("audit actions:\n got %s\nwant %s", got, want)
		}
		if events[0].EntityType != "Organization" || events[0].EntityID != orgID {
			t.Errorf("first audit event = %+v, want Organization %s", events[0], orgID)
		}
	})
}

func TestServiceHours(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		fx := a.fx
		const logQ = `mutation($in:LogServiceHoursInput!){ logServiceHours(input:$in) { count activity { title } serviceRecords { totalCount edges { node { id status minutes recordedBy servedOn person { volunteerNumber } } } } } }`
		in := map[string]any{"activityId": id(fx.activity.ID), "records": []any{
			map[string]any{"personId": id(fx.volunteers[0].ID), "servedOn": fx.day, "minutes": 180, "content": "分餐送餐"},
			map[string]any{"personId": id(fx.volunteers[1].ID), "servedOn": fx.day, "minutes": 150},
			map[string]any{"personId": id(fx.volunteers[2].ID), "servedOn": fx.day, "minutes": 90},
		}}
		d := a.admin(logQ, map[string]any{"in": in})
		p := d["logServiceHours"].(map[string]any)
		recs := edges(t, p["serviceRecords"])
		if p["count"].(float64) != 3 || len(recs) != 3 || recs[0]["status"] != "PENDING" || recs[0]["recordedBy"] != "test-admin" || recs[0]["servedOn"] != fx.day {
			t.Fatalf("logServiceHours = %v", p)
		}
		// The same people cannot be logged twice for the day.
		if r := a.post(a.key, logQ, map[string]any{"in": in}); r.code() != "BAD_USER_INPUT" {
			t.Errorf("duplicate batch: %s", r.Raw)
		}
		ids := []string{recs[0]["id"].(string), recs[1]["id"].(string)}
		d = a.admin(`mutation($ids:[ID!]!){ reviewServiceRecords(input:{ids:$ids, decision:VERIFY}) { count serviceRecords { edges { node { status reviewedBy reviewedAt } } } } }`, map[string]any{"ids": ids})
		for _, n := range edges(t, d["reviewServiceRecords"].(map[string]any)["serviceRecords"]) {
			if n["status"] != "VERIFIED" || n["reviewedBy"] != "test-admin" || n["reviewedAt"] == nil {
				t.Errorf("reviewed = %v", n)
			}
		}
		// Reviewed records are not reviewed again.
		r := a.post(a.key, `mutation($ids:[ID!]!){ reviewServiceRecords(input:{ids:$ids, decision:REJECT, note:"重复"}) { count } }`, map[string]any{"ids": ids})
		if r.code() != "BAD_USER_INPUT" || r.field() != "input.ids.0" {
			t.Errorf("second review: %s", r.Raw)
		}
		a.admin(`mutation($ids:[ID!]!){ reviewServiceRecords(input:{ids:$ids, decision:REJECT, note:"当天未到岗"}) { count } }`, map[string]any{"ids": []string{recs[2]["id"].(string)}})
		n, err := a.db.Client.ServiceRecord.Query().Where(servicerecord.StatusEQ(servicerecord.StatusVERIFIED)).Count(a.sys())
		if err != nil || n != 2 {
			t.Errorf("verified = %d, %v", n, err)
		}
		// Future dates are refused even within an activity's span.
		future := time.Now().AddDate(0, 0, 2)
		act, err := a.db.Client.Activity.Create().SetTitle("明日活动").SetOrganization(fx.agency).SetRegion(fx.town).
			SetStartsAt(future).SetEndsAt(future.Add(time.Hour)).Save(a.sys())
		if err != nil {
			t.Fatal(err)
		}
		r = a.post(a.key, logQ, map[string]any{"in": map[string]any{"activityId": id(act.ID), "records": []any{
			map[string]any{"personId": id(fx.volunteers[0].ID), "servedOn": future.Format(time.DateOnly), "minutes": 60}}}})
		if r.field() != "input.records.0.servedOn" {
			t.Errorf("future hours: %s", r.Raw)
		}
	})
}
