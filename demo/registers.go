package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/competitionround"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/partycoverage"
	"github.com/tongxing/tongxing/ent/servicepoint"
	"github.com/tongxing/tongxing/ent/servicepointhours"
)

// The rest of the Xiuzhou model: Party-organisation coverage of the
// social organisations, service points, and the project competitions
// (docs/registers.md).

// ---- Party coverage ----

// partyBranches gives some social organisations a Party branch of their
// own (单独建) and each town a joint branch (联合建) for the small ones.
// They are added before the volunteer teams, which must come last.
func (s *seeder) addPartyBranches() {
	r := s.rng("party-branches")
	s.ownBranch = map[*org]*org{}
	branch := func(o *org) {
		s.ownBranch[o] = s.addOrg(&org{name: "中共" + o.name + "支部委员会", kind: organization.KindPARTY_ORGANIZATION, region: o.region,
			description: "社会组织党支部（单独建）：依据《社会组织党建工作指引》标准化建设。"})
	}
	for _, a := range s.agencies {
		branch(a)
	}
	branch(s.federation)
	for _, o := range s.socialOrgs {
		if o.status == organization.RegistrationStatusREGISTERED && o.legalForm == organization.LegalFormSOCIAL_SERVICE_AGENCY && chance(r, 0.35) {
			branch(o)
		}
	}
	s.jointBranch = s.addOrg(&org{name: "中共嘉兴市秀洲区社会组织第一联合支部委员会", kind: organization.KindPARTY_ORGANIZATION, region: s.district,
		description: "社会组织联合党支部（联合建）：覆盖党员人数不足的区级社会组织。"})
	for _, t := range s.towns {
		t.jointBranch = s.addOrg(&org{name: "中共" + t.def.Name + "社会组织联合支部委员会", kind: organization.KindPARTY_ORGANIZATION, region: t.div,
			description: "镇（街道）社会组织联合党支部（联合建）：覆盖辖区党员人数不足的社会组织。"})
	}
}

// guideTerms places an organisation in the guide's taxonomy by its
// category in the register.
var guideTerms = map[string][2]string{
	"trade-association":  {"trade", "trade-industry"},
	"science-technology": {"science", "science-service"},
	"charity":            {"charity", "charity-foundation"},
	"culture-sports":     {"charity", "charity-culture"},
	"life-services":      {"community", "community-life"},
	"community-affairs":  {"community", "community-affairs"},
	"community-services": {"community", "community-charity"},
}

type coveragePlan struct {
	org    *org
	method partycoverage.Method
	party  *org
	start  time.Time
	end    *time.Time
}

func (s *seeder) seedPartyCoverage() error {
	r := s.rng("party-coverage")
	var plans []coveragePlan
	covered := append(append([]*org{}, s.agencies...), s.federation)
	covered = append(covered, s.socialOrgs...)
	for _, o := range covered {
		since := o.founded
		if since.IsZero() || since.Before(date(2016, 1, 1)) {
			since = date(2016, 1, 1)
		}
		start := dayBetween(r, since.AddDate(0, 6, 0), earlier(ReferenceDate.AddDate(0, -2, 0), since.AddDate(4, 0, 0)))
		var method partycoverage.Method
		var party *org
		joint := s.jointBranch
		instructorFrom := s.partyOrg
		if o.town != nil {
			joint, instructorFrom = o.town.jointBranch, o.town.party
		}
		switch b := s.ownBranch[o]; {
		case b != nil:
			method, party = partycoverage.MethodOWN_BRANCH, b
		case o.status == organization.RegistrationStatusREGISTERED:
			switch weighted(r, []int{60, 30, 10}) {
			case 0:
				method, party = partycoverage.MethodJOINT_BRANCH, joint
			case 1:
				method, party = partycoverage.MethodINSTRUCTOR, s.partyOrg
			default:
				method = partycoverage.MethodNOT_COVERED
			}
		default:
			switch weighted(r, []int{45, 30, 25}) {
			case 0:
				method, party = partycoverage.MethodINSTRUCTOR, instructorFrom
			case 1:
				method, party = partycoverage.MethodJOINT_BRANCH, joint
			default:
				method = partycoverage.MethodNOT_COVERED
			}
		}
		// A branch of its own or a joint branch often followed a few years
		// with an instructor: the history stays on record.
		if method != partycoverage.MethodINSTRUCTOR && method != partycoverage.MethodNOT_COVERED && chance(r, 0.3) {
			first := dayBetween(r, since, start.AddDate(0, -3, 0))
			if first.Before(start) {
				end := start.AddDate(0, 0, -1)
				plans = append(plans, coveragePlan{o, partycoverage.MethodINSTRUCTOR, instructorFrom, first, &end})
			}
		}
		plans = append(plans, coveragePlan{o, method, party, start, nil})
	}
	bs := make([]*ent.PartyCoverageCreate, len(plans))
	for i, p := range plans {
		terms := guideTerms["community-services"]
		if len(p.org.categories) > 0 {
			if t, ok := guideTerms[p.org.categories[0]]; ok {
				terms = t
			}
		}
		switch {
		case p.org.kind == organization.KindSOCIAL_WORK_AGENCY:
			terms = [2]string{"charity", "charity-social-work"}
		case p.org == s.federation:
			terms = [2]string{"charity", "charity-volunteer"}
		}
		b := s.tx.PartyCoverage.Create().SetOrganizationID(p.org.id).SetMethod(p.method).SetStartedOn(p.start).
			SetNillableEndedOn(p.end).SetCategoryID(s.term(taxPartyGuide, terms[0])).SetSubcategoryID(s.term(taxPartyGuide, terms[1]))
		if p.party != nil {
			b.SetPartyOrganizationID(p.party.id)
		}
		if p.method == partycoverage.MethodINSTRUCTOR {
			b.SetNote("由" + p.party.name + "选派党建指导员")
		}
		bs[i] = b
	}
	_, err := saveAll[ent.PartyCoverage](s.ctx, bs, s.tx.PartyCoverage.CreateBulk)
	return err
}

