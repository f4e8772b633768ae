package imports_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/imports"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
	"github.com/tongxing/tongxing/sheet"
)

// hoursWorld is an agency with volunteers and activities on the last days
// (perDay of them a day), and an hour sheet of rows for them: the j-th row
// of activity a is volunteer (a*7+j) mod volunteers, so no one serves
// twice at one activity, nor past 24 hours a day.
type hoursWorld struct {
	org        *ent.Organization
	activities []*ent.Activity
	people     []*ent.Person
	rows       []hourRow
}

type hourRow struct {
	activity, person int
	day              time.Time
	minutes          int
}

func newHoursWorld(tb testing.TB, c *ent.Client, volunteers, activities, perDay, rows int) *hoursWorld {
	tb.Helper()
	ctx := policy.SystemContext(context.Background(), "bench")
	district := c.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).SaveX(ctx)
	town := c.Region.Create().SetCode("330411104").SetName("新塍镇").SetLevel(region.LevelTOWN).SetParent(district).SaveX(ctx)
	org := c.Organization.Create().SetName("孝慈社工").SetKind(organization.KindSOCIAL_WORK_AGENCY).SetRegion(town).SaveX(ctx)
	w := &hoursWorld{org: org}
	for start := 0; start < volunteers; start += 1000 {
		var ps []*ent.PersonCreate
		for i := start; i < min(start+1000, volunteers); i++ {
			ps = append(ps, c.Person.Create().SetVolunteerNumber(fmt.Sprintf("ZJ330411%06d", i)).SetName("志愿者"))
		}
		people := c.Person.CreateBulk(ps...).SaveX(ctx)
		var ms []*ent.MembershipCreate
		for _, p := range people {
			ms = append(ms, c.Membership.Create().SetPerson(p).SetOrganization(org).SetRole(membership.RoleVOLUNTEER).
				SetJoinedOn(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)))
		}
		c.Membership.CreateBulk(ms...).ExecX(ctx)
		w.people = append(w.people, people...)
	}
	today := time.Now().In(calendar.Zone)
	for start := 0; start < activities; start += 1000 {
		var as []*ent.ActivityCreate
		for a := start; a < min(start+1000, activities); a++ {
			y, m, d := today.AddDate(0, 0, -1-a/perDay).Date()
			begins := time.Date(y, m, d, 9, 0, 0, 0, calendar.Zone)
			as = append(as, c.Activity.Create().SetTitle(fmt.Sprintf("助老服务 %d", a)).SetOrganization(org).
				SetRegion(town).SetStartsAt(begins).SetEndsAt(begins.Add(3*time.Hour)))
		}
		w.activities = append(w.activities, c.Activity.CreateBulk(as...).SaveX(ctx)...)
	}
	per := rows / activities
	for a, act := range w.activities {
		day := calendar.Date(act.StartsAt)
		for j := 0; j < per; j++ {
			w.rows = append(w.rows, hourRow{activity: act.ID, person: w.people[(a*7+j)%volunteers].ID, day: day, minutes: 60 + j%60})
		}
	}
	return w
}

// csv is the sheet of the first n rows as staff would save it.
func (w *hoursWorld) csv(n int) []byte {
	number := map[int]string{}
	for _, p := range w.people {
		number[p.ID] = p.VolunteerNumber
	}
	var buf bytes.Buffer
	buf.WriteString("活动编号,志愿者编号,服务日期,服务时长（分钟）\n")
	for _, r := range w.rows[:n] {
		fmt.Fprintf(&buf, "%s,%s,%s,%d\n", gid.Encode(r.activity), number[r.person], r.day.Format(time.DateOnly), r.minutes)
	}
	return buf.Bytes()
}

