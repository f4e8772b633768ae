package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/tongxing/tongxing/policy"
)

// ImportedHours is one record of verified service carried over from
// another Tongxing district by a signed hours record (转移接续,
// docs/volunteers.md). It counts towards its holder's star level, not in
// this district's figures; the issuer's key and record id keep an import
// from counting twice.
type ImportedHours struct {
	ent.Schema
}

// Fields of the ImportedHours.
func (ImportedHours) Fields() []ent.Field {
	return []ent.Field{
		field.Int("person_id").Immutable(),
		field.String("issuer").NotEmpty().MaxLen(200).Immutable(),
		field.String("issuer_key").NotEmpty().MaxLen(64).Immutable(),
		field.String("source_record").NotEmpty().MaxLen(100).Immutable(),
		field.Time("served_on").Immutable(),
		field.Int("minutes").Range(1, 1440).Immutable(),
		field.String("activity").MaxLen(200).Immutable(),
		field.String("organiser").MaxLen(200).Immutable(),
		field.String("imported_by").NotEmpty().MaxLen(100).Immutable(),
	}
}

// Indexes of the ImportedHours.
func (ImportedHours) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("issuer_key", "source_record").Unique(),
		index.Fields("person_id"),
	}
}

// Mixin of the ImportedHours.
func (ImportedHours) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the ImportedHours.
func (ImportedHours) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of the ImportedHours: written and read by package volunteers only.
func (ImportedHours) Policy() ent.Policy { return policy.AdminOnly() }
