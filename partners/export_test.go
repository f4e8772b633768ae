package partners_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/parquet-go/parquet-go"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/partnership"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/partners"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
)

var testKeys, _ = pii.NewKeys([]byte("tongxing-partner-test-secret-32b"))

// synthetic is a university with one practice base, students, activities
// and many verified service records, inserted in bulk.
type synthetic struct {
	university, host int
}

// seedSynthetic writes students and activities through ent, then rows
// service records with one INSERT … SELECT over a counter (a recursive CTE
// on SQLite, generate_series on PostgreSQL), updated_at one second apart.
func seedSynthetic(t testing.TB, db *database.DB, students, activities, rows int) synthetic {
	t.Helper()
	ctx := policy.SystemContext(context.Background(), "bench-seed")
	c := db.Client
	reg := c.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).SaveX(ctx)
	uni := c.Organization.Create().SetName("测试大学").SetKind(organization.KindUNIVERSITY).SetRegion(reg).SaveX(ctx)
	host := c.Organization.Create().SetName("测试社工站").SetKind(organization.KindSOCIAL_WORK_AGENCY).SetRegion(reg).SaveX(ctx)
	c.Partnership.Create().SetOrganization(uni).SetPartner(host).SetKind(partnership.KindPRACTICE_BASE).
		SetStartedOn(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)).SetCapacity(40).SetProgrammes([]string{"社会工作"}).ExecX(ctx)
	var ps []*ent.PersonCreate
	for i := 0; i < students; i++ {
		ps = append(ps, c.Person.Create().SetName(fmt.Sprintf("学生%05d", i)).SetVolunteerNumber(fmt.Sprintf("ZJ330411%06d", i)).
			SetPhone(fmt.Sprintf("139%08d", i)).SetUniversity(uni).SetShareWithUniversity(true))
	}
	people := c.Person.CreateBulk(ps...).SaveX(ctx)
	var as []*ent.ActivityCreate
	cst := time.FixedZone("CST", 8*3600)
	for i := 0; i < activities; i++ {
		start := time.Date(2024, 1, 1, 9, 0, 0, 0, cst).AddDate(0, 0, i%900)
		as = append(as, c.Activity.Create().SetTitle(fmt.Sprintf("活动%d", i)).SetOrganization(host).SetRegion(reg).
			SetStartsAt(start).SetEndsAt(start.Add(3*time.Hour)))
	}
	acts := c.Activity.CreateBulk(as...).SaveX(ctx)
	if people[students-1].ID-people[0].ID != students-1 || acts[activities-1].ID-acts[0].ID != activities-1 {
		t.Fatal("ids are not consecutive")
	}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	var err error
	if db.Dialect == dialect.Postgres {
		_, err = db.SQL.Exec(`INSERT INTO service_records (created_at, updated_at, served_on, minutes, content, recorded_by, status, late, person_id, activity_id)
			SELECT to_timestamp($1::bigint + n), to_timestamp($1::bigint + n),
			       ((date '2024-01-01' + ((n % $3::int) % 900)::int)::timestamp AT TIME ZONE 'UTC'),
			       30 + n % 240, '服务', 'bench', 'VERIFIED', false, $4::bigint + n % $5::int, $6::bigint + n % $3::int
			FROM generate_series(0, $2::int - 1) AS n`,
			base, rows, activities, people[0].ID, students, acts[0].ID)
	} else {
		// The text form the driver writes: local time with its offset.
		offset := time.Unix(base, 0).In(time.Local).Format("-07:00")
		_, offSeconds := time.Unix(base, 0).In(time.Local).Zone()
		stamp := fmt.Sprintf(`strftime('%%Y-%%m-%%d %%H:%%M:%%S', %d + n + %d, 'unixepoch') || '%s'`, base, offSeconds, offset)
		_, err = db.SQL.Exec(`WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n + 1 < ?)
			INSERT INTO service_records (created_at, updated_at, served_on, minutes, content, recorded_by, status, late, person_id, activity_id)
			SELECT `+stamp+`, `+stamp+`,
			       strftime('%Y-%m-%d 00:00:00+00:00', '2024-01-01', '+' || ((n % ?) % 900) || ' days'),
			       30 + n % 240, '服务', 'bench', 'VERIFIED', 0, ? + n % ?, ? + n % ?
			FROM s`,
			rows, activities, people[0].ID, students, acts[0].ID, activities)
	}
	if err != nil {
		t.Fatal(err)
	}
	return synthetic{university: uni.ID, host: host.ID}
}

