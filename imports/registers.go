package imports

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/creditcode"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/policy"
	"github.com/tongxing/tongxing/projects"
	"github.com/tongxing/tongxing/registry"
)

// orgResolver finds the organisation a cell names, by credit code or by
// exact name. Organisations are a public register, so the lookup tells
// nobody anything the register does not.
type orgResolver struct {
	c     *ent.Client
	cache map[string]orgLookup
}

type orgLookup struct {
	id      int
	problem string
}

func (r *orgResolver) resolve(ctx context.Context, row *cells, key string) (int, bool, error) {
	v := row.text(key)
	if v == "" {
		return 0, false, nil
	}
	if r.cache == nil {
		r.cache = map[string]orgLookup{}
	}
	found, ok := r.cache[v]
	if !ok {
		q := r.c.Organization.Query()
		if code := creditcode.Normalize(v); creditcode.Validate(code) == nil {
			q.Where(organization.CreditCode(code))
		} else {
			q.Where(organization.Name(v))
		}
		ids, err := q.Limit(2).IDs(ctx)
		if err != nil {
			return 0, false, err
		}
		switch len(ids) {
		case 0:
			found.problem = fmt.Sprintf("找不到组织“%s” (no organisation with this credit code or name)", v)
		case 1:
			found.id = ids[0]
		default:
			found.problem = fmt.Sprintf("名称“%s”对应多个组织，请填统一社会信用代码 (several organisations have this name: give the credit code)", v)
		}
		r.cache[v] = found
	}
	if found.problem != "" {
		row.add(key, "NOT_FOUND", found.problem)
		return 0, false, nil
	}
	return found.id, true, nil
}

// organizationRows creates organisations. A row's key is its credit code,
// or its name and region when it has none; a key already on record leaves
// the row unchanged (an import creates, it never overwrites: changes go
// through updateOrganization).
type organizationRows struct {
	c    *ent.Client
	rep  *Report
	orgs orgResolver
	seen map[string]int
}

func (o *organizationRows) add(ctx context.Context, row *cells) error {
	in := registry.CreateOrganizationInput{
		Name:         row.text("name"),
		CreditCode:   row.optional("creditCode"),
		RegionCode:   row.code("regionCode"),
		FoundedOn:    row.date("foundedOn"),
		ContactPhone: row.optional("contactPhone"),
		Address:      row.optional("address"),
		Description:  row.optional("description"),
	}
	in.AssessmentGrade = row.integer("assessmentGrade")
	if k := row.enum("kind"); k != nil {
		in.Kind = organization.Kind(*k)
	}
	if v := row.enum("legalForm"); v != nil {
		lf := organization.LegalForm(*v)
		in.LegalForm = &lf
	}
	if v := row.enum("registrationStatus"); v != nil {
		rs := organization.RegistrationStatus(*v)
		in.RegistrationStatus = &rs
	}
	if parent, ok, err := o.orgs.resolve(ctx, row, "parent"); err != nil {
		return err
	} else if ok {
		in.ParentID = &parent
	}
	if len(row.problems) > 0 {
		o.rep.problem(row.problems...)
		return nil
	}
	// Authorise before the register is searched for the row's key: the
	// answer to a row the key may not create must not depend on what is
	// on record, public as it is.
	if err := policy.MayCreateOrganization(ctx, o.c, in.ParentID); err != nil {
		return o.rep.outcome(err, row, map[string]string{"parentId": "parent"})
	}
	key := "name:" + in.Name + "@" + in.RegionCode
	existing := o.c.Organization.Query().Where(organization.Name(in.Name), organization.CreditCodeIsNil(),
		organization.HasRegionWith(region.Code(in.RegionCode)))
	if in.CreditCode != nil {
		code := creditcode.Normalize(*in.CreditCode)
		key = "code:" + code
		existing = o.c.Organization.Query().Where(organization.CreditCode(code))
	}
	if first, dup := o.seen[key]; dup {
		o.rep.problem(Problem{Row: row.row, Code: "DUPLICATE_ROW", Message: fmt.Sprintf("与第 %d 行是同一组织 (the same organisation as row %d)", first, first)})
		return nil
	}
	o.seen[key] = row.row
	found, err := existing.Select(organization.FieldParentID).All(ctx)
	if err != nil {
		return err
	}
	if len(found) > 0 {
		// The key names one already on record. Unchanged, if the row says
		// the same of where it belongs; a row that places it under another
		// parent is not the same organisation, and is not passed over in
		// silence.
		if in.ParentID != nil && (found[0].ParentID == nil || *found[0].ParentID != *in.ParentID) {
			o.rep.problem(Problem{Row: row.row, Column: row.column("parent").Header(), Code: string(apierror.Conflict),
				Message: "已有同一代码（或同名同区划）的组织，但上级组织不同；导入只新建，修改请用 updateOrganization (an organisation with this key is on record under another parent: imports only create; change it with updateOrganization)"})
			return nil
		}
		o.rep.Unchanged++
		return nil
	}
	_, err = registry.CreateOrganization(ctx, o.c, in)
	return o.rep.outcome(err, row, map[string]string{"parentId": "parent"})
}

