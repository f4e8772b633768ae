package web_test

import (
	"bytes"
	"encoding/xml"
	"html"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tongxing/tongxing/opendata/internal/atomcheck"
	"github.com/tongxing/tongxing/opendata/release"
	"github.com/tongxing/tongxing/opendata/web"
)

// feed fetches and parses an Atom feed, failing on any rule it breaks.
func feed(t *testing.T, srv *httptest.Server, path string) *atomcheck.Feed {
	t.Helper()
	r := get(t, srv, path)
	if r.status != http.StatusOK {
		t.Fatalf("%s: %d", path, r.status)
	}
	if mt, _, err := mime.ParseMediaType(r.header.Get("Content-Type")); err != nil || mt != "application/atom+xml" {
		t.Errorf("%s: Content-Type %q", path, r.header.Get("Content-Type"))
	}
	f, errs := atomcheck.Parse(r.body)
	for _, err := range errs {
		t.Errorf("%s: %v", path, err)
	}
	if f == nil {
		t.FailNow()
	}
	return f
}

// TestFeeds: the releases feed lists both releases, newest first, each
// with the changelog's text and links to its documents and every dataset's
// versioned files; a dataset's feed lists the releases in which it changed,
// with its files as enclosures. Every link answers. The feeds are cached
// like the latest documents and the pages link to them.
func TestFeeds(t *testing.T) {
	srv := newServer(t, releasesDir)
	f := feed(t, srv, "/opendata/releases.atom")
	if len(f.Entries) != 2 || !strings.Contains(f.Entries[0].Title(), latestVersion) || !strings.Contains(f.Entries[1].Title(), previousVersion) {
		t.Fatalf("releases feed entries: %+v", f.Entries)
	}
	if f.Lang != "zh-CN" || !f.Updated().Equal(f.Entries[0].Updated()) || len(f.Authors) != 1 || !strings.Contains(f.Authors[0].Names[0], "同行开放数据") {
		t.Errorf("feed head: lang %q, updated %v, authors %+v", f.Lang, f.Updated(), f.Authors)
	}
	self, _ := f.Link("self")
	if self.Href != "/opendata/releases.atom" || !strings.HasPrefix(f.ID(), "urn:uuid:") {
		t.Errorf("self %q, id %q", self.Href, f.ID())
	}
	latest := f.Entries[0]
	for _, want := range []string{"新增", "rows added", "/opendata/datasets/volunteer-hours-monthly/" + latestVersion + ".csv",
		"/opendata/datasets/organizations/" + latestVersion + ".parquet", "分镇街分月志愿服务"} {
		if !strings.Contains(latest.Contents[0].Body, want) {
			t.Errorf("latest entry's content lacks %q", want)
		}
	}
	if latest.Contents[0].Type != "html" || len(latest.Summaries) != 1 || !strings.Contains(latest.Summaries[0].Body, "Figures to") {
		t.Errorf("latest entry: content %q, summary %+v", latest.Contents[0].Type, latest.Summaries)
	}
	// The content is HTML a reader can parse: every link in it answers.
	links := hrefs(t, latest.Contents[0].Body)
	if len(links) < 11*5 {
		t.Errorf("%d links in the latest entry's content", len(links))
	}
	for _, l := range append(links, linkHrefs(latest.Links)...) {
		if r := get(t, srv, strings.SplitN(l, "#", 2)[0]); r.status != http.StatusOK {
			t.Errorf("link %s: %d", l, r.status)
		}
	}

	// A dataset that changed in the latest release has two entries; one
	// that did not, one (the release that brought it).
	changed := feed(t, srv, "/opendata/datasets/volunteer-hours-monthly/releases.atom")
	if len(changed.Entries) != 2 || !strings.Contains(changed.Entries[0].Title(), latestVersion) {
		t.Fatalf("changed dataset's feed: %+v", changed.Entries)
	}
	e := changed.Entries[0]
	encl := e.LinksOf("enclosure")
	if len(encl) != 4 || encl[0].Href != "/opendata/datasets/volunteer-hours-monthly/"+latestVersion+".csv" || encl[0].Type != "text/csv; charset=utf-8" {
		t.Errorf("enclosures %+v", encl)
	}
	for _, l := range append(encl, e.Links...) {
		if r := get(t, srv, l.Href); r.status != http.StatusOK || (l.Rel == "enclosure" && atoi(r.header.Get("Content-Length")) != atoi(l.Length)) {
			t.Errorf("link %s: %d, %s bytes, feed says %s", l.Href, r.status, r.header.Get("Content-Length"), l.Length)
		}
	}
	if !strings.Contains(e.Summaries[0].Body, "修改") || !strings.Contains(e.Summaries[0].Body, "changed") {
		t.Errorf("summary %q", e.Summaries[0].Body)
	}
	if changed.ID() == f.ID() || changed.Entries[1].ID() == f.Entries[1].ID() {
		t.Error("a dataset's feed shares ids with the releases feed")
	}
	// Every dataset: an entry for the latest release only if it changed.
	m, err := release.Load(releasesDir, latestVersion)
	if err != nil {
		t.Fatal(err)
	}
	unchanged := 0
	for _, c := range m.Changes {
		df := feed(t, srv, "/opendata/datasets/"+c.Dataset+"/releases.atom")
		want := 2
		if c.None() {
			want = 1
			unchanged++
		}
		if len(df.Entries) != want || !strings.Contains(df.Entries[len(df.Entries)-1].Title(), previousVersion) {
			t.Errorf("%s (%s): %d entries, want %d", c.Dataset, c.Summary().En, len(df.Entries), want)
		}
	}
	if unchanged == 0 {
		t.Error("no dataset stayed the same: the test shows nothing about unchanged ones")
	}
	// A register's entry names the rows that changed, with published values.
	orgs := feed(t, srv, "/opendata/datasets/organizations/releases.atom")
	for _, want := range []string{addedName, renamed.Old + "” → “" + renamed.New, "1 rows added"} {
		if !strings.Contains(orgs.Entries[0].Summaries[0].Body, want) || !strings.Contains(orgs.Entries[0].Contents[0].Body, html.EscapeString(want)) {
			t.Errorf("organisations' entry lacks %q: %s", want, orgs.Entries[0].Summaries[0].Body)
		}
	}
	if r := get(t, srv, "/opendata/datasets/nope/releases.atom"); r.status != http.StatusNotFound {
		t.Errorf("feed of a missing dataset: %d", r.status)
	}
	if r := get(t, newServer(t, filepath.Join(t.TempDir(), "none")), "/opendata/releases.atom"); r.status != http.StatusNotFound {
		t.Errorf("feed without any release: %d", r.status)
	}

	// Cached like the latest documents, with validators; any page may read it.
	r := get(t, srv, "/opendata/releases.atom")
	if r.header.Get("Cache-Control") != "public, max-age=300" || r.header.Get("ETag") == "" || r.header.Get("Last-Modified") == "" ||
		r.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("headers %v", r.header)
	}
	if nm := do(t, srv, http.MethodGet, "/opendata/releases.atom", map[string]string{"If-None-Match": r.header.Get("ETag")}); nm.status != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", nm.status)
	}
	if gz := do(t, srv, http.MethodGet, "/opendata/releases.atom", map[string]string{"Accept-Encoding": "gzip"}); gz.header.Get("Content-Encoding") != "gzip" {
		t.Errorf("no gzip: %v", gz.header)
	}

	// The pages announce the feeds.
	for page, want := range map[string][]string{
		"/opendata/":          {`<link rel="alternate" type="application/atom+xml" href="/opendata/releases.atom"`},
		"/opendata/changelog": {`href="/opendata/releases.atom"`},
		"/opendata/datasets/volunteer-hours-monthly/": {`<link rel="alternate" type="application/atom+xml" href="/opendata/releases.atom"`,
			`<link rel="alternate" type="application/atom+xml" href="/opendata/datasets/volunteer-hours-monthly/releases.atom"`},
	} {
		body := get(t, srv, page).body
		for _, w := range want {
			if !bytes.Contains(body, []byte(w)) {
				t.Errorf("%s lacks %s", page, w)
			}
		}
	}
}

