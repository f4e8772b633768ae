// Package servicepoints keeps the register of service points (驻点服务):
// where canteens, disability help, care-and-health stations and Party–mass
// service desks are, who runs them and when they are open. Every write
// asks policy first, then validates its whole input, and writes nothing
// when any field is wrong.
package servicepoints

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/ent/servicepoint"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// CreateInput is the GraphQL CreateServicePointInput.
type CreateInput struct {
	Name           string
	Kind           servicepoint.Kind
	Description    *string
	Address        string
	Latitude       float64
	Longitude      float64
	ContactPhone   *string
	RegionCode     string
	OperatorID     int
	LeadID         *int
	OpenedOn       *time.Time
	ServiceIDs     []int
	TargetGroupIDs []int
	ProjectIDs     []int
}

// UpdateInput is the GraphQL UpdateServicePointInput.
type UpdateInput struct {
	Name           *string
	Kind           *servicepoint.Kind
	Description    *string
	Address        *string
	Latitude       *float64
	Longitude      *float64
	ContactPhone   *string
	RegionCode     *string
	OperatorID     *int
	LeadID         graphql.Omittable[*int]
	OpenedOn       graphql.Omittable[*time.Time]
	ClosedOn       graphql.Omittable[*time.Time]
	ServiceIDs     []int
	TargetGroupIDs []int
	ProjectIDs     []int
}

const (
	maxName        = 200
	maxAddress     = 300
	maxPhone       = 40
	maxDescription = 10000
	maxProjects    = 100
)

// leadKinds are the bodies that lead service points: the report's
// community Party service centres, and Party organisations.
var leadKinds = map[organization.Kind]bool{
	organization.KindPARTY_SERVICE_CENTER: true,
	organization.KindPARTY_ORGANIZATION:   true,
}

