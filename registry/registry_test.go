package registry_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/creditcode"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/partnership"
	"github.com/tongxing/tongxing/ent/partybuildinglink"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/policy"
	"github.com/tongxing/tongxing/registry"
)

// world is a town with a social-work agency (holding a credit code), a
// volunteer team, a Party committee and a university.
type world struct {
	c                               *ent.Client
	sys, admin                      context.Context
	town                            *ent.Region
	agency, team, party, university *ent.Organization
}

func newWorld(t *testing.T, db *database.DB) *world {
	t.Helper()
	w := &world{c: db.Client, sys: policy.SystemContext(context.Background(), "test"),
		admin: auth.NewContext(context.Background(), &auth.Viewer{KeyID: 1, Name: "admin", Role: auth.RoleAdmin})}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	district, err := w.c.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).Save(w.sys)
	must(err)
	w.town, err = w.c.Region.Create().SetCode("330411104").SetName("新塍镇").SetLevel(region.LevelTOWN).SetParent(district).Save(w.sys)
	must(err)
	org := func(name string, kind organization.Kind) *ent.OrganizationCreate {
		return w.c.Organization.Create().SetName(name).SetKind(kind).SetRegion(w.town)
	}
	w.agency, err = org("孝慈社工", organization.KindSOCIAL_WORK_AGENCY).
		SetRegistrationStatus(organization.RegistrationStatusREGISTERED).SetCreditCode("913304007429141869").Save(w.sys)
	must(err)
	w.team, err = org("红心志愿服务队", organization.KindVOLUNTEER_TEAM).SetParent(w.agency).Save(w.sys)
	must(err)
	w.party, err = org("中共新塍镇委员会", organization.KindPARTY_ORGANIZATION).Save(w.sys)
	must(err)
	w.university, err = org("嘉兴大学", organization.KindUNIVERSITY).Save(w.sys)
	must(err)
	return w
}

// validCode completes 17 characters with the check character GB 32100
// requires, so a test can hold a code no other test uses.
func validCode(t *testing.T, first17 string) string {
	t.Helper()
	for _, ch := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		if code := first17 + string(ch); creditcode.Validate(code) == nil {
			return code
		}
	}
	t.Fatalf("no check character completes %s", first17)
	return ""
}

func ptr[T any](v T) *T { return &v }

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// refused checks that err is an API error with code on field ("" for any
// field), and wrote nothing is the caller's to check.
func refused(t *testing.T, err error, code apierror.Code, field string) {
	t.Helper()
	l, ok := apierror.As(err)
	if !ok {
		t.Fatalf("error = %v, want %s on %q", err, code, field)
	}
	for _, e := range l {
		if e.Code == code && (field == "" || e.Field == field) {
			return
		}
	}
	t.Errorf("error = %v, want %s on %q", err, code, field)
}

