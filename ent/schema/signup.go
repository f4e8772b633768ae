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

// SignUp (报名) is one volunteer's place, or place on the waiting list, at
// one recruiting activity, with their check-in and check-out
// (docs/volunteers.md).
type SignUp struct {
	ent.Schema
}

// Fields of the SignUp.
func (SignUp) Fields() []ent.Field {
	return []ent.Field{
		field.Int("activity_id").Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("person_id").Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("status").
			Values("CONFIRMED", "WAITLISTED", "CANCELLED").
			Comment("CONFIRMED 已录取, WAITLISTED 候补, CANCELLED 已取消. 状态。").
			Annotations(entgql.OrderField("STATUS")),
		// Not in GraphQL: true only for a minor, it would tell the
		// organiser's reviewers an age they may not read.
		field.Bool("guardian_consent").Default(false).Immutable().
			Comment("A minor's guardian's consent was on record when they signed up. 监护人同意。").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("promoted_at").Optional().Nillable().
			Comment("When a waiting volunteer got a place. 候补转正时间。"),
		field.Time("cancelled_at").Optional().Nillable().
			Comment("When the sign-up was cancelled. 取消时间。"),
		field.Time("checked_in_at").Optional().Nillable().
			Comment("Check-in time (the scan's time). 签到时间。"),
		field.Time("checked_out_at").Optional().Nillable().
			Comment("Check-out time; the activity's end when closed automatically. 签退时间。"),
		field.Int64("check_in_step").Optional().Nillable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int64("check_out_step").Optional().Nillable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Bool("auto_closed").Default(false).
			Comment("The volunteer did not check out: closed at the activity's end. 未签退，系统按活动结束时间签退。"),
		field.Bool("offline").Default(false).
			Comment("A scan was submitted later from an offline device, with its device time. 离线补交。"),
		field.Int("record_id").Optional().Nillable().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges of the SignUp.
func (SignUp) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("activity", Activity.Type).
			Ref("sign_ups").
			Field("activity_id").
			Unique().
			Required().
			Immutable().
			Comment("The activity. 活动。"),
		edge.From("person", Person.Type).
			Ref("sign_ups").
			Field("person_id").
			Unique().
			Required().
			Immutable().
			Comment("The volunteer. 志愿者。"),
	}
}

// Indexes of the SignUp.
func (SignUp) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("activity_id", "person_id").Unique(),
		index.Fields("person_id"),
	}
}

// Mixin of the SignUp.
func (SignUp) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the SignUp.
func (SignUp) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Key),
		schema.Comment("A volunteer's sign-up for a recruiting activity, with check-in and check-out (the organiser's roster). 报名。"),
		entgql.RelayConnection(),
	}
}

// Policy of the SignUp: see package policy.
func (SignUp) Policy() ent.Policy { return policy.SignUp() }
