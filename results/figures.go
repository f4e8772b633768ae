package results

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/competitionapplication"
	"github.com/tongxing/tongxing/ent/competitionaward"
	"github.com/tongxing/tongxing/ent/competitionreview"
	"github.com/tongxing/tongxing/ent/competitionround"
	"github.com/tongxing/tongxing/ent/indicator"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/outcome"
	"github.com/tongxing/tongxing/ent/partnership"
	"github.com/tongxing/tongxing/ent/partybuildinglink"
	"github.com/tongxing/tongxing/ent/partycoverage"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/ent/projectparticipation"
	"github.com/tongxing/tongxing/ent/servicepoint"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/ent/term"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/needs"
	"github.com/tongxing/tongxing/opendata"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/tables"
	"github.com/tongxing/tongxing/policy"
)

// Figures derived from people (volunteers, hours, needs, outcome values
// that count people) reach two kinds of caller through the API:
//
//   - callers who may read the people behind a figure get it exact: ADMIN
//     always; an EDITOR for a project whose every verified record is at an
//     activity its scope organises (it reads those records and people
//     anyway) and for outcome values of projects its scope leads (it records
//     them);
//   - everyone else gets the value the open data publishes for the same
//     cell, computed by the open-data table code itself (opendata/tables,
//     with the rules of opendata/disclosure: threshold k, monthly hours cap,
//     dominance, cell-key noise, base-5 rounding, adults only — children
//     are counted only in the children-summary table), or nothing: null where the open data shows x or has no such
//     cell, and a refusal for divisions and periods it does not publish.
//
// Nothing here re-implements a disclosure rule: the tables are built by
// tables.Build with the publisher's own threshold, secret and child codes,
// and cells are looked up by their published keys. A build reads every
// person once, so its result is kept until the data changes (a cheap
// fingerprint of the tables it reads) or the reference date moves.

// Figures serves protected figures; the zero value is not usable (NewFigures).
type Figures struct {
	opt tables.Options
	now func() time.Time

	mu   sync.Mutex // one build at a time
	last *published

	// While a slow build (slowBuild or longer) redoes the tables after a
	// change, requests get the last tables if they are at most maxStale
	// old (ServeStaleFor); rebuilding is set while that build runs.
	maxStale   time.Duration
	slowBuild  time.Duration // slowBuild; tests lower it
	slowRead   time.Duration // slowRead; tests lower it
	rebuilding bool

	writes   atomic.Uint64 // writes committed by this process (Hook)
	watched  sync.Map      // transactions Hook waits on to commit
	fpMu     sync.Mutex    // one fingerprint read at a time
	fp       string        // the last read, …
	fpAt     time.Time     // … when it started, …
	fpWrites uint64        // … and the writes committed before it
	fpRead   bool
	// fpRefreshing is set while a background read runs.
	fpRefreshing bool

	memoMu sync.Mutex
	memo   map[string]*remembered // remember's values by key
}

// NewFigures returns the figures service for the open-data configuration
// cfg (threshold, cell-key secret, district, time zone, child codes): the
// same configuration the publisher builds releases with, so a figure equals
// the published cell. now is the clock (nil: time.Now).
func NewFigures(cfg opendata.Config, now func() time.Time) (*Figures, error) {
	k := cfg.K
	if k == 0 {
		k = disclosure.DefaultK
	}
	rules, err := disclosure.New(k, cfg.Secret)
	if err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	return &Figures{now: now, slowBuild: slowBuild, slowRead: slowRead, opt: tables.Options{
		Rules: rules, Location: cfg.Location, District: cfg.District,
		ChildDomains: cfg.ChildDomains, ChildIndicators: cfg.ChildIndicators,
	}}, nil
}

// errNoFigures refuses protected figures when the server was assembled
// without the open-data configuration: nothing but an exact figure exists
// then, and only callers entitled to it get one.
var errNoFigures = apierror.New(apierror.Forbidden,
	"服务器未配置开放数据披露控制，人员相关数字只向管理员提供 (disclosure control is not configured: figures about people are given to ADMIN only)")

