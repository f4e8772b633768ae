package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/tongxing/tongxing/policy"
)

// VolunteerInvite is a one-time code an editor hands to a volunteer, who
// redeems it in the app for a VOLUNTEER credential (docs/volunteers.md).
// Only a hash of the code is stored; it is not part of the GraphQL schema.
type VolunteerInvite struct {
	ent.Schema
}

// Fields of the VolunteerInvite.
func (VolunteerInvite) Fields() []ent.Field {
	return []ent.Field{
		field.Int("person_id").Immutable(),
		field.Int("organization_id").Immutable().
			Comment("The organisation of the editor who issued it, one of the person's."),
		field.String("code_hash").Unique().Sensitive().Immutable(),
		field.String("issued_by").NotEmpty().MaxLen(100).Immutable(),
		field.Time("expires_at").Immutable(),
		field.Time("redeemed_at").Optional().Nillable(),
		field.Int("key_id").Optional().Nillable().
			Comment("The credential it was redeemed for."),
	}
}

// Indexes of the VolunteerInvite.
func (VolunteerInvite) Indexes() []ent.Index {
	return []ent.Index{index.Fields("person_id")}
}

// Mixin of the VolunteerInvite.
func (VolunteerInvite) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the VolunteerInvite.
func (VolunteerInvite) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of the VolunteerInvite: written and read by package volunteers only.
func (VolunteerInvite) Policy() ent.Policy { return policy.AdminOnly() }
