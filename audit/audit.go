// Package audit writes the audit trail: who did what to which entity, and
// when. Events carry identifiers only, never personal data.
package audit

import (
	"context"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/requestid"
)

// Event is one audited operation.
type Event struct {
	// Action is the operation, e.g. the GraphQL mutation name.
	Action string
	// EntityType is the GraphQL type acted on, e.g. "Organization".
	EntityType string
	// EntityID is the ent id of the entity, 0 when the action touched many.
	EntityID int
	// Count is how many records the action touched.
	Count int
	// Reason is what the caller stated, for reads that need a reason (case
	// files, package casework).
	Reason string
}

// Record writes e through c, which must be the transactional client of the
// operation so that the event commits or rolls back with it.
func Record(ctx context.Context, c *ent.Client, e Event) error {
	actor, keyID := auth.Actor(ctx)
	entityID := ""
	if e.EntityID != 0 {
		entityID = gid.Encode(e.EntityID)
	}
	count := e.Count
	if count == 0 && e.EntityID != 0 {
		count = 1 // an operation on one entity need not say how many
	}
	return c.AuditEvent.Create().
		SetActor(actor).
		SetNillableActorKeyID(keyID).
		SetAction(e.Action).
		SetEntityType(e.EntityType).
		SetEntityID(entityID).
		SetRequestID(requestid.From(ctx)).
		SetCount(count).
		SetReason(e.Reason).
		Exec(ctx)
}
