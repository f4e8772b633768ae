// Package model holds the GraphQL types gqlgen generates because no ent or
// domain type backs them. Today there are none (the AccessLevel enum is
// bound to package access in gqlgen.yml), so gqlgen writes no
// models_gen.go; the package stays as the place gqlgen.yml names for them.
package model
