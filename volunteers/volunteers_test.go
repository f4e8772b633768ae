package volunteers

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/ent/signup"
	"github.com/tongxing/tongxing/ent/volunteerevent"
	"github.com/tongxing/tongxing/opendata/signing"
	"github.com/tongxing/tongxing/policy"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestAgeOn(t *testing.T) {
	birth := date(2008, 6, 15)
	for day, want := range map[time.Time]int{date(2026, 6, 14): 17, date(2026, 6, 15): 18, date(2026, 12, 31): 18, date(2026, 1, 1): 17} {
		if got := ageOn(birth, day); got != want {
			t.Errorf("age on %s = %d, want %d", day.Format(time.DateOnly), got, want)
		}
	}
}

func TestEligible(t *testing.T) {
	act := &ent.Activity{StartsAt: time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC)}
	adult, minor := date(1990, 1, 1), date(2012, 1, 1)
	ten, sixteen := 10, 16
	for _, tc := range []struct {
		name    string
		r       ent.Recruitment
		p       ent.Person
		ok      bool
		consent bool
	}{
		{"an adult, no rules", ent.Recruitment{}, ent.Person{BirthDate: &adult}, true, false},
		{"birth date unknown where minors are not taken", ent.Recruitment{}, ent.Person{}, false, false},
		{"birth date unknown where anyone is taken", ent.Recruitment{MinorsAllowed: true}, ent.Person{}, true, false},
		{"birth date unknown with a minimum age", ent.Recruitment{MinorsAllowed: true, MinAge: &ten}, ent.Person{}, false, false},
		{"a minor where minors are not taken", ent.Recruitment{}, ent.Person{BirthDate: &minor}, false, false},
		{"a minor without consent", ent.Recruitment{MinorsAllowed: true}, ent.Person{BirthDate: &minor}, false, false},
		{"a minor with consent", ent.Recruitment{MinorsAllowed: true}, ent.Person{BirthDate: &minor, GuardianConsent: true}, true, true},
		{"a minor below the minimum age", ent.Recruitment{MinorsAllowed: true, MinAge: &sixteen}, ent.Person{BirthDate: &minor, GuardianConsent: true}, false, false},
		{"missing a skill", ent.Recruitment{RequiredSkills: []string{"急救", "手语"}}, ent.Person{BirthDate: &adult, Skills: []string{"急救"}}, false, false},
		{"every skill", ent.Recruitment{RequiredSkills: []string{"急救"}}, ent.Person{BirthDate: &adult, Skills: []string{"助老", "急救"}}, true, false},
	} {
		consent, err := eligible(&tc.r, act, &tc.p)
		if (err == nil) != tc.ok || consent != tc.consent {
			t.Errorf("%s: consent %v, err %v", tc.name, consent, err)
		}
		if err != nil {
			if _, ok := apierror.As(err); !ok {
				t.Errorf("%s: %T is not a client error", tc.name, err)
			}
		}
	}
}