// K is the frequency threshold.
func (f *Figures) K() int { return f.opt.Rules.K() }

// published is one computation of the open-data tables, indexed by the
// cells the API answers.
type published struct {
	key      string
	date     string        // the reference date the tables were built for
	builtAt  time.Time     // when the build read the data: what the answer is as of
	took     time.Duration // how long the build ran
	res      *tables.Result
	summary  cells // district-summary by year
	hours    cells // volunteer-hours-monthly by month, town code (all domains)
	needs    cells // needs-monthly by month, town code (all domains)
	projects cells // projects by project id
	outcomes cells // project-outcomes by outcome id
}

// cells are the rows of one table by the text of some key fields.
type cells struct {
	t    *dataset.Table
	rows map[string]dataset.Row
}

// index keys the rows of t by the given fields. Every other field of the
// primary key must be the total (ALL): a dimension the API does not ask
// about is taken whole, so a table that gains a dimension is still read at
// its total rather than at an arbitrary part of it.
func index(t *dataset.Table, keys ...string) (cells, error) {
	c := cells{t: t, rows: map[string]dataset.Row{}}
	if t == nil {
		return c, errors.New("figures: open-data table missing")
	}
	var keyIdx, restIdx []int
	for _, k := range keys {
		i := t.Dataset.FieldIndex(k)
		if i < 0 {
			return c, fmt.Errorf("figures: %s has no field %s", t.Dataset.ID, k)
		}
		keyIdx = append(keyIdx, i)
	}
	for _, k := range t.Dataset.PrimaryKey {
		if !containsString(keys, k) {
			restIdx = append(restIdx, t.Dataset.FieldIndex(k))
		}
	}
rows:
	for _, r := range t.Rows {
		for _, i := range restIdx {
			if r[i].Text() != dataset.Total {
				continue rows
			}
		}
		parts := make([]string, len(keyIdx))
		for j, i := range keyIdx {
			parts[j] = r[i].Text()
		}
		c.rows[strings.Join(parts, "\x00")] = r
	}
	return c, nil
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// value is the published value of field in the row keyed by key; found is
// false when the table has no such row.
func (c cells) value(field string, key ...string) (v dataset.Value, found bool) {
	r, ok := c.rows[strings.Join(key, "\x00")]
	if !ok {
		return dataset.None(), false
	}
	i := c.t.Dataset.FieldIndex(field)
	if i < 0 {
		return dataset.None(), true
	}
	return r[i], true
}

// intOf and floatOf turn a published value into an API value: nil when the
// open data withholds it (x) or has none.
func intOf(v dataset.Value) *int {
	switch v.Kind {
	case dataset.KindInt:
		n := int(v.Int)
		return &n
	case dataset.KindNumber:
		n := int(math.Round(v.Num))
		return &n
	}
	return nil
}

func floatOf(v dataset.Value) *float64 {
	switch v.Kind {
	case dataset.KindInt, dataset.KindNumber:
		x := v.Float()
		return &x
	}
	return nil
}

// orZero reads a cell of a table that lists only the cells with something
// in them (the monthly tables): no row means an empty cell, which the open
// data publishes as 0.
func orZero(v dataset.Value, found bool) dataset.Value {
	if !found {
		return dataset.Int(0)
	}
	return v
}

// slowBuild is how long a build must have taken for the next change to be
// rebuilt behind the last answer rather than in front of the request: the
// demo district builds in well under a second, the district-size data
// set in 9–25 s.
const slowBuild = time.Second

// ServeStaleFor lets requests get tables up to d old while a slow build
// redoes them after a change, and kept aggregates (remember) while a slow
// read redoes them (0, the default: every request after a change waits for
// the new build or read). The server sets it from
// TONGXING_FIGURES_MAX_STALE.
func (f *Figures) ServeStaleFor(d time.Duration) { f.maxStale = d }

// Published returns the open-data tables as a release built now would
// publish them, recomputing only when the data or the reference date has
// changed since the last call.
//
// When the last build was slow and is at most maxStale old, a change of
// the data does not hold requests up: they get the last tables — every
// value in them computed under the rules from one consistent earlier state
// of the data, as a release of that moment would publish it — while one
// build runs in the background. A new reference date, tables older than
// maxStale, and reads inside a mutation's transaction wait for the build.
func (f *Figures) Published(ctx context.Context, c *ent.Client) (*published, error) {
	if f == nil {
		return nil, errNoFigures
	}
	now := f.now()
	loc := f.opt.Location
	if loc == nil {
		loc = calendar.Zone
	}
	fp, err := f.requestFingerprint(ctx, c)
	if err != nil {
		return nil, err
	}
	date := now.In(loc).Format(time.DateOnly)
	key := date + "|" + fp
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.last != nil && f.last.key == key {
		return f.last, nil
	}
	if last := f.last; last != nil && last.date == date && f.mayServeStale(ctx, now.Sub(last.builtAt), last.took, f.slowBuild) {
		if !f.rebuilding && f.dueAgain(now.Sub(last.builtAt), last.took) {
			f.rebuilding = true
			go f.rebuild(context.WithoutCancel(ctx), c, key, date, now)
		}
		return last, nil
	}
	p, err := f.build(ctx, c, key, date, now)
	if err != nil {
		return nil, err
	}
	if !inTransaction(ctx) {
		f.last = p
	}
	return p, nil
}

// mayServeStale reports whether a value age old, whose computation took
// took, may answer a request after the data changed while it is computed
// again: ServeStaleFor allows it, the computation was slow (slow or more),
// the value is young enough, and the request does not read inside a
// transaction (whose own writes it must see).
func (f *Figures) mayServeStale(ctx context.Context, age, took, slow time.Duration) bool {
	return f.maxStale > 0 && took >= slow && age <= f.maxStale && !inTransaction(ctx)
}

// dueAgain reports whether a value age old, whose computation took took,
// should be computed again in the background now. Under a steady stream of
// writes every request finds the data changed; recomputing each time one
// finishes would keep a core busy for ever (the district tables take
// 9–25 s). So a value is recomputed once it is four times as old as it
// took — at most a fifth of one core — and by half of maxStale at the
// latest, so that it is renewed before requests would have to wait.
func (f *Figures) dueAgain(age, took time.Duration) bool {
	return age >= min(4*took, f.maxStale/2)
}

// rebuild builds the tables for key in the background and keeps them
// unless a newer build got there first.
func (f *Figures) rebuild(ctx context.Context, c *ent.Client, key, date string, now time.Time) {
	p, err := f.build(ctx, c, key, date, now)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rebuilding = false
	if err == nil && (f.last == nil || !f.last.builtAt.After(p.builtAt)) {
		f.last = p
	}
}

// build computes the tables as of now for key.
func (f *Figures) build(ctx context.Context, c *ent.Client, key, date string, now time.Time) (*published, error) {
	opt := f.opt
	opt.Now = now
	// A build that has started serves the requests queued behind it, so a
	// caller going away does not throw it away.
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Minute)
	defer cancel()
	started := time.Now()
	res, err := tables.Build(bctx, c, opt)
	if err != nil {
		return nil, err
	}
	p := &published{key: key, date: date, builtAt: now, took: time.Since(started), res: res}
	for _, ix := range []struct {
		dst  *cells
		id   string
		keys []string
	}{
		{&p.summary, dataset.DistrictSummary, []string{"year"}},
		{&p.hours, dataset.VolunteerHoursMonthly, []string{"month", "town_code"}},
		{&p.needs, dataset.NeedsMonthly, []string{"month", "town_code"}},
		{&p.projects, dataset.Projects, []string{"project_id"}},
		{&p.outcomes, dataset.ProjectOutcomes, []string{"outcome_id"}},
	} {
		if *ix.dst, err = index(res.Table(ix.id), ix.keys...); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// WithOneFingerprint returns ctx in which Published reads the data's
// fingerprint once: a GraphQL response is one answer, and a page of
// outcomes asked the fourteen aggregates of the fingerprint again for every
// protected value on it (7,406 statements for 50 organisations → 10
// projects → 10 outcomes). graph gives every operation such a context.
func WithOneFingerprint(ctx context.Context) context.Context {
	return context.WithValue(ctx, fingerprintKey{}, &onceFingerprint{})
}

type fingerprintKey struct{}

type onceFingerprint struct {
	mu   sync.Mutex
	done bool
	fp   string
}

// requestFingerprint is currentFingerprint, once per WithOneFingerprint
// context.
func (f *Figures) requestFingerprint(ctx context.Context, c *ent.Client) (string, error) {
	once, _ := ctx.Value(fingerprintKey{}).(*onceFingerprint)
	if once == nil {
		return f.currentFingerprint(ctx, c)
	}
	once.mu.Lock()
	defer once.mu.Unlock()
	if !once.done {
		fp, err := f.currentFingerprint(ctx, c)
		if err != nil {
			return "", err // asked again by the next value
		}
		once.fp, once.done = fp, true
	}
	return once.fp, nil
}

// FingerprintMaxAge is how long a fingerprint read is used as it is while
// this process has committed no write. Counting a table of a million
// service records costs tens of milliseconds; once a second, not once a
// request. Past that age the last read is still answered while one read
// runs in the background, so no request waits for it. Writes by this
// process (Figures.Hook) end the reuse at once, and the next request reads
// afresh; writes by another process (a second server, the import command)
// show within about this age.
const FingerprintMaxAge = time.Second

// currentFingerprint is fingerprint, reused as FingerprintMaxAge says.
func (f *Figures) currentFingerprint(ctx context.Context, c *ent.Client) (string, error) {
	if inTransaction(ctx) {
		return fingerprint(allRows(ctx), c)
	}
	f.fpMu.Lock()
	defer f.fpMu.Unlock()
	gen := f.writes.Load()
	if f.fpRead && f.fpWrites == gen {
		if time.Since(f.fpAt) >= FingerprintMaxAge && !f.fpRefreshing {
			f.fpRefreshing = true
			go f.refreshFingerprint(context.WithoutCancel(ctx), c, gen)
		}
		return f.fp, nil
	}
	// The write count is taken before the read: a write committing during
	// it ends the reuse of what it returns.
	at := time.Now()
	fp, err := fingerprint(allRows(ctx), c)
	if err != nil {
		return "", err
	}
	f.fp, f.fpAt, f.fpWrites, f.fpRead = fp, at, gen, true
	return fp, nil
}

// refreshFingerprint reads the fingerprint in the background and keeps it
// unless a write here has come in meanwhile (the next request reads then).
func (f *Figures) refreshFingerprint(ctx context.Context, c *ent.Client, gen uint64) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	at := time.Now()
	fp, err := fingerprint(allRows(ctx), c)
	f.fpMu.Lock()
	defer f.fpMu.Unlock()
	f.fpRefreshing = false
	if err == nil && f.writes.Load() == gen && f.fpWrites == gen {
		f.fp, f.fpAt = fp, at
	}
}

// Hook tells f of every write through ent, once it has committed (at once
// outside a transaction), so the next figure sees it. Raw statements inside
// a transaction (hours.insertRecords) are covered by the ent writes around
// them (the audit event every mutation writes), and other processes' writes
// by FingerprintMaxAge.
func (f *Figures) Hook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			v, err := next.Mutate(ctx, m)
			tx := mutationTx(m)
			if tx == nil {
				f.writes.Add(1)
				return v, err
			}
			// Once per transaction, however many rows it writes.
			if _, seen := f.watched.LoadOrStore(tx, true); !seen {
				tx.OnCommit(func(commit ent.Committer) ent.Committer {
					return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
						err := commit.Commit(ctx, tx)
						f.watched.Delete(tx)
						f.writes.Add(1)
						return err
					})
				})
				tx.OnRollback(func(rollback ent.Rollbacker) ent.Rollbacker {
					return ent.RollbackFunc(func(ctx context.Context, tx *ent.Tx) error {
						f.watched.Delete(tx)
						return rollback.Rollback(ctx, tx)
					})
				})
			}
			return v, err
		})
	}
}

