package certificates

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/certificate"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/policy"
)

func TestCodes(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		c, err := NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != CodeLength || strings.Trim(c, CodeAlphabet) != "" {
			t.Fatalf("code %q is not %d characters of the alphabet", c, CodeLength)
		}
		if seen[c] {
			t.Fatalf("code %q drawn twice", c)
		}
		seen[c] = true
		for _, typed := range []string{c, strings.ToLower(c), GroupCode(c), " " + strings.ToLower(GroupCode(c)) + " "} {
			if got, ok := NormalizeCode(typed); !ok || got != c {
				t.Fatalf("NormalizeCode(%q) = %q, %v; want %q", typed, got, ok, c)
			}
		}
	}
	if strings.ContainsAny(CodeAlphabet, "01IO") || len(CodeAlphabet) != 32 {
		t.Fatalf("alphabet %q", CodeAlphabet)
	}
	for _, bad := range []string{"", "ABC", "ABCDEFGHJKLMN", "ABCDEFGHJKL0", "ABCDEFGHJKLO", "ABCDEFGHJK'M", "ＡBCDEFGHJKLM",
		"ABCDEFGHJKL\x00", strings.Repeat("-", 100) + "ABCDEFGHJKLM", "../../etc/passwd"} {
		if got, ok := NormalizeCode(bad); ok {
			t.Errorf("NormalizeCode(%q) = %q, accepted", bad, got)
		}
	}
}

