// Package imports brings registers kept in spreadsheets into Tongxing:
// organisations, volunteers, activities and service hours, from XLSX or
// CSV (package sheet reads them). Every row goes through the same domain
// function as the single mutation — registry, people, projects, hours —
// so it obeys the same rules and the same authorisation, in the caller's
// scope. An import runs in one transaction: a dry run (the default) and a
// file with any bad row roll it back, so a file applies whole or not at
// all (docs/import.md).
package imports

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/paging"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/sheet"
)

// Kind is what a file holds.
type Kind string

// The kinds of import.
const (
	Organizations Kind = "organizations"
	Volunteers    Kind = "volunteers"
	Activities    Kind = "activities"
	ServiceHours  Kind = "service-hours"
)

// Kinds in the order the documentation lists them (and an import of a
// whole district runs them).
var Kinds = []Kind{Organizations, Volunteers, Activities, ServiceHours}

// ParseKind reads a kind by its name.
func ParseKind(s string) (Kind, bool) {
	for _, k := range Kinds {
		if string(k) == strings.ToLower(strings.TrimSpace(s)) {
			return k, true
		}
	}
	return "", false
}

// Env is what rows need beyond the database.
type Env struct {
	Keys *pii.Keys
	Now  time.Time
	// Progress, when set, is told every thousand rows how many of the
	// file's lines have been read, and how many it has.
	Progress func(read, lines int)
}

// MaxProblems bounds the problems a report lists; Report.ProblemCount
// counts them all.
const MaxProblems = 10_000

// Report is the outcome of an import, dry run or not.
type Report struct {
	Kind Kind `json:"kind"`
	// Rows is the number of data rows read (headers and empty rows not
	// counted).
	Rows int `json:"rows"`
	// Created rows would be (dry run) or were written; Unchanged rows were
	// already there, found by their key, and are left as they are.
	Created   int `json:"created"`
	Unchanged int `json:"unchanged"`
	// Committed says whether the file was applied: only when asked to and
	// no row has a problem.
	Committed bool `json:"committed"`
	// FileRefused says the file was refused as a whole (unreadable, or a
	// header that does not fit the kind): no row was read.
	FileRefused  bool      `json:"fileRefused"`
	DryRun       bool      `json:"dryRun"`
	ProblemCount int       `json:"problemCount"`
	Problems     []Problem `json:"problems"`
}

// Accepted is the number of rows without a problem.
func (r *Report) Accepted() int { return r.Created + r.Unchanged }

func (r *Report) problem(ps ...Problem) {
	for _, p := range ps {
		r.ProblemCount++
		if len(r.Problems) < MaxProblems {
			r.Problems = append(r.Problems, p)
		}
	}
}

// AuditEvent is the one audit event of a committed import: the kind's
// entity type and the rows created, with every count in the reason
// field. It holds no personal data.
func (r *Report) AuditEvent() audit.Event {
	return audit.Event{
		EntityType: entityType[r.Kind],
		Count:      r.Created,
		Reason:     fmt.Sprintf("import %s: %d rows, %d created, %d unchanged", r.Kind, r.Rows, r.Created, r.Unchanged),
	}
}

var entityType = map[Kind]string{
	Organizations: ent.TypeOrganization,
	Volunteers:    ent.TypePerson,
	Activities:    ent.TypeActivity,
	ServiceHours:  ent.TypeServiceRecord,
}

// importer handles a kind's data rows. add reads one row; rows that need
// others (hours are checked a batch at a time) wait for flush.
type importer interface {
	add(ctx context.Context, row *cells) error
	flush(ctx context.Context) error
}

// refused is the report of a file refused as a whole: it cannot be read,
// or its header does not fit the kind.
func (r *Report) refused(ps ...Problem) *Report {
	r.FileRefused = true
	r.Created, r.Unchanged = 0, 0
	r.problem(ps...)
	return r
}

// fileProblem turns a refusal of package sheet into a report problem.
func fileProblem(err error) (Problem, bool) {
	var se *sheet.Error
	if !errors.As(err, &se) {
		return Problem{}, false
	}
	return Problem{Row: se.Row, Code: string(se.Reason), Message: se.Message}, true
}

// Run reads rows as a file of kind and applies each through c, which must
// be a transactional client: the caller commits when the report says
// Committed, and rolls back otherwise. commit false is a dry run. A file
// that cannot be read is reported (FileRefused); an error is the
// database's.
func Run(ctx context.Context, c *ent.Client, env Env, kind Kind, rows sheet.Rows, commit bool) (*Report, error) {
	columns, ok := columnsOf[kind]
	if !ok {
		return nil, fmt.Errorf("imports: unknown kind %q", kind)
	}
	rep := &Report{Kind: kind, DryRun: !commit}
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			if p, ok := fileProblem(err); ok {
				return rep.refused(p), nil
			}
			return nil, err
		}
		return rep.refused(Problem{Row: 1, Code: string(sheet.Empty), Message: "文件没有表头和数据 (the file has no header and no data)"}), nil
	}
	_, header := rows.Row()
	l, problems := matchHeader(columns, header)
	if len(problems) > 0 {
		return rep.refused(problems...), nil
	}
	imp := newImporter(kind, c, env, rep)
	first := true
	for rows.Next() {
		num, raw := rows.Row()
		if first && l.isEnglishRow(raw) {
			continue
		}
		wasFirst := first
		first = false
		if wasFirst && l.isExample(raw) {
			continue
		}
		rep.Rows++
		if rep.Rows%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err // the caller went away: stop, and roll back
			}
			if env.Progress != nil {
				env.Progress(num, rows.Lines())
			}
		}
		if err := imp.add(ctx, &cells{l: l, raw: raw, row: num}); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		if p, ok := fileProblem(err); ok {
			// Rows read so far are rolled back with the rest.
			return rep.refused(p), nil
		}
		return nil, err
	}
	if err := imp.flush(ctx); err != nil {
		return nil, err
	}
	if env.Progress != nil {
		env.Progress(rows.Lines(), rows.Lines())
	}
	sort.SliceStable(rep.Problems, func(i, j int) bool { return rep.Problems[i].Row < rep.Problems[j].Row })
	if rep.Rows == 0 {
		rep.problem(Problem{Row: 2, Code: string(sheet.Empty), Message: "文件没有数据行 (the file has no data rows)"})
	}
	rep.Committed = commit && rep.ProblemCount == 0
	return rep, nil
}