// TestFeedsWithBaseURL: with a base URL, links are absolute and ids are
// tag URIs under its host, dated by the release.
func TestFeedsWithBaseURL(t *testing.T) {
	h, err := web.New(web.Options{Dir: releasesDir, BaseURL: "https://data.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/opendata/releases.atom", "/opendata/datasets/volunteer-hours-monthly/releases.atom"} {
		rec := httptestGet(h, path)
		f, errs := atomcheck.Parse(rec.Body.Bytes())
		for _, err := range errs {
			t.Errorf("%s: %v", path, err)
		}
		if f == nil || len(f.Entries) == 0 {
			t.Fatalf("%s: %s", path, rec.Body)
		}
		self, _ := f.Link("self")
		if self.Href != "https://data.example.org"+path || f.ID() != self.Href {
			t.Errorf("%s: self %q, id %q", path, self.Href, f.ID())
		}
		e := f.Entries[0]
		if !strings.HasPrefix(e.ID(), "tag:data.example.org,"+latestVersion+":opendata/") {
			t.Errorf("%s: entry id %q", path, e.ID())
		}
		for _, l := range e.Links {
			if !strings.HasPrefix(l.Href, "https://data.example.org/opendata/") {
				t.Errorf("%s: link %q", path, l.Href)
			}
		}
	}
}

func httptestGet(h http.Handler, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://example.test"+path, nil))
	return rec
}

// hrefs are the link targets in an HTML fragment.
func hrefs(t *testing.T, fragment string) []string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader("<div>" + strings.ReplaceAll(fragment, "<br>", "<br/>") + "</div>"))
	var out []string
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "a" {
			for _, a := range se.Attr {
				if a.Name.Local == "href" {
					if _, err := url.Parse(a.Value); err != nil {
						t.Errorf("href %q: %v", a.Value, err)
					}
					out = append(out, a.Value)
				}
			}
		}
	}
	return out
}

func linkHrefs(ls []atomcheck.Link) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Href)
	}
	return out
}
