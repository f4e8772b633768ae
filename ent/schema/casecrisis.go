package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/tongxing/tongxing/policy"
)

// CaseCrisis is a crisis intervention (危机干预): reported with its risk
// level and first actions, acknowledged by a supervisor when the risk is
// high, followed up, resolved.
type CaseCrisis struct {
	ent.Schema
}

// Fields of the CaseCrisis.
func (CaseCrisis) Fields() []ent.Field {
	return append(caseChild(),
		field.Time("occurred_at"),
		field.Enum("risk_level").Values("LOW", "MEDIUM", "HIGH", "IMMINENT"),
		field.Bytes("description_ciphertext").Sensitive(),
		// Sealed JSON list of {at, by, text}: every action taken, in order.
		field.Bytes("actions_ciphertext").Sensitive(),
		field.String("reported_by").MaxLen(100),
		field.String("acknowledged_by").Optional().MaxLen(100),
		field.Time("acknowledged_at").Optional().Nillable(),
		field.Time("resolved_at").Optional().Nillable(),
		field.String("resolved_by").Optional().MaxLen(100),
		field.Bytes("resolution_ciphertext").Optional().Sensitive(),
	)
}

// Edges of the CaseCrisis.
func (CaseCrisis) Edges() []ent.Edge { return []ent.Edge{caseEdge("crises")} }

// Indexes of the CaseCrisis.
func (CaseCrisis) Indexes() []ent.Index {
	return []ent.Index{index.Fields("case_id", "resolved_at")}
}

// Mixin of the CaseCrisis.
func (CaseCrisis) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the CaseCrisis.
func (CaseCrisis) Annotations() []schema.Annotation {
	return caseChildAnnotations("A crisis intervention on a case (危机干预).")
}

// Policy of the CaseCrisis: see package policy.
func (CaseCrisis) Policy() ent.Policy { return policy.CasePart() }
