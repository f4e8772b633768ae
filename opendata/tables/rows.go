package tables

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/partybuildinglink"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/opendata/dataset"
)

// ---- protected values ----

// protect publishes a cell through disclosure control and keeps its truth
// beside the value for the release gate.
//
// An empty cell shows x like a small one: with every table on a fixed grid
// (grid.go), neither a row nor its symbol then says whether anyone is in
// it, and x means 0 … k − 1 everywhere.
func (b *builder) protect(c disclosure.Cell) dataset.Value {
	v := dataset.Int(0)
	switch r := b.rules.Protect(c); {
	case r.Status == disclosure.Suppressed || c.Total().N == 0:
		v = dataset.Suppressed()
	default:
		v.Int = r.Value
	}
	v.Truth = &c
	return v
}

func (b *builder) people(c disclosure.Count) dataset.Value {
	return b.protect(disclosure.CountCell(disclosure.MeasurePeople, c, false))
}
func (b *builder) hours(s disclosure.Sum) dataset.Value {
	return b.protect(disclosure.HoursCell(s, false))
}
func (b *builder) needCount(c disclosure.Count) dataset.Value {
	return b.protect(disclosure.CountCell(disclosure.MeasureNeeds, c, false))
}

// children marks a protected value as counting the children's population
// (children-summary): its truth moves from the adults' part to theirs.
func children(v dataset.Value) dataset.Value {
	if v.Truth != nil {
		c := *v.Truth
		c.Adults, c.Children = disclosure.Part{}, c.Total()
		v.Truth = &c
	}
	return v
}

// ---- dimension labels ----

func (b *builder) townCell(t int) (code, name dataset.Value) {
	if t < 0 {
		return dataset.Str(b.district.Code), dataset.Str(b.district.Name)
	}
	return dataset.Str(b.towns[t].Code), dataset.Str(b.towns[t].Name)
}

func (b *builder) domainCell(d int) (code, name dataset.Value) {
	switch d {
	case domainAll:
		return dataset.Str(dataset.Total), dataset.Str(dataset.Text{Zh: "全部领域", En: "All domains"}.String())
	case domainUnclassified:
		return dataset.Str(dataset.Unclassified), dataset.Str(dataset.Text{Zh: "未归类（项目外活动）", En: "Unclassified (outside projects)"}.String())
	}
	t := b.terms[d]
	if t == nil {
		return dataset.Str(strconv.Itoa(d)), dataset.Str(strconv.Itoa(d))
	}
	return dataset.Str(t.Code), dataset.Str(termName(t))
}

func termName(t *ent.Term) string {
	return dataset.Text{Zh: t.Name, En: t.NameEn}.String()
}

// sortRows orders rows by the text of the given columns; every table's
// order is fixed by its primary key, never by map iteration.
func sortRows(rows []dataset.Row, cols ...int) {
	slices.SortStableFunc(rows, func(x, y dataset.Row) int {
		for _, c := range cols {
			if r := cmp.Compare(x[c].Text(), y[c].Text()); r != 0 {
				return r
			}
		}
		return 0
	})
}

func roundTo(x float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(x*p) / p
}

// ---- district-summary ----

