package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/tongxing/tongxing/policy"
)

// HoursByPersonMonth is a roll-up: one person's VERIFIED service time in
// one calendar month (UTC) at the activities of one organiser in one
// division. Package rollups rewrites a person's rows in the transaction
// that changes their records (docs/architecture.md, "Roll-ups"); nothing
// else writes them. The organiser is kept so that a person's hours read as
// an editor count only the records that editor may read, as the records
// themselves would; the division, so that a district's hours and active
// volunteers over whole months need not read the records.
type HoursByPersonMonth struct {
	ent.Schema
}

// Fields of the HoursByPersonMonth.
func (HoursByPersonMonth) Fields() []ent.Field {
	return []ent.Field{
		field.Int("person_id"),
		field.Time("month").
			Comment("First day of the month, 00:00 UTC."),
		field.Int("organization_id").
			Comment("The activities' organiser."),
		field.Int("region_id").
			Comment("The activities' division."),
		field.Int("minutes").
			Comment("Sum of the VERIFIED records' minutes."),
		field.Int("records").
			Comment("Number of VERIFIED records."),
	}
}

// Indexes of the HoursByPersonMonth.
func (HoursByPersonMonth) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("person_id", "month", "organization_id", "region_id").Unique(),
		// No index on (region_id, month): a district's year is a seventh of
		// the rows, and PostgreSQL sums them faster in a parallel scan
		// (131 ms) than through such an index (326 ms) at district scale.
	}
}

// Annotations of the HoursByPersonMonth.
func (HoursByPersonMonth) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipAll),
		schema.Comment("Roll-up: a person's verified minutes per month, organiser and division. 志愿时长月汇总。"),
	}
}

// Policy of the HoursByPersonMonth: see package policy.
func (HoursByPersonMonth) Policy() ent.Policy { return policy.HoursByPersonMonth() }
