package volunteers

import (
	"context"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/ent/signup"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/hook"
	"github.com/tongxing/tongxing/ent/servicerecord"
)

// Track adds the hooks that write outbox events for changes made
// elsewhere: a record reviewed (hours verified or rejected, with the
// reason) and an activity's time or place changed. They run in the
// change's transaction, so a change rolled back tells nobody.
func (d *Desk) Track(c *ent.Client) {
	c.ServiceRecord.Use(hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ServiceRecordFunc(func(ctx context.Context, m *ent.ServiceRecordMutation) (ent.Value, error) {
			status, ok := m.Status()
			if !ok || (status != servicerecord.StatusVERIFIED && status != servicerecord.StatusREJECTED) {
				return next.Mutate(ctx, m)
			}
			ids, err := m.IDs(allow(ctx))
			if err != nil {
				return nil, err
			}
			v, err := next.Mutate(ctx, m)
			if err != nil || len(ids) == 0 {
				return v, err
			}
			return v, d.reviewed(ctx, m.Client(), ids)
		})
	}, ent.OpUpdate|ent.OpUpdateOne))
	c.Activity.Use(hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ActivityFunc(func(ctx context.Context, m *ent.ActivityMutation) (ent.Value, error) {
			_, starts := m.StartsAt()
			_, ends := m.EndsAt()
			_, place := m.Place()
			if !starts && !ends && !place {
				return next.Mutate(ctx, m)
			}
			ids, err := m.IDs(allow(ctx))
			if err != nil {
				return nil, err
			}
			if starts || ends {
				// Once volunteers have checked in, the times are what
				// their records are measured against: moving them would
				// reopen every "before the start" rule too.
				attended, err := m.Client().SignUp.Query().Where(signup.ActivityIDIn(ids...), signup.CheckedInAtNotNil()).Exist(allow(ctx))
				if err != nil {
					return nil, err
				}
				if attended {
					return nil, apierror.New(apierror.Conflict, "已有志愿者签到，活动时间不能再改 (volunteers have checked in: the activity's times can no longer change)")
				}
			}
			v, err := next.Mutate(ctx, m)
			if err != nil || len(ids) == 0 {
				return v, err
			}
			return v, d.activityChanged(ctx, m.Client(), ids)
		})
	}, ent.OpUpdate|ent.OpUpdateOne))
}

// reviewed tells enrolled volunteers that records of theirs were verified
// or rejected.
func (d *Desk) reviewed(ctx context.Context, c *ent.Client, ids []int) error {
	recs, err := c.ServiceRecord.Query().Where(servicerecord.IDIn(ids...),
		servicerecord.StatusIn(servicerecord.StatusVERIFIED, servicerecord.StatusREJECTED)).
		WithActivity().All(allow(ctx))
	if err != nil || len(recs) == 0 {
		return err
	}
	people := make([]int, 0, len(recs))
	for _, r := range recs {
		people = append(people, r.PersonID)
	}
	on, err := enrolled(ctx, c, people, d.now())
	if err != nil || len(on) == 0 {
		return err
	}
	app := map[int]bool{}
	for _, p := range on {
		app[p] = true
	}
	var evs []event
	for _, r := range recs {
		if !app[r.PersonID] {
			continue
		}
		e := event{person: r.PersonID, activity: r.Edges.Activity}
		hrs := hoursText(r.Minutes)
		if r.Status == servicerecord.StatusVERIFIED {
			e.kind = "HOURS_VERIFIED"
			e.message = "时长已核实：活动" + titled(r.Edges.Activity) + " " + hrs + " 小时 (hours verified)"
		} else {
			e.kind = "HOURS_REJECTED"
			e.message = "时长未通过审核：活动" + titled(r.Edges.Activity) + "，原因：" + r.ReviewNote + " (hours rejected)"
		}
		evs = append(evs, e)
	}
	return d.emit(ctx, c, evs...)
}
