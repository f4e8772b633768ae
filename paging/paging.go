// Package paging owns the page-size rules of every connection and pages
// lists the server ranks in memory (need matches, partner student-months).
//
// Connections over the database are paged elsewhere: entgql's Paginate for
// the generated ones, keysets for the partner streams (partners/keyset.go);
// both take their page sizes from here. The package is a leaf: it imports
// no other package of the project but apierror, so that the GraphQL limits
// (graph/limits.go) and the domain packages can share it.
package paging

import (
	"fmt"

	"entgo.io/contrib/entgql"

	"github.com/tongxing/tongxing/apierror"
)

// Page sizes of every connection. The GraphQL limits (graph/limits.go)
// enforce them on the document before any resolver runs; Size enforces them
// again for callers that do not come through GraphQL.
const (
	// DefaultSize applies when a connection is asked for without first or
	// last, so no list is ever unbounded.
	DefaultSize = 20
	// MaxSize is the largest first or last accepted.
	MaxSize = 100
)

// Cursor is the GraphQL Cursor scalar, entgql's opaque token, so that every
// connection of the schema speaks one cursor type.
type Cursor = entgql.Cursor[int]

// Info is the GraphQL PageInfo.
type Info = entgql.PageInfo[int]

// ErrCursor is the answer to a cursor this server did not issue for the
// list it is used with.
var ErrCursor = apierror.Invalid("after", "游标无效，请使用上次返回的 endCursor (invalid cursor: pass an endCursor this API returned)")

// Size is the page size first asks for: DefaultSize when it is nil, and
// BAD_USER_INPUT outside 0..MaxSize (the message the GraphQL limits give).
func Size(first *int) (int, error) {
	if first == nil {
		return DefaultSize, nil
	}
	if n := *first; n < 0 || n > MaxSize {
		return 0, apierror.Invalid("first", fmt.Sprintf("first 应为 0–%d (first must be between 0 and %d)", MaxSize, MaxSize))
	}
	return *first, nil
}

// The cursor of an in-memory list names the list and holds the 1-based
// position of its entry (rank 1 is the first). Naming the list makes a
// cursor of one list useless with another (BAD_USER_INPUT rather than a page
// cut at a meaningless place); counting from 1 keeps the zero Cursor, which
// any client can forge, invalid. A list is recomputed on every request, so
// a position resumes the ranking as it is now, not as it was.

// At is the cursor of the entry at position (1-based) of list.
func At(list string, position int) Cursor { return Cursor{ID: position, Value: list} }

// Position decodes a cursor of list: the position of its entry, 0 for nil
// (the start of the list). A cursor of another list, or with a position
// below 1, is ErrCursor.
func Position(list string, c *Cursor) (int, error) {
	if c == nil {
		return 0, nil
	}
	if name, ok := c.Value.(string); !ok || name != list || c.ID < 1 {
		return 0, ErrCursor
	}
	return c.ID, nil
}

// Page is one page of a list paged in memory.
type Page[T any] struct {
	// Nodes are the entries of the page, in the list's order; Start is
	// the position of the first in the whole list.
	Nodes []T
	Start int
	// Cursors[i] is the cursor of Nodes[i].
	Cursors []Cursor
	// Info has the page's first and last cursors (nil on an empty page)
	// and whether entries precede or follow it.
	Info Info
}

// Slice cuts all, ranked and complete, to the page that first and after ask
// for, with Relay's forward semantics: the first entries after the cursor
// (DefaultSize when first is nil). A cursor past the end gives an empty
// page that has a previous one. list names all for its cursors (see At).
// The schema's in-memory lists offer no before/last, so neither does Slice.
func Slice[T any](list string, all []T, after *Cursor, first *int) (Page[T], error) {
	n, err := Size(first)
	if err != nil {
		return Page[T]{}, err
	}
	start, err := Position(list, after)
	if err != nil {
		return Page[T]{}, err
	}
	start = min(start, len(all))
	end := min(len(all), start+n)
	p := Page[T]{Nodes: all[start:end:end], Start: start, Cursors: make([]Cursor, end-start)}
	for i := range p.Cursors {
		p.Cursors[i] = At(list, start+i+1)
	}
	p.Info.HasNextPage = end < len(all)
	p.Info.HasPreviousPage = start > 0
	if k := len(p.Cursors); k > 0 {
		p.Info.StartCursor, p.Info.EndCursor = &p.Cursors[0], &p.Cursors[k-1]
	}
	return p, nil
}
