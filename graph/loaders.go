package graph

import (
	"context"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/hours"
)

// loaders batch the per-row figures of a page: a page of 100 people asked
// for their verified hours and star level sends two statements, not two
// hundred. They live for one operation and read as its viewer, so a batch
// sees exactly the rows each single read would (the row rules apply to
// the batched query as to the single one).
type loaders struct {
	verifiedMinutes *dataloadgen.Loader[int, int]
	homeRegion      *dataloadgen.Loader[int, string]
}

type loadersKey struct{}

// batchWait is how long a loader waits for the rest of a page's rows:
// gqlgen resolves the rows of a list at once, so they arrive within it.
const batchWait = time.Millisecond

// withLoaders returns ctx with fresh loaders reading through client(ctx):
// the operation's transaction inside a mutation, else the server's client.
func withLoaders(ctx context.Context, client func(context.Context) *ent.Client) context.Context {
	l := &loaders{
		verifiedMinutes: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []int) (map[int]int, error) {
			m, err := hours.VerifiedMinutesOf(ctx, client(ctx), ids)
			return withZeros(ids, m), err
		}, dataloadgen.WithWait(batchWait)),
		homeRegion: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []int) (map[int]string, error) {
			h, err := hours.HomeRegions(ctx, client(ctx), ids)
			return withZeros(ids, h), err
		}, dataloadgen.WithWait(batchWait)),
	}
	return context.WithValue(ctx, loadersKey{}, l)
}

// loadersFrom returns the operation's loaders; outside an operation (a
// resolver called directly) fresh ones.
func (r *Resolver) loadersFrom(ctx context.Context) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	return withLoaders(ctx, r.clientFrom).Value(loadersKey{}).(*loaders)
}

// withZeros gives every key without a row its zero value, which is an
// answer (no verified time, no organisation), not a missing row.
func withZeros[V any](keys []int, m map[int]V) map[int]V {
	if m == nil {
		m = map[int]V{}
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			var zero V
			m[k] = zero
		}
	}
	return m
}
