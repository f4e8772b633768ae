package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/server/requestid"
)

// Page sizes of every connection.
const (
	// DefaultPageSize applies when a connection is asked for without first
	// or last, so no list is ever unbounded.
	DefaultPageSize = 20
	// MaxPageSize is the largest first or last accepted.
	MaxPageSize = 100
)

// Default query limits; see Limits.
const (
	DefaultMaxDepth      = 12
	DefaultMaxComplexity = 5000
	DefaultMaxAliases    = 50
	DefaultMaxOperations = 5
	DefaultMaxTokens     = 20000
)

// Limits bound what one GraphQL request may ask for. They are checked on
// the parsed document with its variables, before any resolver (and so any
// SQL) runs; a request over a limit is refused whole with QUERY_TOO_COMPLEX.
// A zero field takes its default.
type Limits struct {
	// MaxDepth is the deepest nesting of fields; a top-level field has depth
	// 1. The introspection fields __schema and __type and everything below
	// them do not count (gqlparser bounds introspection depth itself).
	MaxDepth int
	// MaxComplexity bounds the cost of an operation: every field costs 1,
	// and the cost of a connection's selections is multiplied by its page
	// size (first or last; DefaultPageSize when neither is given).
	// Introspection is free.
	MaxComplexity int
	// MaxAliases bounds the fields whose alias differs from their name,
	// counted with fragments expanded.
	MaxAliases int
	// MaxOperations bounds the operation definitions in one document, even
	// when operationName selects one of them.
	MaxOperations int
	// MaxTokens is the parser's token limit: longer documents are refused
	// before they are parsed in full.
	MaxTokens int
}

// WithDefaults returns l with every zero (or negative) field set to its
// default.
func (l Limits) WithDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxDepth, DefaultMaxDepth)
	def(&l.MaxComplexity, DefaultMaxComplexity)
	def(&l.MaxAliases, DefaultMaxAliases)
	def(&l.MaxOperations, DefaultMaxOperations)
	def(&l.MaxTokens, DefaultMaxTokens)
	return l
}

func isConnection(f *ast.Field) bool {
	return f.Definition != nil && f.Definition.Type != nil && strings.HasSuffix(f.Definition.Type.Name(), "Connection") &&
		f.Definition.Arguments.ForName("first") != nil
}

func isIntrospection(f *ast.Field) bool { return f.Name == "__schema" || f.Name == "__type" }

// eachField calls fn for every field of set, descending into fields and
// inline fragments but not into fragment spreads: a caller that visits
// every fragment definition itself thus sees each field node exactly once,
// however often (or however circularly) fragments are spread.
func eachField(set ast.SelectionSet, fn func(*ast.Field)) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			fn(s)
			eachField(s.SelectionSet, fn)
		case *ast.InlineFragment:
			eachField(s.SelectionSet, fn)
		}
	}
}

// defaultPageSizes adds first: DefaultPageSize to every connection field
// that has neither first nor last (a literal null counts as not given). It
// runs once per parsed document, before the document is cached and shared,
// so the rewrite is never concurrent. Doing it on the document (not in a
// resolver) matters: entgql reads page sizes from the document when it
// eager-loads nested connections. A first or last given by a variable that
// turns out null is defaulted per request, in queryLimits.
func defaultPageSizes(doc *ast.QueryDocument) {
	given := func(a *ast.Argument) bool { return a != nil && a.Value != nil && a.Value.Kind != ast.NullValue }
	add := func(f *ast.Field) {
		first, last := f.Arguments.ForName("first"), f.Arguments.ForName("last")
		if !isConnection(f) || given(first) || given(last) {
			return
		}
		value := &ast.Value{Kind: ast.IntValue, Raw: strconv.Itoa(DefaultPageSize), Position: f.Position}
		if first != nil {
			first.Value = value
			return
		}
		f.Arguments = append(f.Arguments, &ast.Argument{Name: "first", Value: value, Position: f.Position})
	}
	for _, op := range doc.Operations {
		eachField(op.SelectionSet, add)
	}
	for _, fr := range doc.Fragments {
		eachField(fr.SelectionSet, add)
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

// queryLimits enforces Limits, the page-size bounds and the refusal of NUL
// characters on every operation, with variables resolved, before any
// resolver runs.
type queryLimits struct {
	limits Limits
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = queryLimits{}

func (queryLimits) ExtensionName() string                   { return "QueryLimits" }
func (queryLimits) Validate(graphql.ExecutableSchema) error { return nil }

func (q queryLimits) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Doc == nil || oc.Operation == nil {
		return nil
	}
	return q.limits.check(oc.Doc, oc.Operation, oc.Variables)
}

// InterceptResponse answers a request that was refused before execution
// (by these limits, or by gqlgen's own checks of the document and
// variables) without calling the interceptors registered after it: the
// mutation transaction must not open a database transaction just to roll
// it back. A refused request reaches the response chain with its errors
// already recorded; an executed one reaches it with none.
func (queryLimits) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if errs := graphql.GetErrors(ctx); len(errs) > 0 {
		return &graphql.Response{Errors: errs, Extensions: graphql.GetExtensions(ctx)}
	}
	return next(ctx)
}

// InterceptOperation answers an operation whose context ended (the
// request timeout, see server.Config.RequestTimeout) before it could run:
// gqlgen would return no response at all, and the client would get a bare
// null.
func (queryLimits) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	responses := next(ctx)
	answered := false
	return func(ctx context.Context) *graphql.Response {
		rsp := responses(ctx)
		if rsp == nil && !answered && ctx.Err() != nil {
			rsp = &graphql.Response{Errors: gqlerror.List{{
				Message:    "请求超时，请缩小查询范围或稍后再试 (the request timed out; ask for less or try again later)",
				Extensions: map[string]any{"code": string(apierror.Internal), "requestId": requestid.From(ctx)},
			}}}
		}
		answered = true
		return rsp
	}
}

