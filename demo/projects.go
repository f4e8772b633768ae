package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/indicator"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/ent/projectparticipation"
)

// ---- indicators ----

func (s *seeder) seedIndicators() error {
	s.indicators = map[string]int{}
	bs := make([]*ent.IndicatorCreate, len(indicators))
	for i, d := range indicators {
		bs[i] = s.tx.Indicator.Create().
			SetCode(d.Code).SetName(d.Name).SetNameEn(d.NameEn).SetUnit(d.Unit).
			SetMeasure(indicator.Measure(d.Measure)).SetAscending(d.Ascending).SetDescription(d.Description)
	}
	created, err := saveAll[ent.Indicator](s.ctx, bs, s.tx.Indicator.CreateBulk)
	if err != nil {
		return err
	}
	for i, c := range created {
		s.indicators[indicators[i].Code] = c.ID
	}
	return nil
}

func (s *seeder) indicator(code string) indicatorDef {
	for _, d := range indicators {
		if d.Code == code {
			return d
		}
	}
	s.fail("unknown indicator %q", code)
	return indicators[0]
}

// ---- projects ----

type participant struct {
	org  *org
	role projectparticipation.Role
}

type proj struct {
	id           int
	def          projectDef
	parent       *proj
	start, end   time.Time // zero while not fixed
	lead         *org
	participants []participant // LEAD first
	regions      []*division
	weight       int
	funding      project.FundingSource
	amount       float64
	awards       []string
}

// runs reports whether the project was under way on day d.
func (p *proj) runs(d time.Time) bool {
	if p.start.IsZero() || d.Before(p.start) {
		return false
	}
	return p.end.IsZero() || !d.After(p.end)
}

// phrases and places are the project's own, or else its parent's.
func (p *proj) phrases() []string {
	if len(p.def.Phrases) == 0 && p.parent != nil {
		return p.parent.phrases()
	}
	return p.def.Phrases
}

func (p *proj) places() []string {
	if len(p.def.Places) == 0 && p.parent != nil {
		return p.parent.places()
	}
	return p.def.Places
}

// hasDomain reports whether the project works in domain.
func (p *proj) hasDomain(domain string) bool {
	for _, d := range p.def.Domains {
		if d == domain {
			return true
		}
	}
	return false
}

func (s *seeder) seedProjects() error {
	r := s.rng("projects")
	byName := map[string]*proj{}
	defs := append(append(append([]projectDef{}, namedProjects...), syntheticProjects...), s.extraProjectDefs()...)
	for i, d := range defs {
		p := &proj{def: d, lead: s.org(d.Lead), weight: d.Weight, funding: d.Funding, amount: d.Amount, awards: d.Awards}
		if d.Start != "" {
			p.start = mustDate(d.Start)
		}
		if d.End != "" {
			p.end = mustDate(d.End)
		}
		if d.Parent != "" {
			p.parent = byName[d.Parent]
			if p.parent == nil {
				s.fail("project %q: parent %q must come first", d.Name, d.Parent)
			}
		}
		for _, c := range d.Regions {
			p.regions = append(p.regions, s.division(c))
		}
		p.participants = []participant{{p.lead, projectparticipation.RoleLEAD}}
		for _, o := range d.Others {
			p.addParticipant(s.org(o.Org), projectparticipation.Role(o.Role))
		}
		if i >= len(namedProjects) {
			s.fillSynthetic(r, p)
		}
		byName[d.Name] = p
		s.projects = append(s.projects, p)
	}

	// Parents before sub-projects, so the sub-projects can point at them.
	var order []*proj
	for _, sub := range []bool{false, true} {
		for _, p := range s.projects {
			if (p.parent != nil) == sub {
				order = append(order, p)
			}
		}
	}
	for _, batch := range [][]*proj{order[:s.countTopLevel()], order[s.countTopLevel():]} {
		bs := make([]*ent.ProjectCreate, len(batch))
		for i, p := range batch {
			b := s.tx.Project.Create().SetName(p.def.Name).SetDescription(p.description()).SetStage(p.def.Stage)
			b.AddDomainIDs(s.termIDs(taxDomain, p.def.Domains)...)
			b.AddTargetGroupIDs(s.termIDs(taxTarget, p.def.Targets)...)
			for _, d := range p.regions {
				b.AddRegionIDs(d.id)
			}
			if !p.start.IsZero() {
				b.SetStartOn(p.start)
			}
			if !p.end.IsZero() {
				b.SetEndOn(p.end)
			}
			if p.funding != "" {
				b.SetFundingSource(p.funding).SetFundingAmount(p.amount)
			}
			if len(p.awards) > 0 {
				b.SetAwards(p.awards)
			}
			if p.parent != nil {
				b.SetParentID(p.parent.id)
			}
			bs[i] = b
		}
		created, err := saveAll[ent.Project](s.ctx, bs, s.tx.Project.CreateBulk)
		if err != nil {
			return err
		}
		for i, c := range created {
			batch[i].id = c.ID
		}
	}

	var pbs []*ent.ProjectParticipationCreate
	for _, p := range s.projects {
		for _, pp := range p.participants {
			pbs = append(pbs, s.tx.ProjectParticipation.Create().SetProjectID(p.id).SetOrganizationID(pp.org.id).SetRole(pp.role))
		}
	}
	_, err := saveAll[ent.ProjectParticipation](s.ctx, pbs, s.tx.ProjectParticipation.CreateBulk)
	return err
}

