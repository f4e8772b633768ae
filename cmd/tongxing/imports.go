package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tongxing/tongxing/apikeys"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/imports"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
	"github.com/tongxing/tongxing/server"
	"github.com/tongxing/tongxing/sheet"
)

const importUsage = `usage:
  tongxing import KIND FILE [--commit] [--key KEY] [--report OUT.xlsx|OUT.json]
    KIND: organizations | volunteers | activities | service-hours
    FILE: .xlsx, or .csv in UTF-8 or GB18030 (templates: GET /import/templates/KIND.xlsx)
    without --commit the file is only checked; with it, applied all or nothing
    --key acts as that API key (its role and scope); without it, as the district (ADMIN)`

// errProblems is the exit of an import whose file has problems (status 1,
// after the report is printed).
var errProblems = errors.New("the file has problems; nothing was written")

func importCommand(ctx context.Context, cfg server.Config, args []string, out, progress io.Writer, now func() time.Time) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	commit := fs.Bool("commit", false, "apply the file")
	key := fs.String("key", "", "act as this API key")
	reportPath := fs.String("report", "", "write the report to this .json or annotated .xlsx file")
	// Flags may follow the arguments: parse what is left after each one.
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return usageError{fmt.Sprintf("import: %v\n%s", err, importUsage)}
		}
		if fs.NArg() == 0 {
			break
		}
		positional, args = append(positional, fs.Arg(0)), fs.Args()[1:]
	}
	if len(positional) != 2 {
		return usageError{importUsage}
	}
	kind, ok := imports.ParseKind(positional[0])
	if !ok {
		return usageError{fmt.Sprintf("import: unknown kind %q\n%s", positional[0], importUsage)}
	}
	name := positional[1]
	file, err := os.Open(name)
	if err != nil {
		return err
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return err
	}
	if err := cfg.ResolveSecretKey(); err != nil {
		return err
	}
	keys, err := pii.NewKeys(cfg.SecretKey)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	actx := policy.SystemContext(ctx, "import")
	if *key != "" {
		v, err := apikeys.Authenticate(policy.SystemContext(ctx, "authenticator"), db.Client, *key, now())
		if err != nil {
			return fmt.Errorf("--key: %w", err)
		}
		actx = auth.NewContext(ctx, v)
	}
	limits := sheet.Limits{Bytes: cfg.MaxUploadBytes}
	var rep *imports.Report
	rows, err := sheet.Open(filepath.Base(name), file, st.Size(), limits)
	var se *sheet.Error
	switch {
	case errors.As(err, &se):
		rep = &imports.Report{Kind: kind, DryRun: !*commit, FileRefused: true, ProblemCount: 1,
			Problems: []imports.Problem{{Row: se.Row, Code: string(se.Reason), Message: se.Message}}}
	case err != nil:
		return err
	default:
		defer rows.Close()
		bar := newProgressBar(progress)
		rep, err = imports.Apply(actx, db.Client, imports.Env{Keys: keys, Now: now(), Progress: bar.show}, kind, rows, *commit)
		bar.done()
		if err != nil {
			return err
		}
	}
	printReport(out, rep)
	if *reportPath != "" {
		if err := writeReport(*reportPath, name, file, st.Size(), rep); err != nil {
			return err
		}
	}
	if rep.ProblemCount > 0 {
		return errProblems
	}
	return nil
}

func printReport(out io.Writer, rep *imports.Report) {
	switch {
	case rep.Committed:
		fmt.Fprintf(out, "imported %s: %d rows, %d created, %d unchanged\n", rep.Kind, rep.Rows, rep.Created, rep.Unchanged)
	case rep.FileRefused:
		fmt.Fprintf(out, "file refused (%s): nothing written\n", rep.Kind)
	case rep.ProblemCount > 0:
		fmt.Fprintf(out, "checked %s: %d rows, %d with problems (%d problems); nothing written\n", rep.Kind, rep.Rows, rowsWithProblems(rep), rep.ProblemCount)
	default:
		fmt.Fprintf(out, "checked %s: %d rows, %d to create, %d unchanged; run again with --commit to apply\n", rep.Kind, rep.Rows, rep.Created, rep.Unchanged)
	}
	for i, p := range rep.Problems {
		if i == 50 {
			fmt.Fprintf(out, "  … %d more (--report FILE writes them all)\n", rep.ProblemCount-50)
			break
		}
		where := fmt.Sprintf("row %d", p.Row)
		if p.Column != "" {
			where += ", " + p.Column
		}
		fmt.Fprintf(out, "  %s: %s %s\n", where, p.Code, p.Message)
	}
}

func rowsWithProblems(rep *imports.Report) int {
	rows := map[int]bool{}
	for _, p := range rep.Problems {
		rows[p.Row] = true
	}
	return len(rows)
}

func writeReport(path, name string, file *os.File, size int64, rep *imports.Report) error {
	var body []byte
	var err error
	if strings.EqualFold(filepath.Ext(path), ".xlsx") && !rep.FileRefused {
		body, err = imports.Annotate(filepath.Base(name), file, size, rep)
	} else {
		body, err = json.MarshalIndent(rep, "", "  ")
	}
	if err != nil {
		return err
	}
	return os.WriteFile(path, body, 0o600)
}

// progressBar draws the share of the file's lines read, on a terminal
// only, once the import has run for a second: a short file finishes
// without one.
type progressBar struct {
	w     io.Writer
	start time.Time
	drawn bool
}

func newProgressBar(w io.Writer) *progressBar {
	if f, ok := w.(*os.File); !ok || !isTerminal(f) {
		w = nil
	}
	return &progressBar{w: w, start: time.Now()}
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (b *progressBar) show(read, lines int) {
	elapsed := time.Since(b.start)
	if b.w == nil || elapsed < time.Second || lines <= 0 {
		return
	}
	const width = 30
	share := min(float64(read)/float64(lines), 1)
	filled := int(share * width)
	rate := float64(read) / elapsed.Seconds()
	fmt.Fprintf(b.w, "\r[%s%s] %3.0f%%  %d/%d rows  %.0f rows/s ", strings.Repeat("#", filled), strings.Repeat(".", width-filled), share*100, read, lines, rate)
	b.drawn = true
}

func (b *progressBar) done() {
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}
