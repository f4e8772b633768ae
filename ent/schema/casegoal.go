package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/tongxing/tongxing/policy"
)

// CaseGoal is one goal of a case plan, judged at closure.
type CaseGoal struct {
	ent.Schema
}

// Fields of the CaseGoal.
func (CaseGoal) Fields() []ent.Field {
	return append(caseChild(),
		field.Int("position").NonNegative(),
		field.Bytes("description_ciphertext").Sensitive(),
		field.Enum("result").Values("MET", "PARTLY_MET", "NOT_MET").Optional().Nillable(),
	)
}

// Edges of the CaseGoal.
func (CaseGoal) Edges() []ent.Edge { return []ent.Edge{caseEdge("goals")} }

// Mixin of the CaseGoal.
func (CaseGoal) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the CaseGoal.
func (CaseGoal) Annotations() []schema.Annotation {
	return caseChildAnnotations("A goal of a case plan (个案计划目标).")
}

// Policy of the CaseGoal: see package policy.
func (CaseGoal) Policy() ent.Policy { return policy.CaseGoal() }
