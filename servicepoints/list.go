package servicepoints

import (
	"context"
	"time"

	"entgo.io/contrib/entgql"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/ent/servicepoint"
	"github.com/tongxing/tongxing/ent/servicepointexception"
	"github.com/tongxing/tongxing/ent/servicepointhours"
	"github.com/tongxing/tongxing/input"
)

// Page is a connection's paging, ordering and where arguments.
type Page struct {
	After, Before *entgql.Cursor[int]
	First, Last   *int
	OrderBy       []*ent.ServicePointOrder
	Where         *ent.ServicePointWhereInput
}

// List is the servicePoints connection: the points in division within and
// those below it (codes nest by prefix), open at openAt, as p pages them.
func List(ctx context.Context, c *ent.Client, p Page, within *string, openAt *time.Time) (*ent.ServicePointConnection, error) {
	q := c.ServicePoint.Query()
	if within != nil {
		f := apierror.NewFields("")
		if _, err := input.RegionID(ctx, c, f, "within", *within); err != nil {
			return nil, err
		}
		if err := f.Err(); err != nil {
			return nil, err
		}
		q.Where(servicepoint.HasRegionWith(region.CodeHasPrefix(*within)))
	}
	if openAt != nil {
		q.Where(OpenAt(*openAt))
	}
	return q.Paginate(ctx, p.After, p.First, p.Before, p.Last,
		ent.WithServicePointOrder(p.OrderBy), ent.WithServicePointFilter(p.Where.Filter))
}

// OpeningHours is point p's weekly hours and its exceptions from today on,
// in OpenStreetMap syntax (OSM).
func OpeningHours(ctx context.Context, c *ent.Client, p *ent.ServicePoint) (string, error) {
	hours, err := c.ServicePointHours.Query().Where(servicepointhours.ServicePointID(p.ID)).All(ctx)
	if err != nil {
		return "", err
	}
	exceptions, err := c.ServicePointException.Query().
		Where(servicepointexception.ServicePointID(p.ID), servicepointexception.DateGTE(calendar.Date(time.Now()))).All(ctx)
	if err != nil {
		return "", err
	}
	return OSM(hours, exceptions), nil
}
