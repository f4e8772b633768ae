package policy

import (
	"context"
	"fmt"
	"time"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/outcome"
	"github.com/tongxing/tongxing/ent/partnership"
	"github.com/tongxing/tongxing/ent/partybuildinglink"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/ent/projectparticipation"
)

// The roles, in short (docs/security.md has the full table):
//   anonymous  reads the public registers; writes nothing
//   PARTNER    reads its own university's consenting students (as pseudonyms) and their records; writes nothing
//   EDITOR     writes within its organisation and those under it (its scope)
//   REVIEWER   reviews service records of activities within its scope
//   ADMIN      everything

func forbidden(format string, args ...any) error {
	return fmt.Errorf("%w: %w: %s", privacy.Deny, auth.ErrForbidden, fmt.Sprintf(format, args...))
}

func unauthenticated() error {
	return fmt.Errorf("%w: %w", privacy.Deny, auth.ErrUnauthenticated)
}

// allowAll is the context rules use for their own look-ups, which must see
// every row to judge the mutation (a filtered look-up would judge too little).
func allowAll(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// writes is the common head of every mutation policy: no key, no write;
// partners never write; ADMIN writes anything. Editors and reviewers fall
// through to the entity's own rule, and are refused when none allows them.
func writes(rules ...privacy.MutationRule) privacy.MutationPolicy {
	head := privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		v := auth.FromContext(ctx)
		switch {
		case v == nil:
			return unauthenticated()
		case v.Admin():
			return privacy.Allow
		case v.Role == auth.RolePartner:
			return forbidden("partner keys are read-only")
		}
		return privacy.Skip
	})
	tail := privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		return forbidden("%s %s is outside the key's scope", m.Op(), m.Type())
	})
	return append(append(privacy.MutationPolicy{head}, rules...), tail)
}

// editor applies fn to EDITOR keys only.
func editor(fn func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error)) privacy.MutationRule {
	return role(auth.RoleEditor, fn)
}

func role(r auth.Role, fn func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error)) privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		v := auth.FromContext(ctx)
		if v == nil || v.Role != r {
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

func allInScope(v *auth.Viewer, ids ...int) bool {
	if len(ids) == 0 {
		return false
	}
	for _, id := range ids {
		if !v.InScope(id) {
			return false
		}
	}
	return true
}

// Public is the policy of the public registers that only ADMIN maintains
// (regions, taxonomies, terms, indicators).
func Public() ent.Policy {
	return privacy.Policy{Mutation: writes()}
}

// Organization: an editor creates organisations under its own and changes
// those within its scope.
func Organization() ent.Policy {
	return privacy.Policy{Mutation: writes(editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
		om := m.(*ent.OrganizationMutation)
		if parent, ok := om.ParentID(); ok && !v.InScope(parent) {
			return false, nil
		}
		if om.Op().Is(ent.OpCreate) {
			parent, ok := om.ParentID()
			return ok && v.InScope(parent), nil
		}
		ids, err := om.IDs(allowAll(ctx))
		return allInScope(v, ids...), err
	}))}
}

// PartyBuildingLink: either side within the editor's scope.
func PartyBuildingLink() ent.Policy {
	return privacy.Policy{Mutation: writes(editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
		lm := m.(*ent.PartyBuildingLinkMutation)
		if lm.Op().Is(ent.OpCreate) {
			party, _ := lm.PartyOrganizationID()
			partner, _ := lm.PartnerID()
			return v.InScope(party) || v.InScope(partner), nil
		}
		return everyRow(ctx, lm, func(ctx context.Context, ids []int) (int, error) {
			return lm.Client().PartyBuildingLink.Query().Where(partybuildinglink.IDIn(ids...),
				partybuildinglink.Or(partybuildinglink.PartyOrganizationIDIn(v.Scope...), partybuildinglink.PartnerIDIn(v.Scope...))).Count(ctx)
		})
	}))}
}

// Partnership: either side within the editor's scope.
func Partnership() ent.Policy {
	return privacy.Policy{Mutation: writes(editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
		pm := m.(*ent.PartnershipMutation)
		if pm.Op().Is(ent.OpCreate) {
			org, _ := pm.OrganizationID()
			partner, _ := pm.PartnerID()
			return v.InScope(org) || v.InScope(partner), nil
		}
		return everyRow(ctx, pm, func(ctx context.Context, ids []int) (int, error) {
			return pm.Client().Partnership.Query().Where(partnership.IDIn(ids...),
				partnership.Or(partnership.OrganizationIDIn(v.Scope...), partnership.PartnerIDIn(v.Scope...))).Count(ctx)
		})
	}))}
}

