package registry

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/partnership"
	"github.com/tongxing/tongxing/ent/partybuildinglink"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// CreatePartyBuildingLinkInput is the GraphQL CreatePartyBuildingLinkInput.
type CreatePartyBuildingLinkInput struct {
	PartyOrganizationID int
	PartnerID           int
	LinkType            partybuildinglink.LinkType
	StartedOn           time.Time
	EndedOn             *time.Time
	AgreementSummary    *string
}

// UpdatePartyBuildingLinkInput is the GraphQL UpdatePartyBuildingLinkInput.
type UpdatePartyBuildingLinkInput struct {
	LinkType         *partybuildinglink.LinkType
	StartedOn        *time.Time
	AgreementSummary *string
}

// CreatePartnershipInput is the GraphQL CreatePartnershipInput.
type CreatePartnershipInput struct {
	OrganizationID int
	PartnerID      int
	Kind           partnership.Kind
	StartedOn      time.Time
	EndedOn        *time.Time
	Capacity       *int
	Description    *string
}

// UpdatePartnershipInput is the GraphQL UpdatePartnershipInput.
type UpdatePartnershipInput struct {
	Kind        *partnership.Kind
	StartedOn   *time.Time
	EndedOn     graphql.Omittable[*time.Time]
	Capacity    graphql.Omittable[*int]
	Description *string
}

var partyKinds = map[organization.Kind]bool{
	organization.KindPARTY_ORGANIZATION:   true,
	organization.KindPARTY_SERVICE_CENTER: true,
}