func (b *builder) districtSummaryRows() []dataset.Row {
	inDistrict := func(o *ent.Organization) bool { return b.orgTown[o.ID] != townOutside }
	// An organisation exists from its founding date, or — when none is
	// recorded — from the day it was entered.
	since := func(o *ent.Organization) day {
		if o.FoundedOn != nil {
			return dateDay(*o.FoundedOn)
		}
		return b.localDay(o.CreatedAt)
	}
	var rows []dataset.Row
	for y := b.firstYear; y <= b.ref.year(); y++ {
		snap := min(dayOf(y, 12, 31), b.ref)
		var reg, filed, teams int64
		for _, o := range b.orgs {
			if !inDistrict(o) || since(o) > snap {
				continue
			}
			switch o.RegistrationStatus {
			case organization.RegistrationStatusREGISTERED:
				reg++
			case organization.RegistrationStatusFILED:
				filed++
			}
			if o.Kind == organization.KindVOLUNTEER_TEAM {
				teams++
			}
		}
		var started, running int64
		stages := map[project.Stage]int64{}
		for _, p := range b.projects {
			if p.StartOn == nil {
				continue
			}
			s := dateDay(*p.StartOn)
			if s > snap {
				continue
			}
			if s.year() == y {
				started++
			}
			if p.EndOn == nil || dateDay(*p.EndOn) >= dayOf(y, 1, 1) {
				running++
			}
		}
		for _, p := range b.projects {
			stages[p.Stage]++
		}
		a := b.year(y)
		stage := func(s project.Stage) dataset.Value {
			if y != b.ref.year() {
				return dataset.None() // stage history is not kept
			}
			return dataset.Int(stages[s])
		}
		rows = append(rows, dataset.Row{
			dataset.Int(int64(y)),
			dataset.Int(reg), dataset.Int(filed), dataset.Int(teams),
			b.people(a.registered.people), b.people(a.active.people), b.people(a.certified.people),
			b.hours(a.active.hours),
			dataset.Int(b.actYears[y]),
			dataset.Int(started), dataset.Int(running),
			stage(project.StageDESIGN), stage(project.StageSHOWCASE), stage(project.StageIMPLEMENTATION),
			stage(project.StageEVALUATION), stage(project.StageCLOSED),
			b.needCount(a.needsOpened), b.needCount(a.needsResolved),
		})
	}
	return rows
}

// ---- registers ----

func grade(g *int) dataset.Value {
	if g == nil {
		return dataset.None()
	}
	return dataset.Str(fmt.Sprintf("%dA", *g))
}

func (b *builder) orgTownCells(orgID int) (code, name dataset.Value) {
	t, ok := b.orgTown[orgID]
	if !ok || t < 0 {
		return dataset.None(), dataset.None()
	}
	return b.townCell(t)
}

func (b *builder) organizationRows() []dataset.Row {
	rows := make([]dataset.Row, 0, len(b.orgs))
	for _, o := range b.orgs {
		var cats []string
		for _, t := range o.Edges.Categories {
			cats = append(cats, t.Name)
		}
		tc, tn := b.orgTownCells(o.ID)
		founded := dataset.None()
		if o.FoundedOn != nil {
			founded = dataset.Int(int64(dateDay(*o.FoundedOn).year()))
		}
		credit := dataset.None()
		if o.CreditCode != nil {
			credit = dataset.Str(*o.CreditCode)
		}
		rows = append(rows, dataset.Row{
			dataset.Str(gid.Encode(o.ID)), dataset.Str(o.Name),
			dataset.Str(string(o.Kind)), dataset.Str(dataset.Label(dataset.OrgKinds, string(o.Kind)).Zh),
			dataset.Str(string(o.LegalForm)), dataset.Str(string(o.RegistrationStatus)),
			credit, dataset.Str(strings.Join(cats, "; ")), tc, tn, founded, grade(o.AssessmentGrade),
		})
	}
	return rows
}

func (b *builder) partyLinkRows() ([]dataset.Row, error) {
	links, err := b.c.PartyBuildingLink.Query().Order(partybuildinglink.ByID()).All(b.ctx)
	b.stats.Queries++
	if err != nil {
		return nil, err
	}
	name := func(id int) dataset.Value {
		if o := b.orgByID[id]; o != nil {
			return dataset.Str(o.Name)
		}
		return dataset.Str(gid.Encode(id))
	}
	rows := make([]dataset.Row, 0, len(links))
	for _, l := range links {
		until := dataset.None()
		if l.EndedOn != nil {
			until = dataset.Str(dateDay(*l.EndedOn).String())
		}
		rows = append(rows, dataset.Row{
			dataset.Str(gid.Encode(l.ID)),
			dataset.Str(gid.Encode(l.PartyOrganizationID)), name(l.PartyOrganizationID),
			dataset.Str(gid.Encode(l.PartnerID)), name(l.PartnerID),
			dataset.Str(string(l.LinkType)), dataset.Str(dataset.Label(dataset.LinkTypes, string(l.LinkType)).Zh),
			dataset.Str(dateDay(l.StartedOn).String()), until,
		})
	}
	return rows, nil
}

