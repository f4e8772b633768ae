package partners

import (
	"context"
	"sort"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/paging"
	"github.com/tongxing/tongxing/pii"
)

// MinCell is the threshold of the figures about students who did not
// consent: the open data's default k. Fewer of them in a cell (one to
// k − 1) and both figures are withheld.
const MinCell = disclosure.DefaultK

// cellKeyLabel names the partner figures' cell-key secret (see rulesFor).
const cellKeyLabel = "tongxing/partners/cell-key/v1"

// rulesFor returns the disclosure control of the figures about students
// who did not consent: package opendata/disclosure, the same rules as the
// open data (threshold, hours cap per person-month, dominance, cell-key
// noise keyed on the contributing record ids, rounding), with a secret of
// its own derived from the server's secret key. pii.Keys exposes no
// general key derivation, so the secret is its keyed hash (HMAC-SHA-256
// under the server's ID-number hash key) of a fixed label: 256 secret
// bits, stable across restarts as long as the server key is, and never
// stored or shown (the label contains '/', so no real ID number has the
// same hash in the database).
func rulesFor(keys *pii.Keys) *disclosure.Rules {
	r, err := disclosure.New(MinCell, []byte(keys.IDNumberHash(cellKeyLabel)))
	if err != nil {
		panic(err) // a fixed k ≥ MinK and a 64-character secret are always accepted
	}
	return r
}

// Figures is the GraphQL PracticeBaseFigures: one base's figures for a term
// (or in total).
type Figures struct {
	// Term is the term's code; nil for the totals.
	Term       *string
	From, To   time.Time
	Activities int
	// Students, Records and Minutes count consenting students only: exactly
	// what the partner's own copy of the records adds up to.
	Students int
	Records  int
	Minutes  int
	// OtherStudents and OtherMinutes describe students without consent,
	// under disclosure control (package opendata/disclosure): nil when
	// withheld (none, or 1 to k − 1 students, or one student holding most
	// of the hours); otherwise OtherStudents is perturbed and rounded to base 5
	// (never below k) and OtherMinutes is a whole number of hours,
	// perturbed and capped per person and month. The partner never sees
	// these students' records, so an exact figure would show each new
	// record of theirs to anyone polling it.
	OtherStudents *int
	OtherMinutes  *int
}

// Hours is Minutes / 60.
func (f *Figures) Hours() float64 { return float64(f.Minutes) / 60 }

// OtherHours is OtherMinutes / 60, nil when suppressed.
func (f *Figures) OtherHours() *float64 {
	if f.OtherMinutes == nil {
		return nil
	}
	h := float64(*f.OtherMinutes) / 60
	return &h
}

// Suppressed reports whether the other-student figures are withheld.
func (f *Figures) Suppressed() bool { return f.OtherStudents == nil }

type cell struct {
	activities       int
	students         map[int]bool
	records, minutes int
	// others holds the students without consent: each one's minutes per
	// month (for the monthly cap) and the sum of their record keys.
	others   map[int]*other
	from, to time.Time
	term     *string
}

// other is one student without consent in one cell.
type other struct {
	months map[string][]int64
	key    disclosure.Key
}

func newCell(from, to time.Time, term *string) *cell {
	return &cell{students: map[int]bool{}, others: map[int]*other{}, from: from, to: to, term: term}
}

// addOther counts a record of a student without consent.
func (c *cell) addOther(rules *disclosure.Rules, personID, recordID int, servedOn time.Time, minutes int) {
	o := c.others[personID]
	if o == nil {
		o = &other{months: map[string][]int64{}}
		c.others[personID] = o
	}
	m := Month(servedOn)
	o.months[m] = append(o.months[m], int64(minutes))
	o.key += rules.RecordKey(disclosure.NSServiceRecord, recordID)
}

