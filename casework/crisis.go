package casework

import (
	"context"
	"encoding/json"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/casecrisis"
	"github.com/tongxing/tongxing/input"
)

// The crisis workflow (危机干预): the worker reports a crisis with its risk
// level, what happened and the actions taken at once; while any crisis of
// a case is unresolved the case is in crisis and cannot be closed; a HIGH
// or IMMINENT crisis must be acknowledged by a supervisor (a SUPERVISOR
// key of the agency, or ADMIN) before it can be resolved; every further
// action is appended with its time and author; resolving it records how.

// CrisisInput is the GraphQL ReportCrisisInput.
type CrisisInput struct {
	CaseID       int
	OccurredAt   time.Time
	RiskLevel    casecrisis.RiskLevel
	Description  string
	ActionsTaken string
}

// ReportCrisis opens a crisis intervention on an open case.
func (d *Desk) ReportCrisis(ctx context.Context, c *ent.Client, in CrisisInput) (*Crisis, error) {
	if _, err := d.authorize(ctx); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	if err := casecrisis.RiskLevelValidator(in.RiskLevel); err != nil {
		f.Add("riskLevel", "未知的风险等级 (unknown risk level)")
	}
	desc := input.Text(f, "description", in.Description, maxNarrative, true)
	actions := input.Text(f, "actionsTaken", in.ActionsTaken, maxNarrative, true)
	now := d.now()
	f.Check(!in.OccurredAt.After(now.Add(5*time.Minute)), "occurredAt", "发生时间不能在未来 (occurredAt must not be in the future)")
	input.Reasonable(f, "occurredAt", &in.OccurredAt)
	if err := f.Err(); err != nil {
		return nil, err
	}
	cf, err := loadOpen(ctx, c, in.CaseID)
	if err != nil {
		return nil, err
	}
	row, err := c.CaseCrisis.Create().SetCaseID(cf.ID).SetOccurredAt(in.OccurredAt).SetRiskLevel(in.RiskLevel).
		SetDescriptionCiphertext([]byte{}).SetActionsCiphertext([]byte{}).SetReportedBy(recorder(ctx)).Save(ctx)
	if err != nil {
		return nil, err
	}
	descCT, err := d.seal(desc, "crisis", "description", row.ID)
	if err != nil {
		return nil, err
	}
	actCT, err := d.sealActions(row.ID, []*Action{{At: now, By: recorder(ctx), Text: actions}})
	if err != nil {
		return nil, err
	}
	row, err = row.Update().SetDescriptionCiphertext(descCT).SetActionsCiphertext(actCT).Save(ctx)
	if err != nil {
		return nil, err
	}
	audit.Note(ctx, audit.EntityEvent(row))
	return d.crisis(row)
}

func (d *Desk) sealActions(id int, actions []*Action) ([]byte, error) {
	raw, err := json.Marshal(actions)
	if err != nil {
		return nil, err
	}
	return d.seal(string(raw), "crisis", "actions", id)
}

// loadCrisis fetches a crisis the caller reads, or ErrNoCase.
func loadCrisis(ctx context.Context, c *ent.Client, id int) (*ent.CaseCrisis, error) {
	row, err := c.CaseCrisis.Query().Where(casecrisis.ID(id)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrNoCase
	}
	return row, err
}

func needsAcknowledgement(r casecrisis.RiskLevel) bool {
	return r == casecrisis.RiskLevelHIGH || r == casecrisis.RiskLevelIMMINENT
}

// AcknowledgeCrisis is a supervisor taking note of a crisis, with what
// they add; only SUPERVISOR keys and ADMIN acknowledge.
func (d *Desk) AcknowledgeCrisis(ctx context.Context, c *ent.Client, id int, note *string) (*Crisis, error) {
	v, err := d.authorize(ctx)
	if err != nil {
		return nil, err
	}
	if !v.Admin() && v.Casework != auth.CaseSupervisor {
		return nil, apierror.New(apierror.Forbidden, "只有督导确认危机 (only a SUPERVISOR key or ADMIN acknowledges a crisis)")
	}
	f := apierror.NewFields("")
	text := input.OptionalText(f, "note", note, maxNarrative)
	if err := f.Err(); err != nil {
		return nil, err
	}
	row, err := loadCrisis(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if row.AcknowledgedAt != nil {
		return nil, apierror.New(apierror.Conflict, "该危机已确认 (the crisis was acknowledged already)")
	}
	upd := row.Update().SetAcknowledgedAt(d.now()).SetAcknowledgedBy(recorder(ctx))
	if text != nil && *text != "" {
		ct, err := d.appendAction(ctx, row, "督导确认 (acknowledged): "+*text)
		if err != nil {
			return nil, err
		}
		upd.SetActionsCiphertext(ct)
	}
	if row, err = upd.Save(ctx); err != nil {
		return nil, err
	}
	audit.Note(ctx, audit.EntityEvent(row))
	return d.crisis(row)
}

func (d *Desk) appendAction(ctx context.Context, row *ent.CaseCrisis, text string) ([]byte, error) {
	actions, err := d.actions(row)
	if err != nil {
		return nil, err
	}
	return d.sealActions(row.ID, append(actions, &Action{At: d.now(), By: recorder(ctx), Text: text}))
}

// AddCrisisAction appends an action taken in an unresolved crisis.
func (d *Desk) AddCrisisAction(ctx context.Context, c *ent.Client, id int, text string) (*Crisis, error) {
	if _, err := d.authorize(ctx); err != nil {
		return nil, err
	}
	f := apierror.NewFields("")
	text = input.Text(f, "action", text, maxNarrative, true)
	if err := f.Err(); err != nil {
		return nil, err
	}
	row, err := loadCrisis(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if row.ResolvedAt != nil {
		return nil, apierror.New(apierror.Conflict, "该危机已解除 (the crisis is resolved)")
	}
	ct, err := d.appendAction(ctx, row, text)
	if err != nil {
		return nil, err
	}
	if row, err = row.Update().SetActionsCiphertext(ct).Save(ctx); err != nil {
		return nil, err
	}
	audit.Note(ctx, audit.EntityEvent(row))
	return d.crisis(row)
}

// ResolveCrisis ends a crisis; a HIGH or IMMINENT one only once a
// supervisor acknowledged it.
func (d *Desk) ResolveCrisis(ctx context.Context, c *ent.Client, id int, resolution string) (*Crisis, error) {
	if _, err := d.authorize(ctx); err != nil {
		return nil, err
	}
	f := apierror.NewFields("")
	resolution = input.Text(f, "resolution", resolution, maxNarrative, true)
	if err := f.Err(); err != nil {
		return nil, err
	}
	row, err := loadCrisis(ctx, c, id)
	if err != nil {
		return nil, err
	}
	switch {
	case row.ResolvedAt != nil:
		return nil, apierror.New(apierror.Conflict, "该危机已解除 (the crisis is resolved already)")
	case needsAcknowledgement(row.RiskLevel) && row.AcknowledgedAt == nil:
		return nil, apierror.New(apierror.Conflict, "高风险危机须经督导确认后方可解除 (a HIGH or IMMINENT crisis must be acknowledged by a supervisor before it is resolved)")
	}
	ct, err := d.seal(resolution, "crisis", "resolution", row.ID)
	if err != nil {
		return nil, err
	}
	if row, err = row.Update().SetResolvedAt(d.now()).SetResolvedBy(recorder(ctx)).SetResolutionCiphertext(ct).Save(ctx); err != nil {
		return nil, err
	}
	audit.Note(ctx, audit.EntityEvent(row))
	return d.crisis(row)
}
