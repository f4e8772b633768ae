package graph

import (
	"context"
	"slices"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/hours"
	"github.com/tongxing/tongxing/results"
)

// loaders fetch the per-row figures of a page for the whole page at once: a
// page of 100 people asked for their verified hours and star level sends
// the same statements as a page of two, not two hundred. The page is the
// list the row came in (found through gqlgen's field contexts), so the
// batch is exactly the page, whatever the timing of the goroutines gqlgen
// resolves it with; a row outside any list (node(id:)) is fetched alone.
// Loaders live for one operation and read as its viewer, so a batch sees
// exactly the rows each single read would (the row rules apply to the
// batched query as to the single one).
type loaders struct {
	client   func(context.Context) *ent.Client
	minutes  sync.Map // page (*graphql.FieldContext) → *batch[int]
	homes    sync.Map // page → *batch[string]
	projects sync.Map // page → *batch[results.ProjectSums]
}

// batch is one figure of one page's rows, read once for all of them.
type batch[V any] struct {
	ids    []int
	once   sync.Once
	values map[int]V
	err    error
}

// pageValue returns row id's value from the batch of the page it came in
// (pageIDs recognises the page), reading the page's values with read the
// first time. A row alone, or reached from a page of other rows (a
// person's memberships' people), is read alone.
func pageValue[V any](ctx context.Context, batches *sync.Map, id int, pageIDs func(any) ([]int, bool),
	read func(ids []int) (map[int]V, error)) (V, error) {
	b := &batch[V]{ids: []int{id}}
	if key, ids := enclosingPage(ctx, pageIDs); key != nil && slices.Contains(ids, id) {
		v, _ := batches.LoadOrStore(key, &batch[V]{ids: ids})
		b = v.(*batch[V])
	}
	b.once.Do(func() { b.values, b.err = read(b.ids) })
	return b.values[id], b.err
}

type loadersKey struct{}

// withLoaders returns ctx with fresh loaders reading through client(ctx):
// the operation's transaction inside a mutation, else the server's client.
func withLoaders(ctx context.Context, client func(context.Context) *ent.Client) context.Context {
	return context.WithValue(ctx, loadersKey{}, &loaders{client: client})
}

// loadersFrom returns the operation's loaders; outside an operation (a
// resolver called directly) fresh ones.
func (r *Resolver) loadersFrom(ctx context.Context) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	return &loaders{client: r.clientFrom}
}

// verifiedMinutes is hours.VerifiedMinutes of person id, read for its page.
func (l *loaders) verifiedMinutes(ctx context.Context, id int) (int, error) {
	return pageValue(ctx, &l.minutes, id, personIDs, func(ids []int) (map[int]int, error) {
		return hours.VerifiedMinutesOf(ctx, l.client(ctx), ids)
	})
}

// homeRegion is hours.HomeRegion of person id, read for its page.
func (l *loaders) homeRegion(ctx context.Context, id int) (string, error) {
	return pageValue(ctx, &l.homes, id, personIDs, func(ids []int) (map[int]string, error) {
		return hours.HomeRegions(ctx, l.client(ctx), ids)
	})
}

// projectSums is results.ProjectHoursOf of project id, read for its page.
func (l *loaders) projectSums(ctx context.Context, id int) (results.ProjectSums, error) {
	return pageValue(ctx, &l.projects, id, projectIDs, func(ids []int) (map[int]results.ProjectSums, error) {
		return results.ProjectHoursOf(ctx, l.client(ctx), ids)
	})
}

// projectSums reads project id's exact figures for its page (for
// results.Figures.ProjectFigures).
func (r *Resolver) projectSums(ctx context.Context, id int) func() (results.ProjectSums, error) {
	return func() (results.ProjectSums, error) { return r.loadersFrom(ctx).projectSums(ctx, id) }
}

// enclosingPage finds the list the row being resolved came in: the nearest
// enclosing field whose result ids recognises as a page (a connection's
// edges, or a plain list), and the ids on it.
func enclosingPage(ctx context.Context, ids func(result any) ([]int, bool)) (*graphql.FieldContext, []int) {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		if page, ok := ids(fc.Result); ok {
			return fc, page
		}
	}
	return nil, nil
}

// personIDs are the people on a page of them.
func personIDs(result any) ([]int, bool) {
	return pageIDs(result, func(e *ent.PersonEdge) *ent.Person { return e.Node }, func(p *ent.Person) int { return p.ID })
}

// projectIDs are the projects on a page of them.
func projectIDs(result any) ([]int, bool) {
	return pageIDs(result, func(e *ent.ProjectEdge) *ent.Project { return e.Node }, func(p *ent.Project) int { return p.ID })
}

// pageIDs are the ids on result when it is a page of nodes N: a
// connection's edges E or a plain list, skipping empty rows.
func pageIDs[E, N any](result any, node func(*E) *N, id func(*N) int) ([]int, bool) {
	var nodes []*N
	switch page := result.(type) {
	case []*E:
		for _, e := range page {
			if e != nil {
				nodes = append(nodes, node(e))
			}
		}
	case []*N:
		nodes = page
	default:
		return nil, false
	}
	ids := make([]int, 0, len(nodes))
	for _, n := range nodes {
		if n != nil {
			ids = append(ids, id(n))
		}
	}
	return ids, true
}
