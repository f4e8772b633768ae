package demo_test

import (
	"context"
	"testing"

	"github.com/tongxing/tongxing/demo"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/competitionapplication"
	"github.com/tongxing/tongxing/ent/competitionround"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/partycoverage"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/ent/servicepoint"
	"github.com/tongxing/tongxing/registry"
)

// Every demo social organisation has a current coverage, every method
// occurs, and history rows end the day before their successor starts.
func checkPartyCoverage(t *testing.T, ctx context.Context, c *ent.Client) {
	orgs, err := c.Organization.Query().Where(organization.KindIn(organization.KindSOCIAL_ORGANIZATION, organization.KindSOCIAL_WORK_AGENCY)).
		WithPartyCoverages().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	methods := map[partycoverage.Method]int{}
	for _, o := range orgs {
		var current int
		for _, cov := range o.Edges.PartyCoverages {
			if cov.EndedOn == nil {
				current++
				methods[cov.Method]++
			}
			if (cov.PartyOrganizationID == nil) != (cov.Method == partycoverage.MethodNOT_COVERED) {
				t.Errorf("%s: method %s with Party organisation %v", o.Name, cov.Method, cov.PartyOrganizationID)
			}
		}
		if current != 1 {
			t.Errorf("%s has %d current coverages, want 1", o.Name, current)
		}
	}
	for _, m := range []partycoverage.Method{partycoverage.MethodOWN_BRANCH, partycoverage.MethodJOINT_BRANCH, partycoverage.MethodINSTRUCTOR, partycoverage.MethodNOT_COVERED} {
		if methods[m] == 0 {
			t.Errorf("no organisation covered by %s", m)
		}
	}
	fig, err := registry.CoverageOf(ctx, c, organization.HasRegionWith(), demo.ReferenceDate)
	if err != nil {
		t.Fatal(err)
	}
	if fig.Rate == nil || *fig.Rate < 0.6 || *fig.Rate > 0.95 || fig.Covered+fig.NotCovered != fig.SocialOrganizations {
		t.Errorf("district coverage %+v", fig)
	}
}

// The canteens of 一口暖心饭 are in 新塍镇 and linked to the project;
// points lie in most towns, inside the district's bounding box, with
// weekly hours.
func checkServicePoints(t *testing.T, ctx context.Context, c *ent.Client) {
	canteens, err := c.ServicePoint.Query().Where(servicepoint.KindEQ(servicepoint.KindCANTEEN),
		servicepoint.HasProjectsWith(project.Name(demo.ProjectNuanxinfan))).WithRegion().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(canteens) != 2 {
		t.Errorf("%d canteens of %s, want 2", len(canteens), demo.ProjectNuanxinfan)
	}
	for _, p := range canteens {
		if p.Edges.Region.Code[:9] != "330411104" {
			t.Errorf("%s is in %s, not 新塍镇", p.Name, p.Edges.Region.Code)
		}
	}
	points, err := c.ServicePoint.Query().WithRegion().WithWeeklyHours().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	towns := map[string]bool{}
	for _, p := range points {
		towns[p.Edges.Region.Code[:9]] = true
		if p.Latitude < 30.6 || p.Latitude > 30.95 || p.Longitude < 120.5 || p.Longitude > 120.9 {
			t.Errorf("%s at %v,%v lies outside the district", p.Name, p.Latitude, p.Longitude)
		}
		if len(p.Edges.WeeklyHours) == 0 {
			t.Errorf("%s has no weekly hours", p.Name)
		}
	}
	if len(towns) != demo.Towns {
		t.Errorf("service points in %d towns, want %d", len(towns), demo.Towns)
	}
}

// One round of each kind is announced, with the report's projects in the
// volunteer-project round and its venture awards funding their projects;
// a round under review has scores and no awards.
func checkCompetitions(t *testing.T, ctx context.Context, c *ent.Client) {
	rounds, err := c.CompetitionRound.Query().WithApplications(func(q *ent.CompetitionApplicationQuery) {
		q.WithProject().WithReviews().WithAward()
	}).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	closed := map[competitionround.Kind]int{}
	for _, r := range rounds {
		awards := 0
		for _, a := range r.Edges.Applications {
			if len(a.Edges.Reviews) != 5 {
				t.Errorf("%s / %s: %d scores, want 5", r.Name, a.Edges.Project.Name, len(a.Edges.Reviews))
			}
			if aw := a.Edges.Award; aw != nil {
				awards++
				p := a.Edges.Project
				if r.Kind == competitionround.KindVENTURE_PHILANTHROPY &&
					(p.FundingSource == nil || *p.FundingSource != project.FundingSourceVENTURE_PHILANTHROPY || p.FundingAmount == nil || *p.FundingAmount != aw.Amount) {
					t.Errorf("%s: venture award of %v does not fund it (%v, %v)", p.Name, aw.Amount, p.FundingSource, p.FundingAmount)
				}
			}
		}
		switch r.Status {
		case competitionround.StatusCLOSED:
			closed[r.Kind]++
			if awards == 0 {
				t.Errorf("%s announced no awards", r.Name)
			}
		default:
			if awards != 0 {
				t.Errorf("%s is %s with %d awards", r.Name, r.Status, awards)
			}
		}
	}
	if closed[competitionround.KindVOLUNTEER_PROJECT] != 1 || closed[competitionround.KindVENTURE_PHILANTHROPY] != 1 {
		t.Errorf("closed rounds by kind: %v", closed)
	}
	for _, name := range []string{demo.ProjectHongxin56, demo.ProjectQinzi, demo.ProjectNuanxinfan} {
		ok, err := c.CompetitionApplication.Query().Where(competitionapplication.HasProjectWith(project.Name(name)),
			competitionapplication.HasAward(), competitionapplication.HasRoundWith(competitionround.KindEQ(competitionround.KindVOLUNTEER_PROJECT))).Exist(ctx)
		if err != nil || !ok {
			t.Errorf("%s won no award in the volunteer-project competition (%v)", name, err)
		}
	}
}
