package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/tongxing/tongxing/access"
	"github.com/tongxing/tongxing/policy"
)

// AuditEvent records who did what to which entity. It holds identifiers
// only, never personal data, and is append-only.
type AuditEvent struct {
	ent.Schema
}

// Fields of the AuditEvent.
func (AuditEvent) Fields() []ent.Field {
	return []ent.Field{
		field.String("actor").
			NotEmpty().
			Immutable().
			MaxLen(100).
			Comment("API key name or system process. 操作者。"),
		field.Int("actor_key_id").
			Optional().
			Nillable().
			Immutable().
			Comment("Database id of the API key used, if any.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("action").
			NotEmpty().
			Immutable().
			MaxLen(64).
			Comment("Operation, e.g. createOrganization. 操作。"),
		field.String("entity_type").
			Immutable().
			MaxLen(64).
			Comment("GraphQL type of the entity acted on. 对象类型。"),
		field.String("entity_id").
			Immutable().
			MaxLen(128).
			Comment("Global ID of the entity acted on. 对象 ID。"),
		field.String("request_id").
			Optional().
			Immutable().
			MaxLen(64).
			Comment("Request id, to find the matching log lines. 请求 ID。"),
		field.String("reason").
			Optional().
			Immutable().
			MaxLen(300).
			Comment("The reason the caller stated, for reads that need one (case files). 查阅理由。"),
		field.Int("count").
			Default(1).
			Immutable().
			Comment("Number of records the operation touched (e.g. a batch of hours). 影响记录数。"),
	}
}

// Indexes of the AuditEvent.
func (AuditEvent) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("created_at"),
		index.Fields("actor"),
		index.Fields("entity_type", "entity_id"),
	}
}

// Mixin of the AuditEvent.
func (AuditEvent) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the AuditEvent.
func (AuditEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Admin),
		schema.Comment("An audit trail entry: who did what to which entity. 审计记录。"),
		entgql.RelayConnection(),
		entgql.QueryField().Description("The audit trail (ADMIN only). 审计记录（仅管理员）。"),
	}
}

// Policy of the AuditEvent: see package policy.
func (AuditEvent) Policy() ent.Policy { return policy.AuditEvent() }
