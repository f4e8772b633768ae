package demo

import (
	"database/sql"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	"github.com/lib/pq"

	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/hoursbypersonmonth"
	"github.com/tongxing/tongxing/ent/hoursbyproject"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/servicerecord"
)

// recordRow is one generated service record.
type recordRow struct {
	personID, activityID int
	servedOn             time.Time
	minutes              int
	content              string
	status               servicerecord.Status
	reviewedAt           time.Time // zero while PENDING
	reviewNote           string    // REJECTED only
}

// insertRecords writes generated service records in large statements: the
// records are most of the seed (61,000 at the demo scale, 1.2 million at
// the district's), and ent's bulk create binds thousands of parameters per
// statement and runs its hooks once per row. The columns are the ones the
// builders set, the timestamps ent's defaults would, and nothing else: the
// records are the seed's own, written as the system, so no row rule applies
// (the hooks on service records act on deletes only).
func (s *seeder) insertRecords(rows []recordRow) error {
	now := time.Now()
	if s.dialect != dialect.Postgres {
		// SQLite binds parameters cheaply: 1,000 rows of 13 stay under its
		// limit of 32,766.
		const row = "(?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)"
		for start := 0; start < len(rows); start += 1000 {
			part := rows[start:min(start+1000, len(rows))]
			values := make([]string, len(part))
			args := make([]any, 0, len(part)*12)
			for i, r := range part {
				values[i] = row
				reviewedBy, reviewedAt, note := reviewColumns(r)
				args = append(args, now, now, r.servedOn, r.minutes, r.content, Recorder, r.status.String(),
					reviewedBy, reviewedAt, note, r.activityID, r.personID)
			}
			if _, err := s.tx.ExecContext(s.ctx, `INSERT INTO `+servicerecord.Table+` (created_at, updated_at, served_on, minutes, content,
				recorded_by, status, late, reviewed_by, reviewed_at, review_note, activity_id, person_id) VALUES `+strings.Join(values, ", "), args...); err != nil {
				return err
			}
		}
		return nil
	}
	// PostgreSQL: one array a column, INSERT … SELECT FROM unnest, 10,000
	// rows a statement (about twice the rows a second of a multi-row
	// INSERT, which PostgreSQL spends longer parsing than writing).
	for start := 0; start < len(rows); start += 10000 {
		part := rows[start:min(start+10000, len(rows))]
		n := len(part)
		people, acts, minutes := make([]int64, n), make([]int64, n), make([]int64, n)
		days, contents, statuses := make([]string, n), make([]string, n), make([]string, n)
		reviewers, reviewedAts, notes := make([]sql.NullString, n), make([]sql.NullString, n), make([]sql.NullString, n)
		for i, r := range part {
			people[i], acts[i], minutes[i] = int64(r.personID), int64(r.activityID), int64(r.minutes)
			days[i], contents[i], statuses[i] = r.servedOn.UTC().Format(time.RFC3339Nano), r.content, r.status.String()
			by, at, note := reviewColumns(r)
			reviewers[i], notes[i] = by, note
			if at.Valid {
				reviewedAts[i] = sql.NullString{String: at.Time.UTC().Format(time.RFC3339Nano), Valid: true}
			}
		}
		if _, err := s.tx.ExecContext(s.ctx, `INSERT INTO `+servicerecord.Table+` (created_at, updated_at, served_on, minutes, content,
			recorded_by, status, late, reviewed_by, reviewed_at, review_note, activity_id, person_id)
		SELECT $1, $1, d, m, t, $2, st, false, rb, ra, rn, a, p
		FROM unnest($3::bigint[], $4::bigint[], $5::timestamptz[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::text[])
			WITH ORDINALITY AS r(p, a, d, m, t, st, rb, ra, rn, ord)
		ORDER BY ord`,
			now, Recorder, pq.Array(people), pq.Array(acts), pq.Array(days), pq.Array(minutes), pq.Array(contents),
			pq.Array(statuses), pq.Array(reviewers), pq.Array(reviewedAts), pq.Array(notes)); err != nil {
			return err
		}
	}
	return nil
}

// bulkTables are the tables the seed fills with most of its rows.
var bulkTables = []string{person.Table, membership.Table, activity.Table, servicerecord.Table, need.Table,
	hoursbypersonmonth.Table, hoursbyproject.Table}

// withoutIndexes runs fill with the secondary indexes of the bulk tables
// dropped, and builds them again afterwards, all inside the seed's
// transaction: one sorted build of an index costs far less than keeping it
// up to date row by row (service records have five). The definitions are
// read back from the database, so they are always the schema's own; a
// unique index rebuilt over duplicates fails the seed as an insert would.
func (s *seeder) withoutIndexes(fill func() error) error {
	quoted := make([]string, len(bulkTables))
	for i, t := range bulkTables {
		quoted[i] = "'" + t + "'"
	}
	query := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (` + strings.Join(quoted, ", ") + `)`
	if s.dialect == dialect.Postgres {
		query = `SELECT i.indexname, i.indexdef FROM pg_indexes i
			JOIN pg_class c ON c.relname = i.indexname AND c.relnamespace = to_regnamespace(i.schemaname)
			JOIN pg_index x ON x.indexrelid = c.oid
			WHERE i.schemaname = current_schema() AND NOT x.indisprimary AND i.tablename IN (` + strings.Join(quoted, ", ") + `)`
	}
	rows, err := s.tx.QueryContext(s.ctx, query)
	if err != nil {
		return err
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return err
		}
		names, defs = append(names, name), append(defs, def)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, name := range names {
		if _, err := s.tx.ExecContext(s.ctx, `DROP INDEX "`+name+`"`); err != nil {
			return err
		}
	}
	if err := fill(); err != nil {
		return err
	}
	s.progress("indexes")
	for _, def := range defs {
		if _, err := s.tx.ExecContext(s.ctx, def); err != nil {
			return err
		}
	}
	return nil
}

// reviewColumns are reviewed_by, reviewed_at and review_note of r: NULL
// while PENDING, the note only when REJECTED.
func reviewColumns(r recordRow) (by sql.NullString, at sql.NullTime, note sql.NullString) {
	if r.status == servicerecord.StatusPENDING {
		return
	}
	by = sql.NullString{String: Recorder, Valid: true}
	at = sql.NullTime{Time: r.reviewedAt, Valid: true}
	if r.reviewNote != "" {
		note = sql.NullString{String: r.reviewNote, Valid: true}
	}
	return
}
