package server_test

import (
	"testing"
	"time"

	"github.com/tongxing/tongxing/ent/need"
)

// volunteerOrderCases are TestMutationOrder's rows for volunteer
// self-service. The editors' mutations name a person, an activity or a
// need that exists in the agency's scope, or one that does not, with an
// input that is also malformed; the volunteer's own mutations are refused
// alike to every key that is not a VOLUNTEER credential, and a volunteer
// naming another person is refused before the person is read.
func volunteerOrderCases(t *testing.T, a *api, refused map[string]string,
	add func(name string, refused map[string]string, query string, truth, lie map[string]any)) {
	t.Helper()
	fx := a.fx
	guess := func(name string, refused map[string]string, query string, existing int, vars func(g string) map[string]any) {
		add(name+": target vs missing", refused, query, vars(id(existing)), vars(id(existing+1_000_000)))
	}
	person := func(g string) map[string]any { return map[string]any{"p": g} }
	act := func(g string) map[string]any { return map[string]any{"a": g} }
	member := fx.volunteers[0].ID // the agency's

	guess("issueVolunteerInvite", refused, `mutation($p:ID!){ issueVolunteerInvite(personId:$p) { code } }`, member, person)
	guess("revokeVolunteerCredentials", refused, `mutation($p:ID!){ revokeVolunteerCredentials(personId:$p) { count } }`, member, person)
	guess("recordGuardianConsent", refused, `mutation($p:ID!){ recordGuardianConsent(personId:$p, given:true) }`, member, person)
	guess("importHoursRecord", refused, `mutation($p:ID!){ importHoursRecord(personId:$p, document:"{") { imported } }`, member, person)
	guess("recruitVolunteers", refused,
		`mutation($a:ID!){ recruitVolunteers(input:{activityId:$a, capacity:0, opensAt:"2026-01-02T00:00:00Z", closesAt:"2026-01-01T00:00:00Z"}) { id } }`,
		fx.activity.ID, act)
	guess("cancelRecruitment", refused, `mutation($a:ID!){ cancelRecruitment(activityId:$a, reason:"") { id } }`, fx.activity.ID, act)
	n, err := a.db.Client.Need.Create().SetTitle("助浴").SetDomain(fx.elderly).SetRegion(fx.town).SetOpenedAt(time.Now()).
		SetStatus(need.StatusRESOLVED).SetMatchedOrganization(fx.agency).Save(a.sys())
	if err != nil {
		t.Fatal(err)
	}
	guess("handOutNeedRating", refused, `mutation($n:ID!){ handOutNeedRating(needId:$n) { code } }`, n.ID,
		func(g string) map[string]any { return map[string]any{"n": g} })

	// A volunteer's own mutations: every key but theirs is refused before
	// the activity is read.
	own := map[string]string{"anonymous": "UNAUTHENTICATED", "admin": "FORBIDDEN", "editor-agency": "FORBIDDEN",
		"reviewer-agency": "FORBIDDEN", "partner": "FORBIDDEN"}
	guess("signUp", own, `mutation($a:ID!){ signUp(activityId:$a) { id } }`, fx.activity.ID, act)
	guess("cancelSignUp", own, `mutation($a:ID!){ cancelSignUp(activityId:$a) { id } }`, fx.activity.ID, act)
	guess("checkIn", own, `mutation($a:ID!){ checkIn(input:{activityId:$a, code:"1.X"}) { id } }`, fx.activity.ID, act)
	guess("checkOut", own, `mutation($a:ID!){ checkOut(input:{activityId:$a, code:"1.X"}) { id } }`, fx.activity.ID, act)
	add("requestCertificate: period", own, `mutation($d:Date!){ requestCertificate(from:$d, to:$d) { id } }`,
		map[string]any{"d": fx.day}, map[string]any{"d": fx.day})
	add("rotateVolunteerCredential", own, `mutation { rotateVolunteerCredential { token } }`, nil, nil)
	add("signOut", own, `mutation { signOut }`, nil, nil)
	// A volunteer importing into another person's hours, that person real
	// or not.
	guess("importHoursRecord (volunteer)", map[string]string{"volunteer": "FORBIDDEN"},
		`mutation($p:ID!){ importHoursRecord(personId:$p, document:"{") { imported } }`, member, person)
	// The one-time-code mutations: TestOneTimeCodesAnswerAlike.
	add("redeemVolunteerInvite", nil, `mutation { redeemVolunteerInvite(code:"x") { token } }`, nil, nil)
	add("rateNeed", nil, `mutation { rateNeed(input:{code:"x", score:5}) { score } }`, nil, nil)
}
