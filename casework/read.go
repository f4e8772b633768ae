package casework

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/casecrisis"
	"github.com/tongxing/tongxing/ent/casefile"
	"github.com/tongxing/tongxing/ent/casegoal"
	"github.com/tongxing/tongxing/ent/casereferral"
	"github.com/tongxing/tongxing/ent/casesession"
	"github.com/tongxing/tongxing/ent/casevolunteer"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/privacy"
)

// Case is the GraphQL Case: a case file as its reader sees it, narrative
// decrypted. Only an authorised read makes one.
type Case struct {
	ID                  int
	DisplayName         string
	Kind                casefile.Kind
	Status              casefile.Status
	Minor               bool
	Sealed              bool
	OpenedOn            time.Time
	ClosedOn            *time.Time
	AgencyID            *int
	ResponsibleWorkerID *int
	ResidentID          *int
	NeedID              *int
	RegionID            int
	Assessment          *string
	AssessedAt          *time.Time
	Plan                *Plan
	Closure             *Closure
	InCrisis            bool
}

// Plan is a case's plan with its goals.
type Plan struct {
	Summary string
	SetAt   time.Time
	Goals   []*Goal
}

// Goal is one goal of a plan, with its result once the case closed.
type Goal struct {
	ID          int
	Position    int
	Description string
	Result      *casegoal.Result
}

// Closure is how a case ended, against its plan's goals.
type Closure struct {
	ClosedOn time.Time
	Outcome  casefile.ClosureOutcome
	Summary  string
}

// Resident is the identity of the person a case is for, read only through
// the case.
type Resident struct {
	Name      string
	Gender    person.Gender
	BirthDate *time.Time
	Phone     string
	Address   string
}

// Session is one casework session.
type Session struct {
	ID         int
	HeldOn     time.Time
	Kind       casesession.Kind
	Minutes    int
	Note       *string
	RecordedBy string
	// ServiceRecordIDs are the volunteers' service records it produced.
	ServiceRecordIDs []int
}

// Action is one step taken in a crisis.
type Action struct {
	At   time.Time `json:"at"`
	By   string    `json:"by"`
	Text string    `json:"text"`
}

// Crisis is a crisis intervention.
type Crisis struct {
	ID             int
	CaseID         int
	OccurredAt     time.Time
	RiskLevel      casecrisis.RiskLevel
	Description    string
	Actions        []*Action
	ReportedBy     string
	AcknowledgedBy *string
	AcknowledgedAt *time.Time
	ResolvedAt     *time.Time
	ResolvedBy     *string
	Resolution     *string
}

// Volunteer is a volunteer assigned to a case.
type Volunteer struct {
	ID         int
	PersonID   int
	Role       casevolunteer.Role
	AssignedOn time.Time
	EndedOn    *time.Time
}

// Referral is a referral as its readers see it: the referring agency's
// case keys, and the receiving organisation's, who see this and nothing
// else of the case (its display name and kind).
type Referral struct {
	ID               int
	CaseID           int
	CaseDisplayName  string
	CaseKind         casefile.Kind
	FromAgencyID     *int
	ToOrganizationID int
	ReferredOn       time.Time
	Reason           string
	Status           casereferral.Status
	AnsweredOn       *time.Time
	AnsweredBy       *string
	Answer           *string
}

// Get reads one case, audited with reason. A case the caller may not read
// is ErrNoCase, like one that does not exist.
func (d *Desk) Get(ctx context.Context, c *ent.Client, id int, reason string) (*Case, error) {
	_, reason, err := d.readOK(ctx, reason)
	if err != nil {
		return nil, err
	}
	// The attempt is audited whether or not the case is found: probing
	// for cases is itself worth a trace.
	if err := record(ctx, c, "case", caseType, id, 1, reason); err != nil {
		return nil, err
	}
	cf, err := load(ctx, c, id)
	if err != nil {
		return nil, err
	}
	return d.view(ctx, c, cf)
}

