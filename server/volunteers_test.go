package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/opendata/signing"
	"github.com/tongxing/tongxing/server"
	"github.com/tongxing/tongxing/volunteers"
)

// TestVolunteerJourney drives volunteer self-service end to end through
// the HTTP handler (docs/volunteers.md): an editor issues a credential, the
// volunteer signs up, checks in and out with the organiser's codes, the
// reviewer verifies, and the volunteer sees the hours, downloads a
// certificate and a signed hours record that verifies offline; replayed,
// expired and foreign codes are refused on the way.
func TestVolunteerJourney(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		keys := accessFixture(t, a)
		fx := a.fx
		start := fx.activity.StartsAt
		a.setClock(start.Add(-3 * time.Hour))
		ok := func(key, q string, vars map[string]any) map[string]any {
			t.Helper()
			r := a.post(key, q, vars)
			if len(r.Errors) > 0 {
				t.Fatalf("%.80s: %s", q, r.Raw)
			}
			return r.Data
		}
		refused := func(key, q string, vars map[string]any, code, text string) {
			t.Helper()
			r := a.post(key, q, vars)
			if r.code() != code || !strings.Contains(r.Raw, text) {
				t.Fatalf("%.80s: want %s %q, got %s", q, code, text, r.Raw)
			}
		}
		field := func(d map[string]any, path ...string) any {
			var v any = d
			for _, p := range path {
				v = v.(map[string]any)[p]
			}
			return v
		}
		editor, reviewer := keys["editor-agency"], keys["reviewer-agency"]
		v0, v1 := fx.volunteers[0], fx.volunteers[1] // the agency's members
		for _, p := range fx.volunteers[:2] {
			if err := a.db.Client.Person.UpdateOne(p).SetSkills([]string{"急救", "助老"}).Exec(a.sys()); err != nil {
				t.Fatal(err)
			}
		}

		// 1. The agency's editor issues invitation codes; the app redeems
		// them without a key, once.
		invite := func(p int) string {
			return field(ok(editor, `mutation($p:ID!){ issueVolunteerInvite(personId:$p) { code expiresAt } }`,
				map[string]any{"p": id(p)}), "issueVolunteerInvite", "code").(string)
		}
		refused(keys["editor-team"], `mutation($p:ID!){ issueVolunteerInvite(personId:$p) { code } }`, map[string]any{"p": id(v0.ID)}, "FORBIDDEN", "")
		redeem := `mutation($c:String!){ redeemVolunteerInvite(code:$c) { token volunteerNumber expiresAt } }`
		code0 := invite(v0.ID)
		token0 := field(ok("", redeem, map[string]any{"c": strings.ToLower(code0)}), "redeemVolunteerInvite", "token").(string)
		refused("", redeem, map[string]any{"c": code0}, "BAD_USER_INPUT", "已使用")
		token1 := field(ok("", redeem, map[string]any{"c": invite(v1.ID)}), "redeemVolunteerInvite", "token").(string)

		// The credential reads its own page and nothing else.
		me := ok(token0, `{ me { volunteerNumber name hours { verifiedMinutes starLevel nextStarHours } } }`, nil)
		if field(me, "me", "volunteerNumber") != v0.VolunteerNumber || field(me, "me", "name") != v0.Name {
			t.Fatalf("me: %v", me)
		}
		refused(token0, `{ people { totalCount } }`, nil, "FORBIDDEN", "")
		// Records and certificates read as the volunteer are its own (none
		// yet); people are refused.
		if n := field(ok(token0, `{ serviceRecords { totalCount } }`, nil), "serviceRecords", "totalCount"); n != 0.0 {
			t.Fatalf("a new volunteer counts %v records", n)
		}
		refused(token0, `query($id:ID!){ node(id:$id) { ... on Person { name } } }`, map[string]any{"id": id(v0.ID)}, "FORBIDDEN", "")
		refused(editor, `{ me { name } }`, nil, "FORBIDDEN", "")
		refused(token0, `mutation($p:ID!){ issueVolunteerInvite(personId:$p) { code } }`, map[string]any{"p": id(v1.ID)}, "FORBIDDEN", "")

		// One place at a time: a second check-in elsewhere is refused
		// below (step 3).

		// 2. Recruitment: one place, one on the waiting list, first-aid
		// skills required.
		ok(editor, `mutation($a:ID!,$o:Time!,$c:Time!){ recruitVolunteers(input:{activityId:$a, capacity:1, waitlist:1, opensAt:$o, closesAt:$c,
			cancelUntil:$c, requiredSkills:["急救"]}) { id capacity } }`,
			map[string]any{"a": id(fx.activity.ID), "o": start.Add(-48 * time.Hour), "c": start.Add(-time.Hour)})
		open := ok("", `{ recruitments(first: 5) { totalCount edges { node { spotsLeft open activity { title } } } } }`, nil)
		if n := field(open, "recruitments", "totalCount"); n != 1.0 {
			t.Fatalf("recruitments: %v", open)
		}
		signUp := `mutation($a:ID!){ signUp(activityId:$a) { id status activity { title } } }`
		onAct := map[string]any{"a": id(fx.activity.ID)}
		if s := field(ok(token0, signUp, onAct), "signUp", "status"); s != "CONFIRMED" {
			t.Fatalf("first sign-up: %v", s)
		}
		refused(token0, signUp, onAct, "CONFLICT", "已报名")
		if s := field(ok(token1, signUp, onAct), "signUp", "status"); s != "WAITLISTED" {
			t.Fatalf("second sign-up: %v", s)
		}
		// The waiting volunteer cancels and signs up again; then a second
		// place moves them up.
		ok(token1, `mutation($a:ID!){ cancelSignUp(activityId:$a) { status } }`, onAct)
		ok(token1, signUp, onAct)
		ok(editor, `mutation($a:ID!,$o:Time!,$c:Time!){ recruitVolunteers(input:{activityId:$a, capacity:2, waitlist:1, opensAt:$o, closesAt:$c,
			cancelUntil:$c, requiredSkills:["急救"]}) { id } }`,
			map[string]any{"a": id(fx.activity.ID), "o": start.Add(-48 * time.Hour), "c": start.Add(-time.Hour)})
		events := ok(token1, `{ me { events(first: 10) { edges { node { kind message activity { title } } } } } }`, nil)
		kinds := []string{}
		for _, e := range field(events, "me", "events", "edges").([]any) {
			kinds = append(kinds, e.(map[string]any)["node"].(map[string]any)["kind"].(string))
		}
		if strings.Join(kinds, ",") != "CREDENTIAL_ISSUED,WAITLISTED,SIGN_UP_CANCELLED,WAITLISTED,WAITLIST_PROMOTED" {
			t.Fatalf("outbox of the waiting volunteer: %v", kinds)
		}
		// The roster: the organiser's editor sees who is coming.
		roster := ok(editor, `query($a:ID!){ node(id:$a) { ... on Activity { signUps(first: 10) { totalCount edges { node { status person { volunteerNumber } } } } } } }`,
			map[string]any{"a": id(fx.activity.ID)})
		if n := field(roster, "node", "signUps", "totalCount"); n != 2.0 || !strings.Contains(mustJSON(t, roster), v1.VolunteerNumber) {
			t.Fatalf("roster: %v", roster)
		}
		if n := field(ok(keys["editor-team"], `query($a:ID!){ node(id:$a) { ... on Activity { signUps(first: 10) { totalCount } } } }`,
			map[string]any{"a": id(fx.activity.ID)}), "node", "signUps", "totalCount"); n != 0.0 {
			t.Fatalf("another organisation's editor sees %v of the roster", n)
		}

		// 3. Check-in and check-out by the organiser's rotating code.
		codeOf := func(act int) string {
			return field(ok(reviewer, `query($a:ID!){ checkInCode(activityId:$a) { code qr qrSvg validUntil } }`,
				map[string]any{"a": id(act)}), "checkInCode", "code").(string)
		}
		refused(token0, `query($a:ID!){ checkInCode(activityId:$a) { code } }`, onAct, "FORBIDDEN", "")
		scan := func(op, code string) map[string]any {
			return map[string]any{"a": id(fx.activity.ID), "c": code}
		}
		checkIn := `mutation($a:ID!,$c:String!){ checkIn(input:{activityId:$a, code:$c}) { status checkedInAt } }`
		checkOut := `mutation($a:ID!,$c:String!){ checkOut(input:{activityId:$a, code:$c}) { checkedOutAt record { id minutes status } } }`
		a.setClock(start.Add(5 * time.Minute))
		other, err := a.db.Client.Activity.Create().SetTitle("另一活动").SetOrganization(fx.agency).SetRegion(fx.town).
			SetStartsAt(start).SetEndsAt(start.Add(time.Hour)).Save(a.sys())
		if err != nil {
			t.Fatal(err)
		}
		refused(token0, checkIn, scan("in", codeOf(other.ID)), "BAD_USER_INPUT", "不属于该活动")
		stale := codeOf(fx.activity.ID)
		a.setClock(start.Add(8 * time.Minute))
		refused(token0, checkIn, scan("in", stale), "BAD_USER_INPUT", "已过期")
		refused(token0, checkIn, scan("in", "99999999.AAAAAAAAAAAAAAAA"), "BAD_USER_INPUT", "不属于该活动")
		first := codeOf(fx.activity.ID)
		ok(token0, checkIn, scan("in", first))
		refused(token0, checkIn, scan("in", first), "BAD_USER_INPUT", "已使用")
		refused(token0, checkOut, scan("out", first), "BAD_USER_INPUT", "已使用")
		// Checked in here, the volunteer is checked in nowhere else: the
		// same minutes would count twice.
		if _, err := a.db.Client.SignUp.Create().SetPersonID(v0.ID).SetActivityID(other.ID).SetStatus("CONFIRMED").Save(a.sys()); err != nil {
			t.Fatal(err)
		}
		refused(token0, checkIn, map[string]any{"a": id(other.ID), "c": codeOf(other.ID)}, "CONFLICT", "另一活动")
		// With volunteers checked in, the activity's times stay: moving it
		// would reopen every "before the start" rule.
		refused(editor, `mutation($a:ID!,$s:Time!,$e:Time!){ updateActivity(id:$a, input:{startsAt:$s, endsAt:$e}) { id } }`,
			map[string]any{"a": id(fx.activity.ID), "s": start.Add(24 * time.Hour), "e": start.Add(27 * time.Hour)}, "CONFLICT", "已有志愿者签到")
		a.setClock(start.Add(98*time.Minute + time.Second))
		out := ok(token0, checkOut, scan("out", codeOf(fx.activity.ID)))
		rec := field(out, "checkOut", "record").(map[string]any)
		if rec["minutes"] != 90.0 || rec["status"] != "PENDING" {
			t.Fatalf("check-out record: %v", rec)
		}

		// An activity under way is not cancelled: its attendance is on record.
		refused(editor, `mutation($a:ID!){ cancelRecruitment(activityId:$a, reason:"改期") { id } }`, onAct, "CONFLICT", "已开始")

		// 4. The organiser's reviewer verifies (谁记录谁证明); the volunteer
		// sees the hours and is told.
		a.setClock(time.Now())
		ok(reviewer, `mutation($ids:[ID!]!){ reviewServiceRecords(input:{ids:$ids, decision:VERIFY}) { count } }`,
			map[string]any{"ids": []string{rec["id"].(string)}})
		page := ok(token0, `{ me { hours { verifiedMinutes pendingMinutes starLevel nextStarHours hoursToNextStar }
			records(first: 5) { totalCount edges { node { status minutes activity { title } } } }
			signUps(first: 5) { edges { node { status checkedInAt checkedOutAt record { status } } } }
			events(first: 20) { edges { node { kind } } } } }`, nil)
		if field(page, "me", "hours", "verifiedMinutes") != 90.0 || field(page, "me", "hours", "hoursToNextStar") != 98.5 ||
			!strings.Contains(mustJSON(t, page), "HOURS_VERIFIED") {
			t.Fatalf("my page: %s", mustJSON(t, page))
		}

		// What a page loads along with it meets the row rules as the
		// volunteer: an activity reached from my record counts my records
		// and sign-ups there, not the others'; its organisation's
		// memberships are refused.
		nested := ok(token0, `{ me { records(first: 1) { edges { node { activity { serviceRecords { totalCount } signUps { totalCount } } } } } } }`, nil)
		act := field(nested, "me", "records", "edges").([]any)[0].(map[string]any)["node"].(map[string]any)["activity"].(map[string]any)
		if field(act, "serviceRecords", "totalCount") != 1.0 || field(act, "signUps", "totalCount") != 1.0 {
			t.Fatalf("an activity reached from my page counts others' rows: %v", act)
		}
		refused(token0, `{ me { records(first: 1) { edges { node { activity { organization { memberships { totalCount } } } } } } } }`,
			nil, "FORBIDDEN", "")
		refused(token0, `{ me { signUps(first: 1) { edges { node { activity { signUps { edges { node { person { volunteerNumber } } } } } } } } } }`,
			nil, "FORBIDDEN", "")

		// 5. A certificate, printed with the volunteer's own credential. It
		// proves one issuer's records (谁记录谁证明): by default the
		// organisation that recorded most, or the one asked for; asking
		// again gives the same certificate.
		day := fx.day
		teamAct, err := a.db.Client.Activity.Create().SetTitle("河道巡查").SetOrganization(fx.team).SetRegion(fx.town).
			SetStartsAt(start).SetEndsAt(start.Add(time.Hour)).Save(a.sys())
		if err != nil {
			t.Fatal(err)
		}
		if err := a.db.Client.ServiceRecord.Create().SetPerson(v0).SetActivity(teamAct).SetServedOn(mustDate(t, day)).SetMinutes(30).
			SetRecordedBy("test").SetStatus("VERIFIED").Exec(a.sys()); err != nil {
			t.Fatal(err)
		}
		request := `mutation($d:Date!,$o:ID){ requestCertificate(from:$d, to:$d, organizationId:$o) { number hours issuer verificationPath printPath } }`
		cert := ok(token0, request, map[string]any{"d": day})["requestCertificate"].(map[string]any)
		if cert["hours"] != 1.5 || cert["issuer"] != fx.agency.Name {
			t.Fatalf("certificate: %v", cert)
		}
		if again := ok(token0, request, map[string]any{"d": day})["requestCertificate"].(map[string]any); again["number"] != cert["number"] {
			t.Fatalf("asking again: %v, then %v", cert, again)
		}
		if team := ok(token0, request, map[string]any{"d": day, "o": id(fx.team.ID)})["requestCertificate"].(map[string]any); team["hours"] != 0.5 ||
			team["issuer"] != fx.team.Name {
			t.Fatalf("the team's certificate: %v", team)
		}
		get := func(token, path string) *httptest.ResponseRecorder {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			a.h.ServeHTTP(rec, req)
			return rec
		}
		if r := get(token0, cert["printPath"].(string)); r.Code != http.StatusOK || !strings.Contains(r.Body.String(), v0.Name) {
			t.Fatalf("printing my certificate: %d", r.Code)
		}
		if r := get(token1, cert["printPath"].(string)); r.Code != http.StatusNotFound {
			t.Fatalf("another volunteer printing it: %d", r.Code)
		}
		if r := get("", cert["verificationPath"].(string)); r.Code != http.StatusOK {
			t.Fatalf("verifying it: %d", r.Code)
		}

		// 6. The signed hours record verifies offline against the key the
		// district publishes.
		doc := ok(token0, `{ me { hoursRecord { document key } } }`, nil)
		pem := field(ok("", `{ hoursRecordKey { fingerprint pem issuer } }`, nil), "hoursRecordKey", "pem").(string)
		pub, err := signing.ParsePublicPEM([]byte(pem))
		if err != nil {
			t.Fatal(err)
		}
		payload, _, err := volunteers.VerifyRecord([]byte(field(doc, "me", "hoursRecord", "document").(string)), []signing.PublicKey{pub})
		if err != nil || payload.TotalMinutes != 120 || payload.Volunteer.VolunteerNumber != v0.VolunteerNumber || payload.Issuer.Name == "" {
			t.Fatalf("hours record: %+v %v", payload, err)
		}
		// This district's own record is not imported again; another
		// district's is, once.
		importDoc := `mutation($d:String!){ importHoursRecord(document:$d) { imported skipped minutes issuer } }`
		refused(token0, importDoc, map[string]any{"d": field(doc, "me", "hoursRecord", "document")}, "BAD_USER_INPUT", "本区签发")
		foreign := foreignRecord(t, v0.VolunteerNumber, "A1", "A2")
		if got := field(ok(token0, importDoc, map[string]any{"d": foreign}), "importHoursRecord", "imported"); got != 2.0 {
			t.Fatalf("import: %v", got)
		}
		again := ok(editor, `mutation($d:String!,$p:ID!){ importHoursRecord(document:$d, personId:$p) { imported skipped } }`,
			map[string]any{"d": foreignRecord(t, v0.VolunteerNumber, "A1", "A2", "A3"), "p": id(v0.ID)})
		if field(again, "importHoursRecord", "imported") != 1.0 || field(again, "importHoursRecord", "skipped") != 2.0 {
			t.Fatalf("second import: %v", again)
		}
		refused(token1, importDoc, map[string]any{"d": foreign}, "BAD_USER_INPUT", "不符")
		tampered := strings.Replace(foreign, `"signature": "`, `"signature": "A`, 1)
		refused(token0, importDoc, map[string]any{"d": tampered}, "BAD_USER_INPUT", "签名无效")
		if h := field(ok(token0, `{ me { hours { importedMinutes verifiedMinutes } } }`, nil), "me", "hours"); h.(map[string]any)["importedMinutes"] != 180.0 {
			t.Fatalf("imported minutes: %v", h)
		}

		// 7. Rotation and revocation. Rotations sent at once with one token
		// give one new credential.
		rotations := make(chan response, 4)
		for range 4 {
			go func() { rotations <- a.post(token0, `mutation { rotateVolunteerCredential { token } }`, nil) }()
		}
		var rotated string
		for range 4 {
			if r := <-rotations; len(r.Errors) == 0 {
				if rotated != "" {
					t.Fatal("one token rotated into two credentials")
				}
				rotated = field(r.Data, "rotateVolunteerCredential", "token").(string)
			} else if r.code() != "UNAUTHENTICATED" {
				t.Fatalf("a concurrent rotation: %s", r.Raw)
			}
		}
		refused(token0, `{ me { name } }`, nil, "UNAUTHENTICATED", "")
		ok(rotated, `{ me { name } }`, nil)
		pending := invite(v0.ID) // on the lost phone, not yet redeemed
		ok(editor, `mutation($p:ID!){ revokeVolunteerCredentials(personId:$p) { count } }`, map[string]any{"p": id(v0.ID)})
		refused(rotated, `{ me { name } }`, nil, "UNAUTHENTICATED", "")
		refused("", redeem, map[string]any{"c": pending}, "BAD_USER_INPUT", "已使用")
		ok(token1, `mutation { signOut }`, nil)
		refused(token1, `{ me { name } }`, nil, "UNAUTHENTICATED", "")
	})
}

