package graph

import (
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tongxing/tongxing/access"
	"github.com/tongxing/tongxing/auth"
)

// roleReads restates docs/security.md's roles table for values compared on
// rows the caller may not see (filters, orderings): the test's own copy,
// so that a change to readsLevel must be a change to the documented rules.
var roleReads = map[string]map[access.Level]bool{
	"anonymous": {access.Public: true},
	"PARTNER":   {access.Public: true, access.Key: true, access.Pseudonym: true},
	"REVIEWER":  {access.Public: true, access.Key: true, access.Identifier: true},
	"EDITOR":    {access.Public: true, access.Key: true, access.Identifier: true},
	"ADMIN": {access.Public: true, access.Key: true, access.Identifier: true, access.Personal: true,
		access.Phone: true, access.Case: true, access.Admin: true},
}

var roleViewers = map[string]*auth.Viewer{
	"anonymous": nil,
	"PARTNER":   {Role: auth.RolePartner, OrganizationID: 1, Scope: []int{1}},
	"REVIEWER":  {Role: auth.RoleReviewer, OrganizationID: 1, Scope: []int{1}},
	"EDITOR":    {Role: auth.RoleEditor, OrganizationID: 1, Scope: []int{1}},
	"ADMIN":     {Role: auth.RoleAdmin},
}

// reachableFilters walks the schema from Query as role: through every field
// the role may read, into every type whose rows it may read, collecting the
// where-input fields and order-field values it can send. Edge predicates are
// followed into the where input of the type they reach.
func reachableFilters(t *testing.T, a accessControl, role string) (where map[string][]string, order map[string][]string) {
	t.Helper()
	reads := roleReads[role]
	where, order = map[string][]string{}, map[string][]string{}
	seenType := map[string]bool{}
	var walkInput func(name string)
	walkInput = func(name string) {
		if _, done := where[name]; done {
			return
		}
		def := testSchema.Types[name]
		where[name] = nil
		for _, f := range def.Fields {
			where[name] = append(where[name], f.Name)
			if in := testSchema.Types[f.Type.Name()]; in != nil && in.Kind == ast.InputObject && strings.HasSuffix(in.Name, "WhereInput") {
				walkInput(in.Name)
			}
		}
	}
	var walkType func(name string)
	walkType = func(name string) {
		def := testSchema.Types[name]
		if def == nil || seenType[name] || strings.HasPrefix(name, "__") {
			return
		}
		seenType[name] = true
		switch def.Kind {
		case ast.Interface, ast.Union:
			for _, impl := range testSchema.GetPossibleTypes(def) {
				walkType(impl.Name)
			}
			return
		case ast.Object:
		default:
			return
		}
		if !reads[a.table.Level(name, "")] {
			return
		}
		for _, f := range def.Fields {
			if !reads[a.table.Level(name, f.Name)] {
				continue
			}
			// A connection of rows the role may not read is not a door.
			if node := nodeType(testSchema, f.Type.Name()); node != f.Type.Name() && !reads[a.table.Level(node, "")] {
				continue
			}
			for _, arg := range f.Arguments {
				typ := arg.Type.Name()
				switch {
				case arg.Name == "where":
					walkInput(typ)
				case arg.Name == "orderBy":
					in := testSchema.Types[typ]
					enum := in.Fields.ForName("field").Type.Name()
					for _, v := range testSchema.Types[enum].EnumValues {
						order[enum] = append(order[enum], v.Name)
					}
				}
			}
			walkType(f.Type.Name())
		}
	}
	walkType("Query")
	return where, order
}

