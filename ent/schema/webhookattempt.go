package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/tongxing/tongxing/access"
	"github.com/tongxing/tongxing/policy"
)

// WebhookAttempt is one line of the delivery log: when an attempt was made,
// how long it took, and the receiver's status code or the class of error.
// It never holds a response body, a header or the secret: what a receiver
// answers is the receiver's business, and a log that kept it would carry
// whatever a hostile receiver chose to put there.
type WebhookAttempt struct {
	ent.Schema
}

// Fields of the WebhookAttempt.
func (WebhookAttempt) Fields() []ent.Field {
	return []ent.Field{
		field.Int("delivery_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("number").
			Positive().
			Immutable().
			Comment("1 for the first attempt of the delivery, 2 for the first retry, …. 第几次尝试。").
			Annotations(entgql.OrderField("NUMBER")),
		field.Int("status_code").
			Optional().
			Nillable().
			Immutable().
			Comment("The receiver's HTTP status, when it answered. HTTP 状态码。"),
		field.Enum("error").
			Values("HTTP_STATUS", "TIMEOUT", "DNS", "CONNECTION", "TLS", "ADDRESS_REFUSED", "INVALID_URL", "SECRET_UNAVAILABLE", "OTHER").
			Optional().
			Nillable().
			Immutable().
			Comment("Why the attempt failed; null when it succeeded. HTTP_STATUS: an answer other than 2xx (redirects are not followed); ADDRESS_REFUSED: the URL resolved to a loopback, private or otherwise reserved address. 失败原因。"),
		field.Int("duration_ms").
			NonNegative().
			Immutable().
			Comment("How long the attempt took, in milliseconds. 耗时（毫秒）。"),
		field.Time("retry_at").
			Optional().
			Nillable().
			Immutable().
			Comment("When the next attempt is due after this failure; null after a success or the last attempt. 重试时间。"),
	}
}

// Edges of the WebhookAttempt.
func (WebhookAttempt) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("delivery", WebhookDelivery.Type).
			Ref("attempts").
			Field("delivery_id").
			Unique().
			Required().
			Immutable().
			Comment("The delivery attempted. 投递。"),
	}
}

// Mixin of the WebhookAttempt: createdAt is when the attempt started.
func (WebhookAttempt) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the WebhookAttempt.
func (WebhookAttempt) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Admin),
		schema.Comment("One attempt to deliver a webhook: time, status code or error class — never a response body or a secret (ADMIN only). Webhook 投递日志。"),
		entgql.RelayConnection(),
	}
}

// Policy of the WebhookAttempt: see package policy.
func (WebhookAttempt) Policy() ent.Policy { return policy.Webhooks() }
