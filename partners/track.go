package partners

import (
	"context"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/hook"
	"github.com/tongxing/tongxing/ent/partnership"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/ent/tombstone"
)

// The hooks below keep the change feed complete. Most changes move the
// changed row's updated_at, which the feed reads directly; these are the
// ones that change what a university sees without touching the rows it
// sees: a student's consent or university (their records), a practice base
// added, moved, ended or deleted (its activities and their records), an
// activity moved to another organiser or date. Each hook works out the
// affected universities' views before and after the mutation and writes a
// marker (Tombstone) for every entity that entered or left one; the feed
// reports each marked entity's state when it is read.
//
// The look-ups see every row (allowAll): they run on behalf of the
// partners, not of the key that made the change. Markers are written on
// the mutation's own client, so inside a transaction they commit or roll
// back with it.

type mark struct {
	university int
	entity     tombstone.Entity
	id         int
}

type marks map[mark]bool

func (m marks) add(university int, e tombstone.Entity, ids ...int) {
	for _, id := range ids {
		m[mark{university, e, id}] = true
	}
}

// changed is the symmetric difference: what entered or left. A practice
// base only enters a view when its own row changes (its updated_at moves),
// so bases need a marker only for leaving.
func changed(before, after marks) []mark {
	var out []mark
	for k := range before {
		if !after[k] {
			out = append(out, k)
		}
	}
	for k := range after {
		if !before[k] && k.entity != tombstone.EntityPRACTICE_BASE {
			out = append(out, k)
		}
	}
	return out
}

func writeMarks(ctx context.Context, c *ent.Client, ms []mark, reason tombstone.Reason) error {
	const batch = 500
	for start := 0; start < len(ms); start += batch {
		part := ms[start:min(start+batch, len(ms))]
		bs := make([]*ent.TombstoneCreate, len(part))
		for i, m := range part {
			bs[i] = c.Tombstone.Create().SetUniversityID(m.university).SetEntity(m.entity).SetEntityID(m.id).SetReason(reason)
		}
		if err := c.Tombstone.CreateBulk(bs...).Exec(allowAll(ctx)); err != nil {
			return err
		}
	}
	return nil
}

func basesOf(ctx context.Context, c *ent.Client, university int) (*View, error) {
	bases, err := c.Partnership.Query().Where(IsBase(university)).Order(ent.Asc(partnership.FieldID)).All(allowAll(ctx))
	return &View{University: university, Bases: bases}, err
}

// viewMarks is everything in the universities' views that a practice base
// change can add or remove: bases, activities, reviewed records.
func viewMarks(ctx context.Context, c *ent.Client, universities map[int]bool) (marks, error) {
	sys := allowAll(ctx)
	out := marks{}
	for u := range universities {
		v, err := basesOf(ctx, c, u)
		if err != nil {
			return nil, err
		}
		for _, b := range v.Bases {
			out.add(u, tombstone.EntityPRACTICE_BASE, b.ID)
		}
		acts, err := c.Activity.Query().Where(v.Activities(0)).IDs(sys)
		if err != nil {
			return nil, err
		}
		out.add(u, tombstone.EntityACTIVITY, acts...)
		recs, err := c.ServiceRecord.Query().Where(v.Records(0), servicerecord.StatusNEQ(servicerecord.StatusPENDING)).IDs(sys)
		if err != nil {
			return nil, err
		}
		out.add(u, tombstone.EntitySERVICE_RECORD, recs...)
	}
	return out, nil
}

// Track registers the change-marker hooks on c: consent or university
// changes of people, practice bases added, changed or deleted, activities
// moved or deleted, records deleted by operator maintenance. The hooks
// belong to partner sync, not to the entities, so they are added to the
// client from here (database.Open calls it for every client it makes)
// rather than declared in ent/schema, which would make the data model
// import this package. Call it once per client.
func Track(c *ent.Client) {
	c.Person.Use(TrackPersons())
	c.Partnership.Use(TrackPartnerships())
	c.Activity.Use(TrackActivities())
	c.ServiceRecord.Use(TrackRecordDeletes())
}

// TrackPartnerships is the Partnership hook: practice bases added,
// changed (kind, sides, dates) or deleted.
func TrackPartnerships() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return hook.PartnershipFunc(func(ctx context.Context, m *ent.PartnershipMutation) (ent.Value, error) {
			unis, err := partnershipUniversities(ctx, m)
			if err != nil {
				return nil, err
			}
			if len(unis) == 0 {
				return next.Mutate(ctx, m)
			}
			return tracked(ctx, m.Client(), m.Op(), tombstone.ReasonPRACTICE_BASE, next, m,
				func() (marks, error) { return viewMarks(ctx, m.Client(), unis) })
		})
	}
}

