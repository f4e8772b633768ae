package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/tongxing/tongxing/opendata/signing"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tongxing/tongxing/apikeys"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/ent/projectparticipation"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/policy"
	"github.com/tongxing/tongxing/server"
)

// api is a client for the real HTTP handler over a real database.
type api struct {
	t   *testing.T
	db  *database.DB
	h   http.Handler
	key string
	fx  fixture
	// offset moves the server's clock from the real time (setClock).
	offset *atomic.Int64
}

// setClock sets the server's clock to t, running on from there.
func (a *api) setClock(t time.Time) { a.offset.Store(int64(time.Until(t))) }

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	Status int
	Data   map[string]any
	Errors []gqlError
	Raw    string
}

// code is extensions.code of the first error, or "".
func (r response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func (r response) field() string {
	if len(r.Errors) == 0 {
		return ""
	}
	f, _ := r.Errors[0].Extensions["field"].(string)
	return f
}

// fixture holds the ids of a small district the tests work on.
type fixture struct {
	district, town, community       *ent.Region
	agency, team, party, university *ent.Organization
	project                         *ent.Project
	activity                        *ent.Activity
	volunteers                      []*ent.Person
	elderly, youth, charityCategory *ent.Term
	indicator                       *ent.Indicator
	// day is the activity's date, YYYY-MM-DD.
	day string
}

// eachAPI runs fn against a fresh server and database on every backend.
func eachAPI(t *testing.T, fn func(t *testing.T, a *api)) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		fn(t, newAPI(t, db))
	})
}

