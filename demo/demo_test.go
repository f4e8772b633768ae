package demo_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/creditcode"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/demo"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/indicator"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/outcome"
	"github.com/tongxing/tongxing/ent/partnership"
	"github.com/tongxing/tongxing/ent/partybuildinglink"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/ent/projectparticipation"
	"github.com/tongxing/tongxing/ent/recruitment"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
)

func systemCtx() context.Context { return policy.SystemContext(context.Background(), "demo-seed") }

func seed(t *testing.T, db *database.DB) {
	t.Helper()
	start := time.Now()
	seeded, err := demo.Seed(systemCtx(), db, testKeys(t))
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	if !seeded {
		t.Fatal("Seed on an empty database returned false")
	}
	t.Logf("Seed on %s took %v", db.Dialect, time.Since(start).Round(time.Millisecond))
}

func TestSeed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := systemCtx()
		c := db.Client
		seed(t, db)
		sum, err := demo.Count(ctx, c)
		if err != nil {
			t.Fatalf("Count: %v", err)
		}
		t.Logf("rows: %+v", sum)

		t.Run("idempotent", func(t *testing.T) {
			seeded, err := demo.Seed(ctx, db, testKeys(t))
			if err != nil || seeded {
				t.Fatalf("second Seed = %v, %v; want false, nil", seeded, err)
			}
			again, err := demo.Count(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			if again != sum {
				t.Errorf("second Seed changed the counts:\n before %+v\n after  %+v", sum, again)
			}
		})
		t.Run("counts", func(t *testing.T) { checkCounts(t, sum) })
		t.Run("regions", func(t *testing.T) { checkRegions(t, ctx, c) })
		t.Run("organisations", func(t *testing.T) { checkOrganizations(t, ctx, c) })
		t.Run("links", func(t *testing.T) { checkLinks(t, ctx, c) })
		t.Run("projects", func(t *testing.T) { checkProjects(t, ctx, c) })
		t.Run("people", func(t *testing.T) { checkPeople(t, ctx, c) })
		t.Run("activities", func(t *testing.T) { checkActivities(t, ctx, c) })
		t.Run("records", func(t *testing.T) { checkRecords(t, ctx, c) })
		t.Run("needs", func(t *testing.T) { checkNeeds(t, ctx, c) })
		t.Run("party coverage", func(t *testing.T) { checkPartyCoverage(t, ctx, c) })
		t.Run("service points", func(t *testing.T) { checkServicePoints(t, ctx, c) })
		t.Run("competitions", func(t *testing.T) { checkCompetitions(t, ctx, c) })
	})
}

func inRange(t *testing.T, what string, got, lo, hi int) {
	t.Helper()
	if got < lo || got > hi {
		t.Errorf("%s = %d, want %d–%d", what, got, lo, hi)
	}
}

func checkCounts(t *testing.T, s demo.Summary) {
	inRange(t, "regions", s.Regions, 3+demo.Towns+9*4, 3+demo.Towns+9*6)
	inRange(t, "taxonomies", s.Taxonomies, 5, 5)
	inRange(t, "terms", s.Terms, 27+21+9, 27+21+9)
	inRange(t, "party coverages", s.PartyCoverages, 64, 100)
	inRange(t, "service points", s.ServicePoints, 8+demo.Towns, 8+demo.Towns)
	inRange(t, "competition rounds", s.CompetitionRounds, 3, 3)
	inRange(t, "competition applications", s.CompetitionApplications, 20, 30)
	inRange(t, "organisations", s.Organizations, 120, 170)
	inRange(t, "party-building links", s.PartyBuildingLinks, 35, 50)
	inRange(t, "partnerships", s.Partnerships, 25, 45)
	inRange(t, "indicators", s.Indicators, 8, 30)
	inRange(t, "projects", s.Projects, 39, 60)
	inRange(t, "project participations", s.ProjectParticipations, s.Projects+20, s.Projects*5)
	inRange(t, "outcomes", s.Outcomes, 100, 500)
	inRange(t, "people", s.People, demo.People, demo.People)
	inRange(t, "memberships", s.Memberships, demo.People+1000, demo.People*2)
	inRange(t, "activities", s.Activities, demo.Activities+demo.RecruitingActivities, demo.Activities+demo.RecruitingActivities)
	inRange(t, "service records", s.ServiceRecords, 50_000, 70_000)
	inRange(t, "needs", s.Needs, demo.Needs, demo.Needs)
}