// ---- service points ----

// townCentres are approximate WGS-84 centres of the towns, for placing
// the demo's service points (illustrative, not surveyed).
var townCentres = map[string][2]float64{
	"330411002": {30.7735, 120.7060}, "330411003": {30.7930, 120.7440}, "330411004": {30.7580, 120.7380},
	"330411005": {30.7820, 120.7200}, "330411101": {30.8700, 120.6990}, "330411103": {30.8190, 120.7880},
	"330411104": {30.8310, 120.6200}, "330411105": {30.6890, 120.6510}, "330411106": {30.7480, 120.6100},
}

type pointDef struct {
	Name     string
	Kind     servicepoint.Kind
	Town     string
	Operator string // an organisation name; "" for the town's Party service centre
	Projects []string
	Services []string
	Targets  []string
	Hours    string // "lunch", "office", "day-care" or "weekend"
	Opened   string
	Text     string
}

var pointDefs = []pointDef{
	{"新塍社区老年食堂", servicepoint.KindCANTEEN, "330411104", "嘉兴市秀洲区新塍镇居家养老服务中心",
		[]string{ProjectNuanxinfan, "一口暖心饭·新塍社区爱心食堂"}, []string{"dine-in", "meal-delivery"}, []string{"elderly"}, "lunch", "2021-05-01",
		"“一口暖心饭”爱心食堂：工作日午餐堂食，高龄、独居老人送餐上门，党员志愿者轮值。"},
	{"南湖村爱心食堂", servicepoint.KindCANTEEN, "330411104", "嘉兴市秀洲区新塍镇居家养老服务中心",
		[]string{ProjectNuanxinfan, "一口暖心饭·南湖村爱心食堂"}, []string{"dine-in"}, []string{"elderly"}, "lunch", "2022-03-01",
		"村老年食堂助餐，党员志愿者轮值。"},
	{"王店镇梅溪老年食堂", servicepoint.KindCANTEEN, "330411105", "嘉兴市秀洲区王店镇居家养老服务中心",
		nil, []string{"dine-in", "meal-delivery"}, []string{"elderly"}, "lunch", "2022-06-01", "社区老年食堂，午餐堂食与送餐。"},
	{"王店镇康养融合服务站", servicepoint.KindCARE_AND_HEALTH, "330411105", "嘉兴市秀洲区王店镇居家养老服务中心",
		nil, []string{"health-check", "counselling", "culture-activities"}, []string{"elderly"}, "day-care", "2023-03-01",
		"志愿者定期组织健康检查、心理咨询和文艺活动。"},
	{"高照街道阳光助残驿站", servicepoint.KindDISABILITY_SUPPORT, "330411005", "",
		nil, []string{"rehabilitation", "day-care"}, []string{"disabled"}, "day-care", "2022-09-01", "社区助残：康复训练、日间照料，“阳光助残”志愿服务队驻点服务。"},
	{"新城街道康养融合服务站", servicepoint.KindCARE_AND_HEALTH, "330411002", "",
		nil, []string{"health-check", "day-care"}, []string{"elderly"}, "day-care", "2023-05-01", "康养融合：健康检查和日间照料。"},
	{"洪合镇爱心食堂", servicepoint.KindCANTEEN, "330411106", "",
		nil, []string{"dine-in"}, []string{"elderly", "low-income-families"}, "lunch", "2024-01-08", "党群服务中心牵头的爱心食堂，午餐助餐。"},
	{"嘉北街道社区助残服务点", servicepoint.KindDISABILITY_SUPPORT, "330411003", "",
		nil, []string{"rehabilitation", "errands"}, []string{"disabled"}, "weekend", "2024-04-01", "周末助残服务与代办。"},
}

