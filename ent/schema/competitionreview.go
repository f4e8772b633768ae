package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/tongxing/tongxing/access"
	"github.com/tongxing/tongxing/policy"
)

// CompetitionReview is one reviewer's score of an application. Reviewers
// are named by their seat on the panel (A, B, C …), not as people: the
// panel's membership is the organiser's to announce, and a score tied to a
// named expert is not needed to check the ranking.
type CompetitionReview struct {
	ent.Schema
}

// Fields of the CompetitionReview.
func (CompetitionReview) Fields() []ent.Field {
	return []ent.Field{
		// Random (randomids.Register): an id in order would count, by the
		// next one a caller is given in its own round, the rows of rounds
		// whose results are still sealed.
		field.Int("id").Positive().Immutable(),
		field.Int("application_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("reviewer").
			NotEmpty().
			MaxLen(20).
			Immutable().
			Comment("The reviewer's seat on the panel, e.g. A. 评审席位。").
			Annotations(entgql.OrderField("REVIEWER")),
		field.Float("score").
			Range(0, 100).
			Comment("Score out of 100. 评分（百分制）。").
			Annotations(entgql.OrderField("SCORE")),
	}
}

// Edges of the CompetitionReview.
func (CompetitionReview) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("application", CompetitionApplication.Type).
			Ref("reviews").
			Field("application_id").
			Unique().
			Required().
			Immutable().
			Comment("The application scored. 评审的申报。").
			Annotations(notFilterable()),
	}
}

// Indexes of the CompetitionReview.
func (CompetitionReview) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("application_id", "reviewer").Unique(),
	}
}

// Mixin of the CompetitionReview.
func (CompetitionReview) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the CompetitionReview.
func (CompetitionReview) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("A reviewer's score of an application; public once its round closes. 评审评分。"),
		entgql.RelayConnection(),
	}
}

// Policy of the CompetitionReview: see package policy.
func (CompetitionReview) Policy() ent.Policy { return policy.CompetitionReview() }