// copyRows writes the same rows the fastest way each database has: COPY
// on PostgreSQL, multi-row INSERTs of 500 rows in one transaction on
// SQLite. No check, no rule: the floor an import is measured against.
func (w *hoursWorld) copyRows(ctx context.Context, db *database.DB) error {
	tx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := time.Now()
	columns := []string{"person_id", "activity_id", "served_on", "minutes", "recorded_by", "status", "late", "created_at", "updated_at"}
	if dbtest.IsPostgres(db) {
		stmt, err := tx.Prepare(pq.CopyIn("service_records", columns...))
		if err != nil {
			return err
		}
		for _, r := range w.rows {
			if _, err := stmt.Exec(r.person, r.activity, r.day, r.minutes, "copy", "PENDING", false, now, now); err != nil {
				return err
			}
		}
		if _, err := stmt.Exec(); err != nil {
			return err
		}
		if err := stmt.Close(); err != nil {
			return err
		}
		return tx.Commit()
	}
	for start := 0; start < len(w.rows); start += 500 {
		batch := w.rows[start:min(start+500, len(w.rows))]
		args := make([]any, 0, len(batch)*len(columns))
		for _, r := range batch {
			args = append(args, r.person, r.activity, r.day, r.minutes, "copy", "PENDING", false, now, now)
		}
		row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(columns)), ",") + ")"
		q := "INSERT INTO service_records (" + strings.Join(columns, ",") + ") VALUES " + strings.TrimSuffix(strings.Repeat(row+",", len(batch)), ",")
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// sampleHeap records in peak the largest live heap (what the last
// collection kept: garbage not counted, so the figure does not depend on
// when a collection ran) until stop is called, every 5 ms.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		for {
			metrics.Read(sample)
			*peak = max(*peak, sample[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() { close(done); <-finished }
}

// clearRecords empties service_records between runs, so each starts
// from the same table (TRUNCATE on PostgreSQL: a DELETE leaves dead rows
// and index entries that slow the next run).
func clearRecords(tb testing.TB, db *database.DB) {
	tb.Helper()
	q := "DELETE FROM service_records"
	if dbtest.IsPostgres(db) {
		q = "TRUNCATE service_records CASCADE" // the tables referring to it are empty here
	}
	if _, err := db.SQL.Exec(q); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkImportHours: 100,000 hour rows from a CSV, checked and committed
// through every rule of logServiceHours, against writing the same rows
// with no check at all (COPY on PostgreSQL, multi-row INSERT on SQLite).
// Two sheets: 500 rows at each of 200 activities (a day each), and 25 rows
// at each of 4,000 activities (20 a day: an hour sheet of a district's
// year). rows/s is the figure, and live-heap-MiB the largest live heap
// during the import (at 10,000 and 100,000 rows: flat in the number of
// rows); docs/benchmarks.md records them.
//
//	TONGXING_TEST_DATABASE_URL=postgres://… go test ./imports -run '^$' -bench BenchmarkImportHours -benchtime 1x
func BenchmarkImportHours(b *testing.B) {
	const volunteers, rows = 2000, 100_000
	keys, err := pii.NewKeys([]byte("tongxing-bench-secret-key-32-byt"))
	if err != nil {
		b.Fatal(err)
	}
	for _, backend := range dbtest.Backends() {
		for _, shape := range []struct {
			name               string
			activities, perDay int
		}{{"500-per-activity", 200, 1}, {"25-per-activity", 4000, 20}} {
			b.Run(backend.Name+"/"+shape.name, func(b *testing.B) {
				benchmarkImport(b, keys, newWorld(b, backend, volunteers, shape.activities, shape.perDay, rows), rows)
			})
		}
	}
}

func newWorld(b testing.TB, backend dbtest.Backend, volunteers, activities, perDay, rows int) *benchWorld {
	db := backend.Open(b)
	return &benchWorld{db: db, hoursWorld: newHoursWorld(b, db.Client, volunteers, activities, perDay, rows)}
}

type benchWorld struct {
	db *database.DB
	*hoursWorld
}

func benchmarkImport(b *testing.B, keys *pii.Keys, bw *benchWorld, rows int) {
	db, w := bw.db, bw.hoursWorld
	district := policy.SystemContext(context.Background(), "bench")
	// The organisation's own EDITOR key: its scope is asked per activity.
	editor := auth.NewContext(context.Background(), &auth.Viewer{KeyID: 1, Name: "bench-editor", Role: auth.RoleEditor,
		OrganizationID: w.org.ID, Scope: []int{w.org.ID}})
	for _, run := range []struct {
		as  string
		ctx context.Context
		n   int
	}{{"district", district, rows / 10}, {"district", district, rows}, {"editor", editor, rows}} {
		file := w.csv(run.n)
		b.Run(fmt.Sprintf("import/as=%s/rows=%d", run.as, run.n), func(b *testing.B) {
			var peak uint64
			for b.Loop() {
				b.StopTimer()
				clearRecords(b, db)
				runtime.GC()
				stop := sampleHeap(&peak)
				b.StartTimer()
				r, err := sheet.Open("hours.csv", bytes.NewReader(file), int64(len(file)), sheet.Limits{})
				if err != nil {
					b.Fatal(err)
				}
				rep, err := imports.Apply(run.ctx, db.Client, imports.Env{Keys: keys, Now: time.Now()}, imports.ServiceHours, r, true)
				if err != nil || !rep.Committed || rep.Created != run.n {
					b.Fatalf("import: %v %+v", err, rep.Problems[:min(3, len(rep.Problems))])
				}
				b.StopTimer()
				stop()
				b.StartTimer()
			}
			b.ReportMetric(float64(run.n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(peak)/(1<<20), "live-heap-MiB")
		})
	}
	b.Run(fmt.Sprintf("copy/rows=%d", rows), func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			clearRecords(b, db)
			b.StartTimer()
			if err := w.copyRows(context.Background(), db); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}