// TestCheckInCodes: a code verifies for its activity and step, one step
// either side; another activity's, an older or a forged one does not;
// an offline scan counts at its device time, within the entry deadline.
func TestCheckInCodes(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	d := &Desk{CodeKey: DeriveCodeKey([]byte("secret")), Now: func() time.Time { return now }}
	act := &ent.Activity{ID: 7, StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour)}
	codeAt := func(activity int, t time.Time) string {
		s := stepOf(t)
		return strings.Join([]string{itoa(s), d.mac(activity, s)}, ".")
	}
	for _, tc := range []struct {
		name string
		scan Scan
		at   time.Time // the clock
		want error
	}{
		{"now", Scan{ActivityID: 7, Code: codeAt(7, now)}, now, nil},
		{"the step before", Scan{ActivityID: 7, Code: codeAt(7, now.Add(-Step))}, now, nil},
		{"two steps old", Scan{ActivityID: 7, Code: codeAt(7, now.Add(-2*Step))}, now, errExpiredCode},
		{"another activity's", Scan{ActivityID: 7, Code: codeAt(8, now)}, now, errForeignCode},
		{"forged", Scan{ActivityID: 7, Code: itoa(stepOf(now)) + ".AAAAAAAAAAAAAAAA"}, now, errForeignCode},
		{"malformed", Scan{ActivityID: 7, Code: "hello"}, now, errForeignCode},
		{"offline, a day later", Scan{ActivityID: 7, Code: codeAt(7, now), ScannedAt: &now}, now.Add(24 * time.Hour), nil},
		{"offline, with another time", Scan{ActivityID: 7, Code: codeAt(7, now.Add(-time.Hour)), ScannedAt: &now}, now.Add(time.Hour), errExpiredCode},
	} {
		_, _, err := d.verify(tc.scan, tc.at, act)
		if err != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	late := now.AddDate(0, 0, 30)
	if _, _, err := d.verify(Scan{ActivityID: 7, Code: codeAt(7, now), ScannedAt: &now}, late, act); err == nil ||
		!strings.Contains(err.Error(), "10个工作日") {
		t.Errorf("an offline scan a month later: %v", err)
	}
	future := now.Add(time.Hour)
	if _, _, err := d.verify(Scan{ActivityID: 7, Code: codeAt(7, future), ScannedAt: &future}, now, act); err == nil {
		t.Error("a scan from the future was taken")
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// world is a division, an agency, an activity tomorrow and three adult
// members with first-aid skills.
type world struct {
	db     *database.DB
	c      *ent.Client
	desk   *Desk
	now    time.Time
	act    *ent.Activity
	people []*ent.Person
	rec    *ent.Recruitment
}

func newWorld(t *testing.T, db *database.DB) *world {
	t.Helper()
	ctx, c := policy.SystemContext(context.Background(), "test"), db.Client
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w := &world{db: db, c: c, now: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)}
	w.desk = &Desk{CodeKey: DeriveCodeKey([]byte("k")), Now: func() time.Time { return w.now }}
	w.desk.Track(c)
	town, err := c.Region.Create().SetCode("330411104").SetName("新塍镇").SetLevel(region.LevelTOWN).Save(ctx)
	must(err)
	org, err := c.Organization.Create().SetName("秀洲区孝慈社工服务中心").SetKind(organization.KindSOCIAL_WORK_AGENCY).SetRegion(town).Save(ctx)
	must(err)
	w.act, err = c.Activity.Create().SetTitle("助老送餐").SetOrganization(org).SetRegion(town).SetPlace("新塍镇敬老院").
		SetStartsAt(w.now.Add(20 * time.Hour)).SetEndsAt(w.now.Add(23 * time.Hour)).Save(ctx)
	must(err)
	for i := range 3 {
		p, err := c.Person.Create().SetVolunteerNumber("V" + itoa(int64(i))).SetName("志愿者").SetBirthDate(date(1990, 1, 1)).
			SetSkills([]string{"急救"}).Save(ctx)
		must(err)
		must(c.Membership.Create().SetPerson(p).SetOrganization(org).SetRole(membership.RoleVOLUNTEER).SetJoinedOn(date(2020, 1, 1)).Exec(ctx))
		w.people = append(w.people, p)
	}
	w.rec, err = c.Recruitment.Create().SetActivity(w.act).SetCapacity(1).SetWaitlist(1).SetOpensAt(w.now.Add(-time.Hour)).
		SetClosesAt(w.act.StartsAt).SetCancelUntil(w.now.Add(2 * time.Hour)).SetRequiredSkills([]string{"急救"}).Save(ctx)
	must(err)
	return w
}

// as is a VOLUNTEER credential's context for person p.
func as(p *ent.Person) context.Context {
	return auth.NewContext(context.Background(), &auth.Viewer{KeyID: 1, Name: "volunteer " + p.VolunteerNumber, Role: auth.RoleVolunteer, HolderID: p.ID})
}

func (w *world) events(t *testing.T, p *ent.Person) []string {
	t.Helper()
	evs, err := w.c.VolunteerEvent.Query().Where(volunteerevent.PersonID(p.ID)).Order(ent.Asc(volunteerevent.FieldID)).
		All(policy.SystemContext(context.Background(), "test"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, string(e.Kind))
	}
	return out
}

func TestWaitingList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		a, b, c := w.people[0], w.people[1], w.people[2]
		status := func(p *ent.Person) signup.Status {
			s, err := w.desk.SignUp(as(p), w.c, w.act.ID)
			if err != nil {
				t.Fatalf("sign-up of %s: %v", p.VolunteerNumber, err)
			}
			return s.Status
		}
		if got := status(a); got != signup.StatusCONFIRMED {
			t.Fatalf("first: %s", got)
		}
		if got := status(b); got != signup.StatusWAITLISTED {
			t.Fatalf("second: %s", got)
		}
		if _, err := w.desk.SignUp(as(c), w.c, w.act.ID); err == nil || !strings.Contains(err.Error(), "名额已满") {
			t.Fatalf("third: %v", err)
		}
		if _, err := w.desk.CancelSignUp(as(a), w.c, w.act.ID); err != nil {
			t.Fatal(err)
		}
		if got := w.events(t, b); strings.Join(got, ",") != "WAITLISTED,WAITLIST_PROMOTED" {
			t.Fatalf("the waiting volunteer was told %v", got)
		}
		if got := status(c); got != signup.StatusWAITLISTED {
			t.Fatalf("third, after a place moved up: %s", got)
		}
		// After the cancellation deadline the place is kept.
		w.now = w.now.Add(3 * time.Hour)
		if _, err := w.desk.CancelSignUp(as(b), w.c, w.act.ID); err == nil || !strings.Contains(err.Error(), "取消截止") {
			t.Fatalf("late cancellation: %v", err)
		}
		// Another person's sign-up is not the caller's to cancel.
		if _, err := w.desk.CancelSignUp(as(a), w.c, w.act.ID); err == nil {
			t.Fatal("a cancelled volunteer cancelled again")
		}
		// Reminders: once per confirmed sign-up, a day ahead.
		for range 2 {
			if _, err := w.desk.Remind(context.Background(), w.c); err != nil {
				t.Fatal(err)
			}
		}
		if got := w.events(t, b); strings.Join(got, ",") != "WAITLISTED,WAITLIST_PROMOTED,REMINDER" {
			t.Fatalf("reminders: %v", got)
		}
		if got := w.events(t, c); strings.Contains(strings.Join(got, ","), "REMINDER") {
			t.Fatalf("a waiting volunteer was reminded: %v", got)
		}
	})
}

