package tables

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/opendata/dataset"
)

// adultAge is the age from which a person belongs to the published adult
// population.
//
// One population per table: every row of a person-derived table — town
// rows, district rows, ALL totals — counts people of ONE population, adults
// (18 or over on the day that decides: the day served, or the snapshot
// day), so that no difference of published rows (district − Σ towns,
// ALL − Σ parts, one row − another, one table − another) isolates anyone
// else. People under 18 and people of unknown age (who may be children)
// are counted only in their own district-wide table, children-summary,
// whose rows exist in every release whether or not there is anyone to
// count. A person who turns 18 counts as a child for the days before and
// as an adult from then on.
const adultAge = 18

// measure is a cell with a count of people and a sum of their hours.
type measure struct {
	people disclosure.Count
	hours  disclosure.Sum
}

// contrib is one person's part of one hours cell, summed before it is added
// to the cell, so the dominance rule sees per-person totals.
type contrib struct {
	minutes int64
	key     disclosure.Key
}

// childAcc holds one year of children-summary: volunteers under 18 or of
// unknown age, resident needs in child-related domains, and children's
// social-work cases.
type childAcc struct {
	registered    disclosure.Count
	active        measure // people and hours served while under 18
	needsOpened   disclosure.Count
	needsResolved disclosure.Count
	casesOpened   disclosure.Count
	casesClosed   disclosure.Count
}

func (b *builder) childYear(y int) *childAcc {
	a := b.childYears[y]
	if a == nil {
		a = &childAcc{}
		b.childYears[y] = a
	}
	return a
}

// yearAcc holds the person-derived figures of one year of district-summary
// (adults only, like every other person-derived table but children-summary).
type yearAcc struct {
	registered, certified measure // people only
	active                measure // people and hours
	needsOpened           disclosure.Count
	needsResolved         disclosure.Count
}

func (b *builder) year(y int) *yearAcc {
	a := b.years[y]
	if a == nil {
		a = &yearAcc{}
		b.years[y] = a
	}
	return a
}

// vbtCell is a volunteers-by-town cell: town × age band × gender.
type vbtCell struct {
	town   int16  // town index or townDistrict
	age    string // age band or dataset.Total
	gender string // gender or dataset.Total
}

// pbCell is a practice-bases cell: year × university × host (0 = ALL).
type pbCell struct {
	year       int
	university int
	host       int
}

// cursor reads a keyset-paged query one row at a time.
type cursor[T any] struct {
	fetch func(ctx context.Context, after T, first bool) ([]T, error)
	size  int
	buf   []T
	i     int
	done  bool
	first bool
	last  T
}

func newCursor[T any](size int, fetch func(ctx context.Context, after T, first bool) ([]T, error)) *cursor[T] {
	return &cursor[T]{fetch: fetch, size: size, first: true}
}

// peek returns the next row without consuming it; ok is false at the end.
func (c *cursor[T]) peek(ctx context.Context, stats *Stats) (row T, ok bool, err error) {
	if c.i < len(c.buf) {
		return c.buf[c.i], true, nil
	}
	if c.done {
		return row, false, nil
	}
	page, err := c.fetch(ctx, c.last, c.first)
	stats.Queries++
	if err != nil {
		return row, false, err
	}
	c.first = false
	// Drop the old page before holding the new one: one page at a time.
	c.buf, c.i = page, 0
	if len(page) < c.size {
		c.done = true
	}
	if len(page) == 0 {
		return row, false, nil
	}
	c.last = page[len(page)-1]
	return page[0], true, nil
}

func (c *cursor[T]) next() { c.i++ }

// personRows is one person with their memberships and verified records.
type personRows struct {
	p       *ent.Person
	members []*ent.Membership
	records []*ent.ServiceRecord
}

