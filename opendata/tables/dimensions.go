package tables

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/indicator"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/outcome"
	"github.com/tongxing/tongxing/ent/partnership"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/ent/projectparticipation"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/ent/term"
)

// Town positions: a town's index in b.towns, or one of these.
const (
	townDistrict = -1 // in the district but not in one of its towns, or kept district-only
	townOutside  = -2 // outside the district: not published
)

// Domain codes in cell keys: a term id, or one of these.
const (
	domainAll          = 0
	domainUnclassified = -1
)

// actInfo is what a service record needs from its activity.
type actInfo struct {
	town    int16
	domain  int   // term id or domainUnclassified (ids use 64 bits: ent's global ids)
	project int32 // index in b.projects, or -1
	day     day
}

type builder struct {
	ctx   context.Context
	c     *ent.Client
	opt   Options
	rules *disclosure.Rules
	ref   day

	district     *ent.Region
	districtName string // with its city
	towns        []*ent.Region
	townOf       map[int]int // region id → town index, townDistrict or townOutside
	codeOf       map[int]string

	terms       map[int]*ent.Term
	childDomain map[int]bool

	orgs     []*ent.Organization // by id
	orgByID  map[int]*ent.Organization
	orgTown  map[int]int
	hostsOf  map[int]map[int]bool // university id → practice-base host ids
	projects []*ent.Project       // by id
	projIdx  map[int]int
	acts     map[int]actInfo

	firstYear int

	// accumulators
	vhm     map[cell3]*measure // volunteer-hours-monthly
	vhmActs map[cell3]int64
	vbt     map[vbtCell]*[2]disclosure.Count // registered, active
	years   map[int]*yearAcc
	// childYears are children-summary's accumulators: the one place
	// people under 18 (or of unknown age), child-related needs and
	// children's cases count.
	childYears map[int]*childAcc
	proj       map[int]*measure // by project index
	pb         map[pbCell]*measure
	needs      map[cell3]*needCell
	cases      map[caseCell]*caseAcc
	actYears   map[int]int64

	stats Stats
}

func newBuilder(ctx context.Context, c *ent.Client, opt Options) *builder {
	now := opt.Now.In(opt.Location)
	return &builder{
		ctx: ctx, c: c, opt: opt, rules: opt.Rules,
		ref:        dayOf(now.Year(), now.Month(), now.Day()),
		vhm:        map[cell3]*measure{},
		vhmActs:    map[cell3]int64{},
		vbt:        map[vbtCell]*[2]disclosure.Count{},
		years:      map[int]*yearAcc{},
		childYears: map[int]*childAcc{},
		proj:       map[int]*measure{},
		pb:         map[pbCell]*measure{},
		needs:      map[cell3]*needCell{},
		cases:      map[caseCell]*caseAcc{},
		actYears:   map[int]int64{},
	}
}

// loadDivisions finds the district and its towns and maps every division to
// its town. Divisions are few (thousands at most), so they are loaded whole.
func (b *builder) loadDivisions() error {
	all, err := b.c.Region.Query().Order(region.ByID()).All(b.ctx)
	b.stats.Queries++
	if err != nil {
		return err
	}
	byID := make(map[int]*ent.Region, len(all))
	b.codeOf = make(map[int]string, len(all))
	for _, r := range all {
		byID[r.ID] = r
		b.codeOf[r.ID] = r.Code
	}
	for _, r := range all {
		if r.Level != region.LevelDISTRICT || (b.opt.District != "" && r.Code != b.opt.District) {
			continue
		}
		if b.district != nil {
			return fmt.Errorf("more than one district (%s, %s): set TONGXING_OPENDATA_DISTRICT to the one to publish", b.district.Code, r.Code)
		}
		b.district = r
	}
	if b.district == nil {
		if b.opt.District != "" {
			return fmt.Errorf("no district with code %s", b.opt.District)
		}
		return fmt.Errorf("no district-level division in the database")
	}
	// The published name carries the city, e.g. 嘉兴市秀洲区: citations and
	// catalogues are read far from the district.
	b.districtName = b.district.Name
	if b.district.ParentID != nil {
		if p := byID[*b.district.ParentID]; p != nil && p.Level == region.LevelCITY {
			b.districtName = p.Name + b.district.Name
		}
	}
	for _, r := range all {
		if r.Level == region.LevelTOWN && r.ParentID != nil && *r.ParentID == b.district.ID {
			b.towns = append(b.towns, r)
		}
	}
	slices.SortFunc(b.towns, func(x, y *ent.Region) int { return strings.Compare(x.Code, y.Code) })
	townIdx := map[int]int{}
	for i, t := range b.towns {
		townIdx[t.ID] = i
	}
	b.townOf = make(map[int]int, len(all))
	for _, r := range all {
		pos := townOutside
		// Walk up at most a few levels (grid → community → town → district).
		for cur, depth := r, 0; cur != nil && depth < 16; depth++ {
			if i, ok := townIdx[cur.ID]; ok {
				pos = i
				break
			}
			if cur.ID == b.district.ID {
				pos = townDistrict
				break
			}
			if cur.ParentID == nil {
				break
			}
			cur = byID[*cur.ParentID]
		}
		b.townOf[r.ID] = pos
	}
	return nil
}

func (b *builder) town(regionID int) int {
	if t, ok := b.townOf[regionID]; ok {
		return t
	}
	return townOutside
}

