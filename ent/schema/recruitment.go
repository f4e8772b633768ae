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

// Recruitment (志愿者招募) opens an activity for volunteers to sign up
// themselves: places, a waiting list, the sign-up window, the cancellation
// deadline and who is eligible (docs/volunteers.md).
type Recruitment struct {
	ent.Schema
}

// Fields of the Recruitment.
func (Recruitment) Fields() []ent.Field {
	return []ent.Field{
		field.Int("activity_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("capacity").Range(1, 10000).
			Comment("Places. 招募人数。"),
		field.Int("waitlist").Range(0, 10000).Default(0).
			Comment("How many may wait for a place that frees up; 0 for no waiting list. 候补名额。"),
		field.Time("opens_at").
			Comment("Sign-up opens. 报名开始。").
			Annotations(entgql.OrderField("OPENS_AT")),
		field.Time("closes_at").
			Comment("Sign-up closes (at the latest when the activity starts). 报名截止。").
			Annotations(entgql.OrderField("CLOSES_AT")),
		field.Time("cancel_until").
			Comment("Volunteers may cancel until then. 取消截止。"),
		field.Int("min_age").Optional().Nillable().Range(0, 100).
			Comment("Minimum age on the activity's day; under 18 only with a guardian's consent on record. 最低年龄。"),
		field.Bool("minors_allowed").Default(false).
			Comment("Volunteers under 18 may sign up, each with a guardian's consent on record. 接受未成年人（须监护人同意）。"),
		field.JSON("required_skills", []string{}).Optional().
			Comment("Skills or certificates a volunteer must have on record, e.g. 急救证. 所需技能。"),
		field.String("note").Optional().MaxLen(500).
			Comment("What volunteers should know. 招募说明。"),
		field.Time("cancelled_at").Optional().Nillable().
			Comment("When the organiser cancelled the activity; sign-ups end. 活动取消时间。"),
	}
}

// Edges of the Recruitment.
func (Recruitment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("activity", Activity.Type).
			Ref("recruitment").
			Field("activity_id").
			Unique().
			Required().
			Immutable().
			Comment("The activity volunteers sign up for. 活动。"),
	}
}

// Indexes of the Recruitment.
func (Recruitment) Indexes() []ent.Index {
	return []ent.Index{index.Fields("closes_at")}
}

// Mixin of the Recruitment.
func (Recruitment) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the Recruitment.
func (Recruitment) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("Volunteer recruitment for an activity: places, waiting list, window, eligibility. 志愿者招募。"),
		entgql.RelayConnection(),
		entgql.QueryField().Description("Activities open for volunteers to sign up (filter closesAtGT: now for open ones). 志愿者招募。"),
	}
}

// Policy of the Recruitment: see package policy.
func (Recruitment) Policy() ent.Policy { return policy.Recruitment() }