// TestForgottenCheckOut: a check-in without a check-out is closed at the
// activity's end, flagged, recorded PENDING and told, once; reviewing the
// record tells the volunteer, with the reason.
func TestForgottenCheckOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		p := w.people[0]
		if _, err := w.desk.SignUp(as(p), w.c, w.act.ID); err != nil {
			t.Fatal(err)
		}
		w.now = w.act.StartsAt.Add(10 * time.Minute)
		code, err := w.desk.Code(policy.SystemContext(context.Background(), "organiser"), w.c, w.act.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.desk.CheckIn(as(p), w.c, Scan{ActivityID: w.act.ID, Code: code.Code}); err != nil {
			t.Fatal(err)
		}
		w.now = w.act.EndsAt.Add(30 * time.Minute)
		if n, err := w.desk.CloseForgotten(context.Background(), w.c); err != nil || n != 0 {
			t.Fatalf("closed within the check-out hour: %d %v", n, err)
		}
		w.now = w.act.EndsAt.Add(2 * time.Hour)
		for range 2 {
			if _, err := w.desk.CloseForgotten(context.Background(), w.c); err != nil {
				t.Fatal(err)
			}
		}
		sys := policy.SystemContext(context.Background(), "test")
		su, err := w.c.SignUp.Query().Where(signup.PersonID(p.ID)).Only(sys)
		if err != nil {
			t.Fatal(err)
		}
		if !su.AutoClosed || !su.CheckedOutAt.Equal(w.act.EndsAt) || su.RecordID == nil {
			t.Fatalf("sign-up after the sweep: %+v", su)
		}
		rec, err := w.c.ServiceRecord.Get(sys, *su.RecordID)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Minutes != 170 || rec.Status != servicerecord.StatusPENDING || !strings.Contains(rec.Content, "未签退") || rec.RecordedBy != Recorder {
			t.Fatalf("record: %+v", rec)
		}
		if got := w.events(t, p); strings.Join(got, ",") != "SIGN_UP_CONFIRMED,CHECKED_OUT_AUTOMATICALLY" {
			t.Fatalf("told: %v", got)
		}
		// Only enrolled volunteers hear of reviews: enrol p, then reject.
		if err := w.c.APIKey.Create().SetName("volunteer V0").SetPrefix("tx_abcdefgh").SetSecretHash("h").
			SetRole("VOLUNTEER").SetHolderID(p.ID).Exec(sys); err != nil {
			t.Fatal(err)
		}
		if err := w.c.ServiceRecord.UpdateOne(rec).SetStatus(servicerecord.StatusREJECTED).SetReviewNote("当天未到岗").Exec(sys); err != nil {
			t.Fatal(err)
		}
		evs, err := w.c.VolunteerEvent.Query().Where(volunteerevent.KindEQ(volunteerevent.KindHOURS_REJECTED)).All(sys)
		if err != nil || len(evs) != 1 || !strings.Contains(evs[0].Message, "当天未到岗") {
			t.Fatalf("rejection told: %v %v", evs, err)
		}
	})
}

