package server_test

import (
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	"github.com/tongxing/tongxing/opendata/signing"
	"github.com/tongxing/tongxing/volunteers"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/membership"
)

// volunteerWorld is the fixture's activity open for sign-up, and
// volunteers[0], a member of the agency, holding a VOLUNTEER credential
// redeemed through the API. The server's clock stands an hour before the
// activity; the audit trail is cleared.
type volunteerWorld struct {
	a        *api
	activity *ent.Activity
	person   *ent.Person
	token    string
}

func newVolunteerWorld(t *testing.T, a *api) *volunteerWorld {
	t.Helper()
	fx := a.fx
	w := &volunteerWorld{a: a, activity: fx.activity, person: fx.volunteers[0]}
	joined := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, p := range fx.volunteers[:2] {
		if err := a.db.Client.Membership.Create().SetPerson(p).SetOrganization(fx.agency).SetRole(membership.RoleVOLUNTEER).
			SetJoinedOn(joined).Exec(a.sys()); err != nil {
			t.Fatal(err)
		}
		if err := a.db.Client.Person.UpdateOne(p).SetBirthDate(time.Date(1990, 5, 1, 0, 0, 0, 0, time.UTC)).
			SetSkills([]string{"急救"}).Exec(a.sys()); err != nil {
			t.Fatal(err)
		}
	}
	a.setClock(fx.activity.StartsAt.Add(-time.Hour))
	w.token = w.enrol(t, w.person)
	a.admin(`mutation($a:ID!,$o:Time!,$c:Time!){ recruitVolunteers(input:{activityId:$a, capacity:1, waitlist:1, opensAt:$o, closesAt:$c,
		requiredSkills:["急救"], note:"请穿志愿者马甲"}) { id } }`,
		map[string]any{"a": id(w.activity.ID), "o": w.activity.StartsAt.Add(-48 * time.Hour), "c": w.activity.StartsAt})
	clearAudit(t, a)
	return w
}

// enrol issues an invitation for p as ADMIN and redeems it without a key.
func (w *volunteerWorld) enrol(t *testing.T, p *ent.Person) string {
	t.Helper()
	d := w.a.admin(`mutation($p:ID!){ issueVolunteerInvite(personId:$p) { code expiresAt } }`, map[string]any{"p": id(p.ID)})
	code := d["issueVolunteerInvite"].(map[string]any)["code"].(string)
	d = w.a.anon(`mutation($c:String!){ redeemVolunteerInvite(code:$c) { token volunteerNumber } }`, map[string]any{"c": code})
	cred := d["redeemVolunteerInvite"].(map[string]any)
	if cred["volunteerNumber"] != p.VolunteerNumber {
		t.Fatalf("credential of %v, want %s", cred["volunteerNumber"], p.VolunteerNumber)
	}
	return cred["token"].(string)
}

// as sends a request with a volunteer's token and fails on any error.
func (w *volunteerWorld) as(t *testing.T, token, query string, vars map[string]any) map[string]any {
	t.Helper()
	r := w.a.post(token, query, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("unexpected errors: %s", r.Raw)
	}
	return r.Data
}

// code is the activity's check-in code now, as its organiser's device
// shows it.
func (w *volunteerWorld) code(t *testing.T, activityID int) string {
	t.Helper()
	d := w.a.admin(`query($a:ID!){ checkInCode(activityId:$a) { code qr validUntil } }`, map[string]any{"a": id(activityID)})
	return d["checkInCode"].(map[string]any)["code"].(string)
}

// at moves the server's clock to the activity's start plus d.
func (w *volunteerWorld) at(d time.Duration) { w.a.setClock(w.activity.StartsAt.Add(d)) }

// foreignDistrict signs the hours records of "another district" that
// every test server trusts (newAPI).
var foreignDistrict = func() *signing.Key {
	k, err := signing.DeriveFor([]byte("another tongxing district's secret"), volunteers.RecordKeyLabel)
	if err != nil {
		panic(err)
	}
	return k
}()

// foreignRecord is a signed hours record of the other district: one hour
// per record id, for the volunteer with number.
func foreignRecord(t *testing.T, number string, recordIDs ...string) string {
	t.Helper()
	p := volunteers.RecordPayload{Format: volunteers.RecordFormat,
		Issuer:    volunteers.RecordIssuer{Name: "海盐县 Haiyan County", Key: foreignDistrict.Public().Fingerprint()},
		IssuedAt:  time.Now().UTC().Truncate(time.Second),
		Volunteer: volunteers.RecordHolder{VolunteerNumber: number, Name: "测试"}}
	for _, r := range recordIDs {
		p.Records = append(p.Records, volunteers.RecordedTime{ID: r, ServedOn: "2025-06-01", Minutes: 60, Activity: "海塘巡护", Organiser: "海盐县志愿者协会"})
		p.TotalMinutes += 60
	}
	body, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := (&volunteers.SignedRecord{Format: volunteers.RecordFormat, Payload: base64.RawURLEncoding.EncodeToString(body),
		Signature: base64.StdEncoding.EncodeToString(foreignDistrict.Sign(body)), Key: foreignDistrict.Public().Fingerprint(),
		PublicKey: string(foreignDistrict.Public().PEM())}).Document()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
