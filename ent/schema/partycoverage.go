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

// PartyCoverage records how a social organisation is covered by Party
// organisation work (党的组织和工作覆盖, "两个覆盖") from a date. A change of
// coverage ends the running row and starts a new one, so the history stays
// public and rates can be counted at any date.
type PartyCoverage struct {
	ent.Schema
}

// Fields of the PartyCoverage.
func (PartyCoverage) Fields() []ent.Field {
	return []ent.Field{
		field.Int("organization_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("method").
			Values("OWN_BRANCH", "JOINT_BRANCH", "INSTRUCTOR", "NOT_COVERED").
			Immutable().
			Comment("OWN_BRANCH 单独建 (its own Party branch), JOINT_BRANCH 联合建 (a branch shared with other organisations), INSTRUCTOR 选派党建指导员 (a Party-building instructor assigned), NOT_COVERED 未覆盖. 覆盖方式。").
			Annotations(entgql.OrderField("METHOD")),
		field.Int("party_organization_id").
			Optional().
			Nillable().
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("started_on").
			Immutable().
			Comment("First day of this coverage. 起始日期。").
			Annotations(entgql.Type("Date"), entgql.OrderField("STARTED_ON")),
		dateField("ended_on", "Last day of this coverage; null while it is the organisation's current one. 截止日期。"),
		field.Int("category_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("subcategory_id").
			Optional().
			Nillable().
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("note").
			Optional().
			MaxLen(500).
			Comment("Public remarks, e.g. the instructor's post (never a person's name). 备注。"),
	}
}

// Edges of the PartyCoverage.
func (PartyCoverage) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("organization", Organization.Type).
			Ref("party_coverages").
			Field("organization_id").
			Unique().
			Required().
			Immutable().
			Comment("The social organisation covered. 社会组织。"),
		edge.From("party_organization", Organization.Type).
			Ref("covered_by_party").
			Field("party_organization_id").
			Unique().
			Immutable().
			Comment("The Party organisation: the organisation's own branch, the joint branch, or the one that assigned the instructor; null when not covered. 党组织。"),
		edge.From("category", Term.Type).
			Ref("party_guide_coverages").
			Field("category_id").
			Unique().
			Required().
			Immutable().
			Comment("Category of the district's guide to Party building in social organisations (《社会组织党建工作指引》, taxonomy party-building-guide). 指引大类。"),
		edge.From("subcategory", Term.Type).
			Ref("party_guide_sub_coverages").
			Field("subcategory_id").
			Unique().
			Immutable().
			Comment("Sub-category of the guide, narrower than category. 指引小类。"),
	}
}

// Indexes of the PartyCoverage.
func (PartyCoverage) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("organization_id", "started_on").Unique(),
		index.Fields("party_organization_id"),
		index.Fields("method"),
	}
}

// Mixin of the PartyCoverage.
func (PartyCoverage) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the PartyCoverage.
func (PartyCoverage) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("How a social organisation is covered by Party organisation work from a date (两个覆盖). 党组织覆盖。"),
		entgql.RelayConnection(),
		entgql.QueryField().Description("Party-organisation coverage of social organisations, current and past. 社会组织党组织覆盖情况。"),
	}
}

// Policy of the PartyCoverage: see package policy.
func (PartyCoverage) Policy() ent.Policy { return policy.PartyCoverage() }
