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

// CompetitionAward is the prize an application won: its rank, the money
// granted and the day. A venture-philanthropy award funds the project
// (Project.fundingSource VENTURE_PHILANTHROPY) from the day the round
// closes.
type CompetitionAward struct {
	ent.Schema
}

// Fields of the CompetitionAward.
func (CompetitionAward) Fields() []ent.Field {
	return []ent.Field{
		// Random (randomids.Register): an id in order would count, by the
		// next one a caller is given in its own round, the rows of rounds
		// whose results are still sealed.
		field.Int("id").Positive().Immutable(),
		field.Int("application_id").
			Unique().
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("rank").
			Range(1, 10000).
			Comment("Place in the round's ranking, 1 first. 名次。").
			Annotations(entgql.OrderField("RANK")),
		field.String("prize").
			Optional().
			MaxLen(50).
			Comment("Prize level, e.g. 一等奖. 奖项。"),
		field.Float("amount").
			Min(0).
			Comment("Money granted. 资助金额。").
			Annotations(entgql.OrderField("AMOUNT")),
		field.String("currency").
			Default("CNY").
			MaxLen(3).
			Comment("ISO 4217 currency of amount. 币种。"),
	}
}

// Edges of the CompetitionAward.
func (CompetitionAward) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("application", CompetitionApplication.Type).
			Ref("award").
			Field("application_id").
			Unique().
			Required().
			Immutable().
			Comment("The winning application. 获奖申报。").
			Annotations(notFilterable()),
	}
}

// Indexes of the CompetitionAward.
func (CompetitionAward) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("rank"),
	}
}

// Mixin of the CompetitionAward.
func (CompetitionAward) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the CompetitionAward.
func (CompetitionAward) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("An award of a competition round; public once the round closes. 大赛奖项。"),
		entgql.RelayConnection(),
	}
}

// Policy of the CompetitionAward: see package policy.
func (CompetitionAward) Policy() ent.Policy { return policy.CompetitionAward() }
