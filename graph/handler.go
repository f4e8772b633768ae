package graph

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tongxing/tongxing/casework"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/hours"
	"github.com/tongxing/tongxing/needs"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/requestid"
	"github.com/tongxing/tongxing/requestlog"
	"github.com/tongxing/tongxing/results"
	"github.com/tongxing/tongxing/sheet"
	"github.com/tongxing/tongxing/volunteers"
	"github.com/tongxing/tongxing/webhooks"
)

// Options configure the GraphQL handler.
type Options struct {
	Logger *slog.Logger
	// Introspection allows __schema queries (GraphiQL needs them).
	Introspection bool
	// Limits bound the depth, complexity, aliases, operations and tokens of
	// a request; zero fields take their defaults.
	Limits Limits
	// Keys decrypt ID numbers and derive partner pseudonyms.
	Keys *pii.Keys
	// SLA is how long needs of each urgency may stay open (default needs.DefaultSLA).
	SLA needs.SLA
	// Stars are the star tiers by cumulative hours (default hours.DefaultStarTiers).
	Stars hours.StarScale
	// Figures protects figures about people (results.NewFigures); without
	// it such figures are refused to every caller but ADMIN.
	Figures *results.Figures
	// CaseNotes seals case narratives (TONGXING_CASE_KEY); nil turns case
	// work off.
	CaseNotes *pii.CaseNotes
	// Webhooks registers webhook subscribers; without it every
	// registration fails (INTERNAL) after the ADMIN check.
	Webhooks *webhooks.Desk
	// Uploads bound the spreadsheets importRecords takes (sheet.DefaultLimits
	// for zero fields).
	Uploads sheet.Limits
	// Volunteers is volunteer self-service (package volunteers); nil gives
	// one without keys: check-in codes and hours records then fail.
	Volunteers *volunteers.Desk
}

// NewHandler assembles the GraphQL HTTP handler: transports, caches, limits,
// the mutation transaction, and the error presenter.
func NewHandler(client *ent.Client, opts Options) *handler.Server {
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	resolver := &Resolver{client: client, keys: opts.Keys, sla: opts.SLA, stars: opts.Stars, figures: opts.Figures,
		cases: &casework.Desk{Notes: opts.CaseNotes}, webhooks: opts.Webhooks, uploads: opts.Uploads, volunteers: opts.Volunteers}
	es := newSchema(resolver)
	srv := handler.New(es)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(getTransport{})
	srv.AddTransport(postTransport{})
	srv.AddTransport(uploadTransport{limits: opts.Uploads})
	srv.SetQueryCache(pagingCache{lru.New[*ast.QueryDocument](1000)})
	limits := opts.Limits.WithDefaults()
	srv.SetParserTokenLimit(limits.MaxTokens)
	srv.SetDisableSuggestion(true)
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: callerPersistedQueries{lru.New[string](1000)}})
	srv.Use(mutationAuth{maxTokens: limits.MaxTokens}) // after APQ; before limits, transaction and resolvers
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		rsp := next(ctx)
		if rsp != nil {
			normalizeCodes(rsp.Errors)
			if len(rsp.Errors) > 0 {
				requestlog.From(ctx).SetCode(codeOf(rsp.Errors[0].Extensions))
			}
		}
		return rsp
	})
	// The access log and metrics name the operation (a GraphQL name, never
	// its variables).
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil {
			requestlog.From(ctx).SetOperation(oc.Operation.Name, string(oc.Operation.Operation))
		}
		// Protected figures in one answer share one look at the data, and
		// per-row figures of a page load together.
		return next(withLoaders(results.WithOneFingerprint(ctx), resolver.clientFrom))
	})
	// After normalizeCodes (which must see every response) and before the
	// transaction (which a refused request must never reach).
	srv.Use(queryLimits{limits: limits, schema: es.Schema()})
	srv.Use(transaction{client: client, logger: logger})
	// After the transaction, so that the audit record of a personal-data
	// read inside a mutation commits with it.
	srv.Use(newAccessControl(es.Schema(), client, opts.Keys))
	srv.Use(figureControl{figures: opts.Figures, client: client})
	srv.SetErrorPresenter(presentError(logger))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		logger.ErrorContext(ctx, "panic in resolver", "request_id", requestid.From(ctx), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return fmt.Errorf("panic: %v", p)
	})
	return srv
}
