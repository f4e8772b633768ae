package audit

import (
	"context"
)

// Each domain operation says what it audits; the GraphQL transaction
// middleware only names the action (the mutation field) and writes the
// event inside the operation's transaction. That keeps the middleware free
// of domain types, and a new operation decides its own entity and count
// beside the code that acts.
//
// An operation says it in one of two ways:
//
//   - its result implements Audited (e.g. a batch of service records, whose
//     count and entity differ from any one ent entity), or
//   - it ends with Acted (one ent entity created or changed), or Note.

// Audited is a result that names the event it stands for. Action is left
// empty: the caller knows under which name the operation ran.
type Audited interface {
	AuditEvent() Event
}

// mutation is what every generated ent mutation reports: the entity's type
// name (ent's Type constant, e.g. "Organization") and its id.
type mutation interface {
	ID() (int, bool)
	Type() string
}

// updater is an ent update builder, whose mutation carries the entity's
// type and id.
type updater[M mutation] interface {
	Mutation() M
}

// entity is any generated ent entity: Update returns a builder for it.
// Reading the type and id through that builder (no query runs) covers every
// entity type without listing them here or reflecting on their fields.
type entity[U updater[M], M mutation] interface {
	comparable
	Update() U
}

// EntityEvent is the event of acting on the one ent entity e.
func EntityEvent[E entity[U, M], U updater[M], M mutation](e E) Event {
	m := e.Update().Mutation()
	id, _ := m.ID()
	return Event{EntityType: m.Type(), EntityID: id}
}

// Acted notes, when err is nil, that the operation running in ctx created
// or changed e, and returns e and err unchanged, so an operation can end
// with `return audit.Acted(ctx, saved, err)`.
func Acted[E entity[U, M], U updater[M], M mutation](ctx context.Context, e E, err error) (E, error) {
	var zero E
	if err == nil && e != zero {
		Note(ctx, EntityEvent(e))
	}
	return e, err
}

type noteKey struct{}

// note holds the event an operation said it audits; the latest wins, so an
// operation that calls another one and then notes its own entity reports
// its own.
type note struct {
	event Event
	set   bool
}

// Note records e as the event of the operation running in ctx. Outside an
// audited operation (e.g. when the demo data is seeded) it does nothing.
func Note(ctx context.Context, e Event) {
	if n, ok := ctx.Value(noteKey{}).(*note); ok {
		n.event, n.set = e, true
	}
}

// Collect returns a context in which an operation can Note its event, and
// a function returning the event noted in it (ok false when none was).
func Collect(ctx context.Context) (context.Context, func() (Event, bool)) {
	n := &note{}
	return context.WithValue(ctx, noteKey{}, n), func() (Event, bool) { return n.event, n.set }
}

// Of is the event of an operation that returned res and noted noted (from
// Collect): a result that says what it audits wins over a note.
func Of(res any, noted func() (Event, bool)) Event {
	if a, ok := res.(Audited); ok {
		return a.AuditEvent()
	}
	ev, _ := noted()
	return ev
}
