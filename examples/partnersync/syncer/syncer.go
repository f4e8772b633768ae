// Package syncer keeps a local SQLite copy of a university's practice-base
// data in step with a Tongxing server. It reads the partner change feed
// (partnerChanges) page by page, applies each page's events and the page's
// end cursor in one local transaction, and so resumes exactly where it
// stopped: a run cut short (crash, timeout, MaxPages) loses or repeats
// nothing. Verify then compares the local totals with the server's.
//
// It uses only the standard library and modernc.org/sqlite (pure Go).
package syncer

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

// Schema is the local copy's tables. Rows are keyed by the server's IDs;
// sync_state holds the feed cursor. Times are stored as SortableTime
// writes them, so that ORDER BY and MAX on the text follow time.
const Schema = `
CREATE TABLE IF NOT EXISTS practice_bases (
  id TEXT PRIMARY KEY, university TEXT NOT NULL, host TEXT NOT NULL,
  started_on TEXT NOT NULL, ended_on TEXT, capacity INTEGER, programmes TEXT NOT NULL,
  updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS activities (
  id TEXT PRIMARY KEY, practice_base_id TEXT NOT NULL, title TEXT NOT NULL, kind TEXT NOT NULL,
  starts_at TEXT NOT NULL, ends_at TEXT NOT NULL, host TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS service_records (
  id TEXT PRIMARY KEY, pseudonym TEXT NOT NULL, practice_base_id TEXT NOT NULL, activity_id TEXT NOT NULL,
  served_on TEXT NOT NULL, month TEXT NOT NULL, term TEXT NOT NULL, minutes INTEGER NOT NULL,
  updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS service_records_base ON service_records (practice_base_id);
CREATE TABLE IF NOT EXISTS sync_state (name TEXT PRIMARY KEY, value TEXT NOT NULL);
`

// ChangesQuery is the query a sync runs, page after page.
const ChangesQuery = `query Changes($after: Cursor, $first: Int) {
  partnerChanges(after: $after, first: $first) {
    edges {
      node {
        entity id op at
        practiceBase { id university { name } host { name } startedOn endedOn capacity programmes updatedAt }
        activity { id practiceBaseId title kind startsAt endsAt organization { name } updatedAt }
        serviceRecord { id pseudonym practiceBaseId activityId servedOn month term minutes updatedAt }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`

// TotalsQuery reads the server's per-base totals to compare with.
const TotalsQuery = `query Totals($after: Cursor) {
  practiceBases(first: 100, after: $after) {
    edges { node { id host { name } totals { records minutes } } }
    pageInfo { hasNextPage endCursor }
  }
}`

