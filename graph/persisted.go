package graph

import (
	"context"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tongxing/tongxing/auth"
)

// callerPersistedQueries keeps each caller's persisted queries apart. A
// persisted query is found by the hash of its text, and one shared store
// answers anyone who asks whether a text was ever sent: with values written
// into the query (searchPeople(phone: "…")) that tells an anonymous caller
// what staff searched for. Each API key, and anonymous callers together,
// get their own namespace of the one LRU; anonymous callers one each per
// client (auth.Client: an address, or an IPv6 /64), so that one anonymous
// caller cannot learn what another sent either.
type callerPersistedQueries struct {
	graphql.Cache[string]
}

func (c callerPersistedQueries) Get(ctx context.Context, hash string) (string, bool) {
	return c.Cache.Get(ctx, persistedKey(ctx, hash))
}

func (c callerPersistedQueries) Add(ctx context.Context, hash string, query string) {
	c.Cache.Add(ctx, persistedKey(ctx, hash), query)
}

func persistedKey(ctx context.Context, hash string) string {
	v := auth.FromContext(ctx)
	switch {
	case v == nil:
		return "anonymous:" + auth.Client(ctx) + ":" + hash
	case v.KeyID != 0:
		return "key:" + strconv.Itoa(v.KeyID) + ":" + hash
	}
	return "system:" + v.Name + ":" + hash
}
