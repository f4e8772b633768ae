package tables

import (
	"math"
	"strings"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/competitionapplication"
	"github.com/tongxing/tongxing/ent/competitionaward"
	"github.com/tongxing/tongxing/ent/competitionround"
	"github.com/tongxing/tongxing/ent/partycoverage"
	"github.com/tongxing/tongxing/ent/servicepoint"
	"github.com/tongxing/tongxing/ent/servicepointexception"
	"github.com/tongxing/tongxing/ent/term"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/registry"
	"github.com/tongxing/tongxing/servicepoints"
)

// The registers of Party coverage, service points and competition awards:
// public lists and counts of organisations and places, published as they
// are (no person is in them).

// partyCoverageRows counts coverage on the reference date per town and
// for the district, with registry.Tally: the same definition as the API's
// districtStats.
func (b *builder) partyCoverageRows() ([]dataset.Row, error) {
	covs, err := b.c.PartyCoverage.Query().Order(partycoverage.ByID()).
		Select(partycoverage.FieldOrganizationID, partycoverage.FieldMethod, partycoverage.FieldStartedOn, partycoverage.FieldEndedOn).All(b.ctx)
	b.stats.Queries++
	if err != nil {
		return nil, err
	}
	on := b.ref.time()
	byTown := map[int][]*ent.Organization{}
	var district []*ent.Organization
	for _, o := range b.orgs {
		t := b.orgTown[o.ID]
		if t == townOutside {
			continue
		}
		district = append(district, o)
		if t >= 0 {
			byTown[t] = append(byTown[t], o)
		}
	}
	row := func(t int, orgs []*ent.Organization) dataset.Row {
		f := registry.Tally(orgs, covs, on)
		tc, tn := b.townCell(t)
		return dataset.Row{tc, tn, dataset.Int(int64(f.SocialOrganizations)), dataset.Int(int64(f.OwnBranch)),
			dataset.Int(int64(f.JointBranch)), dataset.Int(int64(f.Instructor)), dataset.Int(int64(f.NotCovered)),
			dataset.Int(int64(f.Covered)), dataset.NumPtr(f.Rate)}
	}
	rows := []dataset.Row{row(townDistrict, district)}
	for t := range b.towns {
		rows = append(rows, row(t, byTown[t]))
	}
	return rows, nil
}

func joinTermNames(ts []*ent.Term) dataset.Value {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name
	}
	return dataset.Str(strings.Join(names, "; "))
}

// servicePointRows lists the points in the district, with their hours
// and the exceptions from the reference date on.
func (b *builder) servicePointRows() ([]dataset.Row, error) {
	from := b.ref.time()
	points, err := b.c.ServicePoint.Query().Order(servicepoint.ByID()).
		WithServices(func(q *ent.TermQuery) { q.Order(term.ByID()) }).
		WithTargetGroups(func(q *ent.TermQuery) { q.Order(term.ByID()) }).
		WithProjects().WithWeeklyHours().
		WithExceptions(func(q *ent.ServicePointExceptionQuery) { q.Where(servicepointexception.DateGTE(from)) }).
		All(b.ctx)
	b.stats.Queries++
	if err != nil {
		return nil, err
	}
	orgName := func(id int) dataset.Value {
		if o := b.orgByID[id]; o != nil {
			return dataset.Str(o.Name)
		}
		return dataset.None()
	}
	var rows []dataset.Row
	for _, p := range points {
		t := b.town(p.RegionID)
		if t == townOutside {
			continue
		}
		tc, tn := b.townCell(t)
		var projects []string
		for _, pr := range p.Edges.Projects {
			projects = append(projects, pr.Name)
		}
		credit := dataset.None()
		if o := b.orgByID[p.OperatorID]; o != nil && o.CreditCode != nil {
			credit = dataset.Str(*o.CreditCode)
		}
		lead := dataset.None()
		if p.LeadID != nil {
			lead = orgName(*p.LeadID)
		}
		opened, closed := dataset.None(), dataset.None()
		if p.OpenedOn != nil {
			opened = dataset.Str(dateDay(*p.OpenedOn).String())
		}
		if p.ClosedOn != nil {
			closed = dataset.Str(dateDay(*p.ClosedOn).String())
		}
		rows = append(rows, dataset.Row{
			dataset.Str(gid.Encode(p.ID)), dataset.Str(p.Name),
			dataset.Str(string(p.Kind)), dataset.Str(dataset.Label(dataset.PointKinds, string(p.Kind)).Zh),
			tc, tn, dataset.Str(b.regionCode(p.RegionID)), dataset.Str(p.Address),
			dataset.Num(p.Latitude), dataset.Num(p.Longitude),
			dataset.Str(servicepoints.OSM(p.Edges.WeeklyHours, p.Edges.Exceptions)),
			joinTermNames(p.Edges.Services), joinTermNames(p.Edges.TargetGroups),
			dataset.Str(gid.Encode(p.OperatorID)), orgName(p.OperatorID), credit, lead,
			dataset.Str(strings.Join(projects, "; ")), dataset.Str(p.ContactPhone), opened, closed,
		})
	}
	return rows, nil
}

