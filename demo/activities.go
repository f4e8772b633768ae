package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/projectparticipation"
	"github.com/tongxing/tongxing/ent/servicerecord"
)

// activitiesPerYear grows year on year, as the programme did; 2026 runs to
// the reference date (31 October).
var activitiesPerYear = []struct{ year, n int }{
	{2020, 300}, {2021, 400}, {2022, 500}, {2023, 600}, {2024, 700}, {2025, 800}, {2026, 700},
}

// generalDomains are what volunteer teams and community organisations do
// outside projects.
var generalDomains = []string{"elderly-care", "community-governance", "environment", "public-safety", "culture-sports", "youth"}

// servicePhrases name SERVICE activities, by domain.
var servicePhrases = map[string][]string{
	"elderly-care":         {"爱心助餐", "独居老人上门探访", "老年健康义诊", "适老化改造入户评估", "银龄集体生日会"},
	"childcare":            {"周末亲子托管", "婴幼儿照护讲座", "假期托管班"},
	"disability":           {"残疾人康复陪伴", "助残出行日", "阳光手工坊"},
	"employment":           {"就业政策宣讲", "技能培训班", "招聘对接会"},
	"agriculture":          {"田间农技课堂", "农产品供需对接", "助农采摘"},
	"youth":                {"四点半课堂", "青少年成长小组", "青少年成长营"},
	"mental-health":        {"心理健康讲座", "情绪减压团辅", "心理咨询进社区"},
	"community-governance": {"民情恳谈会", "楼道微治理", "小区议事会"},
	"environment":          {"河道保洁巡查", "垃圾分类督导", "环境卫生大扫除"},
	"public-safety":        {"平安巡防", "反诈宣传", "消防安全检查"},
	"culture-sports":       {"文艺汇演", "全民健身指导", "书画培训"},
	"education-aid":        {"助学金发放", "圆梦微心愿", "学业辅导"},
}

var kindPhrases = map[activity.Kind][]string{
	activity.KindTRAINING:         {"志愿者骨干培训", "志愿服务技能培训", "《志愿服务管理实务手册》培训"},
	activity.KindSUPERVISION:      {"专业社工督导", "个案督导会", "项目督导"},
	activity.KindPUBLICITY:        {"项目宣传进社区", "志愿服务集市", "“" + Brand + "”主题宣传"},
	activity.KindLIVESTREAM_SALES: {"助农直播带货", "农产品直播专场"},
	activity.KindOTHER:            {"志愿者座谈会", "志愿服务表彰会"},
}

// serviceContent is what one volunteer did, by domain (SERVICE) or kind.
var serviceContent = map[string][]string{
	"elderly-care":         {"助餐配送", "陪伴聊天", "测量血压", "打扫卫生", "代购代办"},
	"childcare":            {"看护陪伴", "亲子游戏带领", "绘本共读"},
	"disability":           {"康复训练陪护", "出行陪同", "手工课程协助"},
	"employment":           {"岗位信息讲解", "简历指导", "技能培训协助"},
	"agriculture":          {"田间农技指导", "农产品分拣包装", "农户走访"},
	"youth":                {"作业辅导", "兴趣课程带领", "成长陪伴"},
	"mental-health":        {"心理疏导陪伴", "团体辅导协助", "心理测评协助"},
	"community-governance": {"入户走访", "议事会记录", "楼道清理"},
	"environment":          {"河道巡查", "垃圾分类督导", "卫生死角清理"},
	"public-safety":        {"治安巡防", "反诈宣传讲解", "消防隐患排查"},
	"culture-sports":       {"文艺节目表演", "场地布置", "健身指导"},
	"education-aid":        {"助学金发放协助", "学业辅导", "家访"},
	"LIVESTREAM_SALES":     {"直播间场控", "商品讲解", "订单打包发货", "直播脚本撰写"},
	"PUBLICITY":            {"发放宣传资料", "现场讲解咨询", "摄影摄像", "活动签到引导"},
	"TRAINING":             {"参加志愿者培训", "培训助教"},
	"SUPERVISION":          {"参加专业督导", "个案研讨"},
	"OTHER":                {"参加志愿者座谈会"},
}

