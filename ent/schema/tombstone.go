package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
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
// show. Rows are written by the hooks of package partners (partners.Track,
// registered on every client database.Open makes), never through the API.
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
