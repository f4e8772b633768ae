// Package tables computes the published datasets from the database: the
// public registers as lists, and the person-derived tables as aggregates
// protected by package disclosure.
//
// Personal data is read in one streaming pass. People, their memberships
// and their verified service records are each read in keyset-paged queries
// ordered by person id and merged, so one person's rows are in memory at a
// time; every aggregate cell is an O(1) accumulator (counts, sums and key
// sums, see package disclosure). Memory therefore grows with the number of
// published cells, activities and organisations — never with the number of
// service records. Needs and social-work case files are read in pages by
// id, only the columns aggregated (for cases: division, kind, minor flag
// and two dates — never the agency, worker, resident or any text). Date
// bucketing happens in Go, so the same SQL (plain ent predicates) runs on
// SQLite and PostgreSQL.
//
// Every read passes policy.SystemContext: the builder aggregates personal
// data server-side, and only the protected aggregates leave this package.
package tables

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/policy"
)

// Options configure one build.
type Options struct {
	// Rules is the disclosure control (threshold and secret).
	Rules *disclosure.Rules
	// Now is the build time; its calendar date in Location is the reference
	// date: nothing later is counted, ages and "the last 12 months" are
	// taken on it.
	Now time.Time
	// Location is the district's time zone (default China Standard Time).
	Location *time.Location
	// District is the division code of the district published; empty means
	// the one DISTRICT-level division in the database.
	District string
	// ChildDomains are service-domain term codes whose resident needs are
	// about children and are published district-wide only.
	ChildDomains []string
	// ChildIndicators are indicator codes that count children; like every
	// indicator whose unit is people (人), their outcome values from 1 to
	// k − 1 are withheld.
	ChildIndicators []string
	// PageSize is the number of rows per streamed query (default 2000).
	PageSize int
}

// DefaultChildDomains and DefaultChildIndicators are the demo taxonomy's
// child-related codes (托育, 青少年, 助学; 服务儿童人数, 资助学生人数).
var (
	DefaultChildDomains    = []string{"childcare", "youth", "education-aid"}
	DefaultChildIndicators = []string{"children-served", "students-aided"}
)

// Division is a published region. The district's Name includes its city
// (嘉兴市秀洲区); table rows use the division's own name.
type Division struct {
	Code, Name string
}

// Stats counts the rows a build streamed; tests use it to show that memory
// does not follow the record count.
type Stats struct {
	People, Memberships, ServiceRecords, Activities, Needs, Cases, Queries int
}

// Result is the computed tables, in dataset.All() order.
type Result struct {
	Tables   []*dataset.Table
	District Division
	Towns    []Division
	// Reference is the reference date (a calendar date at midnight UTC).
	Reference time.Time
	// FirstYear is the first year of the yearly, quarterly and monthly
	// tables: the year of the earliest activity or adult's need, or the
	// reference year. Cases never move it (case-statistics' rows must not
	// depend on them), nor do children's needs.
	FirstYear int
	Stats     Stats
	// Complements is how many cells the release build withheld beside
	// others, so that no withheld count can be confined from the rest
	// (secondary suppression, release.Build); 0 from Build itself.
	Complements int
}

// Table returns the table of a dataset id.
func (r *Result) Table(id string) *dataset.Table {
	for _, t := range r.Tables {
		if t.Dataset.ID == id {
			return t
		}
	}
	return nil
}

