package graph

import (
	"context"
	"reflect"
	"strings"
	"unicode"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/policy"
)

// Filters are reads (docs/security.md, "Filters are reads"): a caller who
// may filter or sort on a value learns it, one comparison at a time,
// through which rows come back or how many. Two guards keep every where and
// orderBy input within what the caller may read:
//
//   - statically, fields narrower than their type (personal data, case
//     details) and edges from public types into restricted ones are not in
//     the inputs at all (ent/schema: access, notFilterable);
//   - at run time (this file), each input field used is checked against the
//     caller's level for the field it compares, and every has…With edge
//     predicate into a restricted type is narrowed by that type's row rule
//     (policy.PeopleRows and its siblings), because it runs as an SQL
//     subquery that the type's own query policy never sees.

// filterTarget is what one where-input field compares: a field of an object
// type, or an edge into another type.
type filterTarget struct {
	object, field string
	// edgeTo is the type an edge predicate (hasX, hasXWith) reaches.
	edgeTo string
}

// filterTable maps where-input type and input field to its target, and
// order-field enum and value to the field it sorts on. It is built from the
// schema, like the AccessTable, so a new field is covered the day it is
// generated.
type filterTable struct {
	where map[string]map[string]filterTarget
	order map[string]map[string]filterTarget
}

// Operator suffixes entgql appends to a field's name in a where input,
// longest first so that "NotNil" is not read as "Nil".
var filterOps = []string{"ContainsFold", "EqualFold", "HasPrefix", "HasSuffix", "Contains",
	"NotNil", "IsNil", "NotIn", "NEQ", "GTE", "LTE", "In", "GT", "LT"}

func newFilterTable(schema *ast.Schema) filterTable {
	t := filterTable{where: map[string]map[string]filterTarget{}, order: map[string]map[string]filterTarget{}}
	for name, def := range schema.Types {
		switch {
		case def.Kind == ast.InputObject && strings.HasSuffix(name, "WhereInput"):
			obj := schema.Types[strings.TrimSuffix(name, "WhereInput")]
			if obj == nil {
				continue
			}
			fields := map[string]filterTarget{}
			for _, in := range def.Fields {
				if tgt, ok := whereTarget(schema, obj, in.Name); ok {
					fields[in.Name] = tgt
				}
			}
			t.where[name] = fields
		case def.Kind == ast.Enum && strings.HasSuffix(name, "OrderField"):
			obj := schema.Types[strings.TrimSuffix(name, "OrderField")]
			if obj == nil {
				continue
			}
			values := map[string]filterTarget{}
			for _, v := range def.EnumValues {
				values[v.Name] = filterTarget{object: obj.Name, field: camelFromEnum(v.Name)}
			}
			t.order[name] = values
		}
	}
	return t
}

// whereTarget finds the object field (or edge) an input field compares.
func whereTarget(schema *ast.Schema, obj *ast.Definition, input string) (filterTarget, bool) {
	switch input {
	case "not", "and", "or":
		return filterTarget{}, false
	}
	if rest, ok := strings.CutPrefix(input, "has"); ok && rest != "" && unicode.IsUpper(rune(rest[0])) {
		edge := strings.TrimSuffix(rest, "With")
		edge = strings.ToLower(edge[:1]) + edge[1:]
		if f := obj.Fields.ForName(edge); f != nil {
			return filterTarget{object: obj.Name, field: edge, edgeTo: nodeType(schema, f.Type.Name())}, true
		}
	}
	name := input
	for _, op := range filterOps {
		if base, ok := strings.CutSuffix(input, op); ok && obj.Fields.ForName(base) != nil {
			name = base
			break
		}
	}
	// Fields entgql filters on but GraphQL does not show (none today) get
	// the type's level through an empty field name.
	return filterTarget{object: obj.Name, field: name}, true
}

// nodeType is the type a connection lists, or typ itself.
func nodeType(schema *ast.Schema, typ string) string {
	if base, ok := strings.CutSuffix(typ, "Connection"); ok && schema.Types[base] != nil {
		return base
	}
	return typ
}

