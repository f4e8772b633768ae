package needs

import (
	"context"

	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"entgo.io/contrib/entgql"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/ent/projectparticipation"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/ent/term"
)

// Weights of the parts of a match score; they add up to 100.
const (
	WeightDomain   = 40.0
	WeightNearness = 30.0
	WeightCapacity = 20.0
	WeightTrack    = 10.0
)

// Windows the capacity and track-record parts look back over.
const (
	CapacityWindow = 90 * 24 * time.Hour
	TrackWindow    = 365 * 24 * time.Hour
)

// Saturation points: at these counts a part's value reaches 1.
const (
	fullCapacity      = 10   // active volunteers with matching skills
	fullResolvedNeeds = 10   // needs resolved in the last year
	fullTrackHours    = 1000 // verified hours in the last year
)

// DomainSkills are the volunteer skills that serve each service domain. A
// district adding a domain adds its skills here; a domain without skills
// counts every active volunteer as capacity.
var DomainSkills = map[string][]string{
	"elderly-care":         {"医疗护理", "烹饪", "理发", "驾驶", "心理咨询", "应急救护"},
	"childcare":            {"教育辅导", "应急救护", "心理咨询"},
	"disability":           {"手语", "医疗护理", "驾驶"},
	"employment":           {"电商直播", "法律咨询", "外语翻译"},
	"agriculture":          {"农技指导", "电商直播", "驾驶"},
	"youth":                {"教育辅导", "心理咨询", "文艺表演"},
	"mental-health":        {"心理咨询"},
	"community-governance": {"法律咨询"},
	"public-safety":        {"应急救护", "驾驶"},
	"culture-sports":       {"文艺表演", "书法", "摄影"},
	"education-aid":        {"教育辅导", "外语翻译"},
}

// MatchKind says whether a match is an organisation or a project.
type MatchKind string

// Match kinds.
const (
	KindOrganization MatchKind = "ORGANIZATION"
	KindProject      MatchKind = "PROJECT"
)

// ScorePart is one part of a score: Points = Value × Weight, rounded.
type ScorePart struct {
	Weight      float64
	Value       float64
	Points      float64
	Explanation string
}

// MatchParts are the four parts of a score.
type MatchParts struct {
	DomainFit, Nearness, Capacity, TrackRecord ScorePart
}

// Match is one ranked provider.
type Match struct {
	Kind         MatchKind
	Organization *ent.Organization
	Project      *ent.Project
	Score        float64
	Parts        MatchParts
}

func part(weight, value float64, why string) ScorePart {
	value = math.Max(0, math.Min(1, value))
	return ScorePart{Weight: weight, Value: round(value, 4), Points: round(weight*value, 2), Explanation: why}
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}

// nearness scores a provider's division against the need's by shared code
// prefix: same division, same town (9 digits), same district (6 digits).
func nearness(needCode string, providerCodes []string) (float64, string) {
	best, why := 0.0, "不在同一区县 (outside the district)"
	for _, code := range providerCodes {
		switch {
		case code == needCode || (len(code) > len(needCode) && strings.HasPrefix(code, needCode)) ||
			(len(needCode) > len(code) && len(code) >= 9 && strings.HasPrefix(needCode, code)):
			if best < 1 {
				best, why = 1, "同一社区或镇街内 (within the need's division)"
			}
		case len(code) >= 9 && len(needCode) >= 9 && code[:9] == needCode[:9]:
			if best < 0.8 {
				best, why = 0.8, "同一镇街 (same town or street)"
			}
		case len(code) >= 6 && len(needCode) >= 6 && code[:6] == needCode[:6]:
			if best < 0.4 {
				best, why = 0.4, "同一区县 (same district)"
			}
		}
	}
	return best, why
}