func checkRegions(t *testing.T, ctx context.Context, c *ent.Client) {
	want := map[string]string{
		"330411002": "新城街道", "330411003": "嘉北街道", "330411004": "塘汇街道", "330411005": "高照街道",
		"330411101": "王江泾镇", "330411103": "油车港镇", "330411104": "新塍镇", "330411105": "王店镇", "330411106": "洪合镇",
	}
	district := c.Region.Query().Where(region.Code(demo.DistrictCode)).WithParent(func(q *ent.RegionQuery) { q.WithParent() }).OnlyX(ctx)
	if district.Name != "秀洲区" || district.Edges.Parent.Code != "3304" || district.Edges.Parent.Edges.Parent.Code != "33" {
		t.Errorf("district chain wrong: %+v", district)
	}
	townList := district.QueryChildren().WithChildren().AllX(ctx)
	if len(townList) != len(want) {
		t.Fatalf("%d towns, want %d", len(townList), len(want))
	}
	for _, tw := range townList {
		if want[tw.Code] != tw.Name || tw.Level != region.LevelTOWN {
			t.Errorf("town %s %s (%s) is not an official one", tw.Code, tw.Name, tw.Level)
		}
		inRange(t, tw.Name+" communities", len(tw.Edges.Children), 4, 6)
		for _, cm := range tw.Edges.Children {
			if len(cm.Code) != 12 || cm.Code[:9] != tw.Code || cm.Level != region.LevelCOMMUNITY {
				t.Errorf("community %s %s under %s has a bad code or level", cm.Code, cm.Name, tw.Code)
			}
		}
	}
}

func checkOrganizations(t *testing.T, ctx context.Context, c *ent.Client) {
	orgs := c.Organization.Query().WithParent().WithCategories().AllX(ctx)
	kinds := map[organization.Kind]int{}
	var registered, filed int
	for _, o := range orgs {
		kinds[o.Kind]++
		if o.CreditCode != nil && (!demo.ValidCreditCode(*o.CreditCode) || creditcode.Validate(*o.CreditCode) != nil) {
			t.Errorf("%s: credit code %s does not verify", o.Name, *o.CreditCode)
		}
		switch o.RegistrationStatus {
		case organization.RegistrationStatusREGISTERED:
			if o.CreditCode == nil {
				t.Errorf("registered %s has no credit code", o.Name)
			}
			if o.Kind == organization.KindSOCIAL_ORGANIZATION && o.Name != demo.VolunteerFed {
				registered++
			}
		case organization.RegistrationStatusFILED:
			if o.CreditCode != nil {
				t.Errorf("filed %s has a credit code", o.Name)
			}
			if o.Kind == organization.KindSOCIAL_ORGANIZATION {
				filed++
			}
		}
		if o.Kind == organization.KindVOLUNTEER_TEAM && (o.Edges.Parent == nil || o.Edges.Parent.Name != demo.VolunteerFed) {
			t.Errorf("team %s is not under the federation", o.Name)
		}
		if o.Kind == organization.KindSOCIAL_ORGANIZATION && len(o.Edges.Categories) == 0 {
			t.Errorf("%s has no category", o.Name)
		}
		if o.FoundedOn != nil && o.Kind == organization.KindSOCIAL_ORGANIZATION && o.Name != demo.VolunteerFed &&
			(o.FoundedOn.Year() < 2008 || o.FoundedOn.Year() > 2024) {
			t.Errorf("%s founded %v, want 2008–2024", o.Name, o.FoundedOn)
		}
	}
	if kinds[organization.KindVOLUNTEER_TEAM] != demo.VolunteerTeams || kinds[organization.KindSOCIAL_WORK_AGENCY] != 3 ||
		kinds[organization.KindUNIVERSITY] != 2 || kinds[organization.KindPARTY_SERVICE_CENTER] != demo.Towns ||
		kinds[organization.KindGOVERNMENT] != 1 || kinds[organization.KindENTERPRISE] < 2 || kinds[organization.KindPARTY_ORGANIZATION] < demo.Towns+5 {
		t.Errorf("organisation kinds: %v", kinds)
	}
	if registered != demo.RegisteredOthers || registered+filed != demo.OtherSocialOrganizations {
		t.Errorf("%d registered and %d filed social organisations, want %d of %d", registered, filed, demo.RegisteredOthers, demo.OtherSocialOrganizations)
	}

	xiaoci := c.Organization.Query().Where(organization.Name(demo.AgencyXiaoci)).OnlyX(ctx)
	if xiaoci.Kind != organization.KindSOCIAL_WORK_AGENCY || xiaoci.LegalForm != organization.LegalFormSOCIAL_SERVICE_AGENCY ||
		xiaoci.AssessmentGrade == nil || *xiaoci.AssessmentGrade < 3 || xiaoci.CreditCode == nil || (*xiaoci.CreditCode)[:8] != "52330411" {
		t.Errorf("孝慈 looks wrong: %+v", xiaoci)
	}
	if n := xiaoci.QueryProjects().CountX(ctx); n < 1 {
		t.Errorf("孝慈 has %d projects", n)
	}
}

