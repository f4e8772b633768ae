package policy_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/signup"
	"github.com/tongxing/tongxing/policy"
)

// The rules of volunteer self-service (volunteers.go) on the world of
// fixture_test.go plus:
//
//	recruitments  recA (actA, the agency's)  recO (actO, other's)
//	sign-ups      suA (pA at actA)  suT (pT at actT)  suO (pO at actO)
//	              suN (pN at actA: pN belongs nowhere and has no record)
//	ratings       raA (nA, matched to the agency)  raT (nT, the team)  raO (nO, other)
//	outbox        evA (pA's)  evT (pT's)
type volunteerRows struct {
	recA, recO         int
	suA, suT, suO, suN int
	raA, raT, raO      int
	evA, evT           int
}

func newVolunteerRows(t testing.TB, w *world) *volunteerRows {
	t.Helper()
	ctx, c := sys(), w.c
	v := &volunteerRows{}
	recruit := func(act int) int {
		return mk(c.Recruitment.Create().SetActivityID(act).SetCapacity(5).SetOpensAt(day(-5)).SetClosesAt(day(1)).
			SetCancelUntil(day(1)).Save(ctx)).ID
	}
	v.recA, v.recO = recruit(w.actA), recruit(w.actO)
	sign := func(p, act int) int {
		return mk(c.SignUp.Create().SetPersonID(p).SetActivityID(act).SetStatus(signup.StatusCONFIRMED).Save(ctx)).ID
	}
	v.suA, v.suT, v.suO, v.suN = sign(w.pA, w.actA), sign(w.pT, w.actT), sign(w.pO, w.actO), sign(w.pN, w.actA)
	rate := func(n int, code string) int {
		return mk(c.NeedRating.Create().SetNeedID(n).SetCodeHash(code).SetCodeExpiresAt(day(30)).SetIssuedBy("editor").
			SetScore(4).Save(ctx)).ID
	}
	v.raA, v.raT, v.raO = rate(w.nA, "a"), rate(w.nT, "t"), rate(w.nO, "o")
	event := func(p int) int {
		return mk(c.VolunteerEvent.Create().SetPersonID(p).SetKind("REMINDER").SetMessage("提醒").Save(ctx)).ID
	}
	v.evA, v.evT = event(w.pA), event(w.pT)
	return v
}

var (
	readSignUps = func(ctx context.Context, c *ent.Client) ([]int, error) { return c.SignUp.Query().IDs(ctx) }
	readRatings = func(ctx context.Context, c *ent.Client) ([]int, error) { return c.NeedRating.Query().IDs(ctx) }
	readOutbox  = func(ctx context.Context, c *ent.Client) ([]int, error) { return c.VolunteerEvent.Query().IDs(ctx) }
)

func TestVolunteerReadRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		v := newVolunteerRows(t, w)
		for _, tc := range []readCase{
			// The roster: the organiser's editors and reviewers.
			{"sign-ups: of activities organised in its scope", editorKey, readSignUps, []int{v.suA, v.suT, v.suN}, allowed},
			{"sign-ups: the same for a reviewer", reviewerKey, readSignUps, []int{v.suA, v.suT, v.suN}, allowed},
			{"sign-ups: a team key sees its team's activity's", teamEditorKey, readSignUps, []int{v.suT}, allowed},
			{"sign-ups: ADMIN sees all", adminKey, readSignUps, []int{v.suA, v.suT, v.suO, v.suN}, allowed},
			{"sign-ups: partners read none", partnerKey, readSignUps, nil, forbidden},
			{"sign-ups: a volunteer's credential reads its own", volunteer, readSignUps, []int{v.suA}, allowed},
			{"sign-ups: anonymous callers read none", anonymous, readSignUps, nil, unauthenticated},

			// A signed-up volunteer is on the organiser's roster, so among
			// its people; one signed up elsewhere is not.
			{"people: members, visitors and volunteers signed up for its activities", editorKey, readPeople, []int{w.pA, w.pT, w.pV, w.pN}, allowed},
			{"people: the team key does not see the agency's sign-ups", teamEditorKey, readPeople, []int{w.pT}, allowed},
			{"people: a volunteer's credential reads none (itself included)", volunteer, readPeople, nil, forbidden},
			{"records: a volunteer's credential reads its own, wherever they were served", volunteer, readRecords, []int{w.rA, w.rMixed}, allowed},
			{"memberships: a volunteer's credential reads none", volunteer, readMemberships, nil, forbidden},
			{"certificates: a volunteer's credential reads its own, whoever issued them", volunteer, readCertificates, []int{w.cA1, w.cA2, w.cMixed}, allowed},

			// The outbox: the volunteer's own; ADMIN; nobody else.
			{"outbox: a volunteer reads its own", volunteer, readOutbox, []int{v.evA}, allowed},
			{"outbox: ADMIN reads all", adminKey, readOutbox, []int{v.evA, v.evT}, allowed},
			{"outbox: an editor reads none, its members' included", editorKey, readOutbox, nil, forbidden},
			{"outbox: anonymous callers read none", anonymous, readOutbox, nil, unauthenticated},

			// Residents' ratings: the handlers of the need.
			{"ratings: of needs matched to its scope", editorKey, readRatings, []int{v.raA, v.raT}, allowed},
			{"ratings: not for a reviewer (a resident's words may name people)", reviewerKey, readRatings, nil, forbidden},
			{"ratings: a team key sees its team's", teamEditorKey, readRatings, []int{v.raT}, allowed},
			{"ratings: ADMIN sees all", adminKey, readRatings, []int{v.raA, v.raT, v.raO}, allowed},
			{"ratings: a volunteer's credential reads none", volunteer, readRatings, nil, forbidden},
			{"ratings: anonymous callers read none", anonymous, readRatings, nil, unauthenticated},
		} {
			t.Run(tc.name, func(t *testing.T) {
				ids, err := tc.read(w.as(tc.who), w.c)
				expect(t, err, tc.want)
				if tc.want == allowed {
					sameIDs(t, ids, tc.rows)
				}
			})
		}
	})
}

func TestVolunteerWriteRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		v := newVolunteerRows(t, w)
		recruitFor := func(act int) func(ctx context.Context, c *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				return saved(c.Recruitment.Create().SetActivityID(act).SetCapacity(3).SetOpensAt(day(-1)).SetClosesAt(day(1)).
					SetCancelUntil(day(1)).Save(ctx))
			}
		}
		changeRecruitment := func(id int) func(ctx context.Context, c *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				return c.Recruitment.UpdateOneID(id).SetCapacity(9).Exec(ctx)
			}
		}
		signUp := func(ctx context.Context, c *ent.Client) error {
			return saved(c.SignUp.Create().SetPersonID(w.pV).SetActivityID(w.actA).SetStatus(signup.StatusCONFIRMED).Save(ctx))
		}
		rateLink := func(n int) func(ctx context.Context, c *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				return saved(c.NeedRating.Create().SetNeedID(n).SetCodeHash("new").SetCodeExpiresAt(day(9)).SetIssuedBy("x").Save(ctx))
			}
		}
		renewLink := func(id int) func(ctx context.Context, c *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				return c.NeedRating.UpdateOneID(id).SetCodeHash("renewed").Exec(ctx)
			}
		}
		w.runWrites(t, []writeCase{
			{"recruit for an activity it organises", editorKey, recruitFor(w.actT), allowed},
			{"recruit for another organisation's activity", editorKey, recruitFor(w.actO), forbidden},
			{"a team key recruits for its parent's activity", teamEditorKey, recruitFor(w.actA), forbidden},
			{"a reviewer recruits", reviewerKey, recruitFor(w.actT), forbidden},
			{"a volunteer recruits", volunteer, recruitFor(w.actT), forbidden},
			{"anonymous recruits", anonymous, recruitFor(w.actT), unauthenticated},
			{"ADMIN recruits", adminKey, recruitFor(w.actT), allowed},
			{"change its own recruitment", editorKey, changeRecruitment(v.recA), allowed},
			{"change another organisation's recruitment", editorKey, changeRecruitment(v.recO), forbidden},

			// Sign-ups are written by the volunteer's own desk only.
			{"an editor writes a sign-up", editorKey, signUp, forbidden},
			{"a volunteer writes a sign-up through the rules", volunteer, signUp, forbidden},
			{"ADMIN writes a sign-up", adminKey, signUp, allowed},

			{"hand out the rating code of an unmatched need", editorKey, rateLink(w.nOpen), forbidden},
			{"renew the rating code of a need it handles", editorKey, renewLink(v.raA), allowed},
			{"renew the rating code of another organisation's need", editorKey, renewLink(v.raO), forbidden},
			{"a team key renews its parent's", teamEditorKey, renewLink(v.raA), forbidden},
			{"a reviewer hands out rating codes", reviewerKey, renewLink(v.raA), forbidden},
			{"a volunteer hands out rating codes", volunteer, renewLink(v.raA), forbidden},
		})
		// The pre-checks ask the same rules.
		for _, tc := range []struct {
			name string
			who  who
			err  error
			fn   func(ctx context.Context) error
		}{
			{"MayRecruit: its activity", editorKey, nil, func(ctx context.Context) error { return policy.MayRecruit(ctx, w.c, w.actA) }},
			{"MayRecruit: another's", editorKey, auth.ErrForbidden, func(ctx context.Context) error { return policy.MayRecruit(ctx, w.c, w.actO) }},
			{"MayRecruit: missing", editorKey, auth.ErrForbidden, func(ctx context.Context) error { return policy.MayRecruit(ctx, w.c, w.actO+1_000_000) }},
			{"MayHandOutRating: its need", editorKey, nil, func(ctx context.Context) error { return policy.MayHandOutRating(ctx, w.c, w.nA) }},
			{"MayHandOutRating: another's", editorKey, auth.ErrForbidden, func(ctx context.Context) error { return policy.MayHandOutRating(ctx, w.c, w.nO) }},
			{"MayHandOutRating: unmatched", editorKey, auth.ErrForbidden, func(ctx context.Context) error { return policy.MayHandOutRating(ctx, w.c, w.nOpen) }},
			{"MayHandOutRating: a volunteer", volunteer, auth.ErrForbidden, func(ctx context.Context) error { return policy.MayHandOutRating(ctx, w.c, w.nA) }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if err := tc.fn(w.as(tc.who)); !errors.Is(err, tc.err) || (tc.err == nil && err != nil) {
					t.Fatalf("got %v, want %v", err, tc.err)
				}
			})
		}
	})
}

