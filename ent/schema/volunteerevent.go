package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/tongxing/tongxing/access"
	"github.com/tongxing/tongxing/policy"
)

// VolunteerEvent is one entry of a volunteer's outbox: what a mini-program
// tells its user (sign-up confirmed, waiting list, reminder, activity
// changed, hours reviewed). The app polls it; webhook subscribers of
// volunteer.event receive each one signed (docs/volunteers.md).
type VolunteerEvent struct {
	ent.Schema
}

// Fields of the VolunteerEvent.
func (VolunteerEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Int("person_id").Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("kind").
			Values("CREDENTIAL_ISSUED", "SIGN_UP_CONFIRMED", "WAITLISTED", "WAITLIST_PROMOTED", "SIGN_UP_CANCELLED",
				"REMINDER", "ACTIVITY_CHANGED", "ACTIVITY_CANCELLED",
				"CHECKED_OUT_AUTOMATICALLY", "HOURS_VERIFIED", "HOURS_REJECTED").
			Immutable().
			Comment("What happened. 事件类型。"),
		field.Int("activity_id").Optional().Nillable().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("message").MaxLen(500).Immutable().
			Comment("What to show the volunteer, Chinese with English. 提示内容。"),
		field.String("dedupe_key").Optional().Nillable().Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of the VolunteerEvent.
func (VolunteerEvent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("person_id")}
}

// Mixin of the VolunteerEvent.
func (VolunteerEvent) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the VolunteerEvent.
func (VolunteerEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Volunteer),
		schema.Comment("An event in a volunteer's outbox. 志愿者消息。"),
		entgql.RelayConnection(),
	}
}

// Policy of the VolunteerEvent: see package policy.
func (VolunteerEvent) Policy() ent.Policy { return policy.VolunteerEvent() }