// TestResidentRatesResolvedNeed: the handling editor hands out a code, the
// resident rates once without a key; the rating is the handlers' to read.
func TestResidentRatesResolvedNeed(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		keys := accessFixture(t, a)
		fx := a.fx
		n, err := a.db.Client.Need.Create().SetTitle("助浴").SetDomain(fx.elderly).SetRegion(fx.town).SetOpenedAt(time.Now()).
			SetStatus(need.StatusMATCHED).SetMatchedOrganization(fx.agency).Save(a.sys())
		if err != nil {
			t.Fatal(err)
		}
		hand := `mutation($n:ID!){ handOutNeedRating(needId:$n) { code expiresAt } }`
		vars := map[string]any{"n": id(n.ID)}
		if r := a.post(keys["editor-agency"], hand, vars); r.code() != "BAD_USER_INPUT" {
			t.Fatalf("rating an unresolved need: %s", r.Raw)
		}
		if err := n.Update().SetStatus(need.StatusRESOLVED).Exec(a.sys()); err != nil {
			t.Fatal(err)
		}
		if r := a.post(keys["editor-team"], hand, vars); r.code() != "FORBIDDEN" {
			t.Fatalf("another organisation's editor: %s", r.Raw)
		}
		r := a.post(keys["editor-agency"], hand, vars)
		code := r.Data["handOutNeedRating"].(map[string]any)["code"].(string)
		rate := `mutation($c:String!){ rateNeed(input:{code:$c, score:5, comment:"王阿姨很满意"}) { score } }`
		if r := a.post("", rate, map[string]any{"c": code}); len(r.Errors) > 0 {
			t.Fatalf("rating: %s", r.Raw)
		}
		used := a.post("", rate, map[string]any{"c": code})
		unknown := a.post("", rate, map[string]any{"c": "ABCDE-FGHJK-MN"})
		if used.code() != "BAD_USER_INPUT" || used.Raw != unknown.Raw {
			t.Fatalf("a used code and an unknown one answer differently:\n%s\n%s", used.Raw, unknown.Raw)
		}
		// node(id:) on the rating itself has the same readers as
		// Need.rating: the handling editor, not its reviewer.
		rt, err := a.db.Client.NeedRating.Query().Only(a.sys())
		if err != nil {
			t.Fatal(err)
		}
		if r := a.post(keys["editor-agency"], `query($r:ID!){ node(id:$r) { ... on NeedRating { score comment } } }`,
			map[string]any{"r": id(rt.ID)}); !strings.Contains(r.Raw, `"score":5`) {
			t.Errorf("the handling editor reading the rating by its id: %s", r.Raw)
		}
		for _, role := range []string{"reviewer-agency", "editor-team", "volunteer", "partner", "anonymous"} {
			r := a.post(keys[role], `query($r:ID!){ node(id:$r) { ... on NeedRating { score comment } } }`, map[string]any{"r": id(rt.ID)})
			if strings.Contains(r.Raw, "王阿姨") || strings.Contains(r.Raw, `"score":5`) {
				t.Errorf("%s read the rating by its id: %s", role, r.Raw)
			}
		}
		read := `query($n:ID!){ node(id:$n) { ... on Need { rating { score comment ratedAt } } } }`
		for role, want := range map[string]string{"editor-agency": `"score":5,"comment":"王阿姨很满意"`, "anonymous": `"rating":null`,
			"editor-team": `"rating":null`, "volunteer": `"rating":null`, "reviewer-agency": `"rating":null`} {
			if r := a.post(keys[role], read, vars); !strings.Contains(r.Raw, want) || (role != "editor-agency" && strings.Contains(r.Raw, "王阿姨")) {
				t.Errorf("%s reading the rating: %s", role, r.Raw)
			}
		}
	})
}