// ledInScope reports whether every project is led by an organisation in scope.
func ledInScope(ctx context.Context, c *ent.Client, v *auth.Viewer, projectIDs ...int) (bool, error) {
	if len(projectIDs) == 0 {
		return false, nil
	}
	n, err := c.Project.Query().Where(project.IDIn(projectIDs...), project.HasParticipationsWith(
		projectparticipation.RoleEQ(projectparticipation.RoleLEAD), projectparticipation.OrganizationIDIn(v.Scope...))).Count(allowAll(ctx))
	return n == len(uniq(projectIDs)), err
}

// participatesInScope reports whether an organisation within the scope
// takes part in project, in any role.
func participatesInScope(ctx context.Context, c *ent.Client, v *auth.Viewer, projectID int) (bool, error) {
	return c.ProjectParticipation.Query().Where(projectparticipation.ProjectID(projectID),
		projectparticipation.OrganizationIDIn(v.Scope...)).Exist(allowAll(ctx))
}

// leadableInScope reports whether the scope may name a LEAD of project:
// it has no lead yet (it is being created), or the scope leads it already.
func leadableInScope(ctx context.Context, c *ent.Client, v *auth.Viewer, projectID int) (bool, error) {
	led, err := c.ProjectParticipation.Query().Where(projectparticipation.ProjectID(projectID),
		projectparticipation.RoleEQ(projectparticipation.RoleLEAD)).Exist(allowAll(ctx))
	if err != nil || !led {
		return !led && err == nil, err
	}
	return ledInScope(ctx, c, v, projectID)
}

func uniq(ids []int) []int {
	seen := map[int]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// Project: an editor may start a project (its LEAD participation, which
// must be in scope, is checked as it is written) and change projects its
// scope leads.
func Project() ent.Policy {
	return privacy.Policy{Mutation: writes(editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
		pm := m.(*ent.ProjectMutation)
		if parent, ok := pm.ParentID(); ok {
			// A sub-project counts in its parent's progress: only the
			// parent's lead may hang one under it.
			if led, err := ledInScope(ctx, pm.Client(), v, parent); err != nil || !led {
				return false, err
			}
		}
		if pm.Op().Is(ent.OpCreate) {
			return true, nil
		}
		ids, err := pm.IDs(allowAll(ctx))
		if err != nil {
			return false, err
		}
		return ledInScope(ctx, pm.Client(), v, ids...)
	}))}
}

// ProjectParticipation: an editor adds its own organisation, or changes the
// participants of a project its scope leads. A LEAD is written only for an
// organisation within the scope, and only on a project that has no lead yet
// (one being created) or that the scope already leads: adding itself as
// LEAD must not take over another organisation's project.
func ProjectParticipation() ent.Policy {
	return privacy.Policy{Mutation: writes(editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
		pm := m.(*ent.ProjectParticipationMutation)
		org, orgSet := pm.OrganizationID()
		role, roleSet := pm.Role()
		prj, prjSet := pm.ProjectID()
		if roleSet && role == projectparticipation.RoleLEAD && orgSet && !v.InScope(org) {
			return false, nil
		}
		if pm.Op().Is(ent.OpCreate) {
			if role == projectparticipation.RoleLEAD {
				return leadableInScope(ctx, pm.Client(), v, prj)
			}
			if v.InScope(org) {
				return true, nil
			}
			return ledInScope(ctx, pm.Client(), v, prj)
		}
		if prjSet {
			// Moving a participation to another project: the scope must
			// lead the new project too.
			if ok, err := ledInScope(ctx, pm.Client(), v, prj); err != nil || !ok {
				return false, err
			}
		}
		ids, err := pm.IDs(allowAll(ctx))
		if err != nil || len(ids) == 0 {
			return false, err
		}
		if roleSet && role == projectparticipation.RoleLEAD && !orgSet {
			// Rows becoming LEAD keep their organisation: it must be in scope.
			n, err := pm.Client().ProjectParticipation.Query().Where(projectparticipation.IDIn(ids...),
				projectparticipation.OrganizationIDIn(v.Scope...)).Count(allowAll(ctx))
			if err != nil || n != len(ids) {
				return false, err
			}
		}
		prjs, err := pm.Client().ProjectParticipation.Query().Where(projectparticipation.IDIn(ids...)).
			Select(projectparticipation.FieldProjectID).Ints(allowAll(ctx))
		if err != nil {
			return false, err
		}
		return ledInScope(ctx, pm.Client(), v, prjs...)
	}))}
}

// Activity: organised by an organisation within the editor's scope.
func Activity() ent.Policy {
	return privacy.Policy{Mutation: writes(editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
		am := m.(*ent.ActivityMutation)
		if org, ok := am.OrganizationID(); ok && !v.InScope(org) {
			return false, nil
		}
		if prj, ok := am.ProjectID(); ok {
			// An activity of a project counts in the project's figures:
			// only organisations taking part in it (in any role) add one.
			if in, err := participatesInScope(ctx, am.Client(), v, prj); err != nil || !in {
				return false, err
			}
		}
		if am.Op().Is(ent.OpCreate) {
			return true, nil
		}
		return everyRow(ctx, am, func(ctx context.Context, ids []int) (int, error) {
			return am.Client().Activity.Query().Where(activity.IDIn(ids...), activity.OrganizationIDIn(v.Scope...)).Count(ctx)
		})
	}))}
}

