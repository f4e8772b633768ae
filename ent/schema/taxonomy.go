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

// Taxonomy is a named vocabulary (organisation categories, service domains,
// target groups) so a district can add its own terms without a code change.
type Taxonomy struct {
	ent.Schema
}

// Fields of the Taxonomy.
func (Taxonomy) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").
			Unique().
			NotEmpty().
			MaxLen(64).
			Comment("Stable machine name, e.g. service-domain. 代码。").
			Annotations(entgql.OrderField("CODE")),
		field.String("name").
			NotEmpty().
			MaxLen(100).
			Comment("Chinese name. 名称。"),
		field.String("name_en").
			Optional().
			MaxLen(100).
			Comment("English name."),
	}
}

// Edges of the Taxonomy.
func (Taxonomy) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("terms", Term.Type).
			Comment("Terms of this vocabulary. 词条。").
			Annotations(entgql.RelayConnection()),
	}
}

// Mixin of the Taxonomy.
func (Taxonomy) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the Taxonomy.
func (Taxonomy) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("A controlled vocabulary, e.g. service domains or organisation categories. 分类体系。"),
		entgql.RelayConnection(),
		entgql.QueryField().Description("Controlled vocabularies. 分类体系。"),
	}
}

// Policy of the Taxonomy: see package policy.
func (Taxonomy) Policy() ent.Policy { return policy.Public() }