// figures protects the other-student figures with rules: a count of the
// students (keyed on their person ids) and a sum of their capped hours
// (keyed on their record ids), both withheld if either is.
func (c *cell) figures(rules *disclosure.Rules) *Figures {
	f := &Figures{Term: c.term, From: c.from, To: c.to, Activities: c.activities,
		Students: len(c.students), Records: c.records, Minutes: c.minutes}
	var count disclosure.Count
	var sum disclosure.Sum
	for id, o := range c.others { // sums: the order does not matter
		count.Add(rules.RecordKey(disclosure.NSPerson, id))
		var minutes int64
		for _, ms := range o.months {
			capped := append([]int64(nil), ms...)
			disclosure.CapMonth(capped)
			for _, m := range capped {
				minutes += m
			}
		}
		sum.Contribute(minutes, o.key)
	}
	n, h := rules.Count(count), rules.Hours(sum)
	// None is withheld as 1 to k − 1 are: an exact 0 beside a withheld
	// figure would show the first such student's record to the partner.
	if len(c.others) > 0 && n.Status == disclosure.Published && h.Status == disclosure.Published {
		students, minutes := int(n.Value), int(h.Value)*60
		f.OtherStudents, f.OtherMinutes = &students, &minutes
	}
	return f
}

// Figures returns a base's figures per academic term, from the term its
// agreement started in to the term of its end (or of now), and in total.
// Students who did not consent are read here, and only here, and leave
// only through the disclosure control (cell.figures); the totals withhold
// them whenever any term does, so that a withheld term cannot be had by
// subtraction either.
func (r *Reader) Figures(ctx context.Context, base int, now time.Time) (terms []*Figures, total *Figures, err error) {
	b := r.View.Base(base)
	if b == nil {
		return nil, nil, &ent.NotFoundError{}
	}
	last := cstDate(now)
	if b.EndedOn != nil && b.EndedOn.Before(last) {
		last = b.EndedOn.UTC()
	}
	first := b.StartedOn.UTC()
	if last.Before(first) {
		last = first
	}
	var cells []*cell
	byTerm := map[string]*cell{}
	for t := TermOf(first); !t.From.After(last); t = t.Next() {
		code := t.Code
		c := newCell(t.From, t.To, &code)
		cells = append(cells, c)
		byTerm[t.Code] = c
	}
	all := newCell(first, last, nil)

	var starts []struct {
		StartsAt time.Time `json:"starts_at"`
	}
	if err := r.Client.Activity.Query().Where(r.View.Activities(base)).Select(activity.FieldStartsAt).Scan(ctx, &starts); err != nil {
		return nil, nil, err
	}
	for _, a := range starts {
		if c := byTerm[TermOf(cstDate(a.StartsAt)).Code]; c != nil {
			c.activities++
		}
		all.activities++
	}

	// Every student of the university: whether each consented decides
	// which side of a cell they count on.
	sys := allowAll(ctx)
	var people []struct {
		ID    int  `json:"id"`
		Share bool `json:"share_with_university"`
	}
	if err := r.Client.Person.Query().Where(person.UniversityID(r.View.University)).
		Select(person.FieldID, person.FieldShareWithUniversity).Scan(sys, &people); err != nil {
		return nil, nil, err
	}
	consented := make(map[int]bool, len(people))
	for _, p := range people {
		consented[p.ID] = p.Share
	}
	var recs []struct {
		ID       int       `json:"id"`
		PersonID int       `json:"person_id"`
		ServedOn time.Time `json:"served_on"`
		Minutes  int       `json:"minutes"`
	}
	err = r.Client.ServiceRecord.Query().Where(
		statusIs(servicerecord.StatusVERIFIED),
		inSelect(servicerecord.FieldActivityID, activity.Table, activity.FieldID, false, func(s *sql.Selector) { r.View.Activities(base)(s) }),
		inSelect(servicerecord.FieldPersonID, person.Table, person.FieldID, false, func(s *sql.Selector) { person.UniversityID(r.View.University)(s) }),
	).Select(servicerecord.FieldID, servicerecord.FieldPersonID, servicerecord.FieldServedOn, servicerecord.FieldMinutes).Scan(sys, &recs)
	if err != nil {
		return nil, nil, err
	}
	rules := r.rules
	add := func(c *cell, id, p int, servedOn time.Time, minutes int) {
		if consented[p] {
			c.students[p] = true
			c.records++
			c.minutes += minutes
		} else {
			c.addOther(rules, p, id, servedOn, minutes)
		}
	}
	for _, rec := range recs {
		if c := byTerm[TermOf(rec.ServedOn).Code]; c != nil {
			add(c, rec.ID, rec.PersonID, rec.ServedOn, rec.Minutes)
		}
		add(all, rec.ID, rec.PersonID, rec.ServedOn, rec.Minutes)
	}
	suppressed := false
	for _, c := range cells {
		f := c.figures(rules)
		suppressed = suppressed || f.Suppressed()
		terms = append(terms, f)
	}
	total = all.figures(rules)
	if suppressed {
		total.OtherStudents, total.OtherMinutes = nil, nil
	}
	return terms, total, nil
}

