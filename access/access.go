// Package access names the levels of field-level access control: who may
// read a type or a field. The schema declares them as the AccessLevel enum
// (graph/access.graphqls) and puts them on types and fields with
// @access(level: …); gqlgen binds that enum to Level (gqlgen.yml), so the
// schema, the ent schema (access(…) in ent/schema) and the GraphQL layer's
// enforcement (graph/access.go, graph/filters.go) all spell a level with
// these constants. A test in graph/ fails when this list and the enum
// disagree.
//
// It is a leaf: the ent schema, which runs inside the code generator, must
// be able to import it without pulling in anything that is generated.
package access

import (
	"fmt"
	"io"
	"strconv"
)

// Level is one value of the AccessLevel enum.
type Level string

// The levels, from the widest audience to the narrowest. The enforcement
// lives in graph/access.go; the meaning, repeated in the enum's
// descriptions, is:
const (
	// Private is no declaration at all: nobody reads the field. It is not a
	// value of the enum; a type without @access exposes nothing.
	Private Level = ""
	// Public: anyone, without a key.
	Public Level = "PUBLIC"
	// Key: any valid API key; rows are still limited to the key's scope.
	Key Level = "KEY"
	// Identifier: keys other than PARTNER (partners see pseudonyms instead).
	Identifier Level = "IDENTIFIER"
	// Pseudonym: PARTNER keys only, a stable pseudonym per partner.
	Pseudonym Level = "PSEUDONYM"
	// Personal: ADMIN, or EDITOR of the person's own organisation; null for
	// others. Decided per row.
	Personal Level = "PERSONAL"
	// Phone: as Personal; other keys that may see the person get it masked.
	Phone Level = "PHONE"
	// Case: ADMIN, or EDITOR of the organisation handling the case; null for
	// others. Decided per row.
	Case Level = "CASE"
	// Admin: ADMIN keys only.
	Admin Level = "ADMIN"
	// Volunteer: a VOLUNTEER credential only, on what belongs to its holder
	// (the rows are the holder's by construction: package volunteers reads
	// them). Every other level is closed to that credential but Public.
	Volunteer Level = "VOLUNTEER"
)

// All is every value of the AccessLevel enum, in the schema's order.
var All = []Level{Public, Key, Identifier, Pseudonym, Personal, Phone, Case, Admin, Volunteer}

// IsValid reports whether l is a value of the enum (Private is not).
func (l Level) IsValid() bool {
	for _, v := range All {
		if l == v {
			return true
		}
	}
	return false
}

func (l Level) String() string { return string(l) }

// UnmarshalGQL and MarshalGQL let gqlgen use Level as the enum's model
// without generating a copy of it (graph/model).
func (l *Level) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("access level must be a string, not %T", v)
	}
	if !Level(s).IsValid() {
		return fmt.Errorf("%q is not an access level", s)
	}
	*l = Level(s)
	return nil
}

// MarshalGQL writes the level as a GraphQL enum value (a JSON string).
func (l Level) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(string(l)))
}
