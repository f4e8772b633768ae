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

// Term is one entry of a Taxonomy; terms may nest.
type Term struct {
	ent.Schema
}

// Fields of the Term.
func (Term) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").
			NotEmpty().
			MaxLen(64).
			Comment("Machine name, unique within its taxonomy, e.g. elderly-care. 代码。").
			Annotations(entgql.OrderField("CODE")),
		field.String("name").
			NotEmpty().
			MaxLen(100).
			Comment("Chinese name, e.g. 养老. 名称。").
			Annotations(entgql.OrderField("NAME")),
		field.String("name_en").
			Optional().
			MaxLen(100).
			Comment("English name, e.g. Elderly care."),
		field.Int("taxonomy_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("parent_id").
			Optional().
			Nillable().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges of the Term.
func (Term) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("taxonomy", Taxonomy.Type).
			Ref("terms").
			Field("taxonomy_id").
			Unique().
			Required().
			Comment("The vocabulary this term belongs to."),
		edge.To("children", Term.Type).
			Comment("Narrower terms.").
			Annotations(entgql.RelayConnection()).
			From("parent").
			Field("parent_id").
			Unique().
			Comment("Broader term."),
		// Inverses of the many-to-many edges that point at terms; without
		// them ent would model those edges as one-to-many.
		edge.From("organizations", Organization.Type).
			Ref("categories").
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.From("domain_projects", Project.Type).
			Ref("domains").
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.From("target_group_projects", Project.Type).
			Ref("target_groups").
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("party_guide_coverages", PartyCoverage.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("party_guide_sub_coverages", PartyCoverage.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.From("service_points", ServicePoint.Type).
			Ref("services").
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.From("target_group_points", ServicePoint.Type).
			Ref("target_groups").
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.From("theme_rounds", CompetitionRound.Type).
			Ref("themes").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of the Term.
func (Term) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("taxonomy_id", "code").Unique(),
		index.Fields("parent_id"),
	}
}

// Mixin of the Term.
func (Term) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the Term.
func (Term) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("A term of a controlled vocabulary, e.g. 养老 (elderly care). 分类词条。"),
		entgql.RelayConnection(),
	}
}

// Policy of the Term: see package policy.
func (Term) Policy() ent.Policy { return policy.Public() }
