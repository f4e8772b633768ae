package policy

import (
	"context"
	"time"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/predicate"
)

// SeesPersonalData reports whether v may read a person's personal data
// (name, ID number, birth date, full phone): ADMIN, or an EDITOR of an
// organisation within its scope that the person belongs to now — someone
// who left keeps their records there, but not their personal data. The API's
// PERSONAL field level and the printable certificate both ask here.
func SeesPersonalData(ctx context.Context, c *ent.Client, v *auth.Viewer, personID int) (bool, error) {
	if v.Admin() {
		return true, nil
	}
	if v.Role != auth.RoleEditor || len(v.Scope) == 0 {
		return false, nil
	}
	// Loaded once per request: a page of people asks for each of them.
	members, err := v.Memo("members-in-scope", func() (any, error) {
		ids, err := c.Membership.Query().
			Where(membership.OrganizationIDIn(v.Scope...), CurrentMembership(time.Now())).
			Select(membership.FieldPersonID).
			Ints(allowAll(ctx))
		set := make(map[int]bool, len(ids))
		for _, id := range ids {
			set[id] = true
		}
		return set, err
	})
	if err != nil {
		return false, err
	}
	return members.(map[int]bool)[personID], nil
}

// HandlesCase reports whether v may read a need's case details: ADMIN, or
// an EDITOR whose scope holds the organisation the need is matched to. The
// matched organisation is looked up, not read off a loaded need: queries
// select only the columns a request asks for.
func HandlesCase(ctx context.Context, c *ent.Client, v *auth.Viewer, needID int) (bool, error) {
	if v.Admin() {
		return true, nil
	}
	if v.Role != auth.RoleEditor || len(v.Scope) == 0 {
		return false, nil
	}
	return c.Need.Query().Where(need.ID(needID), need.MatchedOrganizationIDIn(v.Scope...)).Exist(allowAll(ctx))
}

// CurrentMembership holds memberships not ended by the date of now in the
// district: a member's personal data is read by the editors of the
// organisations they belong to, and only while they belong.
func CurrentMembership(now time.Time) predicate.Membership {
	return membership.Or(membership.LeftOnIsNil(), membership.LeftOnGT(calendar.Date(now)))
}

// PersonalDataReaders returns those of people (in their order) whose
// personal data v reads now, as SeesPersonalData decides, but looked up
// afresh on c: a mutation asks about rows it may have written a moment
// before in the same transaction, which a per-request memo would miss.
func PersonalDataReaders(ctx context.Context, c *ent.Client, v *auth.Viewer, now time.Time, people ...int) ([]int, error) {
	if v.Admin() {
		return people, nil
	}
	if v == nil || v.Role != auth.RoleEditor || len(v.Scope) == 0 {
		return nil, nil
	}
	// With no people the statement still runs (and matches nothing): a
	// caller timing registrations must not tell a new ID number from one on
	// record by a skipped query.
	members, err := c.Membership.Query().
		Where(membership.PersonIDIn(people...), membership.OrganizationIDIn(v.Scope...), CurrentMembership(now)).
		Select(membership.FieldPersonID).Ints(allowAll(ctx))
	if err != nil {
		return nil, err
	}
	in := map[int]bool{}
	for _, id := range members {
		in[id] = true
	}
	var out []int
	for _, id := range people {
		if in[id] {
			out = append(out, id)
		}
	}
	return out, nil
}