// TestImportRecord: a trusted district's record is imported once; a
// repeated import skips what it has; an untrusted key, another person's
// record and a tampered one are refused.
func TestImportRecord(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		other, err := signing.DeriveFor([]byte("haiyan"), RecordKeyLabel)
		if err != nil {
			t.Fatal(err)
		}
		stranger, _ := signing.DeriveFor([]byte("stranger"), RecordKeyLabel)
		w.desk.Trusted = []signing.PublicKey{other.Public()}
		w.desk.RecordKey, _ = signing.DeriveFor([]byte("here"), RecordKeyLabel)
		doc := func(k *signing.Key, number string, ids ...string) string {
			p := RecordPayload{Format: RecordFormat, Issuer: RecordIssuer{Name: "海盐县", Key: k.Public().Fingerprint()},
				Volunteer: RecordHolder{VolunteerNumber: number}}
			for _, id := range ids {
				p.Records = append(p.Records, RecordedTime{ID: id, ServedOn: "2026-01-02", Minutes: 30})
			}
			body, _ := json.Marshal(p)
			s, _ := (&SignedRecord{Format: RecordFormat, Payload: b64url(body), Signature: b64(k.Sign(body)), Key: k.Public().Fingerprint()}).Document()
			return s
		}
		p := w.people[0]
		got, err := w.desk.ImportRecord(as(p), w.c, nil, doc(other, p.VolunteerNumber, "1", "2"))
		if err != nil || got.Imported != 2 || got.Minutes != 60 {
			t.Fatalf("first import: %+v %v", got, err)
		}
		got, err = w.desk.ImportRecord(as(p), w.c, nil, doc(other, p.VolunteerNumber, "2", "3", "3"))
		if err != nil || got.Imported != 1 || got.Skipped != 2 {
			t.Fatalf("second import: %+v %v", got, err)
		}
		for name, d := range map[string]string{
			"an untrusted district": doc(stranger, p.VolunteerNumber, "9"),
			"another person's":      doc(other, "V1", "9"),
			"this district's own":   doc(w.desk.RecordKey, p.VolunteerNumber, "9"),
			"tampered":              strings.Replace(doc(other, p.VolunteerNumber, "9"), `"signature": "`, `"signature": "AA`, 1),
			"not a record at all":   `{"hello": 1}`,
			"a personId not my own": "",
		} {
			var id *int
			if d == "" {
				d, id = doc(other, p.VolunteerNumber, "9"), &w.people[1].ID
			}
			if _, err := w.desk.ImportRecord(as(p), w.c, id, d); err == nil {
				t.Errorf("%s: imported", name)
			}
		}
	})
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
func b64(b []byte) string    { return base64.StdEncoding.EncodeToString(b) }