// partnershipUniversities is the universities whose view m may change.
func partnershipUniversities(ctx context.Context, m *ent.PartnershipMutation) (map[int]bool, error) {
	unis := map[int]bool{}
	kind, kindSet := m.Kind()
	if m.Op().Is(ent.OpCreate) {
		if org, ok := m.OrganizationID(); ok && kind == partnership.KindPRACTICE_BASE {
			unis[org] = true
		}
		return unis, nil
	}
	_, orgSet := m.OrganizationID()
	_, partnerSet := m.PartnerID()
	_, startSet := m.StartedOn()
	_, endSet := m.EndedOn()
	relevant := m.Op().Is(ent.OpDelete|ent.OpDeleteOne) || kindSet || orgSet || partnerSet || startSet || endSet ||
		m.EndedOnCleared() || m.OrganizationCleared() || m.PartnerCleared()
	if !relevant {
		return unis, nil
	}
	ids, err := m.IDs(allowAll(ctx))
	if err != nil || len(ids) == 0 {
		return unis, err
	}
	rows, err := m.Client().Partnership.Query().Where(partnership.IDIn(ids...)).All(allowAll(ctx))
	if err != nil {
		return nil, err
	}
	for _, p := range rows {
		if p.Kind == partnership.KindPRACTICE_BASE || kind == partnership.KindPRACTICE_BASE {
			unis[p.OrganizationID] = true
			if org, ok := m.OrganizationID(); ok {
				unis[org] = true
			}
		}
	}
	return unis, nil
}

// TrackPersons is the Person hook: a student's consent or university
// changed, or the person was deleted.
func TrackPersons() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.PersonFunc(func(ctx context.Context, m *ent.PersonMutation) (ent.Value, error) {
			_, shareSet := m.ShareWithUniversity()
			_, uniSet := m.UniversityID()
			deleting := m.Op().Is(ent.OpDelete | ent.OpDeleteOne)
			if !deleting && !shareSet && !uniSet && !m.UniversityIDCleared() && !m.UniversityCleared() {
				return next.Mutate(ctx, m)
			}
			ids, err := m.IDs(allowAll(ctx))
			if err != nil || len(ids) == 0 {
				if err != nil {
					return nil, err
				}
				return next.Mutate(ctx, m)
			}
			reason := tombstone.ReasonUNIVERSITY
			if shareSet {
				reason = tombstone.ReasonCONSENT
			}
			return tracked(ctx, m.Client(), m.Op(), reason, next, m,
				func() (marks, error) { return studentMarks(ctx, m.Client(), ids) })
		})
	}, ent.OpUpdate|ent.OpUpdateOne|ent.OpDelete|ent.OpDeleteOne)
}

// studentMarks is the reviewed records of these people in the view of the
// university each studies at, if they consented.
func studentMarks(ctx context.Context, c *ent.Client, people []int) (marks, error) {
	sys := allowAll(ctx)
	students, err := c.Person.Query().Where(person.IDIn(people...), person.UniversityIDNotNil(), person.ShareWithUniversity(true)).
		Select(person.FieldID, person.FieldUniversityID).All(sys)
	if err != nil {
		return nil, err
	}
	byUni := map[int][]int{}
	for _, p := range students {
		byUni[*p.UniversityID] = append(byUni[*p.UniversityID], p.ID)
	}
	out := marks{}
	for u, ids := range byUni {
		v, err := basesOf(ctx, c, u)
		if err != nil {
			return nil, err
		}
		recs, err := c.ServiceRecord.Query().Where(servicerecord.PersonIDIn(ids...), servicerecord.HasActivityWith(v.Activities(0)),
			servicerecord.StatusNEQ(servicerecord.StatusPENDING)).IDs(sys)
		if err != nil {
			return nil, err
		}
		out.add(u, tombstone.EntitySERVICE_RECORD, recs...)
	}
	return out, nil
}