// weekly sessions by pattern: weekdays and the minutes they open and close.
var hourPatterns = map[string]struct {
	days     []servicepointhours.Weekday
	sessions [][2]int
}{
	"lunch": {[]servicepointhours.Weekday{servicepointhours.WeekdayMONDAY, servicepointhours.WeekdayTUESDAY, servicepointhours.WeekdayWEDNESDAY,
		servicepointhours.WeekdayTHURSDAY, servicepointhours.WeekdayFRIDAY}, [][2]int{{10*60 + 30, 12*60 + 30}}},
	"office": {[]servicepointhours.Weekday{servicepointhours.WeekdayMONDAY, servicepointhours.WeekdayTUESDAY, servicepointhours.WeekdayWEDNESDAY,
		servicepointhours.WeekdayTHURSDAY, servicepointhours.WeekdayFRIDAY}, [][2]int{{8*60 + 30, 11*60 + 30}, {13*60 + 30, 17 * 60}}},
	"day-care": {[]servicepointhours.Weekday{servicepointhours.WeekdayMONDAY, servicepointhours.WeekdayTUESDAY, servicepointhours.WeekdayWEDNESDAY,
		servicepointhours.WeekdayTHURSDAY, servicepointhours.WeekdayFRIDAY, servicepointhours.WeekdaySATURDAY}, [][2]int{{8 * 60, 17 * 60}}},
	"weekend": {[]servicepointhours.Weekday{servicepointhours.WeekdaySATURDAY, servicepointhours.WeekdaySUNDAY}, [][2]int{{9 * 60, 16 * 60}}},
}

func (s *seeder) seedServicePoints() error {
	r := s.rng("service-points")
	defs := append([]pointDef{}, pointDefs...)
	// Every town's Party service centre keeps a Party–mass service desk.
	for _, t := range s.towns {
		defs = append(defs, pointDef{Name: t.def.Name + "党群服务中心服务窗口", Kind: servicepoint.KindPARTY_MASS_SERVICE, Town: t.def.Code,
			Services: []string{"policy-advice", "errands"}, Hours: "office", Opened: "2020-01-01",
			Text: "党群服务中心“一站式”窗口：政策咨询、代办服务，党员“双报到、双服务”接待。"})
	}
	byName := map[string]*proj{}
	for _, p := range s.projects {
		byName[p.def.Name] = p
	}
	for _, d := range defs {
		t := s.division(d.Town).town
		community := pick(r, t.communities)
		for _, c := range t.communities {
			if strings.Contains(d.Name, c.name) {
				community = c // 新塍社区老年食堂 is in 新塍社区
			}
		}
		operator := t.psc
		if d.Operator != "" {
			operator = s.org(d.Operator)
		}
		c := townCentres[d.Town]
		lat := math.Round((c[0]+(r.Float64()-0.5)*0.02)*1e6) / 1e6
		lon := math.Round((c[1]+(r.Float64()-0.5)*0.02)*1e6) / 1e6
		b := s.tx.ServicePoint.Create().SetName(d.Name).SetKind(d.Kind).SetDescription(d.Text).
			SetAddress(fmt.Sprintf("嘉兴市秀洲区%s%s%d号", t.def.Name, community.name, between(r, 1, 300))).
			SetLatitude(lat).SetLongitude(lon).SetContactPhone(officePhone(r)).
			SetRegionID(community.id).SetOperatorID(operator.id).SetLeadID(t.psc.id).SetOpenedOn(mustDate(d.Opened)).
			AddServiceIDs(s.termIDs(taxPointService, d.Services)...).AddTargetGroupIDs(s.termIDs(taxTarget, d.Targets)...)
		for _, name := range d.Projects {
			p, ok := byName[name]
			if !ok {
				s.fail("unknown project %q", name)
				continue
			}
			b.AddProjectIDs(p.id)
		}
		point, err := b.Save(s.ctx)
		if err != nil {
			return err
		}
		pattern := hourPatterns[d.Hours]
		var hs []*ent.ServicePointHoursCreate
		for _, day := range pattern.days {
			for _, sess := range pattern.sessions {
				hs = append(hs, s.tx.ServicePointHours.Create().SetServicePointID(point.ID).SetWeekday(day).SetOpensAt(sess[0]).SetClosesAt(sess[1]))
			}
		}
		if err := s.tx.ServicePointHours.CreateBulk(hs...).Exec(s.ctx); err != nil {
			return err
		}
		// The National Day holidays and the New Year's day off.
		var es []*ent.ServicePointExceptionCreate
		for _, day := range []time.Time{date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 3), date(2027, 1, 1)} {
			es = append(es, s.tx.ServicePointException.Create().SetServicePointID(point.ID).SetDate(day).SetReason("节假日休息"))
		}
		if d.Kind == servicepoint.KindCANTEEN {
			// The Double Ninth (重阳节) lunch runs longer.
			es = append(es, s.tx.ServicePointException.Create().SetServicePointID(point.ID).SetDate(date(2026, 10, 29)).
				SetOpensAt(10*60).SetClosesAt(14*60).SetReason("重阳节敬老午宴"))
		}
		if err := s.tx.ServicePointException.CreateBulk(es...).Exec(s.ctx); err != nil {
			return err
		}
	}
	return nil
}

