// Package graph holds the GraphQL resolvers. They stay thin: each one
// decodes its arguments and calls the package that owns the logic
// (registry, projects, hours, needs); authorization happens in ent privacy
// rules, and errors are turned into API codes in errors.go.
package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/graph/generated"
	"github.com/tongxing/tongxing/pii"
)

//go:generate sh -c "cd .. && go tool gqlgen generate"
//go:generate go run ./internal/printschema

// Resolver is the root resolver.
type Resolver struct {
	client *ent.Client
	keys   *pii.Keys
	now    func() time.Time
}

// NewSchema builds the executable schema over client; keys decrypt and
// pseudonymise personal data.
func NewSchema(client *ent.Client, keys *pii.Keys) graphql.ExecutableSchema {
	return generated.NewExecutableSchema(generated.Config{
		Resolvers: &Resolver{client: client, keys: keys, now: time.Now},
	})
}

// clientFrom returns the transactional client of a mutation, or the root
// client for queries. Writing through the root client inside a mutation would
// bypass the transaction (and on SQLite wait on its own write lock).
func (r *Resolver) clientFrom(ctx context.Context) *ent.Client {
	if c := ent.FromContext(ctx); c != nil {
		return c
	}
	return r.client
}
