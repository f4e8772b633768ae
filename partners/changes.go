package partners

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/partnership"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/ent/tombstone"
)

// Entity is the GraphQL PartnerEntity.
type Entity string

// The entities of the change feed.
const (
	EntityPracticeBase  Entity = "PRACTICE_BASE"
	EntityActivity      Entity = "ACTIVITY"
	EntityServiceRecord Entity = "SERVICE_RECORD"
)

// MarshalGQL writes the enum value.
func (e Entity) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(e))) }

// UnmarshalGQL reads the enum value.
func (e *Entity) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	switch Entity(s) {
	case EntityPracticeBase, EntityActivity, EntityServiceRecord:
		*e = Entity(s)
		return nil
	}
	return fmt.Errorf("%q is not a PartnerEntity", s)
}

// Op is the GraphQL ChangeOp.
type Op string

// The operations of the change feed.
const (
	OpUpsert Op = "UPSERT"
	OpDelete Op = "DELETE"
)

// MarshalGQL writes the enum value.
func (o Op) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(o))) }

// UnmarshalGQL reads the enum value.
func (o *Op) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	switch Op(s) {
	case OpUpsert, OpDelete:
		*o = Op(s)
		return nil
	}
	return fmt.Errorf("%q is not a ChangeOp", s)
}

// Change is the GraphQL PartnerChange.
type Change struct {
	Entity Entity
	ID     int
	Op     Op
	At     time.Time
	// The entity's current state, for UPSERT.
	PracticeBase  *ent.Partnership
	Activity      *Activity
	ServiceRecord *ServiceRecord

	key      Key
	resolved bool
}

// ChangeEdge is the GraphQL PartnerChangeEdge.
type ChangeEdge struct {
	Node   *Change
	Cursor Cursor
}

// ChangeConnection is the GraphQL PartnerChangeConnection.
type ChangeConnection struct {
	Edges    []*ChangeEdge
	PageInfo PageInfo
}

// The sources of the change feed, in the order they take at equal times.
const (
	rankBases   = 1
	rankActs    = 2
	rankRecords = 3
	rankMarkers = 4
)

