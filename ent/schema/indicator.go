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

// Indicator is an IATI-style results indicator that outcomes are measured on.
type Indicator struct {
	ent.Schema
}

// Fields of the Indicator.
func (Indicator) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").
			Unique().
			NotEmpty().
			MaxLen(64).
			Comment("Stable code, e.g. households-income-increase. 指标代码。").
			Annotations(entgql.OrderField("CODE")),
		field.String("name").
			NotEmpty().
			MaxLen(200).
			Comment("Chinese name. 指标名称。").
			Annotations(entgql.OrderField("NAME")),
		field.String("name_en").
			Optional().
			MaxLen(200).
			Comment("English name."),
		field.String("unit").
			Optional().
			MaxLen(32).
			Comment("Unit of the values, e.g. 户, 元, 人. 单位。"),
		field.Enum("measure").
			Values("UNIT", "PERCENTAGE", "NOMINAL", "ORDINAL", "QUALITATIVE").
			Default("UNIT").
			Comment("IATI indicator measure. 计量方式。"),
		field.Bool("ascending").
			Default(true).
			Comment("True when higher values are better. 是否越高越好。"),
		field.Text("description").
			Optional().
			Comment("Definition and how it is measured. 指标说明。"),
	}
}

// Edges of the Indicator.
func (Indicator) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("outcomes", Outcome.Type).
			Comment("Measurements on this indicator. 成效记录。").
			Annotations(entgql.RelayConnection()),
	}
}

// Mixin of the Indicator.
func (Indicator) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the Indicator.
func (Indicator) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("A results indicator (IATI results framework). 成效指标。"),
		entgql.RelayConnection(),
		entgql.QueryField().Description("Results indicators. 成效指标。"),
	}
}

// Policy of the Indicator: see package policy.
func (Indicator) Policy() ent.Policy { return policy.Public() }
