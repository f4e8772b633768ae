package server_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/apikeys"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/certificates"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/auditevent"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/policy"
)

const (
	issueCertQ = `mutation($in: IssueCertificateInput!) { issueCertificate(input: $in) {
		id number verificationCode verificationPath periodStart periodEnd minutes hours recordCount content issuer issuedBy revokedAt
		person { id name } records { totalCount edges { node { id status minutes } } } } }`
	revokeCertQ = `mutation($id: ID!, $reason: String!) { revokeCertificate(id: $id, reason: $reason) { id revokedAt revocationReason } }`
	verifyCertQ = `query($code: String!) { verifyCertificate(code: $code) {
		number holder hours periodStart periodEnd issuer issuedAt valid revokedAt } }`
	testBaseURL = "https://tongxing.example.org"
)

// certHTTP is the certificates handler as the server will mount it, behind
// a stand-in for the server's identify middleware.
func certHTTP(a *api) http.Handler {
	h := certificates.NewHandler(a.db.Client, slog.New(slog.DiscardHandler), func(*http.Request) string { return testBaseURL + "/" })
	mux := http.NewServeMux()
	mux.Handle("/verify/", h)
	mux.Handle("/certificates/", h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if header := r.Header.Get("Authorization"); header != "" {
			v, err := apikeys.Authenticate(policy.SystemContext(r.Context(), "test"), a.db.Client, strings.TrimPrefix(header, "Bearer "), time.Now())
			if err != nil {
				http.Error(w, "invalid key", http.StatusUnauthorized)
				return
			}
			r = r.WithContext(auth.NewContext(r.Context(), v))
		}
		mux.ServeHTTP(w, r)
	})
}

type page struct {
	status int
	header http.Header
	body   string
}

func get(h http.Handler, path, key, accept string) page {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Body)
	return page{rec.Code, rec.Header(), string(body)}
}

