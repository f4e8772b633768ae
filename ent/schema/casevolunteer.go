package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/tongxing/tongxing/policy"
)

// CaseVolunteer is a volunteer brought into a case with a role, such as a
// volunteer psychological counsellor. Only the case's readers see it: the
// volunteer's own view is their service records, which carry nothing of
// the case.
type CaseVolunteer struct {
	ent.Schema
}

// Fields of the CaseVolunteer.
func (CaseVolunteer) Fields() []ent.Field {
	return append(caseChild(),
		field.Int("person_id").Immutable(),
		field.Enum("role").Values("PSYCHOLOGICAL_COUNSELLOR", "FAMILY_EDUCATION", "SPORTS", "TUTOR", "COMPANION", "LEGAL", "OTHER"),
		field.Time("assigned_on"),
		field.Time("ended_on").Optional().Nillable(),
	)
}

// Edges of the CaseVolunteer.
func (CaseVolunteer) Edges() []ent.Edge {
	return []ent.Edge{
		caseEdge("volunteers"),
		edge.To("person", Person.Type).Field("person_id").Unique().Required().Immutable(),
	}
}

// Mixin of the CaseVolunteer.
func (CaseVolunteer) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the CaseVolunteer.
func (CaseVolunteer) Annotations() []schema.Annotation {
	return caseChildAnnotations("A volunteer assigned to a case (个案志愿者).")
}

// Policy of the CaseVolunteer: see package policy.
func (CaseVolunteer) Policy() ent.Policy { return policy.CasePart() }