// check measures op of doc with vars and returns the first limit it
// breaks, or nil: too many operations; then bad input (a page size outside
// 0..MaxPageSize, a string with NUL) as BAD_USER_INPUT; then depth,
// aliases and complexity. It may set a null page-size variable in vars to
// DefaultPageSize (see walker.pageSize).
func (l Limits) check(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) *gqlerror.Error {
	l = l.WithDefaults()
	if n := len(doc.Operations); n > l.MaxOperations {
		return tooComplex(op, "一个请求最多包含 %d 个操作，此请求有 %d 个 (a request may contain at most %d operations; this one has %d)",
			l.MaxOperations, n, l.MaxOperations, n)
	}
	w := newWalker(vars)
	m := w.selections(op.SelectionSet)
	if w.inputErr == nil {
		for name, v := range vars {
			if hasNUL(v) {
				w.inputErr = nulError("$"+name, op.Position)
				break
			}
		}
	}
	switch {
	case w.inputErr != nil:
		return w.inputErr
	case m.Depth > l.MaxDepth:
		return tooComplex(op, "查询嵌套 %d 层，超过上限 %d 层 (query depth %d exceeds the limit of %d)",
			m.Depth, l.MaxDepth, m.Depth, l.MaxDepth)
	case m.Aliases > l.MaxAliases:
		return tooComplex(op, "查询使用了 %d 个别名，超过上限 %d 个 (%d aliases exceed the limit of %d)",
			m.Aliases, l.MaxAliases, m.Aliases, l.MaxAliases)
	case m.Complexity > l.MaxComplexity:
		return tooComplex(op, "查询复杂度 %s 超过上限 %d，请减小 first/last 或减少嵌套的列表 (query complexity %s exceeds the limit of %d; ask for smaller pages or fewer nested lists)",
			costString(m.Complexity), l.MaxComplexity, costString(m.Complexity), l.MaxComplexity)
	}
	return nil
}

func tooComplex(op *ast.OperationDefinition, format string, args ...any) *gqlerror.Error {
	e := &gqlerror.Error{
		Message:    fmt.Sprintf(format, args...),
		Extensions: map[string]any{"code": string(apierror.QueryTooComplex)},
	}
	if op.Position != nil {
		e.Locations = []gqlerror.Location{{Line: op.Position.Line, Column: op.Position.Column}}
	}
	return e
}

// measure is what the limits count of a selection set.
type measure struct {
	Depth      int
	Complexity int
	Aliases    int
}

// costCap bounds every count so that nested page sizes cannot overflow;
// any count that reaches it is far beyond every sensible limit.
const costCap = 1 << 40

func costString(n int) string {
	if n >= costCap {
		return "≥" + strconv.Itoa(costCap)
	}
	return strconv.Itoa(n)
}

func satAdd(a, b int) int { return min(a+b, costCap) } // a, b ≤ costCap

func satMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > costCap/b {
		return costCap
	}
	return min(a*b, costCap)
}

// walker measures an operation. Each fragment is measured once and its
// measure reused wherever it is spread, so the work is linear in the size
// of the document even when fragments spread each other many times over;
// a fragment cycle (which validation rejects anyway) counts as empty.
// inputErr is the first bad argument met on the way.
type walker struct {
	vars      map[string]any
	fragments map[*ast.FragmentDefinition]*measure // nil while being measured
	inputErr  *gqlerror.Error
}

func newWalker(vars map[string]any) *walker {
	return &walker{vars: vars, fragments: map[*ast.FragmentDefinition]*measure{}}
}

func (w *walker) selections(set ast.SelectionSet) measure {
	var m measure
	for _, sel := range set {
		var c measure
		switch s := sel.(type) {
		case *ast.Field:
			c = w.field(s)
		case *ast.InlineFragment:
			c = w.selections(s.SelectionSet)
		case *ast.FragmentSpread:
			c = w.spread(s)
		}
		m.Depth = max(m.Depth, c.Depth)
		m.Complexity = satAdd(m.Complexity, c.Complexity)
		m.Aliases = satAdd(m.Aliases, c.Aliases)
	}
	return m
}

func (w *walker) spread(s *ast.FragmentSpread) measure {
	def := s.Definition
	if def == nil {
		return measure{}
	}
	if m, seen := w.fragments[def]; seen {
		if m == nil {
			return measure{} // a cycle
		}
		return *m
	}
	w.fragments[def] = nil
	m := w.selections(def.SelectionSet)
	w.fragments[def] = &m
	return m
}

