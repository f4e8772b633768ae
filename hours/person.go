package hours

import (
	"context"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/servicerecord"
)

// VerifiedMinutes is the sum of a person's VERIFIED service time: rejected,
// pending and superseded records do not count.
func VerifiedMinutes(ctx context.Context, c *ent.Client, personID int) (int, error) {
	return sumMinutes(ctx, c.ServiceRecord.Query().Where(
		servicerecord.PersonID(personID), servicerecord.StatusEQ(servicerecord.StatusVERIFIED)))
}

func sumMinutes(ctx context.Context, q *ent.ServiceRecordQuery) (int, error) {
	var rows []struct {
		Sum *int `json:"sum"`
	}
	if err := q.Aggregate(ent.Sum(servicerecord.FieldMinutes)).Scan(ctx, &rows); err != nil {
		return 0, err
	}
	if len(rows) == 0 || rows[0].Sum == nil {
		return 0, nil
	}
	return *rows[0].Sum, nil
}

// HomeRegion is the division code of the organisation a person joined
// first (and has not left): where their star scale is set. Empty when
// they belong to none.
func HomeRegion(ctx context.Context, c *ent.Client, personID int) (string, error) {
	m, err := c.Membership.Query().
		Where(membership.PersonID(personID), membership.LeftOnIsNil()).
		Order(ent.Asc(membership.FieldJoinedOn), ent.Asc(membership.FieldID)).
		WithOrganization(func(q *ent.OrganizationQuery) { q.WithRegion() }).
		First(privacy.DecisionContext(ctx, privacy.Allow))
	if ent.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return m.Edges.Organization.Edges.Region.Code, nil
}