// certificateCount is not part of a.snapshot(), so refusals check it too.
func certificateCount(t *testing.T, a *api) int {
	t.Helper()
	n, err := a.db.Client.Certificate.Query().Count(a.sys())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCertificates(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		keys := accessFixture(t, a)
		fx, ctx, c := a.fx, a.sys(), a.db.Client
		holder := fx.volunteers[0] // member of fx.agency

		teamAct, err := c.Activity.Create().SetTitle("垃圾分类宣传").SetOrganization(fx.team).SetRegion(fx.town).
			SetStartsAt(time.Date(2025, 7, 1, 9, 0, 0, 0, time.UTC)).SetEndsAt(time.Date(2025, 7, 1, 11, 0, 0, 0, time.UTC)).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		day := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 0, 0, 0, 0, time.UTC) }
		record := func(act *ent.Activity, on time.Time, minutes int, status servicerecord.Status) *ent.ServiceRecord {
			t.Helper()
			r, err := c.ServiceRecord.Create().SetPerson(holder).SetActivity(act).SetServedOn(on).SetMinutes(minutes).
				SetRecordedBy("test").SetStatus(status).SetContent("陪伴独居老人王某").Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		verified := []*ent.ServiceRecord{
			record(fx.activity, day(6, 1), 150, servicerecord.StatusVERIFIED),
			record(fx.activity, day(6, 15), 90, servicerecord.StatusVERIFIED),
			record(teamAct, day(7, 1), 60, servicerecord.StatusVERIFIED),
		}
		record(fx.activity, day(6, 2), 300, servicerecord.StatusPENDING)
		record(fx.activity, day(6, 3), 300, servicerecord.StatusREJECTED)
		record(fx.activity, day(6, 4), 300, servicerecord.StatusSUPERSEDED)
		record(fx.activity, time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC), 300, servicerecord.StatusVERIFIED)

		issueVars := func(personID int, from, to string) map[string]any {
			return map[string]any{"in": map[string]any{"personId": id(personID), "from": from, "to": to}}
		}
		period := issueVars(holder.ID, "2025-01-01", "2025-12-31")

		t.Run("refusals write nothing", func(t *testing.T) {
			tomorrow := time.Now().In(calendar.Zone).AddDate(0, 0, 1).Format(time.DateOnly)
			for _, tc := range []struct {
				name, key string
				vars      map[string]any
				code      string
				field     string
			}{
				{"anonymous", "anonymous", period, "UNAUTHENTICATED", ""},
				{"editor of another organisation", "editor-team", period, "FORBIDDEN", ""},
				{"partner", "partner", period, "FORBIDDEN", ""},
				// The row rules answer before the person and the records are
				// looked at: no hint whether the person exists or has hours.
				{"editor of another organisation, no hours", "editor-team", issueVars(holder.ID, "2023-01-01", "2023-12-31"), "FORBIDDEN", ""},
				{"editor, not a person", "editor-agency", issueVars(fx.agency.ID, "2025-01-01", "2025-12-31"), "FORBIDDEN", ""},
				{"to before from", "admin", issueVars(holder.ID, "2025-12-31", "2025-01-01"), "BAD_USER_INPUT", "input.to"},
				{"period in the future", "admin", issueVars(holder.ID, tomorrow, tomorrow), "BAD_USER_INPUT", "input.from"},
				{"period ends in the future", "admin", issueVars(holder.ID, "2025-01-01", tomorrow), "BAD_USER_INPUT", "input.to"},
				{"no verified hours", "admin", issueVars(holder.ID, "2023-01-01", "2023-12-31"), "BAD_USER_INPUT", "input.personId"},
				{"pending, rejected, superseded only", "editor-agency", issueVars(holder.ID, "2025-06-02", "2025-06-04"), "BAD_USER_INPUT", "input.personId"},
				{"not a person", "admin", issueVars(fx.agency.ID, "2025-01-01", "2025-12-31"), "BAD_USER_INPUT", "input.personId"},
				{"malformed date", "admin", map[string]any{"in": map[string]any{"personId": id(holder.ID), "from": "2025-02-30", "to": "2025-12-31"}}, "BAD_USER_INPUT", ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					before, n := a.snapshot(), certificateCount(t, a)
					r := a.post(keys[tc.key], issueCertQ, tc.vars)
					if r.code() != tc.code || (tc.field != "" && r.field() != tc.field) {
						t.Fatalf("got %s %s, want %s %s: %s", r.code(), r.field(), tc.code, tc.field, r.Raw)
					}
					if r.Data != nil && r.Data["issueCertificate"] != nil {
						t.Errorf("refused mutation returned data: %s", r.Raw)
					}
					if a.snapshot() != before || certificateCount(t, a) != n {
						t.Errorf("a refused issue changed the database")
					}
					if tc.code == "BAD_USER_INPUT" && tc.field != "" && !regexp.MustCompile(`[\p{Han}].*\(.*[a-z]`).MatchString(r.Errors[0].Message) {
						t.Errorf("message should be Chinese with English: %q", r.Errors[0].Message)
					}
				})
			}
		})

		year := time.Now().In(calendar.Zone).Format("2006")
		var cert map[string]any
		t.Run("admin issues", func(t *testing.T) {
			d := a.admin(issueCertQ, period)
			cert = d["issueCertificate"].(map[string]any)
			if cert["number"] != "ZYZM-330411-"+year+"-000001" {
				t.Errorf("number %v", cert["number"])
			}
			if cert["minutes"].(float64) != 300 || cert["hours"].(float64) != 5 || cert["recordCount"].(float64) != 3 {
				t.Errorf("minutes %v hours %v records %v; want 300, 5, 3", cert["minutes"], cert["hours"], cert["recordCount"])
			}
			if cert["issuer"] != fx.agency.Name || cert["issuedBy"] != "test-admin" || cert["revokedAt"] != nil ||
				cert["periodStart"] != "2025-01-01" || cert["periodEnd"] != "2025-12-31" {
				t.Errorf("certificate %v", cert)
			}
			code := cert["verificationCode"].(string)
			if !regexp.MustCompile(`^[2-9A-HJ-NP-Z]{12}$`).MatchString(code) || cert["verificationPath"] != "/verify/"+code {
				t.Errorf("code %q, path %v", code, cert["verificationPath"])
			}
			content := cert["content"].(string)
			if !strings.Contains(content, fx.agency.Name) || !strings.Contains(content, "助餐送餐") || !strings.Contains(content, "垃圾分类宣传") ||
				strings.Contains(content, "王某") {
				t.Errorf("content %q", content)
			}
			if cert["person"].(map[string]any)["name"] != holder.Name {
				t.Errorf("person %v", cert["person"])
			}
			recs := edges(t, cert["records"])
			got := map[string]bool{}
			for _, r := range recs {
				if r["status"] != "VERIFIED" {
					t.Errorf("certified record %v", r)
				}
				got[r["id"].(string)] = true
			}
			for _, r := range verified {
				if !got[id(r.ID)] {
					t.Errorf("record %d not linked: %v", r.ID, recs)
				}
			}
			if len(recs) != len(verified) {
				t.Errorf("%d records linked, want %d", len(recs), len(verified))
			}
			ev, err := c.AuditEvent.Query().Where(auditevent.Action("issueCertificate")).Only(ctx)
			if err != nil || ev.EntityType != "Certificate" || ev.EntityID != cert["id"] || ev.Actor != "test-admin" {
				t.Errorf("audit event %+v, %v", ev, err)
			}
		})
		if cert == nil {
			t.FailNow()
		}
		code, number := cert["verificationCode"].(string), cert["number"].(string)

		t.Run("editor and reviewer of the person's organisation issue", func(t *testing.T) {
			for i, key := range []string{"editor-agency", "reviewer-agency"} {
				r := a.post(keys[key], issueCertQ, issueVars(holder.ID, "2025-06-01", "2025-06-30"))
				if len(r.Errors) > 0 {
					t.Fatalf("%s: %s", key, r.Raw)
				}
				got := r.Data["issueCertificate"].(map[string]any)
				if got["number"] != "ZYZM-330411-"+year+"-00000"+string(rune('2'+i)) || got["issuedBy"] != key ||
					got["minutes"].(float64) != 240 || got["hours"].(float64) != 4 || got["recordCount"].(float64) != 2 {
					t.Errorf("%s issued %v", key, got)
				}
			}
		})

		t.Run("anyone verifies, and learns only the allowed fields", func(t *testing.T) {
			r := a.post("", verifyCertQ, map[string]any{"code": code})
			if len(r.Errors) > 0 {
				t.Fatal(r.Raw)
			}
			v := r.Data["verifyCertificate"].(map[string]any)
			want := map[string]any{"number": number, "holder": "测**", "hours": 5.0, "periodStart": "2025-01-01", "periodEnd": "2025-12-31",
				"issuer": fx.agency.Name, "valid": true, "revokedAt": nil}
			for k, w := range want {
				if v[k] != w {
					t.Errorf("%s = %v, want %v", k, v[k], w)
				}
			}
			if v["issuedAt"] == nil {
				t.Error("issuedAt missing")
			}
			for _, leak := range []string{holder.Name, holder.VolunteerNumber, id(holder.ID), "1990-01-01", "助餐送餐"} {
				if strings.Contains(r.Raw, leak) {
					t.Errorf("verification leaks %q: %s", leak, r.Raw)
				}
			}
			// The type offers nothing beyond the verification fields.
			d := a.anon(`{ __type(name: "CertificateVerification") { fields { name } } }`, nil)
			var fields []string
			for _, f := range d["__type"].(map[string]any)["fields"].([]any) {
				fields = append(fields, f.(map[string]any)["name"].(string))
			}
			sort.Strings(fields)
			if got := strings.Join(fields, ","); got != "holder,hours,issuedAt,issuer,number,periodEnd,periodStart,revokedAt,valid" {
				t.Errorf("CertificateVerification fields: %s", got)
			}
			// Unknown and malformed codes: the same null, no error.
			for _, bad := range []string{"ABCDEFGHJKLM", "", "x' OR 1=1 --", strings.Repeat("9", 500), strings.ToLower(code) + "Z"} {
				r := a.post("", verifyCertQ, map[string]any{"code": bad})
				if len(r.Errors) > 0 || r.Data["verifyCertificate"] != nil {
					t.Errorf("verify %q: %s", bad, r.Raw)
				}
			}
			// A typed code in lower case with hyphens still verifies.
			typed := strings.ToLower(code[:4] + "-" + code[4:8] + "-" + code[8:])
			if d := a.anon(verifyCertQ, map[string]any{"code": typed}); d["verifyCertificate"] == nil {
				t.Errorf("typed code %q not verified", typed)
			}
		})

		h := certHTTP(a)
		t.Run("verification page", func(t *testing.T) {
			p := get(h, "/verify/"+code, "", "text/html,application/xhtml+xml,*/*;q=0.8")
			if p.status != http.StatusOK || !strings.HasPrefix(p.header.Get("Content-Type"), "text/html") {
				t.Fatalf("GET /verify: %d %s", p.status, p.header.Get("Content-Type"))
			}
			for _, want := range []string{"5 小时", "测**", number, fx.agency.Name, "2025-01-01", "2025-12-31", "有效 VALID"} {
				if !strings.Contains(p.body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			for _, leak := range []string{holder.Name, holder.VolunteerNumber, "助餐送餐", "已吊销", "<script", "http://", "https://"} {
				if strings.Contains(p.body, leak) {
					t.Errorf("page contains %q", leak)
				}
			}
			if p.header.Get("Cache-Control") != "no-store" || !strings.Contains(p.header.Get("Content-Security-Policy"), "default-src 'none'") {
				t.Errorf("headers %v", p.header)
			}

			p = get(h, "/verify/"+code, "", "application/json")
			var v map[string]any
			if err := json.Unmarshal([]byte(p.body), &v); err != nil || p.status != http.StatusOK {
				t.Fatalf("JSON: %d %s", p.status, p.body)
			}
			if v["holder"] != "测**" || v["hours"] != 5.0 || v["valid"] != true || v["number"] != number || v["periodStart"] != "2025-01-01" || len(v) != 9 {
				t.Errorf("JSON verification %v", v)
			}

			for _, bad := range []string{"/verify/ABCDEFGHJKLM", "/verify/nonsense", "/verify/", "/verify/" + code + "/x"} {
				if p := get(h, bad, "", ""); p.status != http.StatusNotFound || !strings.Contains(p.body, "Not found") {
					t.Errorf("GET %s: %d", bad, p.status)
				}
				p := get(h, bad, "", "application/json")
				var e struct {
					Errors []gqlError `json:"errors"`
				}
				if err := json.Unmarshal([]byte(p.body), &e); err != nil || p.status != http.StatusNotFound || len(e.Errors) != 1 || e.Errors[0].Extensions["code"] != "NOT_FOUND" {
					t.Errorf("GET %s as JSON: %d %s", bad, p.status, p.body)
				}
			}
		})

		t.Run("printable certificate", func(t *testing.T) {
			path := "/certificates/" + number
			p := get(h, path, "", "")
			if p.status != http.StatusUnauthorized || !strings.HasPrefix(p.header.Get("WWW-Authenticate"), "Bearer") || strings.Contains(p.body, holder.Name) {
				t.Errorf("without a key: %d %v", p.status, p.header)
			}
			readsBefore, _ := c.AuditEvent.Query().Where(auditevent.Action("readPersonalData")).Count(ctx)
			// ADMIN prints the certificate it issued over the agency's and
			// the team's records; the agency's editor prints the one it
			// issued itself (谁记录谁证明: a certificate proving another
			// organisation's records is not the agency's to read).
			for key, path := range map[string]string{"admin": path, "editor-agency": "/certificates/ZYZM-330411-" + year + "-000002"} {
				p := get(h, path, keys[key], "")
				if p.status != http.StatusOK {
					t.Fatalf("%s: %d %s", key, p.status, p.body)
				}
				wants := []string{holder.Name, fx.agency.Name, `<svg class="qr"`, "@page{size:A4 portrait", "志愿服务记录证明"}
				if key == "admin" {
					wants = append(wants, number, "5 小时", "5 hours", "2025年1月1日", "2025年12月31日", testBaseURL+"/verify/"+code)
				} else {
					wants = append(wants, "4 小时", "2025年6月1日", "2025年6月30日")
				}
				for _, want := range wants {
					if !strings.Contains(p.body, want) {
						t.Errorf("%s: printable page lacks %q", key, want)
					}
				}
				for _, external := range []string{"<script", "<link", "@import", "src=\"http", "url(http"} {
					if strings.Contains(p.body, external) {
						t.Errorf("printable page loads %q", external)
					}
				}
			}
			if reads, _ := c.AuditEvent.Query().Where(auditevent.Action("readPersonalData")).Count(ctx); reads != readsBefore+2 {
				t.Errorf("printing the name wrote %d readPersonalData events, want 2", reads-readsBefore)
			}
			// Outside the key's scope, a partner, a reviewer (who may not
			// read names), the agency's editor for a certificate that also
			// proves the team's records, an unknown number: the same 404.
			for _, tc := range []struct{ key, path string }{
				{"editor-team", path}, {"partner", path}, {"reviewer-agency", path}, {"editor-agency", path},
				{"admin", "/certificates/ZYZM-330411-2000-000001"},
			} {
				p := get(h, tc.path, keys[tc.key], "")
				if p.status != http.StatusNotFound || strings.Contains(p.body, holder.Name) || strings.Contains(p.body, number) {
					t.Errorf("%s %s: %d", tc.key, tc.path, p.status)
				}
			}
		})

		t.Run("revocation", func(t *testing.T) {
			vars := map[string]any{"id": cert["id"], "reason": "服务时长登记有误"}
			for _, tc := range []struct{ key, reason, code, field string }{
				{"anonymous", "x", "UNAUTHENTICATED", ""},
				// Out of scope: refused before the certificate is looked
				// up, as one that does not exist would be.
				{"editor-team", "x", "FORBIDDEN", ""},
				{"partner", "x", "FORBIDDEN", ""},
				{"admin", "   ", "BAD_USER_INPUT", "reason"},
			} {
				before := a.snapshot()
				r := a.post(keys[tc.key], revokeCertQ, map[string]any{"id": cert["id"], "reason": tc.reason})
				if r.code() != tc.code || r.field() != tc.field {
					t.Errorf("%s: %s", tc.key, r.Raw)
				}
				if a.snapshot() != before {
					t.Errorf("%s: a refused revocation changed the database", tc.key)
				}
			}
			if v := a.anon(verifyCertQ, map[string]any{"code": code}); v["verifyCertificate"].(map[string]any)["valid"] != true {
				t.Fatalf("refused revocations revoked it: %v", v)
			}

			d := a.admin(revokeCertQ, vars)
			rv := d["revokeCertificate"].(map[string]any)
			if rv["revokedAt"] == nil || rv["revocationReason"] != "服务时长登记有误" {
				t.Errorf("revoked %v", rv)
			}
			if r := a.post(a.key, revokeCertQ, vars); r.code() != "CONFLICT" {
				t.Errorf("revoking twice: %s", r.Raw)
			}

			v := a.anon(verifyCertQ, map[string]any{"code": code})["verifyCertificate"].(map[string]any)
			if v["valid"] != false || v["revokedAt"] == nil || v["number"] != number {
				t.Errorf("after revocation: %v", v)
			}
			p := get(h, "/verify/"+code, "", "")
			if p.status != http.StatusOK || !strings.Contains(p.body, "已吊销 REVOKED") || strings.Contains(p.body, "有效 VALID") {
				t.Errorf("revoked page: %d %s", p.status, p.body)
			}
			var j map[string]any
			_ = json.Unmarshal([]byte(get(h, "/verify/"+code, "", "application/json").body), &j)
			if j["valid"] != false || j["revokedAt"] == nil {
				t.Errorf("revoked JSON %v", j)
			}
			if p := get(h, "/certificates/"+number, a.key, ""); p.status != http.StatusOK || !strings.Contains(p.body, "已吊销 REVOKED") {
				t.Errorf("revoked printable page: %d", p.status)
			}
		})
	})
}