func newImporter(kind Kind, c *ent.Client, env Env, rep *Report) importer {
	switch kind {
	case Organizations:
		return &organizationRows{c: c, rep: rep, orgs: orgResolver{c: c}, seen: map[string]int{}}
	case Volunteers:
		return &volunteerRows{c: c, env: env, rep: rep, orgs: orgResolver{c: c}, seen: map[string]int{}}
	case Activities:
		return &activityRows{c: c, rep: rep, orgs: orgResolver{c: c}, seen: map[string]int{}}
	default:
		return &hourRows{c: c, env: env, rep: rep}
	}
}

// domainProblems turns the client errors of a domain function into the
// row's problems, each on the column its input field came from (fields
// maps input fields to column keys; unlisted fields whose name is a
// column key map to it). Other errors are returned as they are.
func domainProblems(err error, row *cells, fields map[string]string) ([]Problem, error) {
	list, ok := clientErrors(err)
	if !ok {
		return nil, err
	}
	var out []Problem
	for _, e := range list {
		if e.Code == apierror.Internal {
			return nil, err
		}
		key := strings.TrimPrefix(e.Field, "input.")
		if k, ok := fields[key]; ok {
			key = k
		}
		column := ""
		if _, ok := row.l.index[key]; ok || key != "" && hasColumn(row.l.columns, key) {
			column = row.column(key).Header()
		}
		out = append(out, Problem{Row: row.row, Column: column, Code: string(e.Code), Message: e.Message})
	}
	return out, nil
}

func hasColumn(columns []Column, key string) bool {
	for _, c := range columns {
		if c.Key == key {
			return true
		}
	}
	return false
}

// forbiddenMessage is what a refused row says, as the API says it.
const forbiddenMessage = "无权执行此操作 (not allowed for this key)"

// clientErrors are the client errors err carries, as the API would present
// them: the domain's own, and the row rules' refusals as FORBIDDEN.
func clientErrors(err error) (apierror.List, bool) {
	if list, ok := apierror.As(err); ok {
		return list, true
	}
	if errors.Is(err, auth.ErrForbidden) || errors.Is(err, privacy.Deny) {
		return apierror.List{apierror.New(apierror.Forbidden, forbiddenMessage)}, true
	}
	return nil, false
}

// Action is the audit action of an import, the same from every door (the
// GraphQL mutation's name).
const Action = "importRecords"

// turn lets one import run at a time in this process. On SQLite an import
// holds the database's one write lock for as long as it runs (a dry run
// too: it writes to check later rows against earlier ones); a second one
// would wait on it and fail after the busy timeout. A second import is
// refused at once instead, never queued: in a GraphQL mutation it already
// holds a transaction, and waiting there for the first could deadlock it.
var turn = make(chan struct{}, 1)

// ErrBusy refuses an import while another runs.
var ErrBusy = apierror.New(apierror.RateLimited, "另一个导入正在进行，请稍后再试 (another import is running: try again in a few seconds)")

// take claims the turn, or says another import has it.
func take() (release func(), err error) {
	select {
	case turn <- struct{}{}:
		return func() { <-turn }, nil
	default:
		return nil, ErrBusy
	}
}

// Apply runs an import in a transaction of client of its own, for callers
// outside GraphQL (the command line, POST /import/{kind}): it commits
// when the report says Committed, with the import's one audit event, and
// rolls back otherwise.
func Apply(ctx context.Context, client *ent.Client, env Env, kind Kind, rows sheet.Rows, commit bool) (*Report, error) {
	release, err := take()
	if err != nil {
		return nil, err
	}
	defer release()
	tx, err := client.Tx(ctx)
	if err != nil {
		return nil, err
	}
	rep, err := Run(ctx, tx.Client(), env, kind, rows, commit)
	if err != nil || !rep.Committed {
		_ = tx.Rollback()
		return rep, err
	}
	ev := rep.AuditEvent()
	ev.Action = Action
	if err := audit.Record(ctx, tx.Client(), ev); err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return rep, nil
}

// ProblemConnection is the GraphQL ImportProblemConnection.
type ProblemConnection struct {
	Edges      []*ProblemEdge
	PageInfo   paging.Info
	TotalCount int
}

// ProblemEdge is the GraphQL ImportProblemEdge.
type ProblemEdge struct {
	Node   *Problem
	Cursor paging.Cursor
}

// ProblemPage is a page of the report's problems.
func (r *Report) ProblemPage(after *paging.Cursor, first *int) (*ProblemConnection, error) {
	p, err := paging.Slice("import-problems", r.Problems, after, first)
	if err != nil {
		return nil, err
	}
	conn := &ProblemConnection{PageInfo: p.Info, TotalCount: r.ProblemCount, Edges: make([]*ProblemEdge, len(p.Nodes))}
	for i := range p.Nodes {
		conn.Edges[i] = &ProblemEdge{Node: &p.Nodes[i], Cursor: p.Cursors[i]}
	}
	return conn, nil
}