// Outcome: of a project the editor's scope leads.
func Outcome() ent.Policy {
	return privacy.Policy{Mutation: writes(editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
		om := m.(*ent.OutcomeMutation)
		if om.Op().Is(ent.OpCreate) {
			prj, _ := om.ProjectID()
			return ledInScope(ctx, om.Client(), v, prj)
		}
		if prj, ok := om.ProjectID(); ok {
			// Moving an outcome to another project: the scope must lead
			// the new project too.
			if led, err := ledInScope(ctx, om.Client(), v, prj); err != nil || !led {
				return false, err
			}
		}
		ids, err := om.IDs(allowAll(ctx))
		if err != nil || len(ids) == 0 {
			return false, err
		}
		prjs, err := om.Client().Outcome.Query().Where(outcome.IDIn(ids...)).Select(outcome.FieldProjectID).Ints(allowAll(ctx))
		if err != nil {
			return false, err
		}
		return ledInScope(ctx, om.Client(), v, prjs...)
	}))}
}

// Need: editors record needs, and work on those matched to their scope or
// not yet matched. Reads: needs about children only to ADMIN and the
// editors handling them (NeedRows, policy/need.go).
func Need() ent.Policy {
	return privacy.Policy{Query: privacy.QueryPolicy{needRows()}, Mutation: writes(editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
		nm := m.(*ent.NeedMutation)
		if org, ok := nm.MatchedOrganizationID(); ok && !v.InScope(org) {
			return false, nil
		}
		if prj, ok := nm.MatchedProjectID(); ok {
			// Matching a need to a project the scope takes no part in would
			// hand another organisation's project work it did not take on.
			if in, err := participatesInScope(ctx, nm.Client(), v, prj); err != nil || !in {
				return false, err
			}
		}
		if nm.Op().Is(ent.OpCreate) {
			return true, nil
		}
		// A need the editor may not read (a child's, NeedRows) is refused
		// like one out of scope, so that no write answers differently for
		// a hidden need and a missing one.
		where := []predicate.Need{need.Or(need.MatchedOrganizationIDIsNil(), need.MatchedOrganizationIDIn(v.Scope...))}
		if rows, err := NeedRows(v); err != nil {
			return false, err
		} else if rows != nil {
			where = append(where, rows)
		}
		return everyRow(ctx, nm, func(ctx context.Context, ids []int) (int, error) {
			return nm.Client().Need.Query().Where(append(where, need.IDIn(ids...))...).Count(ctx)
		})
	}))}
}

// ServiceRecord: the organiser records (EDITOR creates records for
// activities in scope, for members of the activity's organisation or one
// under it: mayRecord) and the organiser proves (REVIEWER reviews records
// of activities in scope: recordsInScope). Records are never deleted. The
// pre-checks MayLogHours, MayCorrectRecord and MayReviewRecords
// (authorize.go) ask the same two functions before anything is read.
func ServiceRecord() ent.Policy {
	return privacy.Policy{
		Mutation: append(privacy.MutationPolicy{neverDeleted("service records are corrected, never deleted")}, writes(
			editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
				sm := m.(*ent.ServiceRecordMutation)
				if !sm.Op().Is(ent.OpCreate) {
					return false, nil
				}
				act, _ := sm.ActivityID()
				p, _ := sm.PersonID()
				day, _ := sm.ServedOn()
				return mayRecord(ctx, sm.Client(), v, act, []RecordTarget{{PersonID: p, ServedOn: day}})
			}),
			role(auth.RoleReviewer, func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
				sm := m.(*ent.ServiceRecordMutation)
				if !sm.Op().Is(ent.OpUpdate | ent.OpUpdateOne) {
					return false, nil
				}
				ids, err := sm.IDs(allowAll(ctx))
				if err != nil || len(ids) == 0 {
					return false, err
				}
				return recordsInScope(ctx, sm.Client(), v, ids)
			}),
		)...),
		Query: privacy.QueryPolicy{rowsRule(ServiceRecordRows, func(q ent.Query, p predicate.ServiceRecord) {
			q.(*ent.ServiceRecordQuery).Where(p)
		})},
	}
}