func (s *seeder) countTopLevel() int {
	n := 0
	for _, p := range s.projects {
		if p.parent == nil {
			n++
		}
	}
	return n
}

// addParticipant adds an organisation once: (project, organisation) is unique.
func (p *proj) addParticipant(o *org, role projectparticipation.Role) {
	for _, pp := range p.participants {
		if pp.org == o {
			return
		}
	}
	p.participants = append(p.participants, participant{o, role})
}

func (p *proj) description() string {
	if p.def.Description != "" {
		return p.def.Description
	}
	return fmt.Sprintf("%s：由%s牵头实施的志愿服务项目，专业社工带领、志愿者广泛参与，“%s”志愿服务品牌系列项目。", p.def.Name, p.lead.name, Brand)
}

// fillSynthetic draws partners, mentor, funder, funding and awards for a
// project from the synthetic table.
func (s *seeder) fillSynthetic(r *rand.Rand, p *proj) {
	p.weight = 2
	var home *town
	if len(p.regions) > 0 {
		home = p.regions[0].town
	}
	if home != nil {
		for k := between(r, 0, 2); k > 0; k-- {
			p.addParticipant(pick(r, home.teams), projectparticipation.RolePARTNER)
		}
		if chance(r, 0.3) && len(home.socialOrgs) > 0 {
			p.addParticipant(pick(r, home.socialOrgs), projectparticipation.RolePARTNER)
		}
	}
	if p.lead.kind != organization.KindSOCIAL_WORK_AGENCY && chance(r, 0.5) {
		p.addParticipant(pick(r, s.agencies), projectparticipation.RoleMENTOR)
	}
	if p.def.Stage == project.StageDESIGN {
		return // not yet funded
	}
	if chance(r, 0.4) {
		p.addParticipant(pick(r, []*org{s.bureau, s.org(CharityFederation)}), projectparticipation.RoleFUNDER)
	}
	p.funding = []project.FundingSource{fVenture, fGov, fCharity, fSelf}[weighted(r, []int{35, 35, 15, 15})]
	p.amount = float64(between(r, 20, 300) * 1000)
	if p.funding == fSelf {
		p.amount = float64(between(r, 2, 30) * 1000)
	}
	if p.def.Stage != project.StageSHOWCASE && chance(r, 0.3) {
		last := min(p.end.Year(), ReferenceDate.Year())
		year := between(r, min(p.start.Year()+1, last), last)
		p.awards = []string{fmt.Sprintf("%s（%d）", pick(r, syntheticAwards), year)}
	}
}

// ---- outcomes ----

const publishedEvidence = "公开报道《浙江嘉兴秀洲区：“专业社工+志愿服务”融合 共绘基层治理新图景》（潮新闻）。"

var syntheticEvidence = []string{
	"项目年度评估报告（示例数据）",
	"服务台账与签到表汇总（示例数据）",
	"第三方评估机构中期评估报告（示例数据）",
	"服务对象满意度问卷汇总（示例数据）",
}

type outcomePlan struct {
	p                        *proj
	indicator                string
	from, to                 time.Time
	baseline, target, actual *float64
	evidence, verifiedBy     string
	comment                  string
}

func f(v float64) *float64 { return &v }

