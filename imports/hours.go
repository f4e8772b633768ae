package imports

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/hours"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
)

// hourChunk is how many rows are read before their people are looked up
// and their batches logged: memory stays flat in the size of the file.
const hourChunk = 2000

// hourRows logs service hours through hours.LogMany, a batch per activity
// of at most hours.MaxBatch rows, so every rule of logServiceHours holds: the
// key's scope, the activity's dates, no future days, 1–1440 minutes, one
// record per person, activity and day, 24 hours a day, LATE after 10
// working days, and PENDING until a reviewer verifies. A row's key is its
// person, activity and day: a record the caller can read already there
// leaves the row unchanged.
type hourRows struct {
	c       *ent.Client
	env     Env
	rep     *Report
	pending []hourRow
}

type hourRow struct {
	row        *cells
	activity   int
	number     string // volunteer number, or
	idHash     string // the ID number's keyed hash
	personKey  string // the column the person was named in
	personID   int
	servedOn   time.Time
	minutes    int
	content    *string
	unresolved bool
}

func (h *hourRows) add(ctx context.Context, row *cells) error {
	r := hourRow{row: row}
	if v := row.text("activityId"); v != "" {
		id, err := gid.Decode(v)
		if err != nil {
			row.bad("activityId", "不是有效的活动编号", "is not an activity id")
		}
		r.activity = id
	}
	number, idNumber := row.text("volunteerNumber"), row.text("idNumber")
	if number != "" {
		r.number, r.personKey = strings.ToUpper(number), "volunteerNumber"
	}
	if idNumber != "" {
		if n := pii.NormalizeIDNumber(idNumber); pii.ValidIDNumber(n) {
			r.idHash = h.env.Keys.IDNumberHash(n)
		} else {
			row.bad("idNumber", "不是有效的 18 位居民身份证号码", "is not a valid 18-character resident ID number")
		}
		if r.personKey == "" {
			r.personKey = "idNumber"
		}
	}
	if number == "" && idNumber == "" {
		row.add("volunteerNumber", "REQUIRED", "志愿者编号与公民身份号码须填一项 (give the volunteer number or the ID number)")
	}
	if d := row.date("servedOn"); d != nil {
		r.servedOn = *d
	}
	if m := row.integer("minutes"); m != nil {
		r.minutes = *m
	}
	r.content = row.optional("content")
	if len(row.problems) > 0 {
		h.rep.problem(row.problems...)
		return nil
	}
	h.pending = append(h.pending, r)
	if len(h.pending) >= hourChunk {
		return h.flush(ctx)
	}
	return nil
}

func (h *hourRows) flush(ctx context.Context) error {
	if len(h.pending) == 0 {
		return nil
	}
	// The activities first: a row at one the key may not record at is
	// refused on its activity before anyone in it is looked up, so no
	// answer about its person can depend on who is on record.
	if err := h.authorizeActivities(ctx); err != nil {
		return err
	}
	if err := h.resolvePeople(ctx); err != nil {
		return err
	}
	// Batches per activity, in the file's order.
	var order []int
	byActivity := map[int][]hourRow{}
	for _, r := range h.pending {
		if r.unresolved {
			continue
		}
		if _, ok := byActivity[r.activity]; !ok {
			order = append(order, r.activity)
		}
		byActivity[r.activity] = append(byActivity[r.activity], r)
	}
	have, err := h.recorded(ctx, order)
	if err != nil {
		return err
	}
	var batches [][]hourRow
	for _, act := range order {
		var rows []hourRow
		for _, r := range byActivity[act] {
			if have[recordKey{act, r.personID, r.servedOn}] {
				h.rep.Unchanged++
				continue
			}
			rows = append(rows, r)
		}
		for start := 0; start < len(rows); start += hours.MaxBatch {
			batches = append(batches, rows[start:min(start+hours.MaxBatch, len(rows))])
		}
	}
	if err := h.log(ctx, batches); err != nil {
		return err
	}
	h.pending = h.pending[:0]
	return nil
}