// peopleUnits are indicator units that count distinct people.
var peopleUnits = []string{"人", "名", "位"}

// countsPeople reports whether an indicator's values count people: it
// counts children (configured) or its unit is a unit of people.
func (b *builder) countsPeople(ind *ent.Indicator) bool {
	return ind != nil && (slices.Contains(b.opt.ChildIndicators, ind.Code) || slices.Contains(peopleUnits, ind.Unit))
}

// outcomeValue is a published baseline or actual value: as reported,
// except that a count of people (children above all) from 1 to k − 1 is
// withheld — a small count of people served in one place could point at
// them, and no published person count is below k.
func (b *builder) outcomeValue(ind *ent.Indicator, v *float64) dataset.Value {
	if v == nil {
		return dataset.None()
	}
	// Zero included, as in every person-derived cell: were 0 shown, an x
	// would say "at least one".
	if b.countsPeople(ind) && *v < float64(b.rules.K()) {
		return dataset.Suppressed()
	}
	return dataset.Num(*v)
}

func (b *builder) outcomeActual(o *ent.Outcome) dataset.Value {
	return b.outcomeValue(o.Edges.Indicator, o.Actual)
}

func (b *builder) projectRows() []dataset.Row {
	rows := make([]dataset.Row, 0, len(b.projects))
	for i, p := range b.projects {
		var domains, groups, townCodes, townNames []string
		for _, t := range p.Edges.Domains {
			domains = append(domains, termName(t))
		}
		for _, t := range p.Edges.TargetGroups {
			groups = append(groups, termName(t))
		}
		seen := map[int]bool{}
		var towns []int
		for _, r := range p.Edges.Regions {
			if t := b.town(r.ID); t >= 0 && !seen[t] {
				seen[t] = true
				towns = append(towns, t)
			}
		}
		slices.Sort(towns)
		for _, t := range towns {
			townCodes = append(townCodes, b.towns[t].Code)
			townNames = append(townNames, b.towns[t].Name)
		}
		leadID, leadName := dataset.None(), dataset.None()
		if len(p.Edges.Participations) > 0 {
			id := p.Edges.Participations[0].OrganizationID
			leadID = dataset.Str(gid.Encode(id))
			if o := b.orgByID[id]; o != nil {
				leadName = dataset.Str(o.Name)
			}
		}
		parent := dataset.None()
		if p.ParentID != nil {
			parent = dataset.Str(gid.Encode(*p.ParentID))
		}
		year := func(t *ent.Project, end bool) dataset.Value {
			d := t.StartOn
			if end {
				d = t.EndOn
			}
			if d == nil {
				return dataset.None()
			}
			return dataset.Int(int64(dateDay(*d).year()))
		}
		funding := dataset.None()
		if p.FundingSource != nil {
			funding = dataset.Str(string(*p.FundingSource))
		}
		m := b.proj[i]
		if m == nil {
			m = &measure{}
		}
		rows = append(rows, dataset.Row{
			dataset.Str(gid.Encode(p.ID)), dataset.Str(p.Name), parent, leadID, leadName,
			dataset.Str(strings.Join(domains, "; ")), dataset.Str(strings.Join(groups, "; ")),
			dataset.Str(string(p.Stage)), dataset.Str(dataset.Label(dataset.Stages, string(p.Stage)).Zh),
			year(p, false), year(p, true),
			dataset.Str(strings.Join(townCodes, "; ")), dataset.Str(strings.Join(townNames, "; ")),
			funding, dataset.NumPtr(p.FundingAmount), dataset.Str(b.outcomeSummary(p)),
			b.people(m.people), b.hours(m.hours),
		})
	}
	return rows
}

