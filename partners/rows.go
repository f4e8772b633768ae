package partners

import (
	"context"
	"sync"
	"time"

	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/outcome"
	"github.com/tongxing/tongxing/ent/partnership"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/ent/projectparticipation"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/paging"
	"github.com/tongxing/tongxing/pii"
)

// Activity is the GraphQL PartnerActivity: an activity at a practice base.
type Activity struct {
	ID             int
	PracticeBaseID int
	Title          string
	Kind           activity.Kind
	StartsAt       time.Time
	EndsAt         time.Time
	Place          string
	Beneficiaries  int
	OrganizationID int
	ProjectID      *int
	Organization   *ent.Organization
	Project        *ent.Project
	Region         *ent.Region
	UpdatedAt      time.Time
}

// ServiceRecord is the GraphQL PartnerServiceRecord: a verified record of a
// consenting student, under the student's pseudonym. It holds no person:
// nothing personal can be selected through it.
type ServiceRecord struct {
	ID             int
	Pseudonym      string
	PracticeBaseID int
	ActivityID     int
	// Activity has its organisation loaded.
	Activity   *ent.Activity
	ServedOn   time.Time
	Minutes    int
	Status     servicerecord.Status
	CorrectsID *int
	UpdatedAt  time.Time
}

// Month is the month served, YYYY-MM.
func (r *ServiceRecord) Month() string { return Month(r.ServedOn) }

// Term is the academic term served.
func (r *ServiceRecord) Term() string { return TermOf(r.ServedOn).Code }

// Hours is Minutes / 60.
func (r *ServiceRecord) Hours() float64 { return float64(r.Minutes) / 60 }

// Reader reads one university's partner view on the caller's context.
type Reader struct {
	Client *ent.Client
	View   *View
	names  *pseudonyms
	// rules protect the figures about students without consent.
	rules *disclosure.Rules

	mu      sync.Mutex
	figures map[int]*figuresOnce
}

// NewReader reads the university's view. university must come from
// policy.PartnerUniversity.
func NewReader(ctx context.Context, c *ent.Client, keys *pii.Keys, university int) (*Reader, error) {
	v, err := LoadView(ctx, c, university)
	if err != nil {
		return nil, err
	}
	return &Reader{Client: c, View: v, names: newPseudonyms(keys, university), rules: rulesFor(keys)}, nil
}

// Pseudonym is the university's name for a person.
func (r *Reader) Pseudonym(personID int) string { return r.names.of(personID) }

// PersonOf finds the consenting student whose pseudonym is name (0: none).
func (r *Reader) PersonOf(ctx context.Context, name string) (int, error) {
	return personOf(ctx, r.Client, r.View, r.names.keys, name)
}

// Filter narrows a stream.
type Filter struct {
	// Base keeps one practice base's rows (0: all the university's).
	Base int
	// Person keeps one student's records (0: all).
	Person int
	// Since keeps rows changed after it.
	Since *time.Time
}

// Page is a window on a stream ordered by (updated_at, id).
type Page struct {
	After *Key
	// UpTo bounds the window from above (exports); nil: no bound.
	UpTo *Key
	// Offset skips rows at the start of the window.
	Offset int
	// Limit is the most rows returned; 0: no limit.
	Limit int
}

func (p Page) apply(limit, offset func(int)) {
	if p.Limit > 0 {
		limit(p.Limit)
	}
	if p.Offset > 0 {
		offset(p.Offset)
	}
}

// BaseQuery is the practice bases matching f, unordered.
func (r *Reader) BaseQuery(f Filter) *ent.PartnershipQuery {
	q := r.Client.Partnership.Query().Where(IsBase(r.View.University),
		predicate.Partnership(changedSince(partnership.FieldUpdatedAt, f.Since)))
	if f.Base != 0 {
		q.Where(partnership.ID(f.Base))
	}
	return q
}

