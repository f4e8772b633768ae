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

// Certificate is a proof of volunteer hours (志愿服务记录证明, Art. 14–17 of
// 志愿服务记录与证明出具办法): numbered, free, truthful, and verifiable by
// anyone through its verification code.
type Certificate struct {
	ent.Schema
}

// Fields of the Certificate.
func (Certificate) Fields() []ent.Field {
	return []ent.Field{
		field.String("number").
			Unique().
			Immutable().
			NotEmpty().
			Comment("Certificate number, e.g. ZYZM-330411-2026-000123. 证明编号。").
			Annotations(entgql.OrderField("NUMBER")),
		field.String("verification_code").
			Unique().
			Immutable().
			NotEmpty().
			Comment("Code anyone can check at /verify/{code}. 核验码。").
			// The code is the certificate's proof: nobody needs to search by it.
			Annotations(notFilterable()),
		field.Int("person_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("period_start").
			Immutable().
			Comment("First day of the hours certified. 统计期起。").
			Annotations(entgql.Type("Date")),
		field.Time("period_end").
			Immutable().
			Comment("Last day of the hours certified. 统计期止。").
			Annotations(entgql.Type("Date")),
		field.Int("minutes").
			Immutable().
			NonNegative().
			Comment("Verified service time certified, in minutes. 核实时长（分钟）。"),
		field.Int("record_count").
			Immutable().
			NonNegative().
			Comment("Verified records counted. 记录条数。"),
		field.Text("content").
			Immutable().
			Comment("Summary of the service: activities, organisers. 服务内容摘要。"),
		field.String("issuer").
			Immutable().
			NotEmpty().
			Comment("Issuing unit (the recording organisation, 谁记录谁证明). 出具单位。"),
		field.String("issued_by").
			Immutable().
			NotEmpty().
			Comment("Key or process that issued it. 经办。"),
		field.Time("revoked_at").
			Optional().
			Nillable().
			Comment("When it was revoked; a revoked certificate no longer verifies. 吊销时间。"),
		field.String("revocation_reason").
			Optional().
			MaxLen(500).
			Comment("Why it was revoked. 吊销原因。"),
	}
}

// Edges of the Certificate.
func (Certificate) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("person", Person.Type).
			Ref("certificates").
			Field("person_id").
			Unique().
			Required().
			Immutable().
			Comment("The volunteer. 志愿者。"),
		edge.From("records", ServiceRecord.Type).
			Ref("certificates").
			Comment("The verified records certified. 所证明的记录。").
			Annotations(entgql.RelayConnection()),
	}
}

// Indexes of the Certificate.
func (Certificate) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("person_id"),
	}
}

// Mixin of the Certificate.
func (Certificate) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the Certificate.
func (Certificate) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Key),
		schema.Comment("A certificate of verified volunteer hours (志愿服务记录证明). 时长证明。"),
		entgql.RelayConnection(),
	}
}

// Policy of the Certificate: see package policy.
func (Certificate) Policy() ent.Policy { return policy.Certificate() }