// StudentMonth is the GraphQL PartnerStudentMonth.
type StudentMonth struct {
	Pseudonym  string
	Month      string
	Minutes    int
	Records    int
	Activities int
}

// Hours is Minutes / 60.
func (m *StudentMonth) Hours() float64 { return float64(m.Minutes) / 60 }

// StudentMonths adds up a base's shown records (one base, or all when base
// is 0) per student and month, served between from and to (inclusive; nil:
// open), ordered by month then pseudonym.
func (r *Reader) StudentMonths(ctx context.Context, base int, from, to *time.Time) ([]*StudentMonth, error) {
	q := r.Client.ServiceRecord.Query().Where(r.View.Visible(base))
	if from != nil {
		q.Where(servicerecord.ServedOnGTE(*from))
	}
	if to != nil {
		q.Where(servicerecord.ServedOnLTE(*to))
	}
	var recs []struct {
		PersonID   int       `json:"person_id"`
		ActivityID int       `json:"activity_id"`
		ServedOn   time.Time `json:"served_on"`
		Minutes    int       `json:"minutes"`
	}
	if err := q.Select(servicerecord.FieldPersonID, servicerecord.FieldActivityID, servicerecord.FieldServedOn, servicerecord.FieldMinutes).
		Scan(viewRead(ctx), &recs); err != nil {
		return nil, err
	}
	type key struct {
		person int
		month  string
	}
	sums := map[key]*StudentMonth{}
	acts := map[key]map[int]bool{}
	for _, rec := range recs {
		k := key{rec.PersonID, Month(rec.ServedOn)}
		m := sums[k]
		if m == nil {
			m = &StudentMonth{Pseudonym: r.Pseudonym(rec.PersonID), Month: k.month}
			sums[k], acts[k] = m, map[int]bool{}
		}
		m.Minutes += rec.Minutes
		m.Records++
		acts[k][rec.ActivityID] = true
	}
	out := make([]*StudentMonth, 0, len(sums))
	for k, m := range sums {
		m.Activities = len(acts[k])
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Month != out[j].Month {
			return out[i].Month < out[j].Month
		}
		return out[i].Pseudonym < out[j].Pseudonym
	})
	return out, nil
}

// StudentMonthEdge is the GraphQL PartnerStudentMonthEdge.
type StudentMonthEdge struct {
	Node   *StudentMonth
	Cursor Cursor
}

// StudentMonthConnection is the GraphQL PartnerStudentMonthConnection;
// its cursors are positions in the computed list (paging.At).
type StudentMonthConnection struct {
	Edges      []*StudentMonthEdge
	PageInfo   PageInfo
	TotalCount int
}

// monthList names the student-months in their cursors; the name predates
// the one pager, so cursors issued before it still resume.
const monthList = "months"

// StudentMonthPage cuts all to the first entries after cursor after (see
// paging.Slice; first nil: the default page size).
func StudentMonthPage(all []*StudentMonth, after *Cursor, first *int) (*StudentMonthConnection, error) {
	p, err := paging.Slice(monthList, all, after, first)
	if err != nil {
		return nil, err
	}
	conn := &StudentMonthConnection{Edges: make([]*StudentMonthEdge, len(p.Nodes)), PageInfo: p.Info, TotalCount: len(all)}
	for i, m := range p.Nodes {
		conn.Edges[i] = &StudentMonthEdge{Node: m, Cursor: p.Cursors[i]}
	}
	return conn, nil
}
