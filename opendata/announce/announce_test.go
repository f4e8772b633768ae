package announce

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/internal/atomcheck"
	"github.com/tongxing/tongxing/opendata/release"
)

func manifest(version string, changes ...release.Change) *release.Manifest {
	files := func(id string) []release.File {
		return []release.File{
			{Format: "csv", Path: release.DatasetPath(id, version, "csv"), MediaType: "text/csv; charset=utf-8", Bytes: 10, SHA256: strings.Repeat("a", 64)},
			{Format: "parquet", Path: release.DatasetPath(id, version, "parquet"), MediaType: "application/vnd.apache.parquet", Bytes: 20, SHA256: strings.Repeat("b", 64)},
		}
	}
	built, _ := time.Parse(time.DateOnly, version[:10])
	return &release.Manifest{
		Version: version, ReferenceDate: version[:10], BuiltAt: built.Add(4 * time.Hour),
		District: release.Division{Code: "330411", Name: "嘉兴市秀洲区"}, Publisher: dataset.Text{Zh: "秀洲区同行开放数据", En: "Xiuzhou open data"},
		Datasets: []release.Dataset{
			{ID: "projects", Rows: 3, Files: files("projects")},
			{ID: "retired-dataset", Rows: 1, Files: files("retired-dataset")},
		},
		Documents: []release.File{{Format: "json", Path: "datapackage.json", MediaType: "application/json", Bytes: 5}},
		Changes:   changes,
	}
}

func TestChangeText(t *testing.T) {
	m := manifest("2026-10-31",
		release.Change{Dataset: "projects", RowsBefore: 2, RowsAfter: 3, Added: 1},
		release.Change{Dataset: "retired-dataset", RowsBefore: 1, RowsAfter: 1})
	m.Previous = "2026-10-30"
	// The release's change summary (release.Summary), in full.
	if c := ChangeText(m, "projects"); c.Zh != "服务项目 2026-10-31（对比 2026-10-30）：新增 1 行，删除 0 行，修改 0 行。" ||
		c.En != "Service projects 2026-10-31 (against 2026-10-30): 1 rows added, 0 removed, 0 changed." {
		t.Errorf("ChangeText = %+v", c)
	}
	if c := changeLine(m, "retired-dataset"); c.En != "no change" {
		t.Errorf("changeLine = %+v", c)
	}
	if !Changed(m, "projects") || Changed(m, "retired-dataset") || !Changed(m, "not-recorded") {
		t.Error("Changed")
	}
	if c := ChangeText(m, "not-in-the-release"); c.En != "not in this release" {
		t.Errorf("ChangeText of a dataset the release lacks = %+v", c)
	}
}

func TestPayload(t *testing.T) {
	m := manifest("2026-10-31.2", release.Change{Dataset: "projects", New: true, RowsAfter: 3})
	m.Previous = "2026-10-31"
	p := Payload(m, "https://data.example.org")
	b, _ := json.Marshal(p)
	for _, want := range []string{
		`"version":"2026-10-31.2"`, `"previous":"2026-10-31"`, `"datapackage":"https://data.example.org/opendata/releases/2026-10-31.2/datapackage.json"`,
		`"url":"https://data.example.org/opendata/datasets/projects/2026-10-31.2.csv"`, `"change":{"zh":"服务项目 2026-10-31.2（对比 2026-10-31）：新数据集，3 行。","en":"Service projects 2026-10-31.2 (against 2026-10-31): new dataset, 3 rows."}`,
		`"feed":"https://data.example.org/opendata/datasets/projects/releases.atom"`, `"title":{"zh":"retired-dataset","en":"retired-dataset"}`,
		`"changelog":"https://data.example.org/opendata/changelog#v-2026-10-31.2"`,
		`"changes":"https://data.example.org/opendata/datasets/projects/changes.json"`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("payload lacks %s: %s", want, b)
		}
	}
	ev := Event(m, "")
	if ev.Type != "release.published" || ev.ID != "release.published:2026-10-31.2" || !ev.OccurredAt.Equal(m.BuiltAt) ||
		ev.Payload.Datasets[0].Files[0].URL != "/opendata/datasets/projects/2026-10-31.2.csv" {
		t.Errorf("event %+v", ev)
	}
}

func TestIDs(t *testing.T) {
	m := manifest("2026-10-31")
	// Python: uuid.uuid5(uuid.NAMESPACE_URL, 'tongxing:opendata:330411:opendata/releases/2026-10-31')
	if got := newFeeder("", m).id("2026-10-31", "opendata/releases/2026-10-31"); got != "urn:uuid:720bc290-a0b7-5d38-960e-236c2e326db1" {
		t.Errorf("id without a base URL = %s", got)
	}
	for base, want := range map[string]string{
		"https://Data.Example.org":      "tag:data.example.org,2026-10-31:opendata/releases/2026-10-31",
		"https://data.example.org:8443": "tag:data.example.org,2026-10-31:opendata/releases/2026-10-31",
		"http://192.0.2.1":              "urn:uuid:720bc290-a0b7-5d38-960e-236c2e326db1", // no domain to mint a tag under
	} {
		if got := newFeeder(base, m).id("2026-10-31", "opendata/releases/2026-10-31"); got != want {
			t.Errorf("id with %s = %s, want %s", base, got, want)
		}
	}
}

// TestFeedLimits: at most MaxEntries entries, newest first; a dataset's
// feed skips releases in which it did not change.
func TestFeedLimits(t *testing.T) {
	var history []*release.Manifest
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := MaxEntries + 9; i >= 0; i-- {
		c := release.Change{Dataset: "projects", RowsBefore: 3, RowsAfter: 3}
		if i%2 == 0 {
			c.Changed = 1
		}
		history = append(history, manifest(start.AddDate(0, 0, i).Format(time.DateOnly), c))
	}
	body, err := Releases(history, "")
	if err != nil {
		t.Fatal(err)
	}
	f, errs := atomcheck.Parse(body)
	for _, err := range errs {
		t.Error(err)
	}
	if len(f.Entries) != MaxEntries || !strings.Contains(f.Entries[0].Title(), history[0].Version) {
		t.Errorf("%d entries, first %q", len(f.Entries), f.Entries[0].Title())
	}
	body, found, err := Dataset(history, "projects", "")
	if err != nil || !found {
		t.Fatal(found, err)
	}
	f, errs = atomcheck.Parse(body)
	for _, err := range errs {
		t.Error(err)
	}
	if len(f.Entries) != (MaxEntries+10)/2 {
		t.Errorf("%d entries in the dataset's feed, want %d", len(f.Entries), (MaxEntries+10)/2)
	}
	if _, found, _ := Dataset(history, "nope", ""); found {
		t.Error("a feed for a dataset no release holds")
	}
	if body, err := Releases(nil, ""); body != nil || err != nil {
		t.Errorf("releases feed without releases: %s, %v", body, err)
	}
}
