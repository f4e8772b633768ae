// Package demo seeds a deterministic, realistic demo district modelled on
// Xiuzhou District (秀洲区, 330411), Jiaxing: divisions, taxonomies,
// organisations, Party-building links, partnerships, projects with outcomes,
// synthetic people and memberships, activities, volunteer service records and
// resident needs. The server seeds it into an empty database on first start;
// tests use it as a fixture.
//
// The named agencies, projects and their figures come from the published
// news report; everything else — above all every person — is synthetic.
// Generation is deterministic: one fixed PCG seed, fixed reference dates, no
// time.Now() in any data value, so the same code always writes the same rows
// in the same order.
package demo

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"entgo.io/ent/dialect"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/region"
	_ "github.com/tongxing/tongxing/ent/runtime" // defaults, validators and policies on the builders
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/rollups"
)

// DistrictCode is the division code of the demo district; its presence marks
// a seeded database.
const DistrictCode = "330411"

// Sizes of the generated register. Tests assert the tables against these.
const (
	Towns                    = 9
	VolunteerTeams           = 40
	OtherSocialOrganizations = 60 // registered and filed community social organisations
	RegisteredOthers         = 20 // of which registered (登记); the rest are filed (备案)
	CommunityVolunteers      = 3000
	SocialWorkers            = 80
	Students                 = 300
	People                   = CommunityVolunteers + SocialWorkers + Students
	Activities               = 4000
	Needs                    = 600
)

// Recorder is the recorded_by (and reviewed_by) of every generated service
// record, so demo data can always be told apart.
const Recorder = "demo-seed"

// seed is the fixed PCG seed; each section derives its own stream from it.
const seed = 330411

// calendar.Zone is China Standard Time. Activity and review times are wall-clock
// times in the district; calendar dates are midnight UTC, as the Date
// scalar expects.

// ReferenceDate is the demo's "today": no activity, record or need is later.
var ReferenceDate = date(2026, 10, 31)

// FirstActivity is the earliest activity date.
var FirstActivity = date(2020, 1, 1)

// batchSize keeps every bulk INSERT well under PostgreSQL's 65,535
// bind-parameter limit (the widest table has about 15 columns).
const batchSize = 500

// Seed fills an empty database with the demo district (DemoScale). It is
// idempotent: if region 330411 already exists it does nothing and returns
// (false, nil). Everything is written in one transaction, so a failure
// leaves nothing behind. ctx must allow writes (policy.SystemContext).
//
// keys, when given, encrypt the synthetic people's ID numbers; without them
// people are seeded without one.
func Seed(ctx context.Context, db *database.DB, keys *pii.Keys) (seeded bool, err error) {
	return SeedScale(ctx, db, keys, DemoScale, nil)
}

// SeedScale is Seed at the given scale; progress, when not nil, is told
// each step as it starts.
func SeedScale(ctx context.Context, db *database.DB, keys *pii.Keys, scale Scale, progress func(step string)) (seeded bool, err error) {
	client := db.Client
	if exists, err := seededAlready(ctx, client); err != nil || exists {
		return false, err
	}
	tx, err := client.Tx(ctx)
	if err != nil {
		return false, fmt.Errorf("demo seed: begin: %w", err)
	}
	if progress == nil {
		progress = func(string) {}
	}
	s := &seeder{ctx: ctx, tx: tx, dialect: db.Dialect, keys: keys, scale: scale, progress: progress}
	if err := s.run(); err != nil {
		_ = tx.Rollback()
		// Another process may have seeded between our check and our
		// insert (two servers starting at once): that is success.
		if ent.IsConstraintError(err) {
			if exists, cerr := seededAlready(ctx, client); cerr == nil && exists {
				return false, nil
			}
		}
		return false, fmt.Errorf("demo seed: %w", err)
	}
	progress("commit")
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("demo seed: commit: %w", err)
	}
	if db.Dialect == dialect.Postgres {
		// Until autovacuum gets to them, PostgreSQL plans the new tables
		// from the statistics of empty ones: at district scale it took
		// the status index for a rare value and read a million records
		// per project (12 s for a page of 50 projects' hours, 0.2 s after).
		progress("analyze")
		if _, err := db.SQL.ExecContext(ctx, "ANALYZE"); err != nil {
			return true, fmt.Errorf("demo seed: analyze: %w", err)
		}
	}
	return true, nil
}

func seededAlready(ctx context.Context, client *ent.Client) (bool, error) {
	n, err := client.Region.Query().Where(region.Code(DistrictCode)).Count(ctx)
	if err != nil {
		return false, fmt.Errorf("demo seed: look for region %s: %w", DistrictCode, err)
	}
	return n > 0, nil
}

// seeder carries the generated rows between sections: later sections reach
// earlier rows through these structs and read their database ids from them.
type seeder struct {
	ctx      context.Context
	tx       *ent.Tx
	dialect  string
	keys     *pii.Keys
	scale    Scale
	progress func(step string)
	err      error // first lookup failure in the static tables

	codes creditCodes

	// divisions
	province, city, district *division
	towns                    []*town
	regionByCode             map[string]*division

	terms map[string]int // "taxonomy/term" → id

	orgs         []*org
	orgByName    map[string]*org
	agencies     []*org // 孝慈, 芯悦, 管佳
	federation   *org
	bureau       *org
	socialOrgs   []*org          // the 60 others
	partyOrg     *org            // the district's social-organisation Party committee
	ownBranch    map[*org]*org   // social organisation → its own Party branch (单独建)
	jointBranch  *org            // the district's joint branch (联合建) of district-level organisations
	hosts        map[*org][]*org // university → its practice-base hosts
	universities []*org

	indicators map[string]int

	projects []*proj
	running  map[time.Time]runningList // the projects running on a day (runningOn)
	people   []*personRow
}