func checkLinks(t *testing.T, ctx context.Context, c *ent.Client) {
	links := c.PartyBuildingLink.Query().WithPartyOrganization().AllX(ctx)
	types := map[partybuildinglink.LinkType]int{}
	ended := 0
	for _, l := range links {
		types[l.LinkType]++
		if l.Edges.PartyOrganization.Kind != organization.KindPARTY_ORGANIZATION {
			t.Errorf("link from %s, not a Party organisation", l.Edges.PartyOrganization.Name)
		}
		if l.EndedOn != nil {
			ended++
			if !l.EndedOn.After(l.StartedOn) {
				t.Errorf("link ended %v before it started %v", l.EndedOn, l.StartedOn)
			}
		}
	}
	if len(types) != 5 || ended == 0 {
		t.Errorf("link types %v, %d ended; want all five and some ended", types, ended)
	}

	ps := c.Partnership.Query().WithOrganization().AllX(ctx)
	kinds := map[partnership.Kind]int{}
	bases := map[string]int{}
	for _, p := range ps {
		kinds[p.Kind]++
		if p.Kind == partnership.KindPRACTICE_BASE {
			bases[p.Edges.Organization.Name]++
			if p.Capacity == nil || *p.Capacity < 10 || *p.Capacity > 40 {
				t.Errorf("practice base capacity %v, want 10–40", p.Capacity)
			}
		}
	}
	if len(kinds) != 4 || kinds[partnership.KindMENTORING] < 9 {
		t.Errorf("partnership kinds %v", kinds)
	}
	for _, u := range []string{demo.UniversityJiaxing, demo.UniversityNanhu} {
		inRange(t, u+" practice bases", bases[u], 3, 4)
	}
}

func checkProjects(t *testing.T, ctx context.Context, c *ent.Client) {
	for _, name := range []string{demo.ProjectShegongbang, demo.ProjectDailimama, demo.ProjectZhongzi, demo.ProjectYoufu,
		demo.ProjectWeidongli, demo.ProjectZhumeng, demo.ProjectHongxin56, demo.ProjectQinzi, demo.ProjectNuanxinfan} {
		if n := c.Project.Query().Where(project.Name(name)).CountX(ctx); n != 1 {
			t.Errorf("project %s found %d times", name, n)
		}
	}
	published := func(projectName, indicatorCode string, want float64) {
		t.Helper()
		n := c.Outcome.Query().Where(
			outcome.HasProjectWith(project.Name(projectName)),
			outcome.HasIndicatorWith(indicator.Code(indicatorCode)),
			outcome.Actual(want),
		).CountX(ctx)
		if n != 1 {
			t.Errorf("%s: outcome %s = %v found %d times", projectName, indicatorCode, want, n)
		}
	}
	published(demo.ProjectShegongbang, "households-served", demo.ShegongbangHouseholds)
	published(demo.ProjectShegongbang, "household-income-increase", demo.ShegongbangIncomeIncrease)
	published(demo.ProjectDailimama, "volunteers-engaged", demo.DailimamaVolunteers)
	published(demo.ProjectDailimama, "children-served", demo.DailimamaChildren)

	sgb := c.Project.Query().Where(project.Name(demo.ProjectShegongbang)).OnlyX(ctx)
	lead := sgb.QueryParticipations().Where(projectparticipation.RoleEQ(projectparticipation.RoleLEAD)).QueryOrganization().OnlyX(ctx)
	if lead.Name != demo.AgencyXiaoci {
		t.Errorf("社工帮 is led by %s, want 孝慈", lead.Name)
	}
	if n := sgb.QueryChildren().CountX(ctx); n < 1 {
		t.Error("社工帮 has no sub-projects")
	}

	// 一口暖心饭: an elderly canteen project running in 新塍镇.
	canteen := c.Project.Query().Where(project.Name(demo.ProjectNuanxinfan)).WithRegions().WithDomains().OnlyX(ctx)
	if canteen.Stage != project.StageIMPLEMENTATION {
		t.Errorf("一口暖心饭 is in stage %s", canteen.Stage)
	}
	if n := canteen.QueryActivities().Where(activity.HasRegionWith(region.CodeHasPrefix("330411104"))).CountX(ctx); n < 10 {
		t.Errorf("一口暖心饭 has %d activities in 新塍镇", n)
	}
	t.Run("taxonomy edges", func(t *testing.T) {
		if canteen.Edges.Regions[0].Code != "330411104" || canteen.Edges.Domains[0].Name != "养老" {
			t.Errorf("一口暖心饭: regions %v, domains %v", canteen.Edges.Regions, canteen.Edges.Domains)
		}
		if n := c.Project.Query().Where(project.Not(project.HasDomains())).CountX(ctx); n > 0 {
			t.Errorf("%d projects without a domain", n)
		}
	})

	stages := map[project.Stage]int{}
	awarded := 0
	for _, p := range c.Project.Query().AllX(ctx) {
		stages[p.Stage]++
		if len(p.Awards) > 0 {
			awarded++
		}
	}
	if len(stages) != 5 || awarded < 3 {
		t.Errorf("stages %v, %d projects with awards", stages, awarded)
	}
	if n := c.Project.Query().Where(project.Not(project.HasParticipations())).CountX(ctx); n > 0 {
		t.Errorf("%d projects without participants", n)
	}
}