func (b *builder) loadTerms() error {
	ts, err := b.c.Term.Query().Order(term.ByID()).All(b.ctx)
	b.stats.Queries++
	if err != nil {
		return err
	}
	b.terms = make(map[int]*ent.Term, len(ts))
	b.childDomain = map[int]bool{}
	for _, t := range ts {
		b.terms[t.ID] = t
		if slices.Contains(b.opt.ChildDomains, t.Code) {
			b.childDomain[t.ID] = true
		}
	}
	return nil
}

func (b *builder) loadOrganizations() error {
	orgs, err := b.c.Organization.Query().Order(organization.ByID()).
		WithCategories(func(q *ent.TermQuery) { q.Order(term.ByID()) }).All(b.ctx)
	b.stats.Queries++
	if err != nil {
		return err
	}
	b.orgs = orgs
	b.orgByID = make(map[int]*ent.Organization, len(orgs))
	b.orgTown = make(map[int]int, len(orgs))
	for _, o := range orgs {
		b.orgByID[o.ID] = o
		b.orgTown[o.ID] = b.town(o.RegionID)
	}
	bases, err := b.c.Partnership.Query().Where(partnership.KindEQ(partnership.KindPRACTICE_BASE)).
		Order(partnership.ByID()).All(b.ctx)
	b.stats.Queries++
	if err != nil {
		return err
	}
	b.hostsOf = map[int]map[int]bool{}
	for _, p := range bases {
		if b.hostsOf[p.OrganizationID] == nil {
			b.hostsOf[p.OrganizationID] = map[int]bool{}
		}
		b.hostsOf[p.OrganizationID][p.PartnerID] = true
	}
	return nil
}

func (b *builder) loadProjects() error {
	ps, err := b.c.Project.Query().Order(project.ByID()).
		WithDomains(func(q *ent.TermQuery) { q.Order(term.ByID()) }).
		WithTargetGroups(func(q *ent.TermQuery) { q.Order(term.ByID()) }).
		WithRegions(func(q *ent.RegionQuery) { q.Order(region.ByCode()) }).
		WithParticipations(func(q *ent.ProjectParticipationQuery) {
			q.Where(projectparticipation.RoleEQ(projectparticipation.RoleLEAD)).Order(projectparticipation.ByID())
		}).
		WithOutcomes(func(q *ent.OutcomeQuery) {
			q.WithIndicator().Order(outcome.ByIndicatorField(indicator.FieldCode), outcome.ByPeriodStart(), outcome.ByID())
		}).
		All(b.ctx)
	b.stats.Queries++
	if err != nil {
		return err
	}
	b.projects = ps
	b.projIdx = make(map[int]int, len(ps))
	for i, p := range ps {
		b.projIdx[p.ID] = i
	}
	return nil
}

// primaryDomain is the first (lowest-id) service domain of a project: the
// domain its activities, which carry none of their own, are counted under.
func primaryDomain(p *ent.Project) int {
	if len(p.Edges.Domains) == 0 {
		return domainUnclassified
	}
	return p.Edges.Domains[0].ID
}

// streamActivities reads the activities page by page into a compact index
// (town, domain, project, day: a few bytes each) that the service-record
// pass looks up, and counts activities per cell; activities are public, so
// their counts are published exactly.
func (b *builder) streamActivities() error {
	b.acts = map[int]actInfo{}
	b.firstYear = b.ref.year()
	last := 0
	for {
		page, err := b.c.Activity.Query().Where(activity.IDGT(last)).Order(activity.ByID()).Limit(b.opt.PageSize).
			Select(activity.FieldRegionID, activity.FieldProjectID, activity.FieldStartsAt).All(b.ctx)
		b.stats.Queries++
		if err != nil {
			return err
		}
		for _, a := range page {
			last = a.ID
			d := b.localDay(a.StartsAt)
			t := b.town(a.RegionID)
			if d > b.ref || t == townOutside {
				continue
			}
			info := actInfo{town: int16(t), domain: domainUnclassified, project: -1, day: d}
			if a.ProjectID != nil {
				if i, ok := b.projIdx[*a.ProjectID]; ok {
					info.project = int32(i)
					info.domain = primaryDomain(b.projects[i])
				}
			}
			b.acts[a.ID] = info
			b.stats.Activities++
			b.firstYear = min(b.firstYear, d.year())
			b.actYears[d.year()]++
			for _, k := range cells3(d.month(), t, int(info.domain)) {
				b.vhmActs[k]++
			}
		}
		if len(page) < b.opt.PageSize {
			return nil
		}
	}
}

// cell3 is a month × town × domain cell.
type cell3 struct {
	month  int32 // yyyymm
	town   int16 // town index or townDistrict (the district total)
	domain int   // term id, domainAll or domainUnclassified
}

// cells3 lists the cells a contribution in (month, town, domain) counts in:
// itself, its all-domain total, and the district's domain and all-domain
// totals. A contribution in the district but in none of its towns (town =
// townDistrict: an activity held at district level) counts only in the
// district rows; it is an adult's like every other (children never reach
// these cells), so the district rows and the town rows are one population.
func cells3(month int, town int, domain int) []cell3 {
	m := int32(month)
	out := make([]cell3, 0, 4)
	if town >= 0 {
		out = append(out, cell3{m, int16(town), domain}, cell3{m, int16(town), domainAll})
	}
	return append(out, cell3{m, townDistrict, domain}, cell3{m, townDistrict, domainAll})
}
