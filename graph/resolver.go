// Package graph holds the GraphQL resolvers. They stay thin: each one
// decodes its arguments and calls the package that owns the logic
// (registry, projects, hours, needs); authorization happens in ent privacy
// rules, and errors are turned into API codes in errors.go.
package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tongxing/tongxing/casework"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/graph/generated"
	"github.com/tongxing/tongxing/hours"
	"github.com/tongxing/tongxing/needs"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/results"
	"github.com/tongxing/tongxing/sheet"
	"github.com/tongxing/tongxing/volunteers"
	"github.com/tongxing/tongxing/webhooks"
)

//go:generate sh -c "cd .. && go tool gqlgen generate"
//go:generate go run ./internal/printschema

// Resolver is the root resolver.
type Resolver struct {
	client *ent.Client
	keys   *pii.Keys
	now    func() time.Time
	sla    needs.SLA
	stars  hours.StarScale
	// figures serves figures about people to callers who may not read
	// those people (package results, Figures).
	figures *results.Figures
	// cases runs case work (package casework); without a case-notes key it
	// refuses every case operation.
	cases *casework.Desk
	// webhooks registers and removes webhook subscribers (package webhooks).
	webhooks *webhooks.Desk
	// uploads bound the files importRecords reads.
	uploads sheet.Limits
	// volunteers is volunteer self-service (package volunteers).
	volunteers *volunteers.Desk
}

// NewSchema builds the executable schema over client with the default
// SLA and star tiers; keys decrypt and pseudonymise personal data.
func NewSchema(client *ent.Client, keys *pii.Keys) graphql.ExecutableSchema {
	return newSchema(&Resolver{client: client, keys: keys})
}

func newSchema(r *Resolver) graphql.ExecutableSchema {
	if r.now == nil {
		r.now = time.Now
	}
	if r.sla == nil {
		r.sla = needs.DefaultSLA
	}
	if r.cases == nil {
		r.cases = &casework.Desk{Now: r.now}
	}
	if r.webhooks == nil {
		r.webhooks = &webhooks.Desk{}
	}
	if r.volunteers == nil {
		r.volunteers = &volunteers.Desk{Now: r.now}
	}
	if r.stars.Default == nil {
		r.stars = hours.StarScale{Default: hours.DefaultStarTiers}
	}
	return generated.NewExecutableSchema(generated.Config{Resolvers: r})
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
