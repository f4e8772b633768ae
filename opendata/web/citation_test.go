package web_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/tongxing/tongxing/opendata/internal/fixture"
	"github.com/tongxing/tongxing/opendata/release"
	"github.com/tongxing/tongxing/opendata/web"
)

// newServerAt serves the releases with the server's own URL as the base
// URL, so citations carry absolute URLs that point back at it.
func newServerAt(t *testing.T, dir string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewUnstartedServer(mux)
	base := "http://" + srv.Listener.Addr().String()
	h, err := web.New(web.Options{Dir: dir, K: fixture.K, BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle(web.Prefix, h)
	srv.Start()
	t.Cleanup(srv.Close)
	if srv.URL != base {
		t.Fatalf("server at %s, base URL %s", srv.URL, base)
	}
	return srv
}

type cslItem struct {
	ID     string `json:"id"`
	Type   string `json:"type"`
	Title  string `json:"title"`
	Author []struct{ Literal string }
	Issued struct {
		DateParts [][]int `json:"date-parts"`
	} `json:"issued"`
	Version string `json:"version"`
	URL     string `json:"URL"`
}

// TestCitations: the CSL-JSON citation of the latest release and of each
// version, their headers, and that the versioned URL each one cites serves
// exactly the file of that release.
func TestCitations(t *testing.T) {
	srv := newServerAt(t, releasesDir)
	const id = "volunteer-hours-monthly"
	for _, tc := range []struct {
		path, version, cache string
	}{
		{"/opendata/datasets/" + id + "/citation.json", latestVersion, "public, max-age=300"},
		{"/opendata/datasets/" + id + "/" + latestVersion + "/citation.json", latestVersion, "public, max-age=31536000, immutable"},
		{"/opendata/datasets/" + id + "/" + previousVersion + "/citation.json", previousVersion, "public, max-age=31536000, immutable"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			r := get(t, srv, tc.path)
			if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/vnd.citationstyles.csl+json" ||
				r.header.Get("Cache-Control") != tc.cache || r.header.Get("Access-Control-Allow-Origin") != "*" || r.header.Get("ETag") == "" {
				t.Fatalf("status %d, headers %v", r.status, r.header)
			}
			if tc.cache != "public, max-age=300" {
				if l := r.header.Get("Link"); l != "" {
					t.Errorf("versioned citation has Link %q", l)
				}
			} else if l := r.header.Get("Link"); l != "</opendata/datasets/"+id+"/"+latestVersion+`/citation.json>; rel="canonical"` {
				t.Errorf("Link %q", l)
			}
			var items []cslItem
			if err := json.Unmarshal(r.body, &items); err != nil || len(items) != 1 {
				t.Fatalf("CSL-JSON: %v %s", err, r.body)
			}
			it := items[0]
			wantURL := srv.URL + "/opendata/datasets/" + id + "/" + tc.version + ".csv"
			if it.Type != "dataset" || it.Version != tc.version || it.URL != wantURL || it.ID != "tongxing-"+id+"-"+tc.version ||
				!strings.Contains(it.Title, "分镇街分月志愿服务") || len(it.Author) != 1 || !strings.Contains(it.Author[0].Literal, "嘉兴市秀洲区") ||
				len(it.Issued.DateParts) != 1 || len(it.Issued.DateParts[0]) != 3 {
				t.Errorf("CSL item %+v", it)
			}
			// The cited URL serves the release's file, for ever.
			u, err := url.Parse(it.URL)
			if err != nil {
				t.Fatal(err)
			}
			f := get(t, srv, u.Path)
			m, err := release.Load(releasesDir, tc.version)
			if err != nil {
				t.Fatal(err)
			}
			d, _ := m.Dataset(id)
			want, _ := d.File("csv")
			sum := sha256.Sum256(f.body)
			if f.status != http.StatusOK || !strings.HasPrefix(f.header.Get("Content-Type"), "text/csv") ||
				f.header.Get("Cache-Control") != "public, max-age=31536000, immutable" || hex.EncodeToString(sum[:]) != want.SHA256 {
				t.Errorf("the cited URL %s: status %d, %v; not the release's file", it.URL, f.status, f.header)
			}
		})
	}
	if r := get(t, srv, "/opendata/datasets/"+id+"/citation.json"); r.status == http.StatusOK {
		etag := r.header.Get("ETag")
		if c := do(t, srv, http.MethodGet, "/opendata/datasets/"+id+"/citation.json", map[string]string{"If-None-Match": etag}); c.status != http.StatusNotModified {
			t.Errorf("If-None-Match: %d", c.status)
		}
	}
	for _, p := range []string{
		"/opendata/datasets/" + id + "/2020-01-01/citation.json",
		"/opendata/datasets/" + id + "/latest/citation.json",
		"/opendata/datasets/nope/citation.json",
		"/opendata/datasets/" + id + "/xcitation.json",
		"/opendata/datasets/" + id + "/" + latestVersion + "/citation.json/",
	} {
		if r := get(t, srv, p); r.status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, r.status)
		}
	}
}

// TestDatasetPageCitation: the dataset page shows the APA and BibTeX
// citations of the latest release with its versioned URL, and links both
// CSL-JSON exports.
func TestDatasetPageCitation(t *testing.T) {
	srv := newServerAt(t, releasesDir)
	r := get(t, srv, "/opendata/datasets/district-summary/")
	if r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	page := html.UnescapeString(string(r.body))
	versioned := srv.URL + "/opendata/datasets/district-summary/" + latestVersion + ".csv"
	for _, want := range []string{
		`<h2 id="citation">引用 <span lang="en" class="en">How to cite</span></h2>`,
		"Tongxing open data, 嘉兴市秀洲区. (2026, October 31). <i>District headline figures by year</i> (Version " + latestVersion + ") [Data set]. " + versioned,
		"嘉兴市秀洲区同行开放数据. (2026 年 10 月 31 日). <i>全区年度概况</i>（版本 " + latestVersion + "）[数据集]. " + versioned,
		"@misc{tongxing-district-summary-" + latestVersion + ",",
		`url          = {` + versioned + `},`,
		`<a href="` + versioned + `">`,
		`<a href="/opendata/datasets/district-summary/` + latestVersion + `/citation.json" type="application/vnd.citationstyles.csl+json">`,
		`<a href="/opendata/datasets/district-summary/citation.json" type="application/vnd.citationstyles.csl+json">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("dataset page lacks %q", want)
		}
	}
}