// inTransaction reports whether ctx reads inside a mutation's transaction
// (graph's transaction puts it in the context). What it reads there
// includes the mutation's own uncommitted writes, which may yet roll back:
// such a read is answered but never kept for other requests.
func inTransaction(ctx context.Context) bool { return ent.TxFromContext(ctx) != nil }

// mutationTx is the transaction m runs in, nil outside one: every
// generated mutation has a Tx method, which ent.Mutation does not declare.
func mutationTx(m ent.Mutation) *ent.Tx {
	if txm, ok := m.(interface{ Tx() (*ent.Tx, error) }); ok {
		if tx, err := txm.Tx(); err == nil {
			return tx
		}
	}
	return nil
}

// fingerprintTables are the tables the open data reads besides regions,
// the table the fingerprint's statement is asked from. A service point's
// hours and exceptions have no updated_at of their own: every change to
// them touches the point's (package servicepoints).
var fingerprintTables = []string{
	term.Table, organization.Table, partnership.Table, partybuildinglink.Table,
	project.Table, projectparticipation.Table, indicator.Table, outcome.Table, activity.Table,
	need.Table, person.Table, membership.Table, servicerecord.Table,
	partycoverage.Table, servicepoint.Table, competitionround.Table, competitionapplication.Table,
	competitionreview.Table, competitionaward.Table,
}

