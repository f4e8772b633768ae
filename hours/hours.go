// Package hours records volunteer service time (志愿服务记录) and its review,
// following 志愿服务记录与证明出具办法: the organiser records, the organiser
// proves; records are reviewed, never edited in place or deleted.
package hours

import (
	"context"
	"fmt"
	"slices"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// Limits of one batch and one day.
const (
	MaxBatch      = 500
	MaxDayMinutes = 1440
	maxContent    = 500
	maxNote       = 500
)

// EntryInput is the GraphQL ServiceHoursEntryInput.
type EntryInput struct {
	PersonID int
	ServedOn time.Time
	Minutes  int
	Content  *string
}

// LogInput is the GraphQL LogServiceHoursInput.
type LogInput struct {
	ActivityID int
	Records    []*EntryInput
}

// Result is what a batch operation created or changed.
type Result struct {
	Activity *ent.Activity
	IDs      []int
}

// Count is the number of records in the result.
func (r *Result) Count() int { return len(r.IDs) }

// AuditEvent says what a batch audits: the records' activity when the batch
// was logged at one, else the service records as a whole, with how many.
func (r *Result) AuditEvent() audit.Event {
	if r.Activity != nil {
		return audit.Event{EntityType: ent.TypeActivity, EntityID: r.Activity.ID, Count: r.Count()}
	}
	return audit.Event{EntityType: ent.TypeServiceRecord, Count: r.Count()}
}

// Log records a batch of service time at one activity. Either every entry
// is valid and all are written (PENDING), or nothing is.
//
// The order of the checks is the API's (docs/security.md): first whether
// the key may record these people at this activity (policy.MayLogHours),
// then the input's shape, and only then the checks that read other
// records — a record already at this activity that day, the 24 hours of a
// day — whose answers would otherwise tell anyone about service done
// elsewhere.
func Log(ctx context.Context, c *ent.Client, in LogInput, now time.Time) (*Result, error) {
	outs, err := LogMany(ctx, c, []LogInput{in}, now)
	if err != nil {
		return nil, err
	}
	return outs[0].Result, outs[0].Err
}

// Outcome is what LogMany did with one batch: its Result, or the client
// error that refused it (field paths as Log's: input.records.N.minutes).
type Outcome struct {
	Result *Result
	Err    error
}

// LogMany records several batches, each at one activity, by Log's rules
// and in Log's order, with the checks that read data asked once for all
// of them: the imports of thousands of rows make a handful of statements
// per call rather than per activity. Batches are independent, except that
// a person's day is summed across all of them (the 24 hours). Every batch
// without a problem is written; a batch with one writes nothing and says
// why in its Outcome. An error is the database's.
func LogMany(ctx context.Context, c *ent.Client, batches []LogInput, now time.Time) ([]Outcome, error) {
	outs := make([]Outcome, len(batches))
	fields := make([]*apierror.Fields, len(batches))
	live := func(i int) bool { return outs[i].Err == nil }
	fail := func(i int, err error) {
		if outs[i].Err == nil {
			outs[i].Err = err
		}
	}
	// Authorise every batch before anything is read.
	targets := make([]policy.LogTarget, len(batches))
	for i, in := range batches {
		targets[i].ActivityID = in.ActivityID
		for _, r := range in.Records {
			targets[i].Targets = append(targets[i].Targets, policy.RecordTarget{PersonID: r.PersonID, ServedOn: r.ServedOn})
		}
		fields[i] = apierror.NewFields("input")
	}
	answers, err := policy.MayLogHoursMany(ctx, c, targets)
	if err != nil {
		return nil, err
	}
	for i, err := range answers {
		if err != nil {
			fail(i, err)
		}
	}
	if !slices.ContainsFunc(outs, func(o Outcome) bool { return o.Err == nil }) {
		return outs, nil
	}

	// The activities are a public register; only ADMIN gets this far with
	// one that does not exist.
	var activityIDs []int
	for i, in := range batches {
		if live(i) {
			activityIDs = append(activityIDs, in.ActivityID)
		}
	}
	acts, err := c.Activity.Query().Where(activity.IDIn(activityIDs...)).All(ctx)
	if err != nil {
		return nil, err
	}
	activities := make(map[int]*ent.Activity, len(acts))
	for _, a := range acts {
		activities[a.ID] = a
	}
	var personIDs []int
	for i, in := range batches {
		if !live(i) {
			continue
		}
		f := fields[i]
		if activities[in.ActivityID] == nil {
			f.Add("activityId", "活动不存在 (no such activity)")
		}
		switch n := len(in.Records); {
		case n == 0:
			f.Add("records", "至少需要一条记录 (at least one record)")
		case n > MaxBatch:
			f.Add("records", fmt.Sprintf("一次最多 %d 条 (at most %d records per call)", MaxBatch, MaxBatch))
		}
		if err := f.Err(); err != nil {
			fail(i, err)
			continue
		}
		for _, r := range in.Records {
			personIDs = append(personIDs, r.PersonID)
		}
	}

	// Existence only: an EDITOR key has been allowed these people as
	// members, so only ADMIN can name one that does not exist, and ADMIN
	// reads every person.
	known, err := c.Person.Query().Where(person.IDIn(personIDs...)).IDs(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return nil, err
	}
	exists := make(map[int]bool, len(known))
	for _, id := range known {
		exists[id] = true
	}
	today := calendar.Date(now)
	contents := make([][]*string, len(batches))
	var first, last time.Time
	var checked []int
	for i, in := range batches {
		if !live(i) {
			continue
		}
		f, act := fields[i], activities[in.ActivityID]
		from, to := calendar.Date(act.StartsAt), calendar.Date(act.EndsAt)
		inBatch := map[dayKey]bool{}
		contents[i] = make([]*string, len(in.Records))
		for j, r := range in.Records {
			field := func(name string) string { return fmt.Sprintf("records.%d.%s", j, name) }
			if !exists[r.PersonID] {
				f.Add(field("personId"), "人员不存在 (no such person)")
			}
			switch day := r.ServedOn; {
			case day.Before(from) || day.After(to):
				f.Add(field("servedOn"), fmt.Sprintf("服务日期应在活动日期 %s 至 %s 之内 (servedOn must be within the activity's dates)",
					from.Format(time.DateOnly), to.Format(time.DateOnly)))
			case day.After(today):
				f.Add(field("servedOn"), "服务日期不能晚于今天 (servedOn must not be in the future)")
			}
			if r.Minutes < 1 || r.Minutes > MaxDayMinutes {
				f.Add(field("minutes"), "时长应为 1–1440 分钟 (minutes must be between 1 and 1440)")
			}
			k := dayKey{r.PersonID, r.ServedOn}
			if inBatch[k] {
				f.Add(field("personId"), "同一人同一天在本批中重复 (person listed twice for the same day)")
			}
			inBatch[k] = true
			contents[i][j] = input.OptionalText(f, field("content"), r.Content, maxContent)
		}
		if err := f.Err(); err != nil {
			fail(i, err)
			continue
		}
		checked = append(checked, i)
		if first.IsZero() || from.Before(first) {
			first = from
		}
		if to.After(last) {
			last = to
		}
	}
	if len(checked) == 0 {
		return outs, nil
	}

	// Checks that read other records, now that the key is known to record
	// these people here and the input is well formed.
	var people, checkedActs []int
	for _, i := range checked {
		checkedActs = append(checkedActs, batches[i].ActivityID)
		for _, r := range batches[i].Records {
			people = append(people, r.PersonID)
		}
	}
	used, err := minutesUsed(ctx, c, people, first, last)
	if err != nil {
		return nil, err
	}
	already, dialectName, err := recordedAt(ctx, c, checkedActs)
	if err != nil {
		return nil, err
	}
	day := map[dayKey]int{} // minutes of this call's batches so far, by person and day
	var write []int
	for _, i := range checked {
		f, in := fields[i], batches[i]
		mine := map[dayKey]int{}
		for j, r := range in.Records {
			field := func(name string) string { return fmt.Sprintf("records.%d.%s", j, name) }
			k := dayKey{r.PersonID, r.ServedOn}
			if already[in.ActivityID][k] {
				f.Add(field("personId"), "该人员当天在本活动已有记录 (person already has a record at this activity on that day)")
			}
			mine[k] += r.Minutes
			if used[k]+day[k]+mine[k] > MaxDayMinutes {
				f.Add(field("minutes"), "该人员当天累计时长将超过 24 小时 (the person's records on that day would exceed 1440 minutes)")
			}
		}
		if err := f.Err(); err != nil {
			fail(i, err)
			continue
		}
		for k, m := range mine {
			day[k] += m
		}
		write = append(write, i)
	}
	if len(write) == 0 {
		return outs, nil
	}

	recorder, _ := auth.Actor(ctx)
	var recs []newRecord
	for _, i := range write {
		act := activities[batches[i].ActivityID]
		late := IsLate(act.EndsAt, now)
		for j, r := range batches[i].Records {
			recs = append(recs, newRecord{activityID: act.ID, personID: r.PersonID, servedOn: r.ServedOn,
				minutes: r.Minutes, content: contents[i][j], late: late})
		}
	}
	ids, err := insertRecords(ctx, c, dialectName, recorder, recs)
	if err != nil {
		return nil, err
	}
	if len(ids) != len(recs) {
		return nil, fmt.Errorf("hours: %d records written, %d returned", len(recs), len(ids))
	}
	for _, i := range write {
		n := len(batches[i].Records)
		outs[i].Result = &Result{Activity: activities[batches[i].ActivityID], IDs: ids[:n:n]}
		ids = ids[n:]
	}
	return outs, nil
}

// dayKey is a person's calendar day.
type dayKey struct {
	person int
	day    time.Time
}

// minutesUsed sums the non-rejected minutes each person already has on each
// day of the window.
//
// Only records the caller may read count: the cap's answer would otherwise
// tell an editor, by bisection, how long its member served elsewhere that
// day (docs/security.md, "Mutations: authorise before reading data"). ADMIN
// reads every record, so a day past 24 hours across organisations shows to
// the district, not to each organiser.
func minutesUsed(ctx context.Context, c *ent.Client, personIDs []int, first, last time.Time) (map[dayKey]int, error) {
	where := []predicate.ServiceRecord{
		servicerecord.PersonIDIn(personIDs...),
		servicerecord.ServedOnGTE(first),
		servicerecord.ServedOnLTE(last),
		servicerecord.StatusIn(servicerecord.StatusPENDING, servicerecord.StatusVERIFIED),
	}
	rows, err := policy.ServiceRecordRows(auth.FromContext(ctx))
	if err != nil {
		return nil, err
	}
	if rows != nil {
		where = append(where, rows)
	}
	recs, err := c.ServiceRecord.Query().
		Where(where...).
		Select(servicerecord.FieldPersonID, servicerecord.FieldServedOn, servicerecord.FieldMinutes).
		All(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return nil, err
	}
	out := map[dayKey]int{}
	for _, r := range recs {
		out[dayKey{r.PersonID, r.ServedOn.UTC()}] += r.Minutes
	}
	return out, nil
}

// recordedAt lists, by activity, who already has a non-rejected record
// there on which day, and says which database answered (for
// insertRecords).
func recordedAt(ctx context.Context, c *ent.Client, activityIDs []int) (map[int]map[dayKey]bool, string, error) {
	var dialectName string
	// The status is filtered here, not in SQL: given both, SQLite picks
	// the (status, served_on) index and reads every pending record.
	recs, err := c.ServiceRecord.Query().
		Where(servicerecord.ActivityIDIn(activityIDs...), func(s *entsql.Selector) { dialectName = s.Dialect() }).
		Select(servicerecord.FieldActivityID, servicerecord.FieldPersonID, servicerecord.FieldServedOn, servicerecord.FieldStatus).
		All(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return nil, "", err
	}
	out := map[int]map[dayKey]bool{}
	for _, r := range recs {
		if r.Status != servicerecord.StatusPENDING && r.Status != servicerecord.StatusVERIFIED {
			continue
		}
		if out[r.ActivityID] == nil {
			out[r.ActivityID] = map[dayKey]bool{}
		}
		out[r.ActivityID][dayKey{r.PersonID, r.ServedOn.UTC()}] = true
	}
	return out, dialectName, nil
}