// TestOrganizationRules: what CreateOrganization refuses, each on its field.
func TestOrganizationRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		registered := ptr(organization.RegistrationStatusREGISTERED)
		base := func() registry.CreateOrganizationInput {
			return registry.CreateOrganizationInput{Name: "睦邻互助会", Kind: organization.KindSOCIAL_ORGANIZATION, RegionCode: "330411104"}
		}
		cases := []struct {
			name  string
			edit  func(in *registry.CreateOrganizationInput)
			code  apierror.Code
			field string
		}{
			{name: "blank name", edit: func(in *registry.CreateOrganizationInput) { in.Name = "  " }, code: apierror.BadUserInput, field: "input.name"},
			{name: "name too long", edit: func(in *registry.CreateOrganizationInput) { in.Name = string(make([]rune, 201)) },
				code: apierror.BadUserInput, field: "input.name"},
			{name: "credit code length", edit: func(in *registry.CreateOrganizationInput) {
				in.CreditCode, in.RegistrationStatus = ptr("9133040074291418"), registered
			}, code: apierror.BadUserInput, field: "input.creditCode"},
			{name: "credit code charset", edit: func(in *registry.CreateOrganizationInput) {
				in.CreditCode, in.RegistrationStatus = ptr("91330400742914186O"), registered
			}, code: apierror.BadUserInput, field: "input.creditCode"},
			{name: "credit code check character", edit: func(in *registry.CreateOrganizationInput) {
				in.CreditCode, in.RegistrationStatus = ptr("913304007429141868"), registered
			}, code: apierror.BadUserInput, field: "input.creditCode"},
			{name: "credit code held by another organisation", edit: func(in *registry.CreateOrganizationInput) {
				in.CreditCode, in.RegistrationStatus = ptr(" 913304007429141869 "), registered
			}, code: apierror.Conflict, field: "input.creditCode"},
			{name: "credit code without REGISTERED", edit: func(in *registry.CreateOrganizationInput) {
				in.CreditCode, in.RegistrationStatus = ptr("91110000600037341L"), ptr(organization.RegistrationStatusFILED)
			}, code: apierror.BadUserInput, field: "input.registrationStatus"},
			{name: "unknown region", edit: func(in *registry.CreateOrganizationInput) { in.RegionCode = "330499" },
				code: apierror.BadUserInput, field: "input.regionCode"},
			{name: "missing parent", edit: func(in *registry.CreateOrganizationInput) { in.ParentID = ptr(w.party.ID + 1000) },
				code: apierror.BadUserInput, field: "input.parentId"},
			{name: "founded in year 0202", edit: func(in *registry.CreateOrganizationInput) { in.FoundedOn = ptr(day("0202-05-01")) },
				code: apierror.BadUserInput, field: "input.foundedOn"},
			{name: "grade 0", edit: func(in *registry.CreateOrganizationInput) { in.AssessmentGrade = ptr(0) },
				code: apierror.BadUserInput, field: "input.assessmentGrade"},
			{name: "grade 6", edit: func(in *registry.CreateOrganizationInput) { in.AssessmentGrade = ptr(6) },
				code: apierror.BadUserInput, field: "input.assessmentGrade"},
			{name: "category of another taxonomy", edit: func(in *registry.CreateOrganizationInput) { in.CategoryIDs = []int{w.town.ID} },
				code: apierror.BadUserInput, field: "input.categoryIds.0"},
		}
		before, err := w.c.Organization.Query().Count(w.sys)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				in := base()
				tc.edit(&in)
				o, err := registry.CreateOrganization(w.admin, w.c, in)
				if o != nil {
					t.Errorf("created %v", o)
				}
				refused(t, err, tc.code, tc.field)
			})
		}
		if after, _ := w.c.Organization.Query().Count(w.sys); after != before {
			t.Errorf("refused creations wrote %d organisations", after-before)
		}

		t.Run("valid: credit code normalised, grade 1 and 5 accepted", func(t *testing.T) {
			for i, grade := range []int{1, 5} {
				in := base()
				in.Name = []string{"甲", "乙"}[i]
				in.AssessmentGrade = &grade
				if i == 0 {
					in.CreditCode, in.RegistrationStatus = ptr(" 91110000600037341l "), registered
				}
				o, err := registry.CreateOrganization(w.admin, w.c, in)
				if err != nil {
					t.Fatal(err)
				}
				if i == 0 && (o.CreditCode == nil || *o.CreditCode != "91110000600037341L") {
					t.Errorf("credit code stored as %v, want upper case, trimmed", o.CreditCode)
				}
			}
		})

		t.Run("update: own credit code is no conflict, a parent cycle is refused", func(t *testing.T) {
			set := graphql.OmittableOf(ptr("913304007429141869"))
			if _, err := registry.UpdateOrganization(w.admin, w.c, w.agency.ID, registry.UpdateOrganizationInput{CreditCode: set}); err != nil {
				t.Errorf("keeping its own credit code: %v", err)
			}
			// The team is below the agency: the agency under the team
			// would make a cycle; so would an organisation its own parent.
			for _, parent := range []int{w.team.ID, w.agency.ID} {
				_, err := registry.UpdateOrganization(w.admin, w.c, w.agency.ID, registry.UpdateOrganizationInput{ParentID: graphql.OmittableOf(ptr(parent))})
				refused(t, err, apierror.BadUserInput, "input.parentId")
			}
			// A body that is not REGISTERED gets no credit code.
			_, err := registry.UpdateOrganization(w.admin, w.c, w.team.ID, registry.UpdateOrganizationInput{CreditCode: graphql.OmittableOf(ptr(validCode(t, "52330411MJ0000001")))})
			refused(t, err, apierror.BadUserInput, "input.registrationStatus")
			_, err = registry.UpdateOrganization(w.admin, w.c, w.party.ID+1000, registry.UpdateOrganizationInput{Name: ptr("x")})
			refused(t, err, apierror.NotFound, "")
		})
	})
}

