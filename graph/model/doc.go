// Package model holds the GraphQL types gqlgen generates because no ent or
// domain type backs them (for now, only enums of the schema's own).
package model
