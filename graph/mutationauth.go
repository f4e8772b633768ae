package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/tongxing/tongxing/auth"
)

// mutationAuth refuses a mutation without a key, whole, before anything
// else looks at it: before its variables are checked against the schema,
// before the request limits, before the transaction opens and before any
// resolver runs. So an anonymous mutation answers UNAUTHENTICATED whatever
// its input, and no answer to one can depend on stored data (the first
// step of docs/security.md, "Mutations: authorise before reading data").
//
// Only anonymous requests are parsed here, and only those that contain
// the keyword "mutation" at all (every mutation operation spells it; GraphQL
// keywords are case-sensitive). A document that does not parse, or names
// no operation, is left to the executor, which refuses it as it would.
type mutationAuth struct {
	// maxTokens is the parser's token limit, the same as the executor's.
	maxTokens int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.FieldInterceptor
} = mutationAuth{}

func (mutationAuth) ExtensionName() string                   { return "MutationAuth" }
func (mutationAuth) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters runs after automatic persisted queries have
// turned a hash into its query (that extension is registered first).
func (m mutationAuth) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if auth.FromContext(ctx) != nil || !strings.Contains(p.Query, "mutation") {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, m.maxTokens)
	if err != nil {
		return nil
	}
	if op := doc.Operations.ForName(p.OperationName); op != nil && op.Operation == ast.Mutation && !anonymousOnly(op.SelectionSet) {
		return unauthenticatedMutation()
	}
	return nil
}

// anonymousMutations need no key: the one-time code each takes is the
// authority, and every code that cannot be used gets one answer
// (docs/volunteers.md).
var anonymousMutations = map[string]bool{"redeemVolunteerInvite": true, "rateNeed": true}

// volunteerMutations are the only mutations a VOLUNTEER credential may
// call; each acts on its holder's own rows (package volunteers).
var volunteerMutations = map[string]bool{
	"signUp": true, "cancelSignUp": true, "checkIn": true, "checkOut": true, "requestCertificate": true,
	"importHoursRecord": true, "rotateVolunteerCredential": true, "signOut": true,
}

// anonymousOnly reports whether a mutation selects nothing but fields of
// anonymousMutations, without fragments: anything else (__typename
// included) is refused whole as before.
func anonymousOnly(set ast.SelectionSet) bool {
	for _, s := range set {
		f, ok := s.(*ast.Field)
		if !ok || !anonymousMutations[f.Name] {
			return false
		}
	}
	return len(set) > 0
}

// InterceptField is a backstop, not the gate: should a mutation ever get
// past MutateOperationParameters without a key, its root fields still
// fail before their resolvers run.
//
// It is also where a VOLUNTEER credential is held to its own mutations,
// before any resolver runs.
func (mutationAuth) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Object != "Mutation" {
		return next(ctx)
	}
	v := auth.FromContext(ctx)
	switch {
	case v == nil && !anonymousMutations[fc.Field.Name]:
		return nil, auth.ErrUnauthenticated
	case v.Volunteer() && !volunteerMutations[fc.Field.Name] && !anonymousMutations[fc.Field.Name]:
		return nil, auth.ErrForbidden
	}
	return next(ctx)
}

// unauthenticatedMutation carries auth.ErrUnauthenticated, so the error
// presenter gives it the one UNAUTHENTICATED message every refusal for want
// of a key has.
func unauthenticatedMutation() *gqlerror.Error {
	return &gqlerror.Error{Err: auth.ErrUnauthenticated, Message: auth.ErrUnauthenticated.Error()}
}

// AnonymousMutation reports whether a mutation needs no key (its one-time
// code is the authority): the tests that send every mutation without a
// key leave these to their own tests.
func AnonymousMutation(name string) bool { return anonymousMutations[name] }