func TestHoursAndHolder(t *testing.T) {
	for minutes, want := range map[int]float64{0: 0, 150: 2.5, 100: 1.7, 59: 1, 61: 1, 1440: 24, 12345: 205.8} {
		if got := Hours(minutes); got != want {
			t.Errorf("Hours(%d) = %v, want %v", minutes, got, want)
		}
	}
	if FormatHours(180) != "3" || FormatHours(150) != "2.5" {
		t.Errorf("FormatHours: %q %q", FormatHours(180), FormatHours(150))
	}
	for name, want := range map[string]string{"张三丰": "张**", "欧阳娜娜": "欧**", " Li Lei": "L**", "": "**", "\xff": "**"} {
		if got := Holder(name); got != want {
			t.Errorf("Holder(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestWantsJSON(t *testing.T) {
	for accept, want := range map[string]bool{
		"":                 false,
		"application/json": true,
		"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": false,
		"application/json, text/html":                                     true,
		"text/html, application/json":                                     false,
		"text/html;q=0.5, application/json":                               true,
		"application/json;q=0":                                            false,
		"application/json;charset=utf-8":                                  true,
		"*/*":                                                             false,
		"garbage;;;, application/json;q=0.7":                              true,
	} {
		r := httptest.NewRequest(http.MethodGet, "/verify/x", nil)
		r.Header.Set("Accept", accept)
		if got := wantsJSON(r); got != want {
			t.Errorf("Accept %q: wantsJSON = %v, want %v", accept, got, want)
		}
	}
}

func TestQRSVG(t *testing.T) {
	svg, err := QRSVG("https://tongxing.example.org/verify/ABCDEFGHJKLM")
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	if !strings.HasPrefix(s, `<svg class="qr"`) || !strings.Contains(s, `<path fill="#000" d="M`) || !strings.HasSuffix(s, "</svg>") {
		t.Fatalf("not a QR SVG: %.200s", s)
	}
	if _, err := QRSVG(strings.Repeat("x", 5000)); err == nil {
		t.Error("content too long for a QR code must fail")
	}
}

// world is a small district for the domain tests.
type world struct {
	db                    *database.DB
	agency, team, cityOrg *ent.Organization
	agencyAct, teamAct    *ent.Activity
	cityAct               *ent.Activity
	person, other         *ent.Person
	now                   time.Time
}

func sys() context.Context { return policy.SystemContext(context.Background(), "test") }

func day(m time.Month, d int) time.Time { return time.Date(2025, m, d, 0, 0, 0, 0, time.UTC) }

func newWorld(t *testing.T, db *database.DB) *world {
	t.Helper()
	ctx, c := sys(), db.Client
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w := &world{db: db, now: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	city, err := c.Region.Create().SetCode("330400").SetName("嘉兴市").SetLevel(region.LevelCITY).Save(ctx)
	must(err)
	district, err := c.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).SetParent(city).Save(ctx)
	must(err)
	town, err := c.Region.Create().SetCode("330411104").SetName("新塍镇").SetLevel(region.LevelTOWN).SetParent(district).Save(ctx)
	must(err)
	community, err := c.Region.Create().SetCode("330411104001").SetName("新塍社区").SetLevel(region.LevelCOMMUNITY).SetParent(town).Save(ctx)
	must(err)
	w.agency, err = c.Organization.Create().SetName("孝慈社工").SetKind(organization.KindSOCIAL_WORK_AGENCY).SetRegion(community).Save(ctx)
	must(err)
	w.team, err = c.Organization.Create().SetName("红心志愿服务队").SetKind(organization.KindVOLUNTEER_TEAM).SetRegion(town).Save(ctx)
	must(err)
	w.cityOrg, err = c.Organization.Create().SetName("市志愿者协会").SetKind(organization.KindSOCIAL_ORGANIZATION).SetRegion(city).Save(ctx)
	must(err)
	act := func(o *ent.Organization, title string) *ent.Activity {
		start := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
		a, err := c.Activity.Create().SetTitle(title).SetOrganization(o).SetRegionID(o.RegionID).
			SetStartsAt(start).SetEndsAt(start.AddDate(1, 0, 0)).Save(ctx)
		must(err)
		return a
	}
	w.agencyAct = act(w.agency, "助餐送餐")
	w.teamAct = act(w.team, "垃圾分类宣传")
	w.cityAct = act(w.cityOrg, "马拉松服务")
	w.person, err = c.Person.Create().SetName("张三丰").SetVolunteerNumber("ZJ001").Save(ctx)
	must(err)
	w.other, err = c.Person.Create().SetName("李四").SetVolunteerNumber("ZJ002").Save(ctx)
	must(err)
	return w
}

func (w *world) record(t *testing.T, p *ent.Person, a *ent.Activity, on time.Time, minutes int, status servicerecord.Status, content string) *ent.ServiceRecord {
	t.Helper()
	r, err := w.db.Client.ServiceRecord.Create().SetPerson(p).SetActivity(a).SetServedOn(on).SetMinutes(minutes).
		SetRecordedBy("test").SetStatus(status).SetContent(content).Save(sys())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func fieldOf(err error) string {
	l, ok := apierror.As(err)
	if !ok {
		return "not an API error: " + fmt.Sprint(err)
	}
	return string(l[0].Code) + " " + l[0].Field
}

func TestIssue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		ctx, c := sys(), db.Client
		v := servicerecord.StatusVERIFIED
		certified := []*ent.ServiceRecord{
			w.record(t, w.person, w.agencyAct, day(3, 1), 120, v, "陪伴王奶奶"),
			w.record(t, w.person, w.agencyAct, day(3, 8), 90, v, ""),
			w.record(t, w.person, w.teamAct, day(4, 2), 150, v, ""),
			w.record(t, w.person, w.agencyAct, day(6, 30), 30, v, ""),
		}
		w.record(t, w.person, w.agencyAct, day(3, 2), 600, servicerecord.StatusPENDING, "")
		w.record(t, w.person, w.agencyAct, day(3, 3), 600, servicerecord.StatusREJECTED, "")
		w.record(t, w.person, w.agencyAct, day(3, 4), 600, servicerecord.StatusSUPERSEDED, "")
		w.record(t, w.person, w.agencyAct, day(7, 1), 600, v, "") // after the period
		w.record(t, w.other, w.agencyAct, day(3, 1), 600, v, "")  // someone else

		in := IssueInput{PersonID: w.person.ID, From: day(3, 1), To: day(6, 30)}
		cert, err := Issue(ctx, c, in, w.now)
		if err != nil {
			t.Fatal(err)
		}
		if cert.Minutes != 390 || cert.RecordCount != 4 {
			t.Errorf("minutes %d, records %d; want 390, 4", cert.Minutes, cert.RecordCount)
		}
		if cert.Number != "ZYZM-330411-2026-000001" {
			t.Errorf("number %q", cert.Number)
		}
		if cert.Issuer != "孝慈社工" || cert.IssuedBy != "test" {
			t.Errorf("issuer %q, issued by %q", cert.Issuer, cert.IssuedBy)
		}
		if _, ok := NormalizeCode(cert.VerificationCode); !ok {
			t.Errorf("verification code %q", cert.VerificationCode)
		}
		want := "孝慈社工：助餐送餐，3 次，4 小时；红心志愿服务队：垃圾分类宣传，1 次，2.5 小时"
		if cert.Content != want {
			t.Errorf("content %q, want %q", cert.Content, want)
		}
		if strings.Contains(cert.Content, "王奶奶") {
			t.Error("content must not carry the records' free text")
		}
		ids, err := cert.QueryRecords().Order(ent.Asc(servicerecord.FieldID)).IDs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != len(certified) {
			t.Fatalf("linked records %v", ids)
		}
		for i, r := range certified {
			if ids[i] != r.ID {
				t.Errorf("linked records %v, want the verified ones in the period", ids)
			}
		}

		// The sequence counts on; a later year starts again.
		second, err := Issue(ctx, c, in, w.now)
		if err != nil {
			t.Fatal(err)
		}
		if second.Number != "ZYZM-330411-2026-000002" || second.VerificationCode == cert.VerificationCode {
			t.Errorf("second: %q %q", second.Number, second.VerificationCode)
		}
		next, err := Issue(ctx, c, in, w.now.AddDate(1, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		if next.Number != "ZYZM-330411-2027-000001" {
			t.Errorf("next year: %q", next.Number)
		}

		// Most time organised by an organisation based above district
		// level: its own division code.
		w.record(t, w.other, w.cityAct, day(5, 1), 60, v, "")
		cityCert, err := Issue(ctx, c, IssueInput{PersonID: w.other.ID, From: day(5, 1), To: day(5, 1)}, w.now)
		if err != nil {
			t.Fatal(err)
		}
		if cityCert.Number != "ZYZM-330400-2026-000001" || cityCert.Issuer != "市志愿者协会" || cityCert.Minutes != 60 {
			t.Errorf("city issuer: %q %q %d", cityCert.Number, cityCert.Issuer, cityCert.Minutes)
		}

		// Refusals.
		for name, tc := range map[string]struct {
			in   IssueInput
			want string
		}{
			"to before from": {IssueInput{PersonID: w.person.ID, From: day(6, 1), To: day(5, 1)}, "BAD_USER_INPUT input.to"},
			"future period":  {IssueInput{PersonID: w.person.ID, From: day(1, 1).AddDate(2, 0, 0), To: day(2, 1).AddDate(2, 0, 0)}, "BAD_USER_INPUT input.from"},
			"ends in future": {IssueInput{PersonID: w.person.ID, From: day(1, 1), To: day(1, 1).AddDate(2, 0, 0)}, "BAD_USER_INPUT input.to"},
			"no hours":       {IssueInput{PersonID: w.person.ID, From: day(1, 1), To: day(2, 1)}, "BAD_USER_INPUT input.personId"},
			"only pending":   {IssueInput{PersonID: w.person.ID, From: day(3, 2), To: day(3, 4)}, "BAD_USER_INPUT input.personId"},
			"unknown person": {IssueInput{PersonID: w.agency.ID, From: day(3, 1), To: day(6, 30)}, "BAD_USER_INPUT input.personId"},
			"absurd date":    {IssueInput{PersonID: w.person.ID, From: time.Date(202, 1, 1, 0, 0, 0, 0, time.UTC), To: day(3, 1)}, "BAD_USER_INPUT input.from"},
		} {
			before, _ := c.Certificate.Query().Count(ctx)
			_, err := Issue(ctx, c, tc.in, w.now)
			if got := fieldOf(err); got != tc.want {
				t.Errorf("%s: %s, want %s", name, got, tc.want)
			}
			if after, _ := c.Certificate.Query().Count(ctx); after != before {
				t.Errorf("%s: a refused issue wrote a certificate", name)
			}
		}
	})
}

func TestIssueConcurrently(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		w.record(t, w.person, w.agencyAct, day(3, 1), 120, servicerecord.StatusVERIFIED, "")
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = Issue(sys(), db.Client, IssueInput{PersonID: w.person.ID, From: day(1, 1), To: day(12, 31)}, w.now)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		numbers, err := db.Client.Certificate.Query().Order(ent.Asc(certificate.FieldNumber)).
			Select(certificate.FieldNumber).Strings(sys())
		if err != nil {
			t.Fatal(err)
		}
		for i, got := range numbers {
			if want := fmt.Sprintf("ZYZM-330411-2026-%06d", i+1); got != want {
				t.Fatalf("numbers %v: want consecutive from 000001", numbers)
			}
		}
		if len(numbers) != n {
			t.Fatalf("%d certificates, want %d", len(numbers), n)
		}
	})
}

func TestRevokeAndVerify(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		ctx, c := sys(), db.Client
		w.record(t, w.person, w.agencyAct, day(3, 1), 150, servicerecord.StatusVERIFIED, "")
		cert, err := Issue(ctx, c, IssueInput{PersonID: w.person.ID, From: day(1, 1), To: day(12, 31)}, w.now)
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range []string{"", "nonsense", "ABCDEFGHJKLM", strings.Repeat("Z", 12), cert.VerificationCode + "2"} {
			v, err := Verify(context.Background(), c, code)
			if v != nil || err != nil {
				t.Errorf("Verify(%q) = %+v, %v; want nil, nil", code, v, err)
			}
		}
		v, err := Verify(context.Background(), c, strings.ToLower(GroupCode(cert.VerificationCode)))
		if err != nil || v == nil {
			t.Fatalf("Verify: %v, %v", v, err)
		}
		if v.Holder != "张**" || v.Hours != 2.5 || !v.Valid || v.RevokedAt != nil || v.Number != cert.Number || v.Issuer != "孝慈社工" ||
			!v.PeriodStart.Equal(day(1, 1)) || !v.PeriodEnd.Equal(day(12, 31)) || !v.IssuedAt.Equal(w.now) {
			t.Errorf("verification %+v", v)
		}

		if _, err := Revoke(ctx, c, cert.ID, "  ", w.now); fieldOf(err) != "BAD_USER_INPUT reason" {
			t.Errorf("blank reason: %v", err)
		}
		if _, err := Revoke(ctx, c, w.person.ID, "错误", w.now); fieldOf(err) != "NOT_FOUND " {
			t.Errorf("not a certificate: %v", err)
		}
		revoked, err := Revoke(ctx, c, cert.ID, "时长录入有误", w.now.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if revoked.RevokedAt == nil || revoked.RevocationReason != "时长录入有误" {
			t.Errorf("revoked: %+v", revoked)
		}
		if _, err := Revoke(ctx, c, cert.ID, "再次", w.now); fieldOf(err) != "CONFLICT " {
			t.Errorf("revoking twice: %v", err)
		}
		v, err = Verify(context.Background(), c, cert.VerificationCode)
		if err != nil || v == nil || v.Valid || v.RevokedAt == nil || !v.RevokedAt.Equal(w.now.Add(time.Hour)) {
			t.Errorf("after revocation: %+v, %v", v, err)
		}
	})
}