// streamPeople merges three ordered streams — people by id, memberships
// and verified service records by (person id, id) — and processes one
// person at a time.
func (b *builder) streamPeople() error {
	size := b.opt.PageSize
	people := newCursor(size, func(ctx context.Context, after *ent.Person, first bool) ([]*ent.Person, error) {
		q := b.c.Person.Query().Order(person.ByID()).Limit(size).
			Select(person.FieldGender, person.FieldBirthDate, person.FieldSocialWorkLevel, person.FieldUniversityID)
		if !first {
			q.Where(person.IDGT(after.ID))
		}
		return q.All(ctx)
	})
	// Keyset pages on (person id, id). Each page is one or two range
	// queries on the person_id index: the rest of the last person's rows,
	// then the persons after them. (A single "(person_id, id) > (p, i)"
	// predicate needs an OR, which SQLite cannot answer from the index,
	// so every page would sort the whole table.) Records are filtered to
	// VERIFIED in Go for the same reason: a status predicate would steer
	// the planner to the status index.
	members := newCursor(size, func(ctx context.Context, after *ent.Membership, first bool) ([]*ent.Membership, error) {
		all := func(q *ent.MembershipQuery) ([]*ent.Membership, error) {
			return q.Select(membership.FieldPersonID, membership.FieldOrganizationID, membership.FieldRole,
				membership.FieldJoinedOn, membership.FieldLeftOn).All(ctx)
		}
		if first {
			return all(b.c.Membership.Query().Order(membership.ByPersonID(), membership.ByID()).Limit(size))
		}
		page, err := all(b.c.Membership.Query().Where(membership.PersonID(after.PersonID), membership.IDGT(after.ID)).
			Order(membership.ByID()).Limit(size))
		if err != nil || len(page) == size {
			return page, err
		}
		b.stats.Queries++
		more, err := all(b.c.Membership.Query().Where(predicate.Membership(sql.FieldGT(membership.FieldPersonID, after.PersonID))).
			Order(membership.ByPersonID(), membership.ByID()).Limit(size - len(page)))
		return append(page, more...), err
	})
	records := newCursor(size, func(ctx context.Context, after *ent.ServiceRecord, first bool) ([]*ent.ServiceRecord, error) {
		all := func(q *ent.ServiceRecordQuery) ([]*ent.ServiceRecord, error) {
			return q.Select(servicerecord.FieldPersonID, servicerecord.FieldActivityID,
				servicerecord.FieldServedOn, servicerecord.FieldMinutes, servicerecord.FieldStatus).All(ctx)
		}
		if first {
			return all(b.c.ServiceRecord.Query().Order(servicerecord.ByPersonID(), servicerecord.ByID()).Limit(size))
		}
		page, err := all(b.c.ServiceRecord.Query().Where(servicerecord.PersonID(after.PersonID), servicerecord.IDGT(after.ID)).
			Order(servicerecord.ByID()).Limit(size))
		if err != nil || len(page) == size {
			return page, err
		}
		b.stats.Queries++
		more, err := all(b.c.ServiceRecord.Query().Where(predicate.ServiceRecord(sql.FieldGT(servicerecord.FieldPersonID, after.PersonID))).
			Order(servicerecord.ByPersonID(), servicerecord.ByID()).Limit(size - len(page)))
		return append(page, more...), err
	})

	var cur personRows
	for {
		p, ok, err := people.peek(b.ctx, &b.stats)
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		people.next()
		cur = personRows{p: p, members: cur.members[:0], records: cur.records[:0]}
		for {
			m, ok, err := members.peek(b.ctx, &b.stats)
			if err != nil {
				return err
			}
			if !ok || m.PersonID > p.ID {
				break
			}
			members.next()
			if m.PersonID == p.ID {
				cur.members = append(cur.members, m)
			}
		}
		for {
			r, ok, err := records.peek(b.ctx, &b.stats)
			if err != nil {
				return err
			}
			if !ok || r.PersonID > p.ID {
				break
			}
			records.next()
			if r.PersonID == p.ID && r.Status == servicerecord.StatusVERIFIED {
				cur.records = append(cur.records, r)
			}
		}
		b.stats.People++
		b.stats.Memberships += len(cur.members)
		b.stats.ServiceRecords += len(cur.records)
		b.person(&cur)
		if err := b.ctx.Err(); err != nil {
			return err
		}
	}
}

// member is a membership reduced to what the rules need.
type member struct {
	org            int
	volunteer      bool // VOLUNTEER or LEADER
	joined, left   day  // left = 0 while a member
	joinedOrderKey int  // membership id, to break ties
}

func (m member) activeOn(d day) bool {
	return m.joined <= d && (m.left == 0 || m.left >= d)
}

