package registry

import (
	"context"
	"math"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/partycoverage"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/taxonomy"
	"github.com/tongxing/tongxing/ent/term"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// RecordPartyCoverageInput is the GraphQL RecordPartyCoverageInput.
type RecordPartyCoverageInput struct {
	OrganizationID      int
	Method              partycoverage.Method
	PartyOrganizationID *int
	StartedOn           time.Time
	CategoryID          int
	SubcategoryID       *int
	Note                *string
}

const maxCoverageNote = 500

// coveredKinds are the organisations Party coverage is counted over (the
// "两新组织" of the social sector): social organisations and social-work
// agencies.
var coveredKinds = []organization.Kind{organization.KindSOCIAL_ORGANIZATION, organization.KindSOCIAL_WORK_AGENCY}

// RecordPartyCoverage validates in and records it as the organisation's
// coverage from in.StartedOn, ending the current one the day before, in
// the caller's transaction.
func RecordPartyCoverage(ctx context.Context, c *ent.Client, in RecordPartyCoverageInput) (*ent.PartyCoverage, error) {
	if err := policy.MayRecordPartyCoverage(ctx, c, in.OrganizationID); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	org, err := input.Organization(ctx, c, f, "organizationId", in.OrganizationID)
	if err != nil {
		return nil, err
	}
	if org != nil && !coveredKind(org.Kind) {
		f.Add("organizationId", "应为社会组织或社工机构 (must be a SOCIAL_ORGANIZATION or SOCIAL_WORK_AGENCY)")
	}
	if org != nil && org.FoundedOn != nil && in.StartedOn.Before(*org.FoundedOn) {
		f.Add("startedOn", "不能早于组织成立日期 "+org.FoundedOn.Format(time.DateOnly)+" (must not be before the organisation was founded)")
	}
	switch {
	case in.Method == partycoverage.MethodNOT_COVERED:
		f.Check(in.PartyOrganizationID == nil, "partyOrganizationId", "未覆盖时不应填写党组织 (must be absent when NOT_COVERED)")
	case in.PartyOrganizationID == nil:
		f.Add("partyOrganizationId", "必填：覆盖该组织的党组织 (required unless NOT_COVERED)")
	default:
		party, err := input.Organization(ctx, c, f, "partyOrganizationId", *in.PartyOrganizationID)
		if err != nil {
			return nil, err
		}
		if party != nil && party.Kind != organization.KindPARTY_ORGANIZATION {
			f.Add("partyOrganizationId", "应为党组织 (must be a PARTY_ORGANIZATION)")
		}
	}
	input.Reasonable(f, "startedOn", &in.StartedOn)
	if in.StartedOn.After(calendar.Date(time.Now())) {
		f.Add("startedOn", "不能晚于今天 (must not be in the future)")
	}
	if err := checkGuideTerms(ctx, c, f, in.CategoryID, in.SubcategoryID); err != nil {
		return nil, err
	}
	note := input.OptionalText(f, "note", in.Note, maxCoverageNote)
	if err := f.Err(); err != nil {
		return nil, err
	}
	current, err := c.PartyCoverage.Query().Where(partycoverage.OrganizationID(in.OrganizationID), partycoverage.EndedOnIsNil()).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		current = nil
	case err != nil:
		return nil, err
	}
	if current != nil {
		if !in.StartedOn.After(current.StartedOn) {
			return nil, apierror.Invalid("input.startedOn",
				"应晚于当前覆盖的起始日期 "+current.StartedOn.Format(time.DateOnly)+" (must be after the current coverage's first day)")
		}
		if err := current.Update().SetEndedOn(in.StartedOn.AddDate(0, 0, -1)).Exec(ctx); err != nil {
			return nil, err
		}
	}
	saved, err := c.PartyCoverage.Create().
		SetOrganizationID(in.OrganizationID).
		SetMethod(in.Method).
		SetNillablePartyOrganizationID(in.PartyOrganizationID).
		SetStartedOn(in.StartedOn).
		SetCategoryID(in.CategoryID).
		SetNillableSubcategoryID(in.SubcategoryID).
		SetNillableNote(note).
		Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// checkGuideTerms: the category is a top-level term of the guide, the
// sub-category one of its children.
func checkGuideTerms(ctx context.Context, c *ent.Client, f *apierror.Fields, category int, sub *int) error {
	guide := term.HasTaxonomyWith(taxonomy.Code(input.TaxonomyPartyGuide))
	ok, err := c.Term.Query().Where(term.ID(category), guide, term.ParentIDIsNil()).Exist(ctx)
	if err != nil {
		return err
	}
	f.Check(ok, "categoryId", "应为《社会组织党建工作指引》的大类 (must be a category, a top-level term, of taxonomy party-building-guide)")
	if sub == nil || !ok {
		return nil
	}
	ok, err = c.Term.Query().Where(term.ID(*sub), guide, term.ParentID(category)).Exist(ctx)
	f.Check(ok, "subcategoryId", "应为所选大类下的小类 (must be a sub-category of categoryId in taxonomy party-building-guide)")
	return err
}

func coveredKind(k organization.Kind) bool {
	for _, c := range coveredKinds {
		if k == c {
			return true
		}
	}
	return false
}

// CurrentCoverage is the organisation's running coverage, nil when none.
func CurrentCoverage(ctx context.Context, c *ent.Client, orgID int) (*ent.PartyCoverage, error) {
	cov, err := c.PartyCoverage.Query().Where(partycoverage.OrganizationID(orgID), partycoverage.EndedOnIsNil()).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return cov, err
}

// CoverageFigures are the GraphQL PartyCoverageFigures: Party coverage of
// the social organisations of a division on a date.
type CoverageFigures struct {
	On                                                      time.Time
	SocialOrganizations                                     int
	OwnBranch, JointBranch, Instructor, NotCovered, Covered int
	Rate                                                    *float64
}

// Countable reports whether an organisation counts in coverage figures on
// a date: a social organisation or agency, registered or filed, founded by
// then (or of unknown founding date). One definition for the API and the
// open data.
func Countable(o *ent.Organization, on time.Time) bool {
	return coveredKind(o.Kind) &&
		(o.RegistrationStatus == organization.RegistrationStatusREGISTERED || o.RegistrationStatus == organization.RegistrationStatusFILED) &&
		(o.FoundedOn == nil || !o.FoundedOn.After(on))
}

// CoveringOn reports whether coverage row cov applies on date on.
func CoveringOn(cov *ent.PartyCoverage, on time.Time) bool {
	return !cov.StartedOn.After(on) && (cov.EndedOn == nil || !cov.EndedOn.Before(on))
}

// Tally counts the figures over organisations orgs, whose coverage rows
// (any, current or past) are coverages.
func Tally(orgs []*ent.Organization, coverages []*ent.PartyCoverage, on time.Time) CoverageFigures {
	method := map[int]partycoverage.Method{}
	for _, cov := range coverages {
		if CoveringOn(cov, on) {
			method[cov.OrganizationID] = cov.Method
		}
	}
	fig := CoverageFigures{On: on}
	for _, o := range orgs {
		if !Countable(o, on) {
			continue
		}
		fig.SocialOrganizations++
		switch method[o.ID] {
		case partycoverage.MethodOWN_BRANCH:
			fig.OwnBranch++
		case partycoverage.MethodJOINT_BRANCH:
			fig.JointBranch++
		case partycoverage.MethodINSTRUCTOR:
			fig.Instructor++
		default:
			fig.NotCovered++
		}
	}
	fig.Covered = fig.OwnBranch + fig.JointBranch + fig.Instructor
	if fig.SocialOrganizations > 0 {
		r := math.Round(float64(fig.Covered)/float64(fig.SocialOrganizations)*10000) / 10000
		fig.Rate = &r
	}
	return fig
}

// CoverageOf counts the figures over the organisations orgsIn selects on
// date on.
func CoverageOf(ctx context.Context, c *ent.Client, orgsIn predicate.Organization, on time.Time) (CoverageFigures, error) {
	orgs, err := c.Organization.Query().Where(orgsIn, organization.KindIn(coveredKinds...)).
		Select(organization.FieldKind, organization.FieldRegistrationStatus, organization.FieldFoundedOn).All(ctx)
	if err != nil {
		return CoverageFigures{}, err
	}
	covs, err := c.PartyCoverage.Query().Where(partycoverage.HasOrganizationWith(orgsIn),
		partycoverage.StartedOnLTE(on), partycoverage.Or(partycoverage.EndedOnIsNil(), partycoverage.EndedOnGTE(on))).
		Select(partycoverage.FieldOrganizationID, partycoverage.FieldMethod, partycoverage.FieldStartedOn, partycoverage.FieldEndedOn).All(ctx)
	if err != nil {
		return CoverageFigures{}, err
	}
	return Tally(orgs, covs, on), nil
}