// CaseOf reads the case of a part the caller has just read (a crisis on a
// supervisor's worklist), under the read that was audited for it; nil
// when the caller may not read the case.
func (d *Desk) CaseOf(ctx context.Context, c *ent.Client, id int) (*Case, error) {
	if _, err := d.authorize(ctx); err != nil {
		return nil, err
	}
	cf, err := load(ctx, c, id)
	if err == ErrNoCase {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return d.view(ctx, c, cf)
}

// ListFilter narrows List: only by properties of the caller's own cases.
type ListFilter struct {
	Status   *casefile.Status
	InCrisis *bool
}

// List reads the cases the caller may read, newest first, audited as one
// event with the number of cases returned and the reason.
func (d *Desk) List(ctx context.Context, c *ent.Client, filter ListFilter, reason string) ([]*Case, error) {
	_, reason, err := d.readOK(ctx, reason)
	if err != nil {
		return nil, err
	}
	q := c.CaseFile.Query().Where(casefile.StatusNEQ(casefile.StatusPURGED)).
		Order(ent.Desc(casefile.FieldOpenedOn), ent.Desc(casefile.FieldID))
	if filter.Status != nil {
		q.Where(casefile.StatusEQ(*filter.Status))
	}
	if filter.InCrisis != nil {
		open := casefile.HasCrisesWith(casecrisis.ResolvedAtIsNil())
		if *filter.InCrisis {
			q.Where(open)
		} else {
			q.Where(casefile.Not(open))
		}
	}
	files, err := q.All(ctx)
	if err != nil {
		return nil, err
	}
	if err := record(ctx, c, "cases", caseType, 0, len(files), reason); err != nil {
		return nil, err
	}
	out := make([]*Case, 0, len(files))
	for _, cf := range files {
		v, err := d.view(ctx, c, cf)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (d *Desk) view(ctx context.Context, c *ent.Client, cf *ent.CaseFile) (*Case, error) {
	out := &Case{
		ID: cf.ID, DisplayName: cf.DisplayName, Kind: cf.Kind, Status: cf.Status, Minor: cf.Minor,
		Sealed: isSealed(cf, d.now()), OpenedOn: cf.OpenedOn, ClosedOn: cf.ClosedOn,
		AgencyID: cf.AgencyID, ResponsibleWorkerID: cf.ResponsibleWorkerID, ResidentID: cf.ResidentID,
		NeedID: cf.NeedID, RegionID: cf.RegionID, AssessedAt: cf.AssessedAt,
	}
	var err error
	if out.Assessment, err = d.openPtr(cf.AssessmentCiphertext, "case", "assessment", cf.ID); err != nil {
		return nil, err
	}
	if cf.PlannedAt != nil {
		summary, err := d.open(cf.PlanCiphertext, "case", "plan", cf.ID)
		if err != nil {
			return nil, err
		}
		goals, err := c.CaseGoal.Query().Where(casegoal.CaseID(cf.ID)).Order(ent.Asc(casegoal.FieldPosition)).All(ctx)
		if err != nil {
			return nil, err
		}
		out.Plan = &Plan{Summary: summary, SetAt: *cf.PlannedAt}
		for _, g := range goals {
			text, err := d.open(g.DescriptionCiphertext, "goal", goalField(g.Position), cf.ID)
			if err != nil {
				return nil, err
			}
			out.Plan.Goals = append(out.Plan.Goals, &Goal{ID: g.ID, Position: g.Position, Description: text, Result: g.Result})
		}
	}
	if cf.Status == casefile.StatusCLOSED && cf.ClosedOn != nil && cf.ClosureOutcome != nil {
		summary, err := d.open(cf.ClosureCiphertext, "case", "closure", cf.ID)
		if err != nil {
			return nil, err
		}
		out.Closure = &Closure{ClosedOn: *cf.ClosedOn, Outcome: *cf.ClosureOutcome, Summary: summary}
	}
	out.InCrisis, err = c.CaseCrisis.Query().Where(casecrisis.CaseID(cf.ID), casecrisis.ResolvedAtIsNil()).Exist(ctx)
	return out, err
}

// Resident reads the identity of a case's resident. The case was read
// (and audited) by the caller already; the resident's row is read past its
// own rule, which lets no key read residents directly.
func (d *Desk) Resident(ctx context.Context, c *ent.Client, cs *Case) (*Resident, error) {
	if cs.ResidentID == nil {
		return nil, nil
	}
	if _, err := load(ctx, c, cs.ID); err != nil { // still the caller's
		return nil, err
	}
	r, err := c.CaseResident.Get(privacy.DecisionContext(ctx, privacy.Allow), *cs.ResidentID)
	if err != nil {
		return nil, err
	}
	return &Resident{Name: r.Name, Gender: person.Gender(r.Gender), BirthDate: r.BirthDate, Phone: r.Phone, Address: r.Address}, nil
}

// Sessions are a case's sessions, oldest first.
func (d *Desk) Sessions(ctx context.Context, c *ent.Client, caseID int) ([]*Session, error) {
	rows, err := c.CaseSession.Query().Where(casesession.CaseID(caseID)).
		Order(ent.Asc(casesession.FieldHeldOn), ent.Asc(casesession.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*Session, 0, len(rows))
	for _, s := range rows {
		note, err := d.openPtr(s.NoteCiphertext, "session", "note", s.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, &Session{ID: s.ID, HeldOn: s.HeldOn, Kind: s.Kind, Minutes: s.Minutes, Note: note,
			RecordedBy: s.RecordedBy, ServiceRecordIDs: s.ServiceRecordIds})
	}
	return out, nil
}

// Crises are a case's crisis interventions, newest first.
func (d *Desk) Crises(ctx context.Context, c *ent.Client, caseID int) ([]*Crisis, error) {
	rows, err := c.CaseCrisis.Query().Where(casecrisis.CaseID(caseID)).
		Order(ent.Desc(casecrisis.FieldOccurredAt), ent.Desc(casecrisis.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	return d.crises(rows)
}

func (d *Desk) crises(rows []*ent.CaseCrisis) ([]*Crisis, error) {
	out := make([]*Crisis, 0, len(rows))
	for _, r := range rows {
		cr, err := d.crisis(r)
		if err != nil {
			return nil, err
		}
		out = append(out, cr)
	}
	return out, nil
}

func (d *Desk) crisis(r *ent.CaseCrisis) (*Crisis, error) {
	desc, err := d.open(r.DescriptionCiphertext, "crisis", "description", r.ID)
	if err != nil {
		return nil, err
	}
	actions, err := d.actions(r)
	if err != nil {
		return nil, err
	}
	resolution, err := d.openPtr(r.ResolutionCiphertext, "crisis", "resolution", r.ID)
	if err != nil {
		return nil, err
	}
	return &Crisis{ID: r.ID, CaseID: r.CaseID, OccurredAt: r.OccurredAt, RiskLevel: r.RiskLevel, Description: desc,
		Actions: actions, ReportedBy: r.ReportedBy, AcknowledgedBy: nonEmpty(r.AcknowledgedBy),
		AcknowledgedAt: r.AcknowledgedAt, ResolvedAt: r.ResolvedAt, ResolvedBy: nonEmpty(r.ResolvedBy), Resolution: resolution}, nil
}

func (d *Desk) actions(r *ent.CaseCrisis) ([]*Action, error) {
	raw, err := d.open(r.ActionsCiphertext, "crisis", "actions", r.ID)
	if err != nil || raw == "" {
		return nil, err
	}
	var out []*Action
	err = json.Unmarshal([]byte(raw), &out)
	return out, err
}

// Volunteers are the volunteers assigned to a case, in assignment order.
func (d *Desk) Volunteers(ctx context.Context, c *ent.Client, caseID int) ([]*Volunteer, error) {
	rows, err := c.CaseVolunteer.Query().Where(casevolunteer.CaseID(caseID)).Order(ent.Asc(casevolunteer.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*Volunteer, 0, len(rows))
	for _, r := range rows {
		out = append(out, &Volunteer{ID: r.ID, PersonID: r.PersonID, Role: r.Role, AssignedOn: r.AssignedOn, EndedOn: r.EndedOn})
	}
	return out, nil
}

// Referrals are a case's referrals, oldest first.
func (d *Desk) Referrals(ctx context.Context, c *ent.Client, caseID int) ([]*Referral, error) {
	rows, err := c.CaseReferral.Query().Where(casereferral.CaseID(caseID)).WithCase().
		Order(ent.Asc(casereferral.FieldReferredOn), ent.Asc(casereferral.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	return d.referrals(ctx, rows)
}

func (d *Desk) referrals(ctx context.Context, rows []*ent.CaseReferral) ([]*Referral, error) {
	out := make([]*Referral, 0, len(rows))
	for _, r := range rows {
		reason, err := d.open(r.ReasonCiphertext, "referral", "reason", r.ID)
		if err != nil {
			return nil, err
		}
		answer, err := d.openPtr(r.AnswerCiphertext, "referral", "answer", r.ID)
		if err != nil {
			return nil, err
		}
		ref := &Referral{ID: r.ID, CaseID: r.CaseID, ToOrganizationID: r.ToOrganizationID, ReferredOn: r.ReferredOn,
			Reason: reason, Status: r.Status, AnsweredOn: r.AnsweredOn, AnsweredBy: nonEmpty(r.AnsweredBy), Answer: answer}
		if cf := r.Edges.Case; cf != nil {
			ref.CaseDisplayName, ref.CaseKind, ref.FromAgencyID = cf.DisplayName, cf.Kind, cf.AgencyID
		}
		out = append(out, ref)
	}
	return out, nil
}

// OpenCrises are the unresolved crises of the cases the caller reads:
// unacknowledged first, then by risk, highest first, then oldest first —
// a supervisor's worklist. Audited with reason.
func (d *Desk) OpenCrises(ctx context.Context, c *ent.Client, reason string) ([]*Crisis, error) {
	_, reason, err := d.readOK(ctx, reason)
	if err != nil {
		return nil, err
	}
	rows, err := c.CaseCrisis.Query().Where(casecrisis.ResolvedAtIsNil()).All(ctx)
	if err != nil {
		return nil, err
	}
	risk := map[casecrisis.RiskLevel]int{casecrisis.RiskLevelIMMINENT: 0, casecrisis.RiskLevelHIGH: 1, casecrisis.RiskLevelMEDIUM: 2, casecrisis.RiskLevelLOW: 3}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if (a.AcknowledgedAt == nil) != (b.AcknowledgedAt == nil) {
			return a.AcknowledgedAt == nil
		}
		if risk[a.RiskLevel] != risk[b.RiskLevel] {
			return risk[a.RiskLevel] < risk[b.RiskLevel]
		}
		if !a.OccurredAt.Equal(b.OccurredAt) {
			return a.OccurredAt.Before(b.OccurredAt)
		}
		return a.ID < b.ID
	})
	if err := record(ctx, c, "openCrises", ent.TypeCaseCrisis, 0, len(rows), reason); err != nil {
		return nil, err
	}
	return d.crises(rows)
}

// IncomingReferrals are the referrals addressed to the caller's
// organisation, newest first; ADMIN sees every referral. Audited with
// reason.
func (d *Desk) IncomingReferrals(ctx context.Context, c *ent.Client, status *casereferral.Status, reason string) ([]*Referral, error) {
	v, reason, err := d.readOK(ctx, reason)
	if err != nil {
		return nil, err
	}
	q := c.CaseReferral.Query().Order(ent.Desc(casereferral.FieldReferredOn), ent.Desc(casereferral.FieldID))
	if !v.Admin() {
		q.Where(casereferral.ToOrganizationID(v.OrganizationID))
	}
	if status != nil {
		q.Where(casereferral.StatusEQ(*status))
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, err
	}
	// The case's display name and kind, read past the case rule: the
	// receiving organisation reads nothing else of it.
	ids := make([]int, len(rows))
	for i, r := range rows {
		ids[i] = r.CaseID
	}
	files, err := c.CaseFile.Query().Where(casefile.IDIn(ids...)).
		Select(casefile.FieldID, casefile.FieldDisplayName, casefile.FieldKind, casefile.FieldAgencyID).
		All(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return nil, err
	}
	byID := make(map[int]*ent.CaseFile, len(files))
	for _, f := range files {
		byID[f.ID] = f
	}
	for _, r := range rows {
		r.Edges.Case = byID[r.CaseID]
	}
	if err := record(ctx, c, "incomingReferrals", ent.TypeCaseReferral, 0, len(rows), reason); err != nil {
		return nil, err
	}
	return d.referrals(ctx, rows)
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
