package volunteers

import (
	"context"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/certificates"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/needrating"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// Residents close the loop (评单): the editor who resolved a need hands
// the resident a one-time code (on paper, or in a link); with it the
// resident rates the service once, without an account.

// RatingLifetime is how long a rating code may be used.
const RatingLifetime = 30 * 24 * time.Hour

// RatingCode is a new rating code, shown once.
type RatingCode struct {
	Code      string
	ExpiresAt time.Time
	rating    *ent.NeedRating
}

// AuditEvent names the rating (package audit).
func (r *RatingCode) AuditEvent() audit.Event { return audit.EntityEvent(r.rating) }

// HandOutRating makes the rating code of a resolved need, matched to an
// organisation within the editor's scope (policy.MayHandOutRating). A new
// code replaces an unused one; a need rated already gets none.
func (d *Desk) HandOutRating(ctx context.Context, c *ent.Client, needID int) (*RatingCode, error) {
	if err := policy.MayHandOutRating(ctx, c, needID); err != nil {
		return nil, err
	}
	n, err := c.Need.Query().Where(need.ID(needID)).WithRating().Only(allow(ctx))
	if err != nil {
		return nil, input.NotFound(err, "需求不存在 (no such need)")
	}
	if n.Status != need.StatusRESOLVED {
		return nil, apierror.Invalid("needId", "需求解决后方可请居民评价 (only a resolved need is rated)")
	}
	if r := n.Edges.Rating; r != nil && r.RatedAt != nil {
		return nil, apierror.New(apierror.Conflict, "居民已评价 (the resident has rated it already)")
	}
	code, err := certificates.NewCode()
	if err != nil {
		return nil, err
	}
	now := d.now()
	actor, _ := auth.Actor(ctx)
	var saved *ent.NeedRating
	if r := n.Edges.Rating; r != nil {
		saved, err = r.Update().SetCodeHash(codeHash(code)).SetCodeExpiresAt(now.Add(RatingLifetime)).
			SetIssuedBy(actor).SetUpdatedAt(now).Save(ctx)
	} else {
		saved, err = c.NeedRating.Create().SetNeedID(needID).SetCodeHash(codeHash(code)).
			SetCodeExpiresAt(now.Add(RatingLifetime)).SetIssuedBy(actor).SetCreatedAt(now).SetUpdatedAt(now).Save(ctx)
	}
	if err != nil {
		return nil, err
	}
	return &RatingCode{Code: certificates.GroupCode(code), ExpiresAt: saved.CodeExpiresAt, rating: saved}, nil
}

// Rated is the answer to a rating: thanks, and nothing about the need
// (whoever holds the code may not be the resident).
type Rated struct {
	Score  int
	rating *ent.NeedRating
}

// AuditEvent names the rating (package audit).
func (r *Rated) AuditEvent() audit.Event { return audit.EntityEvent(r.rating) }

// Rate records a resident's rating. Anyone holding the code may call it,
// once; every code that cannot be used gets the one ErrInvalidCode.
func (d *Desk) Rate(ctx context.Context, c *ent.Client, code string, score int, comment *string) (*Rated, error) {
	f := apierror.NewFields("")
	f.Check(score >= 1 && score <= 5, "score", "评分须为 1–5 (score is 1 to 5)")
	text := input.OptionalText(f, "comment", comment, 500)
	if err := f.Err(); err != nil {
		return nil, err
	}
	norm, ok := certificates.NormalizeCode(code)
	if !ok {
		return nil, ErrInvalidCode
	}
	now := d.now()
	r, err := c.NeedRating.Query().Where(needrating.CodeHash(codeHash(norm))).Only(allow(ctx))
	switch {
	case ent.IsNotFound(err):
		return nil, ErrInvalidCode
	case err != nil:
		return nil, err
	case r.RatedAt != nil || !now.Before(r.CodeExpiresAt):
		return nil, ErrInvalidCode
	}
	upd := c.NeedRating.Update().Where(needrating.ID(r.ID), needrating.RatedAtIsNil()).
		SetScore(score).SetRatedAt(now).SetUpdatedAt(now)
	if text != nil {
		upd.SetComment(*text)
	}
	n, err := upd.Save(allow(ctx))
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, ErrInvalidCode
	}
	return &Rated{Score: score, rating: r}, nil
}

// RatingOf is a need's rating as the caller may read it (the ratings' row
// rule, policy.NeedRatingRows), or nil.
func (d *Desk) RatingOf(ctx context.Context, c *ent.Client, needID int) (*ent.NeedRating, error) {
	r, err := c.NeedRating.Query().Where(needrating.NeedID(needID)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return r, err
}
