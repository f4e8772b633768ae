package server_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/apikeys"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/apikey"
	"github.com/tongxing/tongxing/ent/auditevent"
	"github.com/tongxing/tongxing/ent/casefile"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/server"
)

// The case files' secrets: none of these may appear in an answer to a
// caller who does not read the case.
const (
	caseDisplayName = "小伟（化名）"
	caseResident    = "王小伟"
	caseAssessment  = "预估：长期遭受侵害，情绪低落，有自伤念头"
	casePlanText    = "计划：稳定情绪，恢复学业，修复家庭关系"
	caseGoalText    = "三个月内情绪量表恢复到正常范围"
	caseSessionNote = "家访：孩子愿意与社工交谈"
	caseCrisisText  = "深夜离家出走，表达轻生念头"
	caseReferText   = "请提供法律援助"
)

var caseSecrets = []string{caseResident, caseAssessment, casePlanText, caseGoalText, caseSessionNote, caseCrisisText, caseReferText, "13912345678", "新塍镇某村"}

// caseKeys are the keys of the case-work tests, by name.
type caseKeys map[string]string

// caseWorld sets up two agencies with their social workers and keys:
//
//	worker-a          WORKER key of 孝慈 held by social worker A (the responsible worker)
//	worker-b          WORKER key of 孝慈 held by social worker B
//	supervisor        SUPERVISOR key of 孝慈
//	supervisor-other  SUPERVISOR key of another agency
//	editor-agency     EDITOR key of 孝慈 without case permission
//	editor-parent     EDITOR key of the organisation above 孝慈
//	reviewer-agency   REVIEWER key of 孝慈
//	partner           PARTNER key of the university
//	admin, anonymous
func caseWorld(t *testing.T, a *api) (caseKeys, *ent.Organization, map[string]*ent.Person) {
	t.Helper()
	ctx, c := a.sys(), a.db.Client
	fx := a.fx
	parent, err := c.Organization.Create().SetName("秀洲区社会工作协会").SetKind(organization.KindSOCIAL_ORGANIZATION).SetRegion(fx.district).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Organization.UpdateOne(fx.agency).SetParent(parent).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	other, err := c.Organization.Create().SetName("秀洲区阳光社工事务所").SetKind(organization.KindSOCIAL_WORK_AGENCY).SetRegion(fx.town).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	people := map[string]*ent.Person{}
	joined := time.Date(2020, 1, 1, 0, 0, 0, 0, calendar.Zone)
	for _, p := range []struct {
		name string
		org  *ent.Organization
		role membership.Role
	}{
		{"A", fx.agency, membership.RoleSOCIAL_WORKER},
		{"B", fx.agency, membership.RoleSOCIAL_WORKER},
		{"S", fx.agency, membership.RoleSOCIAL_WORKER},
		{"O", other, membership.RoleSOCIAL_WORKER},
	} {
		pp, err := c.Person.Create().SetName("社工" + p.name).SetVolunteerNumber("SW" + p.name).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Membership.Create().SetPerson(pp).SetOrganization(p.org).SetRole(p.role).SetJoinedOn(joined).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		people[p.name] = pp
	}
	for _, v := range fx.volunteers[:2] {
		if err := c.Membership.Create().SetPerson(v).SetOrganization(fx.agency).SetRole(membership.RoleVOLUNTEER).SetJoinedOn(joined).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	keys := caseKeys{"anonymous": "", "admin": a.key}
	for _, k := range []struct {
		name   string
		role   apikey.Role
		org    *ent.Organization
		holder *ent.Person
		perm   apikey.Casework
	}{
		{"worker-a", apikey.RoleEDITOR, fx.agency, people["A"], apikey.CaseworkWORKER},
		{"worker-b", apikey.RoleEDITOR, fx.agency, people["B"], apikey.CaseworkWORKER},
		{"supervisor", apikey.RoleEDITOR, fx.agency, people["S"], apikey.CaseworkSUPERVISOR},
		{"supervisor-other", apikey.RoleEDITOR, other, people["O"], apikey.CaseworkSUPERVISOR},
		{"editor-agency", apikey.RoleEDITOR, fx.agency, nil, ""},
		{"editor-parent", apikey.RoleEDITOR, parent, nil, ""},
		{"reviewer-agency", apikey.RoleREVIEWER, fx.agency, nil, ""},
		{"partner", apikey.RolePARTNER, fx.university, nil, ""},
	} {
		org := k.org.ID
		opts := apikeys.CreateOptions{Role: k.role, OrganizationID: &org, Casework: k.perm}
		if k.holder != nil {
			h := k.holder.ID
			opts.HolderID = &h
		}
		secret, _, err := apikeys.Create(ctx, c, k.name, opts)
		if err != nil {
			t.Fatalf("key %s: %v", k.name, err)
		}
		keys[k.name] = secret
	}
	return keys, other, people
}

// must sends a request and fails on any error.
func (a *api) must(key, query string, vars map[string]any) map[string]any {
	a.t.Helper()
	r := a.post(key, query, vars)
	if len(r.Errors) > 0 {
		a.t.Fatalf("unexpected errors: %s", r.Raw)
	}
	return r.Data
}

// openFullCase opens a case as worker-a and gives it every part: an
// assessment, a plan, a session, a crisis, a volunteer and a referral.
func openFullCase(t *testing.T, a *api, keys caseKeys, other *ent.Organization) (caseID string) {
	t.Helper()
	d := a.must(keys["worker-a"], `mutation($in: OpenCaseInput!) { openCase(input: $in) { id minor displayName } }`, map[string]any{"in": map[string]any{
		"displayName": caseDisplayName, "kind": "CHILD_PROTECTION", "regionCode": a.fx.community.Code, "openedOn": a.fx.day,
		"resident": map[string]any{"name": caseResident, "gender": "MALE", "birthDate": "2014-05-01", "phone": "13912345678", "address": "新塍镇某村"},
	}})
	opened := d["openCase"].(map[string]any)
	caseID = opened["id"].(string)
	if opened["minor"] != true {
		t.Fatalf("a child-protection case is a minor's: %v", opened)
	}
	a.must(keys["worker-a"], `mutation($id: ID!, $t: String!) { assessCase(caseId: $id, assessment: $t) { id } }`, map[string]any{"id": caseID, "t": caseAssessment})
	a.must(keys["worker-a"], `mutation($in: SetCasePlanInput!) { setCasePlan(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"caseId": caseID, "summary": casePlanText, "goals": []string{caseGoalText, "恢复正常上学"}}})
	a.must(keys["worker-a"], `mutation($in: RecordCaseSessionInput!) { recordCaseSession(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"caseId": caseID, "heldOn": a.fx.day, "kind": "HOME_VISIT", "minutes": 90, "note": caseSessionNote}})
	a.must(keys["worker-a"], `mutation($in: AssignCaseVolunteerInput!) { assignCaseVolunteer(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"caseId": caseID, "personId": id(a.fx.volunteers[0].ID), "role": "PSYCHOLOGICAL_COUNSELLOR", "assignedOn": a.fx.day}})
	a.must(keys["worker-a"], `mutation($in: ReportCrisisInput!) { reportCrisis(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"caseId": caseID, "occurredAt": time.Now().Add(-time.Hour).Format(time.RFC3339), "riskLevel": "MEDIUM",
		"description": caseCrisisText, "actionsTaken": "当晚联系家长并陪同回家"}})
	a.must(keys["worker-a"], `mutation($in: ReferCaseInput!) { referCase(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"caseId": caseID, "toOrganizationId": id(other.ID), "reason": caseReferText}})
	return caseID
}

// everyCaseField selects every field of a case and its parts.
const everyCaseField = `query($id: ID!, $reason: String!) { case(id: $id, reason: $reason) {
  id displayName kind status sealed minor inCrisis openedOn closedOn
  agency { id } responsibleWorker { id name } need { id } region { code }
  resident { name gender birthDate phone address }
  assessment assessedAt
  plan { summary setAt goals { id position description result } }
  closure { closedOn outcome summary }
  sessions { totalCount edges { node { id heldOn kind minutes note recordedBy serviceRecords { id } } } }
  crises { totalCount edges { node { id occurredAt riskLevel description actions { at by text } reportedBy acknowledgedBy acknowledgedAt resolvedAt resolvedBy resolution case { id } } } }
  volunteers { totalCount edges { node { id role assignedOn endedOn person { id } } } }
  referrals { totalCount edges { node { id caseDisplayName caseKind fromAgency { id } toOrganization { id } referredOn reason status answeredOn answeredBy answer } } }
} }`

// TestCaseFieldsByRole reads every field of a case as every role: the
// case's readers get all of it; every other caller gets the same null (a
// case key) or a refusal decided by the key alone, and none of the case's
// text.
func TestCaseFieldsByRole(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		keys, other, _ := caseWorld(t, a)
		caseID := openFullCase(t, a, keys, other)
		reason := "跟进个案 follow-up"
		for _, tc := range []struct {
			role string
			want string // "full", "null", or an error code
		}{
			{"worker-a", "full"},
			{"supervisor", "full"},
			{"admin", "full"},
			{"worker-b", "null"},
			{"supervisor-other", "null"},
			{"editor-agency", "FORBIDDEN"},
			{"editor-parent", "FORBIDDEN"},
			{"reviewer-agency", "FORBIDDEN"},
			{"partner", "FORBIDDEN"},
			{"anonymous", "UNAUTHENTICATED"},
		} {
			t.Run(tc.role, func(t *testing.T) {
				r := a.post(keys[tc.role], everyCaseField, map[string]any{"id": caseID, "reason": reason})
				switch tc.want {
				case "full":
					if len(r.Errors) > 0 {
						t.Fatalf("errors: %s", r.Raw)
					}
					for _, s := range caseSecrets {
						if !strings.Contains(r.Raw, s) {
							t.Errorf("the case's reader misses %q: %s", s, r.Raw)
						}
					}
					cs := r.Data["case"].(map[string]any)
					for _, f := range []string{"sessions", "crises", "volunteers", "referrals"} {
						if n := cs[f].(map[string]any)["totalCount"]; n != float64(1) {
							t.Errorf("%s: totalCount %v, want 1", f, n)
						}
					}
					if cs["inCrisis"] != true || cs["minor"] != true || cs["sealed"] != false {
						t.Errorf("flags: %v", cs)
					}
				case "null":
					if len(r.Errors) > 0 || r.Data["case"] != nil {
						t.Fatalf("want null: %s", r.Raw)
					}
				default:
					if r.code() != tc.want {
						t.Fatalf("code %q, want %s: %s", r.code(), tc.want, r.Raw)
					}
				}
				if tc.want != "full" {
					assertNoLeak(t, r.Raw, caseSecrets...)
				}
			})
		}
		// Without a reason nobody reads, ADMIN included.
		for _, role := range []string{"admin", "worker-a"} {
			r := a.post(keys[role], everyCaseField, map[string]any{"id": caseID, "reason": " "})
			if r.code() != "BAD_USER_INPUT" || r.field() != "reason" {
				t.Errorf("%s without a reason: %s", role, r.Raw)
			}
			assertNoLeak(t, r.Raw, caseSecrets...)
		}
		// Every read is in the audit trail with its reason.
		n, err := a.db.Client.AuditEvent.Query().Where(auditevent.Action("case"), auditevent.Reason(reason)).Count(a.sys())
		if err != nil || n < 5 {
			t.Fatalf("audited reads with the reason: %d, %v", n, err)
		}
	})
}

// TestCaseDoors repeats the side-channel probes for cases: a case the
// caller may not read and one that does not exist answer alike, whatever
// the door.
func TestCaseDoors(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		keys, other, people := caseWorld(t, a)
		caseID := openFullCase(t, a, keys, other)
		missing := id(decodeID(t, caseID) + 1000)

		// Reads: another agency's supervisor, and worker B, get the same
		// answer for A's case as for a case that does not exist.
		for _, role := range []string{"worker-b", "supervisor-other"} {
			q := `query($id: ID!) { case(id: $id, reason: "probe test") { id displayName } }`
			real := a.post(keys[role], q, map[string]any{"id": caseID})
			none := a.post(keys[role], q, map[string]any{"id": missing})
			if real.Raw != none.Raw {
				t.Errorf("%s tells a true guess from a false one:\n%s\n%s", role, real.Raw, none.Raw)
			}
		}
		// node(id:) knows no case, for anyone.
		for _, role := range []string{"admin", "worker-a", "editor-agency"} {
			q := `query($id: ID!) { node(id: $id) { id } }`
			real := a.post(keys[role], q, map[string]any{"id": caseID})
			none := a.post(keys[role], q, map[string]any{"id": missing})
			if stripRequestID(real.Raw) != stripRequestID(none.Raw) {
				t.Errorf("node(id:) as %s tells a case from none:\n%s\n%s", role, real.Raw, none.Raw)
			}
			assertNoLeak(t, real.Raw, append(caseSecrets, caseDisplayName)...)
		}
		// Writes: every mutation on A's case by worker B or another agency
		// answers as for no case, and writes nothing.
		before := a.counts()
		for _, role := range []string{"worker-b", "supervisor-other"} {
			for _, m := range []struct{ q string }{
				{`mutation($id: ID!) { assessCase(caseId: $id, assessment: "x") { id } }`},
				{`mutation($id: ID!) { setCasePlan(input: {caseId: $id, summary: "x", goals: ["y"]}) { id } }`},
				{`mutation($id: ID!) { recordCaseSession(input: {caseId: $id, heldOn: "2020-01-01", kind: PHONE, minutes: 5}) { id } }`},
				{`mutation($id: ID!) { reportCrisis(input: {caseId: $id, occurredAt: "2020-01-01T00:00:00Z", riskLevel: LOW, description: "x", actionsTaken: "y"}) { id } }`},
				{`mutation($id: ID!) { closeCase(input: {caseId: $id, outcome: WITHDRAWN, summary: "x"}) { id } }`},
			} {
				real := a.post(keys[role], m.q, map[string]any{"id": caseID})
				none := a.post(keys[role], m.q, map[string]any{"id": missing})
				if real.code() != "NOT_FOUND" || stripRequestID(real.Raw) != stripRequestID(none.Raw) {
					t.Errorf("%s %s:\n%s\n%s", role, m.q, real.Raw, none.Raw)
				}
			}
		}
		// Keys without case permission are refused before anything is read.
		for _, role := range []string{"editor-agency", "reviewer-agency", "editor-parent"} {
			q := `mutation($id: ID!) { assessCase(caseId: $id, assessment: "x") { id } }`
			real := a.post(keys[role], q, map[string]any{"id": caseID})
			none := a.post(keys[role], q, map[string]any{"id": missing})
			if real.code() != "FORBIDDEN" || real.Raw != none.Raw {
				t.Errorf("%s: %s / %s", role, real.Raw, none.Raw)
			}
		}
		if after := a.counts(); fmt.Sprint(after["auditEvents"]) == "" || !sameExceptAudit(before, after) {
			t.Errorf("refused writes changed data: %v -> %v", before, after)
		}

		// The resident is nobody's person: not in people lists (ADMIN's
		// included), not in search, not through node(id:); and the people
		// table's ids do not count residents, who are not in it.
		resident, err := a.db.Client.CaseResident.Query().Only(a.sys())
		if err != nil {
			t.Fatal(err)
		}
		for _, role := range []string{"admin", "worker-a", "supervisor", "editor-agency"} {
			r := a.post(keys[role], `{ people(first: 100) { totalCount edges { node { id name } } } }`, nil)
			assertNoLeak(t, r.Raw, caseResident, id(resident.ID))
			q := `query($id: ID!) { node(id: $id) { id ... on Person { name } } }`
			real := a.post(keys[role], q, map[string]any{"id": id(resident.ID)})
			none := a.post(keys[role], q, map[string]any{"id": id(resident.ID + 1)})
			if real.Data["node"] != nil || stripRequestID(real.Raw) != stripRequestID(none.Raw) {
				t.Errorf("%s: node(id:) tells a resident from none:\n%s\n%s", role, real.Raw, none.Raw)
			}
			assertNoLeak(t, real.Raw, caseResident)
			r = a.post(keys[role], `{ searchPeople(name: "王", first: 10) { totalCount edges { node { id } } } }`, nil)
			assertNoLeak(t, r.Raw, caseResident, id(resident.ID))
		}
		maxPerson := func() int {
			ids, err := a.db.Client.Person.Query().IDs(a.sys())
			if err != nil {
				t.Fatal(err)
			}
			return slices.Max(ids)
		}
		lastPerson := maxPerson()
		d := a.must(keys["editor-agency"], `mutation($o: ID!) { registerVolunteer(input: {organizationId: $o, name: "探针"}) { id } }`,
			map[string]any{"o": id(a.fx.agency.ID)})
		if got := decodeID(t, d["registerVolunteer"].(map[string]any)["id"].(string)); got != lastPerson+1 {
			t.Errorf("the next person's id is %d after %d: something else took people ids", got, lastPerson)
		}

		// Case ids are random within their table's range: the id a case key
		// gets back says nothing of how many cases the district has.
		var caseIDs []int
		for i := 0; i < 3; i++ {
			d := a.must(keys["supervisor-other"], `mutation($in: OpenCaseInput!) { openCase(input: $in) { id } }`, map[string]any{"in": map[string]any{
				"responsibleWorkerId": id(people["O"].ID), "displayName": fmt.Sprintf("探%d（化名）", i), "kind": "FAMILY",
				"regionCode": a.fx.town.Code, "resident": map[string]any{"name": "某", "birthDate": "1980-01-01"}}})
			caseIDs = append(caseIDs, decodeID(t, d["openCase"].(map[string]any)["id"].(string)))
		}
		if caseIDs[1] == caseIDs[0]+1 && caseIDs[2] == caseIDs[1]+1 {
			t.Errorf("case ids in sequence: %v", caseIDs)
		}
		base := decodeID(t, caseID) >> 32 << 32
		for _, cid := range caseIDs {
			if cid>>32<<32 != base {
				t.Errorf("case id %d outside the case table's range (%d)", cid, base)
			}
		}

		// No filter, ordering or edge of the schema reaches a case.
		r := a.admin(`{ __schema { types { name inputFields { name } fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }`, nil)
		caseTypes := map[string]bool{"Case": true, "CaseResident": true, "CasePlan": true, "CaseGoal": true, "CaseClosure": true,
			"CaseSession": true, "CaseCrisis": true, "CaseVolunteer": true, "CaseReferral": true, "CrisisAction": true}
		for _, ty := range r["__schema"].(map[string]any)["types"].([]any) {
			tm := ty.(map[string]any)
			name := tm["name"].(string)
			// (ApiKey's casework is the key's own permission, not case data.)
			if (strings.HasSuffix(name, "WhereInput") || strings.HasSuffix(name, "OrderField")) && name != "ApiKeyWhereInput" {
				for _, f := range asList(tm["inputFields"]) {
					if strings.Contains(strings.ToLower(f["name"].(string)), "case") {
						t.Errorf("%s.%s filters on cases", name, f["name"])
					}
				}
			}
			if caseTypes[name] || strings.HasPrefix(name, "Case") || name == "Query" || name == "Mutation" {
				continue
			}
			for _, f := range asList(tm["fields"]) {
				if caseTypes[innerType(f["type"])] {
					t.Errorf("%s.%s leads into case files", name, f["name"])
				}
			}
		}

		// At rest the narrative is sealed with the case key: not in the
		// database's bytes, and not openable with the ID-number secret.
		cf, err := a.db.Client.CaseFile.Get(a.sys(), decodeID(t, caseID))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(cf.AssessmentCiphertext), caseAssessment) || len(cf.AssessmentCiphertext) == 0 {
			t.Error("the assessment is stored in clear")
		}
		wrong, _ := pii.NewCaseNotes(testSecret)
		if _, err := wrong.Open(cf.AssessmentCiphertext, fmt.Sprintf("case/assessment/%d", cf.ID)); err == nil {
			t.Error("the ID-number secret opens case notes")
		}
		right, _ := pii.NewCaseNotes(testCaseKey)
		if got, err := right.Open(cf.AssessmentCiphertext, fmt.Sprintf("case/assessment/%d", cf.ID)); err != nil || got != caseAssessment {
			t.Errorf("the case key does not open the assessment: %q %v", got, err)
		}
		if _, err := right.Open(cf.AssessmentCiphertext, fmt.Sprintf("case/plan/%d", cf.ID)); err == nil {
			t.Error("a ciphertext opens in another field")
		}
	})
}

// TestCaseCrisisWorkflow drives a crisis from report to resolution and the
// case to closure, through the HTTP handler.
func TestCaseCrisisWorkflow(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		keys, other, _ := caseWorld(t, a)
		caseID := openFullCase(t, a, keys, other)
		w, s := keys["worker-a"], keys["supervisor"]
		// openFullCase left a MEDIUM crisis open; resolve it first.
		cr := a.must(w, `query($id: ID!) { case(id: $id, reason: "crisis drill") { crises { edges { node { id } } } } }`, map[string]any{"id": caseID})
		medium := cr["case"].(map[string]any)["crises"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["id"]
		a.must(w, `mutation($id: ID!) { resolveCrisis(id: $id, resolution: "已回家，情绪平稳") { resolvedAt } }`, map[string]any{"id": medium})

		d := a.must(w, `mutation($in: ReportCrisisInput!) { reportCrisis(input: $in) { id riskLevel acknowledgedAt } }`, map[string]any{"in": map[string]any{
			"caseId": caseID, "occurredAt": time.Now().Add(-10 * time.Minute).Format(time.RFC3339), "riskLevel": "IMMINENT",
			"description": "在天台边缘，拒绝沟通", "actionsTaken": "报警并通知监护人，社工赶赴现场"}})
		crisis := d["reportCrisis"].(map[string]any)["id"]

		// In crisis: the case does not close, the worker cannot resolve an
		// unacknowledged IMMINENT crisis, and only a supervisor acknowledges.
		ci := a.must(w, `query($id: ID!) { case(id: $id, reason: "crisis drill") { inCrisis } }`, map[string]any{"id": caseID})
		if ci["case"].(map[string]any)["inCrisis"] != true {
			t.Fatal("the case is not in crisis")
		}
		if r := a.post(w, `mutation($id: ID!) { closeCase(input: {caseId: $id, outcome: WITHDRAWN, summary: "x"}) { id } }`, map[string]any{"id": caseID}); r.code() != "CONFLICT" {
			t.Errorf("closing in crisis: %s", r.Raw)
		}
		if r := a.post(w, `mutation($id: ID!) { resolveCrisis(id: $id, resolution: "x") { id } }`, map[string]any{"id": crisis}); r.code() != "CONFLICT" {
			t.Errorf("resolving unacknowledged: %s", r.Raw)
		}
		if r := a.post(w, `mutation($id: ID!) { acknowledgeCrisis(id: $id) { id } }`, map[string]any{"id": crisis}); r.code() != "FORBIDDEN" {
			t.Errorf("a worker acknowledging: %s", r.Raw)
		}
		if r := a.post(keys["supervisor-other"], `mutation($id: ID!) { acknowledgeCrisis(id: $id) { id } }`, map[string]any{"id": crisis}); r.code() != "NOT_FOUND" {
			t.Errorf("another agency's supervisor acknowledging: %s", r.Raw)
		}

		// The supervisor's worklist has it first.
		wl := a.must(s, `{ openCrises(reason: "每日危机复核") { totalCount edges { node { id riskLevel case { displayName } } } } }`, nil)
		edges := wl["openCrises"].(map[string]any)["edges"].([]any)
		if len(edges) != 1 || edges[0].(map[string]any)["node"].(map[string]any)["id"] != crisis {
			t.Fatalf("worklist: %v", wl)
		}
		if r := a.post(keys["supervisor-other"], `{ openCrises(reason: "每日危机复核") { totalCount } }`, nil); !strings.Contains(r.Raw, `"totalCount":0`) {
			t.Errorf("another agency sees the crisis: %s", r.Raw)
		}
		a.must(s, `mutation($id: ID!) { acknowledgeCrisis(id: $id, note: "已联系心理危机干预热线") { acknowledgedBy } }`, map[string]any{"id": crisis})
		a.must(w, `mutation($id: ID!) { addCrisisAction(id: $id, action: "次日复访，签订安全协议") { id } }`, map[string]any{"id": crisis})
		res := a.must(w, `mutation($id: ID!) { resolveCrisis(id: $id, resolution: "危机解除，转入常规服务") { resolvedBy actions { by text } } }`, map[string]any{"id": crisis})
		actions := res["resolveCrisis"].(map[string]any)["actions"].([]any)
		if len(actions) != 3 {
			t.Fatalf("actions: %v", actions)
		}
		for i, want := range []string{"报警并通知监护人", "心理危机干预热线", "安全协议"} {
			if !strings.Contains(actions[i].(map[string]any)["text"].(string), want) {
				t.Errorf("action %d: %v", i, actions[i])
			}
		}
		if wl := a.must(s, `{ openCrises(reason: "每日危机复核") { totalCount } }`, nil); wl["openCrises"].(map[string]any)["totalCount"] != float64(0) {
			t.Errorf("worklist after resolution: %v", wl)
		}

		// Closure: every goal gets a result.
		plan := a.must(w, `query($id: ID!) { case(id: $id, reason: "结案评估") { inCrisis plan { goals { id } } } }`, map[string]any{"id": caseID})
		goals := plan["case"].(map[string]any)["plan"].(map[string]any)["goals"].([]any)
		r := a.post(w, `mutation($in: CloseCaseInput!) { closeCase(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"caseId": caseID, "outcome": "GOALS_MET", "summary": "目标达成",
			"goalResults": []any{map[string]any{"goalId": goals[0].(map[string]any)["id"], "result": "MET"}}}})
		if r.code() != "BAD_USER_INPUT" {
			t.Errorf("closing without every goal's result: %s", r.Raw)
		}
		closed := a.must(w, `mutation($in: CloseCaseInput!) { closeCase(input: $in) { status closure { outcome summary } plan { goals { result } } volunteers { edges { node { endedOn } } } } }`, map[string]any{"in": map[string]any{
			"caseId": caseID, "outcome": "PARTLY_MET", "summary": "情绪稳定，已复学",
			"goalResults": []any{
				map[string]any{"goalId": goals[0].(map[string]any)["id"], "result": "MET"},
				map[string]any{"goalId": goals[1].(map[string]any)["id"], "result": "PARTLY_MET"},
			}}})
		c := closed["closeCase"].(map[string]any)
		if c["status"] != "CLOSED" || c["volunteers"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["endedOn"] == nil {
			t.Errorf("closed: %v", c)
		}
		if r := a.post(w, `mutation($id: ID!) { assessCase(caseId: $id, assessment: "x") { id } }`, map[string]any{"id": caseID}); r.code() != "CONFLICT" {
			t.Errorf("writing to a closed case: %s", r.Raw)
		}
	})
}

// TestCaseVolunteersAndReferrals: a session with volunteers logs ordinary
// service records that carry nothing of the case; a referral shows the
// receiving organisation what it is asked and nothing more.
func TestCaseVolunteersAndReferrals(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		keys, other, _ := caseWorld(t, a)
		caseID := openFullCase(t, a, keys, other)
		w := keys["worker-a"]
		in := map[string]any{"caseId": caseID, "heldOn": a.fx.day, "kind": "INTERVIEW", "minutes": 60, "note": "心理疏导第一次",
			"activityId": id(a.fx.activity.ID), "volunteers": []any{map[string]any{"personId": id(a.fx.volunteers[1].ID), "minutes": 60}}}
		before := a.counts()
		if r := a.post(w, `mutation($in: RecordCaseSessionInput!) { recordCaseSession(input: $in) { id } }`, map[string]any{"in": in}); r.code() != "BAD_USER_INPUT" || r.field() != "input.volunteers.0.personId" {
			t.Errorf("an unassigned volunteer: %s", r.Raw)
		}
		if after := a.counts(); !sameExceptAudit(before, after) {
			t.Errorf("a refused session wrote: %v -> %v", before, after)
		}
		// A session without volunteers takes volunteerContent and writes no record.
		a.must(w, `mutation($id: ID!, $d: Date!) { recordCaseSession(input: {caseId: $id, heldOn: $d, kind: PHONE, minutes: 15, volunteerContent: "电话随访"}) { id } }`,
			map[string]any{"id": caseID, "d": a.fx.day})
		in["volunteers"] = []any{map[string]any{"personId": id(a.fx.volunteers[0].ID), "minutes": 60}}
		d := a.must(w, `mutation($in: RecordCaseSessionInput!) { recordCaseSession(input: $in) { serviceRecords { id status content } } }`, map[string]any{"in": in})
		recs := d["recordCaseSession"].(map[string]any)["serviceRecords"].([]any)
		// PENDING, and saying what the volunteers' other records at the
		// activity say (its title): no fixed text picks case work out.
		if len(recs) != 1 || recs[0].(map[string]any)["status"] != "PENDING" || recs[0].(map[string]any)["content"] != a.fx.activity.Title {
			t.Fatalf("service records: %v", recs)
		}
		// The reviewer verifies the record as any other; nothing in it
		// tells of the case.
		rec := a.must(keys["reviewer-agency"], `query($id: ID!) { node(id: $id) { ... on ServiceRecord { id content minutes servedOn activity { title place } } } }`, map[string]any{"id": recs[0].(map[string]any)["id"]})
		raw, _ := json.Marshal(rec)
		assertNoLeak(t, string(raw), append(caseSecrets, caseDisplayName, "心理疏导", "CHILD_PROTECTION", "个案")...)
		a.must(keys["reviewer-agency"], `mutation($id: ID!) { reviewServiceRecords(input: {ids: [$id], decision: VERIFY}) { count } }`, map[string]any{"id": recs[0].(map[string]any)["id"]})

		// The receiving organisation reads the referral, not the case.
		so := keys["supervisor-other"]
		ref := a.must(so, `{ incomingReferrals(reason: "转介受理") { totalCount edges { node { id caseDisplayName caseKind reason status fromAgency { id } } } } }`, nil)
		edges := ref["incomingReferrals"].(map[string]any)["edges"].([]any)
		if len(edges) != 1 {
			t.Fatalf("incoming: %v", ref)
		}
		node := edges[0].(map[string]any)["node"].(map[string]any)
		if node["reason"] != caseReferText || node["caseDisplayName"] != caseDisplayName {
			t.Errorf("referral: %v", node)
		}
		raw, _ = json.Marshal(ref)
		assertNoLeak(t, string(raw), caseResident, caseAssessment, casePlanText, caseSessionNote, caseCrisisText)
		if r := a.post(keys["supervisor"], `{ incomingReferrals(reason: "转介受理") { totalCount } }`, nil); !strings.Contains(r.Raw, `"totalCount":0`) {
			t.Errorf("the referring agency's incoming list: %s", r.Raw)
		}
		if r := a.post(keys["editor-agency"], `{ incomingReferrals(reason: "转介受理") { totalCount } }`, nil); r.code() != "FORBIDDEN" {
			t.Errorf("a key without case permission: %s", r.Raw)
		}
		if r := a.post(keys["supervisor"], `mutation($id: ID!) { answerReferral(id: $id, accept: true, answer: "x") { id } }`, map[string]any{"id": node["id"]}); r.code() != "NOT_FOUND" {
			t.Errorf("the referring agency answering its own referral: %s", r.Raw)
		}
		a.must(so, `mutation($id: ID!) { answerReferral(id: $id, accept: true, answer: "已安排律师对接") { status } }`, map[string]any{"id": node["id"]})
		got := a.must(w, `query($id: ID!) { case(id: $id, reason: "查看转介答复") { referrals { edges { node { status answer answeredBy } } } } }`, map[string]any{"id": caseID})
		rn := got["case"].(map[string]any)["referrals"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)
		if rn["status"] != "ACCEPTED" || rn["answer"] != "已安排律师对接" || rn["answeredBy"] != "supervisor-other" {
			t.Errorf("answered referral: %v", rn)
		}
	})
}