// Matches ranks volunteer teams, social-work agencies and running projects
// for need id. It reads aggregates across scopes (counts and sums, never a
// person), so it queries with privacy bypassed; who may call it is
// decided by the field's access level.
func Matches(ctx context.Context, c *ent.Client, id int, now time.Time) ([]*Match, error) {
	all := privacy.DecisionContext(ctx, privacy.Allow)
	n, err := c.Need.Query().Where(need.ID(id)).WithDomain().WithRegion().Only(all)
	if ent.IsNotFound(err) {
		return nil, apierror.New(apierror.NotFound, "需求不存在 (no such need)")
	}
	if err != nil {
		return nil, err
	}
	domain, needCode := n.Edges.Domain, n.Edges.Region.Code

	orgs, err := c.Organization.Query().
		Where(organization.KindIn(organization.KindVOLUNTEER_TEAM, organization.KindSOCIAL_WORK_AGENCY)).
		WithRegion().Order(ent.Asc(organization.FieldID)).All(all)
	if err != nil {
		return nil, err
	}
	projects, err := c.Project.Query().
		Where(project.StageEQ(project.StageIMPLEMENTATION)).
		WithRegions().WithDomains().Order(ent.Asc(project.FieldID)).All(all)
	if err != nil {
		return nil, err
	}

	// Organisations working in the domain: through running, or any, projects.
	fit := map[int]float64{}
	parts, err := c.ProjectParticipation.Query().
		Where(projectparticipation.HasProjectWith(project.HasDomainsWith(term.ID(domain.ID)))).
		WithProject().All(all)
	if err != nil {
		return nil, err
	}
	for _, p := range parts {
		v := 0.5
		if s := p.Edges.Project.Stage; s == project.StageIMPLEMENTATION || s == project.StageEVALUATION || s == project.StageSHOWCASE {
			v = 1
		}
		fit[p.OrganizationID] = math.Max(fit[p.OrganizationID], v)
	}

	act, err := recentActivity(all, c, now, DomainSkills[domain.Code])
	if err != nil {
		return nil, err
	}
	resolvedByOrg, resolvedByProject, err := resolvedNeeds(all, c, now)
	if err != nil {
		return nil, err
	}

	var out []*Match
	capacityPart := func(active, skilled int) ScorePart {
		if len(DomainSkills[domain.Code]) == 0 {
			return part(WeightCapacity, float64(active)/(3*fullCapacity),
				fmt.Sprintf("近 90 天活跃志愿者 %d 人 (%d active volunteers in 90 days)", active, active))
		}
		return part(WeightCapacity, float64(skilled)/fullCapacity,
			fmt.Sprintf("近 90 天有相关技能的活跃志愿者 %d 人 (%d active volunteers with matching skills in 90 days)", skilled, skilled))
	}
	trackPart := func(resolved int, minutes int) ScorePart {
		hours := float64(minutes) / 60
		v := 0.5*math.Min(1, float64(resolved)/fullResolvedNeeds) + 0.5*math.Min(1, hours/fullTrackHours)
		return part(WeightTrack, v, fmt.Sprintf("近一年办结需求 %d 件、核实时长 %.0f 小时 (%d needs resolved, %.0f verified hours in a year)", resolved, hours, resolved, hours))
	}
	for _, o := range orgs {
		f := fit[o.ID]
		why := "未开展该领域项目 (no project in this domain)"
		switch f {
		case 1:
			why = "正在开展该领域项目 (runs a project in this domain)"
		case 0.5:
			why = "曾开展该领域项目 (has run a project in this domain)"
		}
		near, nearWhy := nearness(needCode, []string{o.Edges.Region.Code})
		m := &Match{Kind: KindOrganization, Organization: o, Parts: MatchParts{
			DomainFit:   part(WeightDomain, f, why),
			Nearness:    part(WeightNearness, near, nearWhy),
			Capacity:    capacityPart(len(act.orgActive[o.ID]), len(act.orgSkilled[o.ID])),
			TrackRecord: trackPart(resolvedByOrg[o.ID], act.orgMinutes[o.ID]),
		}}
		out = append(out, m)
	}
	for _, p := range projects {
		f, why := 0.0, "项目不属于该服务领域 (project outside this domain)"
		for _, d := range p.Edges.Domains {
			if d.ID == domain.ID {
				f, why = 1, "项目属于该服务领域 (project in this domain)"
			}
		}
		codes := make([]string, 0, len(p.Edges.Regions))
		for _, r := range p.Edges.Regions {
			codes = append(codes, r.Code)
		}
		near, nearWhy := nearness(needCode, codes)
		m := &Match{Kind: KindProject, Project: p, Parts: MatchParts{
			DomainFit:   part(WeightDomain, f, why),
			Nearness:    part(WeightNearness, near, nearWhy),
			Capacity:    capacityPart(len(act.projectActive[p.ID]), len(act.projectSkilled[p.ID])),
			TrackRecord: trackPart(resolvedByProject[p.ID], act.projectMinutes[p.ID]),
		}}
		out = append(out, m)
	}
	for _, m := range out {
		// The score is the sum of the rounded points, so the parts a client
		// shows always add up to the score it shows.
		m.Score = round(m.Parts.DomainFit.Points+m.Parts.Nearness.Points+m.Parts.Capacity.Points+m.Parts.TrackRecord.Points, 2)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Kind == KindProject && out[j].Kind == KindOrganization
	})
	return out, nil
}

type activityStats struct {
	orgActive, orgSkilled, projectActive, projectSkilled map[int]map[int]bool
	orgMinutes, projectMinutes                           map[int]int
}

