package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/paging"
	"github.com/tongxing/tongxing/requestid"
)

// Page sizes of every connection: the rules live in package paging, which
// the resolvers that page by themselves (need matches, partner views) use
// too, so the limits checked here and the pages returned cannot disagree.
const (
	// DefaultPageSize applies when a connection is asked for without first
	// or last, so no list is ever unbounded.
	DefaultPageSize = paging.DefaultSize
	// MaxPageSize is the largest first or last accepted.
	MaxPageSize = paging.MaxSize
)

// Bounds on what a filter (a …WhereInput argument) and a list argument may
// hold. They are fixed rather than configurable: no legitimate filter comes
// near them, and each guards the database against one request.
const (
	// MaxFilterString is the longest string, in characters, any value in a
	// filter may be. Names, titles and codes are far shorter; a longer
	// pattern only makes LIKE slower (SQLite refuses patterns over 50,000
	// bytes outright, which surfaced as INTERNAL).
	MaxFilterString = 200
	// MaxListLength bounds every list in a filter (…In, …NotIn, and, or,
	// has…With) and every list argument of a query field (nodes(ids:)),
	// like page sizes: a list is a page of conditions.
	MaxListLength = MaxPageSize
)

// What filters cost in the complexity model (Limits.MaxComplexity). A
// filter runs once per connection it is given to (so under a connection of
// page size n it counts n times, like any field there), but its own cost
// does not scale with the page it asks for: it scans tables, not rows
// returned. ent writes each has…With level as an EXISTS subquery
// correlated with the level above it, which the database runs once per
// outer row, so every level multiplies the work below it. Measured on the
// demo district (docs/benchmarks.md, SQLite): one level costs
// milliseconds; two levels up to 1.3 s (activities → organisation →
// activities), whether the innermost condition is a comparison or a
// pattern; three levels about as much; four levels more than the 30 s
// request timeout.
const (
	// FilterPredicateCost is a comparison on a column (per value of a list
	// such as nameIn).
	FilterPredicateCost = 1
	// FilterPatternCost is a string pattern (…Contains, …HasPrefix,
	// …HasSuffix, …EqualFold, …ContainsFold), per value: no index serves
	// it, so every row it is tried on is read and matched.
	FilterPatternCost = 5
	// FilterEdgeCost is an edge predicate (hasX, or one has…With level): a
	// subquery.
	FilterEdgeCost = 20
	// FilterEdgeFactor multiplies everything inside a has…With, level by
	// level: the inner conditions run once per row of the outer table.
	// Chains of has…With then cost 50 (one level around a comparison), 170
	// (one level around a pattern), 1,520 (two levels around a
	// comparison), 5,120 (two around a pattern) and 45,620 (three levels):
	// under the default limit of 5,000 a request holds at most three
	// two-level filters (a few seconds of database work at worst) and no
	// deeper one.
	FilterEdgeFactor = 30
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
	// size (first or last; DefaultPageSize when neither is given), that of
	// nodes(ids:) by the number of ids. A filter adds its cost (see
	// FilterPatternCost and FilterEdgeFactor) to the field it is given to.
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

// queryLimits enforces Limits, the page-size, filter and list bounds and
// the refusal of NUL characters on every operation, with variables
// resolved, before any resolver runs. schema types the filters given as
// variables.
type queryLimits struct {
	limits Limits
	schema *ast.Schema
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
	return q.limits.check(q.schema, oc.Doc, oc.Operation, oc.Variables)
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
// breaks, or nil: too many operations; then bad input as BAD_USER_INPUT (a
// page size outside 0..MaxPageSize, first together with last, a string
// with NUL, a filter string over MaxFilterString, a list over
// MaxListLength, an empty nested filter); then depth, aliases and
// complexity. It may set a null page-size variable in vars to
// DefaultPageSize (see walker.pageSize). schema (nil in some tests) types
// filter values; without it filters are not inspected.
func (l Limits) check(schema *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) *gqlerror.Error {
	l = l.WithDefaults()
	if n := len(doc.Operations); n > l.MaxOperations {
		return tooComplex(op, "一个请求最多包含 %d 个操作，此请求有 %d 个 (a request may contain at most %d operations; this one has %d)",
			l.MaxOperations, n, l.MaxOperations, n)
	}
	w := newWalker(schema, vars)
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
		return tooComplex(op, "查询复杂度 %s 超过上限 %d，请减小 first/last、减少嵌套的列表或简化筛选条件 (query complexity %s exceeds the limit of %d; ask for smaller pages, fewer nested lists or simpler filters)",
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
	schema    *ast.Schema
	vars      map[string]any
	fragments map[*ast.FragmentDefinition]*measure // nil while being measured
	inputErr  *gqlerror.Error
}

func newWalker(schema *ast.Schema, vars map[string]any) *walker {
	return &walker{schema: schema, vars: vars, fragments: map[*ast.FragmentDefinition]*measure{}}
}

// refuse records err unless an earlier bad input was recorded already.
func (w *walker) refuse(err *gqlerror.Error) {
	if w.inputErr == nil {
		w.inputErr = err
	}
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
	per, filters := w.arguments(f)
	if isConnection(f) {
		per = w.pageSize(f)
	}
	m.Complexity = satAdd(m.Complexity, filters)
	m.Complexity = satAdd(m.Complexity, satMul(per, below.Complexity))
	return m
}

// arguments checks the list and filter arguments of f. It returns how many
// times f's selections are resolved (the number of ids of nodes(ids:), else
// 1) and what f's filters cost.
func (w *walker) arguments(f *ast.Field) (per, cost int) {
	per = 1
	if w.schema == nil || f.Definition == nil {
		return per, 0
	}
	onQuery := f.ObjectDefinition != nil && w.schema.Query != nil && f.ObjectDefinition.Name == w.schema.Query.Name
	for _, a := range f.Arguments {
		def := f.Definition.Arguments.ForName(a.Name)
		if def == nil || def.Type == nil || a.Value == nil {
			continue
		}
		path := fieldName(f) + "." + a.Name
		if def.Type.Name() == "Cursor" && !onQuery {
			// A nested connection's arguments are read by entgql's field
			// collection, which takes a cursor it cannot decode for a
			// server fault; gqlgen checks those of top-level fields.
			if v, err := a.Value.Value(w.vars); err == nil && v != nil {
				var c entgql.Cursor[int]
				if c.UnmarshalGQL(v) != nil {
					w.refuse(inputError(path, a.Position, "%s 不是有效的分页游标：请使用上一页 pageInfo 中的 endCursor 或 startCursor (%s is not a valid cursor: pass the endCursor or startCursor of a page)", path, path))
				}
			}
		}
		if onQuery && def.Type.Elem != nil {
			if v, err := a.Value.Value(w.vars); err == nil {
				if list, ok := asList(v); ok {
					if len(list) > MaxListLength {
						w.refuse(listError(path, len(list), a.Position))
					}
					if a.Name == "ids" {
						per = max(1, min(len(list), MaxListLength))
					}
				}
			}
		}
		if t := w.schema.Types[def.Type.Name()]; t != nil && t.Kind == ast.InputObject && strings.HasSuffix(t.Name, "WhereInput") {
			v, err := a.Value.Value(w.vars)
			if err != nil {
				continue // gqlgen's validation of the variables answers it
			}
			if def.Type.Elem != nil {
				// (No list of filters exists today; measure each all the same.)
				list, _ := asList(v)
				for i, e := range list {
					c, _ := w.filter(t, e, fmt.Sprintf("%s[%d]", path, i), a.Position)
					cost = satAdd(cost, c)
				}
				continue
			}
			c, _ := w.filter(t, v, path, a.Position)
			cost = satAdd(cost, c)
		}
	}
	return per, cost
}

// filter checks the value v of filter type def (an ent …WhereInput) found
// at path, and returns its cost and the number of conditions it holds.
//
// Bounds: every string is at most MaxFilterString characters and every
// list at most MaxListLength values long. A nested filter (under not, and,
// or, has…With) with no condition is refused: ent has no meaning for it
// and answered INTERNAL; a top-level empty filter, a null and an empty
// list are no condition, as they always were.
//
// Cost: see FilterPredicateCost, FilterPatternCost, FilterEdgeCost and
// FilterEdgeFactor.
func (w *walker) filter(def *ast.Definition, v any, path string, pos *ast.Position) (cost, conditions int) {
	obj, ok := v.(map[string]any)
	if !ok {
		return 0, 0
	}
	// In schema order, so that the first problem reported is always the
	// same one.
	for _, fd := range def.Fields {
		val, present := obj[fd.Name]
		if !present || val == nil || fd.Type == nil {
			continue
		}
		at := path + "." + fd.Name
		items, isList := asList(val)
		if !isList {
			items = []any{val}
		}
		if len(items) == 0 {
			continue
		}
		if len(items) > MaxListLength {
			w.refuse(listError(at, len(items), pos))
			items = items[:MaxListLength]
		}
		conditions++
		elem := w.schema.Types[fd.Type.Name()]
		if elem != nil && elem.Kind == ast.InputObject {
			edge := strings.HasPrefix(fd.Name, "has") && strings.HasSuffix(fd.Name, "With")
			inner := 0
			for i, item := range items {
				p := at
				if isList {
					p = fmt.Sprintf("%s[%d]", at, i)
				}
				c, n := w.filter(elem, item, p, pos)
				if n == 0 {
					w.refuse(emptyFilterError(p, edgeName(def, fd.Name), pos))
				}
				inner = satAdd(inner, c)
			}
			if edge {
				cost = satAdd(cost, satAdd(FilterEdgeCost, satMul(FilterEdgeFactor, inner)))
			} else {
				cost = satAdd(cost, inner)
			}
			continue
		}
		for _, item := range items {
			if s, ok := item.(string); ok && utf8.RuneCountInString(s) > MaxFilterString {
				w.refuse(longStringError(at, pos))
			}
		}
		switch {
		case edgeName(def, fd.Name) != "":
			cost = satAdd(cost, FilterEdgeCost)
		case isPattern(fd.Name):
			cost = satAdd(cost, satMul(FilterPatternCost, len(items)))
		default:
			cost = satAdd(cost, satMul(FilterPredicateCost, len(items)))
		}
	}
	return cost, conditions
}

// asList returns v as a list if it is one. Variables reach the limits
// coerced by gqlgen, whose lists are typed ([]map[string]any for a list of
// input objects, for instance), while literals give []any.
func asList(v any) ([]any, bool) {
	if l, ok := v.([]any); ok {
		return l, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice {
		return nil, false
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, true
}

// edgeName returns "hasX" when field (hasX or hasXWith) of filter def is an
// edge predicate, else "".
func edgeName(def *ast.Definition, field string) string {
	name := strings.TrimSuffix(field, "With")
	if !strings.HasPrefix(name, "has") || def.Fields.ForName(name) == nil || def.Fields.ForName(name+"With") == nil {
		return ""
	}
	return name
}

// isPattern reports whether filter field name is one of ent's string
// pattern predicates.
func isPattern(name string) bool {
	for _, suffix := range []string{"Contains", "HasPrefix", "HasSuffix", "EqualFold", "ContainsFold"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

func inputError(field string, pos *ast.Position, format string, args ...any) *gqlerror.Error {
	e := &gqlerror.Error{
		Message:    fmt.Sprintf(format, args...),
		Extensions: map[string]any{"code": string(apierror.BadUserInput), "field": field},
	}
	if pos != nil {
		e.Locations = []gqlerror.Location{{Line: pos.Line, Column: pos.Column}}
	}
	return e
}

func listError(field string, n int, pos *ast.Position) *gqlerror.Error {
	return inputError(field, pos, "%s 最多 %d 项，此处有 %d 项 (%s may hold at most %d values; it has %d)",
		field, MaxListLength, n, field, MaxListLength, n)
}

func longStringError(field string, pos *ast.Position) *gqlerror.Error {
	return inputError(field, pos, "%s 超过 %d 个字符 (%s is longer than %d characters)",
		field, MaxFilterString, field, MaxFilterString)
}

func emptyFilterError(field, edge string, pos *ast.Position) *gqlerror.Error {
	if edge != "" {
		return inputError(field, pos, "%s 是空的筛选条件：请写出条件；只要求存在关联记录请用 %s: true (%s is an empty filter: give a condition, or use %s: true for \"has any\")",
			field, edge, field, edge)
	}
	return inputError(field, pos, "%s 是空的筛选条件：请写出条件或省略该字段 (%s is an empty filter: give a condition or leave the field out)",
		field, field)
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
		if given {
			// entgql refuses the pair itself, but with an error that
			// surfaced as INTERNAL; and the pair has no clear meaning.
			w.refuse(inputError(fieldName(f)+"."+name, f.Position,
				"%s：first 与 last 不能同时使用 (first and last cannot be used together)", fieldName(f)))
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
	default:
		// Coerced variables hold typed lists ([]map[string]any, …).
		if list, ok := asList(v); ok {
			for _, e := range list {
				if hasNUL(e) {
					return true
				}
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
