package web_test

import (
	"bytes"
	"encoding/json"
	"html"
	"strings"
	"testing"

	"github.com/tongxing/tongxing/opendata/release/diff"
)

// changesEntry is one element of datasets/<id>/changes.json.
type changesEntry struct {
	diff.Change
	Version, Previous string
	Text              struct{ Zh, En string }
}

func changesOf(t *testing.T, path string) []changesEntry {
	t.Helper()
	srv := newServer(t, releasesDir)
	r := get(t, srv, path)
	if r.status != 200 || r.header.Get("Content-Type") != "application/json" || r.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("%s: %d %q", path, r.status, r.header)
	}
	var out []changesEntry
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0].Version != latestVersion || out[1].Version != previousVersion {
		t.Fatalf("%s: %d entries", path, len(out))
	}
	if first := out[1]; !first.First || first.Previous != "" || !strings.Contains(first.Text.En, "first release") {
		t.Errorf("%s: the first release %+v", path, first)
	}
	return out
}

// TestChangesJSON: a register's changes list its rows; a
// disclosure-controlled table's give counts only.
func TestChangesJSON(t *testing.T) {
	orgs := changesOf(t, "/opendata/datasets/organizations/changes.json")[0]
	if orgs.Previous != previousVersion || orgs.Added != 1 || orgs.Removed != 0 || orgs.Changed != 1 || orgs.Rows == nil {
		t.Fatalf("organizations: %+v", orgs.Change)
	}
	if a := orgs.Rows.Added; len(a) != 1 || a[0].Key[0] != added || a[0].Label != addedName {
		t.Errorf("added %+v", a)
	}
	if c := orgs.Rows.Changed; len(c) != 1 || c[0].Key[0] != renamed.ID ||
		len(c[0].Cells) != 1 || c[0].Cells[0] != (diff.Cell{Field: "name", Old: renamed.Old, New: renamed.New}) {
		t.Errorf("changed %+v", c)
	}
	if !strings.Contains(orgs.Text.Zh, "新增："+addedName) || !strings.Contains(orgs.Text.En, "Changed: "+renamed.New) {
		t.Errorf("text %+v", orgs.Text)
	}

	vhm := changesOf(t, "/opendata/datasets/volunteer-hours-monthly/changes.json")[0]
	if vhm.Changed == 0 || vhm.Rows != nil {
		t.Errorf("volunteer-hours-monthly: %+v", vhm.Change)
	}
	srv := newServer(t, releasesDir)
	if r := get(t, srv, "/opendata/datasets/nope/changes.json"); r.status != 404 {
		t.Errorf("changes.json of no dataset: %d", r.status)
	}
	// changelog.json keeps to counts: the rows are in changes.json.
	r := get(t, srv, "/opendata/changelog.json")
	if bytes.Contains(r.body, []byte(addedName)) || bytes.Contains(r.body, []byte(`"added"`)) || !bytes.Contains(r.body, []byte(`"rowsAdded": 1`)) {
		t.Errorf("changelog.json lists rows or lacks counts")
	}
}

// TestWhatChangedBlock: the dataset page shows the latest release's
// changes — a register's rows with old and new values, and for a
// disclosure-controlled table counts only.
func TestWhatChangedBlock(t *testing.T) {
	srv := newServer(t, releasesDir)
	page := html.UnescapeString(string(get(t, srv, "/opendata/datasets/organizations/").body))
	for _, want := range []string{`id="changes"`, "本次更新", "What changed", "相对上一版本 " + previousVersion, "新增 1 行",
		addedName, added, renamed.Old, renamed.New, "/opendata/datasets/organizations/changes.json"} {
		if !strings.Contains(page, want) {
			t.Errorf("organizations page lacks %q", want)
		}
	}
	page = html.UnescapeString(string(get(t, srv, "/opendata/datasets/volunteer-hours-monthly/").body))
	for _, want := range []string{"本次更新", "不列出具体的行", "never the rows"} {
		if !strings.Contains(page, want) {
			t.Errorf("volunteer-hours-monthly page lacks %q", want)
		}
	}
	if strings.Contains(page, "<details>") {
		t.Error("a disclosure-controlled table's page lists rows")
	}
	page = html.UnescapeString(string(get(t, srv, "/opendata/datasets/projects/").body))
	if !strings.Contains(page, "<code>volunteers</code>") || !strings.Contains(page, "not listed") {
		t.Error("the projects page does not say its protected columns are not listed")
	}
}
