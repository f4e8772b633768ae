package policy_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/projectparticipation"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/ent/tombstone"
	"github.com/tongxing/tongxing/policy"
)

// The fixture every rule is tested against. The EDITOR and REVIEWER keys
// belong to the agency, whose scope is the agency, its team and the Party
// branch under it; everything of "other" (an unrelated agency with its own
// Party branch) and of the university is outside that scope.
//
//	district → town (regions)
//	agency ─┬─ team            other ── partyOut        uni   uni2
//	        └─ partyIn
//
// People: pA member of agency, pT member of team, pV a visitor with a record
// at an agency activity but no membership, pO member of other (with a record
// at other's activity), pU a student of uni who served at other's activity,
// pN nobody's member with no record.
type world struct {
	db *database.DB
	c  *ent.Client

	district, town *ent.Region

	agency, team, partyIn, other, partyOut, uni, uni2 int

	pA, pT, pV, pO, pU, pN int
	mA, mT, mO, mU         int
	actA, actT, actO       int
	rA, rT, rV, rO, rU     int
	cA1, cA2, cT, cV, cO   int
	cMixed                 int // proves records of the agency and of the outsider
	rMixed                 int // A's record at the outsider's activity

	domain, indicator int

	nA, nT, nO, nOpen int
	// Needs in a child-related domain (NeedRows): matched to the agency,
	// to other, and not yet matched.
	childDomain      int
	ncA, ncO, ncOpen int

	// prjA is led by the agency with other as a PARTNER; prjO is led by
	// other with the team as a PARTNER (the scope takes part, never leads).
	prjA, prjO                          int
	leadA, partnerOnA, leadO, teamOnO   int
	oA1, oA2, oO                        int
	linkPartyIn, linkPartnerIn, linkOut int
	shipOrgIn, shipPartnerIn, shipOut   int
	tombU, tombU2                       int
	key, event                          int
}

// sys is the system context the fixture is written with: every rule allows it.
func sys() context.Context { return policy.SystemContext(context.Background(), "test") }