func newAPI(t *testing.T, db *database.DB, configure ...func(*server.Config)) *api {
	t.Helper()
	cfg, err := server.LoadConfig(func(k string) string {
		if k == "TONGXING_CORS_ORIGINS" {
			return "https://dashboard.example.org"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.SecretKey = testSecret
	cfg.CaseKey = testCaseKey
	// Figures follow each write at once, whatever a read cost under load
	// (results.TestStaleWhileRebuilding covers the window).
	cfg.FiguresMaxStale = 0
	cfg.TrustedHoursKeys = []signing.PublicKey{foreignDistrict.Public()}
	a := &api{t: t, db: db, offset: new(atomic.Int64)}
	cfg.Now = func() time.Time { return time.Now().Add(time.Duration(a.offset.Load())) }
	for _, f := range configure {
		f(&cfg)
	}
	a.h = server.New(cfg, db, slog.New(slog.DiscardHandler)).Handler()
	ctx := a.sys()
	a.key, _, err = apikeys.Create(ctx, db.Client, "test-admin", apikeys.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a.fx = buildFixture(t, ctx, db.Client)
	return a
}

func (a *api) sys() context.Context { return policy.SystemContext(context.Background(), "test") }

// post sends a GraphQL request with the given bearer key ("" for none).
func (a *api) post(key, query string, vars map[string]any) response {
	a.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	return a.do(req)
}

func (a *api) do(req *http.Request) response {
	a.t.Helper()
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	raw, _ := io.ReadAll(rec.Body)
	var out struct {
		Data   map[string]any `json:"data"`
		Errors []gqlError     `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		a.t.Fatalf("response is not JSON (%d): %s", rec.Code, raw)
	}
	return response{Status: rec.Code, Data: out.Data, Errors: out.Errors, Raw: string(raw)}
}

// admin sends a request with the test's key and fails on any error.
func (a *api) admin(query string, vars map[string]any) map[string]any {
	a.t.Helper()
	r := a.post(a.key, query, vars)
	if len(r.Errors) > 0 {
		a.t.Fatalf("unexpected errors: %s", r.Raw)
	}
	return r.Data
}

// anon sends a request without a key and fails on any error.
func (a *api) anon(query string, vars map[string]any) map[string]any {
	a.t.Helper()
	r := a.post("", query, vars)
	if len(r.Errors) > 0 {
		a.t.Fatalf("unexpected errors: %s", r.Raw)
	}
	return r.Data
}

// counts returns row counts of every table that a mutation can write, so a
// test can assert a failed mutation wrote nothing.
func (a *api) counts() map[string]int {
	a.t.Helper()
	ctx, c := a.sys(), a.db.Client
	out := map[string]int{}
	add := func(name string, n int, err error) {
		if err != nil {
			a.t.Fatalf("count %s: %v", name, err)
		}
		out[name] = n
	}
	n, err := c.Organization.Query().Count(ctx)
	add("organizations", n, err)
	n, err = c.PartyBuildingLink.Query().Count(ctx)
	add("partyBuildingLinks", n, err)
	n, err = c.Partnership.Query().Count(ctx)
	add("partnerships", n, err)
	n, err = c.Project.Query().Count(ctx)
	add("projects", n, err)
	n, err = c.ProjectParticipation.Query().Count(ctx)
	add("participations", n, err)
	n, err = c.Activity.Query().Count(ctx)
	add("activities", n, err)
	n, err = c.Outcome.Query().Count(ctx)
	add("outcomes", n, err)
	n, err = c.Need.Query().Count(ctx)
	add("needs", n, err)
	n, err = c.ServiceRecord.Query().Count(ctx)
	add("serviceRecords", n, err)
	n, err = c.AuditEvent.Query().Count(ctx)
	add("auditEvents", n, err)
	n, err = c.WebhookSubscription.Query().Count(ctx)
	add("webhookSubscriptions", n, err)
	n, err = c.PartyCoverage.Query().Count(ctx)
	add("partyCoverages", n, err)
	n, err = c.ServicePoint.Query().Count(ctx)
	add("servicePoints", n, err)
	n, err = c.ServicePointHours.Query().Count(ctx)
	add("servicePointHours", n, err)
	n, err = c.ServicePointException.Query().Count(ctx)
	add("servicePointExceptions", n, err)
	n, err = c.CompetitionRound.Query().Count(ctx)
	add("competitionRounds", n, err)
	n, err = c.CompetitionApplication.Query().Count(ctx)
	add("competitionApplications", n, err)
	n, err = c.CompetitionReview.Query().Count(ctx)
	add("competitionReviews", n, err)
	n, err = c.CompetitionAward.Query().Count(ctx)
	add("competitionAwards", n, err)
	return out
}

// latestUpdate is the newest updatedAt of the mutable registers, to detect
// a failed update that changed a row anyway.
func (a *api) snapshot() string {
	a.t.Helper()
	ctx, c := a.sys(), a.db.Client
	var parts []any
	orgs, _ := c.Organization.Query().Order(ent.Asc(organization.FieldID)).All(ctx)
	for _, o := range orgs {
		parts = append(parts, o.Name, o.CreditCode, o.RegionID, o.ParentID, o.UpdatedAt.UnixNano())
	}
	ps, _ := c.Project.Query().Order(ent.Asc(project.FieldID)).All(ctx)
	for _, p := range ps {
		parts = append(parts, p.Name, p.Stage, p.UpdatedAt.UnixNano())
	}
	b, _ := json.Marshal(append(parts, a.counts()))
	return string(b)
}

func id(v int) string { return gid.Encode(v) }

// testSecret is the server's TONGXING_SECRET_KEY in tests.
var testSecret = []byte("tongxing-api-test-secret-key-32b")

// testCaseKey is the server's TONGXING_CASE_KEY in tests.
var testCaseKey = []byte("tongxing-api-test-case-notes-key")

func buildFixture(t *testing.T, ctx context.Context, c *ent.Client) fixture {
	t.Helper()
	must := func(err error) {
		if err != nil {
			t.Helper()
			t.Fatalf("fixture: %v", err)
		}
	}
	var fx fixture
	var err error
	fx.district, err = c.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).Save(ctx)
	must(err)
	fx.town, err = c.Region.Create().SetCode("330411104").SetName("新塍镇").SetLevel(region.LevelTOWN).SetParent(fx.district).Save(ctx)
	must(err)
	fx.community, err = c.Region.Create().SetCode("330411104001").SetName("新塍社区").SetLevel(region.LevelCOMMUNITY).SetParent(fx.town).Save(ctx)
	must(err)
	for i, code := range []string{"330411002", "330411003", "330411004", "330411005", "330411101", "330411103", "330411105", "330411106"} {
		_, err = c.Region.Create().SetCode(code).SetName("街镇" + string(rune('A'+i))).SetLevel(region.LevelTOWN).SetParent(fx.district).Save(ctx)
		must(err)
	}
	domains, err := c.Taxonomy.Create().SetCode("service-domain").SetName("服务领域").Save(ctx)
	must(err)
	categories, err := c.Taxonomy.Create().SetCode("org-category").SetName("组织分类").Save(ctx)
	must(err)
	fx.elderly, err = c.Term.Create().SetTaxonomy(domains).SetCode("elderly-care").SetName("养老").Save(ctx)
	must(err)
	fx.youth, err = c.Term.Create().SetTaxonomy(domains).SetCode("youth").SetName("青少年").Save(ctx)
	must(err)
	fx.charityCategory, err = c.Term.Create().SetTaxonomy(categories).SetCode("charity").SetName("公益慈善类").Save(ctx)
	must(err)
	fx.agency, err = c.Organization.Create().SetName("嘉兴市秀洲区孝慈社会工作服务中心").SetKind(organization.KindSOCIAL_WORK_AGENCY).
		SetLegalForm(organization.LegalFormSOCIAL_SERVICE_AGENCY).SetRegistrationStatus(organization.RegistrationStatusREGISTERED).
		SetCreditCode("913304007429141869").SetRegion(fx.town).Save(ctx)
	must(err)
	fx.team, err = c.Organization.Create().SetName("新塍镇红心志愿服务队").SetKind(organization.KindVOLUNTEER_TEAM).SetRegion(fx.town).Save(ctx)
	must(err)
	fx.party, err = c.Organization.Create().SetName("中共新塍镇委员会").SetKind(organization.KindPARTY_ORGANIZATION).SetRegion(fx.town).Save(ctx)
	must(err)
	fx.university, err = c.Organization.Create().SetName("嘉兴大学").SetKind(organization.KindUNIVERSITY).SetRegion(fx.district).Save(ctx)
	must(err)
	for i := 0; i < 25; i++ {
		_, err = c.Organization.Create().SetName("社区社会组织" + string(rune('甲'+i))).SetKind(organization.KindSOCIAL_ORGANIZATION).
			SetRegistrationStatus(organization.RegistrationStatusFILED).SetRegion(fx.community).Save(ctx)
		must(err)
	}
	fx.project, err = c.Project.Create().SetName("一口暖心饭").SetStage(project.StageIMPLEMENTATION).AddDomains(fx.elderly).Save(ctx)
	must(err)
	must(c.ProjectParticipation.Create().SetProject(fx.project).SetOrganization(fx.agency).SetRole(projectparticipation.RoleLEAD).Exec(ctx))
	// The activity took place yesterday (China time), so hours logged for it
	// now are on time; the LATE rules are tested with older activities.
	cst := calendar.Zone
	y, m, d := time.Now().In(cst).AddDate(0, 0, -1).Date()
	start := time.Date(y, m, d, 9, 0, 0, 0, cst)
	fx.day = start.Format(time.DateOnly)
	fx.activity, err = c.Activity.Create().SetTitle("助餐送餐").SetOrganization(fx.agency).SetProject(fx.project).SetRegion(fx.town).
		SetStartsAt(start).SetEndsAt(start.Add(3 * time.Hour)).SetBeneficiaries(40).Save(ctx)
	must(err)
	for i := 0; i < 3; i++ {
		p, err := c.Person.Create().SetVolunteerNumber("ZJT" + string(rune('0'+i))).SetName("测试志愿者" + string(rune('一'+i))).
			SetGender(person.GenderFEMALE).SetPhone("1380000000" + string(rune('0'+i))).Save(ctx)
		must(err)
		fx.volunteers = append(fx.volunteers, p)
	}
	fx.indicator, err = c.Indicator.Create().SetCode("households-served").SetName("服务农户数").SetUnit("户").Save(ctx)
	must(err)
	return fx
}
