// Package projects creates and changes service projects, their activities
// and their measured outcomes, and enforces the project lifecycle.
package projects

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/ent/projectparticipation"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// ParticipantInput is the GraphQL ProjectParticipantInput.
type ParticipantInput struct {
	OrganizationID int
	Role           projectparticipation.Role
}

// CreateProjectInput is the GraphQL CreateProjectInput.
type CreateProjectInput struct {
	Name           string
	Description    *string
	Stage          *project.Stage
	StartOn        *time.Time
	EndOn          *time.Time
	FundingSource  *project.FundingSource
	FundingAmount  *float64
	Awards         []string
	ParentID       *int
	DomainIDs      []int
	TargetGroupIDs []int
	RegionCodes    []string
	Participants   []*ParticipantInput
}

// UpdateProjectInput is the GraphQL UpdateProjectInput.
type UpdateProjectInput struct {
	Name           *string
	Description    *string
	Stage          *project.Stage
	StartOn        graphql.Omittable[*time.Time]
	EndOn          graphql.Omittable[*time.Time]
	FundingSource  graphql.Omittable[*project.FundingSource]
	FundingAmount  graphql.Omittable[*float64]
	Awards         []string
	DomainIDs      []int
	TargetGroupIDs []int
	RegionCodes    []string
	Participants   []*ParticipantInput
}

const (
	maxName        = 200
	maxText        = 10000
	maxAwards      = 50
	maxAward       = 200
	maxParticipant = 50
)

// stageOrder is the lifecycle: a project moves one step at a time.
var stageOrder = []project.Stage{
	project.StageDESIGN, project.StageSHOWCASE, project.StageIMPLEMENTATION,
	project.StageEVALUATION, project.StageCLOSED,
}

// NextStage returns the stage after s, or false for CLOSED.
func NextStage(s project.Stage) (project.Stage, bool) {
	for i, st := range stageOrder {
		if st == s && i+1 < len(stageOrder) {
			return stageOrder[i+1], true
		}
	}
	return "", false
}

// CanMove reports whether a project may go from one stage to another:
// staying put or moving exactly one step forward.
func CanMove(from, to project.Stage) bool {
	if from == to {
		return true
	}
	next, ok := NextStage(from)
	return ok && next == to
}