// person adds one person to every table.
func (b *builder) person(pr *personRows) {
	p := pr.p
	personKey := b.rules.RecordKey(disclosure.NSPerson, p.ID)
	var birth day
	if p.BirthDate != nil {
		birth = dateDay(*p.BirthDate)
	}
	// childOn is true for people under 18 on day d — and for people whose
	// age is not known, who are kept to district level the same way.
	childOn := func(d day) bool { return birth == 0 || ageOn(birth, d) < adultAge }

	ms := make([]member, 0, len(pr.members))
	for _, m := range pr.members {
		mm := member{org: m.OrganizationID, joined: dateDay(m.JoinedOn), joinedOrderKey: m.ID,
			volunteer: m.Role == membership.RoleVOLUNTEER || m.Role == membership.RoleLEADER}
		if m.LeftOn != nil {
			mm.left = dateDay(*m.LeftOn)
		}
		ms = append(ms, mm)
	}

	// ---- people counts: volunteers-by-town and district-summary ----
	registeredOn := func(d day) bool {
		for _, m := range ms {
			if m.volunteer && m.activeOn(d) {
				return true
			}
		}
		return false
	}
	memberOn := func(d day) bool {
		for _, m := range ms {
			if m.activeOn(d) {
				return true
			}
		}
		return false
	}
	for y := b.firstYear; y <= b.ref.year(); y++ {
		snap := min(dayOf(y, 12, 31), b.ref)
		child := childOn(snap)
		if registeredOn(snap) {
			if child {
				b.childYear(y).registered.Add(personKey)
			} else {
				b.year(y).registered.people.Add(personKey)
			}
		}
		// Certified social workers are adults; anyone else with a level
		// on record is published nowhere rather than in a second
		// population of this table.
		if !child && p.SocialWorkLevel != nil && memberOn(snap) {
			b.year(y).certified.people.Add(personKey)
		}
	}

	// ---- service records ----
	b.records(pr, personKey, childOn, ms)
}

// records distributes one person's verified records over the hours tables
// and decides whether they were active in the last 12 months.
func (b *builder) records(pr *personRows, personKey disclosure.Key, childOn func(day) bool, ms []member) {
	p := pr.p
	type rec struct {
		act     actInfo
		day     day
		minutes int64
		key     disclosure.Key
	}
	recs := make([]rec, 0, len(pr.records))
	byMonth := map[int][]int{} // month → indexes into recs
	for _, r := range pr.records {
		a, ok := b.acts[r.ActivityID]
		d := dateDay(r.ServedOn)
		if !ok || d > b.ref {
			continue // activity after the reference date or outside the district
		}
		recs = append(recs, rec{act: a, day: d, minutes: int64(r.Minutes), key: b.rules.RecordKey(disclosure.NSServiceRecord, r.ID)})
		byMonth[d.month()] = append(byMonth[d.month()], len(recs)-1)
	}
	// Monthly cap before anything is summed. Each month is independent, so
	// the order months are visited in does not matter.
	buf := []int64{}
	for _, idx := range byMonth {
		buf = buf[:0]
		for _, i := range idx {
			buf = append(buf, recs[i].minutes)
		}
		disclosure.CapMonth(buf)
		for j, i := range idx {
			recs[i].minutes = buf[j]
		}
	}

	vhm := map[cell3]*contrib{}
	years := map[int]*contrib{}
	childYears := map[int]*contrib{}
	projs := map[int]*contrib{}
	pbs := map[pbCell]*contrib{}
	add := func(c *contrib, r rec) {
		c.minutes += r.minutes
		c.key += r.key
	}
	activeSince := b.ref.yearsBefore(1) // the last 12 months: (ref − 1 year, ref]
	active := false
	for _, r := range recs {
		if r.day > activeSince {
			active = true
		}
		if childOn(r.day) {
			// Served as a child: children-summary only, nowhere else
			// (not even in district-wide rows of the adult tables).
			c := childYears[r.day.year()]
			if c == nil {
				c = &contrib{}
				childYears[r.day.year()] = c
			}
			add(c, r)
			continue
		}
		for _, k := range cells3(r.day.month(), int(r.act.town), int(r.act.domain)) {
			c := vhm[k]
			if c == nil {
				c = &contrib{}
				vhm[k] = c
			}
			add(c, r)
		}
		y := years[r.day.year()]
		if y == nil {
			y = &contrib{}
			years[r.day.year()] = y
		}
		add(y, r)
		if r.act.project >= 0 {
			c := projs[int(r.act.project)]
			if c == nil {
				c = &contrib{}
				projs[int(r.act.project)] = c
			}
			add(c, r)
		}
		if p.UniversityID != nil {
			// The student's base, their university's total and the grand
			// total; without a base, only the two totals.
			u, y := *p.UniversityID, r.day.year()
			keys := []pbCell{{y, u, 0}, {y, 0, 0}}
			if host := b.practiceHost(ms, u, r.day); host != 0 {
				keys = append(keys, pbCell{y, u, host})
			}
			for _, k := range keys {
				c := pbs[k]
				if c == nil {
					c = &contrib{}
					pbs[k] = c
				}
				add(c, r)
			}
		}
	}

	flush := func(m *measure, c *contrib) {
		m.people.Add(personKey)
		m.hours.Contribute(c.minutes, c.key)
	}
	for k, c := range vhm {
		m := b.vhm[k]
		if m == nil {
			m = &measure{}
			b.vhm[k] = m
		}
		flush(m, c)
	}
	for y, c := range years {
		flush(&b.year(y).active, c)
	}
	for y, c := range childYears {
		flush(&b.childYear(y).active, c)
	}
	for i, c := range projs {
		m := b.proj[i]
		if m == nil {
			m = &measure{}
			b.proj[i] = m
		}
		flush(m, c)
	}
	for k, c := range pbs {
		m := b.pb[k]
		if m == nil {
			m = &measure{}
			b.pb[k] = m
		}
		flush(m, c)
	}

	// ---- volunteers-by-town on the reference date ----
	home, registered := b.homeTown(ms)
	if !registered {
		return
	}
	band, gender := ageBand(pr.p, b.ref), genderCode(pr.p)
	if band == dataset.AgeUnder18 || band == dataset.AgeUnknown {
		// Counted in children-summary (registered on the reference
		// date), and in no row of this table: its district rows hold
		// the same adults as its town rows.
		return
	}
	towns := []int{townDistrict}
	if home >= 0 {
		towns = append(towns, home)
	}
	for _, t := range towns {
		for _, a := range []string{band, dataset.Total} {
			for _, g := range []string{gender, dataset.Total} {
				k := vbtCell{int16(t), a, g}
				c := b.vbt[k]
				if c == nil {
					c = &[2]disclosure.Count{}
					b.vbt[k] = c
				}
				c[0].Add(personKey)
				if active {
					c[1].Add(personKey)
				}
			}
		}
	}
}

