package policy

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/casecrisis"
	"github.com/tongxing/tongxing/ent/casefile"
	"github.com/tongxing/tongxing/ent/casegoal"
	"github.com/tongxing/tongxing/ent/casereferral"
	"github.com/tongxing/tongxing/ent/caseresident"
	"github.com/tongxing/tongxing/ent/casesession"
	"github.com/tongxing/tongxing/ent/casevolunteer"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/privacy"
)

// Case files (docs/casework.md). Who reads a case:
//
//	WORKER key      EDITOR key of the agency, held by the case's responsible social worker
//	SUPERVISOR key  EDITOR key of the agency with the supervisor permission: every case of the agency
//	ADMIN           every case, sealed ones included; package casework demands a stated reason
//
// Sealed cases (closed longer ago than the retention period) and purged
// ones are ADMIN's alone. Nobody else reads any part of a case: not
// REVIEWER, PARTNER, other EDITOR keys of the agency, nor editors above it
// (a parent organisation's scope includes the agency, but case permission
// is the agency's own, never inherited).

// DefaultCaseSealAfter is how long a closed case stays readable to its
// agency before it is sealed, until SetCaseSealAfter is called.
const DefaultCaseSealAfter = 3 * 365 * 24 * time.Hour

var caseSealAfter atomic.Int64

// SetCaseSealAfter sets, process-wide, how long after closure a case is
// sealed (TONGXING_CASE_SEAL_AFTER); like SetChildDomains, because ent
// policies cannot take arguments. Zero or less restores the default.
func SetCaseSealAfter(d time.Duration) {
	if d <= 0 {
		d = 0
	}
	caseSealAfter.Store(int64(d))
}

// CaseSealAfter is the period in force.
func CaseSealAfter() time.Duration {
	if d := time.Duration(caseSealAfter.Load()); d > 0 {
		return d
	}
	return DefaultCaseSealAfter
}

// CaseSealedBefore is the closing date before which a closed case is
// sealed, as of now.
func CaseSealedBefore(now time.Time) time.Time {
	return calendar.Date(now.Add(-CaseSealAfter()))
}

// HasCasePermission reports whether v is an agency's case key: an EDITOR
// key scoped to one organisation with a case permission, and for WORKER a
// holder.
func HasCasePermission(v *auth.Viewer) bool {
	if v == nil || v.Role != auth.RoleEditor || v.OrganizationID == 0 {
		return false
	}
	switch v.Casework {
	case auth.CaseSupervisor:
		return true
	case auth.CaseWorker:
		return v.HolderID != 0
	}
	return false
}

// CaseRows is the read rule of case files: nil for ADMIN (every case),
// the agency's unsealed cases for a SUPERVISOR key, those its holder is
// responsible for for a WORKER key; everyone else reads none.
func CaseRows(v *auth.Viewer) (predicate.CaseFile, error) {
	switch {
	case v == nil:
		return nil, auth.ErrUnauthenticated
	case v.Admin():
		return nil, nil
	case !HasCasePermission(v):
		return nil, auth.ErrForbidden
	}
	open := casefile.And(
		casefile.AgencyID(v.OrganizationID),
		casefile.StatusNEQ(casefile.StatusPURGED),
		casefile.Or(casefile.ClosedOnIsNil(), casefile.ClosedOnGTE(CaseSealedBefore(time.Now()))),
	)
	if v.Casework == auth.CaseWorker {
		return casefile.And(open, casefile.ResponsibleWorkerID(v.HolderID)), nil
	}
	return open, nil
}

// ReferralRows: the referrals of readable cases, and those addressed to
// the key's own organisation, for its case keys to answer.
func ReferralRows(v *auth.Viewer) (predicate.CaseReferral, error) {
	cases, err := CaseRows(v)
	if err != nil || cases == nil {
		return nil, err
	}
	return casereferral.Or(
		casereferral.HasCaseWith(cases),
		casereferral.ToOrganizationID(v.OrganizationID),
	), nil
}

