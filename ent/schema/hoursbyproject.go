package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/tongxing/tongxing/policy"
)

// HoursByProject is a roll-up: the VERIFIED service time at one project's
// activities, and how many people gave it. Package rollups rewrites a
// project's row in the transaction that changes its records or moves an
// activity into or out of it (docs/architecture.md, "Roll-ups"); a project
// without verified time has no row.
type HoursByProject struct {
	ent.Schema
}

// Fields of the HoursByProject.
func (HoursByProject) Fields() []ent.Field {
	return []ent.Field{
		field.Int("project_id"),
		field.Int("minutes").
			Comment("Sum of the VERIFIED records' minutes."),
		field.Int("records").
			Comment("Number of VERIFIED records."),
		field.Int("volunteers").
			Comment("Distinct people with a VERIFIED record."),
	}
}

// Indexes of the HoursByProject.
func (HoursByProject) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("project_id").Unique(),
	}
}

// Annotations of the HoursByProject.
func (HoursByProject) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipAll),
		schema.Comment("Roll-up: a project's verified minutes and volunteers. 项目志愿时长汇总。"),
	}
}

// Policy of the HoursByProject: see package policy.
func (HoursByProject) Policy() ent.Policy { return policy.HoursByProject() }