func checkPeople(t *testing.T, ctx context.Context, c *ent.Client) {
	if n := c.Person.Query().Where(person.UniversityIDNotNil()).CountX(ctx); n != demo.Students {
		t.Errorf("%d students, want %d", n, demo.Students)
	}
	// About four students in five consent to share their records with
	// their university, at both universities; nobody else is marked.
	for _, u := range []string{demo.UniversityJiaxing, demo.UniversityNanhu} {
		all := c.Person.Query().Where(person.HasUniversityWith(organization.Name(u))).CountX(ctx)
		shared := c.Person.Query().Where(person.HasUniversityWith(organization.Name(u)), person.ShareWithUniversity(true)).CountX(ctx)
		inRange(t, u+" consenting students (per cent)", shared*100/all, 70, 90)
	}
	if n := c.Person.Query().Where(person.UniversityIDIsNil(), person.ShareWithUniversity(true)).CountX(ctx); n != 0 {
		t.Errorf("%d non-students marked as sharing with a university", n)
	}
	if n := c.Person.Query().Where(person.SocialWorkLevelNotNil(), person.SocialWorkCertificateNEQ("")).CountX(ctx); n != demo.SocialWorkers {
		t.Errorf("%d certified social workers, want %d", n, demo.SocialWorkers)
	}
	if n := c.Person.Query().Where(person.IDNumberHashNotNil()).CountX(ctx); n != demo.People {
		t.Errorf("%d people with an ID number, want all", n)
	}
	keys := testKeys(t)
	for _, p := range c.Person.Query().Limit(20).AllX(ctx) {
		id, err := keys.OpenIDNumber(p.IDNumberCiphertext)
		if err != nil || !pii.ValidIDNumber(id) || !strings.HasPrefix(id, demo.DistrictCode) || keys.IDNumberHash(id) != *p.IDNumberHash {
			t.Errorf("person %s: ID number %q (%v) is not a sealed, valid synthetic number", p.VolunteerNumber, id, err)
		}
	}
	party := c.Person.Query().Where(person.PartyMember(true)).CountX(ctx)
	inRange(t, "party members (per mille)", party*1000/demo.People, 100, 250)
	for _, p := range c.Person.Query().Limit(50).AllX(ctx) {
		if len(p.VolunteerNumber) != 14 || p.VolunteerNumber[:8] != "ZJ330411" || len(p.Phone) != 11 || p.BirthDate == nil {
			t.Errorf("person %s: number/phone/birth look wrong", p.VolunteerNumber)
		}
		if y := p.BirthDate.Year(); y < 1950 || y > 2008 {
			t.Errorf("person %s born %d", p.VolunteerNumber, y)
		}
	}
	// Every team has exactly one leader; every person belongs somewhere.
	teams := c.Organization.Query().Where(organization.KindEQ(organization.KindVOLUNTEER_TEAM)).AllX(ctx)
	for _, tm := range teams {
		if n := tm.QueryMemberships().Where(membership.RoleEQ(membership.RoleLEADER)).CountX(ctx); n != 1 {
			t.Errorf("team %s has %d leaders", tm.Name, n)
		}
	}
	if n := c.Person.Query().Where(person.Not(person.HasMemberships())).CountX(ctx); n != 0 {
		t.Errorf("%d people without a membership", n)
	}
	if n := c.Membership.Query().Where(membership.LeftOnNotNil()).CountX(ctx); n == 0 {
		t.Error("nobody ever left")
	}
	for _, role := range []membership.Role{membership.RoleVOLUNTEER, membership.RoleSOCIAL_WORKER, membership.RoleLEADER, membership.RoleSTAFF} {
		if n := c.Membership.Query().Where(membership.RoleEQ(role)).CountX(ctx); n == 0 {
			t.Errorf("no %s memberships", role)
		}
	}
}