// TrackActivities is the Activity hook: an activity moved to another
// organiser or start, or was deleted.
func TrackActivities() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ActivityFunc(func(ctx context.Context, m *ent.ActivityMutation) (ent.Value, error) {
			_, orgSet := m.OrganizationID()
			_, startSet := m.StartsAt()
			if !m.Op().Is(ent.OpDelete|ent.OpDeleteOne) && !orgSet && !startSet {
				return next.Mutate(ctx, m)
			}
			ids, err := m.IDs(allowAll(ctx))
			if err != nil || len(ids) == 0 {
				if err != nil {
					return nil, err
				}
				return next.Mutate(ctx, m)
			}
			return tracked(ctx, m.Client(), m.Op(), tombstone.ReasonACTIVITY, next, m,
				func() (marks, error) { return activityMarks(ctx, m.Client(), ids) })
		})
	}, ent.OpUpdate|ent.OpUpdateOne|ent.OpDelete|ent.OpDeleteOne)
}

// activityMarks is these activities, and their reviewed records, in the
// view of every university with a base at their organisers.
func activityMarks(ctx context.Context, c *ent.Client, ids []int) (marks, error) {
	sys := allowAll(ctx)
	orgs, err := c.Activity.Query().Where(activity.IDIn(ids...)).Unique(true).Select(activity.FieldOrganizationID).Ints(sys)
	if err != nil {
		return nil, err
	}
	unis, err := c.Partnership.Query().Where(partnership.KindEQ(partnership.KindPRACTICE_BASE), partnership.PartnerIDIn(orgs...)).
		Unique(true).Select(partnership.FieldOrganizationID).Ints(sys)
	if err != nil {
		return nil, err
	}
	out := marks{}
	for _, u := range unis {
		v, err := basesOf(ctx, c, u)
		if err != nil {
			return nil, err
		}
		acts, err := c.Activity.Query().Where(activity.IDIn(ids...), v.Activities(0)).IDs(sys)
		if err != nil {
			return nil, err
		}
		out.add(u, tombstone.EntityACTIVITY, acts...)
		if len(acts) == 0 {
			continue
		}
		recs, err := c.ServiceRecord.Query().Where(servicerecord.ActivityIDIn(acts...), servicerecord.HasPersonWith(v.Students()),
			servicerecord.StatusNEQ(servicerecord.StatusPENDING)).IDs(sys)
		if err != nil {
			return nil, err
		}
		out.add(u, tombstone.EntitySERVICE_RECORD, recs...)
	}
	return out, nil
}

// tracked runs the mutation between two snapshots and marks what changed.
func tracked(ctx context.Context, c *ent.Client, op ent.Op, reason tombstone.Reason, next ent.Mutator, m ent.Mutation,
	snapshot func() (marks, error)) (ent.Value, error) {
	before, err := snapshot()
	if err != nil {
		return nil, err
	}
	v, err := next.Mutate(ctx, m)
	if err != nil {
		return v, err
	}
	after, err := snapshot()
	if err != nil {
		return nil, err
	}
	if op.Is(ent.OpDelete | ent.OpDeleteOne) {
		reason = tombstone.ReasonDELETED
	}
	return v, writeMarks(ctx, c, changed(before, after), reason)
}

// TrackRecordDeletes is the ServiceRecord hook for deletes: records are
// never deleted through the API (they are corrected or rejected, which
// moves updated_at), but an operator's maintenance can, and a partner's
// copy must lose them too.
func TrackRecordDeletes() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ServiceRecordFunc(func(ctx context.Context, m *ent.ServiceRecordMutation) (ent.Value, error) {
			ids, err := m.IDs(allowAll(ctx))
			if err != nil || len(ids) == 0 {
				if err != nil {
					return nil, err
				}
				return next.Mutate(ctx, m)
			}
			return tracked(ctx, m.Client(), m.Op(), tombstone.ReasonDELETED, next, m,
				func() (marks, error) { return recordMarks(ctx, m.Client(), ids) })
		})
	}, ent.OpDelete|ent.OpDeleteOne)
}

// recordMarks is these records, where they are in a university's view.
func recordMarks(ctx context.Context, c *ent.Client, ids []int) (marks, error) {
	sys := allowAll(ctx)
	unis, err := c.Person.Query().Where(person.HasServiceRecordsWith(servicerecord.IDIn(ids...)), person.UniversityIDNotNil()).
		Unique(true).Select(person.FieldUniversityID).Ints(sys)
	if err != nil {
		return nil, err
	}
	out := marks{}
	for _, u := range unis {
		v, err := basesOf(ctx, c, u)
		if err != nil {
			return nil, err
		}
		in, err := c.ServiceRecord.Query().Where(servicerecord.IDIn(ids...), v.Records(0)).IDs(sys)
		if err != nil {
			return nil, err
		}
		out.add(u, tombstone.EntitySERVICE_RECORD, in...)
	}
	return out, nil
}
