package graph

import (
	"context"
	"slices"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/hours"
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
	client func(context.Context) *ent.Client
	pages  sync.Map // page (*graphql.FieldContext) → *pageFigures
}

// pageFigures are the figures of one page's people, each read once.
type pageFigures struct {
	ids []int

	minutesOnce sync.Once
	minutes     map[int]int
	minutesErr  error

	homesOnce sync.Once
	homes     map[int]string
	homesErr  error
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

// page returns the figures of the page person id is on.
func (l *loaders) page(ctx context.Context, id int) *pageFigures {
	key, ids := peoplePage(ctx)
	if key == nil || !slices.Contains(ids, id) {
		// Alone, or reached from a page of other people (a person's
		// memberships' people): not that page's figures.
		return &pageFigures{ids: []int{id}}
	}
	v, _ := l.pages.LoadOrStore(key, &pageFigures{ids: ids})
	return v.(*pageFigures)
}

// verifiedMinutes is hours.VerifiedMinutes of person id, read for its page.
func (l *loaders) verifiedMinutes(ctx context.Context, id int) (int, error) {
	p := l.page(ctx, id)
	p.minutesOnce.Do(func() { p.minutes, p.minutesErr = hours.VerifiedMinutesOf(ctx, l.client(ctx), p.ids) })
	return p.minutes[id], p.minutesErr
}

// homeRegion is hours.HomeRegion of person id, read for its page.
func (l *loaders) homeRegion(ctx context.Context, id int) (string, error) {
	p := l.page(ctx, id)
	p.homesOnce.Do(func() { p.homes, p.homesErr = hours.HomeRegions(ctx, l.client(ctx), p.ids) })
	return p.homes[id], p.homesErr
}

// peoplePage finds the list the person being resolved came in: the
// nearest enclosing field whose result is a page of people (a connection's
// edges, or a plain list), and the ids on it.
func peoplePage(ctx context.Context) (*graphql.FieldContext, []int) {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		switch page := fc.Result.(type) {
		case []*ent.PersonEdge:
			ids := make([]int, 0, len(page))
			for _, e := range page {
				if e != nil && e.Node != nil {
					ids = append(ids, e.Node.ID)
				}
			}
			return fc, ids
		case []*ent.Person:
			ids := make([]int, 0, len(page))
			for _, p := range page {
				if p != nil {
					ids = append(ids, p.ID)
				}
			}
			return fc, ids
		}
	}
	return nil, nil
}
