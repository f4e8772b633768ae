package graph

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	_ "github.com/vektah/gqlparser/v2/validator/rules" // registers the default rules

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/graph/generated"
)

var testSchema = generated.NewExecutableSchema(generated.Config{Resolvers: &Resolver{}}).Schema()

// load parses and validates query against the real schema, as gqlgen does.
func load(t testing.TB, query string) *ast.QueryDocument {
	t.Helper()
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, DefaultMaxTokens)
	if err != nil {
		t.Fatalf("parse %q: %v", query, err)
	}
	if errs := validator.Validate(testSchema, doc); len(errs) > 0 {
		t.Fatalf("validate %q: %v", query, errs)
	}
	return doc
}

func measureOf(t testing.TB, query string, vars map[string]any) (measure, *gqlerror.Error) {
	t.Helper()
	doc := load(t, query)
	w := newWalker(testSchema, vars)
	m := w.selections(doc.Operations[0].SelectionSet)
	return m, w.inputErr
}

// nested builds { regions { edges { node { parent { parent … { id } } } } } }
// with n fields in all.
func nestedParents(n int) string {
	var b strings.Builder
	b.WriteString("{ regions { edges { node { ")
	for range n - 4 {
		b.WriteString("parent { ")
	}
	b.WriteString("id")
	b.WriteString(strings.Repeat(" }", n))
	return b.String()
}