// discard is a ResponseWriter that counts and drops the body.
type discard struct {
	header http.Header
	status int
	bytes  atomic.Int64
}

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) WriteHeader(code int)        { d.status = code }
func (d *discard) Flush()                      {}
func (d *discard) Write(b []byte) (int, error) { d.bytes.Add(int64(len(b))); return len(b), nil }

func partnerContext(university int) context.Context {
	return auth.NewContext(context.Background(), &auth.Viewer{KeyID: 1, Name: "partner", Role: auth.RolePartner, OrganizationID: university})
}

type measurement struct {
	rows                      int
	bytes                     int64
	took                      time.Duration
	baseline, peak, allocated uint64
}

// measure runs one export while sampling the heap every 2 ms.
func measure(t testing.TB, h http.Handler, u int, path string) (measurement, *discard) {
	t.Helper()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := measurement{baseline: ms.HeapInuse}
	before := ms.TotalAlloc
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		var s runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				runtime.ReadMemStats(&s)
				if s.HeapInuse > peak.Load() {
					peak.Store(s.HeapInuse)
				}
			}
		}
	}()
	w := &discard{header: http.Header{}}
	req := httptest.NewRequest(http.MethodGet, path, nil).WithContext(partnerContext(u))
	start := time.Now()
	h.ServeHTTP(w, req)
	m.took = time.Since(start)
	close(stop)
	<-done
	runtime.ReadMemStats(&ms)
	m.peak, m.allocated, m.bytes = peak.Load(), ms.TotalAlloc-before, w.bytes.Load()
	if w.status != http.StatusOK {
		t.Fatalf("%s: status %d", path, w.status)
	}
	return m, w
}

// TestExportMemoryFlat exports TONGXING_EXPORT_ROWS synthetic service
// records (e.g. 1000000) as Parquet and CSV from SQLite, sampling the heap,
// and checks the peak does not grow with the row count: the run over all
// rows against a run capped at a tenth of them. It is off unless the
// variable is set (it takes minutes); docs/benchmarks.md has its numbers.
func TestExportMemoryFlat(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("TONGXING_EXPORT_ROWS"))
	if n == 0 || testing.Short() {
		t.Skip("set TONGXING_EXPORT_ROWS=1000000 to measure the export's memory")
	}
	for _, backend := range dbtest.Backends() {
		t.Run(backend.Name, func(t *testing.T) {
			db := backend.Open(t)
			start := time.Now()
			s := seedSynthetic(t, db, 2000, 2000, n)
			if db.Dialect == dialect.Postgres {
				_, _ = db.SQL.Exec("ANALYZE") // as autovacuum would after a bulk load
			}
			t.Logf("seeded %d service records in %v", n, time.Since(start).Round(time.Millisecond))
			h := partners.ExportHandler(db.Client, testKeys, nil)
			for _, format := range []string{"parquet", "csv"} {
				small, _ := measure(t, h, s.university, fmt.Sprintf("/partner/export/service-records.%s?limit=%d", format, n/10))
				all, w := measure(t, h, s.university, "/partner/export/service-records."+format)
				for _, m := range []struct {
					rows int
					m    measurement
				}{{n / 10, small}, {n, all}} {
					t.Logf("%s %s %8d rows: %6.1f MB out in %v (%.0f rows/s); heap in use: %.1f MB before, peak %.1f MB; allocated %.0f MB in total",
						backend.Name, format, m.rows, float64(m.m.bytes)/1e6, m.m.took.Round(time.Millisecond), float64(m.rows)/m.m.took.Seconds(),
						float64(m.m.baseline)/1e6, float64(m.m.peak)/1e6, float64(m.m.allocated)/1e6)
				}
				if w.header.Get("X-Has-More") != "false" {
					t.Errorf("whole export says more follow")
				}
				// Flat: ten times the rows may not take (much) more memory.
				// The allowance covers GC timing noise, not growth with
				// the rows.
				if grow := float64(all.peak) - float64(small.peak); grow > 32e6 {
					t.Errorf("%s: peak heap grew by %.1f MB from %d to %d rows", format, grow/1e6, n/10, n)
				}
			}
		})
	}
}

