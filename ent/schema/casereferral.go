package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/tongxing/tongxing/policy"
)

// CaseReferral sends a case to another organisation (转介) and keeps its
// answer. The receiving organisation's case keys read the referral itself
// (what it is asked to do), never the rest of the case.
type CaseReferral struct {
	ent.Schema
}

// Fields of the CaseReferral.
func (CaseReferral) Fields() []ent.Field {
	return append(caseChild(),
		field.Int("to_organization_id").Immutable(),
		field.Time("referred_on"),
		field.Bytes("reason_ciphertext").Sensitive(),
		field.Enum("status").Values("PENDING", "ACCEPTED", "DECLINED").Default("PENDING"),
		field.Time("answered_on").Optional().Nillable(),
		field.String("answered_by").Optional().MaxLen(100),
		field.Bytes("answer_ciphertext").Optional().Sensitive(),
	)
}

// Edges of the CaseReferral.
func (CaseReferral) Edges() []ent.Edge {
	return []ent.Edge{
		caseEdge("referrals"),
		edge.To("to_organization", Organization.Type).Field("to_organization_id").Unique().Required().Immutable(),
	}
}

// Indexes of the CaseReferral.
func (CaseReferral) Indexes() []ent.Index {
	return []ent.Index{index.Fields("to_organization_id", "status")}
}

// Mixin of the CaseReferral.
func (CaseReferral) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the CaseReferral.
func (CaseReferral) Annotations() []schema.Annotation {
	return caseChildAnnotations("A referral of a case to another organisation (转介).")
}

// Policy of the CaseReferral: see package policy.
func (CaseReferral) Policy() ent.Policy { return policy.CaseReferral() }