// communityPlaces and townPlaces are where activities happen, by domain
// (or LIVESTREAM_SALES); "" is any domain. A place is the division's name
// followed by one of these.
var communityPlaces = map[string][]string{
	"":                 {"党群服务站", "新时代文明实践站", "文化礼堂"},
	"elderly-care":     {"居家养老服务照料中心", "老年食堂"},
	"childcare":        {"儿童之家", "四点半课堂"},
	"youth":            {"儿童之家", "四点半课堂"},
	"education-aid":    {"儿童之家", "党群服务站"},
	"agriculture":      {"家庭农场", "农产品展销点"},
	"environment":      {"河道沿线", "公共区域"},
	"public-safety":    {"沿街商铺", "小区"},
	"LIVESTREAM_SALES": {"助农直播间"},
}

var townPlaces = map[string][]string{
	"":                 {"党群服务中心", "新时代文明实践所", "文体中心"},
	"elderly-care":     {"居家养老服务中心", "老年食堂"},
	"youth":            {"中心小学"},
	"education-aid":    {"中心小学"},
	"agriculture":      {"农产品展销中心"},
	"LIVESTREAM_SALES": {"助农直播间"},
}

var rejectNotes = []string{
	"服务时长与签到记录不符，请核对后重新提交。",
	"未在活动签到表中找到该志愿者。",
	"重复提交的记录。",
	"该岗位未实际开展，记录不予认定。",
}

type plannedActivity struct {
	start, end    time.Time
	kind          activity.Kind
	org           *org
	p             *proj
	where         *division
	domain        string
	title, place  string
	phrase        string
	beneficiaries int
	id            int
}

func (s *seeder) seedActivities() error {
	r := s.rng("activities")
	var days []time.Time
	for _, y := range activitiesPerYear {
		last := earlier(date(y.year, 12, 31), ReferenceDate)
		for k := 0; k < y.n*s.scale.PerYear; k++ {
			days = append(days, dayBetween(r, date(y.year, 1, 1), last))
		}
	}
	// Chronological order, so ids grow with time as they would in real use.
	slices.SortStableFunc(days, func(a, b time.Time) int { return a.Compare(b) })

	acts := make([]*plannedActivity, len(days))
	for i, d := range days {
		acts[i] = s.planActivity(r, d)
	}
	bs := make([]*ent.ActivityCreate, len(acts))
	for i, a := range acts {
		b := s.tx.Activity.Create().SetTitle(a.title).SetKind(a.kind).SetOrganizationID(a.org.id).
			SetRegionID(a.where.id).SetPlace(a.place).SetStartsAt(a.start).SetEndsAt(a.end).
			SetBeneficiaries(a.beneficiaries).SetDescription(s.activityDescription(r, a))
		if a.p != nil {
			b.SetProjectID(a.p.id)
		}
		bs[i] = b
	}
	created, err := saveAll[ent.Activity](s.ctx, bs, s.tx.Activity.CreateBulk)
	if err != nil {
		return err
	}
	for i, c := range created {
		acts[i].id = c.ID
	}
	return s.seedServiceRecords(acts)
}

// runningOn lists the projects running on day, with their weights, made
// once a day: at ten times the district, scanning 9,500 projects for each
// of 760,000 activities and 114,000 needs took longer than the rest of the
// seed.
func (s *seeder) runningOn(day time.Time) ([]*proj, []int) {
	if l, ok := s.running[day]; ok {
		return l.projects, l.weights
	}
	var l runningList
	for _, p := range s.projects {
		if p.runs(day) {
			l.projects = append(l.projects, p)
			l.weights = append(l.weights, p.weight)
		}
	}
	if s.running == nil {
		s.running = map[time.Time]runningList{}
	}
	s.running[day] = l
	return l.projects, l.weights
}

// runningList is runningOn's answer for one day.
type runningList struct {
	projects []*proj
	weights  []int
}

