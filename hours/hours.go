// Package hours records volunteer service time (志愿服务记录) and its review,
// following 志愿服务记录与证明出具办法: the organiser records, the organiser
// proves; records are reviewed, never edited in place or deleted.
package hours

import (
	"context"
	"fmt"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
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
	targets := make([]policy.RecordTarget, len(in.Records))
	personIDs := make([]int, 0, len(in.Records))
	for i, r := range in.Records {
		targets[i] = policy.RecordTarget{PersonID: r.PersonID, ServedOn: r.ServedOn}
		personIDs = append(personIDs, r.PersonID)
	}
	if err := policy.MayLogHours(ctx, c, in.ActivityID, targets); err != nil {
		return nil, err
	}

	f := apierror.NewFields("input")
	// The activity is a public register; only ADMIN gets this far with
	// one that does not exist.
	act, err := c.Activity.Get(ctx, in.ActivityID)
	if ent.IsNotFound(err) {
		f.Add("activityId", "活动不存在 (no such activity)")
		return nil, f.Err()
	}
	if err != nil {
		return nil, err
	}
	switch n := len(in.Records); {
	case n == 0:
		f.Add("records", "至少需要一条记录 (at least one record)")
	case n > MaxBatch:
		f.Add("records", fmt.Sprintf("一次最多 %d 条 (at most %d records per call)", MaxBatch, MaxBatch))
	}
	if err := f.Err(); err != nil {
		return nil, err
	}

	first := calendar.Date(act.StartsAt)
	last := calendar.Date(act.EndsAt)
	today := calendar.Date(now)
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

	type dayKey struct {
		person int
		day    time.Time
	}
	inBatch := map[dayKey]int{}
	contents := make([]*string, len(in.Records))
	for i, r := range in.Records {
		field := func(name string) string { return fmt.Sprintf("records.%d.%s", i, name) }
		if !exists[r.PersonID] {
			f.Add(field("personId"), "人员不存在 (no such person)")
		}
		day := r.ServedOn
		switch {
		case day.Before(first) || day.After(last):
			f.Add(field("servedOn"), fmt.Sprintf("服务日期应在活动日期 %s 至 %s 之内 (servedOn must be within the activity's dates)",
				first.Format(time.DateOnly), last.Format(time.DateOnly)))
		case day.After(today):
			f.Add(field("servedOn"), "服务日期不能晚于今天 (servedOn must not be in the future)")
		}
		if r.Minutes < 1 || r.Minutes > MaxDayMinutes {
			f.Add(field("minutes"), "时长应为 1–1440 分钟 (minutes must be between 1 and 1440)")
		}
		k := dayKey{r.PersonID, day}
		if _, dup := inBatch[k]; dup {
			f.Add(field("personId"), "同一人同一天在本批中重复 (person listed twice for the same day)")
		}
		inBatch[k] += r.Minutes
		contents[i] = input.OptionalText(f, field("content"), r.Content, maxContent)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}

	// Checks that read other records, now that the key is known to record
	// these people here and the input is well formed.
	used, err := minutesUsed(ctx, c, personIDs, first, last)
	if err != nil {
		return nil, err
	}
	already, err := recordedAt(ctx, c, act.ID)
	if err != nil {
		return nil, err
	}
	for k := range inBatch {
		inBatch[k] = 0
	}
	for i, r := range in.Records {
		field := func(name string) string { return fmt.Sprintf("records.%d.%s", i, name) }
		k := dayKey{r.PersonID, r.ServedOn}
		if already[k.person][k.day] {
			f.Add(field("personId"), "该人员当天在本活动已有记录 (person already has a record at this activity on that day)")
		}
		inBatch[k] += r.Minutes
		if used[k.person][k.day]+inBatch[k] > MaxDayMinutes {
			f.Add(field("minutes"), "该人员当天累计时长将超过 24 小时 (the person's records on that day would exceed 1440 minutes)")
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}

	recorder, _ := auth.Actor(ctx)
	late := IsLate(act.EndsAt, now)
	builders := make([]*ent.ServiceRecordCreate, len(in.Records))
	for i, r := range in.Records {
		builders[i] = c.ServiceRecord.Create().
			SetPersonID(r.PersonID).
			SetActivityID(act.ID).
			SetServedOn(r.ServedOn).
			SetMinutes(r.Minutes).
			SetNillableContent(contents[i]).
			SetRecordedBy(recorder).
			SetLate(late)
	}
	created, err := c.ServiceRecord.CreateBulk(builders...).Save(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]int, len(created))
	for i, r := range created {
		ids[i] = r.ID
	}
	return &Result{Activity: act, IDs: ids}, nil
}

// minutesUsed sums the non-rejected minutes each person already has on each
// day of the window.
//
// Only records the caller may read count: the cap's answer would otherwise
// tell an editor, by bisection, how long its member served elsewhere that
// day (docs/security.md, "Mutations: authorise before reading data"). ADMIN
// reads every record, so a day past 24 hours across organisations shows to
// the district, not to each organiser.
func minutesUsed(ctx context.Context, c *ent.Client, personIDs []int, first, last time.Time) (map[int]map[time.Time]int, error) {
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
	out := map[int]map[time.Time]int{}
	for _, r := range recs {
		if out[r.PersonID] == nil {
			out[r.PersonID] = map[time.Time]int{}
		}
		out[r.PersonID][r.ServedOn.UTC()] += r.Minutes
	}
	return out, nil
}

// recordedAt lists who already has a non-rejected record at the activity on
// which day.
func recordedAt(ctx context.Context, c *ent.Client, activityID int) (map[int]map[time.Time]bool, error) {
	recs, err := c.ServiceRecord.Query().
		Where(servicerecord.ActivityID(activityID), servicerecord.StatusIn(servicerecord.StatusPENDING, servicerecord.StatusVERIFIED)).
		Select(servicerecord.FieldPersonID, servicerecord.FieldServedOn).
		All(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return nil, err
	}
	out := map[int]map[time.Time]bool{}
	for _, r := range recs {
		if out[r.PersonID] == nil {
			out[r.PersonID] = map[time.Time]bool{}
		}
		out[r.PersonID][r.ServedOn.UTC()] = true
	}
	return out, nil
}