// recentActivity aggregates verified records: active volunteers (and those
// with one of skills) in the capacity window, and verified minutes in the
// track-record window, per organising organisation and per project.
func recentActivity(ctx context.Context, c *ent.Client, now time.Time, skills []string) (*activityStats, error) {
	s := &activityStats{
		orgActive: map[int]map[int]bool{}, orgSkilled: map[int]map[int]bool{},
		projectActive: map[int]map[int]bool{}, projectSkilled: map[int]map[int]bool{},
		orgMinutes: map[int]int{}, projectMinutes: map[int]int{},
	}
	capSince, trackSince := now.Add(-CapacityWindow), now.Add(-TrackWindow)
	recs, err := c.ServiceRecord.Query().
		Where(servicerecord.StatusEQ(servicerecord.StatusVERIFIED), servicerecord.ServedOnGTE(trackSince), servicerecord.ServedOnLTE(now)).
		Select(servicerecord.FieldPersonID, servicerecord.FieldActivityID, servicerecord.FieldServedOn, servicerecord.FieldMinutes).
		All(ctx)
	if err != nil {
		return nil, err
	}
	actIDs, personIDs := map[int]bool{}, map[int]bool{}
	for _, r := range recs {
		actIDs[r.ActivityID] = true
		if !r.ServedOn.Before(capSince) {
			personIDs[r.PersonID] = true
		}
	}
	acts, err := c.Activity.Query().Where(activity.IDIn(keys(actIDs)...)).
		Select(activity.FieldOrganizationID, activity.FieldProjectID).All(ctx)
	if err != nil {
		return nil, err
	}
	byAct := make(map[int]*ent.Activity, len(acts))
	for _, a := range acts {
		byAct[a.ID] = a
	}
	skilled := map[int]bool{}
	if len(skills) > 0 && len(personIDs) > 0 {
		people, err := c.Person.Query().Where(person.IDIn(keys(personIDs)...)).Select(person.FieldSkills).All(ctx)
		if err != nil {
			return nil, err
		}
		want := map[string]bool{}
		for _, s := range skills {
			want[s] = true
		}
		for _, p := range people {
			for _, sk := range p.Skills {
				if want[sk] {
					skilled[p.ID] = true
				}
			}
		}
	}
	add := func(m map[int]map[int]bool, k, person int) {
		if m[k] == nil {
			m[k] = map[int]bool{}
		}
		m[k][person] = true
	}
	for _, r := range recs {
		a := byAct[r.ActivityID]
		if a == nil {
			continue
		}
		s.orgMinutes[a.OrganizationID] += r.Minutes
		if a.ProjectID != nil {
			s.projectMinutes[*a.ProjectID] += r.Minutes
		}
		if r.ServedOn.Before(capSince) {
			continue
		}
		add(s.orgActive, a.OrganizationID, r.PersonID)
		if a.ProjectID != nil {
			add(s.projectActive, *a.ProjectID, r.PersonID)
		}
		if skilled[r.PersonID] {
			add(s.orgSkilled, a.OrganizationID, r.PersonID)
			if a.ProjectID != nil {
				add(s.projectSkilled, *a.ProjectID, r.PersonID)
			}
		}
	}
	return s, nil
}

func resolvedNeeds(ctx context.Context, c *ent.Client, now time.Time) (byOrg, byProject map[int]int, err error) {
	ns, err := c.Need.Query().
		Where(need.StatusEQ(need.StatusRESOLVED), need.ResolvedAtGTE(now.Add(-TrackWindow))).
		Select(need.FieldMatchedOrganizationID, need.FieldMatchedProjectID).All(ctx)
	if err != nil {
		return nil, nil, err
	}
	byOrg, byProject = map[int]int{}, map[int]int{}
	for _, n := range ns {
		if n.MatchedOrganizationID != nil {
			byOrg[*n.MatchedOrganizationID]++
		}
		if n.MatchedProjectID != nil {
			byProject[*n.MatchedProjectID]++
		}
	}
	return byOrg, byProject, nil
}

func keys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// MatchConnection is the GraphQL NeedMatchConnection: a page of Matches,
// cursors being positions in the ranking.
type MatchConnection struct {
	Edges      []*MatchEdge
	PageInfo   entgql.PageInfo[int]
	TotalCount int
}

// MatchEdge is the GraphQL NeedMatchEdge.
type MatchEdge struct {
	Node   *Match
	Cursor entgql.Cursor[int]
}

// Page cuts the ranking after cursor after (exclusive) to first entries.
func Page(all []*Match, after *entgql.Cursor[int], first int) *MatchConnection {
	start := 0
	if after != nil {
		start = after.ID + 1
	}
	if start > len(all) {
		start = len(all)
	}
	end := min(len(all), start+first)
	conn := &MatchConnection{TotalCount: len(all)}
	for i := start; i < end; i++ {
		conn.Edges = append(conn.Edges, &MatchEdge{Node: all[i], Cursor: entgql.Cursor[int]{ID: i}})
	}
	conn.PageInfo.HasNextPage = end < len(all)
	conn.PageInfo.HasPreviousPage = start > 0
	if len(conn.Edges) > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[len(conn.Edges)-1].Cursor
	}
	return conn
}
