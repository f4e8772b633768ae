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

// Organization is any body the programme works with: social organisations,
// social-work agencies, volunteer teams, Party organisations, universities.
// It is a public register: nothing here is personal data.
type Organization struct {
	ent.Schema
}

// Fields of the Organization.
func (Organization) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			NotEmpty().
			MaxLen(200).
			Comment("Registered or common name. 组织名称。").
			Annotations(entgql.OrderField("NAME")),
		field.Enum("kind").
			Values("SOCIAL_ORGANIZATION", "SOCIAL_WORK_AGENCY", "VOLUNTEER_TEAM", "PARTY_ORGANIZATION",
				"PARTY_SERVICE_CENTER", "UNIVERSITY", "GOVERNMENT", "ENTERPRISE", "OTHER").
			Comment("What kind of body this is. 组织类型。").
			Annotations(entgql.OrderField("KIND")),
		field.Enum("legal_form").
			Values("SOCIAL_GROUP", "SOCIAL_SERVICE_AGENCY", "FOUNDATION", "NONE").
			Default("NONE").
			Comment("Legal form: SOCIAL_GROUP 社会团体, SOCIAL_SERVICE_AGENCY 社会服务机构 (民办非企业单位), FOUNDATION 基金会, NONE. 法人形式。"),
		field.Enum("registration_status").
			Values("REGISTERED", "FILED", "UNREGISTERED").
			Default("UNREGISTERED").
			Comment("REGISTERED 登记 with civil affairs, FILED 备案 with the county bureau, or UNREGISTERED. 登记状态。").
			Annotations(entgql.OrderField("REGISTRATION_STATUS")),
		field.String("credit_code").
			Optional().
			Nillable().
			Unique().
			MaxLen(18).
			Comment("Unified Social Credit Code (GB 32100-2015), check character verified. 统一社会信用代码。"),
		field.Int("region_id").
			Comment("Division the organisation is based in.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("parent_id").
			Optional().
			Nillable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		dateField("founded_on", "Date founded or registered. 成立日期。"),
		field.Int("assessment_grade").
			Optional().
			Nillable().
			Range(1, 5).
			Comment("Civil-affairs assessment grade 1–5, i.e. 1A–5A. 评估等级。").
			Annotations(entgql.OrderField("ASSESSMENT_GRADE")),
		field.String("contact_phone").
			Optional().
			MaxLen(40).
			Comment("The organisation's public contact number (never a person's private phone). 公开联系电话。"),
		field.String("address").
			Optional().
			MaxLen(300).
			Comment("Public office address. 办公地址。"),
		field.Text("description").
			Optional().
			Comment("What the organisation does. 简介。"),
	}
}

// Edges of the Organization.
func (Organization) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("region", Region.Type).
			Ref("organizations").
			Field("region_id").
			Unique().
			Required().
			Comment("Division the organisation is based in. 所在区划。"),
		edge.To("children", Organization.Type).
			Comment("Organisations under this one (e.g. teams of a federation). 下属组织。").
			Annotations(entgql.RelayConnection()).
			From("parent").
			Field("parent_id").
			Unique().
			Comment("The organisation this one belongs to. 上级组织。"),
		edge.To("categories", Term.Type).
			Comment("Category terms (taxonomy), e.g. 公益慈善类. 分类。").
			Annotations(entgql.RelayConnection()),
		edge.From("projects", Project.Type).
			Ref("organizations").
			Through("participations", ProjectParticipation.Type).
			Comment("Projects the organisation takes part in, in any role. 参与的项目。").
			Annotations(entgql.RelayConnection()),
		edge.To("memberships", Membership.Type).
			Comment("People in the organisation (restricted). 成员。").
			Annotations(entgql.RelayConnection(), notFilterable()),
		edge.To("activities", Activity.Type).
			Comment("Activities the organisation organised. 组织的活动。").
			Annotations(entgql.RelayConnection()),
		edge.To("party_links", PartyBuildingLink.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("partner_links", PartyBuildingLink.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("partnerships", Partnership.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("partner_partnerships", Partnership.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("students", Person.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("matched_needs", Need.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("party_coverages", PartyCoverage.Type).
			Comment("How the organisation has been covered by Party organisation work, current and past (两个覆盖). 党组织覆盖。").
			Annotations(entgql.RelayConnection()),
		edge.To("covered_by_party", PartyCoverage.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("operated_points", ServicePoint.Type).
			Comment("Service points the organisation runs. 运营的服务点。").
			Annotations(entgql.RelayConnection()),
		edge.To("led_points", ServicePoint.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("organized_rounds", CompetitionRound.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("competition_applications", CompetitionApplication.Type).
			Comment("Its applications to project competitions and venture philanthropy. 大赛申报。").
			Annotations(entgql.RelayConnection()),
	}
}

// Indexes of the Organization.
func (Organization) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("region_id"),
		index.Fields("parent_id"),
		index.Fields("kind"),
		index.Fields("registration_status"),
		index.Fields("name"),
	}
}

// Mixin of the Organization.
func (Organization) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the Organization.
func (Organization) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("A social organisation, social-work agency, volunteer team, Party organisation, university or other body. 组织。"),
		entgql.RelayConnection(),
		entgql.QueryField().Description("The organisation register. 组织名录。"),
		entgql.MultiOrder(),
	}
}

// Policy of the Organization: see package policy.
func (Organization) Policy() ent.Policy { return policy.Organization() }