// fingerprint changes whenever a table the open data reads gains, loses or
// changes a row: its row count and newest updated_at, indexed aggregates
// of twenty tables in one statement (scalar subqueries beside the regions'),
// far cheaper than a build. It goes through ent's query path, so drivers
// that wrap the database see it like any other read.
func fingerprint(ctx context.Context, c *ent.Client) (string, error) {
	part := func(count, newest string) string {
		return "CAST(" + count + " AS TEXT) || '@' || COALESCE(CAST(" + newest + " AS TEXT), '') || ';'"
	}
	return c.Region.Query().Aggregate(func(s *sql.Selector) string {
		parts := []string{part("COUNT(*)", "MAX("+s.C("updated_at")+")")}
		for _, t := range fingerprintTables {
			parts = append(parts, "(SELECT "+part("COUNT(*)", "MAX(updated_at)")+" FROM "+s.Quote(t)+")")
		}
		return sql.As(strings.Join(parts, " || "), "fingerprint")
	}).String(ctx)
}

// remembered is one value kept by remember.
type remembered struct {
	mu         sync.Mutex // one read at a time per key
	fp         string
	value      any
	readAt     time.Time     // when the kept value's read began (f.now)
	took       time.Duration // how long it ran
	refreshing bool          // a background read is under way
}