// TestExportFormats checks a small export end to end in both formats:
// header, row count, order, resumption and the stated schema.
func TestExportFormats(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		s := seedSynthetic(t, db, 20, 15, 1234)
		h := partners.ExportHandler(db.Client, testKeys, nil)
		get := func(path string) *httptest.ResponseRecorder {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil).WithContext(partnerContext(s.university)))
			return rec
		}
		old := partners.ChunkRows
		partners.ChunkRows = 100 // many chunks
		defer func() { partners.ChunkRows = old }()

		rec := get("/partner/export/service-records.csv")
		all, err := csv.NewReader(rec.Body).ReadAll()
		if err != nil || len(all) != 1235 || all[0][0] != "id" || all[0][1] != "pseudonym" {
			t.Fatalf("csv: %d lines, %v, header %v", len(all), err, all[0])
		}
		seen := map[string]bool{}
		last := ""
		for _, row := range all[1:] {
			if seen[row[0]] {
				t.Fatalf("row %s twice", row[0])
			}
			seen[row[0]] = true
			if updated := row[len(row)-1]; updated < last {
				t.Fatalf("rows out of order: %s after %s", updated, last)
			} else {
				last = updated
			}
		}

		rec = get("/partner/export/service-records.parquet?limit=1000")
		if rec.Header().Get("X-Has-More") != "true" {
			t.Errorf("capped export: X-Has-More %q", rec.Header().Get("X-Has-More"))
		}
		body := rec.Body.Bytes()
		rows, err := parquet.Read[partners.RecordRow](bytes.NewReader(body), int64(len(body)))
		if err != nil || len(rows) != 1000 {
			t.Fatalf("parquet: %d rows, %v", len(rows), err)
		}
		rest := get("/partner/export/service-records.parquet?cursor=" + rec.Header().Get("X-Next-Cursor"))
		body = rest.Body.Bytes()
		more, err := parquet.Read[partners.RecordRow](bytes.NewReader(body), int64(len(body)))
		if err != nil || len(more) != 234 || rest.Header().Get("X-Has-More") != "false" {
			t.Fatalf("resumed parquet: %d rows, %v", len(more), err)
		}
		for _, r := range append(rows, more...) {
			if !seen[r.ID] || r.Minutes < 30 || r.Status != "VERIFIED" || r.Term == "" || partners.DayOf(r.ServedOn) < "2024-01-01" {
				t.Fatalf("parquet row %+v", r)
			}
			delete(seen, r.ID)
		}
		if len(seen) != 0 {
			t.Fatalf("%d rows missing from the resumed export", len(seen))
		}

		// A student who withdraws consent leaves every export.
		ctx := policy.SystemContext(context.Background(), "test")
		p := db.Client.Person.Query().Where(person.UniversityID(s.university)).FirstX(ctx)
		db.Client.Person.UpdateOne(p).SetShareWithUniversity(false).ExecX(ctx)
		body = get("/partner/export/service-records.csv").Body.Bytes()
		n, _ := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if len(n) >= len(all) {
			t.Errorf("after withdrawal the export still has %d rows", len(n)-1)
		}
		if bytes.Contains(body, []byte(testKeys.Pseudonym(s.university, p.ID))) {
			t.Error("the withdrawn student's pseudonym is still exported")
		}
	})
}

