package volunteers

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/recruitment"
	"github.com/tongxing/tongxing/ent/signup"
	"github.com/tongxing/tongxing/ent/volunteerevent"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// Limits of a recruitment's fields.
const (
	maxSkills   = 10
	maxSkillLen = 50
	maxNote     = 500
	adultAge    = 18
)

// RecruitInput is the GraphQL RecruitVolunteersInput.
type RecruitInput struct {
	ActivityID     int
	Capacity       int
	Waitlist       *int
	OpensAt        time.Time
	ClosesAt       time.Time
	CancelUntil    *time.Time
	MinAge         *int
	MinorsAllowed  *bool
	RequiredSkills []string
	Note           *string
}

// Recruit opens an activity for sign-up, or changes its recruitment. The
// organiser's editors do it (policy.MayRecruit), asked first. Places may
// grow (the waiting list moves up) but not fall below the volunteers
// already confirmed: they are told, not dropped.
func (d *Desk) Recruit(ctx context.Context, c *ent.Client, in RecruitInput) (*ent.Recruitment, error) {
	if err := policy.MayRecruit(ctx, c, in.ActivityID); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	f.Check(in.Capacity >= 1 && in.Capacity <= 10000, "capacity", "招募人数须在 1–10000 之间 (capacity must be 1–10000)")
	waitlist := 0
	if in.Waitlist != nil {
		waitlist = *in.Waitlist
	}
	f.Check(waitlist >= 0 && waitlist <= 10000, "waitlist", "候补名额须在 0–10000 之间 (waitlist must be 0–10000)")
	if in.MinAge != nil {
		f.Check(*in.MinAge >= 0 && *in.MinAge <= 100, "minAge", "最低年龄须在 0–100 之间 (minAge must be 0–100)")
	}
	input.Reasonable(f, "opensAt", &in.OpensAt)
	input.Reasonable(f, "closesAt", &in.ClosesAt)
	if !in.ClosesAt.After(in.OpensAt) {
		f.Add("closesAt", "报名截止须晚于报名开始 (closesAt must be after opensAt)")
	}
	skills := make([]string, 0, len(in.RequiredSkills))
	for _, s := range in.RequiredSkills {
		s = strings.TrimSpace(s)
		switch {
		case s == "" || len([]rune(s)) > maxSkillLen:
			f.Add("requiredSkills", "技能名称须为 1–50 个字符 (a skill is 1–50 characters)")
		case !slices.Contains(skills, s):
			skills = append(skills, s)
		}
	}
	f.Check(len(skills) <= maxSkills, "requiredSkills", "所需技能最多 10 项 (at most 10 skills)")
	note := input.OptionalText(f, "note", in.Note, maxNote)
	if err := f.Err(); err != nil {
		return nil, err
	}
	act, err := c.Activity.Get(allow(ctx), in.ActivityID)
	if err != nil {
		return nil, input.NotFound(err, "活动不存在 (no such activity)")
	}
	cancelUntil := act.StartsAt
	if in.CancelUntil != nil {
		cancelUntil = *in.CancelUntil
	}
	if in.ClosesAt.After(act.StartsAt) {
		f.Add("closesAt", "报名须在活动开始前截止 (sign-up must close by the activity's start)")
	}
	if cancelUntil.After(act.StartsAt) {
		f.Add("cancelUntil", "取消截止不能晚于活动开始 (cancelUntil must not be after the activity's start)")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	minors := in.MinorsAllowed != nil && *in.MinorsAllowed
	now := d.now()
	existing, err := c.Recruitment.Query().Where(recruitment.ActivityID(in.ActivityID)).Only(allow(ctx))
	switch {
	case ent.IsNotFound(err):
		r, err := c.Recruitment.Create().SetActivityID(in.ActivityID).SetCapacity(in.Capacity).SetWaitlist(waitlist).
			SetOpensAt(in.OpensAt).SetClosesAt(in.ClosesAt).SetCancelUntil(cancelUntil).SetNillableMinAge(in.MinAge).
			SetMinorsAllowed(minors).SetRequiredSkills(skills).SetNote(deref(note)).
			SetCreatedAt(now).SetUpdatedAt(now).Save(ctx)
		return audit.Acted(ctx, r, err)
	case err != nil:
		return nil, err
	case existing.CancelledAt != nil:
		return nil, apierror.New(apierror.Conflict, "招募已取消 (the recruitment was cancelled)")
	}
	if err := lock(ctx, c, existing.ID, now); err != nil {
		return nil, err
	}
	confirmed, err := c.SignUp.Query().Where(signup.ActivityID(in.ActivityID), signup.StatusEQ(signup.StatusCONFIRMED)).Count(allow(ctx))
	if err != nil {
		return nil, err
	}
	if in.Capacity < confirmed {
		return nil, apierror.Invalid("input.capacity", "招募人数不能少于已录取的人数 (capacity cannot fall below the volunteers already confirmed)")
	}
	r, err := existing.Update().SetCapacity(in.Capacity).SetWaitlist(waitlist).SetOpensAt(in.OpensAt).
		SetClosesAt(in.ClosesAt).SetCancelUntil(cancelUntil).SetNillableMinAge(in.MinAge).
		SetMinorsAllowed(minors).SetRequiredSkills(skills).SetNote(deref(note)).SetUpdatedAt(now).Save(ctx)
	if in.MinAge == nil && err == nil {
		r, err = r.Update().ClearMinAge().Save(ctx)
	}
	if err != nil {
		return nil, err
	}
	if err := d.promote(ctx, c, r, act, now); err != nil {
		return nil, err
	}
	return audit.Acted(ctx, r, nil)
}

// CancelRecruitment cancels the activity for its volunteers: every sign-up
// ends and each volunteer is told.
func (d *Desk) CancelRecruitment(ctx context.Context, c *ent.Client, activityID int, reason string) (*ent.Recruitment, error) {
	if err := policy.MayRecruit(ctx, c, activityID); err != nil {
		return nil, err
	}
	f := apierror.NewFields("")
	reason = input.Text(f, "reason", reason, maxNote, true)
	if err := f.Err(); err != nil {
		return nil, err
	}
	r, err := c.Recruitment.Query().Where(recruitment.ActivityID(activityID)).WithActivity().Only(allow(ctx))
	if err != nil {
		return nil, input.NotFound(err, "该活动没有招募 (the activity is not recruiting)")
	}
	now := d.now()
	switch {
	case r.CancelledAt != nil:
		return nil, apierror.New(apierror.Conflict, "招募已取消 (the recruitment was cancelled already)")
	case !now.Before(r.Edges.Activity.StartsAt):
		// Attendance is on record from the start: it is reviewed, not
		// cancelled.
		return nil, apierror.New(apierror.Conflict, "活动已开始，不能取消 (the activity has started: it can no longer be cancelled)")
	}
	if err := lock(ctx, c, r.ID, now); err != nil {
		return nil, err
	}
	active, err := c.SignUp.Query().Where(signup.ActivityID(activityID),
		signup.StatusIn(signup.StatusCONFIRMED, signup.StatusWAITLISTED)).All(allow(ctx))
	if err != nil {
		return nil, err
	}
	if err := c.SignUp.Update().Where(signup.ActivityID(activityID), signup.StatusIn(signup.StatusCONFIRMED, signup.StatusWAITLISTED)).
		SetStatus(signup.StatusCANCELLED).SetCancelledAt(now).SetUpdatedAt(now).Exec(allow(ctx)); err != nil {
		return nil, err
	}
	act := r.Edges.Activity
	evs := make([]event, 0, len(active))
	for _, s := range active {
		evs = append(evs, event{person: s.PersonID, kind: volunteerevent.KindACTIVITY_CANCELLED, activity: act,
			message: "活动" + titled(act) + "已取消：" + reason + " (the activity was cancelled)"})
	}
	if err := d.emit(ctx, c, evs...); err != nil {
		return nil, err
	}
	saved, err := r.Update().SetCancelledAt(now).SetUpdatedAt(now).Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// lock serialises the sign-ups of one recruitment: an UPDATE of its row
// takes the row lock on PostgreSQL and the write lock on SQLite, so two
// volunteers taking the last place at once are counted one after the
// other.
func lock(ctx context.Context, c *ent.Client, recruitmentID int, now time.Time) error {
	return c.Recruitment.UpdateOneID(recruitmentID).SetUpdatedAt(now).Exec(allow(ctx))
}

// promote gives free places to the longest-waiting volunteers.
func (d *Desk) promote(ctx context.Context, c *ent.Client, r *ent.Recruitment, act *ent.Activity, now time.Time) error {
	confirmed, err := c.SignUp.Query().Where(signup.ActivityID(r.ActivityID), signup.StatusEQ(signup.StatusCONFIRMED)).Count(allow(ctx))
	if err != nil || confirmed >= r.Capacity {
		return err
	}
	waiting, err := c.SignUp.Query().Where(signup.ActivityID(r.ActivityID), signup.StatusEQ(signup.StatusWAITLISTED)).
		Order(ent.Asc(signup.FieldCreatedAt), ent.Asc(signup.FieldID)).Limit(r.Capacity - confirmed).All(allow(ctx))
	if err != nil {
		return err
	}
	for _, s := range waiting {
		if err := s.Update().SetStatus(signup.StatusCONFIRMED).SetPromotedAt(now).SetUpdatedAt(now).Exec(allow(ctx)); err != nil {
			return err
		}
		if err := d.emit(ctx, c, event{person: s.PersonID, kind: volunteerevent.KindWAITLIST_PROMOTED, activity: act,
			message: "候补转正：您已获得活动" + titled(act) + "的名额 (a place came free: you are confirmed)"}); err != nil {
			return err
		}
	}
	return nil
}

// SignUp puts the caller on the activity's list: a place while there is
// one, else the waiting list while it has room. The refusals name the
// caller's own data (age, skills, consent), which they may read.
func (d *Desk) SignUp(ctx context.Context, c *ent.Client, activityID int) (*ent.SignUp, error) {
	pid, err := holder(ctx)
	if err != nil {
		return nil, err
	}
	r, err := c.Recruitment.Query().Where(recruitment.ActivityID(activityID)).WithActivity().Only(allow(ctx))
	if err != nil {
		return nil, input.NotFound(err, "该活动不接受报名 (the activity takes no sign-ups)")
	}
	act := r.Edges.Activity
	now := d.now()
	switch {
	case r.CancelledAt != nil:
		return nil, apierror.Invalid("activityId", "活动已取消 (the activity was cancelled)")
	case now.Before(r.OpensAt):
		return nil, apierror.Invalid("activityId", "报名尚未开始 (sign-up has not opened yet)")
	case !now.Before(r.ClosesAt) || !now.Before(act.StartsAt):
		return nil, apierror.Invalid("activityId", "报名已截止 (sign-up has closed)")
	}
	p, err := c.Person.Query().Where(person.ID(pid)).Only(allow(ctx))
	if err != nil {
		return nil, err
	}
	consent, err := eligible(r, act, p)
	if err != nil {
		return nil, err
	}
	if err := lock(ctx, c, r.ID, now); err != nil {
		return nil, err
	}
	prior, err := c.SignUp.Query().Where(signup.ActivityID(activityID), signup.PersonID(pid)).Only(allow(ctx))
	if err != nil && !ent.IsNotFound(err) {
		return nil, err
	}
	if prior != nil && prior.Status != signup.StatusCANCELLED {
		return nil, apierror.New(apierror.Conflict, "您已报名该活动 (you have signed up already)")
	}
	confirmed, err := c.SignUp.Query().Where(signup.ActivityID(activityID), signup.StatusEQ(signup.StatusCONFIRMED)).Count(allow(ctx))
	if err != nil {
		return nil, err
	}
	status, kind, msg := signup.StatusCONFIRMED, volunteerevent.KindSIGN_UP_CONFIRMED, "报名成功：活动"+titled(act)+" (sign-up confirmed)"
	if confirmed >= r.Capacity {
		waiting, err := c.SignUp.Query().Where(signup.ActivityID(activityID), signup.StatusEQ(signup.StatusWAITLISTED)).Count(allow(ctx))
		if err != nil {
			return nil, err
		}
		if waiting >= r.Waitlist {
			return nil, apierror.New(apierror.Conflict, "名额已满 (the activity is full)")
		}
		status, kind, msg = signup.StatusWAITLISTED, volunteerevent.KindWAITLISTED, "已进入候补：活动"+titled(act)+" (you are on the waiting list)"
	}
	var saved *ent.SignUp
	if prior != nil {
		// Signing up again after cancelling joins the end of the queue.
		err = c.SignUp.DeleteOneID(prior.ID).Exec(allow(ctx))
		if err != nil {
			return nil, err
		}
	}
	saved, err = c.SignUp.Create().SetActivityID(activityID).SetPersonID(pid).SetStatus(status).
		SetGuardianConsent(consent).SetCreatedAt(now).SetUpdatedAt(now).Save(allow(ctx))
	if err != nil {
		return nil, err
	}
	if err := d.emit(ctx, c, event{person: pid, kind: kind, activity: act, message: msg}); err != nil {
		return nil, err
	}
	return audit.Acted(ctx, saved, nil)
}

// eligible applies the recruitment's rules to the volunteer. It reports
// whether a guardian's consent was needed and on record.
func eligible(r *ent.Recruitment, act *ent.Activity, p *ent.Person) (bool, error) {
	f := apierror.NewFields("")
	consent := false
	needAge := r.MinAge != nil || !r.MinorsAllowed
	if needAge && p.BirthDate == nil {
		f.Add("activityId", "您的出生日期未登记，请联系所在组织 (your birth date is not on record: ask your organisation)")
	}
	if p.BirthDate != nil {
		age := ageOn(*p.BirthDate, calendar.Date(act.StartsAt))
		if r.MinAge != nil && age < *r.MinAge {
			f.Add("activityId", "未达到最低年龄要求 (you are below the minimum age)")
		}
		if age < adultAge {
			switch {
			case !r.MinorsAllowed:
				f.Add("activityId", "该活动不招募未成年人 (the activity takes no volunteers under 18)")
			case !p.GuardianConsent:
				f.Add("activityId", "未成年人须有监护人同意书在案 (under 18: a guardian's consent must be on record)")
			default:
				consent = true
			}
		}
	}
	var missing []string
	for _, s := range r.RequiredSkills {
		if !slices.Contains(p.Skills, s) {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		f.Add("activityId", "缺少所需技能或证书："+strings.Join(missing, "、")+" (missing required skills)")
	}
	if err := f.Err(); err != nil {
		return false, err
	}
	return consent, nil
}

// ageOn is the age in whole years on day (both midnight UTC dates).
func ageOn(birth, day time.Time) int {
	age := day.Year() - birth.Year()
	if day.Month() < birth.Month() || (day.Month() == birth.Month() && day.Day() < birth.Day()) {
		age--
	}
	return age
}

// CancelSignUp takes the caller off the activity's list until the
// cancellation deadline; the first on the waiting list gets the place.
func (d *Desk) CancelSignUp(ctx context.Context, c *ent.Client, activityID int) (*ent.SignUp, error) {
	pid, err := holder(ctx)
	if err != nil {
		return nil, err
	}
	s, err := c.SignUp.Query().Where(signup.ActivityID(activityID), signup.PersonID(pid),
		signup.StatusIn(signup.StatusCONFIRMED, signup.StatusWAITLISTED)).Only(allow(ctx))
	if err != nil {
		return nil, input.NotFound(err, "您未报名该活动 (you are not signed up)")
	}
	r, err := c.Recruitment.Query().Where(recruitment.ActivityID(activityID)).WithActivity().Only(allow(ctx))
	if err != nil {
		return nil, err
	}
	now := d.now()
	switch {
	case s.CheckedInAt != nil:
		return nil, apierror.New(apierror.Conflict, "已签到，不能取消 (you have checked in)")
	case now.After(r.CancelUntil):
		return nil, apierror.New(apierror.Conflict, "已过取消截止时间，请联系组织方 (past the cancellation deadline: tell the organiser)")
	}
	if err := lock(ctx, c, r.ID, now); err != nil {
		return nil, err
	}
	saved, err := s.Update().SetStatus(signup.StatusCANCELLED).SetCancelledAt(now).SetUpdatedAt(now).Save(allow(ctx))
	if err != nil {
		return nil, err
	}
	act := r.Edges.Activity
	if err := d.emit(ctx, c, event{person: pid, kind: volunteerevent.KindSIGN_UP_CANCELLED, activity: act,
		message: "已取消报名：活动" + titled(act) + " (sign-up cancelled)"}); err != nil {
		return nil, err
	}
	if err := d.promote(ctx, c, r, act, now); err != nil {
		return nil, err
	}
	return audit.Acted(ctx, saved, nil)
}

// activityChanged tells the volunteers on an activity's list that its
// time or place changed (the hook in track.go).
func (d *Desk) activityChanged(ctx context.Context, c *ent.Client, ids []int) error {
	acts, err := c.Activity.Query().Where(activity.IDIn(ids...), activity.HasSignUpsWith(
		signup.StatusIn(signup.StatusCONFIRMED, signup.StatusWAITLISTED))).
		WithSignUps(func(q *ent.SignUpQuery) { q.Where(signup.StatusIn(signup.StatusCONFIRMED, signup.StatusWAITLISTED)) }).
		All(allow(ctx))
	if err != nil {
		return err
	}
	var evs []event
	for _, a := range acts {
		for _, s := range a.Edges.SignUps {
			evs = append(evs, event{person: s.PersonID, kind: volunteerevent.KindACTIVITY_CHANGED, activity: a,
				message: "活动" + titled(a) + "有变更，地点：" + a.Place + " (the activity changed: check its time and place)"})
		}
	}
	return d.emit(ctx, c, evs...)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