// CreateProject validates in and creates the project with its participants.
func CreateProject(ctx context.Context, c *ent.Client, in CreateProjectInput) (*ent.Project, error) {
	if err := policy.MayCreateProject(ctx, c, leads(in.Participants)); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	name := input.Text(f, "name", in.Name, maxName, true)
	desc := input.OptionalText(f, "description", in.Description, maxText)
	input.Reasonable(f, "startOn", in.StartOn)
	input.Reasonable(f, "endOn", in.EndOn)
	input.Order(f, "endOn", in.StartOn, in.EndOn)
	checkAmount(f, in.FundingAmount)
	awards := checkAwards(f, in.Awards)
	if in.ParentID != nil {
		if err := input.ProjectExists(ctx, c, f, "parentId", *in.ParentID); err != nil {
			return nil, err
		}
	}
	domains, targets, regions, err := checkTerms(ctx, c, f, in.DomainIDs, in.TargetGroupIDs, in.RegionCodes)
	if err != nil {
		return nil, err
	}
	if err := checkParticipants(ctx, c, f, in.Participants, true); err != nil {
		return nil, err
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	p, err := c.Project.Create().
		SetName(name).
		SetNillableDescription(desc).
		SetNillableStage(in.Stage).
		SetNillableStartOn(in.StartOn).
		SetNillableEndOn(in.EndOn).
		SetNillableFundingSource(in.FundingSource).
		SetNillableFundingAmount(in.FundingAmount).
		SetAwards(awards).
		SetNillableParentID(in.ParentID).
		AddDomainIDs(domains...).
		AddTargetGroupIDs(targets...).
		AddRegionIDs(regions...).
		Save(ctx)
	if err != nil {
		return nil, err
	}
	if err := saveParticipants(ctx, c, p.ID, in.Participants); err != nil {
		return nil, err
	}
	return audit.Acted(ctx, p, nil)
}

// UpdateProject validates in and applies it to project id.
func UpdateProject(ctx context.Context, c *ent.Client, id int, in UpdateProjectInput) (*ent.Project, error) {
	if err := policy.MayUpdateProject(ctx, c, id, leads(in.Participants)); err != nil {
		return nil, err
	}
	p, err := c.Project.Get(ctx, id)
	if err != nil {
		return nil, input.NotFound(err, "项目不存在 (no such project)")
	}
	f := apierror.NewFields("input")
	upd := p.Update()
	if in.Name != nil {
		upd.SetName(input.Text(f, "name", *in.Name, maxName, true))
	}
	if v := input.OptionalText(f, "description", in.Description, maxText); v != nil {
		upd.SetDescription(*v)
	}
	if in.Stage != nil {
		if !CanMove(p.Stage, *in.Stage) {
			next, ok := NextStage(p.Stage)
			msg := fmt.Sprintf("项目已结项，阶段不能再变更 (project is %s and cannot change stage)", p.Stage)
			if ok {
				msg = fmt.Sprintf("阶段只能从 %s 推进到 %s (stage can only move from %s to %s)", p.Stage, next, p.Stage, next)
			}
			f.Add("stage", msg)
		}
		upd.SetStage(*in.Stage)
	}
	start, end := p.StartOn, p.EndOn
	if v, set := in.StartOn.ValueOK(); set {
		input.Reasonable(f, "startOn", v)
		start = v
		if v == nil {
			upd.ClearStartOn()
		} else {
			upd.SetStartOn(*v)
		}
	}
	if v, set := in.EndOn.ValueOK(); set {
		input.Reasonable(f, "endOn", v)
		end = v
		if v == nil {
			upd.ClearEndOn()
		} else {
			upd.SetEndOn(*v)
		}
	}
	input.Order(f, "endOn", start, end)
	if v, set := in.FundingSource.ValueOK(); set {
		if v == nil {
			upd.ClearFundingSource()
		} else {
			upd.SetFundingSource(*v)
		}
	}
	if v, set := in.FundingAmount.ValueOK(); set {
		checkAmount(f, v)
		if v == nil {
			upd.ClearFundingAmount()
		} else {
			upd.SetFundingAmount(*v)
		}
	}
	if in.Awards != nil {
		upd.SetAwards(checkAwards(f, in.Awards))
	}
	domains, targets, regions, err := checkTerms(ctx, c, f, in.DomainIDs, in.TargetGroupIDs, in.RegionCodes)
	if err != nil {
		return nil, err
	}
	if in.DomainIDs != nil {
		upd.ClearDomains().AddDomainIDs(domains...)
	}
	if in.TargetGroupIDs != nil {
		upd.ClearTargetGroups().AddTargetGroupIDs(targets...)
	}
	if in.RegionCodes != nil {
		upd.ClearRegions().AddRegionIDs(regions...)
	}
	if in.Participants != nil {
		if err := checkParticipants(ctx, c, f, in.Participants, true); err != nil {
			return nil, err
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if in.Participants != nil {
		if _, err := c.ProjectParticipation.Delete().Where(projectparticipation.ProjectID(id)).Exec(ctx); err != nil {
			return nil, err
		}
		if err := saveParticipants(ctx, c, id, in.Participants); err != nil {
			return nil, err
		}
	}
	saved, err := upd.Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// leads are the organisations given the LEAD role: the scope a key needs
// to start or hand over a project.
func leads(ps []*ParticipantInput) []int {
	var out []int
	for _, p := range ps {
		if p.Role == projectparticipation.RoleLEAD {
			out = append(out, p.OrganizationID)
		}
	}
	return out
}

func checkAmount(f *apierror.Fields, v *float64) {
	if v != nil && (*v < 0 || math.IsNaN(*v) || math.IsInf(*v, 0) || *v > 1e12) {
		f.Add("fundingAmount", "金额应为 0 至 1 万亿元 (funding amount must be between 0 and 1e12 yuan)")
	}
}

func checkAwards(f *apierror.Fields, awards []string) []string {
	if len(awards) > maxAwards {
		f.Add("awards", fmt.Sprintf("最多 %d 项 (at most %d awards)", maxAwards, maxAwards))
		return nil
	}
	out := make([]string, 0, len(awards))
	for i, a := range awards {
		out = append(out, input.Text(f, fmt.Sprintf("awards.%d", i), a, maxAward, true))
	}
	return out
}

func checkTerms(ctx context.Context, c *ent.Client, f *apierror.Fields, domainIDs, targetIDs []int, regionCodes []string) (domains, targets, regions []int, err error) {
	if domains, err = input.Terms(ctx, c, f, "domainIds", input.TaxonomyServiceDomain, domainIDs); err != nil {
		return
	}
	if targets, err = input.Terms(ctx, c, f, "targetGroupIds", input.TaxonomyTargetGroup, targetIDs); err != nil {
		return
	}
	regions, err = input.RegionIDs(ctx, c, f, "regionCodes", regionCodes)
	return
}

// checkParticipants requires existing, distinct organisations and exactly
// one LEAD, the organisation accountable for the project.
func checkParticipants(ctx context.Context, c *ent.Client, f *apierror.Fields, ps []*ParticipantInput, needLead bool) error {
	if len(ps) > maxParticipant {
		f.Add("participants", fmt.Sprintf("最多 %d 个参与组织 (at most %d participants)", maxParticipant, maxParticipant))
		return nil
	}
	leads := 0
	seen := map[int]bool{}
	for i, p := range ps {
		field := fmt.Sprintf("participants.%d.organizationId", i)
		if seen[p.OrganizationID] {
			f.Add(field, "同一组织重复出现 (organization listed twice)")
			continue
		}
		seen[p.OrganizationID] = true
		if err := input.OrganizationExists(ctx, c, f, field, p.OrganizationID); err != nil {
			return err
		}
		if p.Role == projectparticipation.RoleLEAD {
			leads++
		}
	}
	if needLead && leads != 1 {
		f.Add("participants", "须有且仅有一个牵头组织 (exactly one participant must have role LEAD)")
	}
	return nil
}

// saveParticipants writes the LEAD first, on its own: the row rules let an
// editor add partners to a project only once its scope leads it.
func saveParticipants(ctx context.Context, c *ent.Client, projectID int, ps []*ParticipantInput) error {
	var rest []*ent.ProjectParticipationCreate
	for _, p := range ps {
		b := c.ProjectParticipation.Create().
			SetProjectID(projectID).
			SetOrganizationID(p.OrganizationID).
			SetRole(p.Role)
		if p.Role == projectparticipation.RoleLEAD {
			if err := b.Exec(ctx); err != nil {
				return err
			}
			continue
		}
		rest = append(rest, b)
	}
	if len(rest) == 0 {
		return nil
	}
	return c.ProjectParticipation.CreateBulk(rest...).Exec(ctx)
}