// TestExportNeutralisesFormulas names the host organisation and an
// activity like spreadsheet formulas: every CSV export writes them with a
// leading apostrophe, numbers and timestamps stay as they are, and
// Parquet (typed, not opened as a sheet) keeps the text as entered.
func TestExportNeutralisesFormulas(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		s := seedSynthetic(t, db, 5, 3, 40)
		ctx := policy.SystemContext(context.Background(), "test")
		const hyperlink = `=HYPERLINK("http://x","y")`
		db.Client.Organization.UpdateOneID(s.host).SetName(hyperlink).ExecX(ctx)
		db.Client.Activity.Update().SetTitle("-1+1").SetPlace("@SUM(A1)").ExecX(ctx)
		h := partners.ExportHandler(db.Client, testKeys, nil)
		get := func(path string) []byte {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil).WithContext(partnerContext(s.university)))
			if rec.Code != http.StatusOK {
				t.Fatalf("%s: status %d: %s", path, rec.Code, rec.Body)
			}
			return rec.Body.Bytes()
		}
		for _, tc := range []struct {
			dataset string
			want    map[string]string // column → every cell
			numeric []string          // columns that must parse as numbers
		}{
			{"service-records", map[string]string{"host_organization": "'" + hyperlink, "activity_title": "'-1+1"}, []string{"minutes"}},
			{"activities", map[string]string{"host_organization": "'" + hyperlink, "title": "'-1+1", "place": "'@SUM(A1)"}, []string{"beneficiaries"}},
			{"practice-bases", map[string]string{"host_organization": "'" + hyperlink, "university": "测试大学"}, []string{"capacity"}},
		} {
			body := get("/partner/export/" + tc.dataset + ".csv")
			recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
			if err != nil || len(recs) < 2 {
				t.Fatalf("%s: %d lines, %v", tc.dataset, len(recs), err)
			}
			col := map[string]int{}
			for i, h := range recs[0] {
				col[h] = i
			}
			for _, row := range recs[1:] {
				for name, want := range tc.want {
					if got := row[col[name]]; got != want {
						t.Errorf("%s.%s = %q, want %q", tc.dataset, name, got, want)
					}
				}
				for _, name := range tc.numeric {
					if _, err := strconv.Atoi(row[col[name]]); err != nil {
						t.Errorf("%s.%s = %q is no longer a number", tc.dataset, name, row[col[name]])
					}
				}
			}
			if bytes.Contains(body, []byte(",\""+strings.ReplaceAll(hyperlink, `"`, `""`))) {
				t.Errorf("%s: a cell starts with the formula itself", tc.dataset)
			}
		}
		// Parquet columns are typed text; no spreadsheet evaluates them.
		body := get("/partner/export/service-records.parquet")
		rows, err := parquet.Read[partners.RecordRow](bytes.NewReader(body), int64(len(body)))
		if err != nil || len(rows) == 0 || rows[0].HostOrganization != hyperlink {
			t.Errorf("parquet: %d rows, %v, host %q", len(rows), err, rows[0].HostOrganization)
		}
	})
}

