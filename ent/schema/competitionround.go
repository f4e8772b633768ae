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

// CompetitionRound is one year's round of a project competition
// (志愿服务项目大赛) or of venture philanthropy (社会组织公益创投大赛):
// organisations apply with proposed projects, reviewers score them, and
// awards fund the winners. Scores and awards become public when the round
// closes (policy.CompetitionResultRows).
type CompetitionRound struct {
	ent.Schema
}

// Fields of the CompetitionRound.
func (CompetitionRound) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			NotEmpty().
			MaxLen(200).
			Comment("e.g. 2025年秀洲区社会组织公益创投大赛. 名称。").
			Annotations(entgql.OrderField("NAME")),
		field.Enum("kind").
			Values("VOLUNTEER_PROJECT", "VENTURE_PHILANTHROPY").
			Immutable().
			Comment("VOLUNTEER_PROJECT 志愿服务项目大赛, VENTURE_PHILANTHROPY 社会组织公益创投大赛. 类型。").
			Annotations(entgql.OrderField("KIND")),
		field.Int("year").
			Range(2000, 2100).
			Comment("The round's year. 年度。").
			Annotations(entgql.OrderField("YEAR")),
		field.Float("budget").
			Optional().
			Nillable().
			Min(0).
			Comment("Money available for awards, in yuan. 资助总额（元）。"),
		field.Int("organizer_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("applications_open_on").
			Comment("First day applications are taken. 申报开始日期。").
			Annotations(entgql.Type("Date")),
		field.Time("applications_close_on").
			Comment("Last day applications are taken. 申报截止日期。").
			Annotations(entgql.Type("Date")),
		field.Enum("status").
			Values("OPEN", "REVIEWING", "CLOSED").
			Default("OPEN").
			Comment("OPEN 申报中, REVIEWING 评审中, CLOSED 已公布 (scores, ranking and awards public). 状态。").
			Annotations(entgql.OrderField("STATUS")),
		dateField("announced_on", "Day the results were announced; set when the round closes. 结果公布日期。"),
		field.Text("description").
			Optional().
			Comment("Rules and aims of the round. 简介。"),
	}
}

// Edges of the CompetitionRound.
func (CompetitionRound) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("organizer", Organization.Type).
			Ref("organized_rounds").
			Field("organizer_id").
			Unique().
			Required().
			Comment("The body running the round, e.g. the civil-affairs bureau. 主办单位。"),
		edge.To("themes", Term.Type).
			Comment("Service domains the round invites (taxonomy service-domain). 主题领域。").
			Annotations(entgql.RelayConnection()),
		edge.To("applications", CompetitionApplication.Type).
			Comment("Applications received. 申报项目。").
			Annotations(entgql.RelayConnection()),
	}
}

// Indexes of the CompetitionRound.
func (CompetitionRound) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("kind", "year"),
		index.Fields("organizer_id"),
	}
}

// Mixin of the CompetitionRound.
func (CompetitionRound) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the CompetitionRound.
func (CompetitionRound) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("A round of a project competition or of venture philanthropy. 项目大赛 / 公益创投。"),
		entgql.RelayConnection(),
		entgql.QueryField().Description("Project competitions and venture-philanthropy rounds. 项目大赛与公益创投。"),
	}
}

// Policy of the CompetitionRound: see package policy.
func (CompetitionRound) Policy() ent.Policy { return policy.CompetitionRound() }
