package server_test

import (
	"testing"
	"time"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/apikey"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/ent/volunteerinvite"
)

// volunteerAuditCases are TestEveryMutationWritesItsAuditEvent's rows for
// volunteer self-service: the volunteer's own mutations are audited under
// the credential's name, the one-time-code mutations as anonymous.
func volunteerAuditCases(entity func(field, typ, query string, vars func(t *testing.T, a *api) map[string]any) auditCase) map[string]auditCase {
	const volunteer = "volunteer ZJT0"
	// mine runs a mutation with the world's credential.
	mine := func(field, typ, query string, prepare func(t *testing.T, w *volunteerWorld) map[string]any) auditCase {
		return auditCase{run: func(t *testing.T, a *api) (map[string]any, wantEvent) {
			w := newVolunteerWorld(t, a)
			vars := prepare(t, w)
			clearAudit(t, a)
			d := w.as(t, w.token, query, vars)[field].(map[string]any)
			return d, wantEvent{entityType: typ, entityID: d["id"].(string), count: 1, actor: volunteer}
		}}
	}
	onActivity := func(t *testing.T, w *volunteerWorld) map[string]any { return map[string]any{"a": id(w.activity.ID)} }
	signedUp := func(t *testing.T, w *volunteerWorld) map[string]any {
		w.as(t, w.token, `mutation($a:ID!){ signUp(activityId:$a) { id } }`, onActivity(t, w))
		return onActivity(t, w)
	}
	checkedIn := func(t *testing.T, w *volunteerWorld) map[string]any {
		signedUp(t, w)
		w.at(5 * time.Minute)
		w.as(t, w.token, `mutation($a:ID!,$c:String!){ checkIn(input:{activityId:$a, code:$c}) { id } }`,
			map[string]any{"a": id(w.activity.ID), "c": w.code(t, w.activity.ID)})
		w.at(65 * time.Minute)
		return map[string]any{"a": id(w.activity.ID), "c": w.code(t, w.activity.ID)}
	}
	keyOf := func(t *testing.T, a *api, where ...func(*ent.APIKeyQuery)) string {
		q := a.db.Client.APIKey.Query().Where(apikey.RoleEQ(apikey.RoleVOLUNTEER), apikey.RevokedAtIsNil())
		k, err := q.Only(a.sys())
		if err != nil {
			t.Fatal(err)
		}
		return id(k.ID)
	}
	resolvedNeed := func(t *testing.T, a *api) *ent.Need {
		n, err := a.db.Client.Need.Create().SetTitle("助浴").SetDomain(a.fx.elderly).SetRegion(a.fx.town).SetOpenedAt(time.Now()).
			SetStatus(need.StatusRESOLVED).SetMatchedOrganization(a.fx.agency).Save(a.sys())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	ratingOf := func(t *testing.T, a *api) string {
		r, err := a.db.Client.NeedRating.Query().Only(a.sys())
		if err != nil {
			t.Fatal(err)
		}
		return id(r.ID)
	}
	return map[string]auditCase{
		"issueVolunteerInvite": {run: func(t *testing.T, a *api) (map[string]any, wantEvent) {
			w := newVolunteerWorld(t, a)
			d := a.admin(`mutation($p:ID!){ issueVolunteerInvite(personId:$p) { code } }`, map[string]any{"p": id(w.person.ID)})
			inv, err := a.db.Client.VolunteerInvite.Query().Where(volunteerinvite.RedeemedAtIsNil()).Only(a.sys())
			if err != nil {
				t.Fatal(err)
			}
			return d, wantEvent{entityType: "VolunteerInvite", entityID: id(inv.ID), count: 1}
		}},
		"redeemVolunteerInvite": {run: func(t *testing.T, a *api) (map[string]any, wantEvent) {
			w := newVolunteerWorld(t, a)
			w.as(t, w.token, `mutation { signOut }`, nil)
			d := a.admin(`mutation($p:ID!){ issueVolunteerInvite(personId:$p) { code } }`, map[string]any{"p": id(w.person.ID)})
			clearAudit(t, a)
			d = a.anon(`mutation($c:String!){ redeemVolunteerInvite(code:$c) { token } }`,
				map[string]any{"c": d["issueVolunteerInvite"].(map[string]any)["code"]})
			return d, wantEvent{entityType: "APIKey", entityID: keyOf(t, a), count: 1, actor: "anonymous"}
		}},
		"rotateVolunteerCredential": {run: func(t *testing.T, a *api) (map[string]any, wantEvent) {
			w := newVolunteerWorld(t, a)
			d := w.as(t, w.token, `mutation { rotateVolunteerCredential { token } }`, nil)
			return d, wantEvent{entityType: "APIKey", entityID: keyOf(t, a), count: 1, actor: volunteer}
		}},
		"signOut": {run: func(t *testing.T, a *api) (map[string]any, wantEvent) {
			w := newVolunteerWorld(t, a)
			return w.as(t, w.token, `mutation { signOut }`, nil), wantEvent{entityType: "APIKey", count: 1, actor: volunteer}
		}},
		"revokeVolunteerCredentials": {run: func(t *testing.T, a *api) (map[string]any, wantEvent) {
			w := newVolunteerWorld(t, a)
			d := a.admin(`mutation($p:ID!){ revokeVolunteerCredentials(personId:$p) { count } }`, map[string]any{"p": id(w.person.ID)})
			return d, wantEvent{entityType: "APIKey", count: 1}
		}},
		"recordGuardianConsent": {run: func(t *testing.T, a *api) (map[string]any, wantEvent) {
			w := newVolunteerWorld(t, a)
			if err := a.db.Client.Person.UpdateOne(w.person).SetBirthDate(time.Now().AddDate(-16, 0, 0)).Exec(a.sys()); err != nil {
				t.Fatal(err)
			}
			d := a.admin(`mutation($p:ID!){ recordGuardianConsent(personId:$p, given:true) }`, map[string]any{"p": id(w.person.ID)})
			return d, wantEvent{entityType: "Person", entityID: id(w.person.ID), count: 1}
		}},
		"recruitVolunteers": entity("recruitVolunteers", "Recruitment",
			`mutation($a:ID!){ recruitVolunteers(input:{activityId:$a, capacity:10, opensAt:"2020-01-01T00:00:00Z", closesAt:"2020-02-01T00:00:00Z"}) { id } }`,
			func(_ *testing.T, a *api) map[string]any { return map[string]any{"a": id(a.fx.activity.ID)} }),
		"cancelRecruitment": {run: func(t *testing.T, a *api) (map[string]any, wantEvent) {
			w := newVolunteerWorld(t, a)
			d := a.admin(`mutation($a:ID!){ cancelRecruitment(activityId:$a, reason:"天气原因") { id } }`, map[string]any{"a": id(w.activity.ID)})
			r := d["cancelRecruitment"].(map[string]any)
			return r, returned("Recruitment")(r)
		}},
		"signUp":       mine("signUp", "SignUp", `mutation($a:ID!){ signUp(activityId:$a) { id } }`, onActivity),
		"cancelSignUp": mine("cancelSignUp", "SignUp", `mutation($a:ID!){ cancelSignUp(activityId:$a) { id } }`, signedUp),
		"checkIn": mine("checkIn", "SignUp", `mutation($a:ID!,$c:String!){ checkIn(input:{activityId:$a, code:$c}) { id } }`,
			func(t *testing.T, w *volunteerWorld) map[string]any {
				signedUp(t, w)
				w.at(5 * time.Minute)
				return map[string]any{"a": id(w.activity.ID), "c": w.code(t, w.activity.ID)}
			}),
		"checkOut": mine("checkOut", "SignUp", `mutation($a:ID!,$c:String!){ checkOut(input:{activityId:$a, code:$c}) { id } }`, checkedIn),
		"requestCertificate": mine("requestCertificate", "Certificate", `mutation($d:Date!){ requestCertificate(from:$d, to:$d) { id } }`,
			func(t *testing.T, w *volunteerWorld) map[string]any {
				if err := w.a.db.Client.ServiceRecord.Create().SetPerson(w.person).SetActivity(w.activity).SetServedOn(mustDate(t, w.a.fx.day)).
					SetMinutes(90).SetRecordedBy("test").SetStatus(servicerecord.StatusVERIFIED).Exec(w.a.sys()); err != nil {
					t.Fatal(err)
				}
				w.a.setClock(time.Now())
				return map[string]any{"d": w.a.fx.day}
			}),
		"importHoursRecord": {run: func(t *testing.T, a *api) (map[string]any, wantEvent) {
			w := newVolunteerWorld(t, a)
			doc := foreignRecord(t, w.person.VolunteerNumber, "r1", "r2")
			d := w.as(t, w.token, `mutation($d:String!){ importHoursRecord(document:$d) { imported } }`, map[string]any{"d": doc})
			return d, wantEvent{entityType: "ImportedHours", entityID: id(w.person.ID), count: 2, actor: volunteer}
		}},
		"handOutNeedRating": {run: func(t *testing.T, a *api) (map[string]any, wantEvent) {
			n := resolvedNeed(t, a)
			d := a.admin(`mutation($n:ID!){ handOutNeedRating(needId:$n) { code } }`, map[string]any{"n": id(n.ID)})
			return d, wantEvent{entityType: "NeedRating", entityID: ratingOf(t, a), count: 1}
		}},
		"rateNeed": {run: func(t *testing.T, a *api) (map[string]any, wantEvent) {
			n := resolvedNeed(t, a)
			d := a.admin(`mutation($n:ID!){ handOutNeedRating(needId:$n) { code } }`, map[string]any{"n": id(n.ID)})
			clearAudit(t, a)
			d = a.anon(`mutation($c:String!){ rateNeed(input:{code:$c, score:4, comment:"很及时"}) { score } }`,
				map[string]any{"c": d["handOutNeedRating"].(map[string]any)["code"]})
			return d, wantEvent{entityType: "NeedRating", entityID: ratingOf(t, a), count: 1, actor: "anonymous"}
		}},
	}
}
