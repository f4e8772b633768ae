// Package rollups keeps the summaries of VERIFIED service time that the
// figures read instead of the records: a person's minutes per month,
// organiser and division (HoursByPersonMonth) and a project's minutes and
// volunteers (HoursByProject). At district scale a project has over a
// thousand records and a year some 230,000; the figures read one row per
// project and a few per person.
//
// Roll-ups change in the transaction that changes the records they sum:
// hooks on the ent client (Register, which database.Open calls for every
// client) recount the rows of every person and project a change touches —
// a review that verifies or rejects, a correction that supersedes, an
// activity moved to another project, organiser or division — from the
// records, after the change and before the commit. A recount of the keys
// touched rather than an increment keeps them right by construction: a
// correction, a rejection or a second review can only leave the rows the
// records now give. The tests compare them with a full recount on both
// databases (docs/architecture.md, "Roll-ups").
//
// Records written in bulk without ent (hours.LogMany's INSERT) are PENDING
// and change no roll-up; the demo seed writes VERIFIED records in bulk and
// calls Rebuild before it commits.
package rollups

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent/dialect"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/hook"
	"github.com/tongxing/tongxing/ent/hoursbypersonmonth"
	"github.com/tongxing/tongxing/ent/hoursbyproject"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/ent/servicerecord"
)

// chunk bounds the ids one statement names: SQLite binds at most 32,766
// parameters, and PostgreSQL plans long IN lists slowly.
const chunk = 1000

// Register adds the hooks that keep the roll-ups to c, whose database
// speaks dialectName. Call it once per client.
func Register(c *ent.Client, dialectName string) {
	k := keeper{dialect: dialectName}
	c.ServiceRecord.Use(k.recordsHook())
	c.Activity.Use(k.activitiesHook())
}

// Rebuild recounts every roll-up from the records: after a bulk load that
// bypassed the hooks. Run it in the load's transaction.
func Rebuild(ctx context.Context, c *ent.Client, dialectName string) error {
	k := keeper{dialect: dialectName}
	for _, table := range []string{hoursbypersonmonth.Table, hoursbyproject.Table} {
		if _, err := c.ExecContext(ctx, "DELETE FROM "+table); err != nil {
			return err
		}
	}
	if _, err := c.ExecContext(ctx, k.personMonthsInsert("")); err != nil {
		return err
	}
	_, err := c.ExecContext(ctx, k.projectsInsert(""))
	return err
}

// Backfill rebuilds the roll-ups of a database that has verified records
// but no roll-ups: one written by a release before them, or restored from
// its backup. Empty roll-ups beside verified records are otherwise
// impossible: every verified record is in a person's month.
func Backfill(ctx context.Context, c *ent.Client, dialectName string) (bool, error) {
	all := allRows(ctx)
	kept, err := c.HoursByPersonMonth.Query().Exist(all)
	if err != nil || kept {
		return false, err
	}
	verified, err := c.ServiceRecord.Query().Where(servicerecord.StatusEQ(servicerecord.StatusVERIFIED)).Exist(all)
	if err != nil || !verified {
		return false, err
	}
	tx, err := c.Tx(ctx)
	if err != nil {
		return false, err
	}
	if err := Rebuild(ctx, tx.Client(), dialectName); err != nil {
		_ = tx.Rollback()
		return false, err
	}
	return true, tx.Commit()
}

// Refresh recounts the roll-up rows of people and projects from their
// VERIFIED records. Run it in the transaction that changed the records.
func Refresh(ctx context.Context, c *ent.Client, dialectName string, people, projects []int) error {
	return keeper{dialect: dialectName}.refresh(ctx, c, people, projects)
}

// keeper writes the roll-ups in one SQL dialect.
type keeper struct{ dialect string }