// OpenDB opens (creating if needed) the local SQLite copy at path.
func OpenDB(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(Schema); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// Syncer syncs one key's view into one local database.
type Syncer struct {
	// URL is the server's base URL, e.g. https://tongxing.example.org.
	URL string
	// Key is the PARTNER API key.
	Key string
	// DB is the local copy (OpenDB).
	DB *sql.DB
	// HTTP is the client to use; nil means http.DefaultClient.
	HTTP *http.Client
	// PageSize is the events asked for per page (default 100).
	PageSize int
	// MaxPages stops a run after this many pages (0: run to the end).
	MaxPages int
	// OnEvent, if set, sees every event as it is applied.
	OnEvent func(Event)
}

// Event is one change-feed event.
type Event struct {
	Entity        string         `json:"entity"`
	ID            string         `json:"id"`
	Op            string         `json:"op"`
	At            time.Time      `json:"at"`
	PracticeBase  *PracticeBase  `json:"practiceBase"`
	Activity      *Activity      `json:"activity"`
	ServiceRecord *ServiceRecord `json:"serviceRecord"`
}

// PracticeBase is a practice base as the feed sends it.
type PracticeBase struct {
	ID         string                `json:"id"`
	University struct{ Name string } `json:"university"`
	Host       struct{ Name string } `json:"host"`
	StartedOn  string                `json:"startedOn"`
	EndedOn    *string               `json:"endedOn"`
	Capacity   *int                  `json:"capacity"`
	Programmes []string              `json:"programmes"`
	UpdatedAt  string                `json:"updatedAt"`
}

// Activity is an activity as the feed sends it.
type Activity struct {
	ID             string                `json:"id"`
	PracticeBaseID string                `json:"practiceBaseId"`
	Title          string                `json:"title"`
	Kind           string                `json:"kind"`
	StartsAt       string                `json:"startsAt"`
	EndsAt         string                `json:"endsAt"`
	Organization   struct{ Name string } `json:"organization"`
	UpdatedAt      string                `json:"updatedAt"`
}

// ServiceRecord is a service record as the feed sends it.
type ServiceRecord struct {
	ID             string `json:"id"`
	Pseudonym      string `json:"pseudonym"`
	PracticeBaseID string `json:"practiceBaseId"`
	ActivityID     string `json:"activityId"`
	ServedOn       string `json:"servedOn"`
	Month          string `json:"month"`
	Term           string `json:"term"`
	Minutes        int    `json:"minutes"`
	UpdatedAt      string `json:"updatedAt"`
}

// Result says what a run did.
type Result struct {
	Pages, Events, Upserts, Deletes int
	// Done is true when the run reached the end of the feed.
	Done bool
	// Cursor is the saved position.
	Cursor string
}

// Cursor returns the saved feed position ("" before the first sync).
func (s *Syncer) Cursor(ctx context.Context) (string, error) {
	var c string
	err := s.DB.QueryRowContext(ctx, `SELECT value FROM sync_state WHERE name = 'cursor'`).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return c, err
}

// Run reads the feed from the saved cursor to its end (or MaxPages pages).
func (s *Syncer) Run(ctx context.Context) (Result, error) {
	var res Result
	cursor, err := s.Cursor(ctx)
	if err != nil {
		return res, err
	}
	size := s.PageSize
	if size <= 0 {
		size = 100
	}
	for s.MaxPages == 0 || res.Pages < s.MaxPages {
		vars := map[string]any{"first": size}
		if cursor != "" {
			vars["after"] = cursor
		}
		var page struct {
			PartnerChanges struct {
				Edges []struct {
					Node Event `json:"node"`
				} `json:"edges"`
				PageInfo struct {
					HasNextPage bool    `json:"hasNextPage"`
					EndCursor   *string `json:"endCursor"`
				} `json:"pageInfo"`
			} `json:"partnerChanges"`
		}
		if err := s.query(ctx, ChangesQuery, vars, &page); err != nil {
			return res, err
		}
		pc := page.PartnerChanges
		next := cursor
		if pc.PageInfo.EndCursor != nil {
			next = *pc.PageInfo.EndCursor
		}
		events := make([]Event, len(pc.Edges))
		for i, e := range pc.Edges {
			events[i] = e.Node
		}
		if err := s.apply(ctx, events, next, &res); err != nil {
			return res, err
		}
		res.Pages++
		cursor, res.Cursor = next, next
		if !pc.PageInfo.HasNextPage {
			res.Done = true
			break
		}
	}
	return res, nil
}

// apply writes one page's events and the new cursor in one transaction.
func (s *Syncer) apply(ctx context.Context, events []Event, cursor string, res *Result) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	for _, e := range events {
		if err := applyEvent(ctx, tx, e); err != nil {
			return fmt.Errorf("apply %s %s %s: %w", e.Op, e.Entity, e.ID, err)
		}
		res.Events++
		if e.Op == "UPSERT" {
			res.Upserts++
		} else {
			res.Deletes++
		}
		if s.OnEvent != nil {
			s.OnEvent(e)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sync_state (name, value) VALUES ('cursor', ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, cursor); err != nil {
		return err
	}
	return tx.Commit()
}

func applyEvent(ctx context.Context, tx *sql.Tx, e Event) error {
	table := map[string]string{"PRACTICE_BASE": "practice_bases", "ACTIVITY": "activities", "SERVICE_RECORD": "service_records"}[e.Entity]
	if table == "" {
		return nil // an entity this client does not keep
	}
	var err error
	switch {
	case e.Op == "DELETE":
		_, err = tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE id = ?`, e.ID)
	case e.PracticeBase != nil:
		b := e.PracticeBase
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO practice_bases
			(id, university, host, started_on, ended_on, capacity, programmes, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			b.ID, b.University.Name, b.Host.Name, b.StartedOn, b.EndedOn, b.Capacity, strings.Join(b.Programmes, "; "), SortableTime(b.UpdatedAt))
	case e.Activity != nil:
		a := e.Activity
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO activities
			(id, practice_base_id, title, kind, starts_at, ends_at, host, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.PracticeBaseID, a.Title, a.Kind, SortableTime(a.StartsAt), SortableTime(a.EndsAt), a.Organization.Name, SortableTime(a.UpdatedAt))
	case e.ServiceRecord != nil:
		r := e.ServiceRecord
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO service_records
			(id, pseudonym, practice_base_id, activity_id, served_on, month, term, minutes, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.Pseudonym, r.PracticeBaseID, r.ActivityID, r.ServedOn, r.Month, r.Term, r.Minutes, SortableTime(r.UpdatedAt))
	}
	return err
}

// SortableTime is an RFC 3339 time from the server rewritten in UTC with
// all nine fractional digits. The server trims trailing zeros
// (…:28.65772Z), and text comparison then disagrees with time
// (…:28.65772Z sorts after …:28.657722Z); a fixed width in one zone makes
// the two orders agree. Text that is no RFC 3339 time is kept as it is.
func SortableTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000000Z")
}

// Totals are one base's records and minutes.
type Totals struct {
	Records, Minutes int
}

// LocalTotals adds up the local copy's records per practice base.
func LocalTotals(ctx context.Context, db *sql.DB) (map[string]Totals, error) {
	rows, err := db.QueryContext(ctx, `SELECT practice_base_id, COUNT(*), COALESCE(SUM(minutes), 0) FROM service_records GROUP BY practice_base_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Totals{}
	for rows.Next() {
		var id string
		var t Totals
		if err := rows.Scan(&id, &t.Records, &t.Minutes); err != nil {
			return nil, err
		}
		out[id] = t
	}
	return out, rows.Err()
}

// ServerTotals reads the server's totals per practice base.
func (s *Syncer) ServerTotals(ctx context.Context) (map[string]Totals, error) {
	out := map[string]Totals{}
	var after *string
	for {
		var page struct {
			PracticeBases struct {
				Edges []struct {
					Node struct {
						ID     string `json:"id"`
						Totals Totals `json:"totals"`
					} `json:"node"`
				} `json:"edges"`
				PageInfo struct {
					HasNextPage bool    `json:"hasNextPage"`
					EndCursor   *string `json:"endCursor"`
				} `json:"pageInfo"`
			} `json:"practiceBases"`
		}
		if err := s.query(ctx, TotalsQuery, map[string]any{"after": after}, &page); err != nil {
			return nil, err
		}
		for _, e := range page.PracticeBases.Edges {
			if e.Node.Totals.Records > 0 {
				out[e.Node.ID] = e.Node.Totals
			}
		}
		if !page.PracticeBases.PageInfo.HasNextPage {
			return out, nil
		}
		after = page.PracticeBases.PageInfo.EndCursor
	}
}

// Verify compares the local totals with the server's and describes every
// difference (none: the copy is complete).
func (s *Syncer) Verify(ctx context.Context) ([]string, error) {
	local, err := LocalTotals(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	remote, err := s.ServerTotals(ctx)
	if err != nil {
		return nil, err
	}
	var diffs []string
	for id, r := range remote {
		if l := local[id]; l != r {
			diffs = append(diffs, fmt.Sprintf("base %s: local %d records / %d min, server %d / %d", id, l.Records, l.Minutes, r.Records, r.Minutes))
		}
	}
	for id, l := range local {
		if _, ok := remote[id]; !ok {
			diffs = append(diffs, fmt.Sprintf("base %s: local %d records / %d min, server none", id, l.Records, l.Minutes))
		}
	}
	sort.Strings(diffs)
	return diffs, nil
}

// Reset forgets the local copy and the cursor: the next run pulls
// everything again.
func (s *Syncer) Reset(ctx context.Context) error {
	_, err := s.DB.ExecContext(ctx, `DELETE FROM service_records; DELETE FROM activities; DELETE FROM practice_bases; DELETE FROM sync_state;`)
	return err
}

// Error is an error the server answered with.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("server: %s (%d): %s", e.Code, e.Status, e.Message)
}

func (s *Syncer) query(ctx context.Context, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(s.URL, "/")+"/graphql", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.Key)
	c := s.HTTP
	if c == nil {
		c = http.DefaultClient
	}
	rsp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer rsp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(rsp.Body, 64<<20))
	if err != nil {
		return err
	}
	var env struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string `json:"message"`
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("server answered %d, not JSON: %.200s", rsp.StatusCode, raw)
	}
	if len(env.Errors) > 0 {
		return &Error{Status: rsp.StatusCode, Code: env.Errors[0].Extensions.Code, Message: env.Errors[0].Message}
	}
	return json.Unmarshal(env.Data, out)
}