func (s *seeder) planActivity(r *rand.Rand, day time.Time) *plannedActivity {
	a := &plannedActivity{}
	running, weights := s.runningOn(day)
	if len(running) > 0 && chance(r, 0.8) {
		a.p = running[weighted(r, weights)]
		a.domain = pick(r, a.p.def.Domains)
		a.kind = s.projectActivityKind(r, a.p)
		a.org = s.projectOrganiser(r, a.p, a.kind)
		if a.kind == activity.KindSUPERVISION && a.org.kind != organization.KindSOCIAL_WORK_AGENCY {
			a.kind = activity.KindSERVICE // only an agency supervises
		}
		a.where = pick(r, a.p.regions)
	} else {
		a.domain = pick(r, generalDomains)
		a.kind = []activity.Kind{activity.KindSERVICE, activity.KindPUBLICITY, activity.KindTRAINING, activity.KindOTHER}[weighted(r, []int{80, 10, 8, 2})]
		t := s.weightedTown(r)
		switch x := r.IntN(100); {
		case x < 60:
			a.org = pick(r, t.teams)
		case x < 85 && len(t.socialOrgs) > 0:
			a.org = pick(r, t.socialOrgs)
		default:
			a.org = t.psc
		}
		if a.org.founded.After(day) {
			a.org = pick(r, t.teams) // not founded yet; the teams all predate 2020
		}
		a.where = a.org.region
	}
	// Most activities happen in a community of the town served.
	if t := a.where.town; t != nil && a.where == t.div && chance(r, 0.6) {
		a.where = pick(r, t.communities)
	} else if t == nil {
		a.where = pick(r, s.weightedTown(r).communities)
	}

	hour, minute := pick(r, []int{8, 9, 9, 13, 14, 15}), pick(r, []int{0, 30})
	if a.kind == activity.KindLIVESTREAM_SALES {
		hour, minute = pick(r, []int{14, 19, 19}), 0
	}
	a.start = time.Date(day.Year(), day.Month(), day.Day(), hour, minute, 0, 0, calendar.Zone)
	a.end = a.start.Add(time.Duration(between(r, 2, 8)) * 30 * time.Minute)

	phrases := servicePhrases[a.domain]
	if a.kind != activity.KindSERVICE {
		phrases = kindPhrases[a.kind]
	} else if a.p != nil && len(a.p.phrases()) > 0 {
		phrases = a.p.phrases()
	}
	phrase := pick(r, phrases)
	a.phrase = phrase
	if a.p != nil {
		a.title = phrase + "（" + a.p.def.Name + "）"
	} else {
		a.title = a.where.name + phrase
	}
	a.place = s.place(r, a)
	switch a.kind {
	case activity.KindSERVICE:
		a.beneficiaries = between(r, 5, 80)
		if a.domain == "elderly-care" && strings.Contains(a.place, "食堂") {
			a.beneficiaries = between(r, 30, 120) // meals served
		}
	case activity.KindPUBLICITY:
		a.beneficiaries = between(r, 30, 300)
	case activity.KindLIVESTREAM_SALES:
		a.beneficiaries = between(r, 3, 15) // farming households whose produce was sold
	}
	return a
}

// projectActivityKind: 社工帮 is mostly livestream sales and publicity (the
// report's "370 多场宣传活动以及带货服务"); other projects mostly serve.
func (s *seeder) projectActivityKind(r *rand.Rand, p *proj) activity.Kind {
	kinds := []activity.Kind{activity.KindSERVICE, activity.KindTRAINING, activity.KindSUPERVISION, activity.KindPUBLICITY, activity.KindLIVESTREAM_SALES}
	weights := []int{75, 8, 7, 10, 0}
	if p.def.Name == ProjectShegongbang || (p.parent != nil && p.parent.def.Name == ProjectShegongbang) {
		weights = []int{25, 10, 5, 25, 35}
	}
	return kinds[weighted(r, weights)]
}

// projectOrganiser is usually the lead; partners organise some activities;
// supervision is given by the agency involved.
func (s *seeder) projectOrganiser(r *rand.Rand, p *proj, k activity.Kind) *org {
	if k == activity.KindSUPERVISION {
		for _, pp := range p.participants {
			if pp.org.kind == organization.KindSOCIAL_WORK_AGENCY {
				return pp.org
			}
		}
		return p.lead
	}
	var partners []*org
	for _, pp := range p.participants {
		if pp.role == projectparticipation.RolePARTNER && pp.org.kind != organization.KindENTERPRISE {
			partners = append(partners, pp.org)
		}
	}
	if len(partners) > 0 && chance(r, 0.3) {
		return pick(r, partners)
	}
	return p.lead
}