// Every filter and ordering reachable from the query root is one the role
// may read, or one the run-time guard refuses it; for anonymous callers,
// every reachable one is public (the inputs hold nothing else).
func TestEveryReachableFilterIsReadable(t *testing.T) {
	a := newAccessControl(testSchema, nil, nil)
	for role := range roleReads {
		t.Run(role, func(t *testing.T) {
			v := roleViewers[role]
			where, order := reachableFilters(t, a, role)
			if len(where) == 0 {
				t.Fatal("no where input reachable: the walk is broken")
			}
			var bad []string
			check := func(what string, target filterTarget) {
				readable := roleReads[role][a.table.Level(target.object, target.field)] &&
					(target.edgeTo == "" || roleReads[role][a.table.Level(target.edgeTo, "")])
				refused := a.mayCompare(v, target) != nil
				switch {
				case role == "anonymous" && !readable:
					bad = append(bad, what+" is in an input anonymous callers can use")
				case !readable && !refused:
					bad = append(bad, what+" is not readable by the role, and not refused")
				case readable && refused:
					bad = append(bad, what+" is readable by the role, but refused")
				}
			}
			for input, fields := range where {
				for _, f := range fields {
					if f == "not" || f == "and" || f == "or" {
						continue
					}
					target, ok := a.filters.where[input][f]
					if !ok {
						bad = append(bad, input+"."+f+" is unknown to the filter table")
						continue
					}
					check(input+"."+f, target)
				}
			}
			for enum, values := range order {
				for _, val := range values {
					check(enum+"."+val, a.filters.order[enum][val])
				}
			}
			sort.Strings(bad)
			for _, b := range bad {
				t.Error(b)
			}
			if role == "anonymous" {
				for _, restricted := range []string{"PersonWhereInput", "MembershipWhereInput", "ServiceRecordWhereInput", "CertificateWhereInput"} {
					if _, ok := where[restricted]; ok {
						t.Errorf("%s is reachable anonymously", restricted)
					}
				}
			}
		})
	}
}

// Every input field of every where input names a real field or edge of its
// type, so no filter falls back to a guess.
func TestFilterTableKnowsEveryInput(t *testing.T) {
	a := newAccessControl(testSchema, nil, nil)
	for name, def := range testSchema.Types {
		if def.Kind != ast.InputObject || !strings.HasSuffix(name, "WhereInput") {
			continue
		}
		fields, ok := a.filters.where[name]
		if !ok {
			t.Errorf("%s is not in the filter table", name)
			continue
		}
		for _, f := range def.Fields {
			if f.Name == "not" || f.Name == "and" || f.Name == "or" {
				continue
			}
			target := fields[f.Name]
			if testSchema.Types[target.object].Fields.ForName(target.field) == nil {
				t.Errorf("%s.%s compares %s.%q, which is not a field", name, f.Name, target.object, target.field)
			}
		}
	}
	for enum, values := range a.filters.order {
		for v, target := range values {
			if testSchema.Types[target.object].Fields.ForName(target.field) == nil {
				t.Errorf("%s.%s sorts on %s.%q, which is not a field", enum, v, target.object, target.field)
			}
		}
	}
}

// The run-time guard refuses a filter on a value the caller may not read,
// with the code of the missing permission.
func TestReadsLevel(t *testing.T) {
	for _, tc := range []struct {
		role  string
		level access.Level
		want  error
	}{
		{"anonymous", access.Public, nil},
		{"anonymous", access.Key, auth.ErrUnauthenticated},
		{"anonymous", access.Personal, auth.ErrUnauthenticated},
		{"PARTNER", access.Identifier, auth.ErrForbidden},
		{"PARTNER", access.Pseudonym, nil},
		{"REVIEWER", access.Pseudonym, auth.ErrForbidden},
		{"EDITOR", access.Personal, auth.ErrForbidden},
		{"EDITOR", access.Phone, auth.ErrForbidden},
		{"EDITOR", access.Case, auth.ErrForbidden},
		{"EDITOR", access.Admin, auth.ErrForbidden},
		{"EDITOR", access.Private, auth.ErrForbidden},
		{"ADMIN", access.Personal, nil},
		{"ADMIN", access.Private, auth.ErrForbidden},
	} {
		if got := readsLevel(roleViewers[tc.role], tc.level); !errors.Is(got, tc.want) || (tc.want == nil) != (got == nil) {
			t.Errorf("%s reading %q: %v, want %v", tc.role, tc.level, got, tc.want)
		}
	}
}