// mk returns v, or panics on err: the fixture's writes must all succeed, and
// a panic fails the test with the line that broke (it keeps the fixture
// readable: Go passes a call's two results on only as the sole arguments).
func mk[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func newWorld(t testing.TB, db *database.DB) *world {
	t.Helper()
	ctx, c := sys(), db.Client
	w := &world{db: db, c: c}
	w.district = mk(c.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).Save(ctx))
	w.town = mk(c.Region.Create().SetCode("330411104").SetName("新塍镇").SetLevel(region.LevelTOWN).SetParent(w.district).Save(ctx))

	org := func(name string, kind organization.Kind, parent int) int {
		q := c.Organization.Create().SetName(name).SetKind(kind).SetRegionID(w.town.ID)
		if parent != 0 {
			q.SetParentID(parent)
		}
		return mk(q.Save(ctx)).ID
	}
	w.agency = org("孝慈社工", organization.KindSOCIAL_WORK_AGENCY, 0)
	w.team = org("红心志愿服务队", organization.KindVOLUNTEER_TEAM, w.agency)
	w.partyIn = org("孝慈社工党支部", organization.KindPARTY_ORGANIZATION, w.agency)
	w.other = org("秀水社工", organization.KindSOCIAL_WORK_AGENCY, 0)
	w.partyOut = org("秀水社工党支部", organization.KindPARTY_ORGANIZATION, w.other)
	w.uni = org("嘉兴大学", organization.KindUNIVERSITY, 0)
	w.uni2 = org("嘉兴南湖学院", organization.KindUNIVERSITY, 0)

	person := func(number string) *ent.PersonCreate {
		return c.Person.Create().SetName("志愿者" + number).SetVolunteerNumber(number)
	}
	w.pA = mk(person("A").Save(ctx)).ID
	w.pT = mk(person("T").Save(ctx)).ID
	w.pV = mk(person("V").Save(ctx)).ID
	w.pO = mk(person("O").Save(ctx)).ID
	w.pU = mk(person("U").SetUniversityID(w.uni).SetShareWithUniversity(true).Save(ctx)).ID
	w.pN = mk(person("N").Save(ctx)).ID

	member := func(p, o int) int {
		return mk(c.Membership.Create().SetPersonID(p).SetOrganizationID(o).SetRole("VOLUNTEER").
			SetJoinedOn(day(0)).Save(ctx)).ID
	}
	w.mA, w.mT, w.mO, w.mU = member(w.pA, w.agency), member(w.pT, w.team), member(w.pO, w.other), member(w.pU, w.uni)

	activity := func(o int) int {
		return mk(c.Activity.Create().SetTitle("助餐送餐").SetOrganizationID(o).SetRegionID(w.town.ID).
			SetStartsAt(day(1)).SetEndsAt(day(1).Add(3 * time.Hour)).Save(ctx)).ID
	}
	w.actA, w.actT, w.actO = activity(w.agency), activity(w.team), activity(w.other)

	w.rA = w.record(t, w.pA, w.actA)
	w.rT = w.record(t, w.pT, w.actT)
	w.rV = w.record(t, w.pV, w.actA)
	w.rO = w.record(t, w.pO, w.actO)
	w.rU = w.record(t, w.pU, w.actO)

	// Each certificate proves records: the agency's (A twice, and the
	// visitor V, who served at the agency), the team's, the outsider's; one
	// of A's proves a record at the agency and one at the outsider, as
	// certificates issued before they proved only their issuer's records
	// may.
	w.cA1, w.cA2, w.cT = w.certificate(t, w.pA, w.rA), w.certificate(t, w.pA, w.rA), w.certificate(t, w.pT, w.rT)
	w.cV, w.cO = w.certificate(t, w.pV, w.rV), w.certificate(t, w.pO, w.rO)
	w.rMixed = w.record(t, w.pA, w.actO)
	w.cMixed = w.certificate(t, w.pA, w.rA, w.rMixed)

	tax := mk(c.Taxonomy.Create().SetCode("domain").SetName("服务领域").Save(ctx))
	w.domain = mk(c.Term.Create().SetCode("elderly").SetName("养老").SetTaxonomyID(tax.ID).Save(ctx)).ID
	w.indicator = mk(c.Indicator.Create().SetCode("served").SetName("服务人次").Save(ctx)).ID

	// The default child-related domain codes apply (policy.DefaultChildDomains).
	w.childDomain = mk(c.Term.Create().SetCode(policy.DefaultChildDomains[0]).SetName("托育").SetTaxonomyID(tax.ID).Save(ctx)).ID
	need := func(domain, matched int) int {
		q := c.Need.Create().SetTitle("独居老人助餐").SetDomainID(domain).SetRegionID(w.town.ID).SetOpenedAt(day(0))
		if matched != 0 {
			q.SetMatchedOrganizationID(matched)
		}
		return mk(q.Save(ctx)).ID
	}
	w.nA, w.nT, w.nO, w.nOpen = need(w.domain, w.agency), need(w.domain, w.team), need(w.domain, w.other), need(w.domain, 0)
	w.ncA, w.ncO, w.ncOpen = need(w.childDomain, w.agency), need(w.childDomain, w.other), need(w.childDomain, 0)

	w.prjA = mk(c.Project.Create().SetName("社工帮").Save(ctx)).ID
	w.prjO = mk(c.Project.Create().SetName("秀水助农").Save(ctx)).ID
	part := func(prj, o int, r projectparticipation.Role) int {
		return mk(c.ProjectParticipation.Create().SetProjectID(prj).SetOrganizationID(o).SetRole(r).Save(ctx)).ID
	}
	w.leadA = part(w.prjA, w.agency, projectparticipation.RoleLEAD)
	w.partnerOnA = part(w.prjA, w.other, projectparticipation.RolePARTNER)
	w.leadO = part(w.prjO, w.other, projectparticipation.RoleLEAD)
	w.teamOnO = part(w.prjO, w.team, projectparticipation.RolePARTNER)
	w.oA1, w.oA2, w.oO = w.outcome(t, w.prjA), w.outcome(t, w.prjA), w.outcome(t, w.prjO)

	link := func(party, partner int) int {
		return mk(c.PartyBuildingLink.Create().SetPartyOrganizationID(party).SetPartnerID(partner).
			SetLinkType("PAIRING").SetStartedOn(day(0)).Save(ctx)).ID
	}
	w.linkPartyIn = link(w.partyIn, w.other)
	w.linkPartnerIn = link(w.partyOut, w.team)
	w.linkOut = link(w.partyOut, w.uni)

	ship := func(o, partner int) int {
		return mk(c.Partnership.Create().SetOrganizationID(o).SetPartnerID(partner).
			SetKind("MENTORING").SetStartedOn(day(0)).Save(ctx)).ID
	}
	w.shipOrgIn = ship(w.agency, w.other)
	w.shipPartnerIn = ship(w.uni, w.team)
	w.shipOut = ship(w.other, w.uni)

	tomb := func(uni int) int {
		return mk(c.Tombstone.Create().SetUniversityID(uni).SetEntity(tombstone.EntitySERVICE_RECORD).
			SetEntityID(w.rU).SetReason(tombstone.ReasonCONSENT).Save(ctx)).ID
	}
	w.tombU, w.tombU2 = tomb(w.uni), tomb(w.uni2)

	w.key = mk(c.APIKey.Create().SetName("ops").SetPrefix("tx_fixture1").SetSecretHash("h1").Save(ctx)).ID
	w.event = mk(c.AuditEvent.Create().SetActor("test").SetAction("seed").SetEntityType("Organization").
		SetEntityID("1").Save(ctx)).ID
	return w
}

