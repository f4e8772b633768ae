package rollups_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/demo"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/hoursbypersonmonth"
	"github.com/tongxing/tongxing/ent/hoursbyproject"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
	"github.com/tongxing/tongxing/rollups"
)

func sys() context.Context { return policy.SystemContext(context.Background(), "rollups-test") }

// seeded is the demo district, whose records went in by bulk insert and
// whose roll-ups the seed rebuilt.
func seeded(t *testing.T, db *database.DB) {
	t.Helper()
	keys, err := pii.NewKeys([]byte("rollups-test-secret-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(sys(), db, keys); err != nil {
		t.Fatal(err)
	}
}

// sums are roll-up rows by key: minutes and records (and volunteers for a
// project).
type sums map[string][3]int

// recount sums every VERIFIED record afresh, in Go, the way the roll-ups
// define it: the reference the stored rows must equal.
func recount(t *testing.T, c *ent.Client) (people, projects sums) {
	t.Helper()
	ctx := sys()
	acts, err := c.Activity.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int]*ent.Activity{}
	for _, a := range acts {
		byID[a.ID] = a
	}
	recs, err := c.ServiceRecord.Query().Where(servicerecord.StatusEQ(servicerecord.StatusVERIFIED)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	people, projects = sums{}, sums{}
	volunteers := map[int]map[int]bool{}
	for _, r := range recs {
		a := byID[r.ActivityID]
		k := fmt.Sprintf("person %d %s org %d region %d", r.PersonID, r.ServedOn.UTC().Format("2006-01"), a.OrganizationID, a.RegionID)
		s := people[k]
		people[k] = [3]int{s[0] + r.Minutes, s[1] + 1}
		if a.ProjectID != nil {
			p := *a.ProjectID
			if volunteers[p] == nil {
				volunteers[p] = map[int]bool{}
			}
			volunteers[p][r.PersonID] = true
			k := fmt.Sprintf("project %d", p)
			s := projects[k]
			projects[k] = [3]int{s[0] + r.Minutes, s[1] + 1, len(volunteers[p])}
		}
	}
	return people, projects
}

// stored reads the roll-ups as kept.
func stored(t *testing.T, c *ent.Client) (people, projects sums) {
	t.Helper()
	ctx := sys()
	months, err := c.HoursByPersonMonth.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	people = sums{}
	for _, m := range months {
		if m.Month.UTC().Day() != 1 || m.Month.UTC().Hour() != 0 {
			t.Errorf("month %v is not the first of a month at 00:00 UTC", m.Month)
		}
		people[fmt.Sprintf("person %d %s org %d region %d", m.PersonID, m.Month.UTC().Format("2006-01"), m.OrganizationID, m.RegionID)] = [3]int{m.Minutes, m.Records}
	}
	rows, err := c.HoursByProject.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	projects = sums{}
	for _, p := range rows {
		projects[fmt.Sprintf("project %d", p.ProjectID)] = [3]int{p.Minutes, p.Records, p.Volunteers}
	}
	return people, projects
}

// sameAsRecount fails unless the roll-ups equal a full recount.
func sameAsRecount(t *testing.T, c *ent.Client, when string) {
	t.Helper()
	wantPeople, wantProjects := recount(t, c)
	gotPeople, gotProjects := stored(t, c)
	if len(wantPeople) == 0 || len(wantProjects) == 0 {
		t.Fatalf("%s: the recount is empty", when)
	}
	for _, d := range []struct {
		name      string
		got, want sums
	}{{"person-month", gotPeople, wantPeople}, {"project", gotProjects, wantProjects}} {
		if maps.Equal(d.got, d.want) {
			continue
		}
		n := 0
		for _, k := range slices.Sorted(maps.Keys(d.want)) {
			if d.got[k] != d.want[k] && n < 5 {
				t.Errorf("%s: %s roll-up %s = %v, recount %v", when, d.name, k, d.got[k], d.want[k])
				n++
			}
		}
		for k := range d.got {
			if _, ok := d.want[k]; !ok && n < 10 {
				t.Errorf("%s: %s roll-up %s = %v, not in the recount", when, d.name, k, d.got[k])
				n++
			}
		}
		t.Errorf("%s: %s roll-ups: %d rows, recount %d", when, d.name, len(d.got), len(d.want))
	}
}

// recordsWith returns up to n records of status, oldest first.
func recordsWith(t *testing.T, c *ent.Client, status servicerecord.Status, n int) []*ent.ServiceRecord {
	t.Helper()
	recs, err := c.ServiceRecord.Query().Where(servicerecord.StatusEQ(status)).
		Order(ent.Asc(servicerecord.FieldID)).Limit(n).All(sys())
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < n {
		t.Fatalf("the demo has %d %s records, want %d", len(recs), status, n)
	}
	return recs
}

func ids(recs []*ent.ServiceRecord) []int {
	out := make([]int, len(recs))
	for i, r := range recs {
		out[i] = r.ID
	}
	return out
}

// TestRollupsFollowTheRecords changes records and activities every way the
// API can — verify, reject, supersede, a record created verified, an
// activity moved to another project, organiser or division, out of its
// project — and compares the roll-ups with a full recount after each, on
// both databases.
func TestRollupsFollowTheRecords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		seeded(t, db)
		c := db.Client
		ctx := sys()
		sameAsRecount(t, c, "after the seed")

		pending := recordsWith(t, c, servicerecord.StatusPENDING, 60)
		inTx(t, c, func(tx *ent.Client) {
			if err := tx.ServiceRecord.Update().Where(servicerecord.IDIn(ids(pending[:40])...)).
				SetStatus(servicerecord.StatusVERIFIED).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			if err := tx.ServiceRecord.Update().Where(servicerecord.IDIn(ids(pending[40:])...)).
				SetStatus(servicerecord.StatusREJECTED).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		})
		sameAsRecount(t, c, "after verifying and rejecting")

		verified := recordsWith(t, c, servicerecord.StatusVERIFIED, 30)
		inTx(t, c, func(tx *ent.Client) {
			// A correction verified: the original is superseded, its
			// replacement (another day, other minutes) counts instead.
			orig := verified[0]
			if err := tx.ServiceRecord.UpdateOneID(orig.ID).SetStatus(servicerecord.StatusSUPERSEDED).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			if err := tx.ServiceRecord.Create().SetPersonID(orig.PersonID).SetActivityID(orig.ActivityID).
				SetServedOn(orig.ServedOn.AddDate(0, 0, 1)).SetMinutes(orig.Minutes + 30).SetRecordedBy("rollups-test").
				SetCorrectsID(orig.ID).SetCorrectionReason("test").SetStatus(servicerecord.StatusVERIFIED).
				SetReviewedBy("rollups-test").Exec(ctx); err != nil {
				t.Fatal(err)
			}
			if err := tx.ServiceRecord.Update().Where(servicerecord.IDIn(ids(verified[1:10])...)).
				SetStatus(servicerecord.StatusSUPERSEDED).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		})
		sameAsRecount(t, c, "after corrections")

		// Activities with verified time move: to another project, to none,
		// to another organiser and division.
		moved := movableActivities(t, c, 3)
		other, err := c.Activity.Query().Where(activity.ProjectIDNotNil(), activity.IDNotIn(moved[0].ID),
			activity.ProjectIDNEQ(*moved[0].ProjectID)).First(ctx)
		if err != nil {
			t.Fatal(err)
		}
		elsewhere, err := c.Activity.Query().Where(activity.OrganizationIDNEQ(moved[2].OrganizationID),
			activity.RegionIDNEQ(moved[2].RegionID)).First(ctx)
		if err != nil {
			t.Fatal(err)
		}
		inTx(t, c, func(tx *ent.Client) {
			if err := tx.Activity.UpdateOneID(moved[0].ID).SetProjectID(*other.ProjectID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			if err := tx.Activity.UpdateOneID(moved[1].ID).ClearProject().Exec(ctx); err != nil {
				t.Fatal(err)
			}
			if err := tx.Activity.UpdateOneID(moved[2].ID).SetOrganizationID(elsewhere.OrganizationID).
				SetRegionID(elsewhere.RegionID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		})
		sameAsRecount(t, c, "after moving activities")

		// A change rolled back leaves the roll-ups as they were.
		before, _ := stored(t, c)
		tx, err := c.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.ServiceRecord.Update().Where(servicerecord.IDIn(ids(recordsWith(t, c, servicerecord.StatusVERIFIED, 20))...)).
			SetStatus(servicerecord.StatusREJECTED).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		if after, _ := stored(t, c); !maps.Equal(before, after) {
			t.Error("a rolled-back review changed the roll-ups")
		}
		sameAsRecount(t, c, "after a rollback")
	})
}

