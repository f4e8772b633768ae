package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tongxing/tongxing/access"
)

// TimeMixin gives every entity createdAt and updatedAt. updatedAt is what
// incremental sync (updatedSince) and cache validation key on, so it is
// indexed and orderable everywhere.
type TimeMixin struct {
	mixin.Schema
}

// Fields of the TimeMixin.
func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").
			Default(time.Now).
			Immutable().
			Comment("When the record was created. 记录创建时间。").
			Annotations(
				entgql.OrderField("CREATED_AT"),
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
			),
		field.Time("updated_at").
			Default(time.Now).
			UpdateDefault(time.Now).
			Comment("When the record last changed. 最后修改时间。").
			Annotations(
				entgql.OrderField("UPDATED_AT"),
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
			),
	}
}

// Indexes of the TimeMixin.
func (TimeMixin) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("updated_at"),
	}
}

// dateField is a calendar date (no time of day) exposed as the GraphQL Date scalar.
func dateField(name, comment string) ent.Field {
	return field.Time(name).
		Optional().
		Nillable().
		Comment(comment).
		Annotations(entgql.Type("Date"))
}

// accessLevel declares who may read a type or field (package access; the
// enum is declared in graph/access.graphqls).
// On a field whose level is narrower than its type's (personal data, case
// details), it also keeps the field out of the where and order inputs:
// filtering or sorting on a value is reading it, and a field readable only
// on some rows of a type cannot be offered to everyone who reads the type
// (docs/security.md, "Filters are reads").
func accessLevel(level access.Level) entgql.Annotation {
	a := entgql.Directives(entgql.NewDirective("access",
		&ast.Argument{Name: "level", Value: &ast.Value{Kind: ast.EnumValue, Raw: string(level)}}))
	switch level {
	case access.Personal, access.Phone, access.Case, access.Pseudonym:
		a.Skip = entgql.SkipWhereInput | entgql.SkipOrderField
	}
	return a
}

// notFilterable keeps a field or edge out of the where inputs. Edges from a
// public type into a restricted one carry it: their has…With predicates
// would run as subqueries beyond the restricted type's row rules, answering
// anonymous callers questions about people through counts.
func notFilterable() entgql.Annotation {
	return entgql.Skip(entgql.SkipWhereInput)
}
