package volunteers

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/ent/signup"
	"github.com/tongxing/tongxing/ent/volunteerevent"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/hours"
)

// Check-in codes (签到码). The organiser's device shows, for each 30-second
// step, a code that is an HMAC over the activity and the step; the
// volunteer's app scans it and submits it. A code proves that whoever
// submits it saw the screen during that step, at that activity.
const (
	// Step is how long one code is shown.
	Step = 30 * time.Second
	// Skew is how many steps either side of the submission's time a code
	// is still taken: for clocks that disagree and a slow scan.
	Skew = 1
	// EarlyCheckIn is how long before the start a volunteer may check in.
	EarlyCheckIn = 30 * time.Minute
	// LateCheckOut is how long after the end a volunteer may still check
	// out by code; later, the sweeper closes the check-in at the end.
	LateCheckOut = time.Hour
	// macBytes of the HMAC are in the code: 80 bits.
	macBytes = 10
	// QRScheme starts the content of the QR code the organiser shows:
	// tongxing-checkin:<activity ID>:<code>.
	QRScheme = "tongxing-checkin:"
)

var codeEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// DeriveCodeKey makes the check-in codes' HMAC key from the server's
// secret key, apart from every other key derived from it.
func DeriveCodeKey(secret []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("tongxing check-in codes v1"))
	return m.Sum(nil)
}

// stepOf is the code step t falls in.
func stepOf(t time.Time) int64 { return t.Unix() / int64(Step/time.Second) }

func (d *Desk) mac(activityID int, step int64) string {
	m := hmac.New(sha256.New, d.CodeKey)
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(activityID))
	binary.BigEndian.PutUint64(buf[8:], uint64(step))
	m.Write(buf[:])
	return codeEncoding.EncodeToString(m.Sum(nil)[:macBytes])
}

// CheckInCode is what the organiser's device shows.
type CheckInCode struct {
	ActivityID int
	Code       string
	// QR is the content of the QR code: QRScheme, the activity's ID, the
	// code.
	QR         string
	ValidUntil time.Time
}

// Code is the activity's code now. The organiser's editors and reviewers
// (the roster's readers, policy.SignUpRows) and ADMIN fetch it.
func (d *Desk) Code(ctx context.Context, c *ent.Client, activityID int) (*CheckInCode, error) {
	v := auth.FromContext(ctx)
	switch {
	case v == nil:
		return nil, auth.ErrUnauthenticated
	case v.Admin():
	case v.Role != auth.RoleEditor && v.Role != auth.RoleReviewer, v.Volunteer():
		return nil, auth.ErrForbidden
	default:
		ok, err := c.Activity.Query().Where(activity.ID(activityID), activity.OrganizationIDIn(v.Scope...)).Exist(allow(ctx))
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, auth.ErrForbidden
		}
	}
	act, err := c.Activity.Get(allow(ctx), activityID)
	if err != nil {
		return nil, apierror.New(apierror.NotFound, "活动不存在 (no such activity)")
	}
	now := d.now()
	if now.After(act.EndsAt.Add(LateCheckOut)) {
		return nil, apierror.Invalid("activityId", "活动已结束 (the activity is over)")
	}
	step := stepOf(now)
	code := fmt.Sprintf("%d.%s", step, d.mac(activityID, step))
	return &CheckInCode{ActivityID: activityID, Code: code, QR: QRScheme + gid.Encode(activityID) + ":" + code,
		ValidUntil: time.Unix((step+1)*int64(Step/time.Second), 0).UTC()}, nil
}

// Scan is one submitted code.
type Scan struct {
	ActivityID int
	Code       string
	// ScannedAt is the device's time of an offline scan; nil for a scan
	// submitted at once.
	ScannedAt *time.Time
}

var (
	errForeignCode = apierror.Invalid("code", "签到码无效，不属于该活动 (the code is not this activity's)")
	errExpiredCode = apierror.Invalid("code", "签到码已过期，请重新扫码 (the code has expired: scan again)")
	errReplayed    = apierror.Invalid("code", "该签到码已使用，请扫描新码 (the code was used already: scan the current one)")
)