// camelFromEnum turns an order-field enum value (VOLUNTEER_NUMBER) into the
// field it sorts on (volunteerNumber).
func camelFromEnum(v string) string {
	parts := strings.Split(strings.ToLower(v), "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// guardFilters checks the where and orderBy arguments of the field being
// resolved and narrows its edge predicates. It runs before the resolver,
// so a refused filter never reaches the database.
func (a accessControl) guardFilters(ctx context.Context, fc *graphql.FieldContext) error {
	if len(fc.Args) == 0 {
		return nil
	}
	v := auth.FromContext(ctx)
	if w, ok := fc.Args["where"]; ok {
		if err := a.guardWhere(v, reflect.ValueOf(w)); err != nil {
			return err
		}
	}
	if o, ok := fc.Args["orderBy"]; ok {
		if err := a.guardOrder(v, reflect.ValueOf(o)); err != nil {
			return err
		}
	}
	return nil
}

// mayCompare decides whether v may filter or sort on what target compares:
// the field's level, and for an edge the level of the type it reaches.
func (a accessControl) mayCompare(v *auth.Viewer, t filterTarget) error {
	if err := readsLevel(v, a.table.Level(t.object, t.field)); err != nil {
		return err
	}
	if t.edgeTo != "" {
		return readsLevel(v, a.table.Level(t.edgeTo, ""))
	}
	return nil
}

// guardWhere walks a where input (a pointer to an ent …WhereInput, or a
// slice of them), checking each field set and narrowing edge predicates.
func (a accessControl) guardWhere(v *auth.Viewer, w reflect.Value) error {
	switch w.Kind() {
	case reflect.Slice:
		for i := 0; i < w.Len(); i++ {
			if err := a.guardWhere(v, w.Index(i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Pointer, reflect.Interface:
		if w.IsNil() {
			return nil
		}
		if w.Kind() == reflect.Interface {
			return a.guardWhere(v, w.Elem())
		}
	default:
		return nil
	}
	typ := w.Elem().Type()
	if typ.Kind() != reflect.Struct {
		return nil
	}
	fields, known := a.filters.where[typ.Name()]
	if !known {
		// A where input the table does not know cannot be judged: only
		// those who read everything may use it. TestFilterTableKnowsEveryInput
		// keeps this branch unreachable.
		if v.Admin() {
			return nil
		}
		return auth.ErrForbidden
	}
	s := w.Elem()
	for i := 0; i < s.NumField(); i++ {
		sf := typ.Field(i)
		val := s.Field(i)
		if !sf.IsExported() || val.IsZero() {
			continue
		}
		name := jsonName(sf)
		switch name {
		case "-":
			continue
		case "not", "and", "or":
			if err := a.guardWhere(v, val); err != nil {
				return err
			}
			continue
		}
		target, ok := fields[name]
		if !ok {
			// Not in the GraphQL input: nothing a client can set.
			continue
		}
		if err := a.mayCompare(v, target); err != nil {
			return err
		}
		if target.edgeTo == "" {
			continue
		}
		if err := narrowEdge(v, s, sf, val); err != nil {
			return err
		}
		if val.Kind() == reflect.Slice {
			if err := a.guardWhere(v, val); err != nil {
				return err
			}
		}
	}
	return nil
}

// narrowEdge applies the row rule of a restricted type inside an edge
// predicate. hasX: true|false becomes hasXWith: [{}] (or its negation) so
// that existence, too, is judged on readable rows only.
func narrowEdge(v *auth.Viewer, parent reflect.Value, sf reflect.StructField, val reflect.Value) error {
	if val.Kind() == reflect.Slice {
		for i := 0; i < val.Len(); i++ {
			if err := restrictRows(v, val.Index(i).Interface()); err != nil {
				return err
			}
		}
		return nil
	}
	// hasX *bool: only restricted types need the rewrite.
	with := parent.FieldByName(sf.Name + "With")
	if !with.IsValid() || with.Kind() != reflect.Slice {
		return nil
	}
	probe := reflect.New(with.Type().Elem().Elem())
	if !restricted(probe.Interface()) {
		return nil
	}
	if err := restrictRows(v, probe.Interface()); err != nil {
		return err
	}
	if probe.Elem().FieldByName("Predicates").Len() == 0 {
		return nil // the viewer reads every row: hasX means what it says
	}
	exists := val.Elem().Bool()
	val.Set(reflect.Zero(val.Type()))
	if exists {
		with.Set(reflect.Append(with, probe))
		return nil
	}
	// hasX: false — not (hasXWith: [{}]), added beside whatever else the
	// input says.
	neg := reflect.New(parent.Type())
	inner := reflect.New(parent.Type())
	iw := inner.Elem().FieldByName(sf.Name + "With")
	iw.Set(reflect.Append(iw, probe))
	neg.Elem().FieldByName("Not").Set(inner)
	and := parent.FieldByName("And")
	and.Set(reflect.Append(and, neg))
	return nil
}

// rowRules holds, per restricted type's where input, how to narrow it to
// the rows the viewer may read; the rules themselves live in policy.
var rowRules = map[reflect.Type]func(*auth.Viewer, any) error{
	reflect.TypeOf(&ent.PersonWhereInput{}):        narrowWith(policy.PeopleRows, (*ent.PersonWhereInput).AddPredicates),
	reflect.TypeOf(&ent.MembershipWhereInput{}):    narrowWith(policy.MembershipRows, (*ent.MembershipWhereInput).AddPredicates),
	reflect.TypeOf(&ent.ServiceRecordWhereInput{}): narrowWith(policy.ServiceRecordRows, (*ent.ServiceRecordWhereInput).AddPredicates),
	reflect.TypeOf(&ent.CertificateWhereInput{}):   narrowWith(policy.CertificateRows, (*ent.CertificateWhereInput).AddPredicates),
	// Needs are public, but those concerning children are not (NeedRows):
	// regions(where:{hasNeedsWith:…}) must not count them per village.
	reflect.TypeOf(&ent.NeedWhereInput{}): narrowWith(policy.NeedRows, (*ent.NeedWhereInput).AddPredicates),
}

func restricted(w any) bool {
	_, ok := rowRules[reflect.TypeOf(w)]
	return ok
}

func restrictRows(v *auth.Viewer, w any) error {
	if rule, ok := rowRules[reflect.TypeOf(w)]; ok {
		return rule(v, w)
	}
	return nil
}

func narrowWith[W any, P any](rows func(*auth.Viewer) (P, error), add func(W, ...P)) func(*auth.Viewer, any) error {
	return func(v *auth.Viewer, w any) error {
		p, err := rows(v)
		if err != nil {
			return err
		}
		if rv := reflect.ValueOf(p); rv.IsValid() && !rv.IsNil() {
			add(w.(W), p)
		}
		return nil
	}
}

// guardOrder checks an orderBy argument: one …Order or a list of them.
func (a accessControl) guardOrder(v *auth.Viewer, o reflect.Value) error {
	switch o.Kind() {
	case reflect.Slice:
		for i := 0; i < o.Len(); i++ {
			if err := a.guardOrder(v, o.Index(i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Pointer, reflect.Interface:
		if o.IsNil() {
			return nil
		}
		return a.guardOrder(v, o.Elem())
	case reflect.Struct:
	default:
		return nil
	}
	f := o.FieldByName("Field")
	if !f.IsValid() || (f.Kind() == reflect.Pointer && f.IsNil()) {
		return nil
	}
	named, ok := f.Interface().(interface{ String() string })
	if !ok {
		return nil
	}
	enum := reflect.Indirect(f).Type().Name()
	target, ok := a.filters.order[enum][named.String()]
	if !ok {
		target = filterTarget{object: strings.TrimSuffix(enum, "OrderField")}
	}
	return a.mayCompare(v, target)
}

func jsonName(sf reflect.StructField) string {
	tag := sf.Tag.Get("json")
	if tag == "" {
		return sf.Name
	}
	name, _, _ := strings.Cut(tag, ",")
	return name
}
