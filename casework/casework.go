// Package casework runs individual cases (个案): a case opened for a
// resident by a social-work agency, its assessment and plan, sessions,
// crisis interventions, the volunteers brought in, referrals, closure,
// sealing and purging. It is the only way into case files: they are not
// ent GraphQL types, so no filter, ordering, node lookup, export or
// aggregate reaches them (docs/casework.md).
//
// Every operation authorises first, from the key alone (policy.CaseRows:
// the agency's WORKER and SUPERVISOR keys, ADMIN), then checks the input's
// shape, then reads data. A case the caller may not read and a case that
// does not exist get the same answer. Every read states a reason and is
// audited with it; the narrative is sealed with the case-notes key.
package casework

import (
	"context"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/casefile"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
)

// Limits of the texts of a case.
const (
	maxDisplayName = 50
	maxNarrative   = 20000
	maxGoal        = 1000
	maxGoals       = 20
	minReason      = 4
	maxReason      = 300
)

// Desk is the case work of one server: the database and the case-notes
// key. A nil Notes means case work is not configured: every operation is
// refused.
type Desk struct {
	Notes *pii.CaseNotes
	Now   func() time.Time
}

func (d *Desk) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// ErrNotConfigured answers every case operation on a server without a
// case-notes key.
var ErrNotConfigured = apierror.New(apierror.Forbidden,
	"本服务器未启用个案功能（未配置 TONGXING_CASE_KEY） (case work is not enabled on this server: TONGXING_CASE_KEY is not set)")

// ErrNoCase is the one answer for a case, crisis or referral that does not
// exist and one the caller may not read.
var ErrNoCase = apierror.New(apierror.NotFound, "个案不存在或无权查看 (no such case, or not one this key may read)")

// authorize is the first step of every operation: it looks at the key
// only. ADMIN and the agencies' case keys go on; every other caller is
// refused before any data is read.
func (d *Desk) authorize(ctx context.Context) (*auth.Viewer, error) {
	v := auth.FromContext(ctx)
	switch {
	case v == nil:
		return nil, auth.ErrUnauthenticated
	case !v.Admin() && !policy.HasCasePermission(v):
		return nil, apierror.New(apierror.Forbidden, "需要个案权限的密钥 (case files need a key with case permission: an agency's WORKER or SUPERVISOR key, or ADMIN)")
	case d == nil || d.Notes == nil:
		return nil, ErrNotConfigured
	}
	return v, nil
}

// statedReason checks the reason every read of a case states.
func statedReason(f *apierror.Fields, reason string) string {
	r := input.Text(f, "reason", reason, maxReason, true)
	if r != "" && utf8.RuneCountInString(r) < minReason {
		f.Add("reason", "请说明查阅理由（至少 4 个字） (state why you read this case: at least 4 characters)")
	}
	return r
}

// readOK authorises a read and checks its reason.
func (d *Desk) readOK(ctx context.Context, reason string) (*auth.Viewer, string, error) {
	v, err := d.authorize(ctx)
	if err != nil {
		return nil, "", err
	}
	f := apierror.NewFields("")
	r := statedReason(f, reason)
	return v, r, f.Err()
}

// caseType names case files in the audit trail as the API does: Case.
const caseType = "Case"

// caseEvent is the audit event of acting on one case file.
func caseEvent(id int) audit.Event { return audit.Event{EntityType: caseType, EntityID: id} }

// record writes the audit event of a read: the caller, what was read, how
// many, and the reason. A read whose event cannot be written fails.
func record(ctx context.Context, c *ent.Client, action string, entityType string, id, count int, reason string) error {
	return audit.Record(ctx, c, audit.Event{Action: action, EntityType: entityType, EntityID: id, Count: count, Reason: reason})
}

// load fetches a case the caller reads (its own privacy rules apply), or
// ErrNoCase.
func load(ctx context.Context, c *ent.Client, id int) (*ent.CaseFile, error) {
	cf, err := c.CaseFile.Query().Where(casefile.ID(id), casefile.StatusNEQ(casefile.StatusPURGED)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrNoCase
	}
	return cf, err
}

// loadOpen is load for writes that need an open case.
func loadOpen(ctx context.Context, c *ent.Client, id int) (*ent.CaseFile, error) {
	cf, err := load(ctx, c, id)
	if err == nil && cf.Status != casefile.StatusOPEN {
		return nil, apierror.New(apierror.Conflict, "个案已结案 (the case is closed)")
	}
	return cf, err
}

// binding names where a sealed text lives: entity, field and row.
func binding(entity, field string, id int) string {
	return entity + "/" + field + "/" + strconv.Itoa(id)
}

func (d *Desk) seal(text, entity, field string, id int) ([]byte, error) {
	return d.Notes.Seal(text, binding(entity, field, id))
}

func (d *Desk) open(ct []byte, entity, field string, id int) (string, error) {
	if len(ct) == 0 {
		return "", nil
	}
	return d.Notes.Open(ct, binding(entity, field, id))
}

func (d *Desk) openPtr(ct []byte, entity, field string, id int) (*string, error) {
	if len(ct) == 0 {
		return nil, nil
	}
	s, err := d.open(ct, entity, field, id)
	return &s, err
}

func today(now time.Time) time.Time { return calendar.Date(now) }

func isSealed(cf *ent.CaseFile, now time.Time) bool {
	return cf.ClosedOn != nil && cf.ClosedOn.Before(policy.CaseSealedBefore(now))
}

func itoa(i int) string { return strconv.Itoa(i) }

// allRows is ctx for look-ups made after the caller was authorised for
// what they serve, which must see rows the caller's rules hide (a case's
// resident).
func allRows(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}
