package casework

import (
	"context"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/casecrisis"
	"github.com/tongxing/tongxing/ent/casefile"
	"github.com/tongxing/tongxing/ent/casegoal"
	"github.com/tongxing/tongxing/ent/casereferral"
	"github.com/tongxing/tongxing/ent/caseresident"
	"github.com/tongxing/tongxing/ent/casesession"
	"github.com/tongxing/tongxing/ent/casevolunteer"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// ReferInput is the GraphQL ReferCaseInput.
type ReferInput struct {
	CaseID           int
	ToOrganizationID int
	Reason           string
}

// Refer sends an open case to another organisation. What the reason says
// is all the receiving organisation learns of the case, beside its display
// name and kind.
func (d *Desk) Refer(ctx context.Context, c *ent.Client, in ReferInput) (*Referral, error) {
	if _, err := d.authorize(ctx); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	reason := input.Text(f, "reason", in.Reason, maxNarrative, true)
	if err := f.Err(); err != nil {
		return nil, err
	}
	cf, err := loadOpen(ctx, c, in.CaseID)
	if err != nil {
		return nil, err
	}
	ok, err := c.Organization.Query().Where(organization.ID(in.ToOrganizationID)).Exist(ctx)
	if err != nil {
		return nil, err
	}
	if !ok || in.ToOrganizationID == *cf.AgencyID {
		return nil, apierror.Invalid("input.toOrganizationId", "请选择另一家组织 (give another organisation)")
	}
	row, err := c.CaseReferral.Create().SetCaseID(cf.ID).SetToOrganizationID(in.ToOrganizationID).
		SetReferredOn(today(d.now())).SetReasonCiphertext([]byte{}).Save(ctx)
	if err != nil {
		return nil, err
	}
	ct, err := d.seal(reason, "referral", "reason", row.ID)
	if err != nil {
		return nil, err
	}
	if row, err = row.Update().SetReasonCiphertext(ct).Save(ctx); err != nil {
		return nil, err
	}
	audit.Note(ctx, audit.EntityEvent(row))
	row.Edges.Case = cf
	out, err := d.referrals(ctx, []*ent.CaseReferral{row})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// AnswerReferral is the receiving organisation accepting or declining a
// referral, with its answer.
func (d *Desk) AnswerReferral(ctx context.Context, c *ent.Client, id int, accept bool, answer string) (*Referral, error) {
	v, err := d.authorize(ctx)
	if err != nil {
		return nil, err
	}
	f := apierror.NewFields("")
	answer = input.Text(f, "answer", answer, maxNarrative, true)
	if err := f.Err(); err != nil {
		return nil, err
	}
	q := c.CaseReferral.Query().Where(casereferral.ID(id))
	if !v.Admin() {
		q.Where(casereferral.ToOrganizationID(v.OrganizationID))
	}
	row, err := q.Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrNoCase
	}
	if err != nil {
		return nil, err
	}
	if row.Status != casereferral.StatusPENDING {
		return nil, apierror.New(apierror.Conflict, "该转介已答复 (the referral was answered already)")
	}
	ct, err := d.seal(answer, "referral", "answer", row.ID)
	if err != nil {
		return nil, err
	}
	status := casereferral.StatusDECLINED
	if accept {
		status = casereferral.StatusACCEPTED
	}
	row, err = row.Update().SetStatus(status).SetAnsweredOn(today(d.now())).SetAnsweredBy(recorder(ctx)).
		SetAnswerCiphertext(ct).Save(ctx)
	if err != nil {
		return nil, err
	}
	audit.Note(ctx, audit.EntityEvent(row))
	cf, err := c.CaseFile.Query().Where(casefile.ID(row.CaseID)).
		Select(casefile.FieldID, casefile.FieldDisplayName, casefile.FieldKind, casefile.FieldAgencyID).Only(allRows(ctx))
	if err != nil {
		return nil, err
	}
	row.Edges.Case = cf
	out, err := d.referrals(ctx, []*ent.CaseReferral{row})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// GoalResultInput is one goal's result at closure.
type GoalResultInput struct {
	GoalID int
	Result casegoal.Result
}

// CloseInput is the GraphQL CloseCaseInput.
type CloseInput struct {
	CaseID      int
	Outcome     casefile.ClosureOutcome
	Summary     string
	GoalResults []*GoalResultInput
	ClosedOn    *time.Time
}

// Close ends a case with its outcome against the plan's goals: every goal
// of the plan gets a result. A case in crisis does not close. Volunteers
// still assigned end their assignment on the closing date.
func (d *Desk) Close(ctx context.Context, c *ent.Client, in CloseInput) (*Case, error) {
	if _, err := d.authorize(ctx); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	if err := casefile.ClosureOutcomeValidator(in.Outcome); err != nil {
		f.Add("outcome", "未知的结案结果 (unknown outcome)")
	}
	summary := input.Text(f, "summary", in.Summary, maxNarrative, true)
	closed := today(d.now())
	if in.ClosedOn != nil {
		input.Reasonable(f, "closedOn", in.ClosedOn)
		f.Check(!today(*in.ClosedOn).After(closed), "closedOn", "结案日期不能在未来 (closedOn must not be in the future)")
		closed = today(*in.ClosedOn)
	}
	results := map[int]casegoal.Result{}
	for i, g := range in.GoalResults {
		if err := casegoal.ResultValidator(g.Result); err != nil {
			f.Add("goalResults."+itoa(i)+".result", "未知的目标结果 (unknown result)")
		}
		if _, dup := results[g.GoalID]; dup {
			f.Add("goalResults."+itoa(i)+".goalId", "目标重复 (goal listed twice)")
		}
		results[g.GoalID] = g.Result
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	cf, err := loadOpen(ctx, c, in.CaseID)
	if err != nil {
		return nil, err
	}
	if closed.Before(cf.OpenedOn) {
		return nil, apierror.Invalid("input.closedOn", "结案日期不能早于开案日期 (closedOn must not be before the case opened)")
	}
	inCrisis, err := c.CaseCrisis.Query().Where(casecrisis.CaseID(cf.ID), casecrisis.ResolvedAtIsNil()).Exist(ctx)
	if err != nil {
		return nil, err
	}
	if inCrisis {
		return nil, apierror.New(apierror.Conflict, "个案仍有未解除的危机，不能结案 (the case has an unresolved crisis and cannot close)")
	}
	goals, err := c.CaseGoal.Query().Where(casegoal.CaseID(cf.ID)).Order(ent.Asc(casegoal.FieldPosition)).All(ctx)
	if err != nil {
		return nil, err
	}
	if cf.PlannedAt == nil && in.Outcome != casefile.ClosureOutcomeWITHDRAWN && in.Outcome != casefile.ClosureOutcomeTRANSFERRED {
		return nil, apierror.New(apierror.Conflict, "个案尚无服务计划，只能以转介或撤案结案 (a case without a plan closes only as TRANSFERRED or WITHDRAWN)")
	}
	known := map[int]bool{}
	for _, g := range goals {
		known[g.ID] = true
		if _, ok := results[g.ID]; !ok {
			f.Add("goalResults", "每个计划目标都须评估结果 (give a result for every goal of the plan)")
			break
		}
	}
	for i, g := range in.GoalResults {
		f.Check(known[g.GoalID], "goalResults."+itoa(i)+".goalId", "不是本个案计划的目标 (not a goal of this case's plan)")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	for _, g := range goals {
		if err := g.Update().SetResult(results[g.ID]).Exec(ctx); err != nil {
			return nil, err
		}
	}
	if _, err := c.CaseVolunteer.Update().Where(casevolunteer.CaseID(cf.ID), casevolunteer.EndedOnIsNil()).
		SetEndedOn(closed).Save(ctx); err != nil {
		return nil, err
	}
	ct, err := d.seal(summary, "case", "closure", cf.ID)
	if err != nil {
		return nil, err
	}
	cf, err = cf.Update().SetStatus(casefile.StatusCLOSED).SetClosedOn(closed).SetClosureOutcome(in.Outcome).
		SetClosureCiphertext(ct).Save(ctx)
	if err != nil {
		return nil, err
	}
	audit.Note(ctx, caseEvent(cf.ID))
	return d.view(ctx, c, cf)
}

// PurgeSealed clears every sealed case closed before closedBefore (all
// sealed cases when nil): ADMIN only, with a stated reason, audited with
// the number purged. A purged case keeps only what the statistics count —
// its town, kind, whether it concerned a child, and the quarters it opened
// and closed in; its resident's record, narrative and every part are gone.
func (d *Desk) PurgeSealed(ctx context.Context, c *ent.Client, closedBefore *time.Time, reason string) (int, error) {
	v, reason, err := d.readOK(ctx, reason)
	if err != nil {
		return 0, err
	}
	if !v.Admin() {
		return 0, apierror.New(apierror.Forbidden, "只有管理员可以清除个案 (only ADMIN purges cases)")
	}
	cutoff := policy.CaseSealedBefore(d.now())
	if closedBefore != nil && today(*closedBefore).Before(cutoff) {
		cutoff = today(*closedBefore)
	}
	files, err := c.CaseFile.Query().Where(casefile.StatusEQ(casefile.StatusCLOSED), casefile.ClosedOnLT(cutoff)).All(ctx)
	if err != nil {
		return 0, err
	}
	for _, cf := range files {
		if err := purge(ctx, c, cf); err != nil {
			return 0, err
		}
	}
	audit.Note(ctx, audit.Event{EntityType: caseType, Count: len(files), Reason: reason})
	return len(files), nil
}

func purge(ctx context.Context, c *ent.Client, cf *ent.CaseFile) error {
	// The parts are deleted past their never-deleted rule: purging is the
	// one procedure that removes them, run by ADMIN and audited.
	sys := policy.SystemContext(ctx, "purge")
	if _, err := c.CaseGoal.Delete().Where(casegoal.CaseID(cf.ID)).Exec(sys); err != nil {
		return err
	}
	if _, err := c.CaseSession.Delete().Where(casesession.CaseID(cf.ID)).Exec(sys); err != nil {
		return err
	}
	if _, err := c.CaseCrisis.Delete().Where(casecrisis.CaseID(cf.ID)).Exec(sys); err != nil {
		return err
	}
	if _, err := c.CaseVolunteer.Delete().Where(casevolunteer.CaseID(cf.ID)).Exec(sys); err != nil {
		return err
	}
	if _, err := c.CaseReferral.Delete().Where(casereferral.CaseID(cf.ID)).Exec(sys); err != nil {
		return err
	}
	err := c.CaseFile.UpdateOne(cf).
		ClearAgencyID().ClearResponsibleWorkerID().ClearResidentID().ClearNeedID().ClearDisplayName().
		ClearAssessmentCiphertext().ClearAssessedAt().ClearPlanCiphertext().ClearPlannedAt().
		ClearClosureOutcome().ClearClosureCiphertext().
		SetOpenedOn(quarterStart(cf.OpenedOn)).SetClosedOn(quarterStart(*cf.ClosedOn)).
		SetStatus(casefile.StatusPURGED).SetPurgedAt(time.Now()).Exec(ctx)
	if err != nil {
		return err
	}
	if cf.ResidentID == nil {
		return nil
	}
	// The resident goes with their last case.
	other, err := c.CaseFile.Query().Where(casefile.ResidentID(*cf.ResidentID)).Exist(sys)
	if err != nil || other {
		return err
	}
	_, err = c.CaseResident.Delete().Where(caseresident.ID(*cf.ResidentID)).Exec(sys)
	return err
}

func quarterStart(t time.Time) time.Time {
	q := (int(t.Month()) - 1) / 3
	return time.Date(t.Year(), time.Month(q*3+1), 1, 0, 0, 0, 0, t.Location())
}