// Bases returns a page of practice bases, university and host loaded.
func (r *Reader) Bases(ctx context.Context, f Filter, p Page) ([]*ent.Partnership, error) {
	q := r.BaseQuery(f).Where(
		predicate.Partnership(afterKey(partnership.FieldUpdatedAt, 0, p.After)),
		predicate.Partnership(upTo(partnership.FieldUpdatedAt, p.UpTo)),
	).Order(ent.Asc(partnership.FieldUpdatedAt, partnership.FieldID)).WithOrganization().WithPartner()
	p.apply(func(n int) { q.Limit(n) }, func(n int) { q.Offset(n) })
	return q.All(ctx)
}

// ActivityQuery is the activities matching f, unordered.
func (r *Reader) ActivityQuery(f Filter) *ent.ActivityQuery {
	return r.Client.Activity.Query().Where(r.View.Activities(f.Base),
		predicate.Activity(changedSince(activity.FieldUpdatedAt, f.Since)))
}

// Activities returns a page of activities.
func (r *Reader) Activities(ctx context.Context, f Filter, p Page) ([]*Activity, error) {
	q := r.ActivityQuery(f).Where(
		predicate.Activity(afterKey(activity.FieldUpdatedAt, 0, p.After)),
		predicate.Activity(upTo(activity.FieldUpdatedAt, p.UpTo)),
	).Order(ent.Asc(activity.FieldUpdatedAt, activity.FieldID)).WithOrganization().WithProject().WithRegion()
	p.apply(func(n int) { q.Limit(n) }, func(n int) { q.Offset(n) })
	rows, err := q.All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*Activity, len(rows))
	for i, a := range rows {
		out[i] = r.activity(a)
	}
	return out, nil
}

func (r *Reader) activity(a *ent.Activity) *Activity {
	return &Activity{
		ID: a.ID, PracticeBaseID: r.View.BaseOf(a.OrganizationID, a.StartsAt),
		Title: a.Title, Kind: a.Kind, StartsAt: a.StartsAt, EndsAt: a.EndsAt, Place: a.Place,
		Beneficiaries: a.Beneficiaries, OrganizationID: a.OrganizationID, ProjectID: a.ProjectID,
		Organization: a.Edges.Organization, Project: a.Edges.Project, Region: a.Edges.Region,
		UpdatedAt: a.UpdatedAt,
	}
}

// RecordQuery is the records shown to the partner (VERIFIED) matching f,
// unordered.
func (r *Reader) RecordQuery(f Filter) *ent.ServiceRecordQuery { return r.recordQuery(f, false) }

// recordQuery is RecordQuery, planned for reading in (updated_at, id) order
// when stream is set.
func (r *Reader) recordQuery(f Filter, stream bool) *ent.ServiceRecordQuery {
	q := r.Client.ServiceRecord.Query().Where(r.View.visible(f.Base, stream),
		predicate.ServiceRecord(changedSince(servicerecord.FieldUpdatedAt, f.Since)))
	if f.Person != 0 {
		q.Where(servicerecord.PersonID(f.Person))
	}
	return q
}

// Records returns a page of records shown to the partner, activities (and
// their organisations) loaded.
func (r *Reader) Records(ctx context.Context, f Filter, p Page) ([]*ServiceRecord, error) {
	q := r.recordQuery(f, true).Where(
		predicate.ServiceRecord(afterKey(servicerecord.FieldUpdatedAt, 0, p.After)),
		predicate.ServiceRecord(upTo(servicerecord.FieldUpdatedAt, p.UpTo)),
	).Order(ent.Asc(servicerecord.FieldUpdatedAt, servicerecord.FieldID)).WithActivity(func(q *ent.ActivityQuery) { q.WithOrganization() })
	p.apply(func(n int) { q.Limit(n) }, func(n int) { q.Offset(n) })
	rows, err := q.All(viewRead(ctx))
	if err != nil {
		return nil, err
	}
	out := make([]*ServiceRecord, len(rows))
	for i, s := range rows {
		out[i] = r.record(s)
	}
	return out, nil
}