// Person: editors and reviewers see the people of their scope (PeopleRows);
// which fields of them is decided per field (graph/access.go).
func Person() ent.Policy {
	return privacy.Policy{
		Mutation: writes(editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
			pm := m.(*ent.PersonMutation)
			if pm.Op().Is(ent.OpCreate) {
				return true, nil
			}
			ids, err := pm.IDs(allowAll(ctx))
			if err != nil || len(ids) == 0 {
				return false, err
			}
			n, err := pm.Client().Person.Query().Where(person.IDIn(ids...),
				person.HasMembershipsWith(membership.OrganizationIDIn(v.Scope...))).Count(allowAll(ctx))
			return n == len(ids), err
		})),
		Query: privacy.QueryPolicy{rowsRule(PeopleRows, func(q ent.Query, p predicate.Person) {
			q.(*ent.PersonQuery).Where(p)
		})},
	}
}

// Membership: within the editor's or reviewer's scope (MembershipRows).
func Membership() ent.Policy {
	return privacy.Policy{
		Mutation: writes(editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
			mm := m.(*ent.MembershipMutation)
			if org, ok := mm.OrganizationID(); ok && !v.InScope(org) {
				return false, nil
			}
			if p, ok := mm.PersonID(); ok {
				// Enrolling someone is reading them: an editor enrols only a
				// person it registers (no membership anywhere yet) or one
				// already a member of its scope. Anyone else is joined to
				// an organisation by ADMIN, or the write would widen the
				// editor's scope to their personal data.
				if ok, err := enrollable(ctx, mm.Client(), v, p); err != nil || !ok {
					return false, err
				}
			}
			if mm.Op().Is(ent.OpCreate) {
				return true, nil
			}
			ids, err := mm.IDs(allowAll(ctx))
			if err != nil || len(ids) == 0 {
				return false, err
			}
			n, err := mm.Client().Membership.Query().Where(membership.IDIn(ids...), membership.OrganizationIDIn(v.Scope...)).Count(allowAll(ctx))
			return n == len(ids), err
		})),
		Query: privacy.QueryPolicy{rowsRule(MembershipRows, func(q ent.Query, p predicate.Membership) {
			q.(*ent.MembershipQuery).Where(p)
		})},
	}
}

// enrollable reports whether an editor may write a membership of person:
// the person belongs nowhere yet, or belongs to the scope now.
func enrollable(ctx context.Context, c *ent.Client, v *auth.Viewer, personID int) (bool, error) {
	anywhere, err := c.Membership.Query().Where(membership.PersonID(personID)).Exist(allowAll(ctx))
	if err != nil || !anywhere {
		return !anywhere && err == nil, err
	}
	return c.Membership.Query().Where(membership.PersonID(personID), membership.OrganizationIDIn(v.Scope...),
		CurrentMembership(time.Now())).Exist(allowAll(ctx))
}

// AdminOnly is the policy of credentials: ADMIN reads and writes them.
func AdminOnly() ent.Policy {
	return privacy.Policy{
		Mutation: writes(),
		Query:    privacy.QueryPolicy{adminRead()},
	}
}

// AuditEvent: every authenticated write appends one; no key changes or
// deletes them, ADMIN's included; only ADMIN reads them. (In-process
// maintenance under SystemContext bypasses every rule, this one too: the
// operator's database access is outside what the API can guard.)
func AuditEvent() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
			v := auth.FromContext(ctx)
			switch {
			case v == nil:
				return unauthenticated()
			case !m.Op().Is(ent.OpCreate):
				return forbidden("the audit trail is append-only")
			}
			return privacy.Allow
		})},
		Query: privacy.QueryPolicy{adminRead()},
	}
}

func adminRead() privacy.QueryRule {
	return privacy.QueryRuleFunc(func(ctx context.Context, _ ent.Query) error {
		v := auth.FromContext(ctx)
		switch {
		case v == nil:
			return unauthenticated()
		case v.Admin():
			return privacy.Allow
		}
		return forbidden("ADMIN only")
	})
}

// neverDeleted refuses deletes to everyone, ADMIN included: some records
// are evidence (service records, certificates) and change only by
// correction or revocation.
func neverDeleted(why string) privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.MutationRuleFunc(func(ctx context.Context, _ ent.Mutation) error {
		if v := auth.FromContext(ctx); v != nil && v.System {
			return privacy.Skip // maintenance by the operator, never through the API
		}
		return forbidden("%s", why)
	}), ent.OpDelete|ent.OpDeleteOne)
}

// everyRow runs count over the ids the mutation touches (all of them,
// whatever the caller may read) and reports whether it counted every one:
// a write is in scope only when each row it changes is.
func everyRow(ctx context.Context, m interface {
	IDs(context.Context) ([]int, error)
}, count func(ctx context.Context, ids []int) (int, error)) (bool, error) {
	ids, err := m.IDs(allowAll(ctx))
	if err != nil || len(ids) == 0 {
		return false, err
	}
	n, err := count(allowAll(ctx), ids)
	return n == len(ids), err
}