// homeTown is the town of a registered volunteer on the reference date: the
// town of the earliest-joined volunteer membership, active then, whose
// organisation lies in a town. registered is false for people who are not
// volunteers on the reference date.
func (b *builder) homeTown(ms []member) (town int, registered bool) {
	town = townDistrict
	var best *member
	for i := range ms {
		m := &ms[i]
		if !m.volunteer || !m.activeOn(b.ref) {
			continue
		}
		registered = true
		t, ok := b.orgTown[m.org]
		if !ok || t < 0 {
			continue
		}
		if best == nil || m.joined < best.joined || (m.joined == best.joined && m.joinedOrderKey < best.joinedOrderKey) {
			best, town = m, t
		}
	}
	return town, registered
}

// practiceHost is the practice base a student served from on day d: the
// earliest-joined organisation they belonged to that day that is a
// practice-base host of their university; 0 when there is none.
func (b *builder) practiceHost(ms []member, university int, d day) int {
	hosts := b.hostsOf[university]
	host, best := 0, member{}
	for _, m := range ms {
		if !hosts[m.org] || !m.activeOn(d) {
			continue
		}
		if host == 0 || m.joined < best.joined || (m.joined == best.joined && m.joinedOrderKey < best.joinedOrderKey) {
			host, best = m.org, m
		}
	}
	return host
}

// ageBand is the published age band on the reference date.
func ageBand(p *ent.Person, ref day) string {
	if p.BirthDate == nil {
		return dataset.AgeUnknown
	}
	switch a := ageOn(dateDay(*p.BirthDate), ref); {
	case a < adultAge:
		return dataset.AgeUnder18
	case a < 30:
		return "18-29"
	case a < 45:
		return "30-44"
	case a < 60:
		return "45-59"
	default:
		return "60+"
	}
}

func genderCode(p *ent.Person) string {
	switch p.Gender {
	case person.GenderFEMALE, person.GenderMALE:
		return string(p.Gender)
	}
	return "UNSPECIFIED"
}
