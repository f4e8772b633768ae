package needs

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// SLA is how long a need of each urgency may stay unresolved.
type SLA map[need.Urgency]time.Duration

// DefaultSLA: a day for critical needs, three for high, a week for medium,
// two weeks for low.
var DefaultSLA = SLA{
	need.UrgencyCRITICAL: 24 * time.Hour,
	need.UrgencyHIGH:     72 * time.Hour,
	need.UrgencyMEDIUM:   7 * 24 * time.Hour,
	need.UrgencyLOW:      14 * 24 * time.Hour,
}

// ParseSLA reads TONGXING_NEED_SLA, e.g. "CRITICAL=12h,HIGH=48h"; urgencies
// not named keep their defaults.
func ParseSLA(s string) (SLA, error) {
	out := SLA{}
	for k, v := range DefaultSLA {
		out[k] = v
	}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	for _, part := range strings.Split(s, ",") {
		name, dur, ok := strings.Cut(strings.TrimSpace(part), "=")
		u := need.Urgency(strings.ToUpper(strings.TrimSpace(name)))
		d, err := time.ParseDuration(strings.TrimSpace(dur))
		if !ok || need.UrgencyValidator(u) != nil || err != nil || d <= 0 {
			return nil, fmt.Errorf("%q: want URGENCY=duration, e.g. HIGH=72h", part)
		}
		out[u] = d
	}
	return out, nil
}

// DueAt is when n should be resolved by.
func (s SLA) DueAt(n *ent.Need) time.Time { return n.OpenedAt.Add(s[n.Urgency]) }

// Overdue reports whether n is still unresolved past its due time.
func (s SLA) Overdue(n *ent.Need, now time.Time) bool {
	return (n.Status == need.StatusOPEN || n.Status == need.StatusMATCHED) && now.After(s.DueAt(n))
}

// OverduePredicate selects the needs Overdue reports, in SQL.
func (s SLA) OverduePredicate(now time.Time) predicate.Need {
	var late []predicate.Need
	for u, d := range s {
		late = append(late, need.And(need.UrgencyEQ(u), need.OpenedAtLT(now.Add(-d))))
	}
	return need.And(need.StatusIn(need.StatusOPEN, need.StatusMATCHED), need.Or(late...))
}

// DaysToResolve is the time from opening to resolution, in days.
func DaysToResolve(n *ent.Need) *float64 {
	if n.ResolvedAt == nil {
		return nil
	}
	d := n.ResolvedAt.Sub(n.OpenedAt).Hours() / 24
	return &d
}

// Assign matches a need to an organisation and/or a project.
//
// Like every change of a need, it is authorised before its arguments are
// checked (policy.MayUpdateNeed); update asks again, which costs a count.
func Assign(ctx context.Context, c *ent.Client, id int, orgID, projectID *int, now time.Time) (*ent.Need, error) {
	if err := policy.MayUpdateNeed(ctx, c, id, orgID); err != nil {
		return nil, err
	}
	if orgID == nil && projectID == nil {
		return nil, apierror.Invalid("organizationId", "须指定对接组织或项目 (give organizationId or projectId)")
	}
	status := need.StatusMATCHED
	in := UpdateInput{Status: &status}
	if orgID != nil {
		in.MatchedOrganizationID = graphql.OmittableOf(orgID)
	}
	if projectID != nil {
		in.MatchedProjectID = graphql.OmittableOf(projectID)
	}
	return update(ctx, c, id, in, now, "")
}

// Resolve marks a need resolved with what was done.
func Resolve(ctx context.Context, c *ent.Client, id int, note string, now time.Time) (*ent.Need, error) {
	if err := policy.MayUpdateNeed(ctx, c, id, nil); err != nil {
		return nil, err
	}
	f := apierror.NewFields("")
	note = input.Text(f, "note", note, maxText, true)
	if err := f.Err(); err != nil {
		return nil, err
	}
	status := need.StatusRESOLVED
	return update(ctx, c, id, UpdateInput{Status: &status, ResolutionNote: &note}, now, "")
}

// Close closes a need that will not be resolved, saying why.
func Close(ctx context.Context, c *ent.Client, id int, reason string, now time.Time) (*ent.Need, error) {
	if err := policy.MayUpdateNeed(ctx, c, id, nil); err != nil {
		return nil, err
	}
	f := apierror.NewFields("")
	reason = input.Text(f, "reason", reason, maxText, true)
	if err := f.Err(); err != nil {
		return nil, err
	}
	status := need.StatusCLOSED
	return update(ctx, c, id, UpdateInput{Status: &status, ResolutionNote: &reason}, now, "")
}