func (s *seeder) weightedTown(r *rand.Rand) *town {
	ws := make([]int, len(s.towns))
	for i, t := range s.towns {
		ws[i] = t.def.Weight
	}
	return s.towns[weighted(r, ws)]
}

func (s *seeder) place(r *rand.Rand, a *plannedActivity) string {
	t := a.where.town
	table := communityPlaces
	if a.where == t.div {
		table = townPlaces
	}
	key := a.domain
	if a.kind == activity.KindLIVESTREAM_SALES {
		key = string(a.kind)
	}
	suffixes := table[key]
	if a.kind == activity.KindSERVICE && a.p != nil && len(a.p.places()) > 0 {
		suffixes = a.p.places()
	}
	if len(suffixes) == 0 || (a.kind != activity.KindLIVESTREAM_SALES && chance(r, 0.3)) {
		suffixes = table[""]
	}
	suffix := pick(r, suffixes)
	if a.where == t.div {
		if suffix == "党群服务站" {
			suffix = "党群服务中心"
		}
		return t.def.Name + suffix
	}
	return t.def.Name + a.where.name + suffix
}

func (s *seeder) activityDescription(r *rand.Rand, a *plannedActivity) string {
	d := fmt.Sprintf("%s在%s开展%s。", a.org.name, a.place, strings.TrimPrefix(a.title, a.where.name))
	if a.p != nil {
		d = fmt.Sprintf("%s在%s开展%s项目活动：%s。", a.org.name, a.place, a.p.def.Name, a.phrase)
	}
	if chance(r, 0.2) {
		d += "“" + Brand + "”志愿服务品牌活动。"
	}
	return d
}

// ---- service records ----

// poolKey identifies the volunteer pool of an organiser, project and town.
type poolKey struct {
	o *org
	p *proj
	t *town
}

// pool lists who may serve at an activity, in three tiers: the organiser's
// own members; members of its partners and of the project's other
// participants; members of the town's teams and Party service centre, who
// join local activities.
type pool [3][]*member

func (s *seeder) pool(cache map[poolKey]*pool, a *plannedActivity) *pool {
	key := poolKey{a.org, a.p, a.where.town}
	if pl, ok := cache[key]; ok {
		return pl
	}
	pl := &pool{}
	pl[0] = a.org.members
	seen := map[*org]bool{a.org: true}
	addTier := func(tier int, o *org) {
		if !seen[o] {
			seen[o] = true
			pl[tier] = append(pl[tier], o.members...)
		}
	}
	for _, o := range a.org.partners {
		addTier(1, o)
	}
	if a.p != nil {
		for _, pp := range a.p.participants {
			if pp.role != projectparticipation.RoleFUNDER {
				addTier(1, pp.org)
			}
		}
	}
	if t := a.where.town; t != nil {
		if t.tier == nil {
			t.tier = townTier(t)
		}
		if len(t.tier) > largeTier {
			// Shared by every pool in the town, not copied into each:
			// draw samples a tier this large and skips the people it
			// already took through tiers 0 and 1.
			pl[2] = t.tier
		} else {
			for _, o := range t.teams {
				addTier(2, o)
			}
			addTier(2, t.psc)
		}
	}
	cache[key] = pl
	return pl
}

// townTier is everyone in a town's teams and Party service centre.
func townTier(t *town) []*member {
	var all []*member
	for _, o := range append(append([]*org{}, t.teams...), t.psc) {
		all = append(all, o.members...)
	}
	return all
}

