package tables_test

import (
	"testing"
	"time"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/competitionapplication"
	"github.com/tongxing/tongxing/ent/competitionaward"
	"github.com/tongxing/tongxing/ent/competitionround"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/internal/fixture"
	"github.com/tongxing/tongxing/opendata/tables"
	"github.com/tongxing/tongxing/openinghours"
	"github.com/tongxing/tongxing/registry"
)

// checkRegisters: party-coverage equals the API's figures (registry) for
// the district and every town; every service point is listed with hours
// that parse; competition-awards lists the awards of announced rounds and
// nothing of a round under review, even one with an award recorded.
func checkRegisters(t *testing.T, c *ent.Client, base *tables.Result) {
	ctx := fixture.Context()
	cov := base.Table(dataset.PartyCoverage)
	col := func(tb *dataset.Table, f string) int { return tb.Dataset.FieldIndex(f) }
	on := base.Reference.UTC()
	on = time.Date(on.Year(), on.Month(), on.Day(), 0, 0, 0, 0, time.UTC)
	for _, r := range cov.Rows {
		code := r[col(cov, "town_code")].Text()
		ids, err := c.Region.Query().Where(region.CodeHasPrefix(code)).IDs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want, err := registry.CoverageOf(ctx, c, organization.RegionIDIn(ids...), on)
		if err != nil {
			t.Fatal(err)
		}
		for f, v := range map[string]int{"social_organizations": want.SocialOrganizations, "own_branch": want.OwnBranch,
			"joint_branch": want.JointBranch, "instructor": want.Instructor, "not_covered": want.NotCovered, "covered": want.Covered} {
			if got := r[col(cov, f)].Int; got != int64(v) {
				t.Errorf("%s %s = %d, the API counts %d", code, f, got, v)
			}
		}
		if want.Rate == nil || r[col(cov, "coverage_rate")].Float() != *want.Rate {
			t.Errorf("%s coverage_rate = %s, the API says %v", code, r[col(cov, "coverage_rate")].Text(), want.Rate)
		}
	}
	if cov.Rows[0][0].Text() != "330411" || len(cov.Rows) != 1+len(base.Towns) {
		t.Errorf("party-coverage rows: %d, first %s", len(cov.Rows), cov.Rows[0][0].Text())
	}

	points := base.Table(dataset.ServicePoints)
	n, err := c.ServicePoint.Query().Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(points.Rows) != n {
		t.Errorf("service-points lists %d of %d points", len(points.Rows), n)
	}
	for _, r := range points.Rows {
		if _, _, err := openinghours.Parse(r[col(points, "opening_hours")].Text()); err != nil {
			t.Errorf("%s: %v", r[0].Text(), err)
		}
	}

	announced, err := c.CompetitionAward.Query().Where(competitionaward.HasApplicationWith(
		competitionapplication.HasRoundWith(competitionround.StatusEQ(competitionround.StatusCLOSED)))).Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if awards := base.Table(dataset.CompetitionAwards); len(awards.Rows) != announced || announced == 0 {
		t.Errorf("competition-awards lists %d rows, %d awards announced", len(awards.Rows), announced)
	}
	// An award recorded in a round under review stays out of the data.
	app, err := c.CompetitionApplication.Query().Where(competitionapplication.HasRoundWith(
		competitionround.StatusEQ(competitionround.StatusREVIEWING))).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CompetitionAward.Create().SetApplicationID(app.ID).SetRank(1).SetAmount(90000).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	after := build(t, c)
	if got, want := after.Table(dataset.CompetitionAwards).Rows, base.Table(dataset.CompetitionAwards).Rows; len(got) != len(want) {
		t.Errorf("an award under review was published: %d rows, before %d", len(got), len(want))
	}
}
