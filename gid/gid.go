// Package gid encodes ent's integer ids as opaque Relay global IDs.
//
// Ent's global-id feature already makes every integer id unique across
// tables (each table owns a 1<<32 range), so the GraphQL ID only has to hide
// the integer: clients must not do arithmetic on ids or guess neighbours, and
// the encoding leaves room to change the storage key later.
package gid

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
)

const prefix = "tx1:"

// ErrInvalid is returned for an ID that was not issued by this server.
var ErrInvalid = errors.New("invalid ID")

// Encode returns the opaque global ID of an ent id.
func Encode(id int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(prefix + strconv.Itoa(id)))
}

// Decode returns the ent id of an opaque global ID.
func Decode(s string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(raw), prefix) {
		return 0, ErrInvalid
	}
	digits := string(raw[len(prefix):])
	id, err := strconv.Atoi(digits)
	// Only the canonical form: "tx1:048", "tx1:+48" or base64 with stray
	// padding bits would be a second spelling of the same node, which breaks
	// caching and equality on IDs.
	if err != nil || id <= 0 || strconv.Itoa(id) != digits || Encode(id) != s {
		return 0, ErrInvalid
	}
	return id, nil
}

// MarshalID writes an ent id as a GraphQL ID.
func MarshalID(id int) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(Encode(id)))
	})
}

// UnmarshalID reads a GraphQL ID into an ent id.
func UnmarshalID(v any) (int, error) {
	s, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf("%w: must be a string", ErrInvalid)
	}
	return Decode(s)
}
