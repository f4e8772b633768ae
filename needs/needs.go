// Package needs records resident needs (群众需求) and moves them through
// matching and resolution.
package needs

import (
	"context"
	"fmt"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// CreateInput is the GraphQL CreateNeedInput.
type CreateInput struct {
	Title       string
	Description *string
	DomainID    int
	RegionCode  string
	Urgency     *need.Urgency
	Contact     *string
	OpenedAt    *time.Time
}

// UpdateInput is the GraphQL UpdateNeedInput.
type UpdateInput struct {
	Title                 *string
	Description           *string
	DomainID              *int
	RegionCode            *string
	Urgency               *need.Urgency
	Status                *need.Status
	MatchedOrganizationID graphql.Omittable[*int]
	MatchedProjectID      graphql.Omittable[*int]
	ResolutionNote        *string
}

const (
	maxTitle   = 200
	maxText    = 10000
	maxContact = 200
)

// transitions lists where each status may go.
var transitions = map[need.Status][]need.Status{
	need.StatusOPEN:     {need.StatusMATCHED, need.StatusCLOSED},
	need.StatusMATCHED:  {need.StatusOPEN, need.StatusRESOLVED, need.StatusCLOSED},
	need.StatusRESOLVED: {need.StatusCLOSED},
	need.StatusCLOSED:   {},
}

// CanMove reports whether a need may go from one status to another.
func CanMove(from, to need.Status) bool {
	if from == to {
		return true
	}
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Create validates in and records the need as OPEN.
func Create(ctx context.Context, c *ent.Client, in CreateInput, now time.Time) (*ent.Need, error) {
	if err := policy.MayCreateNeed(ctx, c); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	title := input.Text(f, "title", in.Title, maxTitle, true)
	desc := input.OptionalText(f, "description", in.Description, maxText)
	contact := input.OptionalText(f, "contact", in.Contact, maxContact)
	if _, err := input.Terms(ctx, c, f, "domainId", input.TaxonomyServiceDomain, []int{in.DomainID}); err != nil {
		return nil, err
	}
	regionID, err := input.RegionID(ctx, c, f, "regionCode", in.RegionCode)
	if err != nil {
		return nil, err
	}
	opened := now
	if in.OpenedAt != nil {
		opened = *in.OpenedAt
		input.Reasonable(f, "openedAt", &opened)
		f.Check(!opened.After(now.Add(time.Minute)), "openedAt", "提出时间不能晚于现在 (openedAt must not be in the future)")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	saved, err := c.Need.Create().
		SetTitle(title).
		SetNillableDescription(desc).
		SetDomainID(in.DomainID).
		SetRegionID(regionID).
		SetNillableUrgency(in.Urgency).
		SetNillableContact(contact).
		SetOpenedAt(opened).
		Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// Update validates in and applies it to need id.
func Update(ctx context.Context, c *ent.Client, id int, in UpdateInput, now time.Time) (*ent.Need, error) {
	return update(ctx, c, id, in, now, "input")
}

// update reports field errors under prefix ("input" for updateNeed, none
// for the dedicated mutations whose arguments are top-level).
//
// Whether the key may change the need (and match it where it asks to) is
// decided first: a need that does not exist and one matched outside the
// scope are refused alike (policy.MayUpdateNeed).
func update(ctx context.Context, c *ent.Client, id int, in UpdateInput, now time.Time, prefix string) (*ent.Need, error) {
	newMatch, _ := in.MatchedOrganizationID.ValueOK()
	if err := policy.MayUpdateNeed(ctx, c, id, newMatch); err != nil {
		return nil, err
	}
	n, err := c.Need.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apierror.New(apierror.NotFound, "需求不存在 (no such need)")
	}
	if err != nil {
		return nil, err
	}
	f := apierror.NewFields(prefix)
	upd := n.Update()
	if in.Title != nil {
		upd.SetTitle(input.Text(f, "title", *in.Title, maxTitle, true))
	}
	if v := input.OptionalText(f, "description", in.Description, maxText); v != nil {
		upd.SetDescription(*v)
	}
	if in.DomainID != nil {
		if _, err := input.Terms(ctx, c, f, "domainId", input.TaxonomyServiceDomain, []int{*in.DomainID}); err != nil {
			return nil, err
		}
		upd.SetDomainID(*in.DomainID)
	}
	if in.RegionCode != nil {
		regionID, err := input.RegionID(ctx, c, f, "regionCode", *in.RegionCode)
		if err != nil {
			return nil, err
		}
		upd.SetRegionID(regionID)
	}
	if in.Urgency != nil {
		upd.SetUrgency(*in.Urgency)
	}
	matchedOrg, matchedProject := n.MatchedOrganizationID, n.MatchedProjectID
	if v, set := in.MatchedOrganizationID.ValueOK(); set {
		matchedOrg = v
		if v == nil {
			upd.ClearMatchedOrganization()
		} else {
			if err := input.OrganizationExists(ctx, c, f, "matchedOrganizationId", *v); err != nil {
				return nil, err
			}
			upd.SetMatchedOrganizationID(*v)
		}
	}
	if v, set := in.MatchedProjectID.ValueOK(); set {
		matchedProject = v
		if v == nil {
			upd.ClearMatchedProject()
		} else {
			if err := input.ProjectExists(ctx, c, f, "matchedProjectId", *v); err != nil {
				return nil, err
			}
			upd.SetMatchedProjectID(*v)
		}
	}
	note := input.OptionalText(f, "resolutionNote", in.ResolutionNote, maxText)
	if note != nil {
		upd.SetResolutionNote(*note)
	}
	if in.Status != nil && *in.Status != n.Status {
		to := *in.Status
		switch {
		case !CanMove(n.Status, to):
			f.Add("status", fmt.Sprintf("状态不能从 %s 变为 %s (status cannot move from %s to %s)", n.Status, to, n.Status, to))
		case to == need.StatusMATCHED && matchedOrg == nil && matchedProject == nil:
			f.Add("status", "对接前须指定对接组织或项目 (MATCHED needs matchedOrganizationId or matchedProjectId)")
		case to == need.StatusRESOLVED && (note == nil || *note == "") && n.ResolutionNote == "":
			f.Add("resolutionNote", "解决时须填写解决情况 (RESOLVED needs a resolutionNote)")
		}
		upd.SetStatus(to)
		switch to {
		case need.StatusRESOLVED:
			upd.SetResolvedAt(now)
		case need.StatusCLOSED:
			upd.SetClosedAt(now)
		}
		if to == need.StatusOPEN {
			upd.ClearMatchedOrganization().ClearMatchedProject()
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	saved, err := upd.Save(ctx)
	return audit.Acted(ctx, saved, err)
}