// outcomeSummary lists the latest published actual value per indicator,
// e.g. "服务户数 86 户; 户均增收 10157 元".
func (b *builder) outcomeSummary(p *ent.Project) string {
	latest := map[int]*ent.Outcome{}
	var order []int
	for _, o := range p.Edges.Outcomes {
		if o.Actual == nil || o.Edges.Indicator == nil || b.outcomeActual(o).Kind == dataset.KindSuppressed {
			continue
		}
		prev, ok := latest[o.IndicatorID]
		if !ok {
			order = append(order, o.IndicatorID)
		}
		if !ok || o.PeriodEnd.After(prev.PeriodEnd) || (o.PeriodEnd.Equal(prev.PeriodEnd) && o.ID > prev.ID) {
			latest[o.IndicatorID] = o
		}
	}
	parts := make([]string, 0, len(order))
	for _, id := range order { // outcomes come ordered by indicator code
		o := latest[id]
		part := o.Edges.Indicator.Name + " " + strconv.FormatFloat(*o.Actual, 'f', -1, 64)
		if u := o.Edges.Indicator.Unit; u != "" {
			part += " " + u
		}
		parts = append(parts, part+"（"+dateDay(o.PeriodEnd).String()[:4]+"）")
	}
	return strings.Join(parts, "; ")
}

func (b *builder) outcomeRows() []dataset.Row {
	var rows []dataset.Row
	for _, p := range b.projects {
		for _, o := range p.Edges.Outcomes {
			ind := o.Edges.Indicator
			if ind == nil {
				continue
			}
			rows = append(rows, dataset.Row{
				dataset.Str(gid.Encode(o.ID)),
				dataset.Str(gid.Encode(p.ID)), dataset.Str(p.Name),
				dataset.Str(ind.Code), dataset.Str(dataset.Text{Zh: ind.Name, En: ind.NameEn}.String()),
				dataset.Str(dateDay(o.PeriodStart).String()), dataset.Str(dateDay(o.PeriodEnd).String()),
				b.outcomeValue(ind, o.Baseline), dataset.NumPtr(o.Target), b.outcomeActual(o), dataset.Str(ind.Unit),
			})
		}
	}
	return rows
}

// ---- person-derived tables ----

func (b *builder) volunteerHoursRows() []dataset.Row {
	var counted []cell3
	for k := range b.vhm {
		counted = append(counted, k)
	}
	for k := range b.vhmActs {
		if b.vhm[k] == nil {
			counted = append(counted, k)
		}
	}
	keys := b.grid3(counted, true)
	rows := make([]dataset.Row, 0, len(keys))
	for _, k := range keys {
		m := b.vhm[k]
		if m == nil {
			m = &measure{}
		}
		tc, tn := b.townCell(int(k.town))
		dc, dn := b.domainCell(int(k.domain))
		rows = append(rows, dataset.Row{
			dataset.Str(monthText(int(k.month))), tc, tn, dc, dn,
			b.people(m.people), b.hours(m.hours), dataset.Int(b.vhmActs[k]),
		})
	}
	sortRows(rows, 0, 1, 3)
	return rows
}

