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
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// CorrectionInput is the GraphQL RequestCorrectionInput.
type CorrectionInput struct {
	RecordID int
	ServedOn *time.Time
	Minutes  *int
	Content  *string
	Reason   string
}

// RequestCorrection files a correction of a verified record (Art. 13: the
// volunteer reports, the organisation verifies and corrects). The original
// is never changed here: the correction is a new PENDING record pointing at
// it, and only when a reviewer verifies the correction does the original
// become SUPERSEDED — both stay readable.
//
// Whether the key may file it is asked first (policy.MayCorrectRecord: the
// rule for logging hours, applied to the corrected record); then the
// input's shape; then the checks that read data (the original's state, an
// open correction, the day's total).
func RequestCorrection(ctx context.Context, c *ent.Client, in CorrectionInput, now time.Time) (*ent.ServiceRecord, error) {
	if err := policy.MayCorrectRecord(ctx, c, in.RecordID, in.ServedOn); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	orig, err := c.ServiceRecord.Get(ctx, in.RecordID)
	if ent.IsNotFound(err) { // ADMIN only: any other key was refused above
		f.Add("recordId", "服务记录不存在 (no such service record)")
		return nil, f.Err()
	}
	if err != nil {
		return nil, err
	}
	reason := input.Text(f, "reason", in.Reason, maxNote, true)
	content := input.OptionalText(f, "content", in.Content, maxContent)
	servedOn, minutes := orig.ServedOn, orig.Minutes
	if in.ServedOn != nil {
		servedOn = *in.ServedOn
	}
	if in.Minutes != nil {
		minutes = *in.Minutes
	}
	if content == nil {
		content = &orig.Content
	}
	act, err := c.Activity.Get(ctx, orig.ActivityID)
	if err != nil {
		return nil, err
	}
	first, last := calendar.Date(act.StartsAt), calendar.Date(act.EndsAt)
	switch {
	case servedOn.Before(first) || servedOn.After(last):
		f.Add("servedOn", fmt.Sprintf("服务日期应在活动日期 %s 至 %s 之内 (servedOn must be within the activity's dates)",
			first.Format(time.DateOnly), last.Format(time.DateOnly)))
	case servedOn.After(calendar.Date(now)):
		f.Add("servedOn", "服务日期不能晚于今天 (servedOn must not be in the future)")
	}
	if minutes < 1 || minutes > MaxDayMinutes {
		f.Add("minutes", "时长应为 1–1440 分钟 (minutes must be between 1 and 1440)")
	}
	if in.ServedOn == nil && in.Minutes == nil && in.Content == nil {
		f.Add("reason", "更正至少要改变日期、时长或内容之一 (a correction must change servedOn, minutes or content)")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if orig.Status != servicerecord.StatusVERIFIED {
		return nil, apierror.Invalid("input.recordId", fmt.Sprintf("只能更正已核实的记录，此记录为 %s；待审核记录请驳回后重新记录 (only VERIFIED records are corrected; this one is %s)", orig.Status, orig.Status))
	}
	open, err := c.ServiceRecord.Query().
		Where(servicerecord.CorrectsID(orig.ID), servicerecord.StatusEQ(servicerecord.StatusPENDING)).
		Exist(ctx)
	if err != nil {
		return nil, err
	}
	if open {
		return nil, apierror.New(apierror.Conflict, "该记录已有待审核的更正 (a correction of this record is already pending)")
	}
	used, err := minutesUsed(ctx, c, []int{orig.PersonID}, servedOn, servedOn)
	if err != nil {
		return nil, err
	}
	other := used[dayKey{orig.PersonID, servedOn}]
	if orig.ServedOn.UTC().Equal(servedOn) {
		other -= orig.Minutes // the correction replaces the original's minutes
	}
	if other+minutes > MaxDayMinutes {
		f.Add("minutes", "该人员当天累计时长将超过 24 小时 (the person's records on that day would exceed 1440 minutes)")
		return nil, f.Err()
	}
	recorder, _ := auth.Actor(ctx)
	saved, err := c.ServiceRecord.Create().
		SetPersonID(orig.PersonID).
		SetActivityID(orig.ActivityID).
		SetServedOn(servedOn).
		SetMinutes(minutes).
		SetContent(*content).
		SetRecordedBy(recorder).
		SetLate(IsLate(act.EndsAt, now)).
		SetCorrectsID(orig.ID).
		SetCorrectionReason(reason).
		Save(ctx)
	return audit.Acted(ctx, saved, err)
}
