package graph

import (
	"slices"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tongxing/tongxing/access"
)

// The AccessLevel enum (graph/access.graphqls) and package access name the
// same levels in the same order: the schema declares them, the Go code
// enforces them, and a level added to one but not the other would be a
// level nobody enforces (graph/access.go falls through to "forbidden") or
// one the schema cannot use.
func TestAccessLevelsMatchTheSchema(t *testing.T) {
	enum := testSchema.Types["AccessLevel"]
	if enum == nil || enum.Kind != ast.Enum {
		t.Fatal("the schema declares no AccessLevel enum")
	}
	var declared []access.Level
	for _, v := range enum.EnumValues {
		declared = append(declared, access.Level(v.Name))
	}
	if !slices.Equal(declared, access.All) {
		t.Errorf("AccessLevel enum = %v, package access = %v", declared, access.All)
	}
	for _, l := range access.All {
		if !l.IsValid() {
			t.Errorf("%q is in access.All but not valid", l)
		}
	}
	if access.Private.IsValid() {
		t.Error("Private (no declaration) must not be a value of the enum")
	}
}

// Every level written in an @access directive is one of the enum's: the
// schema validator checks directive arguments, and this keeps it so for
// what the access table reads.
func TestAccessTableUsesKnownLevels(t *testing.T) {
	for typ, fields := range NewAccessTable(testSchema) {
		for field, l := range fields {
			if l != access.Private && !l.IsValid() {
				t.Errorf("%s.%s: unknown access level %q", typ, field, l)
			}
		}
	}
}
