package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/tongxing/tongxing/policy"
)

// CaseSession is one piece of casework: a home visit, an interview, a
// call. Volunteers who took part get ordinary service records; the case
// keeps their ids, the records keep nothing of the case.
type CaseSession struct {
	ent.Schema
}

// Fields of the CaseSession.
func (CaseSession) Fields() []ent.Field {
	return append(caseChild(),
		field.Time("held_on").Comment("Calendar date."),
		field.Enum("kind").Values("HOME_VISIT", "INTERVIEW", "PHONE", "ONLINE", "GROUP", "ACCOMPANIMENT", "OTHER"),
		field.Int("minutes").Range(1, 1440),
		field.Bytes("note_ciphertext").Optional().Sensitive(),
		field.String("recorded_by").MaxLen(100),
		field.JSON("service_record_ids", []int{}).Optional(),
	)
}

// Edges of the CaseSession.
func (CaseSession) Edges() []ent.Edge { return []ent.Edge{caseEdge("sessions")} }

// Indexes of the CaseSession.
func (CaseSession) Indexes() []ent.Index { return []ent.Index{index.Fields("case_id", "held_on")} }

// Mixin of the CaseSession.
func (CaseSession) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the CaseSession.
func (CaseSession) Annotations() []schema.Annotation {
	return caseChildAnnotations("A casework session (个案服务记录).")
}

// Policy of the CaseSession: see package policy.
func (CaseSession) Policy() ent.Policy { return policy.CasePart() }
