package server_test

import "testing"

// registerAuditCases are TestEveryMutationWritesItsAuditEvent's rows for
// the registers and the competitions: each is audited as the entity it
// returns.
func registerAuditCases(entity func(field, typ, query string, vars func(t *testing.T, a *api) map[string]any) auditCase) map[string]auditCase {
	world := func(vars func(w *registerWorld, a *api) map[string]any) func(t *testing.T, a *api) map[string]any {
		return func(t *testing.T, a *api) map[string]any { return vars(newRegisterWorld(t, a), a) }
	}
	point := world(func(w *registerWorld, _ *api) map[string]any { return map[string]any{"id": id(w.point.ID)} })
	app := world(func(w *registerWorld, _ *api) map[string]any { return map[string]any{"id": id(w.app.ID)} })
	return map[string]auditCase{
		"recordPartyCoverage": entity("recordPartyCoverage", "PartyCoverage",
			`mutation($o:ID!,$p:ID!,$c:ID!){ recordPartyCoverage(input:{organizationId:$o, method:INSTRUCTOR, partyOrganizationId:$p, startedOn:"2025-03-01", categoryId:$c}) { id } }`,
			world(func(w *registerWorld, a *api) map[string]any {
				return map[string]any{"o": id(a.fx.agency.ID), "p": id(a.fx.party.ID), "c": id(w.guideCategory.ID)}
			})),
		"createServicePoint": entity("createServicePoint", "ServicePoint",
			`mutation($o:ID!){ createServicePoint(input:{name:"新塍镇助残驿站", kind:DISABILITY_SUPPORT, address:"新塍镇2号", latitude:30.83, longitude:120.62, regionCode:"330411104", operatorId:$o}) { id } }`,
			func(_ *testing.T, a *api) map[string]any { return map[string]any{"o": id(a.fx.agency.ID)} }),
		"updateServicePoint": entity("updateServicePoint", "ServicePoint",
			`mutation($id:ID!){ updateServicePoint(id:$id, input:{name:"新塍社区爱心食堂"}) { id } }`, point),
		"setServicePointHours": entity("setServicePointHours", "ServicePoint",
			`mutation($id:ID!){ setServicePointHours(id:$id, sessions:[{weekday:SATURDAY, opens:"11:00", closes:"12:30"}]) { id } }`, point),
		"setServicePointException": entity("setServicePointException", "ServicePointException",
			`mutation($id:ID!){ setServicePointException(id:$id, date:"2026-10-01", reason:"国庆节休息") { id } }`, point),
		"removeServicePointException": entity("removeServicePointException", "ServicePoint",
			`mutation($id:ID!){ removeServicePointException(id:$id, date:"2026-10-01") { id } }`,
			world(func(w *registerWorld, a *api) map[string]any {
				a.admin(`mutation($id:ID!){ setServicePointException(id:$id, date:"2026-10-01") { id } }`, map[string]any{"id": id(w.point.ID)})
				clearAudit(a.t, a)
				return map[string]any{"id": id(w.point.ID)}
			})),
		"createCompetitionRound": entity("createCompetitionRound", "CompetitionRound",
			`mutation($o:ID!){ createCompetitionRound(input:{name:"2026年公益创投大赛", kind:VENTURE_PHILANTHROPY, year:2026, budget:300000, organizerId:$o, applicationsOpenOn:"2026-03-01", applicationsCloseOn:"2026-04-30"}) { id } }`,
			func(_ *testing.T, a *api) map[string]any { return map[string]any{"o": id(a.fx.agency.ID)} }),
		"updateCompetitionRound": entity("updateCompetitionRound", "CompetitionRound",
			`mutation($id:ID!){ updateCompetitionRound(id:$id, input:{budget:250000}) { id } }`,
			world(func(w *registerWorld, _ *api) map[string]any { return map[string]any{"id": id(w.round.ID)} })),
		"startCompetitionReview": entity("startCompetitionReview", "CompetitionRound",
			`mutation($id:ID!){ startCompetitionReview(id:$id) { id } }`,
			world(func(w *registerWorld, _ *api) map[string]any { return map[string]any{"id": id(w.openRound.ID)} })),
		"closeCompetitionRound": entity("closeCompetitionRound", "CompetitionRound",
			`mutation($id:ID!){ closeCompetitionRound(id:$id, announcedOn:"2024-06-01") { id } }`,
			world(func(w *registerWorld, _ *api) map[string]any { return map[string]any{"id": id(w.round.ID)} })),
		"applyToCompetition": entity("applyToCompetition", "CompetitionApplication",
			`mutation($r:ID!,$o:ID!,$p:ID!){ applyToCompetition(input:{roundId:$r, applicantId:$o, projectId:$p, requestedAmount:30000}) { id } }`,
			world(func(w *registerWorld, a *api) map[string]any {
				return map[string]any{"r": id(w.openRound.ID), "o": id(a.fx.agency.ID), "p": id(a.fx.project.ID)}
			})),
		"withdrawCompetitionApplication": entity("withdrawCompetitionApplication", "CompetitionApplication",
			`mutation($id:ID!){ withdrawCompetitionApplication(id:$id) { id } }`, app),
		"scoreCompetitionApplication": entity("scoreCompetitionApplication", "CompetitionReview",
			`mutation($id:ID!){ scoreCompetitionApplication(applicationId:$id, reviewer:"A", score:88.5) { id } }`, app),
		"awardCompetitionApplication": entity("awardCompetitionApplication", "CompetitionAward",
			`mutation($id:ID!){ awardCompetitionApplication(input:{applicationId:$id, rank:1, prize:"一等奖", amount:50000}) { id } }`, app),
		"removeCompetitionAward": entity("removeCompetitionAward", "CompetitionApplication",
			`mutation($id:ID!){ removeCompetitionAward(applicationId:$id) { id } }`,
			world(func(w *registerWorld, a *api) map[string]any {
				a.admin(`mutation($id:ID!){ awardCompetitionApplication(input:{applicationId:$id, rank:1, amount:50000}) { id } }`, map[string]any{"id": id(w.app.ID)})
				clearAudit(a.t, a)
				return map[string]any{"id": id(w.app.ID)}
			})),
	}
}
