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

// Region is an administrative division: province down to community and grid,
// keyed by its GB/T 2260 or statistical township code.
type Region struct {
	ent.Schema
}

// Fields of the Region.
func (Region) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").
			Unique().
			NotEmpty().
			MaxLen(12).
			Comment("Division code: GB/T 2260 (6 digits), township (9) or community (12). 行政区划代码。").
			Annotations(entgql.OrderField("CODE")),
		field.String("name").
			NotEmpty().
			MaxLen(100).
			Comment("Official name, e.g. 新塍镇. 名称。").
			Annotations(entgql.OrderField("NAME")),
		field.Enum("level").
			Values("PROVINCE", "CITY", "DISTRICT", "TOWN", "COMMUNITY", "GRID").
			Comment("Administrative level. 层级。").
			Annotations(entgql.OrderField("LEVEL")),
		field.Int("parent_id").
			Optional().
			Nillable().
			Comment("Parent division.").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges of the Region.
func (Region) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("children", Region.Type).
			Comment("Divisions directly below this one. 下级区划。").
			Annotations(entgql.RelayConnection()).
			From("parent").
			Field("parent_id").
			Unique().
			Comment("The division this one belongs to. 上级区划。"),
		edge.To("organizations", Organization.Type).
			Comment("Organisations located in this division (not its children). 本区划内的组织。").
			Annotations(entgql.RelayConnection()),
		edge.To("activities", Activity.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("needs", Need.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("service_points", ServicePoint.Type).
			Comment("Service points in this division (not its children). 本区划内的服务点。").
			Annotations(entgql.RelayConnection()),
		// Inverse of Project.regions, which makes that edge many-to-many.
		edge.From("projects", Project.Type).
			Ref("regions").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of the Region.
func (Region) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("parent_id"),
		index.Fields("level"),
	}
}

// Mixin of the Region.
func (Region) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the Region.
func (Region) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("An administrative division (GB/T 2260): province, city, district, town/street, community, grid. 行政区划。"),
		entgql.RelayConnection(),
		entgql.QueryField().Description("Administrative divisions. 行政区划列表。"),
	}
}

// Policy of the Region: see package policy.
func (Region) Policy() ent.Policy { return policy.Public() }