func (b *builder) volunteersByTownRows() []dataset.Row {
	keys := b.vbtGrid()
	for k := range b.vbt {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	rows := make([]dataset.Row, 0, len(keys))
	for _, k := range keys {
		c := b.vbt[k]
		if c == nil {
			c = &[2]disclosure.Count{}
		}
		tc, tn := b.townCell(int(k.town))
		rows = append(rows, dataset.Row{tc, tn, dataset.Str(k.age), dataset.Str(k.gender), b.people(c[0]), b.people(c[1])})
	}
	sortRows(rows, 0, 2, 3)
	return rows
}

func (b *builder) needsRows() []dataset.Row {
	var counted []cell3
	for k := range b.needs {
		counted = append(counted, k)
	}
	keys := b.grid3(counted, false)
	rows := make([]dataset.Row, 0, len(keys))
	for _, k := range keys {
		c := b.needs[k]
		if c == nil {
			c = &needCell{}
		}
		tc, tn := b.townCell(int(k.town))
		dc, dn := b.domainCell(int(k.domain))
		med := dataset.None()
		switch {
		case c.resolved.N < int64(b.rules.K()):
			// Zero included: an empty median would say none was resolved.
			med = dataset.Suppressed()
		default:
			med = dataset.Num(median(c.days))
		}
		// The mean rating, like the median, only over k or more ratings.
		avg := dataset.None()
		switch {
		case c.rated.N == 0 && c.resolved.N == 0:
		case c.rated.N < int64(b.rules.K()):
			avg = dataset.Suppressed()
		default:
			avg = dataset.Num(mean(c.scores))
		}
		rows = append(rows, dataset.Row{
			dataset.Str(monthText(int(k.month))), tc, tn, dc, dn,
			b.needCount(c.opened), b.needCount(c.resolved), med, b.needCount(c.rated), avg,
		})
	}
	sortRows(rows, 0, 1, 3)
	return rows
}

// ---- children-summary ----

// strict is the treatment of cells whose mere emptiness would say too
// much: on top of the disclosure control already applied to v, a cell of
// fewer than k people, needs or cases — zero included — is withheld, so 0
// and 1 … k−1 all show x. The tables that use it, children-summary and
// case-statistics, have the same rows in every release whatever the data
// (decided by the reference date, the first year of the other tables and
// the district's towns); with that, neither a row's presence nor its
// symbol says whether anyone is in the cell.
func (b *builder) strict(n int64, v dataset.Value) dataset.Value {
	if n < int64(b.rules.K()) {
		return dataset.Value{Kind: dataset.KindSuppressed, Truth: v.Truth}
	}
	return v
}

// childrenRows publishes the children's own cells: one row per year from
// the first year of the other tables to the reference year, in every
// release, whatever the data. Each cell passes the same disclosure control
// as every other, and in addition an empty cell is withheld like a small
// one (strict): with the rows always there and 0, 1 … k−1 all shown as x,
// neither a row's presence nor its symbol says whether any child served,
// asked for help or had a case.
func (b *builder) childrenRows() []dataset.Row {
	var rows []dataset.Row
	for y := b.firstYear; y <= b.ref.year(); y++ {
		a := b.childYears[y]
		if a == nil {
			a = &childAcc{}
		}
		rows = append(rows, dataset.Row{
			dataset.Int(int64(y)),
			children(b.strict(a.registered.N, b.people(a.registered))),
			children(b.strict(a.active.people.N, b.people(a.active.people))),
			children(b.strict(a.active.hours.People, b.hours(a.active.hours))),
			children(b.strict(a.needsOpened.N, b.needCount(a.needsOpened))),
			children(b.strict(a.needsResolved.N, b.needCount(a.needsResolved))),
			children(b.strict(a.casesOpened.N, b.caseCount(a.casesOpened))),
			children(b.strict(a.casesClosed.N, b.caseCount(a.casesClosed))),
		})
	}
	return rows
}

func (b *builder) practiceBaseRows() []dataset.Row {
	keys := b.pbGrid()
	for k := range b.pb {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	rows := make([]dataset.Row, 0, len(keys))
	org := func(id int, all dataset.Text) (dataset.Value, dataset.Value) {
		if id == 0 {
			return dataset.Str(dataset.Total), dataset.Str(all.String())
		}
		if o := b.orgByID[id]; o != nil {
			return dataset.Str(gid.Encode(id)), dataset.Str(o.Name)
		}
		return dataset.Str(gid.Encode(id)), dataset.Str(gid.Encode(id))
	}
	for _, k := range keys {
		m := b.pb[k]
		if m == nil {
			m = &measure{}
		}
		ui, un := org(k.university, dataset.Text{Zh: "全部高校", En: "All universities"})
		hi, hn := org(k.host, dataset.Text{Zh: "全部基地", En: "All bases"})
		rows = append(rows, dataset.Row{dataset.Int(int64(k.year)), ui, un, hi, hn, b.people(m.people), b.hours(m.hours)})
	}
	sortRows(rows, 0, 1, 3)
	return rows
}