// TestOneTimeCodesAnswerAlike: an invitation code that was used, that
// expired, that never existed or that is malformed gets one answer, and
// so does a rating code; no answer says which.
func TestOneTimeCodesAnswerAlike(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		w := newVolunteerWorld(t, a)
		redeem := `mutation($c:String!){ redeemVolunteerInvite(code:$c) { token } }`
		issue := func() string {
			d := a.admin(`mutation($p:ID!){ issueVolunteerInvite(personId:$p) { code } }`, map[string]any{"p": id(w.person.ID)})
			return d["issueVolunteerInvite"].(map[string]any)["code"].(string)
		}
		used := issue()
		a.anon(redeem, map[string]any{"c": used})
		expired := issue()
		a.setClock(w.activity.StartsAt.Add(-time.Hour + 31*time.Minute))
		var answers []string
		for _, c := range []string{used, expired, "23456-789AB", "not a code", strings.Repeat("A", 300)} {
			r := a.post("", redeem, map[string]any{"c": c})
			if r.code() != "BAD_USER_INPUT" {
				t.Fatalf("%q: %s", c, r.Raw)
			}
			answers = append(answers, r.Raw)
		}
		for _, ans := range answers[1:] {
			if ans != answers[0] {
				t.Errorf("codes answer differently:\n%s\n%s", answers[0], ans)
			}
		}
	})
}