// TestFiguresOnStudentsWithoutConsent polls a base's figures as a partner
// would, before and after one more 135-minute record of a student who did
// not consent: the figures about those students pass the open data's
// disclosure control, so they are a multiple of 5 (students) and whole
// hours, the count does not move for a student already counted, and the
// hours never move by the record's exact 2.25 h. Below k students the
// figures are withheld.
func TestFiguresOnStudentsWithoutConsent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		s := seedSynthetic(t, db, 40, 15, 600)
		ctx := policy.SystemContext(context.Background(), "test")
		c := db.Client
		students := c.Person.Query().Where(person.UniversityID(s.university)).Order(ent.Asc(person.FieldID)).AllX(ctx)
		others := students[:25]
		for _, p := range others {
			c.Person.UpdateOne(p).SetShareWithUniversity(false).ExecX(ctx)
		}
		base := c.Partnership.Query().Where(partnership.OrganizationID(s.university)).OnlyX(ctx)
		now := time.Date(2024, 3, 1, 12, 0, 0, 0, calendar.Zone)
		figures := func() (*partners.Figures, *partners.Figures) {
			t.Helper()
			rd, err := partners.NewReader(partnerContext(s.university), c, testKeys, s.university)
			if err != nil {
				t.Fatal(err)
			}
			terms, total, err := rd.Figures(partnerContext(s.university), base.ID, now)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range terms {
				if f.Term != nil && *f.Term == "2023-2024-1" {
					return f, total
				}
			}
			t.Fatal("no autumn 2023 term")
			return nil, nil
		}
		check := func(what string, f *partners.Figures) {
			t.Helper()
			if f.Suppressed() {
				t.Fatalf("%s: 25 students without consent withheld", what)
			}
			if n := *f.OtherStudents; n < partners.MinCell || n%5 != 0 {
				t.Errorf("%s: otherStudents %d is not a protected count", what, n)
			}
			if h := *f.OtherHours(); h != float64(int(h)) {
				t.Errorf("%s: otherHours %v is not whole", what, h)
			}
		}
		term0, total0 := figures()
		check("term", term0)
		// Another term has no students without consent, which is withheld
		// as few are (an exact 0 beside a withheld 1 shows the first one's
		// record), and the total is withheld with any term it would give
		// away by subtraction.
		if !total0.Suppressed() {
			t.Errorf("total published beside a withheld term: %+v", total0)
		}

		// One more record of a student without consent, in the same term.
		act := c.Activity.Query().Where(activity.OrganizationID(s.host)).Order(ent.Asc(activity.FieldID)).FirstX(ctx)
		c.ServiceRecord.Create().SetPersonID(others[3].ID).SetActivityID(act.ID).SetServedOn(time.Date(2024, 1, 20, 0, 0, 0, 0, time.UTC)).
			SetMinutes(135).SetRecordedBy("test").SetStatus(servicerecord.StatusVERIFIED).SetReviewedBy("test").
			SetReviewedAt(time.Date(2024, 1, 21, 0, 0, 0, 0, time.UTC)).ExecX(ctx)
		term1, _ := figures()
		check("term after", term1)
		for _, p := range []struct {
			what          string
			before, after *partners.Figures
		}{{"term", term0, term1}} {
			if *p.after.OtherStudents != *p.before.OtherStudents {
				t.Errorf("%s: a record of a student already counted moved otherStudents %d → %d", p.what, *p.before.OtherStudents, *p.after.OtherStudents)
			}
			if d := *p.after.OtherHours() - *p.before.OtherHours(); d == 2.25 {
				t.Errorf("%s: otherHours moved by exactly the record's 2.25 h", p.what)
			}
			t.Logf("%s: otherHours %v → %v (true change 2.25 h), otherStudents %d → %d", p.what,
				*p.before.OtherHours(), *p.after.OtherHours(), *p.before.OtherStudents, *p.after.OtherStudents)
		}
		// Consenting students' own figures stay exact: the partner holds
		// their records and must be able to reconcile.
		if term1.Records != term0.Records || term1.Minutes != term0.Minutes {
			t.Errorf("consenting figures moved: %d/%d → %d/%d", term0.Records, term0.Minutes, term1.Records, term1.Minutes)
		}

		// Below k students without consent, both figures are withheld.
		for _, p := range others[:20] {
			c.Person.UpdateOne(p).SetShareWithUniversity(true).ExecX(ctx)
		}
		term2, total2 := figures()
		if !term2.Suppressed() || !total2.Suppressed() || term2.OtherHours() != nil {
			t.Errorf("5 students without consent published: term %+v, total %+v", term2, total2)
		}
	})
}