// CaseFile: read by CaseRows; written by the agency's case keys within
// the same rows, and created only for the key's own agency (by a WORKER
// key, only with its holder responsible). ADMIN writes too (sealing is a
// read rule; purging is ADMIN's); nothing ever deletes a case row, purging
// clears it.
func CaseFile() ent.Policy {
	return privacy.Policy{
		// neverDeleted goes before writes, whose head allows ADMIN: as for
		// service records, no key deletes, ADMIN included.
		Mutation: append(privacy.MutationPolicy{neverDeleted("a case is purged by clearing it, never deleted")}, writes(
			caseKey(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
				cm := m.(*ent.CaseFileMutation)
				if cm.Op().Is(ent.OpCreate) {
					agency, _ := cm.AgencyID()
					worker, _ := cm.ResponsibleWorkerID()
					return agency == v.OrganizationID && (v.Casework == auth.CaseSupervisor || worker == v.HolderID), nil
				}
				if agency, ok := cm.AgencyID(); ok && agency != v.OrganizationID {
					return false, nil
				}
				if worker, ok := cm.ResponsibleWorkerID(); ok && v.Casework == auth.CaseWorker && worker != v.HolderID {
					return false, nil
				}
				// Clearing moves a case away as surely as setting another
				// value: out of every case key's reach, or off its worker.
				if cm.AgencyCleared() || (v.Casework == auth.CaseWorker && cm.ResponsibleWorkerCleared()) {
					return false, nil
				}
				return readableCases(ctx, cm.Client(), v, func(ctx context.Context) ([]int, error) { return cm.IDs(ctx) })
			}))...),
		Query: privacy.QueryPolicy{rowsRule(CaseRows, func(q ent.Query, p predicate.CaseFile) {
			q.(*ent.CaseFileQuery).Where(p)
		})},
	}
}

// CasePart is the policy of a case's sessions, crises and volunteers:
// readable and writable exactly when their case is; never deleted but by
// purging.
func CasePart() ent.Policy {
	return casePart(neverDeleted("the parts of a case are cleared by purging, never deleted one by one"))
}

// CaseGoal is CasePart for plan goals, which a new plan replaces.
func CaseGoal() ent.Policy { return casePart() }

func casePart(head ...privacy.MutationRule) ent.Policy {
	return privacy.Policy{
		Mutation: append(privacy.MutationPolicy(head), writes(
			caseKey(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
				ids, none, err := caseIDsOf(ctx, m)
				if err != nil || none {
					// An update or delete that matches no row writes
					// nothing (closing a case ends "every open
					// assignment", of which there may be none).
					return none, err
				}
				if len(ids) == 0 {
					return false, nil
				}
				cm, ok := m.(interface{ Client() *ent.Client })
				if !ok {
					return false, nil
				}
				return readableCases(ctx, cm.Client(), v, func(context.Context) ([]int, error) { return ids, nil })
			}))...),
		Query: privacy.QueryPolicy{privacy.QueryRuleFunc(func(ctx context.Context, q ent.Query) error {
			v := auth.FromContext(ctx)
			if v != nil && v.System {
				return privacy.Allow
			}
			p, err := CaseRows(v)
			if err != nil {
				return fmt.Errorf("%w: %w", privacy.Deny, err)
			}
			if p == nil {
				return privacy.Allow
			}
			switch q := q.(type) {
			case *ent.CaseGoalQuery:
				q.Where(casegoal.HasCaseWith(p))
			case *ent.CaseSessionQuery:
				q.Where(casesession.HasCaseWith(p))
			case *ent.CaseCrisisQuery:
				q.Where(casecrisis.HasCaseWith(p))
			case *ent.CaseVolunteerQuery:
				q.Where(casevolunteer.HasCaseWith(p))
			default:
				return fmt.Errorf("%w: %w: no case rule for %T", privacy.Deny, auth.ErrForbidden, q)
			}
			return privacy.Skip
		})},
	}
}

// CaseReferral: created by the keys that read its case; changed by those
// and by the receiving organisation's case keys (answering it); read by
// ReferralRows. Which fields each side sets is package casework's.
func CaseReferral() ent.Policy {
	return privacy.Policy{
		Mutation: append(privacy.MutationPolicy{neverDeleted("referrals are cleared by purging, never deleted one by one")}, writes(
			caseKey(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
				rm := m.(*ent.CaseReferralMutation)
				if rm.Op().Is(ent.OpCreate) {
					id, _ := rm.CaseID()
					return readableCases(ctx, rm.Client(), v, func(context.Context) ([]int, error) { return []int{id}, nil })
				}
				ids, err := rm.IDs(allowAll(ctx))
				if err != nil || len(ids) == 0 {
					return false, err
				}
				// Each row is either addressed to the key's organisation
				// (answering) or a referral of a case the key reads.
				cases, _ := CaseRows(v)
				n, err := rm.Client().CaseReferral.Query().
					Where(casereferral.IDIn(ids...), casereferral.Or(
						casereferral.ToOrganizationID(v.OrganizationID),
						casereferral.HasCaseWith(cases),
					)).Count(allowAll(ctx))
				return n == len(ids), err
			}))...),
		Query: privacy.QueryPolicy{rowsRule(ReferralRows, func(q ent.Query, p predicate.CaseReferral) {
			q.(*ent.CaseReferralQuery).Where(p)
		})},
	}
}

