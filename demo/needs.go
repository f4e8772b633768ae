package demo

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/need"
)

var needsPerYear = []struct{ year, n int }{
	{2022, 100}, {2023, 120}, {2024, 130}, {2025, 140}, {2026, 110},
}

// needDomains weights the domains of resident needs: elderly care and
// community governance problems are the most common.
var needDomains = []struct {
	code   string
	weight int
}{
	{"elderly-care", 18}, {"childcare", 6}, {"disability", 6}, {"employment", 8}, {"agriculture", 7}, {"youth", 10},
	{"mental-health", 5}, {"community-governance", 14}, {"environment", 10}, {"public-safety", 8}, {"culture-sports", 4}, {"education-aid", 4},
}

// needTitles carry no personal data: a need describes a situation, never a
// resident.
var needTitles = map[string][]string{
	"elderly-care":         {"独居老人助餐需求", "高龄老人定期探访需求", "老年人助浴服务需求", "老年人智能手机使用辅导", "适老化改造咨询"},
	"childcare":            {"暑期儿童托管需求", "双职工家庭放学后托管", "婴幼儿照护指导需求"},
	"disability":           {"残疾人出行陪同需求", "残疾人康复训练陪护", "无障碍设施改造建议"},
	"employment":           {"困难家庭劳动力就业推荐", "灵活就业技能培训需求", "失业人员再就业指导"},
	"agriculture":          {"农产品滞销求助", "农户电商开店指导", "果蔬种植技术指导"},
	"youth":                {"青少年课后辅导需求", "留守儿童陪伴需求", "青少年网络安全教育"},
	"mental-health":        {"心理疏导需求", "家庭关系调适需求", "考前心理减压"},
	"community-governance": {"小区停车秩序整治", "楼道堆物清理", "业委会组建协助", "邻里纠纷调解"},
	"environment":          {"河道漂浮物清理", "垃圾分类点位整治", "小区卫生死角清理"},
	"public-safety":        {"电动自行车违规充电劝导", "老旧小区燃气安全检查", "反诈宣传进小区"},
	"culture-sports":       {"社区文艺队排练场地需求", "全民健身指导需求", "老年书法培训需求"},
	"education-aid":        {"困难家庭学生助学需求", "大学新生入学资助咨询", "学习用品捐赠需求"},
}

var needDetails = []string{
	"涉及约%d户，已由网格员核实。",
	"经村（社区）走访收集，涉及约%d户。",
	"通过党群服务中心“民情收集”渠道提出，涉及约%d人。",
	"居民议事会提出，受影响约%d户。",
}

var resolutions = []string{
	"安排志愿者上门服务，需求已解决。",
	"组织专业社工评估后提供服务，已办结。",
	"协调社区和物业共同处置，问题已解决。",
	"组团服务后经回访确认，已解决。",
}

var closures = []string{
	"需求方表示已自行解决，关闭。",
	"不属于志愿服务范围，已转介相关部门。",
	"与已有需求重复，合并处理。",
}

func (s *seeder) seedNeeds() error {
	r := s.rng("needs")
	var days []time.Time
	for _, y := range needsPerYear {
		last := earlier(date(y.year, 12, 31), ReferenceDate)
		for k := 0; k < y.n*s.scale.PerYear; k++ {
			days = append(days, dayBetween(r, date(y.year, 1, 1), last))
		}
	}
	slices.SortStableFunc(days, func(a, b time.Time) int { return a.Compare(b) })

	domainWeights := make([]int, len(needDomains))
	for i, d := range needDomains {
		domainWeights[i] = d.weight
	}
	end := ReferenceDate.AddDate(0, 0, 1).Add(-8 * time.Hour) // end of the reference day, CST
	bs := make([]*ent.NeedCreate, len(days))
	for i, day := range days {
		domain := needDomains[weighted(r, domainWeights)].code
		t := s.weightedTown(r)
		where := t.div
		if chance(r, 0.8) {
			where = pick(r, t.communities)
		}
		title := pick(r, needTitles[domain])
		opened := time.Date(day.Year(), day.Month(), day.Day(), between(r, 8, 20), r.IntN(60), 0, 0, calendar.Zone)
		b := s.tx.Need.Create().SetTitle(title).SetDomainID(s.term(taxDomain, domain)).SetRegionID(where.id).
			SetDescription(fmt.Sprintf("%s%s反映：%s。", t.def.Name, where.nameIn(t), title) + fmt.Sprintf(pick(r, needDetails), between(r, 2, 40))).
			SetUrgency([]need.Urgency{need.UrgencyLOW, need.UrgencyMEDIUM, need.UrgencyHIGH, need.UrgencyCRITICAL}[weighted(r, []int{30, 45, 20, 5})]).
			SetOpenedAt(opened)

		status := needStatus(r, ReferenceDate.Sub(day))
		var resolved time.Time
		switch status {
		case need.StatusRESOLVED:
			resolved = opened.Add(time.Duration(between(r, 1, 60)*24+between(r, 0, 8)) * time.Hour)
		case need.StatusCLOSED:
			resolved = opened.Add(time.Duration(between(r, 1, 30)*24) * time.Hour)
		}
		if !resolved.IsZero() && resolved.After(end) {
			status, resolved = need.StatusMATCHED, time.Time{} // not done by the reference date
		}
		b.SetStatus(status)
		if status == need.StatusMATCHED || status == need.StatusRESOLVED {
			o, p := s.matchNeed(r, domain, t, day)
			b.SetMatchedOrganizationID(o.id)
			if p != nil {
				b.SetMatchedProjectID(p.id)
			}
			if status == need.StatusRESOLVED {
				note := o.name + "对接，" + pick(r, resolutions)
				if p != nil {
					note = o.name + "对接，纳入" + p.def.Name + "项目服务，已回访确认。"
				}
				b.SetResolutionNote(note)
			}
		}
		if status == need.StatusCLOSED {
			b.SetResolutionNote(pick(r, closures))
		}
		if !resolved.IsZero() {
			b.SetResolvedAt(resolved)
		}
		bs[i] = b
	}
	saved, err := saveAll[ent.Need](s.ctx, bs, s.tx.Need.CreateBulk)
	if err != nil {
		return err
	}
	return s.seedRatings(r, saved, end)
}

