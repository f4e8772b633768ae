package hours

import (
	"context"
	"fmt"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// Decision is the GraphQL ReviewDecision.
type Decision string

// Review decisions.
const (
	Verify Decision = "VERIFY"
	Reject Decision = "REJECT"
)

// ReviewInput is the GraphQL ReviewServiceRecordsInput.
type ReviewInput struct {
	IDs      []int
	Decision Decision
	Note     *string
}

// Review verifies or rejects pending records, all or none.
//
// A LATE record needs two different reviewers: the first verification is
// recorded and the record stays PENDING; the second, by someone else, makes
// it VERIFIED. A verified correction supersedes the record it corrects. A
// record that is no longer PENDING cannot be reviewed again: a change to a
// reviewed record is a correction, which keeps the original.
//
// Whether the key may review every listed record comes first
// (policy.MayReviewRecords: a record that does not exist and one outside
// the scope are refused alike), then the input's shape, then the records'
// states.
func Review(ctx context.Context, c *ent.Client, in ReviewInput, now time.Time) (*Result, error) {
	if err := policy.MayReviewRecords(ctx, c, in.IDs); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	switch n := len(in.IDs); {
	case n == 0:
		f.Add("ids", "至少需要一条记录 (at least one record)")
	case n > MaxBatch:
		f.Add("ids", fmt.Sprintf("一次最多 %d 条 (at most %d records per call)", MaxBatch, MaxBatch))
	}
	note := input.OptionalText(f, "note", in.Note, maxNote)
	if in.Decision == Reject && (note == nil || *note == "") {
		f.Add("note", "驳回时须填写审核意见 (a note is required when rejecting)")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	recs, err := c.ServiceRecord.Query().Where(servicerecord.IDIn(in.IDs...)).All(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[int]*ent.ServiceRecord, len(recs))
	for _, r := range recs {
		byID[r.ID] = r
	}
	reviewer, _ := auth.Actor(ctx)
	var final, firstOfTwo, superseded []int
	seen := map[int]bool{}
	for i, id := range in.IDs {
		field := fmt.Sprintf("ids.%d", i)
		r, ok := byID[id]
		switch {
		case !ok: // ADMIN only: any other key was refused above
			f.Add(field, "服务记录不存在 (no such service record)")
		case seen[id]:
			f.Add(field, "记录重复 (record listed twice)")
		case r.Status != servicerecord.StatusPENDING:
			f.Add(field, fmt.Sprintf("记录已审核（%s），不能再次审核 (record is already %s)", r.Status, r.Status))
		case in.Decision == Verify && r.Late && r.FirstVerifiedBy == reviewer:
			f.Add(field, "逾期补录的记录须由另一位审核人再次核实 (a LATE record needs a second, different reviewer)")
		case in.Decision == Verify && r.Late && r.FirstVerifiedBy == "":
			firstOfTwo = append(firstOfTwo, id)
		default:
			final = append(final, id)
			if in.Decision == Verify && r.CorrectsID != nil {
				superseded = append(superseded, *r.CorrectsID)
			}
		}
		seen[id] = true
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	pending := servicerecord.StatusEQ(servicerecord.StatusPENDING)
	if len(firstOfTwo) > 0 {
		n, err := c.ServiceRecord.Update().
			Where(servicerecord.IDIn(firstOfTwo...), pending,
				servicerecord.Or(servicerecord.FirstVerifiedByIsNil(), servicerecord.FirstVerifiedByEQ(""))).
			SetFirstVerifiedBy(reviewer).
			SetFirstVerifiedAt(now).
			Save(ctx)
		if err != nil {
			return nil, err
		}
		if n != len(firstOfTwo) {
			return nil, concurrent()
		}
	}
	if len(final) > 0 {
		status := servicerecord.StatusVERIFIED
		if in.Decision == Reject {
			status = servicerecord.StatusREJECTED
		}
		n, err := c.ServiceRecord.Update().
			Where(servicerecord.IDIn(final...), pending).
			SetStatus(status).
			SetReviewedBy(reviewer).
			SetReviewedAt(now).
			SetNillableReviewNote(note).
			Save(ctx)
		if err != nil {
			return nil, err
		}
		if n != len(final) {
			return nil, concurrent()
		}
	}
	if len(superseded) > 0 {
		if err := c.ServiceRecord.Update().
			Where(servicerecord.IDIn(superseded...), servicerecord.StatusEQ(servicerecord.StatusVERIFIED)).
			SetStatus(servicerecord.StatusSUPERSEDED).
			Exec(ctx); err != nil {
			return nil, err
		}
	}
	return &Result{IDs: in.IDs}, nil
}

func concurrent() error {
	return apierror.New(apierror.Conflict, "部分记录已被他人审核，请刷新后重试 (some records were reviewed concurrently; reload and retry)")
}
