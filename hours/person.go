package hours

import (
	"context"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/hoursbypersonmonth"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/privacy"
)

// VerifiedMinutes is the sum of a person's VERIFIED service time: rejected,
// pending and superseded records do not count.
func VerifiedMinutes(ctx context.Context, c *ent.Client, personID int) (int, error) {
	m, err := VerifiedMinutesOf(ctx, c, []int{personID})
	return m[personID], err
}

// VerifiedMinutesOf is VerifiedMinutes of many people in one statement, for
// a page of them; people without verified time are absent (zero). It sums
// the people's monthly roll-ups (package rollups), which the caller reads
// as it would the records: an editor counts the time at activities its
// organisations organised (policy.HoursByPersonMonthRows).
func VerifiedMinutesOf(ctx context.Context, c *ent.Client, personIDs []int) (map[int]int, error) {
	var rows []struct {
		PersonID int `json:"person_id"`
		Sum      int `json:"sum"`
	}
	err := c.HoursByPersonMonth.Query().
		Where(hoursbypersonmonth.PersonIDIn(personIDs...)).
		GroupBy(hoursbypersonmonth.FieldPersonID).Aggregate(ent.Sum(hoursbypersonmonth.FieldMinutes)).Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	out := make(map[int]int, len(rows))
	for _, r := range rows {
		out[r.PersonID] = r.Sum
	}
	return out, nil
}

// HomeRegion is the division code of the organisation a person joined
// first (and has not left): where their star scale is set. Empty when
// they belong to none.
func HomeRegion(ctx context.Context, c *ent.Client, personID int) (string, error) {
	h, err := HomeRegions(ctx, c, []int{personID})
	return h[personID], err
}

// HomeRegions is HomeRegion of many people in one statement (and one for
// the organisations and their regions); people in no organisation are
// absent.
func HomeRegions(ctx context.Context, c *ent.Client, personIDs []int) (map[int]string, error) {
	ms, err := c.Membership.Query().
		Where(membership.PersonIDIn(personIDs...), membership.LeftOnIsNil()).
		Order(ent.Asc(membership.FieldJoinedOn), ent.Asc(membership.FieldID)).
		WithOrganization(func(q *ent.OrganizationQuery) { q.WithRegion() }).
		All(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return nil, err
	}
	out := make(map[int]string, len(personIDs))
	for _, m := range ms {
		if _, first := out[m.PersonID]; !first {
			out[m.PersonID] = m.Edges.Organization.Edges.Region.Code
		}
	}
	return out, nil
}
