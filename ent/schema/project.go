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

// Project is a volunteer or social-work service project, from design
// (研发) through showcase and implementation to evaluation and close.
type Project struct {
	ent.Schema
}

// Fields of the Project.
func (Project) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			NotEmpty().
			MaxLen(200).
			Comment("Project name, e.g. 社工帮. 项目名称。").
			Annotations(entgql.OrderField("NAME")),
		field.Text("description").
			Optional().
			Comment("What the project does and for whom. 项目简介。"),
		field.Enum("stage").
			Values("DESIGN", "SHOWCASE", "IMPLEMENTATION", "EVALUATION", "CLOSED").
			Default("DESIGN").
			Comment("Lifecycle stage: DESIGN 研发 → SHOWCASE 展示 → IMPLEMENTATION 实施 → EVALUATION 评估 → CLOSED 结项. 阶段。").
			Annotations(entgql.OrderField("STAGE")),
		dateField("start_on", "Start date. 开始日期。"),
		dateField("end_on", "End date. 结束日期。"),
		field.Enum("funding_source").
			Values("VENTURE_PHILANTHROPY", "GOVERNMENT_PURCHASE", "CHARITY", "SELF_FUNDED", "OTHER").
			Optional().
			Nillable().
			Comment("VENTURE_PHILANTHROPY 公益创投, GOVERNMENT_PURCHASE 政府购买, CHARITY 慈善, SELF_FUNDED 自筹, OTHER. 资金来源。"),
		field.Float("funding_amount").
			Optional().
			Nillable().
			Min(0).
			Comment("Funding in yuan. 资金（元）。"),
		field.Float("weight").
			Default(1).
			Min(0).
			Comment("Weight of this project in its parent's progress. 在上级项目进度中的权重。"),
		field.JSON("awards", []string{}).
			Optional().
			Comment("Awards and recognitions. 获奖荣誉。"),
		field.Int("parent_id").
			Optional().
			Nillable().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges of the Project.
func (Project) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("organizations", Organization.Type).
			Through("participations", ProjectParticipation.Type).
			Comment("Participating organisations; see participations for their roles. 参与组织。").
			Annotations(entgql.RelayConnection()),
		edge.To("domains", Term.Type).
			Comment("Service domains, e.g. 养老, 助农. 服务领域。").
			Annotations(entgql.RelayConnection()),
		edge.To("target_groups", Term.Type).
			Comment("Groups served, e.g. 留守儿童. 服务对象。").
			Annotations(entgql.RelayConnection()),
		edge.To("regions", Region.Type).
			Comment("Divisions the project serves. 服务区域。").
			Annotations(entgql.RelayConnection()),
		edge.To("activities", Activity.Type).
			Comment("Activities of the project. 项目活动。").
			Annotations(entgql.RelayConnection()),
		edge.To("outcomes", Outcome.Type).
			Comment("Measured results. 项目成效。").
			Annotations(entgql.RelayConnection()),
		edge.To("children", Project.Type).
			Comment("Sub-projects. 子项目。").
			Annotations(entgql.RelayConnection()).
			From("parent").
			Field("parent_id").
			Unique().
			Comment("Parent project. 上级项目。"),
		edge.To("needs", Need.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("competition_applications", CompetitionApplication.Type).
			Comment("Applications of the project to competitions and venture philanthropy. 大赛申报。").
			Annotations(entgql.RelayConnection()),
		edge.From("service_points", ServicePoint.Type).
			Ref("projects").
			Comment("Service points where the project is delivered. 服务点。").
			Annotations(entgql.RelayConnection()),
	}
}

// Indexes of the Project.
func (Project) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("stage"),
		index.Fields("start_on"),
		index.Fields("parent_id"),
	}
}

// Mixin of the Project.
func (Project) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the Project.
func (Project) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("A volunteer or social-work service project. 服务项目。"),
		entgql.RelayConnection(),
		entgql.QueryField().Description("Service projects. 服务项目。"),
		entgql.MultiOrder(),
	}
}

// Policy of the Project: see package policy.
func (Project) Policy() ent.Policy { return policy.Project() }