// TestLinkRules: Party-building links and partnerships.
func TestLinkRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		link := func(party, partner int, start string, end *time.Time) registry.CreatePartyBuildingLinkInput {
			return registry.CreatePartyBuildingLinkInput{PartyOrganizationID: party, PartnerID: partner,
				LinkType: partybuildinglink.LinkTypePAIRING, StartedOn: day(start), EndedOn: end}
		}
		linkCases := []struct {
			name  string
			in    registry.CreatePartyBuildingLinkInput
			field string
		}{
			{name: "party side is not a Party organisation", in: link(w.team.ID, w.agency.ID, "2024-01-01", nil), field: "input.partyOrganizationId"},
			{name: "missing Party organisation", in: link(w.party.ID+1000, w.agency.ID, "2024-01-01", nil), field: "input.partyOrganizationId"},
			{name: "missing partner", in: link(w.party.ID, w.party.ID+1000, "2024-01-01", nil), field: "input.partnerId"},
			{name: "partner is the Party organisation", in: link(w.party.ID, w.party.ID, "2024-01-01", nil), field: "input.partnerId"},
			{name: "ends before it starts", in: link(w.party.ID, w.agency.ID, "2024-01-01", ptr(day("2023-12-31"))), field: "input.endedOn"},
			{name: "starts in year 0202", in: link(w.party.ID, w.agency.ID, "0202-01-01", nil), field: "input.startedOn"},
		}
		for _, tc := range linkCases {
			t.Run("link: "+tc.name, func(t *testing.T) {
				_, err := registry.CreatePartyBuildingLink(w.admin, w.c, tc.in)
				refused(t, err, apierror.BadUserInput, tc.field)
			})
		}
		t.Run("link: ends once, not before it starts", func(t *testing.T) {
			l, err := registry.CreatePartyBuildingLink(w.admin, w.c, link(w.party.ID, w.agency.ID, "2024-01-01", nil))
			if err != nil {
				t.Fatal(err)
			}
			_, err = registry.EndPartyBuildingLink(w.admin, w.c, l.ID, day("2023-06-30"))
			refused(t, err, apierror.BadUserInput, "endedOn")
			ended, err := registry.EndPartyBuildingLink(w.admin, w.c, l.ID, day("2025-12-31"))
			if err != nil || ended.EndedOn == nil || !ended.EndedOn.Equal(day("2025-12-31")) {
				t.Fatalf("end = %v, %v", ended, err)
			}
			_, err = registry.EndPartyBuildingLink(w.admin, w.c, l.ID, day("2026-01-31"))
			refused(t, err, apierror.Conflict, "")
			// Moving the start past the recorded end is refused.
			_, err = registry.UpdatePartyBuildingLink(w.admin, w.c, l.ID, registry.UpdatePartyBuildingLinkInput{StartedOn: ptr(day("2026-01-01"))})
			refused(t, err, apierror.BadUserInput, "input.startedOn")
			_, err = registry.EndPartyBuildingLink(w.admin, w.c, l.ID+1000, day("2025-12-31"))
			refused(t, err, apierror.NotFound, "")
		})

		ps := func(org, partner int, kind partnership.Kind, capacity *int) registry.CreatePartnershipInput {
			return registry.CreatePartnershipInput{OrganizationID: org, PartnerID: partner, Kind: kind, StartedOn: day("2024-09-01"), Capacity: capacity}
		}
		psCases := []struct {
			name  string
			in    registry.CreatePartnershipInput
			field string
		}{
			{name: "practice base led by a non-university", in: ps(w.agency.ID, w.team.ID, partnership.KindPRACTICE_BASE, nil), field: "input.organizationId"},
			{name: "partner is the organisation", in: ps(w.agency.ID, w.agency.ID, partnership.KindMENTORING, nil), field: "input.partnerId"},
			{name: "negative capacity", in: ps(w.university.ID, w.agency.ID, partnership.KindPRACTICE_BASE, ptr(-1)), field: "input.capacity"},
			{name: "capacity over 100000", in: ps(w.university.ID, w.agency.ID, partnership.KindPRACTICE_BASE, ptr(100001)), field: "input.capacity"},
		}
		for _, tc := range psCases {
			t.Run("partnership: "+tc.name, func(t *testing.T) {
				_, err := registry.CreatePartnership(w.admin, w.c, tc.in)
				refused(t, err, apierror.BadUserInput, tc.field)
			})
		}
		t.Run("partnership: update keeps the rules", func(t *testing.T) {
			p, err := registry.CreatePartnership(w.admin, w.c, ps(w.agency.ID, w.team.ID, partnership.KindMENTORING, ptr(100000)))
			if err != nil {
				t.Fatal(err)
			}
			// An agency-led partnership cannot become a practice base.
			_, err = registry.UpdatePartnership(w.admin, w.c, p.ID, registry.UpdatePartnershipInput{Kind: ptr(partnership.KindPRACTICE_BASE)})
			refused(t, err, apierror.BadUserInput, "input.kind")
			_, err = registry.UpdatePartnership(w.admin, w.c, p.ID, registry.UpdatePartnershipInput{EndedOn: graphql.OmittableOf(ptr(day("2024-08-31")))})
			refused(t, err, apierror.BadUserInput, "input.endedOn")
			u, err := registry.UpdatePartnership(w.admin, w.c, p.ID, registry.UpdatePartnershipInput{Capacity: graphql.OmittableOf[*int](nil)})
			if err != nil || u.Capacity != nil {
				t.Errorf("clearing capacity = %v, %v", u, err)
			}
		})
	})
}

// TestRegistryAsksPolicyFirst: a key without the role is refused before
// its input is looked at, even when the input is wrong.
func TestRegistryAsksPolicyFirst(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		anonymous := context.Background()
		_, err := registry.CreateOrganization(anonymous, w.c, registry.CreateOrganizationInput{Name: " ", RegionCode: "x"})
		if !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("anonymous create = %v, want the policy's refusal, not an input error", err)
		}
	})
}
