package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/opendata/release"
	"github.com/tongxing/tongxing/opendata/web"
)

// TestPrunedRelease: after retention removed the oldest release's files,
// the running handler notices without a restart: its downloads answer 410
// Gone with the project's error body and code, its manifest, signatures and
// documents are still served, and the changelog (page and JSON), the
// dataset pages and the verify page still list it, marked. The release the
// latest is measured against keeps its files.
func TestPrunedRelease(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(threeDir)); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{Dir: dir, Keep: 1})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(web.Prefix, h)
	srv := httptestServer(t, mux)
	oldCSV := "/opendata/datasets/projects/" + previousVersion + ".csv"
	// Pages rendered and cached before the prune.
	for _, p := range []string{"/opendata/changelog", "/opendata/datasets/projects/", oldCSV} {
		if r := get(t, srv, p); r.status != 200 {
			t.Fatalf("%s before pruning: %d", p, r.status)
		}
	}
	if m := get(t, srv, "/opendata/methodology"); !strings.Contains(string(m.body), "The data files of the newest 1 releases") {
		t.Error("the methodology page does not state the retention setting")
	}

	pruned, err := release.Prune(dir, 1, time.Now())
	if err != nil || len(pruned) != 1 || pruned[0] != previousVersion {
		t.Fatalf("pruned %v (%v)", pruned, err)
	}
	// The handler rescans the root at most every 250 ms.
	deadline := time.Now().Add(3 * time.Second)
	for !strings.Contains(string(get(t, srv, "/opendata/changelog").body), "removed under the retention setting") {
		if time.Now().After(deadline) {
			t.Fatal("the changelog page does not show the pruned release")
		}
		time.Sleep(50 * time.Millisecond)
	}

	for _, tt := range []struct {
		path   string
		status int
	}{
		{oldCSV, http.StatusGone},
		{"/opendata/datasets/projects/" + previousVersion + ".parquet", http.StatusGone},
		{"/opendata/releases/" + previousVersion + "/datasets/projects/" + previousVersion + ".xlsx", http.StatusGone},
		{"/opendata/releases/" + previousVersion + ".zip", http.StatusGone},
		{"/opendata/releases/" + previousVersion + "/manifest.json", http.StatusOK},
		{"/opendata/releases/" + previousVersion + "/manifest.json.sig", http.StatusOK},
		{"/opendata/releases/" + previousVersion + "/manifest.json.sshsig", http.StatusOK},
		{"/opendata/releases/" + previousVersion + "/datapackage.json", http.StatusOK},
		{"/opendata/datasets/projects/" + previousVersion + "/citation.json", http.StatusOK},
		// The latest's Previous and the latest keep their files.
		{"/opendata/datasets/projects/" + latestVersion + ".csv", http.StatusOK},
		{"/opendata/releases/" + latestVersion + ".zip", http.StatusOK},
		{"/opendata/datasets/projects/latest.csv", http.StatusOK},
		{"/opendata/releases/latest.zip", http.StatusOK},
		{"/opendata/datasets/projects/2020-01-01.csv", http.StatusNotFound},
	} {
		r := get(t, srv, tt.path)
		if r.status != tt.status {
			t.Errorf("%s: %d, want %d", tt.path, r.status, tt.status)
			continue
		}
		if tt.status != http.StatusGone {
			continue
		}
		var body struct {
			Errors []struct {
				Message    string
				Extensions struct{ Code string }
			}
		}
		if err := json.Unmarshal(r.body, &body); err != nil || len(body.Errors) != 1 || body.Errors[0].Extensions.Code != "NOT_FOUND" ||
			!strings.Contains(body.Errors[0].Message, "retention") || !strings.Contains(body.Errors[0].Message, "/opendata/releases/"+previousVersion+"/manifest.json") {
			t.Errorf("%s: 410 body %s", tt.path, r.body)
		}
		if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") || r.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s: headers %v", tt.path, r.header)
		}
	}

	var log []struct {
		Version      string
		Rows         map[string]int
		Changes      []release.Change
		Signature    string
		Bundle       string
		FilesRemoved bool
	}
	if err := json.Unmarshal(get(t, srv, "/opendata/changelog.json").body, &log); err != nil || len(log) != 3 {
		t.Fatalf("changelog.json: %d entries (%v)", len(log), err)
	}
	for _, e := range log {
		removed := e.Version == previousVersion
		if e.FilesRemoved != removed || (e.Bundle == "") != removed || e.Signature == "" || len(e.Rows) == 0 || len(e.Changes) == 0 {
			t.Errorf("changelog.json entry %s: removed %v, bundle %q, signature %q, %d row counts, %d changes",
				e.Version, e.FilesRemoved, e.Bundle, e.Signature, len(e.Rows), len(e.Changes))
		}
	}
	page := get(t, srv, "/opendata/changelog").body
	if bytes.Contains(page, []byte(`href="/opendata/releases/`+previousVersion+`.zip"`)) ||
		!bytes.Contains(page, []byte(`href="/opendata/releases/`+previousVersion+`/manifest.json.sig"`)) {
		t.Error("the changelog links the pruned zip, or not its signature")
	}
	ds := get(t, srv, "/opendata/datasets/projects/").body
	if bytes.Contains(ds, []byte(`href="`+"/opendata/datasets/projects/"+previousVersion+`.csv"`)) || !bytes.Contains(ds, []byte("removed under the retention setting")) ||
		!bytes.Contains(ds, []byte(`href="/opendata/datasets/projects/`+latestVersion+`.csv"`)) {
		t.Error("the dataset page links the pruned release's files, or does not say they were removed")
	}
	if v := string(get(t, srv, "/opendata/verify").body); !strings.Contains(v, "<td>3（"+thirdVersion+" … "+previousVersion+"）</td>") {
		t.Error("the verify page does not count the pruned release among those signed")
	}
}