// TestLastPlaceOnce: two volunteers taking the last place at once, each
// in its own transaction as a GraphQL mutation runs: one gets it.
func TestLastPlaceOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		if !dbtest.IsPostgres(db) {
			t.Skip("SQLite runs one writer at a time")
		}
		w := newWorld(t, db)
		if err := w.c.Recruitment.UpdateOne(w.rec).SetWaitlist(0).Exec(policy.SystemContext(context.Background(), "test")); err != nil {
			t.Fatal(err)
		}
		// Each sign-up waits at its write for the other to get there too
		// (at most 300 ms): without the recruitment's lock both would
		// have counted the place free.
		arrived := make(chan struct{}, 2)
		w.c.SignUp.Use(func(next ent.Mutator) ent.Mutator {
			return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
				if m.Op().Is(ent.OpCreate) {
					arrived <- struct{}{}
					deadline := time.After(300 * time.Millisecond)
					for len(arrived) < 2 {
						select {
						case <-deadline:
							return next.Mutate(ctx, m)
						case <-time.After(5 * time.Millisecond):
						}
					}
				}
				return next.Mutate(ctx, m)
			})
		})
		errs := make(chan error, 2)
		for _, p := range w.people[:2] {
			go func() {
				tx, err := w.c.Tx(context.Background())
				if err != nil {
					errs <- err
					return
				}
				ctx := ent.NewTxContext(as(p), tx)
				if _, err := w.desk.SignUp(ctx, tx.Client(), w.act.ID); err != nil {
					_ = tx.Rollback()
					errs <- err
					return
				}
				errs <- tx.Commit()
			}()
		}
		var refused int
		for range 2 {
			if err := <-errs; err != nil {
				if !strings.Contains(err.Error(), "名额已满") {
					t.Fatalf("unexpected: %v", err)
				}
				refused++
			}
		}
		n, err := w.c.SignUp.Query().Where(signup.StatusEQ(signup.StatusCONFIRMED)).Count(policy.SystemContext(context.Background(), "test"))
		if err != nil || n != 1 || refused != 1 {
			t.Fatalf("%d confirmed, %d refused (%v)", n, refused, err)
		}
	})
}

