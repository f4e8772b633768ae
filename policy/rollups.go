package policy

import (
	"context"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/hoursbypersonmonth"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/privacy"
)

// HoursByPersonMonthRows: the months of service at activities organised
// within the scope — the rows ServiceRecordRows would let the viewer sum.
// A person's hours read as an editor are the hours that editor's records
// show, whether summed from the records or from the roll-up.
func HoursByPersonMonthRows(v *auth.Viewer) (predicate.HoursByPersonMonth, error) {
	if err := keyed(v); err != nil || v.Admin() {
		return nil, err
	}
	return hoursbypersonmonth.OrganizationIDIn(v.Scope...), nil
}

// HoursByPersonMonth: read as the records they sum (HoursByPersonMonthRows);
// written by package rollups alone.
func HoursByPersonMonth() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{rollupsOnly()},
		Query: privacy.QueryPolicy{rowsRule(HoursByPersonMonthRows, func(q ent.Query, p predicate.HoursByPersonMonth) {
			q.(*ent.HoursByPersonMonthQuery).Where(p)
		})},
	}
}

// HoursByProject: a project's verified hours and volunteers are figures
// about people, which package results gives each caller exactly or as the
// open data publishes them (results.Figures.ProjectFigures); it reads the
// roll-up with every row allowed, and no viewer reads it directly.
func HoursByProject() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{rollupsOnly()},
		Query: privacy.QueryPolicy{privacy.QueryRuleFunc(func(ctx context.Context, _ ent.Query) error {
			if v := auth.FromContext(ctx); v != nil && v.System {
				return privacy.Allow
			}
			return forbidden("project figures are read through their fields")
		})},
	}
}

// rollupsOnly refuses every write through ent: package rollups writes the
// roll-ups in SQL, beside the records they sum.
func rollupsOnly() privacy.MutationRule {
	return privacy.MutationRuleFunc(func(context.Context, ent.Mutation) error {
		return forbidden("roll-ups are kept by the server")
	})
}
