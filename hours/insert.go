package hours

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	"github.com/lib/pq"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/servicerecord"
)

// newRecord is one validated record.
type newRecord struct {
	activityID, personID int
	servedOn             time.Time
	minutes              int
	content              *string
	late                 bool
}

// insertRecords writes validated PENDING records in one statement and
// returns their ids, in order.
//
// Not through ent's bulk create: on PostgreSQL a multi-row INSERT of 500
// rows binds thousands of parameters, and PostgreSQL spends longer parsing
// it than writing the rows (27,000 rows/s, against 46,000 with one array
// per column and INSERT … SELECT FROM unnest); on both databases ent runs
// its hooks once per row. The statement carries what those hooks would:
// the row rule (policy.ServiceRecord's create rule is mayRecord, which
// Log's pre-check policy.MayLogHours has asked for every row of the batch
// before this point), the timestamps and the status; the service-record
// hooks beyond the rule act on deletes only (partners.TrackRecordDeletes).
// Figures: docs/benchmarks.md, "Bulk import".
func insertRecords(ctx context.Context, c *ent.Client, dialectName string, recorder string, recs []newRecord) ([]int, error) {
	now := time.Now()
	if dialectName != dialect.Postgres {
		// SQLite binds parameters cheaply: multi-row INSERTs of 1,000 rows
		// (10,000 parameters, below its limit of 32,766).
		const row, rows = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", 1000
		var ids []int
		for start := 0; start < len(recs); start += rows {
			part := recs[start:min(start+rows, len(recs))]
			values := make([]string, len(part))
			args := make([]any, 0, len(part)*10)
			for i, r := range part {
				values[i] = row
				args = append(args, r.personID, r.activityID, r.servedOn, r.minutes, r.content, recorder, r.late,
					servicerecord.StatusPENDING.String(), now, now)
			}
			got, err := returnedIDs(c.QueryContext(ctx, `INSERT INTO `+servicerecord.Table+` (person_id, activity_id, served_on, minutes, content,
				recorded_by, late, status, created_at, updated_at) VALUES `+strings.Join(values, ", ")+` RETURNING id`, args...))
			if err != nil {
				return nil, err
			}
			ids = append(ids, got...)
		}
		return ids, nil
	}
	people, activities := make([]int64, len(recs)), make([]int64, len(recs))
	lates := make([]bool, len(recs))
	days := make([]string, len(recs))
	minutes := make([]int64, len(recs))
	contents := make([]sql.NullString, len(recs))
	for i, r := range recs {
		people[i], activities[i], minutes[i], lates[i] = int64(r.personID), int64(r.activityID), int64(r.minutes), r.late
		days[i] = r.servedOn.UTC().Format(time.RFC3339Nano)
		if r.content != nil {
			contents[i] = sql.NullString{String: *r.content, Valid: true}
		}
	}
	return returnedIDs(c.QueryContext(ctx, `INSERT INTO `+servicerecord.Table+` (person_id, activity_id, served_on, minutes, content,
		recorded_by, late, status, created_at, updated_at)
	SELECT p, a, d, m, t, $7, l, $8, $9, $9
	FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::bigint[], $5::text[], $6::boolean[]) WITH ORDINALITY AS r(p, a, d, m, t, l, n)
	ORDER BY n RETURNING id`,
		pq.Array(people), pq.Array(activities), pq.Array(days), pq.Array(minutes), pq.Array(contents), pq.Array(lates),
		recorder, servicerecord.StatusPENDING.String(), now))
}

// returnedIDs reads the ids an INSERT … RETURNING id answers.
func returnedIDs(rows *sql.Rows, err error) ([]int, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
