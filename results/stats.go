package results

import (
	"context"
	"fmt"
	"strings"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/hoursbypersonmonth"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/registry"
)

// regionUnder selects the division with code and every division below it:
// division codes nest by prefix (330411 → 330411104 → 330411104001).
func regionUnder(code string) predicate.Region {
	return region.CodeHasPrefix(strings.TrimSpace(code))
}

// StageCounts are projects by lifecycle stage.
type StageCounts struct {
	Design, Showcase, Implementation, Evaluation, Closed int
}

// Stats are a division's headline figures for a period. Organisation,
// activity and project counts come from the public registers and are
// exact. The figures about people are pointers: exact for callers who may
// read those people (ExactDivision), otherwise the published open-data
// value of the same cell, nil where the open data withholds it (x) or
// publishes no such cell.
type Stats struct {
	RegionID                int
	From, To                time.Time
	RegisteredOrganizations int
	FiledOrganizations      int
	VolunteerTeams          int
	RegisteredVolunteers    *int
	ActiveVolunteers        *int
	CertifiedSocialWorkers  *int
	VerifiedHours           *float64
	Activities              int
	Beneficiaries           int
	ProjectsByStage         StageCounts
	NeedsOpened             *int
	NeedsResolved           *int
	NeedsOverdue            *int
	// PartyCoverage is counted on the period's last day.
	PartyCoverage registry.CoverageFigures

	regionIDs []int // the division and every division below it
}

// PeopleFields are the GraphQL fields of DistrictStats that are figures
// about people; a caller who selects none of them is never refused.
var PeopleFields = []string{"registeredVolunteers", "activeVolunteers", "certifiedSocialWorkers",
	"verifiedHours", "needsOpened", "needsResolved", "needsOverdue"}

// ErrUnpublishedCell refuses figures about people at a granularity the
// open data does not publish.
var ErrUnpublishedCell = apierror.New(apierror.Forbidden,
	"人员相关数字（志愿者、服务时长、需求）对无权查看这些人员的调用方只按开放数据的口径提供："+
		"全区或镇街的自然月，或全区的自然年；其他区划和时段请查阅开放数据 /opendata/ "+
		"(figures about people reach callers who may not read those people only as the open data publishes them: "+
		"the district or a town for a calendar month, or the district for a calendar year; "+
		"for other divisions and periods see the open data at /opendata/)")

// DistrictStats computes the headline figures of the division with code
// regionCode (and everything below it; nil means the district in the data)
// for from–to (dates, inclusive). overdue selects the needs past their
// deadline now. Figures about people are exact for callers ExactDivision
// admits; for others they are the open-data cells (fig), and when people
// is true (the caller selected such a figure) a division or period the
// open data does not publish is refused with ErrUnpublishedCell.
func DistrictStats(ctx context.Context, c *ent.Client, fig *Figures, v *auth.Viewer, people bool,
	regionCode *string, from, to time.Time, overdue predicate.Need) (*Stats, error) {
	f := apierror.NewFields("")
	input.Order(f, "to", &from, &to)
	var r *ent.Region
	if regionCode != nil {
		id, err := input.RegionID(ctx, c, f, "regionCode", *regionCode)
		if err != nil {
			return nil, err
		}
		if err := f.Err(); err != nil {
			return nil, err
		}
		if r, err = c.Region.Get(ctx, id); err != nil {
			return nil, err
		}
	} else {
		if err := f.Err(); err != nil {
			return nil, err
		}
		var err error
		r, err = c.Region.Query().Where(region.LevelEQ(region.LevelDISTRICT)).Order(ent.Asc(region.FieldCode)).First(ctx)
		if err != nil {
			return nil, input.NotFound(err, "没有区县级区划 (no district in the data)")
		}
	}
	ctx = allRows(ctx)
	exact := ExactDivision(v)
	read := func(ctx context.Context) (any, error) { return divisionStats(ctx, c, fig, r, exact, people, from, to) }
	var kept any
	var err error
	if fig != nil {
		// Kept until the data changes: a dashboard asks the same figures
		// again and again, and at district scale they read every activity of
		// the period (docs/benchmarks.md).
		kept, err = fig.remember(ctx, c, fmt.Sprintf("results.districtStats|%d|%s|%s|%t|%t",
			r.ID, from.Format(time.DateOnly), to.Format(time.DateOnly), exact, people), read)
	} else {
		kept, err = read(ctx)
	}
	if err != nil {
		return nil, err
	}
	s := *kept.(*Stats) // a copy: the kept one is shared
	if exact {
		// Overdue is now, not the period: counted afresh.
		n, err := c.Need.Query().Where(need.RegionIDIn(s.regionIDs...), overdue).Count(ctx)
		if err != nil {
			return nil, err
		}
		s.NeedsOverdue = &n
	}
	return &s, nil
}

