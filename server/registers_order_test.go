package server_test

import "testing"

// registerOrderCases are TestMutationOrder's rows for the registers and
// the competitions: each names an existing target of the agency's scope
// or a missing one, with an input that is also malformed, so a refusal
// before the target is read answers both guesses alike.
func registerOrderCases(t *testing.T, a *api, refused map[string]string,
	add func(name string, refused map[string]string, query string, truth, lie map[string]any)) {
	t.Helper()
	w, fx := newRegisterWorld(t, a), a.fx
	guess := func(name, query string, existing int, vars func(g string) map[string]any) {
		add(name+": target vs missing", refused, query, vars(id(existing)), vars(id(existing+1_000_000)))
	}
	byID := func(g string) map[string]any { return map[string]any{"id": g} }

	guess("recordPartyCoverage", `mutation($id:ID!){ recordPartyCoverage(input:{organizationId:$id, method:NOT_COVERED, partyOrganizationId:$id, startedOn:"0202-01-01", categoryId:$id}) { id } }`,
		fx.agency.ID, byID)
	guess("createServicePoint", `mutation($id:ID!){ createServicePoint(input:{name:"", kind:CANTEEN, address:"", latitude:91, longitude:0, regionCode:"0", operatorId:$id}) { id } }`,
		fx.agency.ID, byID)
	guess("updateServicePoint", `mutation($id:ID!){ updateServicePoint(id:$id, input:{name:"", latitude:-91}) { id } }`, w.point.ID, byID)
	guess("setServicePointHours", `mutation($id:ID!){ setServicePointHours(id:$id, sessions:[{weekday:MONDAY, opens:"13:00", closes:"11:00"}]) { id } }`, w.point.ID, byID)
	guess("setServicePointException", `mutation($id:ID!){ setServicePointException(id:$id, date:"0202-01-01", opens:"25:00") { id } }`, w.point.ID, byID)
	guess("removeServicePointException", `mutation($id:ID!){ removeServicePointException(id:$id, date:"2026-10-01") { id } }`, w.point.ID, byID)

	guess("createCompetitionRound", `mutation($id:ID!){ createCompetitionRound(input:{name:"", kind:VENTURE_PHILANTHROPY, year:1800, organizerId:$id, applicationsOpenOn:"2025-02-01", applicationsCloseOn:"2025-01-01"}) { id } }`,
		fx.agency.ID, byID)
	guess("updateCompetitionRound", `mutation($id:ID!){ updateCompetitionRound(id:$id, input:{name:""}) { id } }`, w.round.ID, byID)
	guess("startCompetitionReview", `mutation($id:ID!){ startCompetitionReview(id:$id) { id } }`, w.openRound.ID, byID)
	guess("closeCompetitionRound", `mutation($id:ID!){ closeCompetitionRound(id:$id, announcedOn:"0202-01-01") { id } }`, w.round.ID, byID)
	add("applyToCompetition: applicant vs missing", refused,
		`mutation($r:ID!,$o:ID!){ applyToCompetition(input:{roundId:$r, applicantId:$o, projectId:$r, requestedAmount:-1}) { id } }`,
		map[string]any{"r": id(w.openRound.ID), "o": id(fx.agency.ID)}, map[string]any{"r": id(w.openRound.ID), "o": id(fx.agency.ID + 1_000_000)})
	guess("withdrawCompetitionApplication", `mutation($id:ID!){ withdrawCompetitionApplication(id:$id) { id } }`, w.app.ID, byID)
	guess("scoreCompetitionApplication", `mutation($id:ID!){ scoreCompetitionApplication(applicationId:$id, reviewer:"", score:101) { id } }`, w.app.ID, byID)
	guess("awardCompetitionApplication", `mutation($id:ID!){ awardCompetitionApplication(input:{applicationId:$id, rank:0, amount:-1}) { id } }`, w.app.ID, byID)
	guess("removeCompetitionAward", `mutation($id:ID!){ removeCompetitionAward(applicationId:$id) { id } }`, w.app.ID, byID)
}