// verify checks a code for the activity and returns the time the scan
// counts at and the code's step.
func (d *Desk) verify(s Scan, now time.Time, act *ent.Activity) (time.Time, int64, error) {
	stepText, macText, ok := strings.Cut(strings.TrimSpace(s.Code), ".")
	step, err := strconv.ParseInt(stepText, 10, 64)
	if !ok || err != nil || step <= 0 || len(macText) != codeEncoding.EncodedLen(macBytes) {
		return time.Time{}, 0, errForeignCode
	}
	if !hmac.Equal([]byte(macText), []byte(d.mac(s.ActivityID, step))) {
		return time.Time{}, 0, errForeignCode
	}
	at := now
	if s.ScannedAt != nil {
		at = *s.ScannedAt
		if at.After(now.Add(time.Minute)) {
			return time.Time{}, 0, apierror.Invalid("scannedAt", "扫码时间不能在将来 (scannedAt is in the future)")
		}
		if hours.IsLate(act.EndsAt, now) {
			return time.Time{}, 0, apierror.Invalid("scannedAt", "离线扫码须在活动结束后10个工作日内提交 (offline scans must reach us within 10 working days of the activity)")
		}
	}
	if diff := stepOf(at) - step; diff > Skew || diff < -Skew {
		return time.Time{}, 0, errExpiredCode
	}
	return at, step, nil
}

// scanned checks a scan of the caller's: the activity, the code, and the
// caller's sign-up for it. It returns the time the scan counts at and the
// code's step.
func (d *Desk) scanned(ctx context.Context, c *ent.Client, s Scan) (act *ent.Activity, su *ent.SignUp, now, at time.Time, step int64, err error) {
	pid, err := holder(ctx)
	if err != nil {
		return
	}
	if act, err = c.Activity.Get(allow(ctx), s.ActivityID); err != nil {
		err = input404(err)
		return
	}
	now = d.now()
	if at, step, err = d.verify(s, now, act); err != nil {
		return
	}
	su, err = c.SignUp.Query().Where(signup.ActivityID(s.ActivityID), signup.PersonID(pid)).Only(allow(ctx))
	if ent.IsNotFound(err) {
		err = apierror.Invalid("activityId", "您没有该活动的名额 (you have no place at this activity)")
	}
	return
}

// CheckIn records the caller's arrival at an activity they have a place
// at, by the code the organiser's device shows.
func (d *Desk) CheckIn(ctx context.Context, c *ent.Client, s Scan) (*ent.SignUp, error) {
	act, su, now, at, step, err := d.scanned(ctx, c, s)
	switch {
	case err != nil:
		return nil, err
	case su.Status != signup.StatusCONFIRMED:
		return nil, apierror.Invalid("activityId", "您没有该活动的名额 (you have no place at this activity)")
	case su.CheckedInAt != nil:
		if su.CheckInStep != nil && *su.CheckInStep == step {
			return nil, errReplayed
		}
		return nil, apierror.New(apierror.Conflict, "您已签到 (you have checked in already)")
	case at.Before(act.StartsAt.Add(-EarlyCheckIn)):
		return nil, apierror.Invalid("code", "活动开始前30分钟起方可签到 (check-in opens 30 minutes before the start)")
	case !at.Before(act.EndsAt):
		return nil, apierror.Invalid("code", "活动已结束，不能签到 (the activity is over)")
	}
	// One place at a time: a check-in still open elsewhere (until the
	// sweeper closes it), or a stay elsewhere that covers the scan's time
	// (an offline scan dated into it), would count the same minutes twice.
	if err := d.oneStayAtATime(ctx, c, su, at, at); err != nil {
		return nil, err
	}
	// Conditional, so that of two check-ins at once (a double tap) one
	// wins and the other is told.
	upd := c.SignUp.Update().Where(signup.ID(su.ID), signup.CheckedInAtIsNil()).
		SetCheckedInAt(at).SetCheckInStep(step).SetUpdatedAt(now)
	if s.ScannedAt != nil {
		upd.SetOffline(true)
	}
	if n, err := upd.Save(allow(ctx)); err != nil || n == 0 {
		return nil, conflictOr(err, "您已签到 (you have checked in already)")
	}
	saved, err := c.SignUp.Get(allow(ctx), su.ID)
	return audit.Acted(ctx, saved, err)
}

