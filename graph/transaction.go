package graph

import (
	"context"
	"log/slog"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/requestid"
)

// transaction runs every mutation operation in one database transaction
// that commits only when the whole response is free of errors, so a
// mutation applies entirely or changes nothing. It also writes the audit
// event of each successful mutation field inside that transaction.
type transaction struct {
	client *ent.Client
	logger *slog.Logger
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
	graphql.FieldInterceptor
} = transaction{}

func (transaction) ExtensionName() string                   { return "Transaction" }
func (transaction) Validate(graphql.ExecutableSchema) error { return nil }

func isMutation(oc *graphql.OperationContext) bool {
	return oc != nil && oc.Operation != nil && oc.Operation.Operation == ast.Mutation
}

// MutateOperationContext serialises resolvers of a mutation: one
// transaction cannot run statements concurrently.
func (transaction) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if isMutation(oc) {
		previous := oc.ResolverMiddleware
		var mu sync.Mutex
		oc.ResolverMiddleware = func(ctx context.Context, next graphql.Resolver) (any, error) {
			mu.Lock()
			defer mu.Unlock()
			return previous(ctx, next)
		}
	}
	return nil
}

func (t transaction) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) || !isMutation(graphql.GetOperationContext(ctx)) {
		return next(ctx)
	}
	tx, err := t.client.Tx(ctx)
	if database.IsBusy(err) {
		return &graphql.Response{Errors: gqlerror.List{{
			Message:    busyMessage,
			Extensions: apierror.Extensions(ctx, apierror.New(apierror.RateLimited, busyMessage)),
		}}}
	}
	if err != nil {
		return t.internal(ctx, "open transaction", err)
	}
	ctx = ent.NewTxContext(ctx, tx)
	ctx = ent.NewContext(ctx, tx.Client())
	discard := new(bool)
	ctx = context.WithValue(ctx, discardKey{}, discard)
	defer func() {
		if r := recover(); r != nil {
			_ = tx.Rollback()
			panic(r)
		}
	}()
	rsp := next(ctx)
	if len(rsp.Errors) > 0 {
		_ = tx.Rollback()
		// Data of a rolled-back mutation would describe writes that never
		// happened; clients get the errors alone.
		return &graphql.Response{Errors: rsp.Errors, Extensions: rsp.Extensions}
	}
	if *discard {
		// A check that answers data but must write nothing (an import's
		// dry run): the data describes writes the caller asked only to
		// see.
		if err := tx.Rollback(); err != nil {
			return t.internal(ctx, "roll back transaction", err)
		}
		return rsp
	}
	if err := tx.Commit(); err != nil {
		return t.internal(ctx, "commit transaction", err)
	}
	return rsp
}

type discardKey struct{}

// discardWrites makes the mutation running in ctx roll back its
// transaction, audit event included, even though it answers without
// errors.
func discardWrites(ctx context.Context) {
	if d, ok := ctx.Value(discardKey{}).(*bool); ok {
		*d = true
	}
}

// InterceptField audits each successful mutation field. The operation
// behind the field says what it acted on (package audit: a result that is
// audit.Audited, or audit.Acted/Note inside the operation); this middleware
// adds only the action, the field's name, so it knows no domain type.
func (t transaction) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Object != "Mutation" || !fc.IsResolver {
		return next(ctx)
	}
	ctx, noted := audit.Collect(ctx)
	res, err := next(ctx)
	if err != nil {
		return res, err
	}
	ev := audit.Of(res, noted)
	ev.Action = fc.Field.Name
	c := ent.FromContext(ctx)
	if c == nil {
		return nil, apierror.New(apierror.Internal, "mutation outside a transaction")
	}
	writeAs := ctx
	if auth.FromContext(ctx) == nil {
		// Only the one-time-code mutations run without a key
		// (mutationAuth); the audit trail's rule admits keys alone, so
		// their event is written on the server's authority, as
		// "anonymous".
		writeAs = privacy.DecisionContext(ctx, privacy.Allow)
	}
	if err := audit.Record(writeAs, c, ev); err != nil {
		return nil, err
	}
	return res, nil
}

func (t transaction) internal(ctx context.Context, what string, err error) *graphql.Response {
	rid := requestid.From(ctx)
	t.logger.ErrorContext(ctx, what, "request_id", rid, "error", err)
	return &graphql.Response{Errors: gqlerror.List{{
		Message:    apierror.InternalMessage,
		Extensions: apierror.Extensions(ctx, apierror.New(apierror.Internal, apierror.InternalMessage)),
	}}}
}
