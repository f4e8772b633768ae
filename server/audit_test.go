package server_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/auditevent"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/partnership"
	"github.com/tongxing/tongxing/ent/partybuildinglink"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/graph"
)

// auditCase is one successful call of a mutation and the audit event it
// must write: the entity it says it acted on and how many records.
type auditCase struct {
	// run builds what the mutation needs (through the system context, so
	// it writes no audit event), calls it and returns the response's data
	// for the field and the expected event.
	run func(t *testing.T, a *api) (data map[string]any, want wantEvent)
}

type wantEvent struct {
	entityType string
	// entityID is the global id; "" for an event about many records.
	entityID string
	count    int
	// actor is who the event names: "" for the test's ADMIN key, a
	// VOLUNTEER credential's name, or "anonymous" (no key).
	actor string
}

// returned is the event of a mutation that created or changed the entity
// it returns: its type, the id in the response, count 1.
func returned(typ string) func(data map[string]any) wantEvent {
	return func(data map[string]any) wantEvent {
		return wantEvent{entityType: typ, entityID: data["id"].(string), count: 1}
	}
}

// TestEveryMutationWritesItsAuditEvent calls every Mutation field of the
// schema once, successfully, and checks that exactly one audit event was
// written for it, naming the mutation, the entity the operation says it
// acted on, the count, the key and the request. The operations say what
// they audit (package audit), not the transaction middleware, so this is
// what keeps each of them saying it; a mutation added to the schema fails
// here until it has a row.
func TestEveryMutationWritesItsAuditEvent(t *testing.T) {
	must := func(t *testing.T, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// verified is a VERIFIED record of volunteer 0 at the fixture's activity.
	verified := func(t *testing.T, a *api) *ent.ServiceRecord {
		r, err := a.db.Client.ServiceRecord.Create().SetPerson(a.fx.volunteers[0]).SetActivity(a.fx.activity).
			SetServedOn(mustDate(t, a.fx.day)).SetMinutes(120).SetContent("送餐").SetRecordedBy("test").
			SetStatus(servicerecord.StatusVERIFIED).Save(a.sys())
		must(t, err)
		return r
	}
	since := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	newNeed := func(t *testing.T, a *api) *ent.Need {
		n, err := a.db.Client.Need.Create().SetTitle("独居老人助餐").SetDomain(a.fx.elderly).SetRegion(a.fx.town).
			SetOpenedAt(time.Now()).SetStatus(need.StatusMATCHED).SetMatchedOrganization(a.fx.agency).Save(a.sys())
		must(t, err)
		return n
	}
	// call sends a mutation that must succeed and returns its field's data.
	call := func(a *api, field, query string, vars map[string]any) map[string]any {
		return a.admin(query, vars)[field].(map[string]any)
	}
	entity := func(field, typ, query string, vars func(t *testing.T, a *api) map[string]any) auditCase {
		return auditCase{run: func(t *testing.T, a *api) (map[string]any, wantEvent) {
			d := call(a, field, query, vars(t, a))
			return d, returned(typ)(d)
		}}
	}
	none := func(*testing.T, *api) map[string]any { return nil }

	cases := map[string]auditCase{
		"createOrganization": entity("createOrganization", "Organization", createOrg, func(_ *testing.T, a *api) map[string]any { return orgInput(a.fx, nil) }),
		"updateOrganization": entity("updateOrganization", "Organization", `mutation($id:ID!){ updateOrganization(id:$id, input:{name:"新塍镇红心志愿服务总队"}) { id } }`,
			func(_ *testing.T, a *api) map[string]any { return map[string]any{"id": id(a.fx.team.ID)} }),
		"createPartyBuildingLink": entity("createPartyBuildingLink", "PartyBuildingLink",
			`mutation($p:ID!,$q:ID!){ createPartyBuildingLink(input:{partyOrganizationId:$p, partnerId:$q, linkType:PAIRING, startedOn:"2024-01-01"}) { id } }`,
			func(_ *testing.T, a *api) map[string]any {
				return map[string]any{"p": id(a.fx.party.ID), "q": id(a.fx.team.ID)}
			}),
		"updatePartyBuildingLink": entity("updatePartyBuildingLink", "PartyBuildingLink",
			`mutation($id:ID!){ updatePartyBuildingLink(id:$id, input:{agreementSummary:"共建助餐点"}) { id } }`,
			func(t *testing.T, a *api) map[string]any {
				l, err := a.db.Client.PartyBuildingLink.Create().SetPartyOrganization(a.fx.party).SetPartner(a.fx.agency).
					SetLinkType(partybuildinglink.LinkTypePAIRING).SetStartedOn(since).Save(a.sys())
				must(t, err)
				return map[string]any{"id": id(l.ID)}
			}),
		"endPartyBuildingLink": entity("endPartyBuildingLink", "PartyBuildingLink",
			`mutation($id:ID!){ endPartyBuildingLink(id:$id, endedOn:"2025-12-31") { id } }`,
			func(t *testing.T, a *api) map[string]any {
				l, err := a.db.Client.PartyBuildingLink.Create().SetPartyOrganization(a.fx.party).SetPartner(a.fx.agency).
					SetLinkType(partybuildinglink.LinkTypePAIRING).SetStartedOn(since).Save(a.sys())
				must(t, err)
				return map[string]any{"id": id(l.ID)}
			}),
		"createPartnership": entity("createPartnership", "Partnership",
			`mutation($o:ID!,$p:ID!){ createPartnership(input:{organizationId:$o, partnerId:$p, kind:PRACTICE_BASE, startedOn:"2024-09-01"}) { id } }`,
			func(_ *testing.T, a *api) map[string]any {
				return map[string]any{"o": id(a.fx.university.ID), "p": id(a.fx.agency.ID)}
			}),
		"updatePartnership": entity("updatePartnership", "Partnership",
			`mutation($id:ID!){ updatePartnership(id:$id, input:{endedOn:"2027-08-31"}) { id } }`,
			func(t *testing.T, a *api) map[string]any {
				p, err := a.db.Client.Partnership.Create().SetOrganization(a.fx.agency).SetPartner(a.fx.party).
					SetKind(partnership.KindMENTORING).SetStartedOn(since).Save(a.sys())
				must(t, err)
				return map[string]any{"id": id(p.ID)}
			}),
		"createIndicator": entity("createIndicator", "Indicator", `mutation{ createIndicator(input:{code:"meals-served", name:"送餐份数"}) { id } }`, none),
		"updateIndicator": entity("updateIndicator", "Indicator", `mutation($id:ID!){ updateIndicator(id:$id, input:{unit:"户次"}) { id } }`,
			func(_ *testing.T, a *api) map[string]any { return map[string]any{"id": id(a.fx.indicator.ID)} }),
		"createProject": entity("createProject", "Project",
			`mutation($o:ID!){ createProject(input:{name:"社区微动力", participants:[{organizationId:$o, role:LEAD}]}) { id } }`,
			func(_ *testing.T, a *api) map[string]any { return map[string]any{"o": id(a.fx.agency.ID)} }),
		"updateProject": entity("updateProject", "Project", `mutation($id:ID!){ updateProject(id:$id, input:{stage:EVALUATION}) { id } }`,
			func(_ *testing.T, a *api) map[string]any { return map[string]any{"id": id(a.fx.project.ID)} }),
		"createActivity": entity("createActivity", "Activity",
			`mutation($o:ID!){ createActivity(input:{title:"上门送餐", organizationId:$o, regionCode:"330411104", startsAt:"2025-06-02T09:00:00+08:00", endsAt:"2025-06-02T11:30:00+08:00"}) { id } }`,
			func(_ *testing.T, a *api) map[string]any { return map[string]any{"o": id(a.fx.agency.ID)} }),
		"updateActivity": entity("updateActivity", "Activity", `mutation($id:ID!){ updateActivity(id:$id, input:{beneficiaries:45}) { id } }`,
			func(_ *testing.T, a *api) map[string]any { return map[string]any{"id": id(a.fx.activity.ID)} }),
		"createOutcome": entity("createOutcome", "Outcome",
			`mutation($p:ID!,$i:ID!){ createOutcome(input:{projectId:$p, indicatorId:$i, periodStart:"2024-01-01", periodEnd:"2024-12-31", actual:86}) { id } }`,
			func(_ *testing.T, a *api) map[string]any {
				return map[string]any{"p": id(a.fx.project.ID), "i": id(a.fx.indicator.ID)}
			}),
		"updateOutcome": entity("updateOutcome", "Outcome", `mutation($id:ID!){ updateOutcome(id:$id, input:{actual:90}) { id } }`,
			func(t *testing.T, a *api) map[string]any {
				o, err := a.db.Client.Outcome.Create().SetProject(a.fx.project).SetIndicator(a.fx.indicator).
					SetPeriodStart(since).SetPeriodEnd(since.AddDate(1, 0, -1)).SetActual(86).Save(a.sys())
				must(t, err)
				return map[string]any{"id": id(o.ID)}
			}),
		"createNeed": entity("createNeed", "Need", `mutation($d:ID!){ createNeed(input:{title:"独居老人午餐", domainId:$d, regionCode:"330411104"}) { id } }`,
			func(_ *testing.T, a *api) map[string]any { return map[string]any{"d": id(a.fx.elderly.ID)} }),
		"updateNeed": entity("updateNeed", "Need", `mutation($id:ID!){ updateNeed(id:$id, input:{title:"独居老人晚餐"}) { id } }`,
			func(t *testing.T, a *api) map[string]any { return map[string]any{"id": id(newNeed(t, a).ID)} }),
		"assignNeed": entity("assignNeed", "Need", `mutation($id:ID!,$o:ID!){ assignNeed(id:$id, organizationId:$o) { id } }`,
			func(t *testing.T, a *api) map[string]any {
				return map[string]any{"id": id(newNeed(t, a).ID), "o": id(a.fx.team.ID)}
			}),
		"resolveNeed": entity("resolveNeed", "Need", `mutation($id:ID!){ resolveNeed(id:$id, note:"已纳入助餐名单") { id } }`,
			func(t *testing.T, a *api) map[string]any { return map[string]any{"id": id(newNeed(t, a).ID)} }),
		"closeNeed": entity("closeNeed", "Need", `mutation($id:ID!){ closeNeed(id:$id, reason:"回访完成") { id } }`,
			func(t *testing.T, a *api) map[string]any { return map[string]any{"id": id(newNeed(t, a).ID)} }),
		"registerVolunteer": entity("registerVolunteer", "Person", `mutation($o:ID!){ registerVolunteer(input:{organizationId:$o, name:"王小明"}) { id } }`,
			func(_ *testing.T, a *api) map[string]any { return map[string]any{"o": id(a.fx.agency.ID)} }),
		"endMembership": entity("endMembership", "Membership", `mutation($id:ID!){ endMembership(id:$id, leftOn:"2025-06-30") { id } }`,
			func(t *testing.T, a *api) map[string]any {
				m, err := a.db.Client.Membership.Create().SetPerson(a.fx.volunteers[1]).SetOrganization(a.fx.agency).
					SetRole(membership.RoleVOLUNTEER).SetJoinedOn(since).Save(a.sys())
				must(t, err)
				return map[string]any{"id": id(m.ID)}
			}),
		"requestServiceRecordCorrection": entity("requestServiceRecordCorrection", "ServiceRecord",
			`mutation($id:ID!){ requestServiceRecordCorrection(input:{recordId:$id, minutes:150, reason:"实际服务两个半小时"}) { id } }`,
			func(t *testing.T, a *api) map[string]any { return map[string]any{"id": id(verified(t, a).ID)} }),
		"issueCertificate": entity("issueCertificate", "Certificate",
			`mutation($p:ID!,$d:Date!){ issueCertificate(input:{personId:$p, from:$d, to:$d}) { id } }`,
			func(t *testing.T, a *api) map[string]any {
				verified(t, a)
				return map[string]any{"p": id(a.fx.volunteers[0].ID), "d": a.fx.day}
			}),
		"revokeCertificate": {run: func(t *testing.T, a *api) (map[string]any, wantEvent) {
			verified(t, a)
			issued := call(a, "issueCertificate", `mutation($p:ID!,$d:Date!){ issueCertificate(input:{personId:$p, from:$d, to:$d}) { id } }`,
				map[string]any{"p": id(a.fx.volunteers[0].ID), "d": a.fx.day})
			// Only the revocation's event is compared: clear the issue's.
			_, err := a.db.Client.AuditEvent.Delete().Exec(a.sys())
			must(t, err)
			d := call(a, "revokeCertificate", `mutation($id:ID!){ revokeCertificate(id:$id, reason:"信息有误") { id } }`, map[string]any{"id": issued["id"]})
			return d, returned("Certificate")(d)
		}},
		// Case work: each operation is audited as the part it acted on;
		// a purge as cases, with the number purged.
		"openCase": entity("openCase", "Case", `mutation($in:OpenCaseInput!){ openCase(input:$in) { id } }`,
			func(t *testing.T, a *api) map[string]any {
				c := auditCaseWorld(t, a)
				return map[string]any{"in": map[string]any{"agencyId": id(a.fx.agency.ID), "responsibleWorkerId": c.worker,
					"displayName": "小伟（化名）", "kind": "FAMILY", "regionCode": a.fx.town.Code, "resident": map[string]any{"name": "王小伟"}}}
			}),
		"assessCase": entity("assessCase", "Case", `mutation($id:ID!){ assessCase(caseId:$id, assessment:"预估") { id } }`,
			func(t *testing.T, a *api) map[string]any { return map[string]any{"id": auditCaseWorld(t, a).caseID} }),
		"setCasePlan": entity("setCasePlan", "Case", `mutation($id:ID!){ setCasePlan(input:{caseId:$id, summary:"计划", goals:["目标"]}) { id } }`,
			func(t *testing.T, a *api) map[string]any { return map[string]any{"id": auditCaseWorld(t, a).caseID} }),
		"closeCase": entity("closeCase", "Case", `mutation($id:ID!){ closeCase(input:{caseId:$id, outcome:WITHDRAWN, summary:"撤案"}) { id } }`,
			func(t *testing.T, a *api) map[string]any {
				c := auditCaseWorld(t, a)
				a.admin(`mutation($id:ID!){ resolveCrisis(id:$id, resolution:"解除") { id } }`, map[string]any{"id": c.crisis})
				clearAudit(t, a)
				return map[string]any{"id": c.caseID}
			}),
		"recordCaseSession": entity("recordCaseSession", "CaseSession",
			`mutation($id:ID!,$d:Date!){ recordCaseSession(input:{caseId:$id, heldOn:$d, kind:PHONE, minutes:20}) { id } }`,
			func(t *testing.T, a *api) map[string]any {
				return map[string]any{"id": auditCaseWorld(t, a).caseID, "d": a.fx.day}
			}),
		"assignCaseVolunteer": entity("assignCaseVolunteer", "CaseVolunteer",
			`mutation($id:ID!,$p:ID!){ assignCaseVolunteer(input:{caseId:$id, personId:$p, role:SPORTS}) { id } }`,
			func(t *testing.T, a *api) map[string]any {
				return map[string]any{"id": auditCaseWorld(t, a).caseID, "p": id(a.fx.volunteers[1].ID)}
			}),
		"endCaseVolunteer": entity("endCaseVolunteer", "CaseVolunteer", `mutation($id:ID!){ endCaseVolunteer(id:$id) { id } }`,
			func(t *testing.T, a *api) map[string]any { return map[string]any{"id": auditCaseWorld(t, a).volunteer} }),
		"reportCrisis": entity("reportCrisis", "CaseCrisis",
			`mutation($id:ID!){ reportCrisis(input:{caseId:$id, occurredAt:"2025-01-01T00:00:00Z", riskLevel:LOW, description:"情况", actionsTaken:"措施"}) { id } }`,
			func(t *testing.T, a *api) map[string]any { return map[string]any{"id": auditCaseWorld(t, a).caseID} }),
		"acknowledgeCrisis": entity("acknowledgeCrisis", "CaseCrisis", `mutation($id:ID!){ acknowledgeCrisis(id:$id) { id } }`,
			func(t *testing.T, a *api) map[string]any { return map[string]any{"id": auditCaseWorld(t, a).crisis} }),
		"addCrisisAction": entity("addCrisisAction", "CaseCrisis", `mutation($id:ID!){ addCrisisAction(id:$id, action:"复访") { id } }`,
			func(t *testing.T, a *api) map[string]any { return map[string]any{"id": auditCaseWorld(t, a).crisis} }),
		"resolveCrisis": entity("resolveCrisis", "CaseCrisis", `mutation($id:ID!){ resolveCrisis(id:$id, resolution:"解除") { id } }`,
			func(t *testing.T, a *api) map[string]any { return map[string]any{"id": auditCaseWorld(t, a).crisis} }),
		"referCase": entity("referCase", "CaseReferral", `mutation($id:ID!,$o:ID!){ referCase(input:{caseId:$id, toOrganizationId:$o, reason:"转介"}) { id } }`,
			func(t *testing.T, a *api) map[string]any {
				return map[string]any{"id": auditCaseWorld(t, a).caseID, "o": id(a.fx.team.ID)}
			}),
		"answerReferral": entity("answerReferral", "CaseReferral", `mutation($id:ID!){ answerReferral(id:$id, accept:false, answer:"无力承接") { id } }`,
			func(t *testing.T, a *api) map[string]any { return map[string]any{"id": auditCaseWorld(t, a).referral} }),
		"purgeSealedCases": {run: func(t *testing.T, a *api) (map[string]any, wantEvent) {
			c := auditCaseWorld(t, a)
			a.admin(`mutation($id:ID!){ resolveCrisis(id:$id, resolution:"解除") { id } }`, map[string]any{"id": c.crisis})
			a.admin(`mutation($id:ID!){ closeCase(input:{caseId:$id, outcome:WITHDRAWN, summary:"撤案", closedOn:"2020-06-01"}) { id } }`, map[string]any{"id": c.caseID})
			clearAudit(t, a)
			d := call(a, "purgeSealedCases", `mutation { purgeSealedCases(reason:"保存期满") { count } }`, nil)
			return d, wantEvent{entityType: "Case", count: 1}
		}},
		// Webhook subscribers: audited as the subscription, created or
		// deleted.
		"createWebhookSubscription": {run: func(t *testing.T, a *api) (map[string]any, wantEvent) {
			d := call(a, "createWebhookSubscription",
				`mutation{ createWebhookSubscription(input:{url:"https://hooks.example.org/tongxing", events:["release.published"]}) { secret subscription { id } } }`, nil)
			return d, wantEvent{entityType: "WebhookSubscription", entityID: d["subscription"].(map[string]any)["id"].(string), count: 1}
		}},
		"deleteWebhookSubscription": {run: func(t *testing.T, a *api) (map[string]any, wantEvent) {
			s, err := a.db.Client.WebhookSubscription.Create().SetURL("https://hooks.example.org/tongxing").
				SetEvents([]string{"release.published"}).SetSecretCiphertext([]byte("sealed")).Save(a.sys())
			must(t, err)
			d := call(a, "deleteWebhookSubscription", `mutation($id:ID!){ deleteWebhookSubscription(id:$id) { deletedId } }`, map[string]any{"id": id(s.ID)})
			return d, wantEvent{entityType: "WebhookSubscription", entityID: id(s.ID), count: 1}
		}},
		// A batch logged at one activity is audited as that activity, with
		// the number of records.
		"logServiceHours": {run: func(t *testing.T, a *api) (map[string]any, wantEvent) {
			d := call(a, "logServiceHours", `mutation($in:LogServiceHoursInput!){ logServiceHours(input:$in) { count } }`,
				map[string]any{"in": map[string]any{"activityId": id(a.fx.activity.ID), "records": []any{
					map[string]any{"personId": id(a.fx.volunteers[0].ID), "servedOn": a.fx.day, "minutes": 60},
					map[string]any{"personId": id(a.fx.volunteers[1].ID), "servedOn": a.fx.day, "minutes": 90},
				}}})
			return d, wantEvent{entityType: "Activity", entityID: id(a.fx.activity.ID), count: 2}
		}},
		// An import is audited once, as the kind's entity type with the
		// rows it created and no one id.
		"importRecords": {run: func(t *testing.T, a *api) (map[string]any, wantEvent) {
			file := a.filledTemplate("organizations", [][]string{
				{"Name=新塍镇银龄互助会", "Kind=社会组织", "Region code=330411104"},
				{"Name=新塍镇书香志愿服务队", "Kind=志愿服务队", "Region code=330411104"},
			})
			r := a.uploadGraphQL(a.key, "ORGANIZATIONS", file, true)
			if len(r.Errors) > 0 {
				t.Fatalf("importRecords: %s", r.Raw)
			}
			return r.Data["importRecords"].(map[string]any), wantEvent{entityType: "Organization", count: 2}
		}},
		// A review spans records of any activities: audited as service
		// records, with their number and no one id.
		"reviewServiceRecords": {run: func(t *testing.T, a *api) (map[string]any, wantEvent) {
			var ids []string
			for _, p := range a.fx.volunteers {
				r, err := a.db.Client.ServiceRecord.Create().SetPerson(p).SetActivity(a.fx.activity).SetServedOn(mustDate(t, a.fx.day)).
					SetMinutes(60).SetRecordedBy("test").Save(a.sys())
				must(t, err)
				ids = append(ids, id(r.ID))
			}
			d := call(a, "reviewServiceRecords", `mutation($ids:[ID!]!){ reviewServiceRecords(input:{ids:$ids, decision:VERIFY}) { count } }`,
				map[string]any{"ids": ids})
			return d, wantEvent{entityType: "ServiceRecord", count: 3}
		}},
	}

	for name, tc := range registerAuditCases(entity) {
		cases[name] = tc
	}
	for name, tc := range volunteerAuditCases(entity) {
		cases[name] = tc
	}
	schema := graph.NewSchema(nil, nil).Schema()
	fields := schema.Mutation.Fields
	for _, f := range fields {
		if _, ok := cases[f.Name]; !ok && !strings.HasPrefix(f.Name, "__") {
			t.Errorf("mutation %s has no row: add the event it must write", f.Name)
		}
	}
	for name := range cases {
		if fields.ForName(name) == nil {
			t.Errorf("row %s names no mutation of the schema", name)
		}
	}
	// Each row runs on a database of its own, so it can run alone (-run)
	// and sees only its own event.
	for _, f := range fields {
		tc, ok := cases[f.Name]
		if !ok {
			continue
		}
		t.Run(f.Name, func(t *testing.T) {
			eachAPI(t, func(t *testing.T, a *api) {
				_, want := tc.run(t, a)
				events, err := a.db.Client.AuditEvent.Query().Order(auditevent.ByID()).All(a.sys())
				must(t, err)
				if len(events) != 1 {
					t.Fatalf("%d audit events, want 1: %+v", len(events), events)
				}
				e := events[0]
				if e.Action != f.Name || e.EntityType != want.entityType || e.EntityID != want.entityID || e.Count != want.count {
					t.Errorf("audit event = {%s %s %q %d}, want {%s %s %q %d}",
						e.Action, e.EntityType, e.EntityID, e.Count, f.Name, want.entityType, want.entityID, want.count)
				}
				actor := want.actor
				if actor == "" {
					actor = "test-admin"
				}
				if e.Actor != actor || (e.ActorKeyID == nil) != (actor == "anonymous") || e.RequestID == "" {
					t.Errorf("audit event without its actor (%s), key or request: %+v", actor, e)
				}
				// The entity type of a mutation returning one entity is its
				// GraphQL type, the name clients know it by (a payload or an
				// import's report names the rows it made). A volunteer's
				// own view of an entity (MySignUp) names the entity; a type
				// that is no entity (a new credential, a code) is not one.
				ret := f.Type.Name()
				isNode := schema.Types[ret] != nil && slices.Contains(schema.Types[ret].Interfaces, "Node")
				if (isNode || strings.HasPrefix(ret, "My")) && want.entityType != strings.TrimPrefix(ret, "My") {
					t.Errorf("event names %s, the mutation returns %s", want.entityType, ret)
				}
			})
		})
	}
}

// auditCaseWorld is an open case made by ADMIN with a LOW crisis, a volunteer
// and a referral to the team; the audit trail is cleared afterwards, so a
// row sees only its own mutation's event.
type auditCaseIDs struct{ caseID, worker, crisis, volunteer, referral string }

func auditCaseWorld(t *testing.T, a *api) auditCaseIDs {
	t.Helper()
	ctx, c := a.sys(), a.db.Client
	for _, v := range a.fx.volunteers[:2] {
		if err := c.Membership.Create().SetPerson(v).SetOrganization(a.fx.agency).SetRole(membership.RoleSOCIAL_WORKER).
			SetJoinedOn(time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	out := auditCaseIDs{worker: id(a.fx.volunteers[0].ID)}
	d := a.admin(`mutation($in:OpenCaseInput!){ openCase(input:$in) { id } }`, map[string]any{"in": map[string]any{
		"agencyId": id(a.fx.agency.ID), "responsibleWorkerId": out.worker, "openedOn": "2020-01-02",
		"displayName": "小伟（化名）", "kind": "FAMILY", "regionCode": a.fx.town.Code, "resident": map[string]any{"name": "王小伟"}}})
	out.caseID = d["openCase"].(map[string]any)["id"].(string)
	d = a.admin(`mutation($id:ID!){ reportCrisis(input:{caseId:$id, occurredAt:"2025-01-01T00:00:00Z", riskLevel:LOW, description:"情况", actionsTaken:"措施"}) { id } }`,
		map[string]any{"id": out.caseID})
	out.crisis = d["reportCrisis"].(map[string]any)["id"].(string)
	d = a.admin(`mutation($id:ID!,$p:ID!){ assignCaseVolunteer(input:{caseId:$id, personId:$p, role:TUTOR}) { id } }`,
		map[string]any{"id": out.caseID, "p": id(a.fx.volunteers[0].ID)})
	out.volunteer = d["assignCaseVolunteer"].(map[string]any)["id"].(string)
	d = a.admin(`mutation($id:ID!,$o:ID!){ referCase(input:{caseId:$id, toOrganizationId:$o, reason:"转介"}) { id } }`,
		map[string]any{"id": out.caseID, "o": id(a.fx.team.ID)})
	out.referral = d["referCase"].(map[string]any)["id"].(string)
	clearAudit(t, a)
	return out
}

func clearAudit(t *testing.T, a *api) {
	t.Helper()
	if _, err := a.db.Client.AuditEvent.Delete().Exec(a.sys()); err != nil {
		t.Fatal(err)
	}
}
