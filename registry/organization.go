// Package registry creates and changes the public registers: organisations,
// Party-building links and partnerships. Every function asks first whether
// the key may make the change (package policy), then validates its whole
// input, and writes nothing when any field is wrong.
package registry

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/creditcode"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// CreateOrganizationInput is the GraphQL CreateOrganizationInput.
type CreateOrganizationInput struct {
	Name               string
	Kind               organization.Kind
	LegalForm          *organization.LegalForm
	RegistrationStatus *organization.RegistrationStatus
	CreditCode         *string
	RegionCode         string
	ParentID           *int
	FoundedOn          *time.Time
	AssessmentGrade    *int
	ContactPhone       *string
	Address            *string
	Description        *string
	CategoryIDs        []int
}

// UpdateOrganizationInput is the GraphQL UpdateOrganizationInput.
type UpdateOrganizationInput struct {
	Name               *string
	Kind               *organization.Kind
	LegalForm          *organization.LegalForm
	RegistrationStatus *organization.RegistrationStatus
	CreditCode         graphql.Omittable[*string]
	RegionCode         *string
	ParentID           graphql.Omittable[*int]
	FoundedOn          graphql.Omittable[*time.Time]
	AssessmentGrade    graphql.Omittable[*int]
	ContactPhone       *string
	Address            *string
	Description        *string
	CategoryIDs        []int
}

const (
	maxName        = 200
	maxPhone       = 40
	maxAddress     = 300
	maxDescription = 10000
)

