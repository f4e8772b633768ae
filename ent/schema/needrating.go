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

// NeedRating (评单) is the resident's rating of how a resolved need was
// served, given once through a one-time link code (docs/volunteers.md).
type NeedRating struct {
	ent.Schema
}

// Fields of the NeedRating.
func (NeedRating) Fields() []ent.Field {
	return []ent.Field{
		field.Int("need_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("code_hash").Unique().Sensitive().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("code_expires_at").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("issued_by").NotEmpty().MaxLen(100).
			Comment("Who handed the link to the resident. 发放人。"),
		field.Int("score").Optional().Nillable().Range(1, 5).
			Comment("1 (very dissatisfied) to 5 (very satisfied); null until rated. 评分。"),
		field.String("comment").Optional().MaxLen(500).
			Comment("The resident's words (may name people; read only through the need's rating). 评价。").
			Annotations(notFilterable()),
		field.Time("rated_at").Optional().Nillable().
			Comment("When the resident rated. 评价时间。"),
	}
}

// Edges of the NeedRating.
func (NeedRating) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("need", Need.Type).
			Ref("rating").
			Field("need_id").
			Unique().
			Required().
			Immutable(),
	}
}

// Mixin of the NeedRating.
func (NeedRating) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the NeedRating.
func (NeedRating) Annotations() []schema.Annotation {
	return []schema.Annotation{
		// CASE: read only through Need.rating, by the need's handlers
		// (policy.HandlesCase); node(id:) on a rating has no need to ask.
		accessLevel(access.Case),
		schema.Comment("A resident's rating of a resolved need (评单): the handling organisation's editors and ADMIN. 居民评价。"),
	}
}

// Policy of the NeedRating: see package policy.
func (NeedRating) Policy() ent.Policy { return policy.NeedRating() }