type division struct {
	id   int
	code string
	name string
	town *town // the town it is or lies in; nil above town level
}

type town struct {
	def         townDef
	div         *division
	communities []*division
	teams       []*org
	party       *org
	psc         *org // 党群服务中心
	jointBranch *org // the town's joint Party branch of social organisations (联合建)
	socialOrgs  []*org
	volunteers  []*personRow
	tier        []*member // townTier, once memberships exist
}

// rng returns the random stream of one section. Each section has its own
// stream so adding rows to one section does not reshuffle the others.
func (s *seeder) rng(section string) *rand.Rand {
	h := fnv.New64a()
	_, _ = h.Write([]byte(section))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

func (s *seeder) run() error {
	s.codes = creditCodes{rng: s.rng("credit-codes"), used: map[string]bool{}}
	steps := []struct {
		name string
		fn   func() error
	}{
		{"regions", s.seedRegions},
		{"taxonomies", s.seedTaxonomies},
		{"organisations", s.seedOrganizations},
		{"party-building links", s.seedPartyLinks},
		{"partnerships", s.seedPartnerships},
		{"indicators", s.seedIndicators},
		{"projects", s.seedProjects},
		{"outcomes", s.seedOutcomes},
		{"people", s.seedPeople},
		{"memberships", s.seedMemberships},
		{"activities", s.seedActivities},
		{"needs", s.seedNeeds},
		{"party coverage", s.seedPartyCoverage},
		{"service points", s.seedServicePoints},
		{"competitions", s.seedCompetitions},
		{"recruitment", s.seedRecruitment},
		// The records went in without the hooks that keep the roll-ups.
		{"roll-ups", func() error { return rollups.Rebuild(s.ctx, s.tx.Client(), s.dialect) }},
	}
	return s.withoutIndexes(func() error {
		for _, st := range steps {
			s.progress(st.name)
			if err := st.fn(); err != nil {
				return fmt.Errorf("%s: %w", st.name, err)
			}
			if s.err != nil {
				return fmt.Errorf("%s: %w", st.name, s.err)
			}
		}
		return nil
	})
}

// fail records the first error found while resolving the static tables.
func (s *seeder) fail(format string, args ...any) {
	if s.err == nil {
		s.err = fmt.Errorf(format, args...)
	}
}

// ---- bulk helpers ----

type bulkSaver[E any] interface {
	Save(context.Context) ([]*E, error)
}

// saveAll inserts builders with CreateBulk in batches of batchSize and
// returns the created entities in order.
func saveAll[E any, C any, B bulkSaver[E]](ctx context.Context, builders []C, bulk func(...C) B) ([]*E, error) {
	out := make([]*E, 0, len(builders))
	for start := 0; start < len(builders); start += batchSize {
		end := min(start+batchSize, len(builders))
		es, err := bulk(builders[start:end]...).Save(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, es...)
	}
	return out, nil
}

// ---- dates and draws ----

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// mustDate parses a YYYY-MM-DD literal from the tables.
func mustDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(fmt.Sprintf("demo: bad date literal %q", s))
	}
	return t
}

// dayBetween draws a calendar date in [from, to].
func dayBetween(r *rand.Rand, from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours() / 24)
	if days <= 0 {
		return from
	}
	return from.AddDate(0, 0, r.IntN(days+1))
}

func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// weighted draws an index with probability proportional to its weight.
func weighted(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// ---- summary ----

// Summary counts the rows of each table, for logs and tests.
type Summary struct {
	Regions, Taxonomies, Terms, Organizations, PartyBuildingLinks, Partnerships int
	Indicators, Projects, ProjectParticipations, Outcomes, People, Memberships  int
	Activities, ServiceRecords, Needs                                           int
	PartyCoverages, ServicePoints, CompetitionRounds, CompetitionApplications   int
}

// Count returns the row counts of the tables the demo fills. ctx must be
// allowed to read restricted tables.
func Count(ctx context.Context, c *ent.Client) (Summary, error) {
	var s Summary
	var errs []error
	count := func(dst *int, f func(context.Context) (int, error)) {
		n, err := f(ctx)
		*dst = n
		errs = append(errs, err)
	}
	count(&s.Regions, c.Region.Query().Count)
	count(&s.Taxonomies, c.Taxonomy.Query().Count)
	count(&s.Terms, c.Term.Query().Count)
	count(&s.Organizations, c.Organization.Query().Count)
	count(&s.PartyBuildingLinks, c.PartyBuildingLink.Query().Count)
	count(&s.Partnerships, c.Partnership.Query().Count)
	count(&s.Indicators, c.Indicator.Query().Count)
	count(&s.Projects, c.Project.Query().Count)
	count(&s.ProjectParticipations, c.ProjectParticipation.Query().Count)
	count(&s.Outcomes, c.Outcome.Query().Count)
	count(&s.People, c.Person.Query().Count)
	count(&s.Memberships, c.Membership.Query().Count)
	count(&s.Activities, c.Activity.Query().Count)
	count(&s.ServiceRecords, c.ServiceRecord.Query().Count)
	count(&s.Needs, c.Need.Query().Count)
	count(&s.PartyCoverages, c.PartyCoverage.Query().Count)
	count(&s.ServicePoints, c.ServicePoint.Query().Count)
	count(&s.CompetitionRounds, c.CompetitionRound.Query().Count)
	count(&s.CompetitionApplications, c.CompetitionApplication.Query().Count)
	return s, errors.Join(errs...)
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