func (s *seeder) seedOutcomes() error {
	r := s.rng("outcomes")
	var plans []outcomePlan
	published := func(p *proj, ind string, actual float64, comment string) {
		plans = append(plans, outcomePlan{p: p, indicator: ind, from: date(2020, 1, 1), to: date(2024, 12, 31),
			actual: f(actual), evidence: publishedEvidence, comment: comment})
	}
	for _, p := range s.projects {
		switch {
		case p.def.Name == ProjectShegongbang:
			const c = "报道口径“五年来”；统计期为假设。"
			published(p, "households-served", ShegongbangHouseholds, c)
			published(p, "household-income-increase", ShegongbangIncomeIncrease, c+"受助农户户均增收。")
			published(p, "activities-held", ShegongbangEvents, c+"报道为“370多场宣传活动以及带货服务”。")
			published(p, "volunteers-engaged", ShegongbangVolunteers, c+"报道为超800人的稳定助农服务志愿服务团队（“社推官”“带货官”）。")
		case p.def.Name == ProjectDailimama:
			const c = "报道口径“从2020年至今”；统计期止日为假设。"
			published(p, "volunteers-engaged", DailimamaVolunteers, c+"项目团队人数。")
			published(p, "children-served", DailimamaChildren, c)
		case p.def.Published:
		default:
			plans = append(plans, s.syntheticOutcomes(r, p)...)
		}
	}
	bs := make([]*ent.OutcomeCreate, len(plans))
	for i, o := range plans {
		b := s.tx.Outcome.Create().SetProjectID(o.p.id).SetIndicatorID(s.indicators[o.indicator]).
			SetPeriodStart(o.from).SetPeriodEnd(o.to).SetEvidence(o.evidence).
			SetNillableBaseline(o.baseline).SetNillableTarget(o.target).SetNillableActual(o.actual)
		if o.verifiedBy != "" {
			b.SetVerifiedBy(o.verifiedBy)
		}
		if o.comment != "" {
			b.SetComment(o.comment)
		}
		bs[i] = b
	}
	_, err := saveAll[ent.Outcome](s.ctx, bs, s.tx.Outcome.CreateBulk)
	return err
}

// syntheticOutcomes gives a running or finished project one measurement
// per calendar year on its domain's indicator and on volunteers engaged, and
// a satisfaction rate for its last finished year. A year still open at the
// reference date has a target but no actual yet.
func (s *seeder) syntheticOutcomes(r *rand.Rand, p *proj) []outcomePlan {
	if p.start.IsZero() || p.start.After(ReferenceDate) {
		return nil
	}
	primary := domainIndicator[p.def.Domains[0]]
	if p.def.Name == ProjectNuanxinfan || (p.parent != nil && p.parent.def.Name == ProjectNuanxinfan) {
		primary = "elderly-meals-served"
	}
	var out []outcomePlan
	end := p.end
	var last *outcomePlan // the primary measurement of the last finished year
	// A project's yearly scale is drawn once and then grows a little each
	// year, so its series reads like one project's.
	scale := map[string]float64{}
	for _, code := range []string{primary, "volunteers-engaged"} {
		d := s.indicator(code)
		scale[code] = d.Lo + r.Float64()*(d.Hi-d.Lo)*0.6
	}
	for y := p.start.Year(); y <= end.Year() && y <= ReferenceDate.Year(); y++ {
		from, to := date(y, 1, 1), date(y, 12, 31)
		if from.Before(p.start) {
			from = p.start
		}
		if to.After(end) {
			to = end
		}
		share := (to.Sub(from).Hours()/24 + 1) / 365
		open := to.After(ReferenceDate)
		for _, code := range []string{primary, "volunteers-engaged"} {
			target := math.Round(scale[code] * share)
			scale[code] *= 1 + 0.15*r.Float64()
			o := outcomePlan{p: p, indicator: code, from: from, to: to, target: f(max(target, 1)),
				evidence: pick(r, syntheticEvidence)}
			if y == p.start.Year() {
				o.baseline = f(0)
			}
			if open {
				o.comment = "统计期未结束，实际值待填报。"
			} else {
				o.actual = f(math.Round(*o.target * (0.8 + 0.45*r.Float64())))
				o.verifiedBy = Recorder
			}
			if !open && code == primary {
				last = &o
			}
			out = append(out, o)
		}
	}
	if last != nil {
		o := outcomePlan{p: p, indicator: "satisfaction-rate", from: last.from, to: last.to,
			target: f(90), actual: f(float64(between(r, 880, 990)) / 10), evidence: syntheticEvidence[3], verifiedBy: Recorder}
		out = append(out, o)
	}
	return out
}
