package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/tongxing/tongxing/policy"
)

// CaseFile is an individual case (个案) run by a social-work agency for one
// resident: the most sensitive record Tongxing holds, often about a child
// who suffered harm. It is not an entgql type: no where input, ordering,
// node lookup or edge from a public type reaches it. The API reads it only
// through package casework, which asks for a reason and audits every read;
// the narrative fields are sealed with the case-notes key (package pii),
// separate from the ID-number key. docs/casework.md has the access model.
type CaseFile struct {
	ent.Schema
}

// Fields of the CaseFile.
func (CaseFile) Fields() []ent.Field {
	return append(caseID(),
		// Null once the case is purged: what remains is an anonymous count.
		field.Int("agency_id").Optional().Nillable(),
		field.Int("responsible_worker_id").Optional().Nillable(),
		field.Int("resident_id").Optional().Nillable(),
		field.Int("need_id").Optional().Nillable(),
		field.Int("region_id").
			Comment("Where the resident lives (town or village): the statistics count cases by town."),
		field.String("display_name").
			Optional().
			MaxLen(50).
			Comment("Pseudonymised display name such as 小伟（化名）, shown everywhere instead of the resident's name."),
		field.Enum("kind").
			Values("CHILD_PROTECTION", "FAMILY", "ELDERLY", "DISABILITY", "MENTAL_HEALTH", "HARDSHIP", "OTHER").
			Immutable().
			Comment("Broad kind, the only category published in statistics."),
		field.Bool("minor").
			Default(false).
			Immutable().
			Comment("The resident was under 18 when the case opened: statistics about it stay at district level."),
		field.Enum("status").
			Values("OPEN", "CLOSED", "PURGED").
			Default("OPEN"),
		field.Time("opened_on").
			Comment("Calendar date the case opened (truncated to its quarter once purged)."),
		field.Time("closed_on").
			Optional().
			Nillable().
			Comment("Calendar date the case closed (truncated to its quarter once purged)."),
		field.Bytes("assessment_ciphertext").Optional().Sensitive(),
		field.Time("assessed_at").Optional().Nillable(),
		field.Bytes("plan_ciphertext").Optional().Sensitive(),
		field.Time("planned_at").Optional().Nillable(),
		field.Enum("closure_outcome").
			Values("GOALS_MET", "PARTLY_MET", "NOT_MET", "TRANSFERRED", "WITHDRAWN").
			Optional().
			Nillable(),
		field.Bytes("closure_ciphertext").Optional().Sensitive(),
		field.Time("purged_at").Optional().Nillable(),
	)
}

// Edges of the CaseFile: one-way, so that no public type gains an edge
// (and so a filter) into cases.
func (CaseFile) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("agency", Organization.Type).Field("agency_id").Unique(),
		edge.To("responsible_worker", Person.Type).Field("responsible_worker_id").Unique(),
		edge.To("resident", CaseResident.Type).Field("resident_id").Unique(),
		edge.To("need", Need.Type).Field("need_id").Unique(),
		edge.To("region", Region.Type).Field("region_id").Unique().Required(),
		edge.To("goals", CaseGoal.Type),
		edge.To("sessions", CaseSession.Type),
		edge.To("crises", CaseCrisis.Type),
		edge.To("volunteers", CaseVolunteer.Type),
		edge.To("referrals", CaseReferral.Type),
	}
}

// Indexes of the CaseFile.
func (CaseFile) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("agency_id", "status"),
		index.Fields("responsible_worker_id"),
		index.Fields("resident_id"),
		index.Fields("opened_on"),
	}
}

// Mixin of the CaseFile.
func (CaseFile) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the CaseFile.
func (CaseFile) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipAll),
		schema.Comment("An individual case (个案). Read only through package casework."),
	}
}

// Policy of the CaseFile: see package policy.
func (CaseFile) Policy() ent.Policy { return policy.CaseFile() }

// caseID declares the id of the case tables so that it can be set: case
// work gives every row a random id within its table's range
// (randomids.Register), because sequential ids would tell whoever opens a
// case or reports a crisis how many others the district has.
func caseID() []ent.Field {
	return []ent.Field{field.Int("id").Positive().Immutable()}
}

// caseChild is what every part of a case shares: a random id, and the case
// it belongs to, never exposed as a filterable edge.
func caseChild() []ent.Field {
	return append(caseID(), field.Int("case_id").Immutable())
}

func caseEdge(ref string) ent.Edge {
	return edge.From("case", CaseFile.Type).Ref(ref).Field("case_id").Unique().Required().Immutable()
}

func caseChildAnnotations(comment string) []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll), schema.Comment(comment)}
}
