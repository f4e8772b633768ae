package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/tongxing/tongxing/access"
	"github.com/tongxing/tongxing/dimension"
	"github.com/tongxing/tongxing/policy"
)

// Outcome is one measurement of a project on an indicator for a period:
// baseline, target and actual, with evidence.
type Outcome struct {
	ent.Schema
}

// Fields of the Outcome.
func (Outcome) Fields() []ent.Field {
	return []ent.Field{
		field.Int("project_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("indicator_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("period_start").
			Comment("First day of the period measured. 统计期起。").
			Annotations(entgql.Type("Date"), entgql.OrderField("PERIOD_START")),
		field.Time("period_end").
			Comment("Last day of the period measured. 统计期止。").
			Annotations(entgql.Type("Date"), entgql.OrderField("PERIOD_END")),
		field.Float("baseline").
			Optional().
			Nillable().
			Comment("Value before the project. 基线值。").
			// Child indicators' values are disclosure-controlled for most
			// callers (results package), so no filter may probe them.
			Annotations(notFilterable()),
		field.Float("target").
			Optional().
			Nillable().
			Comment("Value aimed for. 目标值。").
			Annotations(notFilterable()),
		field.Float("actual").
			Optional().
			Nillable().
			Comment("Value reached. 实际值。").
			Annotations(notFilterable()),
		field.JSON("dimensions", []dimension.Dimension{}).
			Optional().
			Comment("What the values are disaggregated by, e.g. town = 新塍镇 (IATI dimensions). 分组维度。").
			Annotations(entgql.Type("[OutcomeDimension!]")),
		field.Text("evidence").
			Optional().
			Comment("Source or evidence of the actual value. 佐证材料。"),
		field.String("verified_by").
			Optional().
			MaxLen(100).
			Comment("Who verified the value. 核实人。"),
		field.Text("comment").
			Optional().
			Comment("Notes. 备注。"),
	}
}

// Edges of the Outcome.
func (Outcome) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("project", Project.Type).
			Ref("outcomes").
			Field("project_id").
			Unique().
			Required().
			Comment("The project measured. 项目。"),
		edge.From("indicator", Indicator.Type).
			Ref("outcomes").
			Field("indicator_id").
			Unique().
			Required().
			Comment("The indicator. 指标。"),
	}
}

// Indexes of the Outcome.
func (Outcome) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("project_id", "indicator_id", "period_start"),
		index.Fields("indicator_id"),
	}
}

// Mixin of the Outcome.
func (Outcome) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the Outcome.
func (Outcome) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("A measured result of a project on an indicator for a period. 项目成效。"),
		entgql.RelayConnection(),
		entgql.QueryField().Description("Project outcomes. 项目成效。"),
	}
}

// Policy of the Outcome: see package policy.
func (Outcome) Policy() ent.Policy { return policy.Outcome() }
