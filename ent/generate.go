// Package ent holds the ent client generated from ./schema.
package ent

//go:generate go run -mod=mod entc.go
