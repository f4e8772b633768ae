package servicepoints

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/servicepoint"
	"github.com/tongxing/tongxing/ent/servicepointexception"
	"github.com/tongxing/tongxing/ent/servicepointhours"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/openinghours"
	"github.com/tongxing/tongxing/policy"
)

// Opening hours follow Open Referral HSDS's schedule: weekly sessions (a
// day, an opening and a closing time, local) and exceptions that replace a
// date's sessions. Times are minutes after local midnight in the district's
// time zone (calendar.Zone); a session never runs past midnight (24:00 is
// its latest close), which keeps "open at" a single comparison.

// SessionInput is the GraphQL OpeningSessionInput.
type SessionInput struct {
	Weekday servicepointhours.Weekday
	Opens   string
	Closes  string
}

const maxSessions = 50

var clockPattern = regexp.MustCompile(`^([01][0-9]|2[0-4]):([0-5][0-9])$`)

// ParseClock reads HH:MM (00:00–24:00) as minutes after midnight.
func ParseClock(s string) (int, bool) {
	m := clockPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	h, _ := strconv.Atoi(m[1])
	mm, _ := strconv.Atoi(m[2])
	if h == 24 && mm != 0 {
		return 0, false
	}
	return h*60 + mm, true
}

// Clock writes minutes after midnight as HH:MM.
func Clock(minutes int) string { return openinghours.Clock(minutes) }

// session checks one opening/closing pair, reporting on field prefix p.
func session(f *apierror.Fields, p, opens, closes string) (int, int, bool) {
	o, okO := ParseClock(opens)
	c, okC := ParseClock(closes)
	if !okO || o >= 24*60 {
		f.Add(p+"opens", "时间格式应为 HH:MM，00:00–23:59 (opens must be HH:MM, 00:00–23:59)")
	}
	if !okC || c == 0 {
		f.Add(p+"closes", "时间格式应为 HH:MM，00:01–24:00 (closes must be HH:MM, 00:01–24:00)")
	}
	if okO && okC && c <= o {
		f.Add(p+"closes", "关门时间应晚于开门时间；跨午夜请分为两段 (closes must be after opens; split a session across midnight in two)")
		return 0, 0, false
	}
	return o, c, okO && okC && o < 24*60 && c > 0
}

// pointToChange loads point id for a change of its hours, once the key
// may make it.
func pointToChange(ctx context.Context, c *ent.Client, id int) (*ent.ServicePoint, error) {
	if err := policy.MayChangeServicePointHours(ctx, c, id); err != nil {
		return nil, err
	}
	p, err := c.ServicePoint.Get(ctx, id)
	return p, input.NotFound(err, "服务点不存在 (no such service point)")
}

