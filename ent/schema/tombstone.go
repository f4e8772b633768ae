package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/tongxing/tongxing/partners"
	"github.com/tongxing/tongxing/policy"
)

// Tombstone marks that an entity entered or left one partner university's
// view without its own row changing: a student withdrew (or gave) consent
// or changed university, a practice base was added, ended early, moved or
// deleted, an activity moved to another organisation or date. The partner
// change feed (package partners) merges these markers with the rows whose
// updated_at moved, and reports each entity's state as it is when read:
// UPSERT with the object while it is in the partner's view, DELETE when it
// is not. So a partner's copy converges even for changes its rows cannot
// show. Rows are written by the hooks below, never through the API.
type Tombstone struct {
	ent.Schema
}

// Fields of the Tombstone.
func (Tombstone) Fields() []ent.Field {
	return []ent.Field{
		field.Int("university_id").
			Immutable().
			Comment("The partner university whose view changed."),
		field.Enum("entity").
			Values("PRACTICE_BASE", "ACTIVITY", "SERVICE_RECORD").
			Immutable().
			Comment("What entered or left the view."),
		field.Int("entity_id").
			Immutable().
			Comment("Database id of that entity."),
		field.Enum("reason").
			Values("DELETED", "CONSENT", "UNIVERSITY", "PRACTICE_BASE", "ACTIVITY").
			Immutable().
			Comment("Why: the entity was deleted, a student's consent or university changed, a practice base or an activity changed."),
		field.Time("at").
			Default(time.Now).
			Immutable().
			Comment("When the view changed: the position of the marker in the change feed."),
	}
}

// Indexes of the Tombstone.
func (Tombstone) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("university_id", "at"),
	}
}

// Annotations of the Tombstone.
func (Tombstone) Annotations() []schema.Annotation {
	return []schema.Annotation{
		// Not a GraphQL type: partners read these markers through
		// partnerChanges, resolved against the current data.
		entgql.Skip(entgql.SkipAll),
		schema.Comment("A marker that an entity entered or left a partner university's view. 合作方视图变更标记。"),
	}
}

// Policy of the Tombstone: see package policy.
func (Tombstone) Policy() ent.Policy { return policy.Tombstone() }

// The change-marker hooks are registered here, beside the marker they
// write, rather than in each entity's file: they belong to partner sync,
// not to the entity. (A second Hooks method for one of these types would
// not compile: add its hooks to the list below instead.)

// Hooks of the Person: consent or university changes (package partners).
func (Person) Hooks() []ent.Hook { return []ent.Hook{partners.TrackPersons()} }

// Hooks of the Partnership: practice bases added, changed or deleted.
func (Partnership) Hooks() []ent.Hook { return []ent.Hook{partners.TrackPartnerships()} }

// Hooks of the Activity: activities moved to another organiser or date, or
// deleted.
func (Activity) Hooks() []ent.Hook { return []ent.Hook{partners.TrackActivities()} }

// Hooks of the ServiceRecord: records deleted by operator maintenance
// (status changes move updated_at and need no marker).
func (ServiceRecord) Hooks() []ent.Hook { return []ent.Hook{partners.TrackRecordDeletes()} }
