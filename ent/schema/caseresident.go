package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/tongxing/tongxing/policy"
)

// CaseResident is the person a case is run for: a person record of its
// own kind, never a volunteer, kept apart from the people table so that
// nothing about it — not even how many there are, which the people table's
// ids would tell — reaches anyone who does not read one of its cases.
type CaseResident struct {
	ent.Schema
}

// Fields of the CaseResident.
func (CaseResident) Fields() []ent.Field {
	return append(caseID(),
		field.String("name").NotEmpty().MaxLen(100),
		field.Enum("gender").Values("MALE", "FEMALE", "UNSPECIFIED").Default("UNSPECIFIED"),
		field.Time("birth_date").Optional().Nillable(),
		field.String("phone").Optional().MaxLen(20),
		field.String("address").Optional().MaxLen(300),
	)
}

// Edges of the CaseResident.
func (CaseResident) Edges() []ent.Edge {
	return []ent.Edge{edge.From("cases", CaseFile.Type).Ref("resident")}
}

// Mixin of the CaseResident.
func (CaseResident) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the CaseResident.
func (CaseResident) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll), schema.Comment("The resident a case is for (服务对象).")}
}

// Policy of the CaseResident: see package policy.
func (CaseResident) Policy() ent.Policy { return policy.CaseResident() }