// SetHours replaces point id's weekly sessions.
func SetHours(ctx context.Context, c *ent.Client, id int, sessions []SessionInput) (*ent.ServicePoint, error) {
	p, err := pointToChange(ctx, c, id)
	if err != nil {
		return nil, err
	}
	f := apierror.NewFields("sessions")
	if len(sessions) > maxSessions {
		f.Add("", fmt.Sprintf("最多 %d 个时段 (at most %d sessions)", maxSessions, maxSessions))
		return nil, f.Err()
	}
	type span struct{ i, opens, closes int }
	byDay := map[servicepointhours.Weekday][]span{}
	for i, s := range sessions {
		if err := servicepointhours.WeekdayValidator(s.Weekday); err != nil {
			f.Add(fmt.Sprintf("%d.weekday", i), "星期无效 (invalid weekday)")
			continue
		}
		if o, cl, ok := session(f, fmt.Sprintf("%d.", i), s.Opens, s.Closes); ok {
			byDay[s.Weekday] = append(byDay[s.Weekday], span{i, o, cl})
		}
	}
	for _, spans := range byDay {
		sort.Slice(spans, func(a, b int) bool { return spans[a].opens < spans[b].opens })
		for k := 1; k < len(spans); k++ {
			if spans[k].opens < spans[k-1].closes {
				f.Add(fmt.Sprintf("%d.opens", spans[k].i), "与同一天的另一时段重叠 (overlaps another session of the day)")
			}
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	// Deleted by id, and only when there are any: the row rules refuse a
	// bulk write that matches nothing.
	old, err := c.ServicePointHours.Query().Where(servicepointhours.ServicePointID(id)).IDs(ctx)
	if err != nil {
		return nil, err
	}
	if len(old) > 0 {
		if _, err := c.ServicePointHours.Delete().Where(servicepointhours.IDIn(old...)).Exec(ctx); err != nil {
			return nil, err
		}
	}
	creates := make([]*ent.ServicePointHoursCreate, 0, len(sessions))
	for _, s := range sessions {
		o, _ := ParseClock(s.Opens)
		cl, _ := ParseClock(s.Closes)
		creates = append(creates, c.ServicePointHours.Create().SetServicePointID(id).SetWeekday(s.Weekday).SetOpensAt(o).SetClosesAt(cl))
	}
	if err := c.ServicePointHours.CreateBulk(creates...).Exec(ctx); err != nil {
		return nil, err
	}
	// The point's updatedAt marks the change for clients syncing by it.
	saved, err := p.Update().SetUpdatedAt(time.Now()).Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// SetException sets the hours of one date of point id: closed when opens
// and closes are both nil.
func SetException(ctx context.Context, c *ent.Client, id int, date time.Time, opens, closes, reason *string) (*ent.ServicePointException, error) {
	p, err := pointToChange(ctx, c, id)
	if err != nil {
		return nil, err
	}
	f := apierror.NewFields("")
	input.Reasonable(f, "date", &date)
	var o, cl *int
	switch {
	case opens == nil && closes == nil:
	case opens == nil || closes == nil:
		f.Add("opens", "开门与关门时间应同时填写，或同时省略表示全天闭馆 (give both opens and closes, or neither for closed)")
	default:
		if a, b, ok := session(f, "", *opens, *closes); ok {
			o, cl = &a, &b
		}
	}
	why := input.OptionalText(f, "reason", reason, 200)
	if err := f.Err(); err != nil {
		return nil, err
	}
	day := calendar.Date(date)
	if err := deleteException(ctx, c, id, day); err != nil && !ent.IsNotFound(err) {
		return nil, err
	}
	saved, err := c.ServicePointException.Create().SetServicePointID(id).SetDate(day).
		SetNillableOpensAt(o).SetNillableClosesAt(cl).SetNillableReason(why).Save(ctx)
	if err == nil {
		err = p.Update().SetUpdatedAt(time.Now()).Exec(ctx)
	}
	return audit.Acted(ctx, saved, err)
}

// RemoveException removes the exception of date from point id.
func RemoveException(ctx context.Context, c *ent.Client, id int, date time.Time) (*ent.ServicePoint, error) {
	p, err := pointToChange(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if err := deleteException(ctx, c, id, calendar.Date(date)); err != nil {
		return nil, input.NotFound(err, "该日期没有特殊安排 (no exception on that date)")
	}
	saved, err := p.Update().SetUpdatedAt(time.Now()).Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// deleteException deletes point id's exception on day, by its id (the row
// rules refuse a bulk delete that matches nothing); not found when none.
func deleteException(ctx context.Context, c *ent.Client, id int, day time.Time) error {
	e, err := c.ServicePointException.Query().Where(servicepointexception.ServicePointID(id), servicepointexception.Date(day)).Only(ctx)
	if err != nil {
		return err
	}
	return c.ServicePointException.DeleteOne(e).Exec(ctx)
}

// weekdays are ent's weekdays indexed by time.Weekday; dayOf the reverse.
var (
	weekdays = [7]servicepointhours.Weekday{
		time.Sunday: servicepointhours.WeekdaySUNDAY, time.Monday: servicepointhours.WeekdayMONDAY,
		time.Tuesday: servicepointhours.WeekdayTUESDAY, time.Wednesday: servicepointhours.WeekdayWEDNESDAY,
		time.Thursday: servicepointhours.WeekdayTHURSDAY, time.Friday: servicepointhours.WeekdayFRIDAY,
		time.Saturday: servicepointhours.WeekdaySATURDAY,
	}
	dayOf = func() map[servicepointhours.Weekday]time.Weekday {
		m := map[servicepointhours.Weekday]time.Weekday{}
		for d, w := range weekdays {
			m[w] = time.Weekday(d)
		}
		return m
	}()
)

// OpenAt selects the points open at instant t: in service that day, and
// either an exception of that date opens them at t, or there is none and
// a weekly session of that weekday does. One SQL predicate, so the filter
// pages and counts like any other.
func OpenAt(t time.Time) predicate.ServicePoint {
	local := t.In(calendar.Zone)
	day := calendar.Date(t)
	minute := local.Hour()*60 + local.Minute()
	exceptionThatDay := servicepointexception.Date(day)
	return servicepoint.And(
		servicepoint.Or(servicepoint.OpenedOnIsNil(), servicepoint.OpenedOnLTE(day)),
		servicepoint.Or(servicepoint.ClosedOnIsNil(), servicepoint.ClosedOnGTE(day)),
		servicepoint.Or(
			servicepoint.HasExceptionsWith(exceptionThatDay,
				servicepointexception.OpensAtLTE(minute), servicepointexception.ClosesAtGT(minute)),
			servicepoint.And(
				servicepoint.Not(servicepoint.HasExceptionsWith(exceptionThatDay)),
				servicepoint.HasWeeklyHoursWith(servicepointhours.WeekdayEQ(weekdays[local.Weekday()]),
					servicepointhours.OpensAtLTE(minute), servicepointhours.ClosesAtGT(minute)),
			),
		),
	)
}

// IsOpenAt reports whether point id is open at t.
func IsOpenAt(ctx context.Context, c *ent.Client, id int, t time.Time) (bool, error) {
	return c.ServicePoint.Query().Where(servicepoint.ID(id), OpenAt(t)).Exist(ctx)
}

// OSM writes weekly sessions and exceptions in OpenStreetMap's
// opening_hours syntax (package openinghours).
func OSM(hours []*ent.ServicePointHours, exceptions []*ent.ServicePointException) string {
	sessions := make([]openinghours.Session, len(hours))
	for i, h := range hours {
		sessions[i] = openinghours.Session{Day: dayOf[h.Weekday], Opens: h.OpensAt, Closes: h.ClosesAt}
	}
	ex := make([]openinghours.Exception, len(exceptions))
	for i, e := range exceptions {
		ex[i] = openinghours.Exception{Date: e.Date, Opens: e.OpensAt, Closes: e.ClosesAt}
	}
	return openinghours.Format(sessions, ex)
}
