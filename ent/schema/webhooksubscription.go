package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tongxing/tongxing/access"
	"github.com/tongxing/tongxing/policy"
)

// WebhookSubscription is a receiver registered by ADMIN: events of the
// types it names are POSTed to its URL, signed with its secret (package
// webhooks, docs/opendata.md "Feeds and webhooks"). The secret is sealed
// at rest (pii.SecretBox) and shown once, when the subscription is
// created. Deleting a subscription deletes its deliveries and their log.
type WebhookSubscription struct {
	ent.Schema
}

// Fields of the WebhookSubscription.
func (WebhookSubscription) Fields() []ent.Field {
	return []ent.Field{
		field.String("url").
			NotEmpty().
			MaxLen(2000).
			Immutable().
			Comment("Where deliveries are POSTed: an http or https URL. 接收地址。"),
		field.JSON("events", []string{}).
			Comment("Event types delivered, e.g. release.published. 订阅的事件。"),
		field.String("description").
			Optional().
			MaxLen(300).
			Comment("Who receives it and why. 说明。"),
		field.Bytes("secret_ciphertext").
			Sensitive().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges of the WebhookSubscription.
func (WebhookSubscription) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("deliveries", WebhookDelivery.Type).
			Comment("Events delivered or to be delivered to this subscriber. 投递记录。").
			Annotations(entgql.RelayConnection()),
	}
}

// Mixin of the WebhookSubscription.
func (WebhookSubscription) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the WebhookSubscription.
func (WebhookSubscription) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Admin),
		schema.Comment("A webhook subscriber: events are POSTed to its URL with an HMAC-SHA-256 signature (ADMIN only). Webhook 订阅。"),
		entgql.RelayConnection(),
		entgql.QueryField().
			Description("Webhook subscribers with their deliveries (ADMIN only). Webhook 订阅（仅管理员）。").
			Directives(entgql.NewDirective("access",
				&ast.Argument{Name: "level", Value: &ast.Value{Kind: ast.EnumValue, Raw: string(access.Admin)}})),
	}
}

// Policy of the WebhookSubscription: see package policy.
func (WebhookSubscription) Policy() ent.Policy { return policy.Webhooks() }