// ---- competitions ----

type roundDef struct {
	Name      string
	Kind      competitionround.Kind
	Year      int
	Budget    float64
	Organizer string
	Open      string
	Close     string
	Announced string // "" while it is under review
	Themes    []string
	Named     []string // projects the report names, applying first
	Others    int      // further applications, drawn from the register
	Awards    []award  // by rank
	Text      string
}

type award struct {
	Prize  string
	Amount float64
}

var roundDefs = []roundDef{
	{Name: "2021年秀洲区志愿服务项目大赛", Kind: competitionround.KindVOLUNTEER_PROJECT, Year: 2021, Budget: 100000, Organizer: VolunteerFed,
		Open: "2021-03-01", Close: "2021-04-15", Announced: "2021-06-18", Themes: []string{"elderly-care", "education-aid", "childcare", "youth"},
		Named: []string{ProjectHongxin56, ProjectQinzi, ProjectNuanxinfan}, Others: 6,
		Awards: []award{{"一等奖", 20000}, {"二等奖", 15000}, {"二等奖", 15000}, {"三等奖", 10000}, {"三等奖", 10000}, {"优秀奖", 5000}},
		Text:   "挖掘和培育具有创新性和可持续性的志愿服务项目；获奖项目列为区志愿服务项目大赛培育项目。"},
	{Name: "2021年秀洲区社会组织公益创投大赛", Kind: competitionround.KindVENTURE_PHILANTHROPY, Year: 2021, Budget: 400000, Organizer: CivilAffairsBureau,
		Open: "2021-05-10", Close: "2021-06-30", Announced: "2021-08-20", Themes: []string{"elderly-care", "disability", "community-governance", "childcare"},
		Others: 8, Awards: []award{{"一等奖", 80000}, {"二等奖", 60000}, {"二等奖", 60000}, {"三等奖", 40000}, {"三等奖", 40000}},
		Text: "以公益创投方式资助社会组织实施社区服务项目，资金由区民政局福利彩票公益金列支。"},
	{Name: "2026年秀洲区社会组织公益创投大赛", Kind: competitionround.KindVENTURE_PHILANTHROPY, Year: 2026, Budget: 500000, Organizer: CivilAffairsBureau,
		Open: "2026-07-01", Close: "2026-08-31", Themes: []string{"elderly-care", "disability", "employment"}, Others: 7,
		Text: "评审中：评分、名次和资助结果在公布后公开。"},
}

