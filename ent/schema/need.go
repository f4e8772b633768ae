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

// Need (群众需求) is a resident need to be matched with an organisation or
// project. Its description must carry no personal data; the resident's
// contact is stored apart and is not part of the API.
type Need struct {
	ent.Schema
}

// Fields of the Need.
func (Need) Fields() []ent.Field {
	return []ent.Field{
		// Random (randomids.Register): sequential ids would count, by their
		// gaps, the needs about children that the public list leaves out.
		field.Int("id").Positive().Immutable(),
		field.String("title").
			NotEmpty().
			MaxLen(200).
			Comment("Short summary, no personal data. 需求摘要。").
			Annotations(entgql.OrderField("TITLE")),
		field.Text("description").
			Optional().
			Comment("Details of the case: ADMIN or the matched organisation's EDITOR only. 需求描述。").
			Annotations(accessLevel(access.Case)),
		field.Int("domain_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("region_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("urgency").
			Values("LOW", "MEDIUM", "HIGH", "CRITICAL").
			Default("MEDIUM").
			Comment("How urgent. 紧急程度。").
			Annotations(entgql.OrderField("URGENCY")),
		field.Enum("status").
			Values("OPEN", "MATCHED", "RESOLVED", "CLOSED").
			Default("OPEN").
			Comment("OPEN 待对接, MATCHED 已对接, RESOLVED 已解决, CLOSED 已关闭. 状态。").
			Annotations(entgql.OrderField("STATUS")),
		field.String("contact").
			Optional().
			Sensitive().
			MaxLen(200).
			Comment("Resident's contact; personal data, never exposed.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("matched_organization_id").
			Optional().
			Nillable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("matched_project_id").
			Optional().
			Nillable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("opened_at").
			Comment("When the need was submitted. 提出时间。").
			Annotations(entgql.OrderField("OPENED_AT")),
		field.Time("resolved_at").
			Optional().
			Nillable().
			Comment("When it was resolved. 解决时间。").
			Annotations(entgql.OrderField("RESOLVED_AT")),
		field.Time("closed_at").
			Optional().
			Nillable().
			Comment("When it was closed. 关闭时间。"),
		field.Text("resolution_note").
			Optional().
			Comment("How it was resolved: ADMIN or the matched organisation's EDITOR only. 解决情况。").
			Annotations(accessLevel(access.Case)),
	}
}

// Edges of the Need.
func (Need) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("rating", NeedRating.Type).
			Unique().
			// Not an entgql edge: eager loading it with the need would
			// make every public read of needs ask the ratings' row rule.
			// graph/volunteer.graphqls declares Need.rating instead.
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("domain", Term.Type).
			Field("domain_id").
			Unique().
			Required().
			Comment("Service domain. 服务领域。"),
		edge.From("region", Region.Type).
			Ref("needs").
			Field("region_id").
			Unique().
			Required().
			Comment("Division where the need arose. 所在区划。"),
		edge.From("matched_organization", Organization.Type).
			Ref("matched_needs").
			Field("matched_organization_id").
			Unique().
			Comment("Organisation assigned to it. 对接组织。"),
		edge.From("matched_project", Project.Type).
			Ref("needs").
			Field("matched_project_id").
			Unique().
			Comment("Project assigned to it. 对接项目。"),
	}
}

// Indexes of the Need.
func (Need) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("status", "opened_at"),
		index.Fields("region_id"),
		index.Fields("domain_id"),
		index.Fields("matched_organization_id"),
		index.Fields("matched_project_id"),
	}
}

// Mixin of the Need.
func (Need) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the Need.
func (Need) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("A resident need (群众需求) to be matched with a provider."),
		entgql.RelayConnection(),
		entgql.QueryField().Description("Resident needs. 群众需求。"),
	}
}

// Policy of the Need: see package policy.
func (Need) Policy() ent.Policy { return policy.Need() }