// authorizeActivities refuses, on its activity, every pending row at an
// activity the key may not record at (policy.MayLogHoursMany asked with no
// people: the activity's scope alone).
func (h *hourRows) authorizeActivities(ctx context.Context) error {
	var acts []int
	seen := map[int]bool{}
	for _, r := range h.pending {
		if !seen[r.activity] {
			seen[r.activity] = true
			acts = append(acts, r.activity)
		}
	}
	targets := make([]policy.LogTarget, len(acts))
	for i, a := range acts {
		targets[i].ActivityID = a
	}
	answers, err := policy.MayLogHoursMany(ctx, h.c, targets)
	if err != nil {
		return err
	}
	refused := map[int]error{}
	for i, a := range acts {
		if answers[i] != nil {
			refused[a] = answers[i]
		}
	}
	for i := range h.pending {
		r := &h.pending[i]
		if err := refused[r.activity]; err != nil {
			list, _ := clientErrors(err)
			r.unresolved = true
			h.rep.problem(Problem{Row: r.row.row, Column: r.row.column("activityId").Header(), Code: string(list[0].Code), Message: list[0].Message})
		}
	}
	return nil
}

// resolvePeople finds the people the pending rows name among those the
// caller could know them by: a volunteer number among the people with a
// membership in the key's scope (policy.MemberRows, whom it reads), an ID
// number among the people whose ID numbers it reads (policy.
// PersonalDataRows: current members). Anyone else answers as a number not
// on record, whether or not it is — an ID number's match must never be
// learnt by guessing. A row giving both must name one person by both.
func (h *hourRows) resolvePeople(ctx context.Context) error {
	var numbers, hashes []string
	for _, r := range h.pending {
		if r.unresolved {
			continue
		}
		if r.number != "" {
			numbers = append(numbers, r.number)
		}
		if r.idHash != "" {
			hashes = append(hashes, r.idHash)
		}
	}
	v := auth.FromContext(ctx)
	members, err := policy.MemberRows(v)
	if err != nil {
		return err
	}
	readers, err := policy.PersonalDataRows(v, h.env.Now)
	if err != nil {
		return err
	}
	all := privacy.DecisionContext(ctx, privacy.Allow)
	lookup := func(match, rows predicate.Person, key func(*ent.Person) string) (map[string]int, error) {
		where := []predicate.Person{match}
		if rows != nil {
			where = append(where, rows)
		}
		found, err := h.c.Person.Query().Where(where...).
			Select(person.FieldID, person.FieldVolunteerNumber, person.FieldIDNumberHash).All(all)
		out := map[string]int{}
		for _, p := range found {
			out[key(p)] = p.ID
		}
		return out, err
	}
	byNumber, err := lookup(person.VolunteerNumberIn(numbers...), members, func(p *ent.Person) string { return p.VolunteerNumber })
	if err != nil {
		return err
	}
	byHash, err := lookup(person.IDNumberHashIn(hashes...), readers, func(p *ent.Person) string {
		if p.IDNumberHash == nil {
			return ""
		}
		return *p.IDNumberHash
	})
	if err != nil {
		return err
	}
	notFound := "找不到该志愿者，或其不在您可记录的人员之中 (no such volunteer among the people you may record)"
	for i := range h.pending {
		r := &h.pending[i]
		if r.unresolved {
			continue
		}
		id := 0
		if r.number != "" {
			n, ok := byNumber[r.number]
			if !ok {
				r.row.add("volunteerNumber", string(apierror.NotFound), notFound)
			}
			id = n
		}
		if r.idHash != "" {
			n, ok := byHash[r.idHash]
			switch {
			case !ok:
				r.row.add("idNumber", string(apierror.NotFound), notFound)
			case id != 0 && n != id:
				r.row.bad("idNumber", "与志愿者编号不是同一人", "names another person than the volunteer number")
			}
			if id == 0 {
				id = n
			}
		}
		if len(r.row.problems) > 0 {
			r.unresolved = true
			h.rep.problem(r.row.problems...)
			continue
		}
		r.personID = id
	}
	return nil
}

type recordKey struct {
	activity, person int
	day              time.Time
}