func TestMeasure(t *testing.T) {
	for _, tt := range []struct {
		name, query string
		want        measure
	}{
		{"one field", `{ __typename }`, measure{Depth: 1, Complexity: 1}},
		{"connection with default page", `{ regions { totalCount } }`, measure{Depth: 2, Complexity: 1 + 20*1}},
		{"explicit page and alias", `{ a: regions(first: 5) { edges { node { id name } } } }`,
			measure{Depth: 4, Complexity: 1 + 5*(1+(1+2)), Aliases: 1}},
		{"last is a page size too", `{ regions(last: 7) { totalCount } }`, measure{Depth: 2, Complexity: 1 + 7}},
		{"first zero", `{ regions(first: 0) { totalCount } }`, measure{Depth: 2, Complexity: 1}},
		{"nested connections multiply", `{ regions(first: 10) { edges { node { children(first: 10) { totalCount } } } } }`,
			measure{Depth: 5, Complexity: 1 + 10*(1+(1+(1+10*1)))}},
		{"fragments expanded where spread",
			`{ r1: region(code: "1") { ...R } r2: region(code: "2") { ...R } } fragment R on Region { n: name parent { name } }`,
			measure{Depth: 3, Complexity: 2 * (1 + 1 + 2), Aliases: 4}},
		{"inline fragments", `{ node(id: "x") { ... on Region { code parent { code } } } }`, measure{Depth: 3, Complexity: 1 + 1 + 2}},
		{"introspection is free", `{ __schema { types { name fields { name type { name ofType { name ofType { name } } } } } } }`,
			measure{Depth: 1, Complexity: 1}},
		{"aliases under introspection still count", `{ __type(name: "Region") { a: name b: kind } }`,
			measure{Depth: 1, Complexity: 1, Aliases: 2}},
		{"an alias equal to the name is no alias", `{ regions: regions(first: 1) { totalCount } }`, measure{Depth: 2, Complexity: 2}},
		{"fifty deep", nestedParents(50), measure{Depth: 50, Complexity: 1 + 20*49}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, inputErr := measureOf(t, tt.query, map[string]any{})
			if inputErr != nil {
				t.Fatalf("page error: %v", inputErr)
			}
			if got != tt.want {
				t.Errorf("measure = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestMeasureVariables(t *testing.T) {
	const q = `query($n: Int, $m: Int = 3) { a: regions(first: $n) { totalCount } b: regions(last: $m) { totalCount } }`
	m, err := measureOf(t, q, map[string]any{"n": int64(40)})
	if err != nil || m.Complexity != (1+40)+(1+3) {
		t.Errorf("variables and variable defaults: %+v, %v", m, err)
	}
	// A page size given as a variable that is null becomes the default page,
	// in the request's variables too: the resolver must not list everything.
	vars := map[string]any{"n": nil}
	m, err = measureOf(t, q, vars)
	if err != nil || m.Complexity != (1+20)+(1+3) || vars["n"] != int64(DefaultPageSize) {
		t.Errorf("null first: %+v, %v, vars %v", m, err, vars)
	}
	vars = map[string]any{}
	if _, err = measureOf(t, q, vars); err != nil || vars["n"] != int64(DefaultPageSize) {
		t.Errorf("absent first: %v, vars %v", err, vars)
	}
	// (A non-integer cannot get past gqlgen's variable coercion; refused
	// all the same.)
	for _, n := range []any{int64(101), int64(-1), int64(1 << 40), 1e300, "x1"} {
		_, err := measureOf(t, `query($n: Int) { regions { edges { node { children(first: $n) { totalCount } } } } }`, map[string]any{"n": n})
		if err == nil || err.Extensions["code"] != string(apierror.BadUserInput) || err.Extensions["field"] != "children.first" {
			t.Errorf("first = %v: %v", n, err)
		}
	}
}

func TestCheck(t *testing.T) {
	introspection := load(t, introspectionQuery)
	aliases := func(n int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			b.WriteString(" a")
			b.WriteString(strings.Repeat("x", i%3))
			b.WriteString(strings.Repeat("0", 1+i/3))
			b.WriteString(": __typename")
		}
		return b.String() + " }"
	}
	for _, tt := range []struct {
		name    string
		limits  Limits
		query   string
		code    apierror.Code
		message string
	}{
		{"within defaults", Limits{}, `{ regions(first: 100) { edges { node { code name parent { name } children { totalCount } } } } }`, "", ""},
		{"README example", Limits{}, `{ organizations(where: {nameContains: "孝慈"}) { totalCount edges { node { name kind region { name } projects { totalCount } } } } }`, "", ""},
		{"depth 12 is allowed", Limits{}, nestedParents(12), "", ""},
		{"depth 13 is not", Limits{}, nestedParents(13), apierror.QueryTooComplex, "query depth 13 exceeds the limit of 12"},
		{"depth 50", Limits{}, nestedParents(50), apierror.QueryTooComplex, "查询嵌套 50 层，超过上限 12 层"},
		{"configured depth", Limits{MaxDepth: 4}, nestedParents(5), apierror.QueryTooComplex, "limit of 4"},
		{"50 aliases", Limits{}, aliases(50), "", ""},
		{"51 aliases", Limits{}, aliases(51), apierror.QueryTooComplex, "51 aliases exceed the limit of 50"},
		{"1000 aliases", Limits{}, aliases(1000), apierror.QueryTooComplex, "1000 aliases"},
		{"complexity", Limits{}, `{ regions(first: 100) { edges { node { children(first: 100) { totalCount } } } } }`,
			apierror.QueryTooComplex, "query complexity 10301 exceeds the limit of 5000"},
		{"configured complexity", Limits{MaxComplexity: 20}, `{ regions { totalCount } }`, apierror.QueryTooComplex, "查询复杂度 21 超过上限 20"},
		{"page size before complexity", Limits{MaxComplexity: 1}, `{ regions(first: 100000) { totalCount } }`, apierror.BadUserInput, "first must be between 0 and 100"},
		{"five operations", Limits{}, `query A { __typename } query B { __typename } query C { __typename } query D { __typename } query E { __typename }`, "", ""},
		{"six operations", Limits{}, `query A { __typename } query B { __typename } query C { __typename } query D { __typename } query E { __typename } query F { __typename }`,
			apierror.QueryTooComplex, "at most 5 operations; this one has 6"},
		{"configured operations", Limits{MaxOperations: 1}, `query A { __typename } query B { __typename }`, apierror.QueryTooComplex, "at most 1 operations"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc := load(t, tt.query)
			err := tt.limits.check(testSchema, doc, doc.Operations[0], map[string]any{})
			switch {
			case tt.code == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.code != "" && err == nil:
				t.Errorf("accepted, want %s", tt.code)
			case tt.code != "" && (err.Extensions["code"] != string(tt.code) || !strings.Contains(err.Message, tt.message)):
				t.Errorf("got %v %q, want %s %q", err.Extensions["code"], err.Message, tt.code, tt.message)
			}
		})
	}
	if err := (Limits{}).check(testSchema, introspection, introspection.Operations[0], map[string]any{}); err != nil {
		t.Errorf("GraphiQL's introspection query refused: %v", err)
	}
	if m := newWalker(testSchema, nil).selections(introspection.Operations[0].SelectionSet); m.Depth != 1 || m.Complexity != 1 || m.Aliases != 0 {
		t.Errorf("introspection query measures %+v", m)
	}
}

func TestLimitsDefaults(t *testing.T) {
	got := Limits{MaxDepth: 3, MaxAliases: -1}.WithDefaults()
	want := Limits{MaxDepth: 3, MaxComplexity: 5000, MaxAliases: 50, MaxOperations: 5, MaxTokens: 20000}
	if got != want {
		t.Errorf("WithDefaults = %+v, want %+v", got, want)
	}
}

// Validation rejects fragment cycles before the limits run; the walker
// still terminates on one.
func TestFragmentCycles(t *testing.T) {
	const q = `{ regions { edges { node { ...A } } } } fragment A on Region { parent { ...B } } fragment B on Region { children { edges { node { ...A } } } }`
	doc, err := parser.ParseQuery(&ast.Source{Input: q})
	if err != nil {
		t.Fatal(err)
	}
	errs := validator.Validate(testSchema, doc)
	if len(errs) == 0 || !strings.Contains(errs.Error(), "Cannot spread fragment") {
		t.Fatalf("fragment cycle not rejected by validation: %v", errs)
	}
	// Validation has linked the spreads to their definitions.
	m := newWalker(testSchema, map[string]any{}).selections(doc.Operations[0].SelectionSet)
	if m.Depth == 0 || m.Depth > 20 {
		t.Errorf("cyclic fragments measure %+v", m)
	}
	defaultPageSizes(doc) // terminates too
}

// Fragments spread twice per level would make a naive walk exponential;
// each fragment is measured once.
func TestFragmentFanOut(t *testing.T) {
	var b strings.Builder
	b.WriteString("{ ...F0 }\n")
	const levels = 60
	for i := range levels {
		next := "name"
		if i+1 < levels {
			next = "...F" + itoa(i+1)
		}
		b.WriteString("fragment F" + itoa(i) + " on Query { a" + itoa(i) + ": region(code: \"1\") { " + next + " } b" + itoa(i) + ": region(code: \"2\") { " + next + " } }\n")
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: b.String()})
	if err != nil {
		t.Fatal(err)
	}
	// Link spreads as validation would, without running validation (whose
	// own cost is gqlparser's business).
	for _, fr := range doc.Fragments {
		eachField(fr.SelectionSet, func(f *ast.Field) {
			for _, sel := range f.SelectionSet {
				if s, ok := sel.(*ast.FragmentSpread); ok {
					s.Definition = doc.Fragments.ForName(s.Name)
				}
			}
		})
	}
	doc.Operations[0].SelectionSet[0].(*ast.FragmentSpread).Definition = doc.Fragments.ForName("F0")
	start := time.Now()
	m := newWalker(testSchema, nil).selections(doc.Operations[0].SelectionSet)
	defaultPageSizes(doc)
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("measuring took %v", d)
	}
	if m.Aliases != costCap || m.Depth != levels+1 {
		t.Errorf("fan-out measures %+v", m)
	}
}