func (w *walker) field(f *ast.Field) measure {
	m := measure{Depth: 1, Complexity: 1}
	if f.Alias != "" && f.Alias != f.Name {
		m.Aliases = 1
	}
	if w.inputErr == nil {
		for _, a := range f.Arguments {
			if literalHasNUL(a.Value) {
				w.inputErr = nulError(fieldName(f)+"."+a.Name, a.Position)
				break
			}
		}
	}
	below := w.selections(f.SelectionSet)
	m.Aliases = satAdd(m.Aliases, below.Aliases)
	if isIntrospection(f) {
		return m
	}
	m.Depth = satAdd(m.Depth, below.Depth)
	per := 1
	if isConnection(f) {
		per = w.pageSize(f)
	}
	m.Complexity = satAdd(m.Complexity, satMul(per, below.Complexity))
	return m
}

// pageSize checks first and last of connection field f and returns the
// page size it asks for. When neither is given, it is DefaultPageSize; if
// first (or else last) was given as a variable that turned out null, the
// variable is set to DefaultPageSize so that the resolver, too, returns a
// default page rather than the whole table.
func (w *walker) pageSize(f *ast.Field) int {
	size, given := 0, false
	for _, name := range []string{"first", "last"} {
		n, ok := w.intArgument(f, name)
		if !ok {
			continue
		}
		if n < 0 || n > MaxPageSize {
			if w.inputErr == nil {
				w.inputErr = pageSizeError(f, name)
			}
			n = MaxPageSize
		}
		size, given = max(size, int(n)), true
	}
	if given {
		return size
	}
	for _, name := range []string{"first", "last"} {
		if a := f.Arguments.ForName(name); a != nil && a.Value != nil && a.Value.Kind == ast.Variable && w.vars != nil {
			w.vars[a.Value.Raw] = int64(DefaultPageSize)
			break
		}
	}
	return DefaultPageSize
}

// intArgument returns the value of integer argument name of f, if given
// and not null. A value that is given but not a usable integer is reported
// as out of range.
func (w *walker) intArgument(f *ast.Field, name string) (int64, bool) {
	a := f.Arguments.ForName(name)
	if a == nil || a.Value == nil {
		return 0, false
	}
	v, err := a.Value.Value(w.vars)
	if err != nil {
		return math.MaxInt64, true
	}
	if v == nil {
		return 0, false
	}
	n, ok := toInt(v)
	if !ok {
		return math.MaxInt64, true
	}
	return n, true
}

func fieldName(f *ast.Field) string {
	if f.Alias != "" {
		return f.Alias
	}
	return f.Name
}

func pageSizeError(f *ast.Field, name string) *gqlerror.Error {
	alias := fieldName(f)
	e := &gqlerror.Error{
		Message: fmt.Sprintf("%s.%s 应为 0–%d (%s must be between 0 and %d)", alias, name, MaxPageSize, name, MaxPageSize),
		Extensions: map[string]any{
			"code":  string(apierror.BadUserInput),
			"field": alias + "." + name,
		},
	}
	if f.Position != nil {
		e.Locations = []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}}
	}
	return e
}

// NUL characters are refused in every string a request passes: PostgreSQL
// cannot store them and SQLite ends a string at the first one, so a filter
// "a\u0000" would match like "a", and "\u0000" like "" — everything.

// hasNUL reports whether a variable value holds a string with NUL.
func hasNUL(v any) bool {
	switch x := v.(type) {
	case string:
		return strings.IndexByte(x, 0) >= 0
	case map[string]any:
		for k, e := range x {
			if strings.IndexByte(k, 0) >= 0 || hasNUL(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if hasNUL(e) {
				return true
			}
		}
	}
	return false
}

// literalHasNUL reports whether an argument written in the document holds
// a string with NUL.
func literalHasNUL(v *ast.Value) bool {
	if v == nil {
		return false
	}
	switch v.Kind {
	case ast.StringValue, ast.BlockValue:
		return strings.IndexByte(v.Raw, 0) >= 0
	case ast.ListValue, ast.ObjectValue:
		for _, c := range v.Children {
			if literalHasNUL(c.Value) {
				return true
			}
		}
	}
	return false
}

func nulError(field string, pos *ast.Position) *gqlerror.Error {
	e := &gqlerror.Error{
		Message:    fmt.Sprintf("%s 含有 NUL 字符 (U+0000)，不予接受 (%s contains a NUL character, which is not accepted)", field, field),
		Extensions: map[string]any{"code": string(apierror.BadUserInput), "field": field},
	}
	if pos != nil {
		e.Locations = []gqlerror.Location{{Line: pos.Line, Column: pos.Column}}
	}
	return e
}

func toInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case float64:
		if math.IsNaN(n) || n > math.MaxInt64 || n < math.MinInt64 {
			return math.MaxInt64, true
		}
		return int64(n), true
	case json.Number:
		i, err := n.Int64()
		if err != nil {
			return math.MaxInt64, true
		}
		return i, true
	}
	return 0, false
}