// divisionStats computes DistrictStats but for the overdue needs.
func divisionStats(ctx context.Context, c *ent.Client, fig *Figures, r *ent.Region, exact, people bool, from, to time.Time) (*Stats, error) {
	s := &Stats{RegionID: r.ID, From: from, To: to}
	// The divisions below are few; naming them by id keeps every count an
	// index lookup rather than a LIKE inside nested subqueries.
	regionIDs, err := c.Region.Query().Where(regionUnder(r.Code)).IDs(ctx)
	if err != nil {
		return nil, err
	}
	in := region.IDIn(regionIDs...)
	end := to.AddDate(0, 0, 1) // to is a date: include all of that day
	orgsIn := organization.RegionIDIn(regionIDs...)
	count := func(dst *int, q interface {
		Count(context.Context) (int, error)
	}) {
		if err == nil {
			*dst, err = q.Count(ctx)
		}
	}
	count(&s.RegisteredOrganizations, c.Organization.Query().Where(orgsIn,
		organization.RegistrationStatusEQ(organization.RegistrationStatusREGISTERED),
		organization.KindIn(organization.KindSOCIAL_ORGANIZATION, organization.KindSOCIAL_WORK_AGENCY)))
	count(&s.FiledOrganizations, c.Organization.Query().Where(orgsIn, organization.RegistrationStatusEQ(organization.RegistrationStatusFILED)))
	count(&s.VolunteerTeams, c.Organization.Query().Where(orgsIn, organization.KindEQ(organization.KindVOLUNTEER_TEAM)))
	actsIn := activity.And(activity.RegionIDIn(regionIDs...), activity.StartsAtGTE(from), activity.StartsAtLT(end))
	count(&s.Activities, c.Activity.Query().Where(actsIn))
	if err != nil {
		return nil, err
	}
	// Sums and distinct counts in SQL: the period may hold every record.
	if s.Beneficiaries, err = sumInt(ctx, c.Activity.Query().Where(actsIn).Aggregate(ent.Sum(activity.FieldBeneficiaries))); err != nil {
		return nil, err
	}
	if err := stageCounts(ctx, c, in, &s.ProjectsByStage); err != nil {
		return nil, err
	}
	if s.PartyCoverage, err = registry.CoverageOf(ctx, c, orgsIn, to); err != nil {
		return nil, err
	}
	s.regionIDs = regionIDs
	switch {
	case exact:
		err = exactPeople(ctx, c, s, regionIDs, orgsIn, from, to, end)
	case people:
		err = publishedPeople(ctx, c, fig, s, r, from, to)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// wholeMonths reports whether the dates from–to (both included) are whole
// calendar months: the first of one month to the last day of one.
func wholeMonths(from, to time.Time) bool {
	return from.Day() == 1 && to.AddDate(0, 0, 1).Day() == 1 &&
		from.Equal(calendar.Date(from)) && to.Equal(calendar.Date(to))
}

// exactPeople computes the figures about people from the records.
func exactPeople(ctx context.Context, c *ent.Client, s *Stats, regionIDs []int, orgsIn predicate.Organization,
	from, to, end time.Time) error {
	var err error
	count := func(dst **int, q interface {
		Count(context.Context) (int, error)
	}) {
		if err == nil {
			var n int
			n, err = q.Count(ctx)
			*dst = &n
		}
	}
	count(&s.RegisteredVolunteers, c.Person.Query().Where(person.HasMembershipsWith(
		membership.HasOrganizationWith(orgsIn), membership.JoinedOnLT(end),
		membership.Or(membership.LeftOnIsNil(), membership.LeftOnGTE(from)))))
	count(&s.CertifiedSocialWorkers, c.Person.Query().Where(person.SocialWorkLevelNotNil(),
		person.HasMembershipsWith(membership.HasOrganizationWith(orgsIn), membership.LeftOnIsNil())))
	count(&s.NeedsOpened, c.Need.Query().Where(need.RegionIDIn(regionIDs...), need.OpenedAtGTE(from), need.OpenedAtLT(end)))
	count(&s.NeedsResolved, c.Need.Query().Where(need.RegionIDIn(regionIDs...), need.ResolvedAtGTE(from), need.ResolvedAtLT(end)))
	if err != nil {
		return err
	}
	// One pass for both figures: over the months' roll-ups when the period
	// is whole months (a year, a quarter: a row per person and month
	// rather than per record), else over the period's records.
	var agg []struct {
		Minutes *float64 `json:"minutes"`
		Active  int      `json:"active"`
	}
	sumAndActive := []ent.AggregateFunc{
		func(sel *sql.Selector) string { return sql.As(sql.Sum(sel.C("minutes")), "minutes") },
		func(sel *sql.Selector) string { return sql.As(sql.Count(sql.Distinct(sel.C("person_id"))), "active") },
	}
	if wholeMonths(from, to) {
		err = c.HoursByPersonMonth.Query().
			Where(hoursbypersonmonth.RegionIDIn(regionIDs...), hoursbypersonmonth.MonthGTE(from), hoursbypersonmonth.MonthLT(end)).
			Aggregate(sumAndActive...).Scan(allRows(ctx), &agg)
	} else {
		err = c.ServiceRecord.Query().Where(servicerecord.StatusEQ(servicerecord.StatusVERIFIED),
			servicerecord.ServedOnGTE(from), servicerecord.ServedOnLTE(to), servicerecord.HasActivityWith(activity.RegionIDIn(regionIDs...))).
			Aggregate(sumAndActive...).Scan(ctx, &agg)
	}
	if err != nil {
		return err
	}
	active, hours := 0, 0.0
	if len(agg) == 1 {
		active = agg[0].Active
		if agg[0].Minutes != nil {
			hours = *agg[0].Minutes / 60
		}
	}
	s.ActiveVolunteers, s.VerifiedHours = &active, &hours
	return nil
}

// stageCounts counts the projects serving the division by stage.
func stageCounts(ctx context.Context, c *ent.Client, in predicate.Region, dst *StageCounts) error {
	projects, err := c.Project.Query().Where(project.HasRegionsWith(in)).Select(project.FieldStage).All(ctx)
	if err != nil {
		return err
	}
	for _, p := range projects {
		switch p.Stage {
		case project.StageDESIGN:
			dst.Design++
		case project.StageSHOWCASE:
			dst.Showcase++
		case project.StageIMPLEMENTATION:
			dst.Implementation++
		case project.StageEVALUATION:
			dst.Evaluation++
		case project.StageCLOSED:
			dst.Closed++
		}
	}
	return nil
}

// publishedPeople fills the figures about people with the open-data cells
// of the same division and period: the district or a town for a calendar
// month (volunteer-hours-monthly and needs-monthly, all domains), or the
// district for a calendar year (district-summary). Figures those tables do
// not hold stay nil; any other division or period is refused.
func publishedPeople(ctx context.Context, c *ent.Client, fig *Figures, s *Stats, r *ent.Region, from, to time.Time) error {
	month := from.Day() == 1 && to.Equal(from.AddDate(0, 1, -1))
	year := from.Month() == time.January && from.Day() == 1 && to.Equal(from.AddDate(1, 0, -1))
	if !month && !year {
		return ErrUnpublishedCell
	}
	p, err := fig.Published(ctx, c)
	if err != nil {
		return err
	}
	district := r.Code == p.res.District.Code
	town := false
	for _, t := range p.res.Towns {
		town = town || t.Code == r.Code
	}
	switch {
	case month && (district || town):
		m := from.Format("2006-01")
		s.ActiveVolunteers = intOf(orZero(p.hours.value("volunteers", m, r.Code)))
		s.VerifiedHours = floatOf(orZero(p.hours.value("verified_hours", m, r.Code)))
		s.NeedsOpened = intOf(orZero(p.needs.value("needs_opened", m, r.Code)))
		s.NeedsResolved = intOf(orZero(p.needs.value("needs_resolved", m, r.Code)))
	case year && district:
		y := from.Format("2006")
		// Years before the first published one have no row: nil, not 0.
		cell := func(field string) dataset.Value { v, _ := p.summary.value(field, y); return v }
		s.RegisteredVolunteers = intOf(cell("registered_volunteers"))
		s.ActiveVolunteers = intOf(cell("active_volunteers"))
		s.CertifiedSocialWorkers = intOf(cell("certified_social_workers"))
		s.VerifiedHours = floatOf(cell("verified_hours"))
		s.NeedsOpened = intOf(cell("needs_opened"))
		s.NeedsResolved = intOf(cell("needs_resolved"))
	default:
		return ErrUnpublishedCell
	}
	return nil
}

// sumInt reads a SUM aggregate, which is NULL over no rows.
func sumInt(ctx context.Context, sel interface {
	Scan(context.Context, any) error
}) (int, error) {
	var rows []struct {
		Sum *float64 `json:"sum"`
	}
	if err := sel.Scan(ctx, &rows); err != nil {
		return 0, err
	}
	if len(rows) == 0 || rows[0].Sum == nil {
		return 0, nil
	}
	return int(*rows[0].Sum), nil
}
