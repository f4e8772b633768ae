package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/results"
)

// figureControl protects the outcome values that count people. Outcome's
// baseline and actual are ent fields resolved straight off the loaded row,
// so they are replaced here, after they resolve: exact for ADMIN and the
// editors leading the project, for everyone else the value the open data
// publishes — null for a count of people from 1 to k − 1 (package results,
// Figures.OutcomeValue). The other figures about people (DistrictStats,
// OutcomeTotal, Project's hours, volunteers and progress) have resolvers
// of their own that ask package results directly.
type figureControl struct {
	figures *results.Figures
	client  *ent.Client
}

var _ interface {
	graphql.HandlerExtension
	graphql.FieldInterceptor
} = figureControl{}

func (figureControl) ExtensionName() string                   { return "FigureControl" }
func (figureControl) Validate(graphql.ExecutableSchema) error { return nil }

func (f figureControl) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Object != "Outcome" || (fc.Field.Name != "actual" && fc.Field.Name != "baseline") {
		return next(ctx)
	}
	res, err := next(ctx)
	value, _ := res.(*float64)
	if err != nil || value == nil {
		return res, err
	}
	o, ok := parentAs[*ent.Outcome](fc)
	if !ok {
		return nil, auth.ErrForbidden
	}
	c := f.client
	if tx := ent.FromContext(ctx); tx != nil {
		c = tx
	}
	return f.figures.OutcomeValue(ctx, c, auth.FromContext(ctx), o.ID, fc.Field.Name, value)
}

// selectsAny reports whether the field being resolved selects any of names
// (directly or through fragments).
func selectsAny(ctx context.Context, names ...string) bool {
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		for _, n := range names {
			if f.Name == n {
				return true
			}
		}
	}
	return false
}
