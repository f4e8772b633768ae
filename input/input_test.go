package input_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// fields returns the input paths f reported, in order.
func fields(f *apierror.Fields) []string {
	l, _ := apierror.As(f.Err())
	var out []string
	for _, e := range l {
		if e.Code != apierror.BadUserInput {
			panic("a field error that is not BAD_USER_INPUT: " + string(e.Code))
		}
		out = append(out, e.Field)
	}
	return out
}

func same(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }

func ptr[T any](v T) *T { return &v }

func TestText(t *testing.T) {
	cases := []struct {
		name     string
		in       string
		max      int
		required bool
		want     string
		bad      bool
	}{
		{name: "trimmed", in: "  新塍镇  ", max: 10, required: true, want: "新塍镇"},
		{name: "blank required", in: " \t ", max: 10, required: true, want: "", bad: true},
		{name: "blank optional", in: "  ", max: 10, want: ""},
		// The limit counts characters: three Chinese characters are nine
		// bytes and still fit in three.
		{name: "max counts characters, not bytes", in: "新塍镇", max: 3, want: "新塍镇"},
		{name: "one over max", in: "新塍镇a", max: 3, want: "新塍镇a", bad: true},
		{name: "invalid UTF-8", in: "a\xffb", max: 10, want: "a\xffb", bad: true},
		{name: "NUL", in: "a\x00b", max: 10, want: "a\x00b", bad: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := apierror.NewFields("input")
			got := input.Text(f, "name", tc.in, tc.max, tc.required)
			if got != tc.want {
				t.Errorf("Text = %q, want %q", got, tc.want)
			}
			var want []string
			if tc.bad {
				want = []string{"input.name"}
			}
			if got := fields(f); !same(got, want) {
				t.Errorf("errors on %v, want %v", got, want)
			}
		})
	}
}

func TestOptionalText(t *testing.T) {
	f := apierror.NewFields("input")
	if got := input.OptionalText(f, "address", nil, 5); got != nil {
		t.Errorf("nil became %q", *got)
	}
	if got := input.OptionalText(f, "address", ptr("  嘉兴  "), 5); got == nil || *got != "嘉兴" {
		t.Errorf("OptionalText = %v, want trimmed 嘉兴", got)
	}
	// Blank is allowed (it clears the value); too long is not.
	input.OptionalText(f, "address", ptr(" "), 5)
	input.OptionalText(f, "description", ptr("一二三四五六"), 5)
	if got := fields(f); !same(got, []string{"input.description"}) {
		t.Errorf("errors on %v, want input.description only", got)
	}
}