func (s *seeder) seedCompetitions() error {
	r := s.rng("competitions")
	byName := map[string]*proj{}
	for _, p := range s.projects {
		byName[p.def.Name] = p
	}
	for _, d := range roundDefs {
		b := s.tx.CompetitionRound.Create().SetName(d.Name).SetKind(d.Kind).SetYear(d.Year).SetBudget(d.Budget).
			SetOrganizerID(s.org(d.Organizer).id).SetApplicationsOpenOn(mustDate(d.Open)).SetApplicationsCloseOn(mustDate(d.Close)).
			SetDescription(d.Text).AddThemeIDs(s.termIDs(taxDomain, d.Themes)...)
		if d.Announced != "" {
			b.SetStatus(competitionround.StatusCLOSED).SetAnnouncedOn(mustDate(d.Announced))
		} else {
			b.SetStatus(competitionround.StatusREVIEWING)
		}
		rd, err := b.Save(s.ctx)
		if err != nil {
			return err
		}
		open, closes := mustDate(d.Open), mustDate(d.Close)
		var entrants []*proj
		for _, name := range d.Named {
			p, ok := byName[name]
			if !ok {
				s.fail("unknown project %q", name)
				continue
			}
			entrants = append(entrants, p)
		}
		entrants = append(entrants, s.drawEntrants(r, d, entrants, closes)...)
		type scored struct {
			app  *ent.CompetitionApplication
			proj *proj
			mean float64
		}
		var apps []scored
		for i, p := range entrants {
			requested := math.Round(float64(between(r, 3, 10))) * 10000
			a, err := s.tx.CompetitionApplication.Create().SetRoundID(rd.ID).SetApplicantID(p.lead.id).SetProjectID(p.id).
				SetRequestedAmount(requested).SetSubmittedOn(dayBetween(r, open, closes)).
				SetSummary(p.def.Description).Save(s.ctx)
			if err != nil {
				return err
			}
			// Five reviewers; the named projects were the round's best.
			base := 70 + r.Float64()*15
			if i < len(d.Named) {
				base = 88 + r.Float64()*6 - float64(i)
			}
			var sum float64
			var rs []*ent.CompetitionReviewCreate
			for _, seat := range []string{"A", "B", "C", "D", "E"} {
				sc := math.Round(math.Min(99, base+(r.Float64()-0.5)*8)*10) / 10
				sum += sc
				rs = append(rs, s.tx.CompetitionReview.Create().SetApplicationID(a.ID).SetReviewer(seat).SetScore(sc))
			}
			if err := s.tx.CompetitionReview.CreateBulk(rs...).Exec(s.ctx); err != nil {
				return err
			}
			apps = append(apps, scored{a, p, sum / 5})
		}
		if d.Announced == "" {
			continue
		}
		sort.SliceStable(apps, func(i, j int) bool { return apps[i].mean > apps[j].mean })
		for rank, aw := range d.Awards {
			if rank >= len(apps) {
				break
			}
			a := apps[rank]
			if err := s.tx.CompetitionAward.Create().SetApplicationID(a.app.ID).SetRank(rank + 1).SetPrize(aw.Prize).
				SetAmount(aw.Amount).Exec(s.ctx); err != nil {
				return err
			}
			if d.Kind == competitionround.KindVENTURE_PHILANTHROPY {
				// The award funds the project, as closeCompetitionRound
				// does for a round closed through the API.
				if err := s.tx.Project.UpdateOneID(a.proj.id).SetFundingSource(fVenture).SetFundingAmount(aw.Amount).Exec(s.ctx); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// drawEntrants picks d.Others top-level projects whose lead may apply: led
// by a social organisation or agency (venture philanthropy) or by anyone
// (the volunteer-project competition), running by the close of
// applications, and not already entered.
func (s *seeder) drawEntrants(r *rand.Rand, d roundDef, taken []*proj, closes time.Time) []*proj {
	skip := map[*proj]bool{}
	for _, p := range taken {
		skip[p] = true
	}
	var pool []*proj
	for _, p := range s.projects {
		if skip[p] || p.parent != nil || p.start.IsZero() || p.start.After(closes.AddDate(1, 0, 0)) || (!p.end.IsZero() && p.end.Before(closes)) {
			continue
		}
		if d.Kind == competitionround.KindVENTURE_PHILANTHROPY &&
			p.lead.kind != organization.KindSOCIAL_ORGANIZATION && p.lead.kind != organization.KindSOCIAL_WORK_AGENCY {
			continue
		}
		pool = append(pool, p)
	}
	r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	return pool[:min(d.Others, len(pool))]
}
