// Package webhooks delivers events to subscribers by signed HTTP POST, at
// least once: the open-data publisher announces each release
// (release.published), and any other package can publish events of its
// own type with a payload of its own.
//
// Publishing an event writes one delivery row per subscriber (Publish); a
// worker in the server process (Worker) sends the rows that are due, signs
// each attempt with the subscriber's secret (Sign, Verify), retries
// failures with exponential back-off and jitter up to a bounded number of
// attempts, and logs each attempt: time, duration, status code or error
// class, never a body or a secret. Deliveries are rows, so they survive a
// restart and any server process may send them. Subscribers are registered
// and removed by ADMIN (Desk); their URLs are checked against server-side
// request forgery when registered and on every connection (address.go).
// docs/opendata.md, "Feeds and webhooks", documents the wire format.
package webhooks

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/webhookdelivery"
	"github.com/tongxing/tongxing/ent/webhooksubscription"
	"github.com/tongxing/tongxing/policy"
)

// Event is one occurrence to announce, with a payload of any type that
// encodes as JSON.
type Event[P any] struct {
	// Type is what subscribers choose, e.g. "release.published".
	Type string
	// ID identifies the event for good, e.g. "release.published:2026-10-31":
	// publishing the same ID again delivers nothing new to a subscriber that
	// has it already.
	ID string
	// OccurredAt is when it happened.
	OccurredAt time.Time
	Payload    P
}

// Envelope is the JSON body of every delivery.
type Envelope[P any] struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	OccurredAt time.Time `json:"occurredAt"`
	Data       P         `json:"data"`
}

// Publish writes a pending delivery of ev for every subscription whose
// events include ev.Type, that matches where (if given: e.g. one owner's
// subscriptions, or those that existed when an event published again
// occurred), and that does not hold a delivery of ev.ID already. It returns how many it wrote. The body
// is fixed now, so every attempt and every subscriber gets the same bytes.
// Publish writes as a system caller: an event is the server's, not the
// key's that caused it.
func Publish[P any](ctx context.Context, c *ent.Client, ev Event[P], where ...predicate.WebhookSubscription) (int, error) {
	if ev.Type == "" || ev.ID == "" || ev.OccurredAt.IsZero() {
		return 0, fmt.Errorf("webhooks: event without type, id or time: %+v", ev)
	}
	body, err := json.Marshal(Envelope[P]{ID: ev.ID, Type: ev.Type, OccurredAt: ev.OccurredAt.UTC(), Data: ev.Payload})
	if err != nil {
		return 0, fmt.Errorf("webhooks: encode %s: %w", ev.ID, err)
	}
	ctx = policy.SystemContext(ctx, "webhooks")
	subs, err := c.WebhookSubscription.Query().
		Where(where...).
		Where(webhooksubscription.Not(webhooksubscription.HasDeliveriesWith(webhookdelivery.EventID(ev.ID)))).
		All(ctx)
	if err != nil {
		return 0, err
	}
	now := time.Now()
	n := 0
	for _, s := range subs {
		if !slices.Contains(s.Events, ev.Type) {
			continue
		}
		err := c.WebhookDelivery.Create().SetSubscriptionID(s.ID).SetEventType(ev.Type).SetEventID(ev.ID).
			SetBody(body).SetNextAttemptAt(now).Exec(ctx)
		switch {
		case ent.IsConstraintError(err):
			// Published by another process in the meantime, or the
			// subscription was deleted: nothing to do either way.
		case err != nil:
			return n, err
		default:
			n++
		}
	}
	if n > 0 {
		wake()
	}
	return n, nil
}

// kick wakes the workers of this process when an event is published, so a
// delivery need not wait for the next poll. Other processes' workers find
// it when they poll.
var kick = make(chan struct{}, 1)

func wake() {
	select {
	case kick <- struct{}{}:
	default:
	}
}