// Changes returns the first events of the university's change feed after
// since (all when nil) and after cursor position after. The feed merges
// four ordered sources: practice bases, activities and records whose row
// changed (updated_at), and the markers the hooks wrote when something
// entered or left the view without its row changing. Each event carries
// the entity's state when read: UPSERT with the object while it is in the
// view (records: VERIFIED), DELETE otherwise. Applying the events in order
// therefore leaves a copy equal to the view.
func (r *Reader) Changes(ctx context.Context, since *time.Time, after *Key, first int) (*ChangeConnection, error) {
	n := first + 1
	var events []*Change

	bases, err := r.Client.Partnership.Query().Where(IsBase(r.View.University),
		predicate.Partnership(changedSince(partnership.FieldUpdatedAt, since)),
		predicate.Partnership(afterKey(partnership.FieldUpdatedAt, rankBases, after)),
	).Order(ent.Asc(partnership.FieldUpdatedAt, partnership.FieldID)).Limit(n).WithOrganization().WithPartner().All(ctx)
	if err != nil {
		return nil, err
	}
	for _, b := range bases {
		events = append(events, &Change{Entity: EntityPracticeBase, ID: b.ID, Op: OpUpsert, At: b.UpdatedAt, PracticeBase: b,
			key: Key{b.UpdatedAt, rankBases, b.ID}, resolved: true})
	}

	acts, err := r.Client.Activity.Query().Where(r.View.Activities(0),
		predicate.Activity(changedSince(activity.FieldUpdatedAt, since)),
		predicate.Activity(afterKey(activity.FieldUpdatedAt, rankActs, after)),
	).Order(ent.Asc(activity.FieldUpdatedAt, activity.FieldID)).Limit(n).WithOrganization().WithProject().WithRegion().All(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range acts {
		events = append(events, &Change{Entity: EntityActivity, ID: a.ID, Op: OpUpsert, At: a.UpdatedAt, Activity: r.activity(a),
			key: Key{a.UpdatedAt, rankActs, a.ID}, resolved: true})
	}

	// Records of the view that have been reviewed: VERIFIED ones are
	// shown, REJECTED and SUPERSEDED ones are deletions. (PENDING records
	// were never shown and are not news.)
	recs, err := r.Client.ServiceRecord.Query().Where(r.View.records(0, true),
		reviewed(),
		predicate.ServiceRecord(changedSince(servicerecord.FieldUpdatedAt, since)),
		predicate.ServiceRecord(afterKey(servicerecord.FieldUpdatedAt, rankRecords, after)),
	).Order(ent.Asc(servicerecord.FieldUpdatedAt, servicerecord.FieldID)).Limit(n).
		WithActivity(func(q *ent.ActivityQuery) { q.WithOrganization() }).All(viewRead(ctx))
	if err != nil {
		return nil, err
	}
	for _, s := range recs {
		e := &Change{Entity: EntityServiceRecord, ID: s.ID, Op: OpDelete, At: s.UpdatedAt,
			key: Key{s.UpdatedAt, rankRecords, s.ID}, resolved: true}
		if s.Status == servicerecord.StatusVERIFIED {
			e.Op, e.ServiceRecord = OpUpsert, r.record(s)
		}
		events = append(events, e)
	}

	marks, err := r.Client.Tombstone.Query().Where(tombstone.UniversityID(r.View.University),
		predicate.Tombstone(changedSince(tombstone.FieldAt, since)),
		predicate.Tombstone(afterKey(tombstone.FieldAt, rankMarkers, after)),
	).Order(ent.Asc(tombstone.FieldAt, tombstone.FieldID)).Limit(n).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range marks {
		events = append(events, &Change{Entity: Entity(m.Entity), ID: m.EntityID, At: m.At, key: Key{m.At, rankMarkers, m.ID}})
	}

	sort.Slice(events, func(i, j int) bool { return events[i].key.less(events[j].key) })
	events, cursors, info := paginate(events, first, after, func(e *Change) Key { return e.key })
	if err := r.resolve(ctx, events); err != nil {
		return nil, err
	}
	conn := &ChangeConnection{Edges: make([]*ChangeEdge, len(events)), PageInfo: info}
	for i, e := range events {
		conn.Edges[i] = &ChangeEdge{Node: e, Cursor: cursors[i]}
	}
	return conn, nil
}

func (k Key) less(o Key) bool {
	switch {
	case !k.At.Equal(o.At):
		return k.At.Before(o.At)
	case k.Rank != o.Rank:
		return k.Rank < o.Rank
	}
	return k.ID < o.ID
}

// resolve looks up the current state of the entities that markers name.
func (r *Reader) resolve(ctx context.Context, events []*Change) error {
	ids := map[Entity][]int{}
	for _, e := range events {
		if !e.resolved {
			ids[e.Entity] = append(ids[e.Entity], e.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	bases := map[int]*ent.Partnership{}
	if len(ids[EntityPracticeBase]) > 0 {
		rows, err := r.Client.Partnership.Query().Where(IsBase(r.View.University), partnership.IDIn(ids[EntityPracticeBase]...)).
			WithOrganization().WithPartner().All(ctx)
		if err != nil {
			return err
		}
		for _, b := range rows {
			bases[b.ID] = b
		}
	}
	acts := map[int]*Activity{}
	if len(ids[EntityActivity]) > 0 {
		rows, err := r.Client.Activity.Query().Where(r.View.Activities(0), activity.IDIn(ids[EntityActivity]...)).
			WithOrganization().WithProject().WithRegion().All(ctx)
		if err != nil {
			return err
		}
		for _, a := range rows {
			acts[a.ID] = r.activity(a)
		}
	}
	recs := map[int]*ServiceRecord{}
	if len(ids[EntityServiceRecord]) > 0 {
		rows, err := r.Client.ServiceRecord.Query().Where(r.View.Visible(0), servicerecord.IDIn(ids[EntityServiceRecord]...)).
			WithActivity(func(q *ent.ActivityQuery) { q.WithOrganization() }).All(viewRead(ctx))
		if err != nil {
			return err
		}
		for _, s := range rows {
			recs[s.ID] = r.record(s)
		}
	}
	for _, e := range events {
		if e.resolved {
			continue
		}
		e.Op = OpDelete
		switch e.Entity {
		case EntityPracticeBase:
			if e.PracticeBase = bases[e.ID]; e.PracticeBase != nil {
				e.Op = OpUpsert
			}
		case EntityActivity:
			if e.Activity = acts[e.ID]; e.Activity != nil {
				e.Op = OpUpsert
			}
		case EntityServiceRecord:
			if e.ServiceRecord = recs[e.ID]; e.ServiceRecord != nil {
				e.Op = OpUpsert
			}
		}
		e.resolved = true
	}
	return nil
}

// reviewed keeps VERIFIED, REJECTED and SUPERSEDED records (without the
// status index: see statusIs).
func reviewed() predicate.ServiceRecord {
	return servicerecord.StatusNEQ(servicerecord.StatusPENDING)
}
