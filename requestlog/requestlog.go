// Package requestlog carries what a request's access-log line and metrics
// say about it from the layers that learn it (the key's role in the
// server, the GraphQL operation and error code in graph) back out to the
// middleware that writes the line, which runs before either knows it.
// It holds no personal data by construction: roles, key ids, operation
// names as GraphQL spells them, and error codes.
package requestlog

import (
	"context"
	"sync"
)

// Fields is one request's record. The zero value is empty; use it through
// NewContext and From.
type Fields struct {
	mu            sync.Mutex
	role          string
	keyID         int
	operation     string
	operationType string
	code          string
}

type ctxKey struct{}

// NewContext returns ctx carrying a new, empty record, and the record.
func NewContext(ctx context.Context) (context.Context, *Fields) {
	f := &Fields{}
	return context.WithValue(ctx, ctxKey{}, f), f
}

// From is the request's record, or nil outside a logged request; every
// setter accepts nil, so callers need not check.
func From(ctx context.Context) *Fields {
	f, _ := ctx.Value(ctxKey{}).(*Fields)
	return f
}

// SetCaller records the key that made the request.
func (f *Fields) SetCaller(role string, keyID int) {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.role, f.keyID = role, keyID
}

// SetOperation records the GraphQL operation executed: its name (a
// GraphQL name, or "" for an anonymous operation) and type (query,
// mutation).
func (f *Fields) SetOperation(name, typ string) {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.operation, f.operationType = name, typ
}

// SetCode records the error code the request answered with; the first one
// set stands (a response's first error).
func (f *Fields) SetCode(code string) {
	if f == nil || code == "" {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.code == "" {
		f.code = code
	}
}

// Snapshot is a copy of the record's values.
type Snapshot struct {
	Role          string
	KeyID         int
	Operation     string
	OperationType string
	Code          string
}

// Snapshot copies the record (the zero Snapshot for nil).
func (f *Fields) Snapshot() Snapshot {
	if f == nil {
		return Snapshot{}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return Snapshot{Role: f.role, KeyID: f.keyID, Operation: f.operation, OperationType: f.operationType, Code: f.code}
}