// oneStayAtATime refuses a stay from..to of su's volunteer that would
// overlap another of their stays: one still open, or one whose check-in
// and check-out enclose any moment of it. Offline scans carry their own
// times, so the check is on the times, not only on what is open now.
func (d *Desk) oneStayAtATime(ctx context.Context, c *ent.Client, su *ent.SignUp, from, to time.Time) error {
	clash, err := c.SignUp.Query().Where(signup.PersonID(su.PersonID), signup.IDNEQ(su.ID), signup.CheckedInAtNotNil(),
		signup.Or(
			signup.CheckedOutAtIsNil(),
			signup.And(signup.CheckedInAtLTE(to), signup.CheckedOutAtGTE(from)),
		)).Exist(allow(ctx))
	if err != nil {
		return err
	}
	if clash {
		return apierror.New(apierror.Conflict, "您在另一活动尚未签退或时间重叠 (you are checked in elsewhere at that time: check out there first)")
	}
	return nil
}

// conflictOr is err, or a CONFLICT when a conditional update found the
// row changed by a concurrent request.
func conflictOr(err error, message string) error {
	if err != nil {
		return err
	}
	return apierror.New(apierror.Conflict, message)
}

// CheckOut records the caller's departure and turns the stay into a
// PENDING service record of the activity for its organiser's reviewers
// (谁组织谁记录、谁记录谁证明): minutes from check-in to check-out, within
// the activity's start and end.
func (d *Desk) CheckOut(ctx context.Context, c *ent.Client, s Scan) (*ent.SignUp, error) {
	act, su, now, at, step, err := d.scanned(ctx, c, s)
	switch {
	case err != nil:
		return nil, err
	case su.CheckedInAt == nil:
		return nil, apierror.Invalid("activityId", "请先签到 (check in first)")
	case su.CheckedOutAt != nil:
		if su.CheckOutStep != nil && *su.CheckOutStep == step {
			return nil, errReplayed
		}
		return nil, apierror.New(apierror.Conflict, "您已签退 (you have checked out already)")
	case su.CheckInStep != nil && step <= *su.CheckInStep:
		// The check-in's own code, or an older one, shown again.
		return nil, errReplayed
	case at.Before(*su.CheckedInAt):
		return nil, apierror.Invalid("scannedAt", "签退时间早于签到时间 (check-out before check-in)")
	case at.After(act.EndsAt.Add(LateCheckOut)):
		return nil, apierror.Invalid("code", "已超过签退时间，系统将按活动结束时间签退 (too late to check out: the check-in closes at the activity's end)")
	}
	if err := d.oneStayAtATime(ctx, c, su, *su.CheckedInAt, at); err != nil {
		return nil, err
	}
	upd := c.SignUp.Update().Where(signup.ID(su.ID), signup.CheckedOutAtIsNil()).
		SetCheckedOutAt(at).SetCheckOutStep(step).SetUpdatedAt(now)
	if s.ScannedAt != nil {
		upd.SetOffline(true)
	}
	if n, err := upd.Save(allow(ctx)); err != nil || n == 0 {
		return nil, conflictOr(err, "您已签退 (you have checked out already)")
	}
	saved, err := c.SignUp.Get(allow(ctx), su.ID)
	if err != nil {
		return nil, err
	}
	saved, err = d.record(ctx, c, saved, act, now)
	return audit.Acted(ctx, saved, err)
}

// record writes the PENDING service record of a finished stay. A stay of
// under a minute, or one the organiser already recorded that day, writes
// none: the reviewer has what counts.
func (d *Desk) record(ctx context.Context, c *ent.Client, su *ent.SignUp, act *ent.Activity, now time.Time) (*ent.SignUp, error) {
	from, to := *su.CheckedInAt, *su.CheckedOutAt
	if from.Before(act.StartsAt) {
		from = act.StartsAt
	}
	if to.After(act.EndsAt) {
		to = act.EndsAt
	}
	minutes := int(to.Sub(from) / time.Minute) // whole minutes served, never rounded up
	if minutes > 1440 {
		minutes = 1440
	}
	if minutes < 1 {
		return su, nil
	}
	day := calendar.Date(from)
	dup, err := c.ServiceRecord.Query().Where(servicerecord.PersonID(su.PersonID), servicerecord.ActivityID(act.ID),
		servicerecord.ServedOn(day), servicerecord.StatusIn(servicerecord.StatusPENDING, servicerecord.StatusVERIFIED)).Exist(allow(ctx))
	if err != nil || dup {
		return su, err
	}
	content := fmt.Sprintf("扫码签到 %s，签退 %s (check-in by code)", when(*su.CheckedInAt), when(*su.CheckedOutAt))
	if su.AutoClosed {
		content = fmt.Sprintf("扫码签到 %s，未签退，按活动结束时间 %s 计 (no check-out: closed at the activity's end)", when(*su.CheckedInAt), when(act.EndsAt))
	}
	if su.Offline {
		content += "；离线补交 (offline scan)"
	}
	rec, err := c.ServiceRecord.Create().SetPersonID(su.PersonID).SetActivityID(act.ID).SetServedOn(day).
		SetMinutes(minutes).SetContent(clip(content, 500)).SetRecordedBy(Recorder).
		SetCreatedAt(now).SetUpdatedAt(now).Save(allow(ctx))
	if err != nil {
		return nil, err
	}
	return su.Update().SetRecordID(rec.ID).Save(allow(ctx))
}