// maxRemembered bounds the values kept: their keys carry the day, so old
// ones are dropped rather than kept for ever.
const maxRemembered = 64

// slowRead is how long a kept value's read must have taken for the next
// change to be read behind it (as slowBuild for the tables): at district
// scale districtStats reads for 0.2–0.4 s and needMatches' recent
// activity for about a second; at the demo's size they take milliseconds
// and are read in front of the request.
const slowRead = 150 * time.Millisecond

// remember answers the value kept under key while the data's fingerprint is
// the one it was read at, or reads it — once, however many requests ask at
// the same time — and keeps it. The values are aggregates over every row
// (needs.Protection.Remember); who may see what of them is decided after.
//
// After a change, a value whose read was slow and is at most maxStale old
// (ServeStaleFor) is answered while one read runs in the background, as
// Published does for the tables; read is given the context to read in.
func (f *Figures) remember(ctx context.Context, c *ent.Client, key string, read func(context.Context) (any, error)) (any, error) {
	if inTransaction(ctx) {
		return read(ctx)
	}
	fp, err := f.requestFingerprint(ctx, c)
	if err != nil {
		return nil, err
	}
	f.memoMu.Lock()
	if f.memo == nil || (len(f.memo) >= maxRemembered && f.memo[key] == nil) {
		f.memo = map[string]*remembered{}
	}
	e := f.memo[key]
	if e == nil {
		e = &remembered{}
		f.memo[key] = e
	}
	f.memoMu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.value != nil && e.fp == fp {
		return e.value, nil
	}
	now := f.now()
	if e.value != nil && f.mayServeStale(ctx, now.Sub(e.readAt), e.took, f.slowRead) {
		if !e.refreshing && f.dueAgain(now.Sub(e.readAt), e.took) {
			e.refreshing = true
			go f.rereadInBackground(context.WithoutCancel(ctx), e, fp, now, read)
		}
		return e.value, nil
	}
	started := time.Now()
	v, err := read(ctx)
	if err != nil {
		return nil, err
	}
	e.fp, e.value, e.readAt, e.took = fp, v, now, time.Since(started)
	return v, nil
}

