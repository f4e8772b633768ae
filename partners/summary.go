package partners

import (
	"context"
	"sort"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/servicerecord"
)

// MinCell is the minimum-cell rule of the protected aggregates: figures of
// students who did not consent are published only when at least this many
// of them contribute.
const MinCell = 5

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
	// OtherStudents and OtherMinutes count students without consent; nil
	// when suppressed.
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
	students, others map[int]bool
	records, minutes int
	otherMinutes     int
	from, to         time.Time
	term             *string
}

func newCell(from, to time.Time, term *string) *cell {
	return &cell{students: map[int]bool{}, others: map[int]bool{}, from: from, to: to, term: term}
}

func (c *cell) figures() *Figures {
	f := &Figures{Term: c.term, From: c.from, To: c.to, Activities: c.activities,
		Students: len(c.students), Records: c.records, Minutes: c.minutes}
	if n := len(c.others); n == 0 || n >= MinCell {
		m := c.otherMinutes
		f.OtherStudents, f.OtherMinutes = &n, &m
	}
	return f
}

// Figures returns a base's figures per academic term, from the term its
// agreement started in to the term of its end (or of now), and in total.
// Students who did not consent are read here, and only here, to be counted
// under the minimum-cell rule; the totals withhold them whenever any term
// does, so that they cannot be had by subtraction.
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
		PersonID int       `json:"person_id"`
		ServedOn time.Time `json:"served_on"`
		Minutes  int       `json:"minutes"`
	}
	err = r.Client.ServiceRecord.Query().Where(
		statusIs(servicerecord.StatusVERIFIED),
		inSelect(servicerecord.FieldActivityID, activity.Table, activity.FieldID, false, func(s *sql.Selector) { r.View.Activities(base)(s) }),
		inSelect(servicerecord.FieldPersonID, person.Table, person.FieldID, false, func(s *sql.Selector) { person.UniversityID(r.View.University)(s) }),
	).Select(servicerecord.FieldPersonID, servicerecord.FieldServedOn, servicerecord.FieldMinutes).Scan(sys, &recs)
	if err != nil {
		return nil, nil, err
	}
	add := func(c *cell, p, minutes int) {
		if consented[p] {
			c.students[p] = true
			c.records++
			c.minutes += minutes
		} else {
			c.others[p] = true
			c.otherMinutes += minutes
		}
	}
	for _, rec := range recs {
		if c := byTerm[TermOf(rec.ServedOn).Code]; c != nil {
			add(c, rec.PersonID, rec.Minutes)
		}
		add(all, rec.PersonID, rec.Minutes)
	}
	suppressed := false
	for _, c := range cells {
		f := c.figures()
		suppressed = suppressed || f.Suppressed()
		terms = append(terms, f)
	}
	total = all.figures()
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
// its cursors are positions in the computed list.
type StudentMonthConnection struct {
	Edges      []*StudentMonthEdge
	PageInfo   PageInfo
	TotalCount int
}

// StudentMonthPage cuts all after cursor after to first entries.
func StudentMonthPage(all []*StudentMonth, after *Cursor, first int) (*StudentMonthConnection, error) {
	start := 0
	if after != nil {
		if after.Value != "months" || after.ID < 1 {
			return nil, ErrCursor
		}
		start = after.ID
	}
	start = min(start, len(all))
	end := min(len(all), start+first)
	conn := &StudentMonthConnection{Edges: []*StudentMonthEdge{}, TotalCount: len(all)}
	for i := start; i < end; i++ {
		conn.Edges = append(conn.Edges, &StudentMonthEdge{Node: all[i], Cursor: Cursor{ID: i + 1, Value: "months"}})
	}
	conn.PageInfo.HasNextPage = end < len(all)
	conn.PageInfo.HasPreviousPage = start > 0
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[n-1].Cursor
	}
	return conn, nil
}