func TestDates(t *testing.T) {
	d := func(y int, m time.Month, day int) *time.Time {
		v := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
		return &v
	}
	cases := []struct {
		name       string
		check      func(f *apierror.Fields)
		wantFields []string
	}{
		{name: "end after start", check: func(f *apierror.Fields) { input.Order(f, "endedOn", d(2024, 1, 1), d(2024, 1, 2)) }},
		{name: "end on start", check: func(f *apierror.Fields) { input.Order(f, "endedOn", d(2024, 1, 1), d(2024, 1, 1)) }},
		{name: "end before start", check: func(f *apierror.Fields) { input.Order(f, "endedOn", d(2024, 1, 2), d(2024, 1, 1)) },
			wantFields: []string{"input.endedOn"}},
		{name: "open end", check: func(f *apierror.Fields) { input.Order(f, "endedOn", d(2024, 1, 2), nil) }},
		{name: "1900 is reasonable", check: func(f *apierror.Fields) { input.Reasonable(f, "foundedOn", d(1900, 1, 1)) }},
		{name: "2100 is reasonable", check: func(f *apierror.Fields) { input.Reasonable(f, "foundedOn", d(2100, 12, 31)) }},
		{name: "typo year 0202", check: func(f *apierror.Fields) { input.Reasonable(f, "foundedOn", d(202, 5, 1)) },
			wantFields: []string{"input.foundedOn"}},
		{name: "year 2101", check: func(f *apierror.Fields) { input.Reasonable(f, "foundedOn", d(2101, 1, 1)) },
			wantFields: []string{"input.foundedOn"}},
		{name: "no date", check: func(f *apierror.Fields) { input.Reasonable(f, "foundedOn", nil) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := apierror.NewFields("input")
			tc.check(f)
			if got := fields(f); !same(got, tc.wantFields) {
				t.Errorf("errors on %v, want %v", got, tc.wantFields)
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	other := errors.New("connection reset")
	if got := input.NotFound(other, "x"); got != other {
		t.Errorf("other errors pass through: %v", got)
	}
	if got := input.NotFound(nil, "x"); got != nil {
		t.Errorf("nil became %v", got)
	}
}

// TestReferences: codes and ids of other records, against a real database.
func TestReferences(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := policy.SystemContext(context.Background(), "test")
		c := db.Client
		district, err := c.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		town, err := c.Region.Create().SetCode("330411104").SetName("新塍镇").SetLevel(region.LevelTOWN).SetParent(district).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		org, err := c.Organization.Create().SetName("孝慈社工").SetKind(organization.KindSOCIAL_WORK_AGENCY).SetRegion(town).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		domains, _ := c.Taxonomy.Create().SetCode(input.TaxonomyServiceDomain).SetName("服务领域").Save(ctx)
		categories, _ := c.Taxonomy.Create().SetCode(input.TaxonomyOrgCategory).SetName("组织分类").Save(ctx)
		elderly, err := c.Term.Create().SetTaxonomy(domains).SetCode("elderly-care").SetName("养老").Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		youth, _ := c.Term.Create().SetTaxonomy(domains).SetCode("youth").SetName("青少年").Save(ctx)
		charity, err := c.Term.Create().SetTaxonomy(categories).SetCode("charity").SetName("公益慈善类").Save(ctx)
		if err != nil {
			t.Fatal(err)
		}

		t.Run("region codes", func(t *testing.T) {
			cases := []struct {
				code   string
				want   int
				errors []string
			}{
				{code: "330411104", want: town.ID},
				{code: " 330411104 ", want: town.ID}, // trimmed
				{code: "330499", errors: []string{"input.regionCode"}},
				{code: "  ", errors: []string{"input.regionCode"}},
			}
			for _, tc := range cases {
				f := apierror.NewFields("input")
				got, err := input.RegionID(ctx, c, f, "regionCode", tc.code)
				if err != nil {
					t.Fatal(err)
				}
				if got != tc.want || !same(fields(f), tc.errors) {
					t.Errorf("RegionID(%q) = %d, errors %v; want %d, %v", tc.code, got, fields(f), tc.want, tc.errors)
				}
			}
			f := apierror.NewFields("input")
			ids, err := input.RegionIDs(ctx, c, f, "regionCodes", []string{"330411104", "330411", "330411104", "1"})
			if err != nil {
				t.Fatal(err)
			}
			if len(ids) != 2 || ids[0] != town.ID || ids[1] != district.ID {
				t.Errorf("RegionIDs = %v, want [%d %d] (deduplicated, in order)", ids, town.ID, district.ID)
			}
			if got := fields(f); !same(got, []string{"input.regionCodes.3"}) {
				t.Errorf("unknown codes reported on %v, want by index", got)
			}
		})

		t.Run("organisations and projects", func(t *testing.T) {
			f := apierror.NewFields("input")
			o, err := input.Organization(ctx, c, f, "organizationId", org.ID)
			if err != nil || o == nil || o.ID != org.ID {
				t.Errorf("Organization(existing) = %v, %v", o, err)
			}
			if o, err := input.Organization(ctx, c, f, "partnerId", org.ID+1000); err != nil || o != nil {
				t.Errorf("Organization(missing) = %v, %v", o, err)
			}
			if err := input.OrganizationExists(ctx, c, f, "parentId", org.ID); err != nil {
				t.Fatal(err)
			}
			if err := input.OrganizationExists(ctx, c, f, "universityId", org.ID+1000); err != nil {
				t.Fatal(err)
			}
			// An organisation's id is not a project's.
			if err := input.ProjectExists(ctx, c, f, "projectId", org.ID); err != nil {
				t.Fatal(err)
			}
			want := []string{"input.partnerId", "input.universityId", "input.projectId"}
			if got := fields(f); !same(got, want) {
				t.Errorf("errors on %v, want %v", got, want)
			}
		})

		t.Run("terms of one taxonomy", func(t *testing.T) {
			f := apierror.NewFields("input")
			ids, err := input.Terms(ctx, c, f, "domainIds", input.TaxonomyServiceDomain,
				[]int{elderly.ID, charity.ID, youth.ID, elderly.ID, org.ID})
			if err != nil {
				t.Fatal(err)
			}
			if len(ids) != 2 || ids[0] != elderly.ID || ids[1] != youth.ID {
				t.Errorf("Terms = %v, want [%d %d]", ids, elderly.ID, youth.ID)
			}
			// A term of another taxonomy is as wrong as no term at all.
			if got := fields(f); !same(got, []string{"input.domainIds.1", "input.domainIds.4"}) {
				t.Errorf("errors on %v, want domainIds.1 and .4", got)
			}
			if ids, err := input.Terms(ctx, c, f, "domainIds", input.TaxonomyServiceDomain, nil); ids != nil || err != nil {
				t.Errorf("no ids = %v, %v", ids, err)
			}
		})

		t.Run("not found", func(t *testing.T) {
			_, err := c.Organization.Get(ctx, org.ID+1000)
			got := input.NotFound(err, "组织不存在 (no such organization)")
			var e *apierror.Error
			if !errors.As(got, &e) || e.Code != apierror.NotFound || e.Message != "组织不存在 (no such organization)" {
				t.Errorf("NotFound(ent not-found) = %v, want NOT_FOUND with the message", got)
			}
		})
	})
}
