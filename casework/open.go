package casework

import (
	"context"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/casefile"
	"github.com/tongxing/tongxing/ent/casegoal"
	"github.com/tongxing/tongxing/ent/caseresident"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// ResidentInput is the GraphQL CaseResidentInput: the resident a new case
// is for. A new resident record is made for every case opened with one; a
// case for the same resident as an earlier one names that case instead
// (OpenInput.SameResidentAs), never a person id, which would let a key
// probe who is on record.
type ResidentInput struct {
	Name      string
	Gender    *person.Gender
	BirthDate *time.Time
	Phone     *string
	Address   *string
}

// OpenInput is the GraphQL OpenCaseInput.
type OpenInput struct {
	// AgencyID defaults to the key's organisation; ADMIN must give it.
	AgencyID *int
	// ResponsibleWorkerID defaults to a WORKER key's holder.
	ResponsibleWorkerID *int
	DisplayName         string
	Kind                casefile.Kind
	RegionCode          string
	NeedID              *int
	Resident            *ResidentInput
	SameResidentAs      *int
	OpenedOn            *time.Time
}

// Open opens a case. The resident's record is a resident (policy.PeopleRows
// hides it from every people query); a case opened from a need must come
// from a need matched to the agency.
func (d *Desk) Open(ctx context.Context, c *ent.Client, in OpenInput) (*Case, error) {
	v, err := d.authorize(ctx)
	if err != nil {
		return nil, err
	}
	agency, worker, err := openerOf(v, in)
	if err != nil {
		return nil, err
	}

	f := apierror.NewFields("input")
	name := input.Text(f, "displayName", in.DisplayName, maxDisplayName, true)
	if err := casefile.KindValidator(in.Kind); err != nil {
		f.Add("kind", "未知的个案类别 (unknown case kind)")
	}
	switch {
	case in.Resident == nil && in.SameResidentAs == nil:
		f.Add("resident", "请填写服务对象，或指明同一服务对象的既往个案 (give the resident, or sameResidentAs)")
	case in.Resident != nil && in.SameResidentAs != nil:
		f.Add("sameResidentAs", "服务对象与 sameResidentAs 只能二选一 (give resident or sameResidentAs, not both)")
	}
	var res ResidentInput
	if in.Resident != nil {
		res = *in.Resident
		res.Name = input.Text(f, "resident.name", res.Name, 100, true)
		res.Phone = input.OptionalText(f, "resident.phone", res.Phone, 20)
		res.Address = input.OptionalText(f, "resident.address", res.Address, 300)
		input.Reasonable(f, "resident.birthDate", res.BirthDate)
	}
	opened := today(d.now())
	if in.OpenedOn != nil {
		input.Reasonable(f, "openedOn", in.OpenedOn)
		if in.OpenedOn.After(opened) {
			f.Add("openedOn", "开案日期不能在未来 (openedOn must not be in the future)")
		}
		opened = today(*in.OpenedOn)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}

	// Checks that read data, each only where the caller reads.
	regionID, err := input.RegionID(ctx, c, f, "regionCode", in.RegionCode)
	if err != nil {
		return nil, err
	}
	if err := input.OrganizationExists(ctx, c, f, "agencyId", agency); err != nil {
		return nil, err
	}
	isMember, err := c.Membership.Query().Where(membership.PersonID(worker), membership.OrganizationID(agency),
		policy.CurrentMembership(d.now())).Exist(ctx)
	if err != nil {
		return nil, err
	}
	if !isMember {
		f.Add("responsibleWorkerId", "负责社工须为本机构在册人员 (the responsible social worker must be a current member of the agency)")
	}
	if in.NeedID != nil {
		ok, err := c.Need.Query().Where(need.ID(*in.NeedID), need.MatchedOrganizationID(agency)).Exist(ctx)
		if err != nil {
			return nil, err
		}
		if !ok {
			f.Add("needId", "需求不存在或未对接本机构 (no such need matched to the agency)")
		}
	}
	var residentID int
	if in.SameResidentAs != nil {
		earlier, err := load(ctx, c, *in.SameResidentAs)
		switch {
		case err == ErrNoCase || (err == nil && earlier.ResidentID == nil):
			f.Add("sameResidentAs", "个案不存在或无权查看 (no such case, or not one this key may read)")
		case err != nil:
			return nil, err
		default:
			residentID = *earlier.ResidentID
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}

	minor := in.Kind == casefile.KindCHILD_PROTECTION
	if in.Resident != nil {
		create := c.CaseResident.Create().SetName(res.Name).SetNillableBirthDate(res.BirthDate)
		if res.Gender != nil {
			create.SetGender(caseresident.Gender(*res.Gender))
		}
		if res.Phone != nil {
			create.SetPhone(*res.Phone)
		}
		if res.Address != nil {
			create.SetAddress(*res.Address)
		}
		r, err := create.Save(ctx)
		if err != nil {
			return nil, err
		}
		residentID = r.ID
		minor = minor || underAge(res.BirthDate, opened)
	} else {
		r, err := c.CaseResident.Get(allRows(ctx), residentID)
		if err != nil {
			return nil, err
		}
		minor = minor || underAge(r.BirthDate, opened)
	}
	cf, err := c.CaseFile.Create().
		SetAgencyID(agency).SetResponsibleWorkerID(worker).SetResidentID(residentID).
		SetNillableNeedID(in.NeedID).SetRegionID(regionID).SetDisplayName(name).
		SetKind(in.Kind).SetMinor(minor).SetOpenedOn(opened).
		Save(ctx)
	if err != nil {
		return nil, err
	}
	audit.Note(ctx, caseEvent(cf.ID))
	return d.view(ctx, c, cf)
}

// openerOf decides, from the key alone, for which agency and worker it
// may open a case: a case key opens for its own agency (a WORKER key for
// its holder only); ADMIN names both.
func openerOf(v *auth.Viewer, in OpenInput) (agency, worker int, err error) {
	if v.Admin() {
		f := apierror.NewFields("input")
		f.Check(in.AgencyID != nil, "agencyId", "管理员开案须指明机构 (ADMIN must give agencyId)")
		f.Check(in.ResponsibleWorkerID != nil, "responsibleWorkerId", "管理员开案须指明负责社工 (ADMIN must give responsibleWorkerId)")
		if err := f.Err(); err != nil {
			return 0, 0, err
		}
		return *in.AgencyID, *in.ResponsibleWorkerID, nil
	}
	agency = v.OrganizationID
	if in.AgencyID != nil && *in.AgencyID != agency {
		return 0, 0, apierror.New(apierror.Forbidden, "只能为本机构开案 (a case key opens cases for its own agency only)")
	}
	worker = v.HolderID
	if in.ResponsibleWorkerID != nil {
		if v.Casework == auth.CaseWorker && *in.ResponsibleWorkerID != v.HolderID {
			return 0, 0, apierror.New(apierror.Forbidden, "社工密钥只能为本人开案 (a WORKER key opens cases with its holder responsible)")
		}
		worker = *in.ResponsibleWorkerID
	}
	if worker == 0 {
		return 0, 0, apierror.Invalid("input.responsibleWorkerId", "请指明负责社工 (give responsibleWorkerId)")
	}
	return agency, worker, nil
}

// underAge reports whether a resident counts as a child on a day: under
// 18, or of unknown age — kept to district level like a child, as the open
// data treats everyone whose age it does not know.
func underAge(birth *time.Time, on time.Time) bool {
	if birth == nil {
		return true
	}
	return birth.AddDate(18, 0, 0).After(on)
}

// Assess records (or replaces) the case's assessment.
func (d *Desk) Assess(ctx context.Context, c *ent.Client, caseID int, text string) (*Case, error) {
	if _, err := d.authorize(ctx); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	text = input.Text(f, "assessment", text, maxNarrative, true)
	if err := f.Err(); err != nil {
		return nil, err
	}
	cf, err := loadOpen(ctx, c, caseID)
	if err != nil {
		return nil, err
	}
	ct, err := d.seal(text, "case", "assessment", cf.ID)
	if err != nil {
		return nil, err
	}
	cf, err = cf.Update().SetAssessmentCiphertext(ct).SetAssessedAt(d.now()).Save(ctx)
	if err != nil {
		return nil, err
	}
	audit.Note(ctx, caseEvent(cf.ID))
	return d.view(ctx, c, cf)
}

// SetPlan records (or replaces) the case's plan and its goals, while the
// case is open.
func (d *Desk) SetPlan(ctx context.Context, c *ent.Client, caseID int, summary string, goals []string) (*Case, error) {
	if _, err := d.authorize(ctx); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	summary = input.Text(f, "summary", summary, maxNarrative, true)
	switch {
	case len(goals) == 0:
		f.Add("goals", "计划至少需要一个目标 (a plan needs at least one goal)")
	case len(goals) > maxGoals:
		f.Add("goals", "目标最多 20 个 (at most 20 goals)")
	}
	for i := range goals {
		goals[i] = input.Text(f, "goals."+itoa(i), goals[i], maxGoal, true)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	cf, err := loadOpen(ctx, c, caseID)
	if err != nil {
		return nil, err
	}
	ct, err := d.seal(summary, "case", "plan", cf.ID)
	if err != nil {
		return nil, err
	}
	if _, err := c.CaseGoal.Delete().Where(casegoal.CaseID(cf.ID)).Exec(ctx); err != nil {
		return nil, err
	}
	for i, g := range goals {
		sealed, err := d.seal(g, "goal", goalField(i+1), cf.ID)
		if err != nil {
			return nil, err
		}
		if err := c.CaseGoal.Create().SetCaseID(cf.ID).SetPosition(i + 1).SetDescriptionCiphertext(sealed).Exec(ctx); err != nil {
			return nil, err
		}
	}
	cf, err = cf.Update().SetPlanCiphertext(ct).SetPlannedAt(d.now()).Save(ctx)
	if err != nil {
		return nil, err
	}
	audit.Note(ctx, caseEvent(cf.ID))
	return d.view(ctx, c, cf)
}

// goalField binds a goal's description to its case and position: goals are
// replaced as a whole, so the row id is not known before the text is
// sealed.
func goalField(position int) string { return "description/" + itoa(position) }