func (r *Reader) record(s *ent.ServiceRecord) *ServiceRecord {
	out := &ServiceRecord{
		ID: s.ID, Pseudonym: r.Pseudonym(s.PersonID), ActivityID: s.ActivityID, Activity: s.Edges.Activity,
		ServedOn: s.ServedOn, Minutes: s.Minutes, Status: s.Status, CorrectsID: s.CorrectsID, UpdatedAt: s.UpdatedAt,
	}
	if a := s.Edges.Activity; a != nil {
		out.PracticeBaseID = r.View.BaseOf(a.OrganizationID, a.StartsAt)
	}
	return out
}

// OutcomeQuery is the outcomes of the projects the hosts (of one base, or
// of all) take part in, changed after f.Since.
func (r *Reader) OutcomeQuery(f Filter) *ent.OutcomeQuery {
	var hosts []int
	for _, b := range r.View.Bases {
		if f.Base == 0 || b.ID == f.Base {
			hosts = append(hosts, b.PartnerID)
		}
	}
	return r.Client.Outcome.Query().Where(
		outcome.HasProjectWith(project.HasParticipationsWith(projectparticipation.OrganizationIDIn(hosts...))),
		predicate.Outcome(changedSince(outcome.FieldUpdatedAt, f.Since)))
}

// Outcomes returns a page of outcomes, project and indicator loaded.
func (r *Reader) Outcomes(ctx context.Context, f Filter, p Page) ([]*ent.Outcome, error) {
	q := r.OutcomeQuery(f).Where(predicate.Outcome(afterKey(outcome.FieldUpdatedAt, 0, p.After))).
		Order(ent.Asc(outcome.FieldUpdatedAt, outcome.FieldID)).WithProject().WithIndicator()
	if p.Limit > 0 {
		q.Limit(p.Limit)
	}
	return q.All(ctx)
}

// ---- connections ----

// PageInfo is the GraphQL PageInfo.
type PageInfo = paging.Info

type counter func(context.Context) (int, error)

// paginate cuts rows (fetched with limit first+1) to first and builds the
// page info; key gives each row's position.
func paginate[T any](rows []T, first int, after *Key, key func(T) Key) ([]T, []Cursor, PageInfo) {
	var info PageInfo
	if len(rows) > first {
		rows, info.HasNextPage = rows[:first], true
	}
	info.HasPreviousPage = after != nil
	cursors := make([]Cursor, len(rows))
	for i, row := range rows {
		cursors[i] = key(row).Cursor()
	}
	if n := len(cursors); n > 0 {
		info.StartCursor, info.EndCursor = &cursors[0], &cursors[n-1]
	} else if after != nil {
		// An empty page keeps the client's position.
		c := after.Cursor()
		info.EndCursor = &c
	}
	return rows, cursors, info
}

// BaseEdge is the GraphQL PracticeBaseEdge.
type BaseEdge struct {
	Node   *ent.Partnership
	Cursor Cursor
}

// BaseConnection is the GraphQL PracticeBaseConnection.
type BaseConnection struct {
	Edges    []*BaseEdge
	PageInfo PageInfo
	count    counter
}

// TotalCount counts the bases matching the filter, on every page.
func (c *BaseConnection) TotalCount(ctx context.Context) (int, error) { return c.count(ctx) }

// BaseConnection returns a page of practice bases.
func (r *Reader) BaseConnection(ctx context.Context, f Filter, after *Key, first int) (*BaseConnection, error) {
	rows, err := r.Bases(ctx, f, Page{After: after, Limit: first + 1})
	if err != nil {
		return nil, err
	}
	rows, cursors, info := paginate(rows, first, after, func(b *ent.Partnership) Key { return Key{At: b.UpdatedAt, ID: b.ID} })
	conn := &BaseConnection{Edges: make([]*BaseEdge, len(rows)), PageInfo: info, count: r.BaseQuery(f).Count}
	for i, row := range rows {
		conn.Edges[i] = &BaseEdge{Node: row, Cursor: cursors[i]}
	}
	return conn, nil
}

// ActivityEdge is the GraphQL PartnerActivityEdge.
type ActivityEdge struct {
	Node   *Activity
	Cursor Cursor
}