func TestDefaultPageSizes(t *testing.T) {
	doc := load(t, `query($n: Int) { a: regions { totalCount } b: regions(first: null) { totalCount } c: regions(last: 3) { totalCount }
	  d: regions(first: $n) { totalCount } e: regions(first: null, last: null) { totalCount } ...F }
	  fragment F on Query { f: regions { edges { node { children { totalCount } } } } }`)
	defaultPageSizes(doc)
	got := map[string]string{}
	first := func(prefix string) func(*ast.Field) {
		return func(f *ast.Field) {
			if a := f.Arguments.ForName("first"); isConnection(f) && a != nil {
				got[prefix+f.Alias] = a.Value.String()
			}
		}
	}
	eachField(doc.Operations[0].SelectionSet, first(""))
	eachField(doc.Fragments[0].SelectionSet, first("F."))
	want := map[string]string{"a": "20", "b": "20", "d": "$n", "e": "20", "F.f": "20", "F.children": "20"}
	if _, ok := got["c"]; ok {
		t.Errorf("first added next to last: %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: first = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// FuzzLimits feeds arbitrary documents through parsing, validation against
// the real schema, the page-size rewrite and the limits: none may panic.
// Its seeds run as part of go test.
func FuzzLimits(f *testing.F) {
	for _, q := range []string{
		`{ __typename }`,
		`{ regions { edges { node { parent { parent { id } } children(first: 3) { totalCount } } } } }`,
		`query($n: Int) { a: regions(first: $n) { totalCount } b: regions(last: 200) { totalCount } }`,
		`{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }`,
		`{ regions(first: null, last: null) { totalCount } }`,
		`{ node(id: "x") { ... on Region { children { edges { node { ... on Region { code } } } } } } }`,
		`query A { __typename } query B { __typename } mutation C { __typename }`,
		`{ regions(first: 99999999999999999999) { totalCount } }`,
		`{ organizations(where: {nameContains: "' OR 1=1 --"}) { totalCount } }`,
		introspectionQuery,
		"{ a: __type(name: \"\xff\") { name } }",
	} {
		f.Add(q, int64(5))
	}
	f.Fuzz(func(t *testing.T, query string, n int64) {
		doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, DefaultMaxTokens)
		if err != nil || doc == nil {
			return
		}
		vars := map[string]any{"n": n, "first": n, "m": nil}
		// Unvalidated documents have no definitions; still no panic.
		for _, op := range doc.Operations {
			_ = Limits{}.check(testSchema, doc, op, vars)
		}
		if errs := validator.Validate(testSchema, doc); len(errs) > 0 {
			return
		}
		defaultPageSizes(doc)
		for _, op := range doc.Operations {
			if err := (Limits{}).check(testSchema, doc, op, vars); err != nil {
				code := err.Extensions["code"]
				if code != string(apierror.QueryTooComplex) && code != string(apierror.BadUserInput) {
					t.Errorf("refusal without a known code: %v", err)
				}
			}
		}
	})
}

// introspectionQuery is the query GraphiQL sends (graphql-js
// getIntrospectionQuery with descriptions).
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}`

func TestNULRefused(t *testing.T) {
	const filter = `query($s: String, $w: OrganizationWhereInput) { a: organizations(where: {nameContains: $s}) { totalCount } b: organizations(where: $w) { totalCount } }`
	for _, tt := range []struct {
		name  string
		query string
		vars  map[string]any
		field string
	}{
		{"variable", filter, map[string]any{"s": "a\x00"}, "$s"},
		{"nested variable", filter, map[string]any{"w": map[string]any{"or": []any{map[string]any{"nameContains": "\x00"}}}}, "$w"},
		{"nested variable, a single object for a list", filter, map[string]any{"w": map[string]any{"hasProjectsWith": map[string]any{"nameContains": "\x00"}}}, "$w"},
		{"literal", `{ organizations(where: {nameContains: "x\u0000"}) { totalCount } }`, nil, "organizations.where"},
		{"literal in a list in a fragment", `{ ...F } fragment F on Query { o: organizations(where: {or: [{nameContains: "ok"}, {nameContains: "\u0000"}]}) { totalCount } }`, nil, "o.where"},
	} {
		doc := load(t, tt.query)
		vars, gerr := validator.VariableValues(testSchema, doc.Operations[0], tt.vars)
		if gerr != nil {
			t.Fatalf("%s: variables: %v", tt.name, gerr)
		}
		err := Limits{}.check(testSchema, doc, doc.Operations[0], vars)
		if err == nil || err.Extensions["code"] != string(apierror.BadUserInput) || err.Extensions["field"] != tt.field || !strings.Contains(err.Message, "NUL") {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	doc := load(t, filter)
	if err := (Limits{}).check(testSchema, doc, doc.Operations[0], map[string]any{"s": "孝慈 ' OR 1=1 --"}); err != nil {
		t.Errorf("ordinary string refused: %v", err)
	}
}

// TestFilterInput: the smaller doors of issue 9, item 7, refused on the
// parsed document with its variables as BAD_USER_INPUT naming the field;
// what means "no condition" stays allowed.
func TestFilterInput(t *testing.T) {
	const byVar = `query($w: OrganizationWhereInput) { organizations(where: $w) { totalCount } }`
	long := strings.Repeat("a", MaxFilterString+1)
	longHan := strings.Repeat("长", MaxFilterString) // 200 characters, 600 bytes: allowed
	many := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = "x" + strconv.Itoa(i)
		}
		return out
	}
	ids := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(strconv.Quote("id" + strconv.Itoa(i)))
			b.WriteString(" ")
		}
		return b.String()
	}
	for _, tt := range []struct {
		name  string
		query string
		vars  map[string]any
		field string // "" when allowed
		text  string
	}{
		{"first and last", `{ organizations(first: 2, last: 2) { totalCount } }`, nil, "organizations.last", "first and last cannot be used together"},
		{"first and last by variables", `query($f: Int, $l: Int) { regions { edges { node { children(first: $f, last: $l) { totalCount } } } } }`,
			map[string]any{"f": int64(1), "l": int64(1)}, "children.last", "first 与 last 不能同时使用"},
		{"first with a null last", `query($l: Int) { organizations(first: 2, last: $l) { totalCount } }`, map[string]any{"l": nil}, "", ""},
		{"not: {}", `{ organizations(where: {not: {}}) { totalCount } }`, nil, "organizations.where.not", "is an empty filter"},
		{"and: [{}]", `{ organizations(where: {and: [{name: "a"}, {}]}) { totalCount } }`, nil, "organizations.where.and[1]", "空的筛选条件"},
		{"or: [{}] nested in an edge", `{ organizations(where: {hasProjectsWith: {or: [{}]}}) { totalCount } }`, nil, "organizations.where.hasProjectsWith.or[0]", "empty filter"},
		// A single object for a list is the list of it (GraphQL input
		// coercion); the path then names no index, as the query did not.
		{"hasXWith: [{}]", `{ organizations(where: {hasProjectsWith: [{}]}) { totalCount } }`, nil, "organizations.where.hasProjectsWith[0]", "use hasProjects: true"},
		{"not: {} in a variable", byVar, map[string]any{"w": map[string]any{"not": map[string]any{}}}, "organizations.where.not", "empty"},
		{"not with only nulls and empty lists", byVar, map[string]any{"w": map[string]any{"not": map[string]any{"name": nil, "and": []any{}, "hasProjectsWith": []any{}}}},
			"organizations.where.not", "empty"},
		{"deep empty filter in a nested connection", `{ regions { edges { node { organizations(where: {hasActivitiesWith: {hasRegionWith: {not: {}}}}) { totalCount } } } } }`, nil,
			"organizations.where.hasActivitiesWith.hasRegionWith.not", "empty"},
		{"empty where is no condition", `{ organizations(where: {}) { totalCount } }`, nil, "", ""},
		{"null where", byVar, map[string]any{"w": nil}, "", ""},
		{"empty lists are no condition", `{ organizations(where: {and: [], or: [], hasProjectsWith: []}) { totalCount } }`, nil, "", ""},
		{"not of a real condition", `{ organizations(where: {not: {nameContains: "队"}}) { totalCount } }`, nil, "", ""},
		{"hasX: true", `{ organizations(where: {hasProjects: true}) { totalCount } }`, nil, "", ""},
		{"string over the cap", `{ organizations(where: {nameContains: "` + long + `"}) { totalCount } }`, nil, "organizations.where.nameContains", "longer than 200 characters"},
		{"string over the cap in a variable, nested", byVar, map[string]any{"w": map[string]any{"or": []any{map[string]any{"name": "a"}, map[string]any{"hasRegionWith": []any{map[string]any{"nameHasPrefix": long}}}}}},
			"organizations.where.or[1].hasRegionWith[0].nameHasPrefix", "超过 200 个字符"},
		{"string over the cap in a list", byVar, map[string]any{"w": map[string]any{"nameIn": []any{"a", long}}}, "organizations.where.nameIn", "longer than"},
		{"900 KB string", byVar, map[string]any{"w": map[string]any{"nameContains": strings.Repeat("a", 900_000)}}, "organizations.where.nameContains", "longer than"},
		{"200 characters of Chinese", byVar, map[string]any{"w": map[string]any{"nameContains": longHan}}, "", ""},
		{"101 values in nameIn", byVar, map[string]any{"w": map[string]any{"nameIn": many(101)}}, "organizations.where.nameIn", "at most 100 values; it has 101"},
		{"100 values in nameIn", byVar, map[string]any{"w": map[string]any{"nameIn": many(100)}}, "", ""},
		{"nodes: 101 ids", `{ nodes(ids: [` + ids(101) + `]) { id } }`, nil, "nodes.ids", "at most 100 values"},
		{"nodes: 20,000 ids by variable", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": many(20000)}, "nodes.ids", "it has 20000"},
		{"nodes: 100 ids", `{ nodes(ids: [` + ids(100) + `]) { id } }`, nil, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc := load(t, tt.query)
			// Coerced as gqlgen coerces them: lists of input objects
			// arrive typed ([]map[string]any), not as []any.
			vars, gerr := validator.VariableValues(testSchema, doc.Operations[0], tt.vars)
			if gerr != nil {
				t.Fatalf("variables: %v", gerr)
			}
			err := Limits{}.check(testSchema, doc, doc.Operations[0], vars)
			switch {
			case tt.field == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.field == "":
			case err == nil:
				t.Errorf("accepted, want BAD_USER_INPUT at %s", tt.field)
			case err.Extensions["code"] != string(apierror.BadUserInput) || err.Extensions["field"] != tt.field || !strings.Contains(err.Message, tt.text):
				t.Errorf("got %v %v %q, want BAD_USER_INPUT %s %q", err.Extensions["code"], err.Extensions["field"], err.Message, tt.field, tt.text)
			case len(err.Message) > 600:
				t.Errorf("message echoes the input: %d bytes", len(err.Message))
			}
		})
	}
}

// aliasesOf asks for field n times under different aliases.
func aliasesOf(n int, field string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		b.WriteString(" a" + strconv.Itoa(i) + ": " + field)
	}
	return b.String() + " }"
}

// TestFilterCost: filters cost by kind and by has…With depth, so the
// nested edge predicates that ran past the request timeout are refused
// while ordinary dashboard queries keep most of the budget.
func TestFilterCost(t *testing.T) {
	// chain nests the edges (each "has…With:" of the type before it) around
	// inner, as an organizations filter.
	chain := func(inner string, edges ...string) string {
		s := inner
		for i := len(edges) - 1; i >= 0; i-- {
			s = edges[i] + ": {" + s + "}"
		}
		return `{ organizations(where: {` + s + `}) { totalCount } }`
	}
	const (
		e, p, k = FilterEdgeCost, FilterPatternCost, FilterEdgeFactor
		base    = 1 + DefaultPageSize // organizations { totalCount }
	)
	for _, tt := range []struct {
		name    string
		query   string
		want    int  // complexity, 0: not checked
		refused bool // QUERY_TOO_COMPLEX under the default limits
		// ordinary dashboard queries must keep half the budget.
		ordinary bool
	}{
		{"one comparison", chain(`name: "a"`), base + 1, false, false},
		{"one pattern", chain(`nameContains: "a"`), base + p, false, false},
		{"list values count", chain(`nameIn: ["a", "b", "c"]`), base + 3, false, false},
		{"hasX", chain(`hasProjects: true`), base + e, false, false},
		{"one level with a pattern", chain(`nameContains: "a"`, "hasProjectsWith"), base + e + k*p, false, false},
		{"two levels of comparisons", chain(`stage: DESIGN`, "hasActivitiesWith", "hasProjectWith"), base + e + k*(e+k*1), false, false},
		{"two levels with a pattern", chain(`nameContains: "暖"`, "hasActivitiesWith", "hasProjectWith"), base + e + k*(e+k*p), true, false},
		{"three levels of comparisons", chain(`code: "330411"`, "hasActivitiesWith", "hasRegionWith", "hasParentWith"), base + e + k*(e+k*(e+k*1)), true, false},
		{"three levels with a pattern", chain(`nameContains: "暖"`, "hasActivitiesWith", "hasOrganizationWith", "hasProjectsWith"), base + e + k*(e+k*(e+k*p)), true, false},
		{"four levels, the issue's shape", chain(`nameContains: "暖"`, "hasActivitiesWith", "hasRegionWith", "hasOrganizationsWith", "hasProjectsWith"), 0, true, false},
		{"four levels of a bare id", chain(`id: "x"`, "hasActivitiesWith", "hasProjectWith", "hasActivitiesWith", "hasOrganizationWith"), 0, true, false},
		{"and/or/not add up without a factor", `{ organizations(where: {or: [{nameContains: "a"}, {not: {nameHasPrefix: "b"}}], and: [{name: "c"}]}) { totalCount } }`, base + p + p + 1, false, false},
		{"several has…With in one level share the factor", chain(`nameContains: "a", hasProjectsWith: [{nameContains: "b"}, {stage: DESIGN}]`), base + p + e + k*(p+1), false, false},
		{"a filter under a page counts per parent", `{ regions(first: 10) { edges { node { organizations(where: {hasProjectsWith: {nameContains: "a"}}) { totalCount } } } } }`,
			1 + 10*(1+(1+(1+(e+k*p)+20))), false, false},
		{"nodes counts per id", `{ nodes(ids: ["a", "b", "c"]) { id } }`, 1 + 3, false, false},
		{"three aliases of two levels", aliasesOf(3, `organizations(where: {hasActivitiesWith: {hasProjectWith: {stage: DESIGN}}}) { totalCount }`), 3 * (base + e + k*(e+k*1)), false, false},
		{"four aliases of two levels", aliasesOf(4, `organizations(where: {hasActivitiesWith: {hasProjectWith: {stage: DESIGN}}}) { totalCount }`), 4 * (base + e + k*(e+k*1)), true, false},
		// Ordinary dashboard queries.
		{"README example", `{ organizations(where: {nameContains: "孝慈"}) { totalCount edges { node { name kind region { name } projects { totalCount } } } } }`, 0, false, true},
		{"a town's activities in a month with their organisations", `{ activities(first: 50, where: {startsAtGTE: "2026-01-01T00:00:00+08:00", startsAtLT: "2026-02-01T00:00:00+08:00", hasRegionWith: {hasParentWith: {code: "330411104"}}}) {
			totalCount edges { node { title startsAt organization { name } project { name } region { name } } } } }`, 0, false, true},
		{"projects of a domain led in a town", `{ projects(first: 20, where: {hasDomainsWith: {code: "elderly-care"}, hasOrganizationsWith: {hasRegionWith: {code: "330411104"}}}) {
			edges { node { name stage organizations(first: 5) { edges { node { name } } } } } } }`, 0, false, true},
		{"needs open in a town by name", `{ needs(first: 50, where: {titleContains: "助餐", hasRegionWith: {or: [{code: "330411104"}, {hasParentWith: {code: "330411104"}}]}}) { totalCount edges { node { title urgency } } } }`, 0, false, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc := load(t, tt.query)
			w := newWalker(testSchema, map[string]any{})
			m := w.selections(doc.Operations[0].SelectionSet)
			if w.inputErr != nil {
				t.Fatalf("input refused: %v", w.inputErr)
			}
			if tt.want != 0 && m.Complexity != tt.want {
				t.Errorf("complexity %d, want %d", m.Complexity, tt.want)
			}
			err := Limits{}.check(testSchema, doc, doc.Operations[0], map[string]any{})
			switch {
			case tt.refused && (err == nil || err.Extensions["code"] != string(apierror.QueryTooComplex)):
				t.Errorf("complexity %d accepted or refused otherwise (%v), want QUERY_TOO_COMPLEX", m.Complexity, err)
			case !tt.refused && err != nil:
				t.Errorf("refused: %v", err)
			case tt.ordinary && m.Complexity > DefaultMaxComplexity/2:
				t.Errorf("complexity %d: an ordinary query should keep half the budget of %d", m.Complexity, DefaultMaxComplexity)
			}
			t.Logf("complexity %d", m.Complexity)
		})
	}
}
