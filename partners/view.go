// Package partners serves partner universities their practice-base data:
// the practice bases (PRACTICE_BASE partnerships of the university), the
// activities their hosts organised during each agreement, the verified
// service records of the university's consenting students there under
// per-university pseudonyms, summary figures with a minimum-cell rule for
// students who did not consent, a change feed that lets a copy converge,
// and bulk exports (CSV, Parquet).
//
// What a university sees is defined once, here (View), and used by the
// GraphQL resolvers, the exports, the change feed and the hooks that write
// change markers. Who may see it is decided in package policy
// (PartnerUniversity and the PARTNER row rules); everything in this package
// runs on the caller's context, so those rules apply to every query, except
// the few look-ups that must see every row (marked allowAll) and only ever
// return counts or markers.
package partners

import (
	"context"
	"sort"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/migrate"
	"github.com/tongxing/tongxing/ent/partnership"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/pii"
)

// allowAll lets an internal look-up see every row: used only where the
// result is a count under the minimum-cell rule, or a change marker.
func allowAll(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// viewRead is the context the view's person and service-record queries run
// on. PARTNER keys read no person or record through the generic API
// (policy.PeopleRows and ServiceRecordRows refuse them): the partner view
// is their only door, and it applies its own, narrower rule instead. Every
// query run on this context carries a View predicate (Students, Visible or
// records), and a Reader exists only after policy.PartnerUniversity
// admitted the caller for its university (Open, the export handler).
func viewRead(ctx context.Context) context.Context { return allowAll(ctx) }

// View is what one university's partner view covers.
type View struct {
	// University is the organisation id of the university.
	University int
	// Bases are its practice bases, by id, with their university and host
	// loaded.
	Bases []*ent.Partnership
}

// IsBase is the predicate of the university's practice bases.
func IsBase(university int) predicate.Partnership {
	return partnership.And(partnership.KindEQ(partnership.KindPRACTICE_BASE), partnership.OrganizationID(university))
}

// LoadView reads the university's practice bases. Partnerships are a public
// register, so ctx only needs to be able to read them.
func LoadView(ctx context.Context, c *ent.Client, university int) (*View, error) {
	bases, err := c.Partnership.Query().Where(IsBase(university)).
		WithOrganization().WithPartner().
		Order(ent.Asc(partnership.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	return &View{University: university, Bases: bases}, nil
}

// Base returns the base with id, or nil.
func (v *View) Base(id int) *ent.Partnership {
	for _, b := range v.Bases {
		if b.ID == id {
			return b
		}
	}
	return nil
}

// span is the instants an agreement covers: [from, until), until zero
// while it runs.
func span(b *ent.Partnership) (from, until time.Time) {
	from = cstDay(b.StartedOn)
	if b.EndedOn != nil {
		until = cstDay(*b.EndedOn).AddDate(0, 0, 1)
	}
	return from, until
}

// cstDay is midnight, China time, of the calendar date d (stored as
// midnight UTC).
func cstDay(d time.Time) time.Time {
	y, m, day := d.UTC().Date()
	return time.Date(y, m, day, 0, 0, 0, 0, calendar.Zone)
}

// covers reports whether base b's agreement covers an activity of org
// starting at startsAt.
func covers(b *ent.Partnership, org int, startsAt time.Time) bool {
	from, until := span(b)
	return b.PartnerID == org && !startsAt.Before(from) && (until.IsZero() || startsAt.Before(until))
}

// BaseOf is the practice base an activity counts for: the first (lowest
// id) base of the university at the activity's organiser whose agreement
// covers its start; 0 when none does.
func (v *View) BaseOf(org int, startsAt time.Time) int {
	for _, b := range v.Bases {
		if covers(b, org, startsAt) {
			return b.ID
		}
	}
	return 0
}

// Activities is the predicate of the activities in the view: organised by
// the host of one of its bases and starting within that base's agreement.
// With base not 0, only the activities that count for that base (BaseOf):
// where two agreements with one host overlap, the earlier base has them.
func (v *View) Activities(base int) predicate.Activity {
	var ors []predicate.Activity
	for i, b := range v.Bases {
		if base != 0 && b.ID != base {
			continue
		}
		p := []predicate.Activity{coveredBy(b)}
		if base != 0 {
			for _, e := range v.Bases[:i] {
				if e.PartnerID == b.PartnerID {
					p = append(p, activity.Not(coveredBy(e)))
				}
			}
		}
		ors = append(ors, activity.And(p...))
	}
	if len(ors) == 0 {
		return activity.IDIn() // nothing
	}
	return activity.Or(ors...)
}

// coveredBy is the predicate of covers: activities of b's host within b's
// agreement.
func coveredBy(b *ent.Partnership) predicate.Activity {
	from, until := span(b)
	p := []predicate.Activity{activity.OrganizationID(b.PartnerID), activity.StartsAtGTE(from)}
	if !until.IsZero() {
		p = append(p, activity.StartsAtLT(until))
	}
	return activity.And(p...)
}

// Students is the predicate of the university's students who consented to
// share their records with it.
func (v *View) Students() predicate.Person {
	return person.And(person.UniversityID(v.University), person.ShareWithUniversity(true))
}

// Records is the predicate of the service records in the view, whatever
// their status: those of consenting students at the view's activities.
// Partners are shown the VERIFIED ones (see Visible).
func (v *View) Records(base int) predicate.ServiceRecord {
	return v.records(base, false)
}

// Visible is the predicate of the records a partner is shown.
func (v *View) Visible(base int) predicate.ServiceRecord {
	return v.visible(base, false)
}

// The stream variants are for reads in (updated_at, id) order, a page at a
// time. On SQLite, which keeps no statistics, they keep the planner off the
// person and activity indexes (statusIs keeps every planner off the status
// index), so it walks the updated_at index from the cursor instead of
// sorting every matching record for each page: a page costs the same at
// any depth of a million-row export.

func (v *View) records(base int, stream bool) predicate.ServiceRecord {
	return servicerecord.And(
		inSelect(servicerecord.FieldPersonID, person.Table, person.FieldID, stream, func(s *sql.Selector) { v.Students()(s) }),
		inSelect(servicerecord.FieldActivityID, activity.Table, activity.FieldID, stream, func(s *sql.Selector) { v.Activities(base)(s) }),
	)
}

func (v *View) visible(base int, stream bool) predicate.ServiceRecord {
	return servicerecord.And(v.records(base, stream), statusIs(servicerecord.StatusVERIFIED))
}

// column is s's column, kept from index use on SQLite when stream is set
// (the unary plus is SQLite's documented way to say so).
func column(s *sql.Selector, name string, stream bool) string {
	c := s.C(name)
	if stream && s.Dialect() == dialect.SQLite {
		return "+" + c
	}
	return c
}

// statusIs keeps records of status st, written as "status NOT IN (every
// other status)": nearly every record is VERIFIED, so the status index
// never narrows these queries, yet a planner without statistics starts
// from it for "status = …", and one with statistics misjudges an opaque
// expression as rare and sorts every match for each page. An inequality
// uses no index and is estimated as common by both databases, so they walk
// the updated_at index and stop at the page's end.
func statusIs(st servicerecord.Status) predicate.ServiceRecord {
	var others []any
	for _, v := range statuses {
		if v != string(st) {
			others = append(others, v)
		}
	}
	return func(s *sql.Selector) { s.Where(sql.NotIn(s.C(servicerecord.FieldStatus), others...)) }
}

// statuses is every value the status column takes, from the schema, so a
// status added later is never mistaken for VERIFIED.
var statuses = func() []string {
	for _, c := range migrate.ServiceRecordsColumns {
		if c.Name == servicerecord.FieldStatus {
			return c.Enums
		}
	}
	panic("partners: service_records has no status column")
}()

// inSelect is "column IN (SELECT id FROM table WHERE p)". Unlike ent's
// Has…With (a correlated EXISTS per row), the sub-select is evaluated once.
func inSelect(name, table, id string, stream bool, p func(*sql.Selector)) predicate.ServiceRecord {
	return func(s *sql.Selector) {
		t := sql.Table(table)
		sub := sql.Select(t.C(id)).From(t)
		p(sub)
		col := column(s, name, stream)
		s.Where(sql.P(func(b *sql.Builder) {
			b.WriteString(col).WriteOp(sql.OpIn)
			b.Wrap(func(b *sql.Builder) { b.Join(sub) })
		}))
	}
}

// pseudonyms names the university's students for it. Resolvers of one
// request use it concurrently.
type pseudonyms struct {
	keys       *pii.Keys
	university int
	mu         sync.Mutex
	memo       map[int]string
}

func newPseudonyms(keys *pii.Keys, university int) *pseudonyms {
	return &pseudonyms{keys: keys, university: university, memo: map[int]string{}}
}

func (p *pseudonyms) of(personID int) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.memo[personID]; ok {
		return s
	}
	s := p.keys.Pseudonym(p.university, personID)
	if len(p.memo) < 100_000 {
		p.memo[personID] = s
	}
	return s
}

// personOf finds the consenting student of the view whose pseudonym is
// name; 0 when there is none.
func personOf(ctx context.Context, c *ent.Client, v *View, keys *pii.Keys, name string) (int, error) {
	ids, err := c.Person.Query().Where(v.Students()).IDs(viewRead(ctx))
	if err != nil {
		return 0, err
	}
	sort.Ints(ids)
	for _, id := range ids {
		if keys.Pseudonym(v.University, id) == name {
			return id, nil
		}
	}
	return 0, nil
}