func (k keeper) refresh(ctx context.Context, c *ent.Client, people, projects []int) error {
	for _, keys := range []struct {
		ids           []int
		owner, rollup string // the table whose rows are locked, the roll-up's
		column, and   string // the roll-up's key column; the same narrowing of the records
		insert        func(and string) string
	}{
		{people, person.Table, hoursbypersonmonth.Table, "person_id", "s.person_id", k.personMonthsInsert},
		{projects, project.Table, hoursbyproject.Table, "project_id", "a.project_id", k.projectsInsert},
	} {
		for ids := range slices.Chunk(distinct(keys.ids), chunk) {
			in, args := k.in(ids)
			if err := k.lock(ctx, c, keys.owner, in, args); err != nil {
				return err
			}
			if _, err := c.ExecContext(ctx, "DELETE FROM "+keys.rollup+" WHERE "+keys.column+" IN ("+in+")", args...); err != nil {
				return err
			}
			if _, err := c.ExecContext(ctx, keys.insert("AND "+keys.and+" IN ("+in+")"), args...); err != nil {
				return err
			}
		}
	}
	return nil
}

// lock makes concurrent recounts of the same people or projects take turns
// on PostgreSQL. Without it two transactions verifying records of one
// person would each count the records they see — not the other's,
// uncommitted — and the later commit would keep a sum missing the
// earlier's records (or fail on the unique key). Each waits here for the
// other to commit; its next statements, under READ COMMITTED, then count
// both. The rows are locked in id order, so recounts cannot deadlock one
// another; FOR NO KEY UPDATE leaves the foreign-key checks of records
// being written meanwhile free to proceed. SQLite has one writer at a
// time and needs nothing.
func (k keeper) lock(ctx context.Context, c *ent.Client, table, in string, args []any) error {
	if k.dialect != dialect.Postgres {
		return nil
	}
	rows, err := c.QueryContext(ctx, "SELECT id FROM "+table+" WHERE id IN ("+in+") ORDER BY id FOR NO KEY UPDATE", args...)
	if err != nil {
		return err
	}
	return rows.Close()
}

// month is the first day of a record's month, 00:00 UTC, as the dialect
// stores times: SQLite keeps ent's text form, whose first seven characters
// are the year and month of the UTC date records are stored in.
func (k keeper) month() string {
	if k.dialect == dialect.Postgres {
		return "(date_trunc('month', s.served_on AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')"
	}
	return "(substr(s.served_on, 1, 7) || '-01 00:00:00+00:00')"
}

// personMonthsInsert sums the VERIFIED records (narrowed by and, a
// condition on s and a) into HoursByPersonMonth rows.
func (k keeper) personMonthsInsert(and string) string {
	m := k.month()
	return `INSERT INTO ` + hoursbypersonmonth.Table + ` (person_id, month, organization_id, region_id, minutes, records)
	SELECT s.person_id, ` + m + `, a.organization_id, a.region_id, SUM(s.minutes), COUNT(*)
	FROM ` + servicerecord.Table + ` s JOIN ` + activity.Table + ` a ON a.id = s.activity_id
	WHERE s.status = '` + servicerecord.StatusVERIFIED.String() + `' ` + and + `
	GROUP BY s.person_id, ` + m + `, a.organization_id, a.region_id`
}

// projectsInsert sums the VERIFIED records at projects' activities
// (narrowed by and) into HoursByProject rows.
func (k keeper) projectsInsert(and string) string {
	return `INSERT INTO ` + hoursbyproject.Table + ` (project_id, minutes, records, volunteers)
	SELECT a.project_id, SUM(s.minutes), COUNT(*), COUNT(DISTINCT s.person_id)
	FROM ` + servicerecord.Table + ` s JOIN ` + activity.Table + ` a ON a.id = s.activity_id
	WHERE s.status = '` + servicerecord.StatusVERIFIED.String() + `' AND a.project_id IS NOT NULL ` + and + `
	GROUP BY a.project_id`
}

// in is a list of placeholders for ids, in the dialect's form.
func (k keeper) in(ids []int) (string, []any) {
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i], args[i] = "?", id
		if k.dialect == dialect.Postgres {
			marks[i] = fmt.Sprintf("$%d", i+1)
		}
	}
	return strings.Join(marks, ", "), args
}

