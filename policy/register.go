package policy

import (
	"context"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/partycoverage"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/servicepoint"
	"github.com/tongxing/tongxing/ent/servicepointexception"
	"github.com/tongxing/tongxing/ent/servicepointhours"
)

// The public registers of the Xiuzhou model that editors keep for their
// own organisations: Party-organisation coverage and service points. Reads
// are open to all (docs/registers.md); these are the write rules.

// PartyCoverage: an editor records the coverage of organisations within
// its scope. The Party organisation named may be any: the branch that
// covers a social organisation is usually outside the organisation's own
// scope (a town's committee, the district's social-organisation committee).
func PartyCoverage() ent.Policy {
	return privacy.Policy{Mutation: writes(editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
		cm := m.(*ent.PartyCoverageMutation)
		if cm.Op().Is(ent.OpCreate) {
			org, ok := cm.OrganizationID()
			return ok && v.InScope(org), nil
		}
		return everyRow(ctx, cm, func(ctx context.Context, ids []int) (int, error) {
			return cm.Client().PartyCoverage.Query().Where(partycoverage.IDIn(ids...), partycoverage.OrganizationIDIn(v.Scope...)).Count(ctx)
		})
	}))}
}

// pointsOf: a service point is an editor's when the scope runs it or
// leads it.
func pointsOf(v *auth.Viewer) predicate.ServicePoint {
	return servicepoint.Or(servicepoint.OperatorIDIn(v.Scope...), servicepoint.LeadIDIn(v.Scope...))
}

// ServicePoint: an editor writes the points its scope runs or leads, and a
// write leaves the point so: after it, the operator or the lead is within
// the scope (it cannot hand a point to, or create one for, outside bodies
// alone). The projects it links to a point are projects its scope takes
// part in, as for an activity: a point counts in what a project delivers.
func ServicePoint() ent.Policy {
	return privacy.Policy{Mutation: writes(editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
		pm := m.(*ent.ServicePointMutation)
		for _, p := range pm.ProjectsIDs() {
			if in, err := participatesInScope(ctx, pm.Client(), v, p); err != nil || !in {
				return false, err
			}
		}
		operator, setsOperator := pm.OperatorID()
		lead, setsLead := pm.LeadID()
		newSideInScope := (setsOperator && v.InScope(operator)) || (setsLead && v.InScope(lead))
		if pm.Op().Is(ent.OpCreate) {
			return newSideInScope, nil
		}
		return everyRow(ctx, pm, func(ctx context.Context, ids []int) (int, error) {
			q := pm.Client().ServicePoint.Query().Where(servicepoint.IDIn(ids...), pointsOf(v))
			if !newSideInScope && (setsOperator || setsLead || pm.LeadCleared()) {
				// The sides the write leaves as they are must hold the
				// point in the scope.
				var kept []predicate.ServicePoint
				if !setsOperator {
					kept = append(kept, servicepoint.OperatorIDIn(v.Scope...))
				}
				if !setsLead && !pm.LeadCleared() {
					kept = append(kept, servicepoint.LeadIDIn(v.Scope...))
				}
				q.Where(servicepoint.Or(append(kept, servicepoint.IDIn())...))
			}
			return q.Count(ctx)
		})
	}))}
}

// ServicePointHours: the hours of a point within the editor's scope.
func ServicePointHours() ent.Policy {
	return privacy.Policy{Mutation: writes(editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
		hm := m.(*ent.ServicePointHoursMutation)
		if hm.Op().Is(ent.OpCreate) {
			point, _ := hm.ServicePointID()
			return pointIDInScope(ctx, hm.Client(), v, point)
		}
		return everyRow(ctx, hm, func(ctx context.Context, ids []int) (int, error) {
			return hm.Client().ServicePointHours.Query().Where(servicepointhours.IDIn(ids...),
				servicepointhours.HasServicePointWith(pointsOf(v))).Count(ctx)
		})
	}))}
}

// ServicePointException: the exceptions of a point within the editor's
// scope.
func ServicePointException() ent.Policy {
	return privacy.Policy{Mutation: writes(editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
		em := m.(*ent.ServicePointExceptionMutation)
		if em.Op().Is(ent.OpCreate) {
			point, _ := em.ServicePointID()
			return pointIDInScope(ctx, em.Client(), v, point)
		}
		return everyRow(ctx, em, func(ctx context.Context, ids []int) (int, error) {
			return em.Client().ServicePointException.Query().Where(servicepointexception.IDIn(ids...),
				servicepointexception.HasServicePointWith(pointsOf(v))).Count(ctx)
		})
	}))}
}

func pointIDInScope(ctx context.Context, c *ent.Client, v *auth.Viewer, id int) (bool, error) {
	return c.ServicePoint.Query().Where(servicepoint.ID(id), pointsOf(v)).Exist(allowAll(ctx))
}
