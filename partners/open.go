package partners

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/partnership"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
)

// Open returns the reader of the university whose partner view the caller
// may read (policy.PartnerUniversity): a PARTNER key's own, or for ADMIN
// the one requested (0: none named, which is refused). One reader serves a
// whole request.
func Open(ctx context.Context, c *ent.Client, keys *pii.Keys, requested int) (*Reader, error) {
	u, err := policy.PartnerUniversity(ctx, requested)
	if err != nil {
		return nil, err
	}
	if u == 0 {
		return nil, apierror.Invalid("universityId", "管理员密钥须指定 universityId (ADMIN keys must name the university: universityId)")
	}
	v := auth.FromContext(ctx)
	r, err := v.Memo("partners/reader/"+strconv.Itoa(u), func() (any, error) {
		return NewReader(ctx, c, keys, u)
	})
	if err != nil {
		return nil, err
	}
	return r.(*Reader), nil
}

// OpenBase returns practice base id and its university's reader; requested
// is the university the caller named beside it (0: none). Whether the
// caller may read the base is policy.PartnerBase's decision: a base out of
// scope is NOT_FOUND, keys that may not read partner views are FORBIDDEN
// (before the base is looked up).
func OpenBase(ctx context.Context, c *ent.Client, keys *pii.Keys, requested, id int) (*Reader, *ent.Partnership, error) {
	if _, err := policy.PartnerUniversity(ctx, 0); err != nil {
		return nil, nil, err
	}
	b, err := c.Partnership.Query().Where(partnership.ID(id), partnership.KindEQ(partnership.KindPRACTICE_BASE)).Only(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := policy.PartnerBase(ctx, requested, b.OrganizationID); err != nil {
		return nil, nil, err
	}
	r, err := Open(ctx, c, keys, b.OrganizationID)
	if err != nil {
		return nil, nil, err
	}
	if b = r.View.Base(id); b == nil {
		return nil, nil, &ent.NotFoundError{}
	}
	return r, b, nil
}

// BaseFigures returns a base's figures per term and in total, computed once
// per reader (that is, per request) however many fields ask.
func (r *Reader) BaseFigures(ctx context.Context, base int, now time.Time) ([]*Figures, *Figures, error) {
	r.mu.Lock()
	if r.figures == nil {
		r.figures = map[int]*figuresOnce{}
	}
	f := r.figures[base]
	if f == nil {
		f = &figuresOnce{}
		r.figures[base] = f
	}
	r.mu.Unlock()
	f.once.Do(func() { f.terms, f.total, f.err = r.Figures(ctx, base, now) })
	return f.terms, f.total, f.err
}

type figuresOnce struct {
	once  sync.Once
	terms []*Figures
	total *Figures
	err   error
}