// rereadInBackground reads e's value again as of fingerprint fp and keeps
// it unless a newer read got there first.
func (f *Figures) rereadInBackground(ctx context.Context, e *remembered, fp string, now time.Time, read func(context.Context) (any, error)) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	started := time.Now()
	v, err := read(ctx)
	took := time.Since(started)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.refreshing = false
	if err == nil && !e.readAt.After(now) {
		e.fp, e.value, e.readAt, e.took = fp, v, now, took
	}
}

// ---- who gets exact figures ----

// ExactDivision reports whether v gets exact figures for a division: only
// ADMIN. A division's figures gather the people of every organisation in
// it, and an editor reads only its own.
func ExactDivision(v *auth.Viewer) bool { return v.Admin() }

// ExactProject reports whether v gets a project's exact volunteer figures:
// ADMIN, or an EDITOR whose scope organised every activity of the project,
// and there is at least one — then it reads every record and volunteer the
// figures count (policy.ServiceRecordRows, policy.PeopleRows).
func ExactProject(ctx context.Context, c *ent.Client, v *auth.Viewer, projectID int) (bool, error) {
	if v.Admin() {
		return true, nil
	}
	if v == nil || v.Role != auth.RoleEditor || len(v.Scope) == 0 {
		return false, nil
	}
	// Decided on the public register alone — the project's activities and
	// their organisers — never on records: when it turned on whether
	// another organisation's activity had a verified record, the answer
	// switching from exact to protected told the editor the moment such a
	// record was verified (found in the issue 11 attack round).
	outside, err := c.Activity.Query().
		Where(activity.ProjectID(projectID), activity.Not(activity.OrganizationIDIn(v.Scope...))).Exist(allRows(ctx))
	if err != nil || outside {
		return false, err
	}
	// Not vacuously: a project without activities answers as it does to
	// everyone else.
	return c.Activity.Query().Where(activity.ProjectID(projectID)).Exist(allRows(ctx))
}

// ExactOutcomes reports whether v gets a project's outcome values exact:
// ADMIN, or an EDITOR whose scope leads the project (it records them).
func ExactOutcomes(ctx context.Context, c *ent.Client, v *auth.Viewer, projectID int) (bool, error) {
	if v.Admin() {
		return true, nil
	}
	if v == nil || v.Role != auth.RoleEditor || len(v.Scope) == 0 {
		return false, nil
	}
	return c.ProjectParticipation.Query().Where(projectparticipation.ProjectID(projectID),
		projectparticipation.RoleEQ(projectparticipation.RoleLEAD),
		projectparticipation.OrganizationIDIn(v.Scope...)).Exist(allRows(ctx))
}