func checkActivities(t *testing.T, ctx context.Context, c *ent.Client) {
	acts := c.Activity.Query().AllX(ctx)
	first, last := demo.FirstActivity, demo.ReferenceDate.AddDate(0, 0, 1)
	kinds := map[activity.Kind]int{}
	withProject := 0
	for _, a := range acts {
		kinds[a.Kind]++
		if a.ProjectID != nil {
			withProject++
		}
		recruiting := c.Recruitment.Query().Where(recruitment.ActivityID(a.ID)).ExistX(ctx)
		switch {
		case recruiting:
			// Recruiting activities are the two weeks after seeding.
			if now := time.Now(); a.StartsAt.Before(now) || a.StartsAt.After(now.AddDate(0, 0, 18)) {
				t.Errorf("recruiting activity %d starts %v, not in the coming two weeks", a.ID, a.StartsAt)
			}
		case a.StartsAt.Before(first.Add(-8*time.Hour)) || a.StartsAt.After(last):
			t.Errorf("activity %d starts %v, outside the demo period", a.ID, a.StartsAt)
		}
		if d := a.EndsAt.Sub(a.StartsAt); d < time.Hour || d > 4*time.Hour {
			t.Errorf("activity %d lasts %v", a.ID, d)
		}
	}
	if len(kinds) < 5 || kinds[activity.KindSERVICE] < len(acts)/2 {
		t.Errorf("activity kinds %v", kinds)
	}
	inRange(t, "activities with a project (%)", withProject*100/len(acts), 60, 95)
	live := c.Activity.Query().Where(activity.KindEQ(activity.KindLIVESTREAM_SALES),
		activity.HasProjectWith(project.Or(project.Name(demo.ProjectShegongbang), project.HasParentWith(project.Name(demo.ProjectShegongbang))))).CountX(ctx)
	if live == 0 {
		t.Error("社工帮 has no livestream sales")
	}
	// More in recent years.
	y2020 := c.Activity.Query().Where(activity.StartsAtLT(time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC))).CountX(ctx)
	y2025 := c.Activity.Query().Where(activity.StartsAtGTE(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)), activity.StartsAtLT(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))).CountX(ctx)
	if y2025 <= y2020 {
		t.Errorf("2025 has %d activities, 2020 %d", y2025, y2020)
	}
}