// CreatePartyBuildingLink validates in and records the link.
func CreatePartyBuildingLink(ctx context.Context, c *ent.Client, in CreatePartyBuildingLinkInput) (*ent.PartyBuildingLink, error) {
	if err := policy.MayCreatePartyBuildingLink(ctx, c, in.PartyOrganizationID, in.PartnerID); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	party, err := input.Organization(ctx, c, f, "partyOrganizationId", in.PartyOrganizationID)
	if err != nil {
		return nil, err
	}
	if party != nil && !partyKinds[party.Kind] {
		f.Add("partyOrganizationId", "应为党组织或党群服务中心 (must be a PARTY_ORGANIZATION or PARTY_SERVICE_CENTER)")
	}
	if err := input.OrganizationExists(ctx, c, f, "partnerId", in.PartnerID); err != nil {
		return nil, err
	}
	f.Check(in.PartnerID != in.PartyOrganizationID, "partnerId", "联建单位不能是党组织自身 (partner must differ from the Party organization)")
	input.Reasonable(f, "startedOn", &in.StartedOn)
	input.Reasonable(f, "endedOn", in.EndedOn)
	input.Order(f, "endedOn", &in.StartedOn, in.EndedOn)
	summary := input.OptionalText(f, "agreementSummary", in.AgreementSummary, maxDescription)
	if err := f.Err(); err != nil {
		return nil, err
	}
	saved, err := c.PartyBuildingLink.Create().
		SetPartyOrganizationID(in.PartyOrganizationID).
		SetPartnerID(in.PartnerID).
		SetLinkType(in.LinkType).
		SetStartedOn(in.StartedOn).
		SetNillableEndedOn(in.EndedOn).
		SetNillableAgreementSummary(summary).
		Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// UpdatePartyBuildingLink validates in and applies it to link id.
func UpdatePartyBuildingLink(ctx context.Context, c *ent.Client, id int, in UpdatePartyBuildingLinkInput) (*ent.PartyBuildingLink, error) {
	if err := policy.MayChangePartyBuildingLink(ctx, c, id); err != nil {
		return nil, err
	}
	link, err := c.PartyBuildingLink.Get(ctx, id)
	if err != nil {
		return nil, input.NotFound(err, "党建联建不存在 (no such Party-building link)")
	}
	f := apierror.NewFields("input")
	upd := link.Update()
	if in.LinkType != nil {
		upd.SetLinkType(*in.LinkType)
	}
	if in.StartedOn != nil {
		input.Reasonable(f, "startedOn", in.StartedOn)
		input.Order(f, "startedOn", in.StartedOn, link.EndedOn)
		upd.SetStartedOn(*in.StartedOn)
	}
	if v := input.OptionalText(f, "agreementSummary", in.AgreementSummary, maxDescription); v != nil {
		upd.SetAgreementSummary(*v)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	saved, err := upd.Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// EndPartyBuildingLink ends a running link on endedOn.
func EndPartyBuildingLink(ctx context.Context, c *ent.Client, id int, endedOn time.Time) (*ent.PartyBuildingLink, error) {
	if err := policy.MayChangePartyBuildingLink(ctx, c, id); err != nil {
		return nil, err
	}
	link, err := c.PartyBuildingLink.Get(ctx, id)
	if err != nil {
		return nil, input.NotFound(err, "党建联建不存在 (no such Party-building link)")
	}
	f := apierror.NewFields("")
	input.Reasonable(f, "endedOn", &endedOn)
	input.Order(f, "endedOn", &link.StartedOn, &endedOn)
	if err := f.Err(); err != nil {
		return nil, err
	}
	if link.EndedOn != nil {
		return nil, apierror.New(apierror.Conflict, "该党建联建已于 "+link.EndedOn.UTC().Format(time.DateOnly)+" 结束 (link has already ended)")
	}
	saved, err := link.Update().SetEndedOn(endedOn).Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// CreatePartnership validates in and records the partnership.
func CreatePartnership(ctx context.Context, c *ent.Client, in CreatePartnershipInput) (*ent.Partnership, error) {
	if err := policy.MayCreatePartnership(ctx, c, in.OrganizationID, in.PartnerID); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	org, err := input.Organization(ctx, c, f, "organizationId", in.OrganizationID)
	if err != nil {
		return nil, err
	}
	if org != nil && in.Kind == partnership.KindPRACTICE_BASE && org.Kind != organization.KindUNIVERSITY {
		f.Add("organizationId", "实践基地的主导方应为高校 (a practice base is led by a UNIVERSITY)")
	}
	if err := input.OrganizationExists(ctx, c, f, "partnerId", in.PartnerID); err != nil {
		return nil, err
	}
	f.Check(in.PartnerID != in.OrganizationID, "partnerId", "合作双方不能相同 (partner must differ from organization)")
	input.Reasonable(f, "startedOn", &in.StartedOn)
	input.Reasonable(f, "endedOn", in.EndedOn)
	input.Order(f, "endedOn", &in.StartedOn, in.EndedOn)
	checkCapacity(f, in.Capacity)
	desc := input.OptionalText(f, "description", in.Description, maxDescription)
	if err := f.Err(); err != nil {
		return nil, err
	}
	saved, err := c.Partnership.Create().
		SetOrganizationID(in.OrganizationID).
		SetPartnerID(in.PartnerID).
		SetKind(in.Kind).
		SetStartedOn(in.StartedOn).
		SetNillableEndedOn(in.EndedOn).
		SetNillableCapacity(in.Capacity).
		SetNillableDescription(desc).
		Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// UpdatePartnership validates in and applies it to partnership id.
func UpdatePartnership(ctx context.Context, c *ent.Client, id int, in UpdatePartnershipInput) (*ent.Partnership, error) {
	if err := policy.MayChangePartnership(ctx, c, id); err != nil {
		return nil, err
	}
	p, err := c.Partnership.Get(ctx, id)
	if err != nil {
		return nil, input.NotFound(err, "合作关系不存在 (no such partnership)")
	}
	f := apierror.NewFields("input")
	upd := p.Update()
	if in.Kind != nil {
		if *in.Kind == partnership.KindPRACTICE_BASE {
			org, err := c.Organization.Get(ctx, p.OrganizationID)
			if err != nil {
				return nil, err
			}
			f.Check(org.Kind == organization.KindUNIVERSITY, "kind", "实践基地的主导方应为高校 (a practice base is led by a UNIVERSITY)")
		}
		upd.SetKind(*in.Kind)
	}
	start, end := p.StartedOn, p.EndedOn
	if in.StartedOn != nil {
		input.Reasonable(f, "startedOn", in.StartedOn)
		start = *in.StartedOn
		upd.SetStartedOn(start)
	}
	if v, set := in.EndedOn.ValueOK(); set {
		input.Reasonable(f, "endedOn", v)
		end = v
		if v == nil {
			upd.ClearEndedOn()
		} else {
			upd.SetEndedOn(*v)
		}
	}
	input.Order(f, "endedOn", &start, end)
	if v, set := in.Capacity.ValueOK(); set {
		checkCapacity(f, v)
		if v == nil {
			upd.ClearCapacity()
		} else {
			upd.SetCapacity(*v)
		}
	}
	if v := input.OptionalText(f, "description", in.Description, maxDescription); v != nil {
		upd.SetDescription(*v)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	saved, err := upd.Save(ctx)
	return audit.Acted(ctx, saved, err)
}

func checkCapacity(f *apierror.Fields, c *int) {
	if c != nil && (*c < 0 || *c > 100000) {
		f.Add("capacity", "容量应为 0–100000 (capacity must be 0–100000)")
	}
}