// ratingsSince is when residents began rating resolved needs (评单) in
// the demo district.
var ratingsSince = date(2026, 5, 1)

// seedRatings: most residents whose need was resolved since ratingsSince
// rated the service within a week, mostly satisfied.
func (s *seeder) seedRatings(r *rand.Rand, needs []*ent.Need, end time.Time) error {
	var bs []*ent.NeedRatingCreate
	for _, n := range needs {
		if n.Status != need.StatusRESOLVED || n.ResolvedAt == nil || n.ResolvedAt.Before(ratingsSince) {
			continue
		}
		rated := n.ResolvedAt.Add(time.Duration(between(r, 2, 7*24)) * time.Hour)
		code := fmt.Sprintf("demo-rating-%d-%d", n.ID, r.Int64())
		b := s.tx.NeedRating.Create().SetNeedID(n.ID).SetCodeHash(fmt.Sprintf("%x", sha256.Sum256([]byte(code)))).
			SetCodeExpiresAt(n.ResolvedAt.Add(30 * 24 * time.Hour)).SetIssuedBy("演示数据 demo").
			SetCreatedAt(*n.ResolvedAt).SetUpdatedAt(*n.ResolvedAt)
		if chance(r, 0.7) && !rated.After(end) {
			b.SetScore(1 + weighted(r, []int{2, 4, 10, 34, 50})).SetRatedAt(rated).SetUpdatedAt(rated)
		}
		bs = append(bs, b)
	}
	_, err := saveAll[ent.NeedRating](s.ctx, bs, s.tx.NeedRating.CreateBulk)
	return err
}

// nameIn is the division's name below its town ("" for the town itself).
func (d *division) nameIn(t *town) string {
	if d == t.div {
		return ""
	}
	return d.name
}

// needStatus: recent needs are still open or being matched; older ones
// are mostly resolved.
func needStatus(r *rand.Rand, age time.Duration) need.Status {
	statuses := []need.Status{need.StatusOPEN, need.StatusMATCHED, need.StatusRESOLVED, need.StatusCLOSED}
	switch days := age.Hours() / 24; {
	case days < 7:
		return statuses[weighted(r, []int{70, 30, 0, 0})]
	case days < 60:
		return statuses[weighted(r, []int{15, 35, 45, 5})]
	default:
		return statuses[weighted(r, []int{2, 5, 83, 10})]
	}
}

// matchNeed prefers a project of the domain running in the town; otherwise
// the town's Party service centre or one of its teams takes the need on,
// and now and then a district-wide project of the domain.
func (s *seeder) matchNeed(r *rand.Rand, domain string, t *town, day time.Time) (*org, *proj) {
	var local, anywhere []*proj
	running, _ := s.runningOn(day)
	for _, p := range running {
		if !p.hasDomain(domain) {
			continue
		}
		anywhere = append(anywhere, p)
		for _, d := range p.regions {
			if d.town == t {
				local = append(local, p)
				break
			}
		}
	}
	switch {
	case len(local) > 0 && chance(r, 0.8):
		p := pick(r, local)
		return p.lead, p
	case len(anywhere) > 0 && chance(r, 0.15):
		p := pick(r, anywhere)
		return p.lead, p
	case chance(r, 0.3):
		return t.psc, nil
	default:
		return pick(r, t.teams), nil
	}
}