// TestGuardianConsent: an editor records a guardian's consent for its
// members under 18 only; a minor signs up where minors are taken, with it.
func TestGuardianConsent(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		w := newVolunteerWorld(t, a)
		keys := map[string]string{}
		consent := `mutation($p:ID!,$g:Boolean!){ recordGuardianConsent(personId:$p, given:$g) }`
		for _, given := range []bool{true, false} {
			if r := a.post(a.key, consent, map[string]any{"p": id(w.person.ID), "g": given}); r.code() != "BAD_USER_INPUT" {
				t.Fatalf("consent %v for an adult: %s", given, r.Raw)
			}
		}
		minor := a.fx.volunteers[1]
		if err := a.db.Client.Person.UpdateOne(minor).SetBirthDate(time.Now().AddDate(-15, 0, 0)).Exec(a.sys()); err != nil {
			t.Fatal(err)
		}
		keys["minor"] = w.enrol(t, minor)
		if err := a.db.Client.Recruitment.Update().SetMinorsAllowed(true).SetCapacity(5).Exec(a.sys()); err != nil {
			t.Fatal(err)
		}
		signUp := `mutation($a:ID!){ signUp(activityId:$a) { status } }`
		onAct := map[string]any{"a": id(w.activity.ID)}
		if r := a.post(keys["minor"], signUp, onAct); r.code() != "BAD_USER_INPUT" || !strings.Contains(r.Raw, "监护人") {
			t.Fatalf("a minor without consent: %s", r.Raw)
		}
		a.admin(consent, map[string]any{"p": id(minor.ID), "g": true})
		w.as(t, keys["minor"], signUp, onAct)
	})
}

