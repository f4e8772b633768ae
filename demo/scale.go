package demo

import (
	"fmt"
	"math/rand/v2"

	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/project"
)

// Scale sizes a seeded district. Every scale writes the demo district's
// named register (agencies, teams, projects and their published figures);
// a larger scale adds synthetic organisations, projects and people beside
// it and multiplies the activities, records and needs per year. Each
// addition draws from random streams of its own, so the demo scale writes
// exactly the rows it always has.
type Scale struct {
	Name string
	// ExtraTeams and ExtraSocialOrganizations are synthetic volunteer teams
	// and filed community social organisations beyond the named ones.
	ExtraTeams, ExtraSocialOrganizations int
	// CommunityVolunteers and Students are the people besides the
	// agencies' SocialWorkers.
	CommunityVolunteers, Students int
	// ExtraProjects are synthetic projects led by the synthetic
	// organisations.
	ExtraProjects int
	// PerYear multiplies the activities and needs of each year (and with
	// them the service records: 5–27 an activity).
	PerYear int
}

// DemoScale is the demo district the server seeds on first start: 140
// organisations, 3,380 people, 4,000 activities and about 61,000 records.
var DemoScale = Scale{Name: "demo", CommunityVolunteers: CommunityVolunteers, Students: Students, PerYear: 1}

// DistrictScale is the size of Xiuzhou itself, as the district publishes
// it: 1,161 volunteer teams, about 2,400 organisations in all, 127,000
// registered volunteers, about 1,000 projects, 15,000 activities a year
// (from 2025) and about 1.2 million service records.
var DistrictScale = Scale{
	Name:                     "district",
	ExtraTeams:               1161 - VolunteerTeams,
	ExtraSocialOrganizations: 1100,
	CommunityVolunteers:      125700,
	Students:                 1220,
	ExtraProjects:            950,
	PerYear:                  19,
}

// District10Scale is ten times DistrictScale in the same divisions: 1.27
// million people, 11,610 volunteer teams, about 12 million service
// records — the province, one district's worth of divisions at a time,
// for measuring what grows with the data (docs/scaling.md).
var District10Scale = Scale{
	Name:                     "district10",
	ExtraTeams:               11610 - VolunteerTeams,
	ExtraSocialOrganizations: 11000,
	CommunityVolunteers:      1257000,
	Students:                 12200,
	ExtraProjects:            9500,
	PerYear:                  190,
}

// ScaleNamed returns the scale called name ("demo", "district" or
// "district10").
func ScaleNamed(name string) (Scale, error) {
	for _, s := range []Scale{DemoScale, DistrictScale, District10Scale} {
		if s.Name == name {
			return s, nil
		}
	}
	return Scale{}, fmt.Errorf("unknown scale %q (demo, district or district10)", name)
}

// People is the number of people the scale seeds.
func (sc Scale) People() int { return sc.CommunityVolunteers + SocialWorkers + sc.Students }

// teamCount is the number of volunteer teams: the named ones and the extra.
func (s *seeder) teamCount() int { return VolunteerTeams + s.scale.ExtraTeams }

// addExtraSocialOrganizations adds filed community social organisations,
// the towns in turn by their weight, named after a community and a kind
// with a serial number so that names stay unique.
func (s *seeder) addExtraSocialOrganizations() {
	r := s.rng("extra-organizations")
	weights := s.townWeights()
	for i := 0; i < s.scale.ExtraSocialOrganizations; i++ {
		t, c := s.community(r, weights)
		k := filedOrgKinds[i%len(filedOrgKinds)]
		o := s.addOrg(&org{name: fmt.Sprintf("%s%s%s（%d）", t.def.Name, c.name, k.Suffix, i+1), kind: organization.KindSOCIAL_ORGANIZATION,
			legalForm: k.Form, status: organization.RegistrationStatusFILED, region: c,
			founded: dayBetween(r, date(2012, 1, 1), date(2024, 12, 31)),
			address: "嘉兴市秀洲区" + t.def.Name + c.name + "党群服务站", categories: []string{k.Category},
			description: "备案社区社会组织，由" + t.def.Name + "指导管理，扎根社区开展服务。"})
		s.socialOrgs = append(s.socialOrgs, o)
	}
}

// extraTeamKinds name synthetic volunteer teams.
var extraTeamKinds = []string{"志愿服务队", "党员志愿服务队", "巾帼志愿服务队", "青年志愿服务队", "银龄志愿服务队", "平安志愿巡防队"}

// addExtraTeams adds volunteer teams under the federation, in communities
// of the towns by their weight.
func (s *seeder) addExtraTeams() {
	r := s.rng("extra-teams")
	weights := s.townWeights()
	for i := 0; i < s.scale.ExtraTeams; i++ {
		t, c := s.community(r, weights)
		o := &org{name: fmt.Sprintf("%s%s%s（%d）", t.def.Name, c.name, pick(r, extraTeamKinds), i+1),
			kind: organization.KindVOLUNTEER_TEAM, region: c, parent: s.federation,
			status:      organization.RegistrationStatusFILED,
			founded:     dayBetween(r, date(2012, 1, 1), date(2019, 12, 31)),
			description: t.def.Name + c.name + "志愿服务队伍，隶属区志愿服务联合会，“" + Brand + "”品牌成员队伍。"}
		if chance(r, 0.3) {
			o.status = organization.RegistrationStatusUNREGISTERED
		}
		t.teams = append(t.teams, s.addOrg(o))
	}
}

// community draws a town by its weight and one of its communities.
func (s *seeder) community(r *rand.Rand, townWeights []int) (*town, *division) {
	t := s.towns[weighted(r, townWeights)]
	return t, pick(r, t.communities)
}

func (s *seeder) townWeights() []int {
	w := make([]int, len(s.towns))
	for i, t := range s.towns {
		w[i] = t.def.Weight
	}
	return w
}

// extraProjectDefs are synthetic projects of the scale, each led by a
// synthetic organisation in its own town; fillSynthetic draws their
// partners, funding and awards like the other synthetic projects'.
func (s *seeder) extraProjectDefs() []projectDef {
	if s.scale.ExtraProjects == 0 {
		return nil
	}
	r := s.rng("extra-projects")
	var leads []*org
	for _, t := range s.towns {
		for _, o := range append(append([]*org{}, t.teams...), t.socialOrgs...) {
			if o.kind == organization.KindVOLUNTEER_TEAM || o.status == organization.RegistrationStatusFILED {
				leads = append(leads, o)
			}
		}
	}
	stages := []project.Stage{stImpl, stImpl, stImpl, stEval, stClosed, stShow}
	defs := make([]projectDef, s.scale.ExtraProjects)
	for i := range defs {
		lead := pick(r, leads)
		domain := pick(r, generalDomains)
		start := dayBetween(r, date(2019, 1, 1), date(2025, 6, 30))
		end := start.AddDate(between(r, 1, 4), 0, -1)
		stage := pick(r, stages)
		if end.Before(ReferenceDate) {
			stage = stClosed
		}
		defs[i] = projectDef{
			Name:    fmt.Sprintf("%s·%s（%d）", lead.town.def.Name, pick(r, servicePhrases[domain]), i+1),
			Domains: []string{domain}, Lead: lead.name, Regions: []string{lead.town.def.Code},
			Stage: stage, Start: start.Format("2006-01-02"), End: end.Format("2006-01-02"),
		}
	}
	return defs
}