// CreateOrganization validates in and creates the organisation.
func CreateOrganization(ctx context.Context, c *ent.Client, in CreateOrganizationInput) (*ent.Organization, error) {
	if err := policy.MayCreateOrganization(ctx, c, in.ParentID); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	name := input.Text(f, "name", in.Name, maxName, true)
	code, err := checkCreditCode(ctx, c, f, in.CreditCode, 0)
	if err != nil {
		return nil, err
	}
	regionID, err := input.RegionID(ctx, c, f, "regionCode", in.RegionCode)
	if err != nil {
		return nil, err
	}
	if in.ParentID != nil {
		if err := input.OrganizationExists(ctx, c, f, "parentId", *in.ParentID); err != nil {
			return nil, err
		}
	}
	input.Reasonable(f, "foundedOn", in.FoundedOn)
	checkGrade(f, in.AssessmentGrade)
	phone := input.OptionalText(f, "contactPhone", in.ContactPhone, maxPhone)
	address := input.OptionalText(f, "address", in.Address, maxAddress)
	desc := input.OptionalText(f, "description", in.Description, maxDescription)
	categories, err := input.Terms(ctx, c, f, "categoryIds", input.TaxonomyOrgCategory, in.CategoryIDs)
	if err != nil {
		return nil, err
	}
	checkRegistration(f, in.RegistrationStatus, code)
	if err := f.Err(); err != nil {
		return nil, err
	}
	saved, err := c.Organization.Create().
		SetName(name).
		SetKind(in.Kind).
		SetNillableLegalForm(in.LegalForm).
		SetNillableRegistrationStatus(in.RegistrationStatus).
		SetNillableCreditCode(code).
		SetRegionID(regionID).
		SetNillableParentID(in.ParentID).
		SetNillableFoundedOn(in.FoundedOn).
		SetNillableAssessmentGrade(in.AssessmentGrade).
		SetNillableContactPhone(phone).
		SetNillableAddress(address).
		SetNillableDescription(desc).
		AddCategoryIDs(categories...).
		Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// UpdateOrganization validates in and applies it to organisation id.
func UpdateOrganization(ctx context.Context, c *ent.Client, id int, in UpdateOrganizationInput) (*ent.Organization, error) {
	newParent, _ := in.ParentID.ValueOK()
	if err := policy.MayUpdateOrganization(ctx, c, id, newParent); err != nil {
		return nil, err
	}
	org, err := c.Organization.Get(ctx, id)
	if err != nil {
		return nil, input.NotFound(err, "组织不存在 (no such organization)")
	}
	f := apierror.NewFields("input")
	upd := org.Update()
	if in.Name != nil {
		upd.SetName(input.Text(f, "name", *in.Name, maxName, true))
	}
	if in.Kind != nil {
		upd.SetKind(*in.Kind)
	}
	if in.LegalForm != nil {
		upd.SetLegalForm(*in.LegalForm)
	}
	if in.RegistrationStatus != nil {
		upd.SetRegistrationStatus(*in.RegistrationStatus)
	}
	code := org.CreditCode
	if v, set := in.CreditCode.ValueOK(); set {
		if code, err = checkCreditCode(ctx, c, f, v, id); err != nil {
			return nil, err
		}
		if code == nil {
			upd.ClearCreditCode()
		} else {
			upd.SetCreditCode(*code)
		}
	}
	if in.RegionCode != nil {
		regionID, err := input.RegionID(ctx, c, f, "regionCode", *in.RegionCode)
		if err != nil {
			return nil, err
		}
		upd.SetRegionID(regionID)
	}
	if v, set := in.ParentID.ValueOK(); set {
		if v == nil {
			upd.ClearParent()
		} else {
			if err := checkParent(ctx, c, f, id, *v); err != nil {
				return nil, err
			}
			upd.SetParentID(*v)
		}
	}
	if v, set := in.FoundedOn.ValueOK(); set {
		input.Reasonable(f, "foundedOn", v)
		if v == nil {
			upd.ClearFoundedOn()
		} else {
			upd.SetFoundedOn(*v)
		}
	}
	if v, set := in.AssessmentGrade.ValueOK(); set {
		checkGrade(f, v)
		if v == nil {
			upd.ClearAssessmentGrade()
		} else {
			upd.SetAssessmentGrade(*v)
		}
	}
	if v := input.OptionalText(f, "contactPhone", in.ContactPhone, maxPhone); v != nil {
		upd.SetContactPhone(*v)
	}
	if v := input.OptionalText(f, "address", in.Address, maxAddress); v != nil {
		upd.SetAddress(*v)
	}
	if v := input.OptionalText(f, "description", in.Description, maxDescription); v != nil {
		upd.SetDescription(*v)
	}
	if in.CategoryIDs != nil {
		categories, err := input.Terms(ctx, c, f, "categoryIds", input.TaxonomyOrgCategory, in.CategoryIDs)
		if err != nil {
			return nil, err
		}
		upd.ClearCategories().AddCategoryIDs(categories...)
	}
	status := org.RegistrationStatus
	if in.RegistrationStatus != nil {
		status = *in.RegistrationStatus
	}
	checkRegistration(f, &status, code)
	if err := f.Err(); err != nil {
		return nil, err
	}
	saved, err := upd.Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// checkCreditCode normalises and verifies an optional credit code and
// reports a code already held by another organisation as CONFLICT.
func checkCreditCode(ctx context.Context, c *ent.Client, f *apierror.Fields, raw *string, self int) (*string, error) {
	if raw == nil {
		return nil, nil
	}
	code := creditcode.Normalize(*raw)
	if code == "" {
		return nil, nil
	}
	if err := creditcode.Validate(code); err != nil {
		f.Add("creditCode", creditCodeMessage(err))
		return nil, nil
	}
	holder, err := c.Organization.Query().
		Where(organization.CreditCode(code), organization.IDNEQ(self)).
		Only(ctx)
	switch {
	case ent.IsNotFound(err):
		return &code, nil
	case err != nil:
		return nil, err
	}
	return nil, &apierror.Error{
		Code:    apierror.Conflict,
		Field:   "input.creditCode",
		Message: fmt.Sprintf("统一社会信用代码已被“%s”使用 (credit code already belongs to another organization)", holder.Name),
	}
}

func creditCodeMessage(err error) string {
	switch {
	case errors.Is(err, creditcode.ErrLength):
		return "统一社会信用代码应为 18 位 (credit code must be 18 characters)"
	case errors.Is(err, creditcode.ErrCharset):
		return "统一社会信用代码含有非法字符 (credit code may only use 0-9 and A-Y without I, O, S, V, Z)"
	default:
		return "统一社会信用代码校验位错误 (credit code check character is wrong, GB 32100-2015)"
	}
}

func checkGrade(f *apierror.Fields, g *int) {
	if g != nil && (*g < 1 || *g > 5) {
		f.Add("assessmentGrade", "评估等级应为 1–5 (1A–5A) (assessment grade must be 1–5)")
	}
}

// checkRegistration keeps the register coherent: only a registered body
// holds a credit code (filed community organisations have none).
func checkRegistration(f *apierror.Fields, status *organization.RegistrationStatus, code *string) {
	if code != nil && (status == nil || *status != organization.RegistrationStatusREGISTERED) {
		f.Add("registrationStatus", "持有统一社会信用代码的组织应为已登记 (an organization with a credit code must be REGISTERED)")
	}
}

// checkParent refuses a parent that is the organisation itself or one of
// its descendants, which would make the hierarchy a cycle.
func checkParent(ctx context.Context, c *ent.Client, f *apierror.Fields, self, parent int) error {
	seen := map[int]bool{}
	for cur := parent; cur != 0; {
		if cur == self {
			f.Add("parentId", "上级组织不能是自身或下级组织 (parent would create a cycle)")
			return nil
		}
		if seen[cur] {
			return nil
		}
		seen[cur] = true
		o, err := c.Organization.Get(ctx, cur)
		if ent.IsNotFound(err) {
			f.Add("parentId", "组织不存在 (no such organization)")
			return nil
		}
		if err != nil {
			return err
		}
		if o.ParentID == nil {
			return nil
		}
		cur = *o.ParentID
	}
	return nil
}
