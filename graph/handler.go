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

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/server/requestid"
)

// Options configure the GraphQL handler.
type Options struct {
	Logger *slog.Logger
	// Introspection allows __schema queries (GraphiQL needs them).
	Introspection bool
}

// NewHandler assembles the GraphQL HTTP handler: transports, caches, limits,
// the mutation transaction, and the error presenter.
func NewHandler(client *ent.Client, opts Options) *handler.Server {
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	srv := handler.New(NewSchema(client))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(getTransport{})
	srv.AddTransport(postTransport{})
	srv.SetQueryCache(pagingCache{lru.New[*ast.QueryDocument](1000)})
	srv.SetParserTokenLimit(20000)
	srv.SetDisableSuggestion(true)
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(pageLimits{})
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		rsp := next(ctx)
		if rsp != nil {
			normalizeCodes(rsp.Errors)
		}
		return rsp
	})
	srv.Use(transaction{client: client, logger: logger})
	srv.SetErrorPresenter(presentError(logger))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		logger.ErrorContext(ctx, "panic in resolver", "request_id", requestid.From(ctx), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return fmt.Errorf("panic: %v", p)
	})
	return srv
}