// recordsHook recounts the people and projects of the records a mutation
// creates VERIFIED, changes the status of, or deletes.
func (k keeper) recordsHook() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ServiceRecordFunc(func(ctx context.Context, m *ent.ServiceRecordMutation) (ent.Value, error) {
			status, statusSet := m.Status()
			switch {
			case m.Op().Is(ent.OpCreate) && status != servicerecord.StatusVERIFIED,
				m.Op().Is(ent.OpUpdate|ent.OpUpdateOne) && !statusSet:
				return next.Mutate(ctx, m)
			}
			var ids []int
			var before *touched
			if !m.Op().Is(ent.OpCreate) {
				var err error
				if ids, err = m.IDs(allRows(ctx)); err != nil {
					return nil, err
				}
				if m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
					if before, err = recordsTouch(ctx, m.Client(), ids); err != nil {
						return nil, err
					}
				}
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			if m.Op().Is(ent.OpCreate) {
				id, _ := m.ID()
				ids = []int{id}
			}
			t := before
			if t == nil {
				if t, err = recordsTouch(ctx, m.Client(), ids); err != nil {
					return nil, err
				}
			}
			return v, k.refresh(ctx, m.Client(), t.people, t.projects)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne|ent.OpDelete|ent.OpDeleteOne)
}

// activitiesHook recounts the people and projects of activities moved to
// another project, organiser or division: their records' time moves with
// them.
func (k keeper) activitiesHook() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ActivityFunc(func(ctx context.Context, m *ent.ActivityMutation) (ent.Value, error) {
			_, org := m.OrganizationID()
			_, region := m.RegionID()
			_, project := m.ProjectID()
			if !org && !region && !project && !m.ProjectCleared() {
				return next.Mutate(ctx, m)
			}
			all := allRows(ctx)
			ids, err := m.IDs(all)
			if err != nil {
				return nil, err
			}
			projectsBefore, err := projectsOf(ctx, m.Client(), ids)
			if err != nil {
				return nil, err
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			projectsAfter, err := projectsOf(ctx, m.Client(), ids)
			if err != nil {
				return nil, err
			}
			people, err := m.Client().ServiceRecord.Query().
				Where(servicerecord.ActivityIDIn(ids...), servicerecord.StatusEQ(servicerecord.StatusVERIFIED)).
				Unique(true).Select(servicerecord.FieldPersonID).Ints(all)
			if err != nil {
				return nil, err
			}
			return v, k.refresh(ctx, m.Client(), people, append(projectsBefore, projectsAfter...))
		})
	}, ent.OpUpdate|ent.OpUpdateOne)
}

// touched are the keys whose roll-up rows a change of records moves.
type touched struct{ people, projects []int }

// recordsTouch reads the people and projects of records ids.
func recordsTouch(ctx context.Context, c *ent.Client, ids []int) (*touched, error) {
	t := &touched{}
	all := allRows(ctx)
	for part := range slices.Chunk(ids, chunk) {
		recs, err := c.ServiceRecord.Query().Where(servicerecord.IDIn(part...)).
			Select(servicerecord.FieldPersonID, servicerecord.FieldActivityID).All(all)
		if err != nil {
			return nil, err
		}
		acts := make([]int, 0, len(recs))
		for _, r := range recs {
			t.people = append(t.people, r.PersonID)
			acts = append(acts, r.ActivityID)
		}
		projects, err := projectsOf(ctx, c, distinct(acts))
		if err != nil {
			return nil, err
		}
		t.projects = append(t.projects, projects...)
	}
	return t, nil
}

// projectsOf lists the projects activities ids belong to.
func projectsOf(ctx context.Context, c *ent.Client, ids []int) ([]int, error) {
	var out []int
	for part := range slices.Chunk(ids, chunk) {
		ps, err := c.Activity.Query().Where(activity.IDIn(part...), activity.ProjectIDNotNil()).
			Unique(true).Select(activity.FieldProjectID).Ints(allRows(ctx))
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
	}
	return out, nil
}

// allRows reads without the caller's row rules: a roll-up sums every
// record, and the figures decide who sees what of it.
func allRows(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

func distinct(ids []int) []int {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}