func day(n int) time.Time { return time.Date(2025, 3, 1+n, 9, 0, 0, 0, time.UTC) }

var serial int

func (w *world) record(t testing.TB, p, act int) int {
	t.Helper()
	return mk(w.c.ServiceRecord.Create().SetPersonID(p).SetActivityID(act).SetServedOn(day(1)).
		SetMinutes(120).SetRecordedBy("test").Save(sys())).ID
}

func (w *world) certificate(t testing.TB, p int, records ...int) int {
	t.Helper()
	return mk(certificateFor(w.c, p).AddRecordIDs(records...).Save(sys())).ID
}

// certificateFor is a certificate of person p with fresh unique numbers.
func certificateFor(c *ent.Client, p int) *ent.CertificateCreate {
	serial++
	return c.Certificate.Create().SetPersonID(p).SetNumber(fmt.Sprintf("ZYZM-%06d", serial)).
		SetVerificationCode(fmt.Sprintf("CODE%08d", serial)).SetPeriodStart(day(0)).SetPeriodEnd(day(30)).
		SetMinutes(120).SetRecordCount(1).SetContent("助餐送餐").SetIssuer("孝慈社工").SetIssuedBy("test")
}

func (w *world) outcome(t testing.TB, prj int) int {
	t.Helper()
	return mk(w.c.Outcome.Create().SetProjectID(prj).SetIndicatorID(w.indicator).
		SetPeriodStart(day(0)).SetPeriodEnd(day(30)).Save(sys())).ID
}

// who names a caller. Each call of as builds a fresh viewer, so no memo
// (Viewer.Memo) carries over from one case to the next.
type who int

const (
	anonymous who = iota
	partnerKey
	editorKey     // EDITOR of the agency: scope agency, team, partyIn
	teamEditorKey // EDITOR of the team alone: the parent is not in a child's scope
	reviewerKey   // REVIEWER of the agency, same scope as editorKey
	adminKey
	operator    // a System viewer without the allow decision SystemContext adds
	unknownRole // a key with a role the rules do not know
	scopeless   // an EDITOR key with an empty scope
	volunteer   // the VOLUNTEER credential of pA, issued by the agency
)

func (k who) String() string {
	return [...]string{"anonymous", "PARTNER", "EDITOR", "team EDITOR", "REVIEWER", "ADMIN", "operator", "unknown role", "scopeless EDITOR", "VOLUNTEER"}[k]
}