// caseKey applies fn to the agencies' case keys only; other EDITOR keys,
// and REVIEWER keys, fall through to refusal.
func caseKey(fn func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error)) privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		v := auth.FromContext(ctx)
		if !HasCasePermission(v) {
			return privacy.Skip
		}
		ok, err := fn(ctx, v, m)
		switch {
		case err != nil:
			return err
		case ok:
			return privacy.Allow
		}
		return privacy.Skip
	})
}

// readableCases reports whether every case the ids function names is one
// v reads by CaseRows.
func readableCases(ctx context.Context, c *ent.Client, v *auth.Viewer, ids func(context.Context) ([]int, error)) (bool, error) {
	want, err := ids(allowAll(ctx))
	if err != nil || len(want) == 0 {
		return false, err
	}
	rows, err := CaseRows(v)
	if err != nil {
		return false, nil
	}
	q := c.CaseFile.Query().Where(casefile.IDIn(uniq(want)...))
	if rows != nil {
		q.Where(rows)
	}
	n, err := q.Count(allowAll(ctx))
	return n == len(uniq(want)), err
}

// caseIDsOf returns the cases a mutation of a case part touches: the case
// it is created in, or the cases of the rows it changes; none reports an
// update or delete that matches no row.
func caseIDsOf(ctx context.Context, m ent.Mutation) (ids []int, none bool, err error) {
	type created interface{ CaseID() (int, bool) }
	if m.Op().Is(ent.OpCreate) {
		if cm, ok := m.(created); ok {
			if id, ok := cm.CaseID(); ok {
				return []int{id}, false, nil
			}
		}
		return nil, false, nil
	}
	ctx = allowAll(ctx)
	var rows []int
	var cases func() ([]int, error)
	switch m := m.(type) {
	case *ent.CaseGoalMutation:
		rows, err = m.IDs(ctx)
		cases = func() ([]int, error) {
			return m.Client().CaseGoal.Query().Where(casegoal.IDIn(rows...)).Select(casegoal.FieldCaseID).Ints(ctx)
		}
	case *ent.CaseSessionMutation:
		rows, err = m.IDs(ctx)
		cases = func() ([]int, error) {
			return m.Client().CaseSession.Query().Where(casesession.IDIn(rows...)).Select(casesession.FieldCaseID).Ints(ctx)
		}
	case *ent.CaseCrisisMutation:
		rows, err = m.IDs(ctx)
		cases = func() ([]int, error) {
			return m.Client().CaseCrisis.Query().Where(casecrisis.IDIn(rows...)).Select(casecrisis.FieldCaseID).Ints(ctx)
		}
	case *ent.CaseVolunteerMutation:
		rows, err = m.IDs(ctx)
		cases = func() ([]int, error) {
			return m.Client().CaseVolunteer.Query().Where(casevolunteer.IDIn(rows...)).Select(casevolunteer.FieldCaseID).Ints(ctx)
		}
	default:
		return nil, false, nil
	}
	if err != nil || len(rows) == 0 {
		return nil, err == nil, err
	}
	ids, err = cases()
	return ids, false, err
}

// CaseResident: created by the case keys and ADMIN when a case is opened;
// changed by no case key (ADMIN may correct one), removed only by purging; read by ADMIN and by the
// readers of one of the resident's cases (package casework reads the
// identity only after it has authorised and audited the case read).
func CaseResident() ent.Policy {
	return privacy.Policy{
		Mutation: append(privacy.MutationPolicy{neverDeleted("a resident is removed by purging, never deleted one by one")},
			writes(caseKey(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
				return m.Op().Is(ent.OpCreate), nil
			}))...),
		Query: privacy.QueryPolicy{rowsRule(CaseRows, func(q ent.Query, p predicate.CaseFile) {
			q.(*ent.CaseResidentQuery).Where(caseresident.HasCasesWith(p))
		})},
	}
}
