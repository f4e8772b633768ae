package casework

import (
	"context"
	"strings"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/casesession"
	"github.com/tongxing/tongxing/ent/casevolunteer"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/hours"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// VolunteerTimeInput is one volunteer's time at a session.
type VolunteerTimeInput struct {
	PersonID int
	Minutes  int
}

// SessionInput is the GraphQL RecordCaseSessionInput.
type SessionInput struct {
	CaseID  int
	HeldOn  time.Time
	Kind    casesession.Kind
	Minutes int
	Note    *string
	// Volunteers who took part, each assigned to the case; their time is
	// logged as ordinary PENDING service records at ActivityID, an activity
	// of the agency, for its reviewer (谁组织谁记录、谁记录谁证明). The
	// records carry no trace of the case: their content is VolunteerContent
	// or, by default, the activity's title — what the volunteers' other
	// records at that activity say — never a fixed text that would pick
	// case-work records out of the rest with a filter.
	Volunteers       []*VolunteerTimeInput
	ActivityID       *int
	VolunteerContent *string
}

// RecordSession records a session and, for the volunteers who took part,
// their service records.
func (d *Desk) RecordSession(ctx context.Context, c *ent.Client, in SessionInput) (*Session, error) {
	if _, err := d.authorize(ctx); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	if err := casesession.KindValidator(in.Kind); err != nil {
		f.Add("kind", "未知的服务方式 (unknown session kind)")
	}
	f.Check(in.Minutes >= 1 && in.Minutes <= 1440, "minutes", "时长应为 1–1440 分钟 (minutes must be between 1 and 1440)")
	held := today(in.HeldOn)
	f.Check(!held.After(today(d.now())), "heldOn", "服务日期不能在未来 (heldOn must not be in the future)")
	input.Reasonable(f, "heldOn", &held)
	note := input.OptionalText(f, "note", in.Note, maxNarrative)
	f.Check(len(in.Volunteers) == 0 || in.ActivityID != nil, "activityId",
		"有志愿者参与时须指明记录时长的活动 (give the activity the volunteers' hours are logged at)")
	f.Check(len(in.Volunteers) <= 50, "volunteers", "最多 50 名志愿者 (at most 50 volunteers)")
	if err := f.Err(); err != nil {
		return nil, err
	}
	cf, err := loadOpen(ctx, c, in.CaseID)
	if err != nil {
		return nil, err
	}
	if held.Before(cf.OpenedOn) {
		return nil, apierror.Invalid("input.heldOn", "服务日期不能早于开案日期 (heldOn must not be before the case opened)")
	}
	var recordIDs []int
	if len(in.Volunteers) > 0 {
		people := make([]int, len(in.Volunteers))
		for i, vt := range in.Volunteers {
			people[i] = vt.PersonID
		}
		assigned, err := c.CaseVolunteer.Query().Where(casevolunteer.CaseID(cf.ID), casevolunteer.PersonIDIn(people...),
			casevolunteer.AssignedOnLTE(held), casevolunteer.Or(casevolunteer.EndedOnIsNil(), casevolunteer.EndedOnGTE(held))).
			Select(casevolunteer.FieldPersonID).Ints(ctx)
		if err != nil {
			return nil, err
		}
		on := map[int]bool{}
		for _, id := range assigned {
			on[id] = true
		}
		for i, id := range people {
			f.Check(on[id], "volunteers."+itoa(i)+".personId", "该志愿者当日未参与本个案 (the volunteer was not assigned to the case that day)")
		}
		if err := f.Err(); err != nil {
			return nil, err
		}
		content := in.VolunteerContent
		if content == nil || strings.TrimSpace(*content) == "" {
			// The activity is a public register; hours.Log below checks
			// that the key may record at it before anything is written.
			act, err := c.Activity.Get(ctx, *in.ActivityID)
			if err != nil && !ent.IsNotFound(err) {
				return nil, err
			}
			if act != nil {
				content = &act.Title
			}
		}
		entries := make([]*hours.EntryInput, len(in.Volunteers))
		for i, vt := range in.Volunteers {
			entries[i] = &hours.EntryInput{PersonID: vt.PersonID, ServedOn: held, Minutes: vt.Minutes, Content: content}
		}
		res, err := hours.Log(ctx, c, hours.LogInput{ActivityID: *in.ActivityID, Records: entries}, d.now())
		if err != nil {
			return nil, asVolunteerErrors(err)
		}
		recordIDs = res.IDs
	}
	create := c.CaseSession.Create().SetCaseID(cf.ID).SetHeldOn(held).SetKind(in.Kind).SetMinutes(in.Minutes).
		SetRecordedBy(recorder(ctx)).SetServiceRecordIds(recordIDs)
	s, err := create.Save(ctx)
	if err != nil {
		return nil, err
	}
	if note != nil && *note != "" {
		ct, err := d.seal(*note, "session", "note", s.ID)
		if err != nil {
			return nil, err
		}
		if s, err = s.Update().SetNoteCiphertext(ct).Save(ctx); err != nil {
			return nil, err
		}
	}
	audit.Note(ctx, audit.EntityEvent(s))
	out, err := d.Sessions(ctx, c, cf.ID)
	if err != nil {
		return nil, err
	}
	for _, x := range out {
		if x.ID == s.ID {
			return x, nil
		}
	}
	return nil, ErrNoCase
}

// asVolunteerErrors names the hours package's record fields after this
// input's volunteers, which are in the same order.
func asVolunteerErrors(err error) error {
	list, ok := apierror.As(err)
	if !ok {
		return err
	}
	out := make(apierror.List, len(list))
	for i, e := range list {
		c := *e
		if strings.HasPrefix(c.Field, "input.records.") && strings.HasSuffix(c.Field, ".servedOn") {
			c.Field = "input.heldOn" // the session's date is every record's
		} else {
			c.Field = strings.Replace(c.Field, "input.records.", "input.volunteers.", 1)
		}
		out[i] = &c
	}
	if len(out) == 1 {
		return out[0]
	}
	return out
}

func recorder(ctx context.Context) string {
	name, _ := auth.Actor(ctx)
	return name
}

// AssignInput is the GraphQL AssignCaseVolunteerInput.
type AssignInput struct {
	CaseID     int
	PersonID   int
	Role       casevolunteer.Role
	AssignedOn *time.Time
}

// AssignVolunteer brings a volunteer into a case: a current member of the
// agency or of an organisation within the key's scope.
func (d *Desk) AssignVolunteer(ctx context.Context, c *ent.Client, in AssignInput) (*Volunteer, error) {
	v, err := d.authorize(ctx)
	if err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	if err := casevolunteer.RoleValidator(in.Role); err != nil {
		f.Add("role", "未知的志愿者角色 (unknown volunteer role)")
	}
	on := today(d.now())
	if in.AssignedOn != nil {
		input.Reasonable(f, "assignedOn", in.AssignedOn)
		on = today(*in.AssignedOn)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	cf, err := loadOpen(ctx, c, in.CaseID)
	if err != nil {
		return nil, err
	}
	orgs := []int{*cf.AgencyID}
	if !v.Admin() {
		orgs = v.Scope
	}
	member, err := c.Membership.Query().Where(membership.PersonID(in.PersonID), membership.OrganizationIDIn(orgs...),
		policy.CurrentMembership(d.now())).Exist(ctx)
	if err != nil {
		return nil, err
	}
	if !member {
		return nil, apierror.Invalid("input.personId", "志愿者须为本机构（或下属组织）在册人员 (the volunteer must be a current member of the agency or an organisation under it)")
	}
	dup, err := c.CaseVolunteer.Query().Where(casevolunteer.CaseID(cf.ID), casevolunteer.PersonID(in.PersonID),
		casevolunteer.RoleEQ(in.Role), casevolunteer.EndedOnIsNil()).Exist(ctx)
	if err != nil {
		return nil, err
	}
	if dup {
		return nil, apierror.New(apierror.Conflict, "该志愿者已以此角色参与本个案 (the volunteer is already on the case in this role)")
	}
	row, err := c.CaseVolunteer.Create().SetCaseID(cf.ID).SetPersonID(in.PersonID).SetRole(in.Role).SetAssignedOn(on).Save(ctx)
	if err != nil {
		return nil, err
	}
	audit.Note(ctx, audit.EntityEvent(row))
	return &Volunteer{ID: row.ID, PersonID: row.PersonID, Role: row.Role, AssignedOn: row.AssignedOn}, nil
}

// EndVolunteer ends a volunteer's assignment.
func (d *Desk) EndVolunteer(ctx context.Context, c *ent.Client, id int, endedOn *time.Time) (*Volunteer, error) {
	if _, err := d.authorize(ctx); err != nil {
		return nil, err
	}
	row, err := c.CaseVolunteer.Query().Where(casevolunteer.ID(id)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrNoCase
	}
	if err != nil {
		return nil, err
	}
	if row.EndedOn != nil {
		return nil, apierror.New(apierror.Conflict, "该志愿者已结束参与 (the assignment has ended already)")
	}
	end := today(d.now())
	if endedOn != nil {
		end = today(*endedOn)
	}
	if end.Before(row.AssignedOn) {
		return nil, apierror.Invalid("endedOn", "结束不能早于开始 (end must not be before start)")
	}
	row, err = row.Update().SetEndedOn(end).Save(ctx)
	if err != nil {
		return nil, err
	}
	audit.Note(ctx, audit.EntityEvent(row))
	return &Volunteer{ID: row.ID, PersonID: row.PersonID, Role: row.Role, AssignedOn: row.AssignedOn, EndedOn: row.EndedOn}, nil
}