func checkRecords(t *testing.T, ctx context.Context, c *ent.Client) {
	var agg []struct {
		Min, Max, Count int
	}
	c.ServiceRecord.Query().Aggregate(ent.Min(servicerecord.FieldMinutes), ent.Max(servicerecord.FieldMinutes), ent.Count()).ScanX(ctx, &agg)
	if agg[0].Min < 30 || agg[0].Max > 480 {
		t.Errorf("minutes range %d–%d, want within 30–480", agg[0].Min, agg[0].Max)
	}
	total := agg[0].Count
	pending := c.ServiceRecord.Query().Where(servicerecord.StatusEQ(servicerecord.StatusPENDING)).CountX(ctx)
	rejected := c.ServiceRecord.Query().Where(servicerecord.StatusEQ(servicerecord.StatusREJECTED)).CountX(ctx)
	inRange(t, "pending (per mille)", pending*1000/total, 30, 80)
	inRange(t, "rejected (per mille)", rejected*1000/total, 10, 35)
	if n := c.ServiceRecord.Query().Where(servicerecord.StatusEQ(servicerecord.StatusVERIFIED), servicerecord.ReviewedAtIsNil()).CountX(ctx); n > 0 {
		t.Errorf("%d verified records without reviewed_at", n)
	}
	if n := c.ServiceRecord.Query().Where(servicerecord.StatusEQ(servicerecord.StatusREJECTED), servicerecord.ReviewNote("")).CountX(ctx); n > 0 {
		t.Errorf("%d rejected records without a note", n)
	}
	if n := c.ServiceRecord.Query().Where(servicerecord.RecordedByNEQ(demo.Recorder)).CountX(ctx); n > 0 {
		t.Errorf("%d records not recorded by %s", n, demo.Recorder)
	}
	// A sample: the volunteer was a member of some organisation on the day,
	// and served_on is the activity's date.
	for _, r := range c.ServiceRecord.Query().Order(servicerecord.ByID()).Limit(300).WithActivity().AllX(ctx) {
		if got, want := r.ServedOn.Format(time.DateOnly), r.Edges.Activity.StartsAt.In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly); got != want {
			t.Errorf("record %d served on %s, activity on %s", r.ID, got, want)
		}
		n := c.Membership.Query().Where(membership.PersonID(r.PersonID), membership.JoinedOnLTE(r.ServedOn),
			membership.Or(membership.LeftOnIsNil(), membership.LeftOnGTE(r.ServedOn))).CountX(ctx)
		if n == 0 {
			t.Errorf("record %d: person %d was nobody's member on %v", r.ID, r.PersonID, r.ServedOn)
		}
	}
}

func checkNeeds(t *testing.T, ctx context.Context, c *ent.Client) {
	statuses := map[need.Status]int{}
	for _, n := range c.Need.Query().AllX(ctx) {
		statuses[n.Status]++
		if n.Contact != "" {
			t.Errorf("need %d has a contact", n.ID)
		}
		switch n.Status {
		case need.StatusRESOLVED:
			d := n.ResolvedAt.Sub(n.OpenedAt)
			if d < 24*time.Hour || d > 61*24*time.Hour {
				t.Errorf("need %d resolved after %v", n.ID, d)
			}
			fallthrough
		case need.StatusMATCHED:
			if n.MatchedOrganizationID == nil {
				t.Errorf("need %d (%s) has no matched organisation", n.ID, n.Status)
			}
		}
		if y := n.OpenedAt.Year(); y < 2022 || y > 2026 {
			t.Errorf("need %d opened %v", n.ID, n.OpenedAt)
		}
	}
	if len(statuses) != 4 || statuses[need.StatusRESOLVED] < demo.Needs/2 {
		t.Errorf("need statuses %v", statuses)
	}
}

// TestDeterministic seeds two fresh databases and compares a digest of
// ordered rows of several tables.
func TestDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds two databases")
	}
	a, b := dbtest.OpenSQLite(t), dbtest.OpenSQLite(t)
	seed(t, a)
	seed(t, b)
	da, db := digest(t, a.Client), digest(t, b.Client)
	for table := range da {
		if da[table] != db[table] {
			t.Errorf("%s differs between two seeds", table)
		}
	}
}

