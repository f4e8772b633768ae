// Package requestid gives every request an id that ties the client's error
// to the server's log lines.
package requestid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"regexp"
)

// Header carries the id in requests (from a trusted proxy) and responses.
const Header = "X-Request-Id"

type key struct{}

var valid = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// New returns a random 16-byte hex id.
func New() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// With returns ctx carrying id.
func With(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, key{}, id)
}

// From returns the request id of ctx, or "".
func From(ctx context.Context) string {
	id, _ := ctx.Value(key{}).(string)
	return id
}

// Middleware makes each request's id and echoes it. It reuses a
// well-formed incoming id only from a caller trusted says is a proxy of
// the deployment: from anyone else, an id of their choosing would land in
// the log and the audit trail, joining unrelated requests under one id or
// carrying whatever text they like.
func Middleware(trusted func(*http.Request) bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(Header)
		if !valid.MatchString(id) || !trusted(r) {
			id = New()
		}
		w.Header().Set(Header, id)
		next.ServeHTTP(w, r.WithContext(With(r.Context(), id)))
	})
}
