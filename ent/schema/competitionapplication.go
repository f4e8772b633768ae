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

// CompetitionApplication is an organisation's entry in a round with the
// project it proposes. Who applied is public; how reviewers scored it and
// whether it won are not, until the round closes.
type CompetitionApplication struct {
	ent.Schema
}

// Fields of the CompetitionApplication.
func (CompetitionApplication) Fields() []ent.Field {
	return []ent.Field{
		field.Int("round_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("applicant_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("project_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Float("requested_amount").
			Optional().
			Nillable().
			Min(0).
			Comment("Money asked for, in yuan. 申请金额（元）。"),
		field.Time("submitted_on").
			Comment("Day the application was submitted. 申报日期。").
			Annotations(entgql.Type("Date"), entgql.OrderField("SUBMITTED_ON")),
		field.Bool("withdrawn").
			Default(false).
			Comment("The applicant withdrew it. 已撤回。"),
		field.Text("summary").
			Optional().
			Comment("The proposal in short. 项目概要。"),
	}
}

// Edges of the CompetitionApplication.
func (CompetitionApplication) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("round", CompetitionRound.Type).
			Ref("applications").
			Field("round_id").
			Unique().
			Required().
			Immutable().
			Comment("The round. 所属赛事。"),
		edge.From("applicant", Organization.Type).
			Ref("competition_applications").
			Field("applicant_id").
			Unique().
			Required().
			Immutable().
			Comment("The applying organisation. 申报组织。"),
		edge.From("project", Project.Type).
			Ref("competition_applications").
			Field("project_id").
			Unique().
			Required().
			Immutable().
			Comment("The project proposed. 申报项目。"),
		// Scores and the award are readable only once the round closes
		// (policy.CompetitionResultRows): filtering on them from here would
		// answer before then, so they are not filterable.
		edge.To("reviews", CompetitionReview.Type).
			Comment("Reviewers' scores; public once the round closes. 评审评分。").
			Annotations(entgql.RelayConnection(), notFilterable()),
		edge.To("award", CompetitionAward.Type).
			Unique().
			Comment("The award, if it won one; public once the round closes. 获奖。").
			Annotations(notFilterable()),
	}
}

// Indexes of the CompetitionApplication.
func (CompetitionApplication) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("round_id", "project_id").Unique(),
		index.Fields("applicant_id"),
		index.Fields("project_id"),
	}
}

// Mixin of the CompetitionApplication.
func (CompetitionApplication) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the CompetitionApplication.
func (CompetitionApplication) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("An organisation's application to a competition round with a proposed project. 大赛申报。"),
		entgql.RelayConnection(),
	}
}

// Policy of the CompetitionApplication: see package policy.
func (CompetitionApplication) Policy() ent.Policy { return policy.CompetitionApplication() }
