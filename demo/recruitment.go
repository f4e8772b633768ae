package demo

import (
	"slices"
	"time"

	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/signup"
)

// Volunteer recruitment (docs/volunteers.md): activities of the two weeks
// after the day the demo is seeded, open for sign-up, with a few places
// already taken. Unlike everything else in the demo they are dated from
// the seeding day, not ReferenceDate: a mini-program built against the
// demo needs activities it can still sign up for. They start after the
// reference date, so no open-data table counts them.

// RecruitingActivities is how many there are.
const RecruitingActivities = 12

func (s *seeder) seedRecruitment() error {
	r := s.rng("recruitment")
	today := calendar.Date(time.Now())
	for i := range RecruitingActivities {
		day := today.AddDate(0, 0, 2+i)
		a := s.planActivity(r, day)
		a.kind = activity.KindSERVICE
		created, err := s.tx.Activity.Create().SetTitle(a.title).SetKind(a.kind).SetOrganizationID(a.org.id).
			SetRegionID(a.where.id).SetPlace(a.place).SetStartsAt(a.start).SetEndsAt(a.end).
			SetDescription(s.activityDescription(r, a)).
			SetNillableProjectID(projectID(a.p)).Save(s.ctx)
		if err != nil {
			return err
		}
		capacity := between(r, 4, 20)
		rec := s.tx.Recruitment.Create().SetActivityID(created.ID).SetCapacity(capacity).SetWaitlist(between(r, 0, 5)).
			SetOpensAt(a.start.AddDate(0, 0, -14)).SetClosesAt(a.start.Add(-12 * time.Hour)).
			SetCancelUntil(a.start.Add(-24 * time.Hour)).SetNote("请提前10分钟到场，扫码签到。Arrive 10 minutes early and check in by code.")
		skill := ""
		if chance(r, 0.25) {
			skill = "应急救护"
			rec.SetRequiredSkills([]string{skill})
		}
		if chance(r, 0.3) {
			rec.SetMinorsAllowed(true).SetMinAge(14)
		}
		if err := rec.Exec(s.ctx); err != nil {
			return err
		}
		// Some places taken by the town's adult volunteers who qualify.
		var pool []*personRow
		if t := a.where.town; t != nil {
			for _, p := range t.volunteers {
				if p.birth.AddDate(18, 0, 0).Before(a.start) && (skill == "" || slices.Contains(p.skills, skill)) {
					pool = append(pool, p)
				}
			}
		}
		taken := min(between(r, 0, capacity/2), len(pool))
		var bs []*ent.SignUpCreate
		for _, k := range r.Perm(len(pool))[:taken] {
			bs = append(bs, s.tx.SignUp.Create().SetActivityID(created.ID).SetPersonID(pool[k].id).SetStatus(signup.StatusCONFIRMED))
		}
		if _, err := saveAll[ent.SignUp](s.ctx, bs, s.tx.SignUp.CreateBulk); err != nil {
			return err
		}
	}
	return nil
}

func projectID(p *proj) *int {
	if p == nil {
		return nil
	}
	return &p.id
}