// ---- projects ----

// ProjectFigures are a project's verified hours and distinct volunteers as
// v may have them: exact (ProjectExact), or as the open-data projects table
// publishes them — adults only, each protected (nil when withheld). sums
// reads the exact figures (ProjectHoursOf, for a whole page at once); it is
// called only for a caller who gets them.
func (f *Figures) ProjectFigures(ctx context.Context, c *ent.Client, v *auth.Viewer, projectID int,
	sums func() (ProjectSums, error)) (hours *float64, volunteers *int, err error) {
	exact, err := ExactProject(ctx, c, v, projectID)
	if err != nil {
		return nil, nil, err
	}
	if exact {
		s, err := sums()
		return &s.Hours, &s.Volunteers, err
	}
	p, err := f.Published(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	hv, _ := p.projects.value("verified_hours", gid.Encode(projectID))
	nv, _ := p.projects.value("volunteers", gid.Encode(projectID))
	return floatOf(hv), intOf(nv), nil
}

// ---- outcome values ----

// OutcomeValue is the baseline or actual (field "baseline" or "actual") of
// outcome id as v may read it, given its exact value: exact for ADMIN and
// the editors leading the project (they record it); for others as the
// open-data project-outcomes table publishes it — a count of people
// (children above all) from 1 to k − 1 is withheld (nil). Targets are
// published as recorded and need no call.
func (f *Figures) OutcomeValue(ctx context.Context, c *ent.Client, v *auth.Viewer, id int, field string, value *float64) (*float64, error) {
	if value == nil {
		return nil, nil // nothing to protect
	}
	if v != nil {
		// The project is looked up, not read off the loaded outcome:
		// queries select only the columns a request asks for.
		prj, err := c.Outcome.Query().Where(outcome.ID(id)).Select(outcome.FieldProjectID).Int(allRows(ctx))
		if err != nil {
			return nil, err
		}
		exact, err := ExactOutcomes(ctx, c, v, prj)
		if err != nil || exact {
			return value, err
		}
	}
	p, err := f.Published(ctx, c)
	if err != nil {
		return nil, err
	}
	// An outcome not in the table (written while the build ran) is
	// withheld rather than guessed.
	pv, _ := p.outcomes.value(field, gid.Encode(id))
	return floatOf(pv), nil
}

// MatchProtection is how needMatches shows v the figures about people in
// its scores (active volunteers, verified hours): exact for ADMIN, for an
// EDITOR's own organisations (it reads their volunteers, policy.PeopleRows)
// and for projects by ExactProject; through the open data's rules for
// every other provider.
func (f *Figures) MatchProtection(ctx context.Context, c *ent.Client, v *auth.Viewer) (needs.Protection, error) {
	if f == nil {
		if v.Admin() {
			return needs.Protection{}, nil
		}
		return needs.Protection{}, errNoFigures
	}
	remember := func(ctx context.Context, key string, read func(context.Context) (any, error)) (any, error) {
		return f.remember(ctx, c, key, read)
	}
	if v.Admin() {
		return needs.Protection{Remember: remember}, nil
	}
	var exactProjects sync.Map // project id → bool, for this request
	return needs.Protection{
		Rules:         f.opt.Rules,
		Remember:      remember,
		HiddenDomains: policy.ChildDomains(),
		ExactOrganization: func(id int) bool {
			return v != nil && v.Role == auth.RoleEditor && v.InScope(id)
		},
		ExactProject: func(id int) bool {
			// Asked once a project per request: the ranking scores every
			// running project, and its page scores its own again.
			if ok, seen := exactProjects.Load(id); seen {
				return ok.(bool)
			}
			ok, err := ExactProject(ctx, c, v, id)
			ok = err == nil && ok // a failed look-up protects
			exactProjects.Store(id, ok)
			return ok
		},
	}, nil
}