// Create validates in and adds the service point.
func Create(ctx context.Context, c *ent.Client, in CreateInput) (*ent.ServicePoint, error) {
	if err := policy.MayCreateServicePoint(ctx, c, in.OperatorID, in.LeadID, in.ProjectIDs); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	name := input.Text(f, "name", in.Name, maxName, true)
	address := input.Text(f, "address", in.Address, maxAddress, true)
	checkCoordinates(f, &in.Latitude, &in.Longitude)
	regionID, err := pointRegion(ctx, c, f, in.RegionCode)
	if err != nil {
		return nil, err
	}
	if err := input.OrganizationExists(ctx, c, f, "operatorId", in.OperatorID); err != nil {
		return nil, err
	}
	if err := checkLead(ctx, c, f, in.LeadID); err != nil {
		return nil, err
	}
	input.Reasonable(f, "openedOn", in.OpenedOn)
	phone := input.OptionalText(f, "contactPhone", in.ContactPhone, maxPhone)
	desc := input.OptionalText(f, "description", in.Description, maxDescription)
	services, targets, projects, err := checkLists(ctx, c, f, in.ServiceIDs, in.TargetGroupIDs, in.ProjectIDs)
	if err != nil {
		return nil, err
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	saved, err := c.ServicePoint.Create().
		SetName(name).
		SetKind(in.Kind).
		SetNillableDescription(desc).
		SetAddress(address).
		SetLatitude(in.Latitude).
		SetLongitude(in.Longitude).
		SetNillableContactPhone(phone).
		SetRegionID(regionID).
		SetOperatorID(in.OperatorID).
		SetNillableLeadID(in.LeadID).
		SetNillableOpenedOn(in.OpenedOn).
		AddServiceIDs(services...).
		AddTargetGroupIDs(targets...).
		AddProjectIDs(projects...).
		Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// Update validates in and applies it to point id.
func Update(ctx context.Context, c *ent.Client, id int, in UpdateInput) (*ent.ServicePoint, error) {
	newLead, leadSet := in.LeadID.ValueOK()
	if err := policy.MayChangeServicePoint(ctx, c, id, in.OperatorID, newLead, leadSet && newLead == nil, in.ProjectIDs); err != nil {
		return nil, err
	}
	p, err := c.ServicePoint.Get(ctx, id)
	if err != nil {
		return nil, input.NotFound(err, "服务点不存在 (no such service point)")
	}
	f := apierror.NewFields("input")
	u := p.Update()
	if in.Name != nil {
		u.SetName(input.Text(f, "name", *in.Name, maxName, true))
	}
	if in.Kind != nil {
		u.SetKind(*in.Kind)
	}
	if v := input.OptionalText(f, "description", in.Description, maxDescription); v != nil {
		u.SetDescription(*v)
	}
	if in.Address != nil {
		u.SetAddress(input.Text(f, "address", *in.Address, maxAddress, true))
	}
	lat, lon := p.Latitude, p.Longitude
	if in.Latitude != nil {
		lat = *in.Latitude
	}
	if in.Longitude != nil {
		lon = *in.Longitude
	}
	checkCoordinates(f, in.Latitude, in.Longitude)
	u.SetLatitude(lat).SetLongitude(lon)
	if v := input.OptionalText(f, "contactPhone", in.ContactPhone, maxPhone); v != nil {
		u.SetContactPhone(*v)
	}
	if in.RegionCode != nil {
		regionID, err := pointRegion(ctx, c, f, *in.RegionCode)
		if err != nil {
			return nil, err
		}
		u.SetRegionID(regionID)
	}
	if in.OperatorID != nil {
		if err := input.OrganizationExists(ctx, c, f, "operatorId", *in.OperatorID); err != nil {
			return nil, err
		}
		u.SetOperatorID(*in.OperatorID)
	}
	if v, set := in.LeadID.ValueOK(); set {
		if err := checkLead(ctx, c, f, v); err != nil {
			return nil, err
		}
		if v == nil {
			u.ClearLead()
		} else {
			u.SetLeadID(*v)
		}
	}
	opened, closed := p.OpenedOn, p.ClosedOn
	if v, set := in.OpenedOn.ValueOK(); set {
		input.Reasonable(f, "openedOn", v)
		opened = v
		if v == nil {
			u.ClearOpenedOn()
		} else {
			u.SetOpenedOn(*v)
		}
	}
	if v, set := in.ClosedOn.ValueOK(); set {
		input.Reasonable(f, "closedOn", v)
		closed = v
		if v == nil {
			u.ClearClosedOn()
		} else {
			u.SetClosedOn(*v)
		}
	}
	input.Order(f, "closedOn", opened, closed)
	services, targets, projects, err := checkLists(ctx, c, f, in.ServiceIDs, in.TargetGroupIDs, in.ProjectIDs)
	if err != nil {
		return nil, err
	}
	if in.ServiceIDs != nil {
		u.ClearServices().AddServiceIDs(services...)
	}
	if in.TargetGroupIDs != nil {
		u.ClearTargetGroups().AddTargetGroupIDs(targets...)
	}
	if in.ProjectIDs != nil {
		u.ClearProjects().AddProjectIDs(projects...)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	saved, err := u.Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// checkCoordinates: WGS-84 degrees. Both zero is refused: it is the usual
// mark of a point whose coordinates were never entered.
func checkCoordinates(f *apierror.Fields, lat, lon *float64) {
	if lat != nil && (*lat < -90 || *lat > 90 || math.IsNaN(*lat)) {
		f.Add("latitude", "纬度应在 −90 到 90 之间 (latitude must be within −90 to 90)")
	}
	if lon != nil && (*lon < -180 || *lon > 180 || math.IsNaN(*lon)) {
		f.Add("longitude", "经度应在 −180 到 180 之间 (longitude must be within −180 to 180)")
	}
	if lat != nil && lon != nil && *lat == 0 && *lon == 0 {
		f.Add("latitude", "坐标 (0, 0) 不是有效位置 (coordinates 0, 0 are not a location)")
	}
}

// pointRegion is the division a point is in: a town or a community, not a
// district or anything above (the open data places each point in a town).
func pointRegion(ctx context.Context, c *ent.Client, f *apierror.Fields, code string) (int, error) {
	id, err := input.RegionID(ctx, c, f, "regionCode", code)
	if err != nil || f.Has("regionCode") {
		return id, err
	}
	ok, err := c.Region.Query().Where(region.ID(id), region.LevelIn(region.LevelTOWN, region.LevelCOMMUNITY)).Exist(ctx)
	if err == nil && !ok {
		f.Add("regionCode", "服务点应位于镇（街道）或村（社区）(a service point lies in a town or a community)")
	}
	return id, err
}

func checkLead(ctx context.Context, c *ent.Client, f *apierror.Fields, id *int) error {
	if id == nil {
		return nil
	}
	lead, err := input.Organization(ctx, c, f, "leadId", *id)
	if err == nil && lead != nil && !leadKinds[lead.Kind] {
		f.Add("leadId", "牵头单位应为党群服务中心或党组织 (must be a PARTY_SERVICE_CENTER or PARTY_ORGANIZATION)")
	}
	return err
}

func checkLists(ctx context.Context, c *ent.Client, f *apierror.Fields, serviceIDs, targetIDs, projectIDs []int) (services, targets, projects []int, err error) {
	if services, err = input.Terms(ctx, c, f, "serviceIds", input.TaxonomyPointService, serviceIDs); err != nil {
		return
	}
	if targets, err = input.Terms(ctx, c, f, "targetGroupIds", input.TaxonomyTargetGroup, targetIDs); err != nil {
		return
	}
	if len(projectIDs) > maxProjects {
		f.Add("projectIds", fmt.Sprintf("最多 %d 个项目 (at most %d projects)", maxProjects, maxProjects))
		return
	}
	found, err := c.Project.Query().Where(project.IDIn(projectIDs...)).IDs(ctx)
	if err != nil {
		return
	}
	known := map[int]bool{}
	for _, id := range found {
		known[id] = true
	}
	for i, id := range projectIDs {
		if !known[id] {
			f.Add(fmt.Sprintf("projectIds.%d", i), "项目不存在 (no such project)")
		} else if !slices.Contains(projects, id) {
			projects = append(projects, id)
		}
	}
	return
}