func digest(t *testing.T, c *ent.Client) map[string]string {
	t.Helper()
	ctx := systemCtx()
	out := map[string]string{}
	sum := func(table string, rows func(add func(...any))) {
		h := sha256.New()
		rows(func(vs ...any) {
			for i, v := range vs {
				vs[i] = plain(v)
			}
			fmt.Fprintln(h, vs...)
		})
		out[table] = hex.EncodeToString(h.Sum(nil))
	}
	sum("regions", func(add func(...any)) {
		for _, r := range c.Region.Query().Order(region.ByID()).AllX(ctx) {
			add(r.Code, r.Name, r.Level)
		}
	})
	sum("organizations", func(add func(...any)) {
		for _, o := range c.Organization.Query().Order(organization.ByID()).AllX(ctx) {
			add(o.Name, o.Kind, o.CreditCode, o.FoundedOn, o.ContactPhone)
		}
	})
	sum("people", func(add func(...any)) {
		for _, p := range c.Person.Query().Order(person.ByID()).AllX(ctx) {
			add(p.VolunteerNumber, p.Name, p.Gender, p.BirthDate, p.Phone, p.Skills, p.PartyMember)
		}
	})
	sum("activities", func(add func(...any)) {
		for _, a := range c.Activity.Query().Order(activity.ByID()).AllX(ctx) {
			add(a.Title, a.Kind, a.StartsAt, a.EndsAt, a.Place, a.Beneficiaries)
		}
	})
	sum("service_records", func(add func(...any)) {
		for _, r := range c.ServiceRecord.Query().Order(servicerecord.ByID()).AllX(ctx) {
			add(r.PersonID, r.ActivityID, r.ServedOn, r.Minutes, r.Status, r.Content)
		}
	})
	sum("needs", func(add func(...any)) {
		// Needs take random ids (randomids): ordered by what they say.
		for _, n := range c.Need.Query().Order(need.ByOpenedAt(), need.ByTitle(), need.ByStatus(), need.ByUrgency()).AllX(ctx) {
			add(n.Title, n.Status, n.Urgency, n.OpenedAt, n.ResolvedAt)
		}
	})
	return out
}

// plain turns pointers and times into comparable text (a pointer would print
// as an address, a time in the database's zone).
func plain(v any) any {
	switch x := v.(type) {
	case *string:
		if x == nil {
			return "<nil>"
		}
		return *x
	case *time.Time:
		if x == nil {
			return "<nil>"
		}
		return x.UTC().Format(time.RFC3339)
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	}
	return v
}

// BenchmarkSeed measures a full seed into a fresh SQLite database.
func BenchmarkSeed(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		db := dbtest.OpenSQLite(b)
		b.StartTimer()
		if _, err := demo.Seed(systemCtx(), db, testKeys(b)); err != nil {
			b.Fatal(err)
		}
	}
}

func testKeys(t testing.TB) *pii.Keys {
	k, err := pii.NewKeys([]byte("tongxing-demo-test-secret-key-32"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// A larger scale adds its synthetic organisations, projects, people and
// activities beside the demo register, with names that stay unique, and
// every step reports progress.
func TestSeedScale(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds twice")
	}
	base := dbtest.OpenSQLite(t)
	seed(t, base)
	want, err := demo.Count(systemCtx(), base.Client)
	if err != nil {
		t.Fatal(err)
	}
	scale := demo.Scale{Name: "test", ExtraTeams: 30, ExtraSocialOrganizations: 25, CommunityVolunteers: demo.CommunityVolunteers + 500,
		Students: demo.Students, ExtraProjects: 15, PerYear: 2}
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		var steps []string
		seeded, err := demo.SeedScale(systemCtx(), db, testKeys(t), scale, func(step string) { steps = append(steps, step) })
		if err != nil || !seeded {
			t.Fatalf("seeded %v: %v", seeded, err)
		}
		got, err := demo.Count(systemCtx(), db.Client)
		if err != nil {
			t.Fatal(err)
		}
		if got.Organizations != want.Organizations+55 || got.Projects != want.Projects+15 || got.People != scale.People() ||
			got.Activities != 2*(want.Activities-demo.RecruitingActivities)+demo.RecruitingActivities || got.Needs != 2*want.Needs {
			t.Errorf("counts %+v, want the demo's %+v with 55 organisations, 15 projects, %d people and twice the activities and needs",
				got, want, scale.People())
		}
		if got.ServiceRecords < 2*want.ServiceRecords*9/10 {
			t.Errorf("%d service records for twice the demo's activities (%d)", got.ServiceRecords, want.ServiceRecords)
		}
		teams := db.Client.Organization.Query().Where(organization.KindEQ(organization.KindVOLUNTEER_TEAM)).CountX(systemCtx())
		if teams != demo.VolunteerTeams+30 {
			t.Errorf("%d volunteer teams, want %d", teams, demo.VolunteerTeams+30)
		}
		names := db.Client.Organization.Query().GroupBy(organization.FieldName).StringsX(systemCtx())
		if len(names) != got.Organizations {
			t.Errorf("%d organisation names for %d organisations", len(names), got.Organizations)
		}
		if len(steps) < 10 || !slices.Contains(steps, "roll-ups") || !slices.Contains(steps, "commit") {
			t.Errorf("progress steps %v", steps)
		}
	})
}