func TestHandlerRefusals(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	h := NewHandler(db.Client, nil, nil)
	serve := func(method, path, accept string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := serve(http.MethodPost, "/verify/ABCDEFGHJKLM", ""); rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d %v", rec.Code, rec.Header())
	}
	if rec := serve(http.MethodHead, "/verify/ABCDEFGHJKLM", ""); rec.Code != http.StatusNotFound {
		t.Errorf("HEAD unknown: %d", rec.Code)
	}
	rec := serve(http.MethodGet, "/certificates/ZYZM-330411-2026-000001", "application/json")
	if rec.Code != http.StatusUnauthorized || rec.Header().Get("WWW-Authenticate") == "" ||
		!strings.Contains(rec.Body.String(), `"code":"UNAUTHENTICATED"`) {
		t.Errorf("no key: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	for _, path := range []string{"/", "/verify", "/certificates/", "/elsewhere"} {
		if rec := serve(http.MethodGet, path, ""); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, rec.Code)
		}
	}
	// Bad numbers are refused before any query, with a key too.
	for _, n := range []string{"%FF%FE", "ZYZM'--", strings.Repeat("9", 65)} {
		req := httptest.NewRequest(http.MethodGet, "/certificates/"+n, nil)
		req = req.WithContext(auth.NewContext(req.Context(), &auth.Viewer{Name: "t", Role: auth.RoleAdmin}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET /certificates/%s: %d", n, rec.Code)
		}
	}
	r := httptest.NewRequest(http.MethodGet, "/verify/x", nil)
	r.Host = "tongxing.example.org:8080"
	if got := requestBaseURL(r); got != "http://tongxing.example.org:8080" {
		t.Errorf("requestBaseURL = %q", got)
	}
}