// TestBackfill counts the roll-ups of a database written before them, once.
func TestBackfill(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		seeded(t, db)
		c := db.Client
		for _, table := range []string{hoursbypersonmonth.Table, hoursbyproject.Table} {
			if _, err := db.SQL.Exec("DELETE FROM " + table); err != nil {
				t.Fatal(err)
			}
		}
		done, err := rollups.Backfill(sys(), c, db.Dialect)
		if err != nil || !done {
			t.Fatalf("Backfill = %t, %v; want a backfill", done, err)
		}
		sameAsRecount(t, c, "after the backfill")
		if done, err := rollups.Backfill(sys(), c, db.Dialect); err != nil || done {
			t.Fatalf("second Backfill = %t, %v; want nothing to do", done, err)
		}
	})
}

// TestConcurrentReviewsOfOnePerson verifies two records of one person in
// two transactions at once, on PostgreSQL: each recount must include the
// other's records once it commits (rollups' row lock). Without the lock the
// second transaction counts without the first's records, or fails on the
// roll-up's unique key.
func TestConcurrentReviewsOfOnePerson(t *testing.T) {
	if os.Getenv(dbtest.EnvPostgres) == "" {
		t.Skip("PostgreSQL tests skipped: set " + dbtest.EnvPostgres + " to run them")
	}
	db := dbtest.OpenPostgres(t)
	seeded(t, db)
	c := db.Client
	ctx := sys()
	// A person with two pending records in a month without verified time
	// at that organiser and division: both transactions write the same
	// new roll-up row.
	a, b := twoPendingInANewMonth(t, c)
	first, err := c.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.ServiceRecord.UpdateOneID(a.ID).SetStatus(servicerecord.StatusVERIFIED).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		second, err := c.Tx(ctx)
		if err != nil {
			done <- err
			return
		}
		if err := second.ServiceRecord.UpdateOneID(b.ID).SetStatus(servicerecord.StatusVERIFIED).Exec(ctx); err != nil {
			_ = second.Rollback()
			done <- err
			return
		}
		done <- second.Commit()
	}()
	select {
	case err := <-done:
		t.Fatalf("the second review finished (%v) while the first held the person's roll-ups", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := first.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("second review: %v", err)
	}
	sameAsRecount(t, c, "after two concurrent reviews")
}

