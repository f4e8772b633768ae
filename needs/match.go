package needs

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/ent/projectparticipation"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/ent/term"
	"github.com/tongxing/tongxing/paging"
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
// Explanation is written for the matches a page returns (Page), not for
// the whole ranking: a district ranks some 1,900 providers per need and
// shows 20, and the text cost more than the scores.
type ScorePart struct {
	Weight      float64
	Value       float64
	Points      float64
	Explanation string

	why reason // what Explanation will say, when it is written later
}

// reasonKind names the sentence a later explanation is.
type reasonKind uint8

const (
	written         reasonKind = iota // Explanation is already set
	activeCapacity                    // active volunteers in 90 days
	skilledCapacity                   // … with matching skills
	trackRecord                       // needs resolved and verified hours in a year
)

// reason holds what a capacity or track-record explanation says: a number
// of people or hours as the caller may see it, and resolved needs.
type reason struct {
	kind     reasonKind
	shown    shownNumber
	resolved int
}

// shownNumber is a figure as the explanation shows it: the whole number,
// "<k" for a count the open data withholds, "x" for withheld hours.
type shownNumber struct {
	value  float64
	below  int
	hidden bool
}

func (n shownNumber) String() string {
	switch {
	case n.hidden:
		return "x"
	case n.below > 0:
		return "<" + strconv.Itoa(n.below)
	}
	return strconv.FormatFloat(n.value, 'f', 0, 64)
}

// text is the explanation r gives.
func (r reason) text() string {
	s := r.shown.String()
	switch r.kind {
	case activeCapacity:
		return fmt.Sprintf("近 90 天活跃志愿者 %s 人 (%s active volunteers in 90 days)", s, s)
	case skilledCapacity:
		return fmt.Sprintf("近 90 天有相关技能的活跃志愿者 %s 人 (%s active volunteers with matching skills in 90 days)", s, s)
	case trackRecord:
		return fmt.Sprintf("近一年办结需求 %d 件、核实时长 %s 小时 (%d needs resolved, %s verified hours in a year)", r.resolved, s, r.resolved, s)
	}
	return ""
}

// MatchParts are the four parts of a score.
type MatchParts struct {
	DomainFit, Nearness, Capacity, TrackRecord ScorePart
}

// explain writes the parts' explanations.
func (p *MatchParts) explain() {
	for _, sp := range []*ScorePart{&p.DomainFit, &p.Nearness, &p.Capacity, &p.TrackRecord} {
		if sp.why.kind != written {
			sp.Explanation, sp.why = sp.why.text(), reason{}
		}
	}
}

// Match is one ranked provider.
type Match struct {
	Kind         MatchKind
	Organization *ent.Organization
	Project      *ent.Project
	Score        float64
	Parts        MatchParts
}

// part is a ScorePart whose explanation is why.
func part(weight, value float64, why string) ScorePart {
	p := partFor(weight, value, reason{})
	p.Explanation = why
	return p
}

// partFor is a ScorePart whose explanation is written from why when a page
// shows it.
func partFor(weight, value float64, why reason) ScorePart {
	value = math.Max(0, math.Min(1, value))
	return ScorePart{Weight: weight, Value: round(value, 1e4), Points: round(weight*value, 1e2), why: why}
}