// Recorder is the recorded_by of records made from check-in and
// check-out: the organiser's reviewers see where the record came from.
const Recorder = "签到签退 check-in"

// CloseForgotten closes the check-ins of activities that ended more than
// LateCheckOut ago without a check-out, at the activity's end, flags them,
// writes their records and tells the volunteers. The server's sweeper
// runs it every minute; it returns how many it closed.
func (d *Desk) CloseForgotten(ctx context.Context, c *ent.Client) (int, error) {
	now := d.now()
	open, err := c.SignUp.Query().Where(signup.CheckedInAtNotNil(), signup.CheckedOutAtIsNil(),
		signup.HasActivityWith(activity.EndsAtLT(now.Add(-LateCheckOut)))).
		WithActivity().Limit(500).All(allow(ctx))
	if err != nil {
		return 0, err
	}
	closed := 0
	for _, su := range open {
		done, err := d.closeForgotten(ctx, c, su, now)
		if err != nil {
			return closed, err
		}
		if done {
			closed++
		}
	}
	return closed, nil
}

// closeForgotten closes one check-in in a transaction of its own; another
// process's sweeper that got there first leaves it nothing to do.
func (d *Desk) closeForgotten(ctx context.Context, c *ent.Client, su *ent.SignUp, now time.Time) (bool, error) {
	tx, err := c.Tx(ctx)
	if err != nil {
		return false, err
	}
	defer func() { _ = tx.Rollback() }()
	ctx, c = ent.NewTxContext(ctx, tx), tx.Client()
	act := su.Edges.Activity
	n, err := c.SignUp.Update().Where(signup.ID(su.ID), signup.CheckedOutAtIsNil()).
		SetCheckedOutAt(act.EndsAt).SetAutoClosed(true).SetUpdatedAt(now).Save(allow(ctx))
	if err != nil || n == 0 {
		return false, err
	}
	saved, err := c.SignUp.Get(allow(ctx), su.ID)
	if err != nil {
		return false, err
	}
	if _, err := d.record(ctx, c, saved, act, now); err != nil {
		return false, err
	}
	if err := d.emit(ctx, c, event{person: su.PersonID, kind: volunteerevent.KindCHECKED_OUT_AUTOMATICALLY, activity: act,
		message: "您在活动" + titled(act) + "未签退，已按活动结束时间签退，待组织方审核 (no check-out: closed at the activity's end, for review)",
		dedupe:  "auto-closed:" + strconv.Itoa(su.ID)}); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// Remind writes the 24-hour reminder of every confirmed volunteer whose
// activity starts within the next day, once per sign-up.
func (d *Desk) Remind(ctx context.Context, c *ent.Client) (int, error) {
	now := d.now()
	due, err := c.SignUp.Query().Where(signup.StatusEQ(signup.StatusCONFIRMED),
		signup.HasActivityWith(activity.StartsAtGT(now), activity.StartsAtLTE(now.Add(24*time.Hour)))).
		WithActivity().All(allow(ctx))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, su := range due {
		act := su.Edges.Activity
		key := "reminder:" + strconv.Itoa(su.ID)
		before, err := c.VolunteerEvent.Query().Where(volunteerevent.DedupeKey(key)).Exist(allow(ctx))
		if err != nil {
			return n, err
		}
		if before {
			continue
		}
		if err := d.emit(ctx, c, event{person: su.PersonID, kind: volunteerevent.KindREMINDER, activity: act,
			message: "提醒：活动" + titled(act) + "将于24小时内开始，地点：" + act.Place + " (reminder: the activity starts within 24 hours)",
			dedupe:  key}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func input404(err error) error {
	if ent.IsNotFound(err) {
		return apierror.Invalid("activityId", "活动不存在 (no such activity)")
	}
	return err
}
