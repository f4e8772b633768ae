package catalog_test

// The published Data Package read by the readers people use: a Frictionless
// v1 reader (npm datapackage 1.1.10, run under Node.js) and the Data Package
// v2 JSON Schema profiles (docs/opendata.md, "Frictionless readers"). Both
// read a real release of the demo district, built once by TestMain.

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/opendata/catalog"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/internal/fixture"
	"github.com/tongxing/tongxing/opendata/release"
)

// published is the release every test here reads.
var published *release.Release

func TestMain(m *testing.M) {
	tmp, err := os.MkdirTemp("", "opendata-catalog-test-")
	if err != nil {
		panic(err)
	}
	code := func() int {
		db, err := fixture.SeedSQLite(tmp)
		if err != nil {
			panic(err)
		}
		defer db.Close()
		rules, err := disclosure.New(fixture.K, fixture.Secret)
		if err != nil {
			panic(err)
		}
		published, err = release.Build(context.Background(), db.Client,
			release.Options{Dir: filepath.Join(tmp, "releases"), Rules: rules, Schedule: 24 * time.Hour, SigningKey: fixture.SigningKey}, fixture.Now)
		if err != nil {
			panic(err)
		}
		return m.Run()
	}()
	os.RemoveAll(tmp)
	os.Exit(code)
}

// TestMissingValuesForEveryReader pins the form of missingValues every
// reader accepts: plain strings, with the labels in a property of our own
// and in the descriptions of the fields that may hold a symbol.
func TestMissingValuesForEveryReader(t *testing.T) {
	for _, d := range dataset.All() {
		b, err := json.Marshal(catalog.TableSchema(d))
		if err != nil {
			t.Fatal(err)
		}
		var schema struct {
			Fields []struct {
				Name, Description string
			}
			MissingValues []any
			Labels        []struct{ Value, Label string } `json:"tongxing:missingValueLabels"`
		}
		if err := json.Unmarshal(b, &schema); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(schema.MissingValues, []any{dataset.SymbolNone, dataset.SymbolSuppressed}) {
			t.Errorf("%s: missingValues %#v, want the plain strings \"\" and \"x\"", d.ID, schema.MissingValues)
		}
		if len(schema.Labels) != 2 || schema.Labels[0].Value != "" || schema.Labels[1].Value != "x" ||
			!strings.Contains(schema.Labels[1].Label, "withheld by disclosure control") || !strings.Contains(schema.Labels[0].Label, "no value") {
			t.Errorf("%s: %s %+v", d.ID, catalog.MissingValueLabelsProperty, schema.Labels)
		}
		for i, f := range d.Fields {
			desc := schema.Fields[i].Description
			blank := strings.Contains(desc, "空白 blank = 无此值")
			x := strings.Contains(desc, `"x" = 依披露控制规则隐去 / withheld by disclosure control`)
			if blank != !f.Required || x != (f.Protected && !f.Required) {
				t.Errorf("%s.%s (required %v, protected %v): description %q", d.ID, f.Name, f.Required, f.Protected, desc)
			}
		}
	}
}

// v1Dir holds the v1 reader: package.json pinning datapackage@1.1.10, its
// lock file and check.js. .ci/run installs node_modules there.
const v1Dir = "testdata/frictionless-v1"

// v1Report is what check.js prints.
type v1Report struct {
	Reader, Tableschema, Node string
	Valid                     bool
	Errors                    []string
	Resources                 []struct {
		Name, Failed       string
		Tabular, Valid     bool
		Errors             []string
		Headers            []string
		Rows, Cells, Nulls int
		BadRows            int
		CastErrors         []string
		Types              map[string]int
	}
}

// TestFrictionlessV1Reader opens the published package with a Frictionless
// v1 reader, reads every row of every table and casts every value: every
// table must load, every value cast to its declared type, and exactly the
// cells written as "" or "x" come back as missing (null).
func TestFrictionlessV1Reader(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("Frictionless v1 reader check skipped: node is not installed (CI installs it; see .ci/run)")
	}
	if _, err := os.Stat(filepath.Join(v1Dir, "node_modules", "datapackage", "package.json")); err != nil {
		t.Skipf("Frictionless v1 reader check skipped: the reader is not installed; run `npm ci --prefix opendata/catalog/%s` (.ci/run does)", v1Dir)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(ctx, node, "check.js", filepath.Join(published.Dir, "datapackage.json"))
	cmd.Dir = v1Dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node check.js: %v\n%s", err, stderr.String())
	}
	var rep v1Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("check.js report: %v\n%s", err, stdout.String())
	}
	t.Logf("%s (%s, node %s) read the package in %v", rep.Reader, rep.Tableschema, rep.Node, time.Since(start).Round(time.Millisecond))
	if rep.Reader != "datapackage@1.1.10" {
		t.Errorf("reader %s, want datapackage@1.1.10 (package-lock.json)", rep.Reader)
	}
	if !rep.Valid || len(rep.Errors) > 0 {
		t.Errorf("the v1 reader finds the package invalid: %v", rep.Errors)
	}
	if len(rep.Resources) != len(published.Manifest.Datasets) {
		t.Fatalf("the v1 reader sees %d resources, the release has %d datasets", len(rep.Resources), len(published.Manifest.Datasets))
	}
	withSymbols := 0
	for i, res := range rep.Resources {
		md := published.Manifest.Datasets[i]
		def := dataset.ByID(md.ID)
		if res.Name != md.ID || def == nil {
			t.Fatalf("resource %d is %q, want %q", i, res.Name, md.ID)
		}
		if res.Failed != "" || !res.Tabular || !res.Valid || len(res.Errors) > 0 {
			t.Errorf("%s: the v1 reader cannot open it: failed %q, tabular %v, valid %v, errors %v", res.Name, res.Failed, res.Tabular, res.Valid, res.Errors)
			continue
		}
		if res.BadRows > 0 {
			t.Errorf("%s: %d rows do not cast, e.g. %v", res.Name, res.BadRows, res.CastErrors)
		}
		rows, cells, missing := csvCounts(t, md)
		if res.Rows != rows || res.Cells != cells || res.Nulls != missing {
			t.Errorf("%s: the v1 reader read %d rows, %d cells, %d nulls; the CSV has %d rows, %d cells, %d missing-value symbols",
				res.Name, res.Rows, res.Cells, res.Nulls, rows, cells, missing)
		}
		if missing > 0 {
			withSymbols++
		}
		var names []string
		for _, f := range def.Fields {
			names = append(names, f.Name)
		}
		if !slices.Equal(res.Headers, names) {
			t.Errorf("%s: headers %v", res.Name, res.Headers)
		}
		// Every value is of its declared type once cast.
		for key, n := range res.Types {
			typ, kind, _ := strings.Cut(key, ":")
			if kind != "null" && !slices.Contains(castKinds[typ], kind) {
				t.Errorf("%s: %d values of type %s cast to a JavaScript %s", res.Name, n, typ, kind)
			}
		}
		t.Logf("%-24s %6d rows %7d cells, %6d missing, cast: %v", res.Name, res.Rows, res.Cells, res.Nulls, res.Types)
	}
	if withSymbols == 0 {
		t.Error("no table holds a missing-value symbol: the check proves nothing")
	}
}