// TestOneStayAtATime: a volunteer's stays never overlap, whether the
// other stay is open or closed, and whether the scan is live or offline
// with its own time.
func TestOneStayAtATime(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		sys := policy.SystemContext(context.Background(), "test")
		p := w.people[0]
		a := w.act
		b, err := w.c.Activity.Create().SetTitle("助老理发").SetOrganizationID(a.OrganizationID).SetRegionID(a.RegionID).
			SetStartsAt(a.StartsAt).SetEndsAt(a.EndsAt).Save(sys)
		if err != nil {
			t.Fatal(err)
		}
		for _, act := range []*ent.Activity{a, b} {
			if err := w.c.SignUp.Create().SetPersonID(p.ID).SetActivityID(act.ID).SetStatus(signup.StatusCONFIRMED).Exec(sys); err != nil {
				t.Fatal(err)
			}
		}
		code := func(act *ent.Activity) string {
			c, err := w.desk.Code(sys, w.c, act.ID)
			if err != nil {
				t.Fatal(err)
			}
			return c.Code
		}
		at := func(d time.Duration) time.Time { return a.StartsAt.Add(d) }

		// B checked in offline at 0:10, its code kept; A live from 0:20 to 1:00.
		w.now = at(10 * time.Minute)
		bIn, bInAt := code(b), w.now
		w.now = at(20 * time.Minute)
		if _, err := w.desk.CheckIn(as(p), w.c, Scan{ActivityID: a.ID, Code: code(a)}); err != nil {
			t.Fatal(err)
		}
		w.now = at(time.Hour)
		if _, err := w.desk.CheckOut(as(p), w.c, Scan{ActivityID: a.ID, Code: code(a)}); err != nil {
			t.Fatal(err)
		}
		// The offline check-in at 0:10 is before A's stay: taken. Checking
		// out of B at 1:30 would enclose A's stay: refused.
		w.now = at(90 * time.Minute)
		if _, err := w.desk.CheckIn(as(p), w.c, Scan{ActivityID: b.ID, Code: bIn, ScannedAt: &bInAt}); err != nil {
			t.Fatalf("an offline check-in before the other stay: %v", err)
		}
		if _, err := w.desk.CheckOut(as(p), w.c, Scan{ActivityID: b.ID, Code: code(b)}); err == nil || !strings.Contains(err.Error(), "另一活动") {
			t.Fatalf("a stay enclosing another: %v", err)
		}
		// An offline check-in dated inside A's stay is refused too.
		if err := w.c.SignUp.Update().Where(signup.ActivityID(b.ID)).ClearCheckedInAt().ClearCheckInStep().Exec(sys); err != nil {
			t.Fatal(err)
		}
		w.now = at(30 * time.Minute)
		inside, insideAt := code(b), w.now
		w.now = at(95 * time.Minute)
		if _, err := w.desk.CheckIn(as(p), w.c, Scan{ActivityID: b.ID, Code: inside, ScannedAt: &insideAt}); err == nil {
			t.Fatal("an offline check-in dated inside another stay was taken")
		}
	})
}

// TestActivityNews: the volunteers on an activity's list hear of a new
// time or place and of its cancellation, each also as a signed webhook
// delivery that names them by volunteer number alone.
func TestActivityNews(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		sys := policy.SystemContext(context.Background(), "test")
		if err := w.c.WebhookSubscription.Create().SetURL("https://app.example.org/hook").SetEvents([]string{EventType}).
			SetSecretCiphertext([]byte("sealed")).Exec(sys); err != nil {
			t.Fatal(err)
		}
		w.desk.Publish = PublishWebhook
		p := w.people[0]
		if _, err := w.desk.SignUp(as(p), w.c, w.act.ID); err != nil {
			t.Fatal(err)
		}
		// A change of anything but time or place tells nobody.
		if err := w.c.Activity.UpdateOne(w.act).SetBeneficiaries(12).Exec(sys); err != nil {
			t.Fatal(err)
		}
		if err := w.c.Activity.UpdateOne(w.act).SetPlace("新塍镇文化礼堂").Exec(sys); err != nil {
			t.Fatal(err)
		}
		editor := auth.NewContext(context.Background(), &auth.Viewer{KeyID: 9, Name: "editor", Role: auth.RoleEditor,
			OrganizationID: w.act.OrganizationID, Scope: []int{w.act.OrganizationID}})
		if _, err := w.desk.CancelRecruitment(editor, w.c, w.act.ID, "天气原因"); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(w.events(t, p), ","); got != "SIGN_UP_CONFIRMED,ACTIVITY_CHANGED,ACTIVITY_CANCELLED" {
			t.Fatalf("told %s", got)
		}
		ds, err := w.c.WebhookDelivery.Query().All(sys)
		if err != nil || len(ds) != 3 {
			t.Fatalf("%d deliveries (%v)", len(ds), err)
		}
		for _, d := range ds {
			body := string(d.Body)
			if !strings.Contains(body, `"volunteerNumber":"`+p.VolunteerNumber+`"`) || strings.Contains(body, p.Name) {
				t.Errorf("delivery %s", body)
			}
		}
		if s, err := w.c.SignUp.Query().Only(sys); err != nil || s.Status != signup.StatusCANCELLED {
			t.Fatalf("sign-up after the cancellation: %+v %v", s, err)
		}
	})
}
