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

// PartyBuildingLink (党建联建) ties a Party organisation to a partner
// organisation. Links are ended, never deleted, so the history stays public.
type PartyBuildingLink struct {
	ent.Schema
}

// Fields of the PartyBuildingLink.
func (PartyBuildingLink) Fields() []ent.Field {
	return []ent.Field{
		field.Int("party_organization_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("partner_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("link_type").
			Values("JOINT_BUILDING", "PAIRING", "DUAL_REPORTING", "GRID_SERVICE", "GUIDANCE").
			Comment("JOINT_BUILDING 联建, PAIRING 结对, DUAL_REPORTING 双报到, GRID_SERVICE 网格连心·组团服务, GUIDANCE 指导. 联建类型。").
			Annotations(entgql.OrderField("LINK_TYPE")),
		field.Time("started_on").
			Comment("First day of the link. 开始日期。").
			Annotations(entgql.Type("Date"), entgql.OrderField("STARTED_ON")),
		dateField("ended_on", "Last day of the link; null while it runs. 结束日期。"),
		field.Text("agreement_summary").
			Optional().
			Comment("What the two sides agreed to do. 协议要点。"),
	}
}

// Edges of the PartyBuildingLink.
func (PartyBuildingLink) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("party_organization", Organization.Type).
			Ref("party_links").
			Field("party_organization_id").
			Unique().
			Required().
			Comment("The Party organisation. 党组织。"),
		edge.From("partner", Organization.Type).
			Ref("partner_links").
			Field("partner_id").
			Unique().
			Required().
			Comment("The partner organisation. 联建单位。"),
	}
}

// Indexes of the PartyBuildingLink.
func (PartyBuildingLink) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("party_organization_id"),
		index.Fields("partner_id"),
		index.Fields("link_type"),
		index.Fields("started_on"),
	}
}

// Mixin of the PartyBuildingLink.
func (PartyBuildingLink) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the PartyBuildingLink.
func (PartyBuildingLink) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("A Party-building link (党建联建) between a Party organisation and a partner organisation."),
		entgql.RelayConnection(),
		entgql.QueryField().Description("Party-building links. 党建联建。"),
	}
}

// Policy of the PartyBuildingLink: see package policy.
func (PartyBuildingLink) Policy() ent.Policy { return policy.PartyBuildingLink() }