func (o *organizationRows) flush(context.Context) error { return nil }

// outcome counts a row the domain function created, or reports why it
// refused it.
func (r *Report) outcome(err error, row *cells, fields map[string]string) error {
	if err == nil {
		r.Created++
		return nil
	}
	ps, err := domainProblems(err, row, fields)
	if err != nil {
		return err
	}
	r.problem(ps...)
	return nil
}

// activityRows creates activities. A row's key is its organisation, title
// and start: an activity already on record with all three is unchanged.
type activityRows struct {
	c    *ent.Client
	rep  *Report
	orgs orgResolver
	seen map[string]int
}

func (a *activityRows) add(ctx context.Context, row *cells) error {
	org, _, err := a.orgs.resolve(ctx, row, "organization")
	if err != nil {
		return err
	}
	in := projects.CreateActivityInput{
		Title:          row.text("title"),
		OrganizationID: org,
		RegionCode:     row.code("regionCode"),
		Place:          row.optional("place"),
		Beneficiaries:  row.integer("beneficiaries"),
		Description:    row.optional("description"),
	}
	if k := row.enum("kind"); k != nil {
		kind := activity.Kind(*k)
		in.Kind = &kind
	}
	starts, ends := row.dateTime("startsAt"), row.dateTime("endsAt")
	if len(row.problems) > 0 {
		a.rep.problem(row.problems...)
		return nil
	}
	in.StartsAt, in.EndsAt = *starts, *ends
	if err := policy.MayCreateActivity(ctx, a.c, org); err != nil {
		return a.rep.outcome(err, row, map[string]string{"organizationId": "organization"})
	}
	key := fmt.Sprintf("%d|%s|%s", org, strings.TrimSpace(in.Title), in.StartsAt.UTC().Format(time.RFC3339))
	if first, dup := a.seen[key]; dup {
		a.rep.problem(Problem{Row: row.row, Code: "DUPLICATE_ROW", Message: fmt.Sprintf("与第 %d 行是同一活动 (the same activity as row %d)", first, first)})
		return nil
	}
	a.seen[key] = row.row
	found, err := a.c.Activity.Query().Where(activity.OrganizationID(org), activity.Title(strings.TrimSpace(in.Title)),
		activity.StartsAt(in.StartsAt)).Exist(ctx)
	if err != nil {
		return err
	}
	if found {
		a.rep.Unchanged++
		return nil
	}
	_, err = projects.CreateActivity(ctx, a.c, in)
	return a.rep.outcome(err, row, map[string]string{"organizationId": "organization"})
}

func (a *activityRows) flush(context.Context) error { return nil }