// ActivityConnection is the GraphQL PartnerActivityConnection.
type ActivityConnection struct {
	Edges    []*ActivityEdge
	PageInfo PageInfo
	count    counter
}

// TotalCount counts the activities matching the filter, on every page.
func (c *ActivityConnection) TotalCount(ctx context.Context) (int, error) { return c.count(ctx) }

// ActivityConnection returns a page of activities.
func (r *Reader) ActivityConnection(ctx context.Context, f Filter, after *Key, first int) (*ActivityConnection, error) {
	rows, err := r.Activities(ctx, f, Page{After: after, Limit: first + 1})
	if err != nil {
		return nil, err
	}
	rows, cursors, info := paginate(rows, first, after, func(a *Activity) Key { return Key{At: a.UpdatedAt, ID: a.ID} })
	conn := &ActivityConnection{Edges: make([]*ActivityEdge, len(rows)), PageInfo: info, count: r.ActivityQuery(f).Count}
	for i, row := range rows {
		conn.Edges[i] = &ActivityEdge{Node: row, Cursor: cursors[i]}
	}
	return conn, nil
}

// RecordEdge is the GraphQL PartnerServiceRecordEdge.
type RecordEdge struct {
	Node   *ServiceRecord
	Cursor Cursor
}

// RecordConnection is the GraphQL PartnerServiceRecordConnection.
type RecordConnection struct {
	Edges    []*RecordEdge
	PageInfo PageInfo
	count    counter
}

// TotalCount counts the records matching the filter, on every page.
func (c *RecordConnection) TotalCount(ctx context.Context) (int, error) { return c.count(ctx) }

// RecordConnection returns a page of records.
func (r *Reader) RecordConnection(ctx context.Context, f Filter, after *Key, first int) (*RecordConnection, error) {
	rows, err := r.Records(ctx, f, Page{After: after, Limit: first + 1})
	if err != nil {
		return nil, err
	}
	rows, cursors, info := paginate(rows, first, after, func(s *ServiceRecord) Key { return Key{At: s.UpdatedAt, ID: s.ID} })
	count := func(ctx context.Context) (int, error) { return r.RecordQuery(f).Count(viewRead(ctx)) }
	conn := &RecordConnection{Edges: make([]*RecordEdge, len(rows)), PageInfo: info, count: count}
	for i, row := range rows {
		conn.Edges[i] = &RecordEdge{Node: row, Cursor: cursors[i]}
	}
	return conn, nil
}

// EmptyRecords is a connection with no records (a pseudonym nobody has).
func EmptyRecords() *RecordConnection {
	return &RecordConnection{Edges: []*RecordEdge{}, count: func(context.Context) (int, error) { return 0, nil }}
}

// OutcomeEdge is the GraphQL PartnerOutcomeEdge.
type OutcomeEdge struct {
	Node   *ent.Outcome
	Cursor Cursor
}

// OutcomeConnection is the GraphQL PartnerOutcomeConnection.
type OutcomeConnection struct {
	Edges    []*OutcomeEdge
	PageInfo PageInfo
	count    counter
}

// TotalCount counts the outcomes matching the filter, on every page.
func (c *OutcomeConnection) TotalCount(ctx context.Context) (int, error) { return c.count(ctx) }

// OutcomeConnection returns a page of outcomes.
func (r *Reader) OutcomeConnection(ctx context.Context, f Filter, after *Key, first int) (*OutcomeConnection, error) {
	rows, err := r.Outcomes(ctx, f, Page{After: after, Limit: first + 1})
	if err != nil {
		return nil, err
	}
	rows, cursors, info := paginate(rows, first, after, func(o *ent.Outcome) Key { return Key{At: o.UpdatedAt, ID: o.ID} })
	conn := &OutcomeConnection{Edges: make([]*OutcomeEdge, len(rows)), PageInfo: info, count: r.OutcomeQuery(f).Count}
	for i, row := range rows {
		conn.Edges[i] = &OutcomeEdge{Node: row, Cursor: cursors[i]}
	}
	return conn, nil
}