func (w *world) viewer(k who) *auth.Viewer {
	scope := []int{w.agency, w.team, w.partyIn}
	switch k {
	case partnerKey:
		return &auth.Viewer{KeyID: 1, Name: "uni", Role: auth.RolePartner, OrganizationID: w.uni, Scope: []int{w.uni}}
	case editorKey:
		return &auth.Viewer{KeyID: 2, Name: "editor", Role: auth.RoleEditor, OrganizationID: w.agency, Scope: scope}
	case teamEditorKey:
		return &auth.Viewer{KeyID: 3, Name: "team", Role: auth.RoleEditor, OrganizationID: w.team, Scope: []int{w.team}}
	case reviewerKey:
		return &auth.Viewer{KeyID: 4, Name: "reviewer", Role: auth.RoleReviewer, OrganizationID: w.agency, Scope: scope}
	case adminKey:
		return &auth.Viewer{KeyID: 5, Name: "admin", Role: auth.RoleAdmin}
	case operator:
		return &auth.Viewer{Name: "operator", System: true, Role: auth.RoleAdmin}
	case unknownRole:
		return &auth.Viewer{KeyID: 6, Name: "odd", Role: "VIEWER", OrganizationID: w.agency, Scope: scope}
	case scopeless:
		return &auth.Viewer{KeyID: 7, Name: "empty", Role: auth.RoleEditor, OrganizationID: w.agency}
	case volunteer:
		return &auth.Viewer{KeyID: 8, Name: "volunteer A", Role: auth.RoleVolunteer, HolderID: w.pA}
	}
	return nil
}

func (w *world) as(k who) context.Context {
	if k == anonymous {
		return context.Background()
	}
	return auth.NewContext(context.Background(), w.viewer(k))
}

// verdict is what a rule decides.
type verdict int

const (
	allowed verdict = iota
	forbidden
	unauthenticated
)

func (o verdict) String() string { return [...]string{"allowed", "FORBIDDEN", "UNAUTHENTICATED"}[o] }

// expect checks err against the decision: a refusal is privacy.Deny wrapping
// exactly one of auth.ErrForbidden and auth.ErrUnauthenticated, which the API
// maps to its FORBIDDEN and UNAUTHENTICATED codes.
func expect(t testing.TB, err error, want verdict) {
	t.Helper()
	switch want {
	case allowed:
		if err != nil {
			t.Fatalf("want allowed, got %v", err)
		}
	case forbidden:
		if !errors.Is(err, privacy.Deny) || !errors.Is(err, auth.ErrForbidden) || errors.Is(err, auth.ErrUnauthenticated) {
			t.Fatalf("want privacy.Deny wrapping auth.ErrForbidden, got %v", err)
		}
	case unauthenticated:
		if !errors.Is(err, privacy.Deny) || !errors.Is(err, auth.ErrUnauthenticated) || errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("want privacy.Deny wrapping auth.ErrUnauthenticated, got %v", err)
		}
	}
}

// writeCase is one mutation by one caller. op runs inside a transaction
// that is rolled back afterwards, so allowed writes leave the fixture as it
// was for the next case.
type writeCase struct {
	name string
	who  who
	op   func(ctx context.Context, c *ent.Client) error
	want verdict
}

func (w *world) runWrites(t *testing.T, cases []writeCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/%s", tc.who, tc.name), func(t *testing.T) {
			tx, err := w.c.Tx(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = tx.Rollback() }()
			expect(t, tc.op(w.as(tc.who), tx.Client()), tc.want)
		})
	}
}

// sorted returns ids in ascending order, for comparing sets of rows.
func sorted(ids ...int) []int {
	out := slices.Clone(ids)
	slices.Sort(out)
	if out == nil {
		out = []int{}
	}
	return out
}

func sameIDs(t testing.TB, got, want []int) {
	t.Helper()
	if g, w := sorted(got...), sorted(want...); !slices.Equal(g, w) {
		t.Fatalf("rows %v, want exactly %v", g, w)
	}
}

// saved drops the value of a Save, keeping its error.
func saved[T any](_ T, err error) error { return err }