// TestMayActForVolunteer: an editor acts for the people who belong to its
// scope now, naming the organisation; nobody else, and a former member no
// longer.
func TestMayActForVolunteer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		// Someone of the agency and, joined later, of the team: the oldest
		// membership in the key's scope names the organisation, however
		// many there are.
		both := mk(w.c.Person.Create().SetName("两处").SetVolunteerNumber("B").Save(sys())).ID
		for _, o := range []int{w.agency, w.team} {
			mk(w.c.Membership.Create().SetPersonID(both).SetOrganizationID(o).SetRole("VOLUNTEER").SetJoinedOn(day(0)).Save(sys()))
		}
		left := mk(w.c.Person.Create().SetName("离开者").SetVolunteerNumber("L").Save(sys())).ID
		mk(w.c.Membership.Create().SetPersonID(left).SetOrganizationID(w.agency).SetRole("VOLUNTEER").
			SetJoinedOn(day(0)).SetLeftOn(time.Now().AddDate(0, 0, -1)).Save(sys()))
		for _, tc := range []struct {
			name   string
			who    who
			person int
			org    int
			err    error
		}{
			{"a member of its organisation", editorKey, w.pA, w.agency, nil},
			{"a member of an organisation under it", editorKey, w.pT, w.team, nil},
			{"someone of another organisation", editorKey, w.pO, 0, auth.ErrForbidden},
			{"someone who belongs nowhere", editorKey, w.pN, 0, auth.ErrForbidden},
			{"someone who left", editorKey, left, 0, auth.ErrForbidden},
			{"someone who does not exist", editorKey, w.pN + 1_000_000, 0, auth.ErrForbidden},
			{"a team key for its parent's member", teamEditorKey, w.pA, 0, auth.ErrForbidden},
			{"a reviewer", reviewerKey, w.pA, 0, auth.ErrForbidden},
			{"an editor with an empty scope", scopeless, w.pA, 0, auth.ErrForbidden},
			{"a volunteer, for themselves", volunteer, w.pA, 0, auth.ErrForbidden},
			{"a partner", partnerKey, w.pU, 0, auth.ErrForbidden},
			{"anonymous", anonymous, w.pA, 0, auth.ErrUnauthenticated},
			{"ADMIN: the person's organisation", adminKey, w.pO, w.other, nil},
			{"ADMIN: someone who belongs nowhere", adminKey, w.pN, 0, nil},
			{"someone of two organisations in its scope", editorKey, both, w.agency, nil},
			{"a team key for someone of the team and its parent", teamEditorKey, both, w.team, nil},
			{"ADMIN: someone of two organisations", adminKey, both, w.agency, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				org, err := policy.MayActForVolunteer(w.as(tc.who), w.c, tc.person)
				if !errors.Is(err, tc.err) || (tc.err == nil && err != nil) || org != tc.org {
					t.Fatalf("org %d, err %v; want org %d, err %v", org, err, tc.org, tc.err)
				}
			})
		}
	})
}