func inTx(t *testing.T, c *ent.Client, fn func(tx *ent.Client)) {
	t.Helper()
	tx, err := c.Tx(sys())
	if err != nil {
		t.Fatal(err)
	}
	fn(tx.Client())
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// movableActivities returns n activities in a project with verified time.
func movableActivities(t *testing.T, c *ent.Client, n int) []*ent.Activity {
	t.Helper()
	acts, err := c.Activity.Query().
		Where(activity.ProjectIDNotNil(), activity.HasServiceRecordsWith(servicerecord.StatusEQ(servicerecord.StatusVERIFIED))).
		Order(ent.Asc(activity.FieldID)).Limit(n).All(privacy.DecisionContext(context.Background(), privacy.Allow))
	if err != nil || len(acts) < n {
		t.Fatalf("activities with verified time in a project: %d, %v", len(acts), err)
	}
	return acts
}

// twoPendingInANewMonth finds two pending records of one person, at
// activities of one organiser and division in one month where the person
// has no verified time.
func twoPendingInANewMonth(t *testing.T, c *ent.Client) (a, b *ent.ServiceRecord) {
	t.Helper()
	ctx := sys()
	recs, err := c.ServiceRecord.Query().Where(servicerecord.StatusEQ(servicerecord.StatusPENDING)).WithActivity().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		person, org, region int
		month               string
	}
	byKey := map[key][]*ent.ServiceRecord{}
	for _, r := range recs {
		k := key{r.PersonID, r.Edges.Activity.OrganizationID, r.Edges.Activity.RegionID, r.ServedOn.UTC().Format("2006-01")}
		byKey[k] = append(byKey[k], r)
	}
	for k, rs := range byKey {
		if len(rs) < 2 {
			continue
		}
		month, _ := time.Parse("2006-01", k.month)
		kept, err := c.HoursByPersonMonth.Query().Where(hoursbypersonmonth.PersonID(k.person),
			hoursbypersonmonth.OrganizationID(k.org), hoursbypersonmonth.RegionID(k.region), hoursbypersonmonth.Month(month)).Exist(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !kept {
			return rs[0], rs[1]
		}
	}
	t.Fatal("the demo has no person with two pending records in a month without verified time")
	return nil, nil
}

// TestRollupsAreNotReadOrWrittenDirectly: no key writes a roll-up through
// ent, and only the server reads project roll-ups (results decides who
// sees which project figures); a person's months read as their records.
func TestRollupsAreNotReadOrWrittenDirectly(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	seeded(t, db)
	c := db.Client
	admin := auth.NewContext(context.Background(), &auth.Viewer{KeyID: 1, Name: "admin", Role: auth.RoleAdmin})
	if err := c.HoursByProject.Create().SetProjectID(1).SetMinutes(1).SetRecords(1).SetVolunteers(1).Exec(admin); !errors.Is(err, privacy.Deny) {
		t.Errorf("ADMIN wrote a project roll-up: %v", err)
	}
	if err := c.HoursByPersonMonth.Update().SetMinutes(0).Exec(admin); !errors.Is(err, privacy.Deny) {
		t.Errorf("ADMIN changed person-month roll-ups: %v", err)
	}
	if _, err := c.HoursByProject.Query().All(admin); !errors.Is(err, privacy.Deny) {
		t.Errorf("ADMIN read project roll-ups directly: %v", err)
	}
	if n, err := c.HoursByPersonMonth.Query().Count(admin); err != nil || n == 0 {
		t.Errorf("ADMIN reads %d person-month roll-ups (%v), want all", n, err)
	}
	anon := context.Background()
	if _, err := c.HoursByPersonMonth.Query().All(anon); !errors.Is(err, privacy.Deny) {
		t.Errorf("no key read person-month roll-ups: %v", err)
	}
}