// awardRows lists the awards of announced rounds, applications withdrawn
// before the announcement excluded (their awards were removed with them).
func (b *builder) awardRows() ([]dataset.Row, error) {
	awards, err := b.c.CompetitionAward.Query().
		Where(competitionaward.HasApplicationWith(competitionapplication.Withdrawn(false),
			competitionapplication.HasRoundWith(competitionround.StatusEQ(competitionround.StatusCLOSED)))).
		WithApplication(func(q *ent.CompetitionApplicationQuery) { q.WithRound().WithProject().WithReviews() }).
		Order(competitionaward.ByID()).All(b.ctx)
	b.stats.Queries++
	if err != nil {
		return nil, err
	}
	rows := make([]dataset.Row, 0, len(awards))
	for _, a := range awards {
		app := a.Edges.Application
		r := app.Edges.Round
		if r.AnnouncedOn == nil || dateDay(*r.AnnouncedOn) > b.ref {
			continue // announced after the reference date: the next release's
		}
		recipient := b.orgByID[app.ApplicantID]
		credit := dataset.None()
		name := dataset.Str(gid.Encode(app.ApplicantID))
		if recipient != nil {
			name = dataset.Str(recipient.Name)
			if recipient.CreditCode != nil {
				credit = dataset.Str(*recipient.CreditCode)
			}
		}
		funder := dataset.Str(gid.Encode(r.OrganizerID))
		if o := b.orgByID[r.OrganizerID]; o != nil {
			funder = dataset.Str(o.Name)
		}
		mean := dataset.None()
		if n := len(app.Edges.Reviews); n > 0 {
			var sum float64
			for _, rv := range app.Edges.Reviews {
				sum += rv.Score
			}
			mean = dataset.Num(math.Round(sum/float64(n)*100) / 100)
		}
		rows = append(rows, dataset.Row{
			dataset.Str(gid.Encode(a.ID)), dataset.Str(app.Edges.Project.Name), dataset.Str(gid.Encode(app.ProjectID)),
			dataset.Str(gid.Encode(app.ApplicantID)), name, credit,
			dataset.Num(a.Amount), dataset.Str(a.Currency), dataset.Str(dateDay(*r.AnnouncedOn).String()), funder,
			dataset.Str(gid.Encode(r.ID)), dataset.Str(r.Name), dataset.Int(int64(r.Year)), dataset.Str(string(r.Kind)),
			dataset.Int(int64(a.Rank)), dataset.Str(a.Prize), mean,
		})
	}
	return rows, nil
}

// regionCode is the code of a division, loaded with the divisions.
func (b *builder) regionCode(id int) string { return b.codeOf[id] }