// Build computes every dataset. ctx is wrapped in policy.SystemContext.
func Build(ctx context.Context, client *ent.Client, opt Options) (*Result, error) {
	if opt.Rules == nil {
		return nil, errors.New("tables: no disclosure rules")
	}
	if opt.Location == nil {
		opt.Location = calendar.Zone
	}
	if opt.PageSize <= 0 {
		opt.PageSize = 2000
	}
	if opt.ChildDomains == nil {
		opt.ChildDomains = DefaultChildDomains
	}
	if opt.ChildIndicators == nil {
		opt.ChildIndicators = DefaultChildIndicators
	}
	b := newBuilder(policy.SystemContext(ctx, "opendata"), client, opt)
	steps := []struct {
		name string
		fn   func() error
	}{
		{"divisions", b.loadDivisions},
		{"terms", b.loadTerms},
		{"organisations", b.loadOrganizations},
		{"projects", b.loadProjects},
		{"activities", b.streamActivities},
		{"needs", b.streamNeeds},
		{"cases", b.streamCases},
		{"people", b.streamPeople},
	}
	for _, s := range steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := s.fn(); err != nil {
			return nil, fmt.Errorf("open data: %s: %w", s.name, err)
		}
	}
	res := &Result{
		District:  Division{b.district.Code, b.districtName},
		Reference: b.ref.time(),
		FirstYear: b.firstYear,
	}
	for _, t := range b.towns {
		res.Towns = append(res.Towns, Division{t.Code, t.Name})
	}
	for _, d := range dataset.All() {
		t, err := b.table(d)
		if err != nil {
			return nil, fmt.Errorf("open data: %s: %w", d.ID, err)
		}
		if err := t.Check(); err != nil {
			return nil, err
		}
		res.Tables = append(res.Tables, t)
	}
	res.Stats = b.stats
	return res, nil
}

func (b *builder) table(d *dataset.Dataset) (*dataset.Table, error) {
	var rows []dataset.Row
	var err error
	switch d.ID {
	case dataset.DistrictSummary:
		rows = b.districtSummaryRows()
	case dataset.Organizations:
		rows = b.organizationRows()
	case dataset.PartyBuildingLinks:
		rows, err = b.partyLinkRows()
	case dataset.Projects:
		rows = b.projectRows()
	case dataset.ProjectOutcomes:
		rows = b.outcomeRows()
	case dataset.VolunteerHoursMonthly:
		rows = b.volunteerHoursRows()
	case dataset.VolunteersByTown:
		rows = b.volunteersByTownRows()
	case dataset.NeedsMonthly:
		rows = b.needsRows()
	case dataset.CaseStatistics:
		rows = b.caseRows()
	case dataset.PracticeBases:
		rows = b.practiceBaseRows()
	case dataset.ChildrenSummary:
		rows = b.childrenRows()
	case dataset.PartyCoverage:
		rows, err = b.partyCoverageRows()
	case dataset.ServicePoints:
		rows, err = b.servicePointRows()
	case dataset.CompetitionAwards:
		rows, err = b.awardRows()
	default:
		return nil, fmt.Errorf("no builder for dataset %q", d.ID)
	}
	if err != nil {
		return nil, err
	}
	return &dataset.Table{Dataset: d, Rows: rows}, nil
}

// ---- calendar days ----

// day is a calendar date as yyyymmdd, so days compare as integers.
type day int32

func dayOf(y int, m time.Month, d int) day { return day(y*10000 + int(m)*100 + d) }

// dateDay is the day of a Date field (stored as midnight UTC).
func dateDay(t time.Time) day {
	t = t.UTC()
	return dayOf(t.Year(), t.Month(), t.Day())
}

// localDay is the day of an instant in the district's time zone.
func (b *builder) localDay(t time.Time) day {
	t = t.In(b.opt.Location)
	return dayOf(t.Year(), t.Month(), t.Day())
}

func (d day) year() int  { return int(d) / 10000 }
func (d day) month() int { return int(d) / 100 } // yyyymm
func (d day) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", int(d)/10000, int(d)/100%100, int(d)%100)
}
func (d day) time() time.Time {
	return time.Date(int(d)/10000, time.Month(int(d)/100%100), int(d)%100, 0, 0, 0, 0, time.UTC)
}

// yearsBefore is the same calendar day n years earlier (29 Feb → 28 Feb).
func (d day) yearsBefore(n int) day {
	t := d.time()
	y := t.Year() - n
	dd := min(t.Day(), daysIn(y, t.Month()))
	return dayOf(y, t.Month(), dd)
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func monthText(m int) string { return fmt.Sprintf("%04d-%02d", m/100, m%100) }

// ageOn is the age in whole years on day d of someone born on birth.
func ageOn(birth, d day) int {
	age := d.year() - birth.year()
	if int(d)%10000 < int(birth)%10000 {
		age--
	}
	return age
}

// sortedKeys returns a map's keys in order: no map iteration order ever
// reaches a published file.
func sortedKeys[K interface{ ~int | ~int32 | ~int64 }, V any](m map[K]V) []K {
	ks := make([]K, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