// round rounds v to 1/scale (scale 100: two decimal places).
func round(v, scale float64) float64 {
	return math.Round(v*scale) / scale
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

// Protection decides how the figures about people inside a score (active
// volunteers, verified hours) reach the caller: exact for the providers
// whose people the caller may read, otherwise through the open data's
// disclosure rules, so that a ranking is no back door to a team's exact,
// small numbers (docs/security.md, "Figures about people").
type Protection struct {
	// Rules protect the figures; nil gives every figure exactly.
	Rules *disclosure.Rules
	// ExactOrganization and ExactProject report whether the caller may read
	// the people behind a provider's figures.
	ExactOrganization, ExactProject func(id int) bool
	// Remember, when set, answers read's value as kept under key while the
	// data has not changed, or reads and keeps it (results.Figures keeps
	// values by the data's fingerprint). nil reads every time.
	// read is given the context to read in: a kept value may be read again
	// in the background, after the request that asked has ended.
	Remember func(ctx context.Context, key string, read func(context.Context) (any, error)) (any, error)
	// HiddenDomains are need domains whose needs are not rows for the
	// caller (needs about children: policy.NeedRows). The needs a provider
	// resolved count without them, or the count less the needs the caller
	// can list would be the number of children's needs a team resolved.
	HiddenDomains []string
}

// providerFacts are the providers a need in one domain is matched against,
// from the public register: teams and agencies, running projects, and how
// well each organisation fits the domain. Read-only once built.
type providerFacts struct {
	orgs     []*ent.Organization
	projects []*ent.Project
	fit      map[int]float64
}

// readProviders reads providerFacts for the domain with id domainID.
func readProviders(ctx context.Context, c *ent.Client, domainID int) (*providerFacts, error) {
	orgs, err := c.Organization.Query().
		Where(organization.KindIn(organization.KindVOLUNTEER_TEAM, organization.KindSOCIAL_WORK_AGENCY)).
		WithRegion().Order(ent.Asc(organization.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	projects, err := c.Project.Query().
		Where(project.StageEQ(project.StageIMPLEMENTATION)).
		WithRegions().WithDomains().Order(ent.Asc(project.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	// Organisations working in the domain: through running, or any, projects.
	fit := map[int]float64{}
	parts, err := c.ProjectParticipation.Query().
		Where(projectparticipation.HasProjectWith(project.HasDomainsWith(term.ID(domainID)))).
		WithProject().All(ctx)
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
	return &providerFacts{orgs: orgs, projects: projects, fit: fit}, nil
}

// kept is read's value through Remember when the caller keeps values,
// else read now.
func (p Protection) kept(ctx context.Context, key string, read func(context.Context) (any, error)) (any, error) {
	if p.Remember == nil {
		return read(ctx)
	}
	return p.Remember(ctx, key, read)
}

// providers is readProviders, kept.
func (p Protection) providers(ctx context.Context, c *ent.Client, domainID int) (*providerFacts, error) {
	v, err := p.kept(ctx, fmt.Sprintf("needs.providers|%d", domainID),
		func(ctx context.Context) (any, error) { return readProviders(ctx, c, domainID) })
	if err != nil {
		return nil, err
	}
	return v.(*providerFacts), nil
}

// resolvedCounts are resolvedNeeds' answer, kept.
type resolvedCounts struct{ byOrg, byProject map[int]int }

// resolved is resolvedNeeds, kept: its window ends at now, to the minute.
func (p Protection) resolved(ctx context.Context, c *ent.Client, now time.Time) (byOrg, byProject map[int]int, err error) {
	minute := now.Truncate(time.Minute)
	v, err := p.kept(ctx, "needs.resolved|"+minute.UTC().Format(time.RFC3339)+"|"+strings.Join(p.HiddenDomains, ","),
		func(ctx context.Context) (any, error) {
			o, pr, err := resolvedNeeds(ctx, c, minute, p.HiddenDomains)
			return &resolvedCounts{o, pr}, err
		})
	if err != nil {
		return nil, nil, err
	}
	r := v.(*resolvedCounts)
	return r.byOrg, r.byProject, nil
}

// recent is recentActivity, kept for the day.
func (p Protection) recent(ctx context.Context, c *ent.Client, now time.Time) (*activityStats, error) {
	v, err := p.kept(ctx, fmt.Sprintf("needs.recentActivity|%s|%t", now.UTC().Format(time.DateOnly), p.Rules != nil),
		func(ctx context.Context) (any, error) { return recentActivity(ctx, c, now, p.Rules) })
	if err != nil {
		return nil, err
	}
	return v.(*activityStats), nil
}

func (p Protection) exact(fn func(int) bool, id int) bool {
	return p.Rules == nil || (fn != nil && fn(id))
}

// Matches ranks volunteer teams, social-work agencies and running projects
// for need id. The need is read under the caller's row rules (a need the
// caller may not read is NOT_FOUND, like one that does not exist); the
// providers' aggregates are read across scopes and reach the caller as
// prot decides.
func Matches(ctx context.Context, c *ent.Client, id int, now time.Time, prot Protection) (*Ranking, error) {
	all := privacy.DecisionContext(ctx, privacy.Allow)
	if n, err := c.Need.Query().Where(need.ID(id)).Exist(ctx); err != nil || !n {
		if err == nil || ent.IsNotFound(err) {
			return nil, apierror.New(apierror.NotFound, "需求不存在 (no such need)")
		}
		return nil, err
	}
	n, err := c.Need.Query().Where(need.ID(id)).WithDomain().WithRegion().Only(all)
	if ent.IsNotFound(err) {
		return nil, apierror.New(apierror.NotFound, "需求不存在 (no such need)")
	}
	if err != nil {
		return nil, err
	}
	domain, needCode := n.Edges.Domain, n.Edges.Region.Code

	prov, err := prot.providers(all, c, domain.ID)
	if err != nil {
		return nil, err
	}
	// The providers are kept across requests: Page gives the matches it
	// returns entities of their own, which resolvers may load edges into.
	orgs, projects, fit := prov.orgs, prov.projects, prov.fit

	act, err := prot.recent(all, c, now)
	if err != nil {
		return nil, err
	}
	orgSkilled, projectSkilled := act.skilled(DomainSkills[domain.Code])
	orgCells, projectCells := act.hoursCells()
	resolvedByOrg, resolvedByProject, err := prot.resolved(all, c, now)
	if err != nil {
		return nil, err
	}

	// count gives a number of people as the caller may see it: exact, or
	// the open data's protected count; a count the open data would withhold
	// scores as half the threshold, whatever it is, and says so.
	count := func(people map[int]bool, exact bool) (value float64, shown shownNumber) {
		if exact {
			n := float64(len(people))
			return n, shownNumber{value: n}
		}
		var c disclosure.Count
		for id := range people {
			c.Add(prot.Rules.RecordKey(disclosure.NSPerson, id))
		}
		r := prot.Rules.Count(c)
		// None is withheld as 1 to k − 1 are: an exact 0 beside "<k" would
		// show the first volunteer's record to anyone watching.
		if r.Status == disclosure.Suppressed || len(people) == 0 {
			k := prot.Rules.K()
			return float64(k) / 2, shownNumber{below: k}
		}
		return float64(r.Value), shownNumber{value: float64(r.Value)}
	}
	capacityPart := func(active, skilled map[int]bool, exact bool) ScorePart {
		if len(DomainSkills[domain.Code]) == 0 {
			n, shown := count(active, exact)
			return partFor(WeightCapacity, n/(3*fullCapacity), reason{kind: activeCapacity, shown: shown})
		}
		n, shown := count(skilled, exact)
		return partFor(WeightCapacity, n/fullCapacity, reason{kind: skilledCapacity, shown: shown})
	}
	trackPart := func(resolved int, hours hoursCell, exact bool) ScorePart {
		h := float64(hours.sum.Minutes) / 60
		shown := shownNumber{value: h}
		if !exact {
			// Resolved needs are a public register count; hours are a
			// figure about the people who served them.
			switch r := prot.Rules.Hours(hours.sum); {
			case r.Status == disclosure.Suppressed || hours.sum.People == 0: // none withheld as few are
				h, shown = 0, shownNumber{hidden: true}
			default:
				h, shown = float64(r.Value), shownNumber{value: float64(r.Value)}
			}
		}
		v := 0.5*math.Min(1, float64(resolved)/fullResolvedNeeds) + 0.5*math.Min(1, h/fullTrackHours)
		return partFor(WeightTrack, v, reason{kind: trackRecord, shown: shown, resolved: resolved})
	}
	orgMatch := func(i int) Match {
		o := orgs[i]
		f := fit[o.ID]
		why := "未开展该领域项目 (no project in this domain)"
		switch f {
		case 1:
			why = "正在开展该领域项目 (runs a project in this domain)"
		case 0.5:
			why = "曾开展该领域项目 (has run a project in this domain)"
		}
		near, nearWhy := nearness(needCode, []string{o.Edges.Region.Code})
		return scored(Match{Kind: KindOrganization, Organization: o, Parts: MatchParts{
			DomainFit:   part(WeightDomain, f, why),
			Nearness:    part(WeightNearness, near, nearWhy),
			Capacity:    capacityPart(act.orgActive[o.ID], orgSkilled[o.ID], prot.exact(prot.ExactOrganization, o.ID)),
			TrackRecord: trackPart(resolvedByOrg[o.ID], orgCells[o.ID], prot.exact(prot.ExactOrganization, o.ID)),
		}})
	}
	projectMatch := func(i int) Match {
		p := projects[i]
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
		return scored(Match{Kind: KindProject, Project: p, Parts: MatchParts{
			DomainFit:   part(WeightDomain, f, why),
			Nearness:    part(WeightNearness, near, nearWhy),
			Capacity:    capacityPart(act.projectActive[p.ID], projectSkilled[p.ID], prot.exact(prot.ExactProject, p.ID)),
			TrackRecord: trackPart(resolvedByProject[p.ID], projectCells[p.ID], prot.exact(prot.ExactProject, p.ID)),
		}})
	}
	r := &Ranking{entries: make([]rankEntry, 0, len(orgs)+len(projects)), match: func(e rankEntry) Match {
		if e.project {
			return projectMatch(int(e.index))
		}
		return orgMatch(int(e.index))
	}}
	for i := range orgs {
		r.entries = append(r.entries, rankEntry{score: orgMatch(i).Score, index: int32(i)})
	}
	for i := range projects {
		r.entries = append(r.entries, rankEntry{score: projectMatch(i).Score, project: true, index: int32(i)})
	}
	// Equal scores: projects first, then the register's order.
	slices.SortFunc(r.entries, func(a, b rankEntry) int {
		switch {
		case a.score != b.score:
			return cmp.Compare(b.score, a.score)
		case a.project != b.project && a.project:
			return -1
		case a.project != b.project:
			return 1
		}
		return cmp.Compare(a.index, b.index)
	})
	return r, nil
}

// scored is m with its score: the sum of the rounded points, so the parts
// a client shows always add up to the score it shows.
func scored(m Match) Match {
	m.Score = round(m.Parts.DomainFit.Points+m.Parts.Nearness.Points+m.Parts.Capacity.Points+m.Parts.TrackRecord.Points, 1e2)
	return m
}

// Ranking is the providers ranked for a need. Only the scores are kept for
// the whole ranking; a page's matches are scored again in full (Page): a
// district ranks some 1,900 providers a need, and a page shows 20.
type Ranking struct {
	entries []rankEntry
	match   func(rankEntry) Match
}

// rankEntry is one provider's place: its score, and which provider.
type rankEntry struct {
	score   float64
	project bool
	index   int32 // in the register's organisations or running projects
}

// Len is the number of ranked providers.
func (r *Ranking) Len() int { return len(r.entries) }

// At returns the match at rank i (0-based), explained, with entities of
// its own (the register's are shared by every request until the data
// changes, and resolvers load edges into the entities they are given).
func (r *Ranking) At(i int) *Match {
	m := r.match(r.entries[i])
	m.Parts.explain()
	if m.Organization != nil {
		o := *m.Organization
		m.Organization = &o
	}
	if m.Project != nil {
		p := *m.Project
		m.Project = &p
	}
	return &m
}

// activityStats are the providers' recent verified records, summed: they
// depend on the data and the day alone, not on the need, so a server may
// keep them until the data changes (Protection.Remember). Read-only once
// built.
type activityStats struct {
	orgActive, projectActive map[int]map[int]bool
	orgHours, projectHours   hoursByProvider
	skillsOf                 map[int][]string // of every active volunteer

	// Derived on first use and kept with the rest: a need's domain names
	// its skills, and a district has a few hundred thousand active
	// volunteer–provider pairs to narrow (skillsKey → *skilledSets).
	bySkills sync.Map
	cells    sync.Once
	orgCells map[int]hoursCell
	prjCells map[int]hoursCell
}

type skilledSets struct {
	once         sync.Once
	org, project map[int]map[int]bool
}

// skilled is narrowSkilled, once per list of skills.
func (s *activityStats) skilled(skills []string) (org, project map[int]map[int]bool) {
	v, _ := s.bySkills.LoadOrStore(strings.Join(skills, "\x00"), &skilledSets{})
	sets := v.(*skilledSets)
	sets.once.Do(func() { sets.org, sets.project = s.narrowSkilled(skills) })
	return sets.org, sets.project
}

// hoursCells are the providers' hours cells, folded once.
func (s *activityStats) hoursCells() (org, project map[int]hoursCell) {
	s.cells.Do(func() {
		s.orgCells, s.prjCells = s.orgHours.cells(), s.projectHours.cells()
	})
	return s.orgCells, s.prjCells
}

// narrowSkilled narrows the active volunteers to those with one of skills.
func (s *activityStats) narrowSkilled(skills []string) (org, project map[int]map[int]bool) {
	org, project = map[int]map[int]bool{}, map[int]map[int]bool{}
	if len(skills) == 0 {
		return org, project
	}
	want := map[string]bool{}
	for _, sk := range skills {
		want[sk] = true
	}
	has := func(person int) bool {
		for _, sk := range s.skillsOf[person] {
			if want[sk] {
				return true
			}
		}
		return false
	}
	narrow := func(dst, src map[int]map[int]bool) {
		for provider, people := range src {
			for person := range people {
				if has(person) {
					if dst[provider] == nil {
						dst[provider] = map[int]bool{}
					}
					dst[provider][person] = true
				}
			}
		}
	}
	narrow(org, s.orgActive)
	narrow(project, s.projectActive)
	return org, project
}

// hoursCell is one provider's verified minutes as a disclosure Sum, built
// per person (minutes and the keys of their records).
type hoursCell struct{ sum disclosure.Sum }

// hoursByProvider collects, per provider, each person's minutes and record
// keys; cell folds them into a Sum. Without rules the keys stay zero: the
// exact minutes are all that is read.
type hoursByProvider struct {
	rules   *disclosure.Rules
	minutes map[int]map[int]int64
	keys    map[int]map[int]disclosure.Key
}

func newHoursByProvider(rules *disclosure.Rules) hoursByProvider {
	return hoursByProvider{rules: rules, minutes: map[int]map[int]int64{}, keys: map[int]map[int]disclosure.Key{}}
}

func (h hoursByProvider) add(provider, person, record int, minutes int) {
	if h.minutes[provider] == nil {
		h.minutes[provider], h.keys[provider] = map[int]int64{}, map[int]disclosure.Key{}
	}
	h.minutes[provider][person] += int64(minutes)
	if h.rules != nil {
		h.keys[provider][person] += h.rules.RecordKey(disclosure.NSServiceRecord, record)
	}
}

// cells folds every provider's minutes into its cell.
func (h hoursByProvider) cells() map[int]hoursCell {
	out := make(map[int]hoursCell, len(h.minutes))
	for provider, people := range h.minutes {
		var c hoursCell
		for person, m := range people {
			c.sum.Contribute(m, h.keys[provider][person])
		}
		out[provider] = c
	}
	return out
}

// recentActivity aggregates verified records: active volunteers (and
// their skills) in the capacity window, and verified minutes in the
// track-record window, per organising organisation and per project. Its
// answer changes only with the data and the calendar day (UTC): records are
// dated, and the windows end at now.
func recentActivity(ctx context.Context, c *ent.Client, now time.Time, rules *disclosure.Rules) (*activityStats, error) {
	s := &activityStats{
		orgActive: map[int]map[int]bool{}, projectActive: map[int]map[int]bool{},
		orgHours: newHoursByProvider(rules), projectHours: newHoursByProvider(rules),
		skillsOf: map[int][]string{},
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
	byAct := make(map[int]*ent.Activity, len(actIDs))
	// In parts: SQLite binds at most 32,766 parameters a statement.
	for ids := range slices.Chunk(keys(actIDs), 10000) {
		acts, err := c.Activity.Query().Where(activity.IDIn(ids...)).
			Select(activity.FieldOrganizationID, activity.FieldProjectID).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range acts {
			byAct[a.ID] = a
		}
	}
	for ids := range slices.Chunk(keys(personIDs), 10000) {
		people, err := c.Person.Query().Where(person.IDIn(ids...), person.SkillsNotNil()).Select(person.FieldSkills).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range people {
			if len(p.Skills) > 0 {
				s.skillsOf[p.ID] = p.Skills
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
		s.orgHours.add(a.OrganizationID, r.PersonID, r.ID, r.Minutes)
		if a.ProjectID != nil {
			s.projectHours.add(*a.ProjectID, r.PersonID, r.ID, r.Minutes)
		}
		if r.ServedOn.Before(capSince) {
			continue
		}
		add(s.orgActive, a.OrganizationID, r.PersonID)
		if a.ProjectID != nil {
			add(s.projectActive, *a.ProjectID, r.PersonID)
		}
	}
	// Derive now what every need asks of them, so that a kept value
	// replaced after a change (results.Figures keeps it, and reads it again
	// in the background) does not make the requests that meet it first
	// wait for the narrowing.
	for _, skills := range DomainSkills {
		s.skilled(skills)
	}
	s.hoursCells()
	return s, nil
}

// resolvedNeeds counts the needs each organisation and project resolved in
// the track-record window, leaving out the needs in hidden domains.
func resolvedNeeds(ctx context.Context, c *ent.Client, now time.Time, hidden []string) (byOrg, byProject map[int]int, err error) {
	where := []predicate.Need{need.StatusEQ(need.StatusRESOLVED), need.ResolvedAtGTE(now.Add(-TrackWindow))}
	if len(hidden) > 0 {
		where = append(where, need.Not(need.HasDomainWith(term.CodeIn(hidden...))))
	}
	ns, err := c.Need.Query().
		Where(where...).
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
	PageInfo   paging.Info
	TotalCount int
}

// MatchEdge is the GraphQL NeedMatchEdge.
type MatchEdge struct {
	Node   *Match
	Cursor paging.Cursor
}

// matchList names the ranking in its cursors (paging.At).
const matchList = "matches"

// Page cuts the ranking to the first entries after cursor after (see
// paging.Slice; first nil: the default page size).
func Page(r *Ranking, after *paging.Cursor, first *int) (*MatchConnection, error) {
	// Cursors issued before the one pager held the 0-based rank and no
	// list name; they still resume where they did. (A forged negative one,
	// which used to restart the ranking or, below -1, crash the request, is
	// now BAD_USER_INPUT.)
	if after != nil && after.Value == nil && after.ID >= 0 {
		after = &paging.Cursor{ID: after.ID + 1, Value: matchList}
	}
	p, err := paging.Slice(matchList, r.entries, after, first)
	if err != nil {
		return nil, err
	}
	conn := &MatchConnection{Edges: make([]*MatchEdge, len(p.Nodes)), PageInfo: p.Info, TotalCount: r.Len()}
	for i := range p.Nodes {
		conn.Edges[i] = &MatchEdge{Node: r.At(p.Start + i), Cursor: p.Cursors[i]}
	}
	return conn, nil
}