// castKinds are the JavaScript values tableschema-js casts each field type to.
var castKinds = map[string][]string{
	"string":    {"string"},
	"integer":   {"number"},
	"number":    {"number"},
	"year":      {"number"},
	"yearmonth": {"array"},
	"date":      {"Date"},
}

// csvCounts counts a dataset's CSV rows, cells and cells holding a
// missing-value symbol.
func csvCounts(t *testing.T, d release.Dataset) (rows, cells, missing int) {
	t.Helper()
	f, ok := d.File("csv")
	if !ok {
		t.Fatalf("%s has no CSV", d.ID)
	}
	b, err := os.ReadFile(filepath.Join(published.Dir, filepath.FromSlash(f.Path)))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", d.ID, err)
	}
	for _, r := range recs[1:] {
		rows++
		for _, v := range r {
			cells++
			if slices.Contains(catalog.MissingValues, v) {
				missing++
			}
		}
	}
	return rows, cells, missing
}

// v2Profiles finds the official Data Package v2 profiles (datapackage.json
// and tableschema.json as published for version 2.0): in
// $TONGXING_DATAPACKAGE_PROFILES, vendored in testdata/datapackage-v2, or in
// datapackage-v2/ of the project's shared/ folder beside the repository.
func v2Profiles() (string, bool) {
	for _, dir := range []string{os.Getenv("TONGXING_DATAPACKAGE_PROFILES"), "testdata/datapackage-v2",
		filepath.Join("..", "..", "..", "shared", "datapackage-v2")} {
		if dir == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "datapackage.json")); err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "tableschema.json")); err == nil {
			return dir, true
		}
	}
	return "", false
}

// TestDataPackageV2Profile validates datapackage.json and every Table Schema
// in it against the Data Package v2 JSON Schema profiles.
func TestDataPackageV2Profile(t *testing.T) {
	dir, ok := v2Profiles()
	if !ok {
		t.Skip("Data Package v2 profile check skipped: the official profiles datapackage.json and tableschema.json " +
			"(Data Package 2.0) are neither in opendata/catalog/testdata/datapackage-v2 nor in shared/datapackage-v2 beside the repository, " +
			"and TONGXING_DATAPACKAGE_PROFILES names no folder holding them")
	}
	c := jsonschema.NewCompiler()
	c.UseRegexpEngine(ecmaRegexp) // the profiles' path patterns use look-ahead
	load := func(name string) *jsonschema.Schema {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		url := catalog.DataPackageProfile
		if name == "tableschema.json" {
			url = catalog.TableSchemaProfile
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile(url)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return s
	}
	pkgProfile, schemaProfile := load("datapackage.json"), load("tableschema.json")

	body, err := os.ReadFile(filepath.Join(published.Dir, "datapackage.json"))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := pkgProfile.Validate(inst); err != nil {
		t.Errorf("datapackage.json is not a valid Data Package v2: %v", err)
	}
	var pkg struct {
		Resources []struct {
			Name   string
			Schema json.RawMessage
		}
	}
	if err := json.Unmarshal(body, &pkg); err != nil {
		t.Fatal(err)
	}
	if len(pkg.Resources) != len(dataset.All()) {
		t.Fatalf("%d resources", len(pkg.Resources))
	}
	for _, r := range pkg.Resources {
		s, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.Schema))
		if err != nil {
			t.Fatal(err)
		}
		if err := schemaProfile.Validate(s); err != nil {
			t.Errorf("%s: Table Schema is not valid v2: %v", r.Name, err)
		}
	}
}

// ecmaRegexp compiles the profiles' patterns as JSON Schema means them
// (ECMA-262, with look-around), which Go's regexp cannot.
func ecmaRegexp(s string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(s, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	return ecmaRE{re}, nil
}

type ecmaRE struct{ re *regexp2.Regexp }

func (r ecmaRE) MatchString(s string) bool {
	ok, err := r.re.MatchString(s)
	return err == nil && ok
}

func (r ecmaRE) String() string { return r.re.String() }