// TestInvitesDeliveredToPhones: with TONGXING_INVITE_DELIVERY=webhook the
// editor never sees the code; the mini-program backend receives it, signed,
// to text the phone on record, and the volunteer redeems it.
func TestInvitesDeliveredToPhones(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		a := newAPI(t, db, func(c *server.Config) { c.InviteDelivery = "webhook" })
		keys := accessFixture(t, a)
		issue := `mutation($p:ID!){ issueVolunteerInvite(personId:$p) { code delivered expiresAt } }`
		vars := map[string]any{"p": id(a.fx.volunteers[0].ID)}
		if r := a.post(keys["editor-agency"], issue, vars); r.code() != "INTERNAL" {
			t.Fatalf("with no backend subscribed: %s", r.Raw)
		}
		if _, err := a.db.Client.WebhookSubscription.Create().SetURL("https://sms.example.org/hook").
			SetEvents([]string{"volunteer.invite"}).SetSecretCiphertext([]byte("sealed")).Save(a.sys()); err != nil {
			t.Fatal(err)
		}
		r := a.post(keys["editor-agency"], issue, vars)
		got := r.Data["issueVolunteerInvite"].(map[string]any)
		if got["code"] != nil || got["delivered"] != true {
			t.Fatalf("the editor saw: %s", r.Raw)
		}
		d, err := a.db.Client.WebhookDelivery.Query().Only(a.sys())
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Type string `json:"type"`
			Data struct {
				VolunteerNumber, Phone, Code string
			} `json:"data"`
		}
		if err := json.Unmarshal(d.Body, &body); err != nil || body.Type != "volunteer.invite" || body.Data.Phone != a.fx.volunteers[0].Phone {
			t.Fatalf("delivery %s (%v)", d.Body, err)
		}
		a.anon(`mutation($c:String!){ redeemVolunteerInvite(code:$c) { token } }`, map[string]any{"c": body.Data.Code})
	})
}
