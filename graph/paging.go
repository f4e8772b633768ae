package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tongxing/tongxing/apierror"
)

// Page sizes of every connection.
const (
	// DefaultPageSize applies when a connection is asked for without first
	// or last, so no list is ever unbounded.
	DefaultPageSize = 20
	// MaxPageSize is the largest first or last accepted.
	MaxPageSize = 100
)

func isConnection(f *ast.Field) bool {
	return f.Definition != nil && f.Definition.Type != nil && strings.HasSuffix(f.Definition.Type.Name(), "Connection") &&
		f.Definition.Arguments.ForName("first") != nil
}

// walkFields calls fn for every field of the selection set, descending into
// inline fragments and fragment spreads (each fragment once per path).
func walkFields(set ast.SelectionSet, fn func(*ast.Field), seen map[*ast.FragmentDefinition]bool) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			fn(s)
			walkFields(s.SelectionSet, fn, seen)
		case *ast.InlineFragment:
			walkFields(s.SelectionSet, fn, seen)
		case *ast.FragmentSpread:
			if s.Definition != nil && !seen[s.Definition] {
				seen[s.Definition] = true
				walkFields(s.Definition.SelectionSet, fn, seen)
				delete(seen, s.Definition)
			}
		}
	}
}

// defaultPageSizes adds first: DefaultPageSize to every connection field
// that has neither first nor last. It runs once per parsed document, before
// the document is cached and shared, so the rewrite is never concurrent.
// Doing it on the document (not in a resolver) matters: entgql reads page
// sizes from the document when it eager-loads nested connections.
func defaultPageSizes(doc *ast.QueryDocument) {
	add := func(f *ast.Field) {
		if !isConnection(f) || f.Arguments.ForName("first") != nil || f.Arguments.ForName("last") != nil {
			return
		}
		f.Arguments = append(f.Arguments, &ast.Argument{
			Name:     "first",
			Value:    &ast.Value{Kind: ast.IntValue, Raw: strconv.Itoa(DefaultPageSize)},
			Position: f.Position,
		})
	}
	for _, op := range doc.Operations {
		walkFields(op.SelectionSet, add, map[*ast.FragmentDefinition]bool{})
	}
	for _, fr := range doc.Fragments {
		walkFields(fr.SelectionSet, add, map[*ast.FragmentDefinition]bool{})
	}
}

// pagingCache wraps the parsed-query cache to apply defaultPageSizes to
// every newly parsed document.
type pagingCache struct {
	graphql.Cache[*ast.QueryDocument]
}

func (c pagingCache) Add(ctx context.Context, key string, doc *ast.QueryDocument) {
	defaultPageSizes(doc)
	c.Cache.Add(ctx, key, doc)
}

// pageLimits refuses first/last outside [0, MaxPageSize] on any connection,
// with variables resolved, before any resolver (and so any SQL) runs.
type pageLimits struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = pageLimits{}

func (pageLimits) ExtensionName() string                   { return "PageLimits" }
func (pageLimits) Validate(graphql.ExecutableSchema) error { return nil }

func (pageLimits) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	var bad *gqlerror.Error
	check := func(f *ast.Field) {
		if bad != nil || !isConnection(f) {
			return
		}
		args := f.ArgumentMap(oc.Variables)
		for _, name := range []string{"first", "last"} {
			v, ok := toInt(args[name])
			if !ok || (v >= 0 && v <= MaxPageSize) {
				continue
			}
			bad = &gqlerror.Error{
				Message:   fmt.Sprintf("%s.%s 应为 0–%d (%s must be between 0 and %d)", f.Alias, name, MaxPageSize, name, MaxPageSize),
				Locations: []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}},
				Extensions: map[string]any{
					"code":  string(apierror.BadUserInput),
					"field": f.Alias + "." + name,
				},
			}
			return
		}
	}
	walkFields(oc.Operation.SelectionSet, check, map[*ast.FragmentDefinition]bool{})
	return bad
}

func toInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		return int64(n), true
	case int32:
		return int64(n), true
	case json.Number:
		i, err := n.Int64()
		if err != nil {
			return MaxPageSize + 1, true
		}
		return i, true
	}
	return 0, false
}