// TestCaseSealingAndPurge: a case closed longer ago than the retention
// period is ADMIN's alone; purging it keeps only what statistics count.
func TestCaseSealingAndPurge(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		keys, _, _ := caseWorld(t, a)
		w := keys["worker-a"]
		d := a.must(w, `mutation($in: OpenCaseInput!) { openCase(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"displayName": "阿梅（化名）", "kind": "ELDERLY", "regionCode": a.fx.town.Code, "openedOn": "2020-03-02",
			"resident": map[string]any{"name": "李阿梅", "birthDate": "1940-01-01"}}})
		caseID := d["openCase"].(map[string]any)["id"]
		a.must(w, `mutation($id: ID!) { closeCase(input: {caseId: $id, outcome: WITHDRAWN, summary: "本人搬离", closedOn: "2021-05-06"}) { status } }`, map[string]any{"id": caseID})

		q := `query($id: ID!) { case(id: $id, reason: "档案核查 records check") { id sealed displayName } }`
		for _, role := range []string{"worker-a", "supervisor"} {
			if r := a.post(keys[role], q, map[string]any{"id": caseID}); r.Data["case"] != nil || len(r.Errors) > 0 {
				t.Errorf("%s reads a sealed case: %s", role, r.Raw)
			}
		}
		r := a.must(keys["admin"], q, map[string]any{"id": caseID})
		if r["case"].(map[string]any)["sealed"] != true {
			t.Fatalf("admin: %v", r)
		}
		if r := a.post(keys["supervisor"], `mutation { purgeSealedCases(reason: "到期清除") { count } }`, nil); r.code() != "FORBIDDEN" {
			t.Errorf("a supervisor purging: %s", r.Raw)
		}
		if r := a.post(keys["admin"], `mutation { purgeSealedCases(reason: "") { count } }`, nil); r.code() != "BAD_USER_INPUT" {
			t.Errorf("purging without a reason: %s", r.Raw)
		}
		p := a.must(keys["admin"], `mutation { purgeSealedCases(reason: "保存期满，依规清除") { count } }`, nil)
		if p["purgeSealedCases"].(map[string]any)["count"] != float64(1) {
			t.Fatalf("purged: %v", p)
		}
		if r := a.must(keys["admin"], q, map[string]any{"id": caseID}); r["case"] != nil {
			t.Errorf("a purged case reads: %v", r)
		}
		cf, err := a.db.Client.CaseFile.Query().Only(a.sys())
		if err != nil {
			t.Fatal(err)
		}
		if cf.Status != casefile.StatusPURGED || cf.AgencyID != nil || cf.ResidentID != nil || cf.ResponsibleWorkerID != nil ||
			cf.DisplayName != "" || len(cf.ClosureCiphertext) != 0 || cf.Kind != casefile.KindELDERLY ||
			cf.OpenedOn.Format(time.DateOnly) != "2020-01-01" || cf.ClosedOn.Format(time.DateOnly) != "2021-04-01" {
			t.Errorf("purged row: %+v", cf)
		}
		if n, _ := a.db.Client.CaseResident.Query().Count(a.sys()); n != 0 {
			t.Errorf("the resident's record outlived the purge")
		}
		ev, err := a.db.Client.AuditEvent.Query().Where(auditevent.Action("purgeSealedCases")).Only(a.sys())
		if err != nil || ev.Count != 1 || ev.Reason != "保存期满，依规清除" || ev.Actor != "test-admin" {
			t.Errorf("purge audit: %+v %v", ev, err)
		}
	})
}

// TestCaseWorkOff: without a case key every case operation is refused,
// with a message that says why.
func TestCaseWorkOff(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		off := a.withConfig(func(cfg *server.Config) { cfg.CaseKey = nil })
		r := off.post(a.key, `{ cases(reason: "检查配置") { totalCount } }`, nil)
		if r.code() != "FORBIDDEN" || !strings.Contains(r.Raw, "TONGXING_CASE_KEY") {
			t.Errorf("case work off: %s", r.Raw)
		}
	})
}

func asList(v any) []map[string]any {
	l, _ := v.([]any)
	out := make([]map[string]any, 0, len(l))
	for _, x := range l {
		out = append(out, x.(map[string]any))
	}
	return out
}

func innerType(v any) string {
	for m, ok := v.(map[string]any); ok; m, ok = m["ofType"].(map[string]any) {
		if n, _ := m["name"].(string); n != "" {
			return n
		}
	}
	return ""
}

func sameExceptAudit(before, after map[string]int) bool {
	for k, v := range before {
		if k != "auditEvents" && after[k] != v {
			return false
		}
	}
	return true
}

// withConfig is a second server over a's database, key and fixture, with
// its configuration changed by change.
func (a *api) withConfig(change func(*server.Config)) *api {
	a.t.Helper()
	cfg, err := server.LoadConfig(func(string) string { return "" })
	if err != nil {
		a.t.Fatal(err)
	}
	cfg.SecretKey, cfg.CaseKey = testSecret, testCaseKey
	change(&cfg)
	return &api{t: a.t, db: a.db, key: a.key, fx: a.fx, h: server.New(cfg, a.db, slog.New(slog.DiscardHandler)).Handler()}
}

var requestIDPattern = regexp.MustCompile(`"requestId":"[^"]*"`)

// stripRequestID removes the one part of an error that differs between any
// two requests.
func stripRequestID(raw string) string { return requestIDPattern.ReplaceAllString(raw, "") }