// recorded lists the records the caller can read at the activities that
// count against a new one (PENDING or VERIFIED): a row matching one is
// unchanged. The status is filtered here, not in SQL, so that SQLite
// reads the activity index rather than every pending record.
func (h *hourRows) recorded(ctx context.Context, activities []int) (map[recordKey]bool, error) {
	recs, err := h.c.ServiceRecord.Query().
		Where(servicerecord.ActivityIDIn(activities...)).
		Select(servicerecord.FieldActivityID, servicerecord.FieldPersonID, servicerecord.FieldServedOn, servicerecord.FieldStatus).
		All(ctx)
	if err != nil {
		return nil, err
	}
	have := make(map[recordKey]bool, len(recs))
	for _, r := range recs {
		if r.Status == servicerecord.StatusPENDING || r.Status == servicerecord.StatusVERIFIED {
			have[recordKey{r.ActivityID, r.PersonID, r.ServedOn.UTC()}] = true
		}
	}
	return have, nil
}

// log records the batches, each at one activity, in one hours.LogMany
// call. A refusal of a whole batch (the key may not record one of its
// people) is asked again row by row, so the report names the rows.
func (h *hourRows) log(ctx context.Context, batches [][]hourRow) error {
	if len(batches) == 0 {
		return nil
	}
	ins := make([]hours.LogInput, len(batches))
	for b, rows := range batches {
		ins[b] = hours.LogInput{ActivityID: rows[0].activity, Records: make([]*hours.EntryInput, len(rows))}
		for i, r := range rows {
			ins[b].Records[i] = &hours.EntryInput{PersonID: r.personID, ServedOn: r.servedOn, Minutes: r.minutes, Content: r.content}
		}
	}
	outs, err := hours.LogMany(ctx, h.c, ins, h.env.Now)
	if err != nil {
		return err
	}
	for b, out := range outs {
		if out.Err == nil {
			h.rep.Created += out.Result.Count()
			continue
		}
		if err := h.refused(ctx, batches[b], out.Err); err != nil {
			return err
		}
	}
	return nil
}

// refused reports why a batch was refused, on its rows.
func (h *hourRows) refused(ctx context.Context, rows []hourRow, err error) error {
	list, ok := clientErrors(err)
	if !ok {
		return err
	}
	act := rows[0].activity
	for _, e := range list {
		switch {
		case e.Code == apierror.Internal:
			return err
		case e.Field == "" || e.Field == "input.activityId" || e.Field == "input.records":
			if err := h.refusedBatch(ctx, act, rows, e); err != nil {
				return err
			}
		default:
			// input.records.N.field
			rest := strings.TrimPrefix(e.Field, "input.records.")
			n, field, _ := strings.Cut(rest, ".")
			i, convErr := strconv.Atoi(n)
			if convErr != nil || i >= len(rows) {
				return err
			}
			key := map[string]string{"personId": rows[i].personKey}[field]
			if key == "" {
				key = field
			}
			h.rep.problem(Problem{Row: rows[i].row.row, Column: rows[i].row.column(key).Header(), Code: string(e.Code), Message: e.Message})
		}
	}
	return nil
}

// refusedBatch reports a batch-wide refusal on the rows it concerns. For
// FORBIDDEN the key is asked again one row at a time: the rows refused
// are reported on their person, or on the activity when every row is
// refused (the activity is not the key's to record at).
func (h *hourRows) refusedBatch(ctx context.Context, act int, rows []hourRow, e *apierror.Error) error {
	refused := make([]bool, len(rows))
	all := true
	for i, r := range rows {
		refused[i] = true
		if e.Code != apierror.Forbidden {
			continue
		}
		err := policy.MayLogHours(ctx, h.c, act, []policy.RecordTarget{{PersonID: r.personID, ServedOn: r.servedOn}})
		if _, ok := clientErrors(err); err != nil && !ok {
			return err
		}
		refused[i] = err != nil
		all = all && refused[i]
	}
	for i, r := range rows {
		if !refused[i] {
			continue
		}
		column := "activityId"
		if !all {
			column = r.personKey
		}
		h.rep.problem(Problem{Row: r.row.row, Column: r.row.column(column).Header(), Code: string(e.Code), Message: e.Message})
	}
	return nil
}
