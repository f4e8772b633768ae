package policy

import (
	"context"
	"errors"
	"time"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/needrating"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/recruitment"
	"github.com/tongxing/tongxing/ent/signup"
	"github.com/tongxing/tongxing/ent/volunteerevent"
)

// The rules of volunteer self-service (docs/volunteers.md). A VOLUNTEER
// credential reads its holder's own rows through the read rules
// (ServiceRecordRows, CertificateRows, SignUpRows, VolunteerEventRows) and
// writes nothing through them: package volunteers makes its writes, and
// the GraphQL layer shows that credential nothing but public fields and
// its own page (graph/access.go).

// Recruitment: recruiting for an activity its organiser's editors run.
// Recruitments are public.
func Recruitment() ent.Policy {
	return privacy.Policy{Mutation: writes(editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
		rm := m.(*ent.RecruitmentMutation)
		if act, ok := rm.ActivityID(); ok {
			if in, err := activityInScope(ctx, rm.Client(), v, act); err != nil || !in {
				return false, err
			}
		}
		if rm.Op().Is(ent.OpCreate) {
			return true, nil
		}
		return everyRow(ctx, rm, func(ctx context.Context, ids []int) (int, error) {
			return rm.Client().Recruitment.Query().Where(recruitment.IDIn(ids...),
				recruitment.HasActivityWith(activity.OrganizationIDIn(v.Scope...))).Count(ctx)
		})
	}))}
}

func activityInScope(ctx context.Context, c *ent.Client, v *auth.Viewer, id int) (bool, error) {
	return c.Activity.Query().Where(activity.ID(id), activity.OrganizationIDIn(v.Scope...)).Exist(allowAll(ctx))
}

// SignUpRows: the rosters of activities organised within the scope; a
// VOLUNTEER credential's own sign-ups.
func SignUpRows(v *auth.Viewer) (predicate.SignUp, error) {
	if v.Volunteer() {
		return signup.PersonID(v.HolderID), nil
	}
	if err := keyed(v); err != nil || v.Admin() {
		return nil, err
	}
	return signup.HasActivityWith(activity.OrganizationIDIn(v.Scope...)), nil
}

// SignUp: the organiser's editors and reviewers read the roster; sign-ups
// are written by the volunteer's own desk (package volunteers) and ADMIN.
func SignUp() ent.Policy {
	return privacy.Policy{
		Mutation: writes(),
		Query: privacy.QueryPolicy{rowsRule(SignUpRows, func(q ent.Query, p predicate.SignUp) {
			q.(*ent.SignUpQuery).Where(p)
		})},
	}
}

// NeedRatingRows: ratings of needs matched to an organisation within the
// scope, read by its editors — those who read the need's case fields
// (HandlesCase); a reviewer reads none, since a resident's words may name
// people.
func NeedRatingRows(v *auth.Viewer) (predicate.NeedRating, error) {
	if err := keyed(v); err != nil || v.Admin() {
		return nil, err
	}
	if v.Role != auth.RoleEditor {
		return nil, auth.ErrForbidden
	}
	return needrating.HasNeedWith(need.MatchedOrganizationIDIn(v.Scope...)), nil
}

// VolunteerEventRows: a VOLUNTEER credential's own outbox; ADMIN reads
// every one; no other key reads any.
func VolunteerEventRows(v *auth.Viewer) (predicate.VolunteerEvent, error) {
	switch {
	case v == nil:
		return nil, auth.ErrUnauthenticated
	case v.Volunteer():
		return volunteerevent.PersonID(v.HolderID), nil
	case v.Admin():
		return nil, nil
	}
	return nil, auth.ErrForbidden
}

// VolunteerEvent: written by package volunteers; read by its volunteer.
func VolunteerEvent() ent.Policy {
	return privacy.Policy{
		Mutation: writes(),
		Query: privacy.QueryPolicy{rowsRule(VolunteerEventRows, func(q ent.Query, p predicate.VolunteerEvent) {
			q.(*ent.VolunteerEventQuery).Where(p)
		})},
	}
}

// NeedRating: the handlers' editors hand out the rating link; the resident
// rates through package volunteers.
func NeedRating() ent.Policy {
	return privacy.Policy{
		Mutation: writes(editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
			rm := m.(*ent.NeedRatingMutation)
			if id, ok := rm.NeedID(); ok {
				if in, err := rm.Client().Need.Query().Where(need.ID(id), need.MatchedOrganizationIDIn(v.Scope...)).Exist(allowAll(ctx)); err != nil || !in {
					return false, err
				}
			}
			if rm.Op().Is(ent.OpCreate) {
				return true, nil
			}
			return everyRow(ctx, rm, func(ctx context.Context, ids []int) (int, error) {
				return rm.Client().NeedRating.Query().Where(needrating.IDIn(ids...),
					needrating.HasNeedWith(need.MatchedOrganizationIDIn(v.Scope...))).Count(ctx)
			})
		})),
		Query: privacy.QueryPolicy{rowsRule(NeedRatingRows, func(q ent.Query, p predicate.NeedRating) {
			q.(*ent.NeedRatingQuery).Where(p)
		})},
	}
}

// MayRecruit: recruiting for, or changing the recruitment of, an activity
// organised within the scope.
func MayRecruit(ctx context.Context, c *ent.Client, activityID int) error {
	return mayWrite(ctx, Recruitment(), c.Recruitment.Create().SetActivityID(activityID).Mutation())
}

// MayActForVolunteer: an EDITOR whose scope the person belongs to now
// issues their credential, records their guardian's consent and imports
// hours they bring from elsewhere. It returns the organisation of that
// membership (for ADMIN: the person's oldest current one, or zero).
func MayActForVolunteer(ctx context.Context, c *ent.Client, personID int) (int, error) {
	v := auth.FromContext(ctx)
	switch {
	case v == nil:
		return 0, auth.ErrUnauthenticated
	case v.Admin():
		org, err := firstOrganization(ctx, c, membership.PersonID(personID), CurrentMembership(time.Now()))
		if err == errNoMembership {
			return 0, nil
		}
		return org, err
	case v.Role != auth.RoleEditor || len(v.Scope) == 0:
		return 0, auth.ErrForbidden
	}
	org, err := firstOrganization(ctx, c, membership.PersonID(personID), membership.OrganizationIDIn(v.Scope...),
		CurrentMembership(time.Now()))
	if err == errNoMembership {
		return 0, auth.ErrForbidden
	}
	return org, err
}

var errNoMembership = errors.New("no such membership")

// firstOrganization is the organisation of the oldest membership that
// matches, of however many.
func firstOrganization(ctx context.Context, c *ent.Client, where ...predicate.Membership) (int, error) {
	orgs, err := c.Membership.Query().Where(where...).Order(ent.Asc(membership.FieldID)).Limit(1).
		Select(membership.FieldOrganizationID).Ints(allowAll(ctx))
	switch {
	case err != nil:
		return 0, err
	case len(orgs) == 0:
		return 0, errNoMembership
	}
	return orgs[0], nil
}

// MayHandOutRating: the need is matched to an organisation within the
// editor's scope (the same rule as its rating's).
func MayHandOutRating(ctx context.Context, c *ent.Client, needID int) error {
	return mayWrite(ctx, NeedRating(), c.NeedRating.Create().SetNeedID(needID).Mutation())
}
