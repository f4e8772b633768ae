package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/tongxing/tongxing/access"
	"github.com/tongxing/tongxing/policy"
)

// WebhookDelivery is one event to be delivered to one subscriber. It is a
// row, so pending deliveries survive a restart: the delivery worker of any
// server process picks up those due (package webhooks). The body is fixed
// when the event is published, so every attempt sends the same bytes; the
// delivery's global id is its idempotency key (X-Tongxing-Delivery).
type WebhookDelivery struct {
	ent.Schema
}

// Fields of the WebhookDelivery.
func (WebhookDelivery) Fields() []ent.Field {
	return []ent.Field{
		field.Int("subscription_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("event_type").
			NotEmpty().
			MaxLen(100).
			Immutable().
			Comment("Event type, e.g. release.published. 事件类型。"),
		field.String("event_id").
			NotEmpty().
			MaxLen(200).
			Immutable().
			Comment("The event's id, the same in every subscriber's delivery (X-Tongxing-Event-Id), e.g. release.published:2026-10-31. 事件 ID。"),
		field.Bytes("body").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("status").
			Values("PENDING", "DELIVERED", "FAILED").
			Default("PENDING").
			Comment("PENDING until a 2xx answer (DELIVERED) or the last attempt failed (FAILED). 投递状态。"),
		field.Int("attempt_count").
			Default(0).
			NonNegative().
			Comment("Attempts made so far. 已尝试次数。"),
		field.Time("next_attempt_at").
			Optional().
			Nillable().
			Comment("When the next attempt is due, while PENDING. 下次尝试时间。").
			Annotations(entgql.OrderField("NEXT_ATTEMPT_AT")),
		field.Time("delivered_at").
			Optional().
			Nillable().
			Comment("When a receiver answered 2xx. 投递成功时间。"),
	}
}

// Edges of the WebhookDelivery.
func (WebhookDelivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("subscription", WebhookSubscription.Type).
			Ref("deliveries").
			Field("subscription_id").
			Unique().
			Required().
			Immutable().
			Comment("The subscriber. 订阅。"),
		edge.To("attempts", WebhookAttempt.Type).
			Comment("The delivery log: one row per attempt. 投递日志。").
			Annotations(entgql.RelayConnection()),
	}
}

// Indexes of the WebhookDelivery.
func (WebhookDelivery) Indexes() []ent.Index {
	return []ent.Index{
		// An event reaches a subscriber once, however often it is published.
		index.Fields("subscription_id", "event_id").Unique(),
		// The worker's question: what is due?
		index.Fields("status", "next_attempt_at"),
	}
}

// Mixin of the WebhookDelivery.
func (WebhookDelivery) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the WebhookDelivery.
func (WebhookDelivery) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Admin),
		schema.Comment("One event for one webhook subscriber, with its attempts (ADMIN only). Webhook 投递。"),
		entgql.RelayConnection(),
	}
}

// Policy of the WebhookDelivery: see package policy.
func (WebhookDelivery) Policy() ent.Policy { return policy.Webhooks() }