// draw picks n distinct people active on day, three quarters from the
// organiser's own members when it has enough.
func (pl *pool) draw(r *rand.Rand, day time.Time, n int, taken []int, mark int) []*member {
	var out []*member
	take := func(tier []*member, k int) {
		if len(tier) > largeTier {
			sampleLarge(r, tier, day, k, taken, mark, &out)
			return
		}
		var eligible []*member
		for _, m := range tier {
			if taken[m.person.idx] != mark && m.active(day) {
				eligible = append(eligible, m)
			}
		}
		for k > 0 && len(eligible) > 0 {
			i := r.IntN(len(eligible))
			m := eligible[i]
			eligible[i] = eligible[len(eligible)-1]
			eligible = eligible[:len(eligible)-1]
			if taken[m.person.idx] == mark {
				continue // the same person through a second membership
			}
			taken[m.person.idx] = mark
			out = append(out, m)
			k--
		}
	}
	take(pl[0], (n*3+3)/4)
	take(pl[1], n-len(out))
	take(pl[2], n-len(out))
	take(pl[0], n-len(out))
	return out
}

// largeTier is the size above which draw samples a tier instead of listing
// everyone eligible in it. No tier of the demo scale is this large, so its
// draws are what they always were; at district scale a town's teams have
// tens of thousands of members and listing them for each of 76,000
// activities would take hours.
const largeTier = 4096

// sampleLarge takes up to k people active on day from a large tier by
// drawing members at random and skipping the ineligible; after a bounded
// number of misses it stops short, as a small tier runs out.
func sampleLarge(r *rand.Rand, tier []*member, day time.Time, k int, taken []int, mark int, out *[]*member) {
	for misses := 0; k > 0 && misses < 20*k+100; {
		m := tier[r.IntN(len(tier))]
		if taken[m.person.idx] == mark || !m.active(day) {
			misses++
			continue
		}
		taken[m.person.idx] = mark
		*out = append(*out, m)
		k--
	}
}

func (s *seeder) seedServiceRecords(acts []*plannedActivity) error {
	r := s.rng("service-records")
	cache := map[poolKey]*pool{}
	taken := make([]int, len(s.people))
	deadline := ReferenceDate.AddDate(0, 0, 1).Add(-8 * time.Hour) // end of the reference day, CST
	var rows []recordRow
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		err := s.insertRecords(rows)
		rows = rows[:0]
		return err
	}
	for i, a := range acts {
		n := between(r, 5, 27)
		if a.kind == activity.KindTRAINING || a.kind == activity.KindSUPERVISION {
			n = between(r, 5, 15)
		}
		day := date(a.start.Year(), a.start.Month(), a.start.Day())
		duration := int(a.end.Sub(a.start).Minutes())
		for _, m := range s.pool(cache, a).draw(r, day, n, taken, i+1) {
			rec := recordRow{personID: m.person.id, activityID: a.id, servedOn: day,
				minutes: recordMinutes(r, duration), content: s.recordContent(r, a)}
			// Records are reviewed within ten days (Art. 11); a few wait
			// in a backlog and a few are rejected.
			reviewed := a.end.Add(time.Duration(between(r, 1, 10)*24+between(r, 0, 6)) * time.Hour)
			switch x := r.Float64(); {
			case reviewed.After(deadline) || x < 0.044:
				rec.status = servicerecord.StatusPENDING
			case x < 0.064:
				rec.status, rec.reviewedAt, rec.reviewNote = servicerecord.StatusREJECTED, reviewed, pick(r, rejectNotes)
			default:
				rec.status, rec.reviewedAt = servicerecord.StatusVERIFIED, reviewed
			}
			rows = append(rows, rec)
			if len(rows) == 20000 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// recordMinutes: most volunteers are credited the activity's length; some
// also set up and travel, some leave early. Always 30–480 minutes.
func recordMinutes(r *rand.Rand, duration int) int {
	m := duration
	switch x := r.IntN(100); {
	case x < 20:
		m += between(r, 1, 4) * 30
	case x < 30:
		m = between(r, 1, max(1, duration/30)) * 30
	}
	return min(max(m, 30), 480)
}

func (s *seeder) recordContent(r *rand.Rand, a *plannedActivity) string {
	if a.kind == activity.KindSERVICE {
		return pick(r, serviceContent[a.domain])
	}
	return pick(r, serviceContent[string(a.kind)])
}
