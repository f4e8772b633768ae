package partners

import (
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/tongxing/tongxing/paging"
)

// Cursor is the GraphQL Cursor scalar: an opaque token. Partner cursors
// carry a position (at, rank, id) in a stream ordered by time: at is the
// row's updated_at (or a marker's time), rank tells the change feed's
// sources apart (0 elsewhere) and id breaks ties. The same token resumes a
// GraphQL connection and an export.
type Cursor = paging.Cursor

// Key is a position in a (time, rank, id) order.
type Key struct {
	At   time.Time
	Rank int
	ID   int
}

// Cursor encodes k.
func (k Key) Cursor() Cursor {
	v := k.At.UTC().Format(time.RFC3339Nano)
	if k.Rank != 0 {
		v += "#" + strconv.Itoa(k.Rank)
	}
	return Cursor{ID: k.ID, Value: v}
}

// ErrCursor is the answer to a cursor this server did not issue for the
// stream it is used with: the same answer as the in-memory lists give.
var ErrCursor = paging.ErrCursor

// KeyOf decodes a cursor; nil decodes to nil (the start of the stream).
func KeyOf(c *Cursor) (*Key, error) {
	if c == nil {
		return nil, nil
	}
	s, ok := c.Value.(string)
	if !ok || c.ID <= 0 {
		return nil, ErrCursor
	}
	k := &Key{ID: c.ID}
	if at, rank, found := strings.Cut(s, "#"); found {
		r, err := strconv.Atoi(rank)
		if err != nil || r < 0 || r > 9 {
			return nil, ErrCursor
		}
		s, k.Rank = at, r
	}
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, ErrCursor
	}
	k.At = at
	return k, nil
}

// dbTime is t as it is compared with stored times. PostgreSQL compares
// instants whatever the zone; SQLite stores times as text in the zone they
// were written in, and updated_at is always written from time.Now (local
// time), so comparisons bind local time to compare like with like.
func dbTime(t time.Time) time.Time { return t.In(time.Local) }

// afterKey keeps rows of the source ranked rank strictly after k in the
// (column, rank, id) order. It is written as a range on column (and not as
// a row-value comparison) so both databases use the column's index.
func afterKey(column string, rank int, k *Key) func(*sql.Selector) {
	return func(s *sql.Selector) {
		if k == nil {
			return
		}
		at, col, id := dbTime(k.At), s.C(column), s.C("id")
		switch {
		case rank < k.Rank:
			s.Where(sql.GT(col, at))
		case rank > k.Rank:
			s.Where(sql.GTE(col, at))
		default:
			s.Where(sql.And(sql.GTE(col, at), sql.Or(sql.GT(col, at), sql.GT(id, k.ID))))
		}
	}
}

// upTo keeps rows at or before k in the (column, id) order: the upper
// bound of an export.
func upTo(column string, k *Key) func(*sql.Selector) {
	return func(s *sql.Selector) {
		if k == nil {
			return
		}
		at, col, id := dbTime(k.At), s.C(column), s.C("id")
		s.Where(sql.And(sql.LTE(col, at), sql.Or(sql.LT(col, at), sql.LTE(id, k.ID))))
	}
}

// changedSince keeps rows whose column is later than since (all when nil).
func changedSince(column string, since *time.Time) func(*sql.Selector) {
	return func(s *sql.Selector) {
		if since != nil {
			s.Where(sql.GT(s.C(column), dbTime(*since)))
		}
	}
}
