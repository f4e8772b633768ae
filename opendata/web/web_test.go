package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/opendata/attack"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/internal/fixture"
	"github.com/tongxing/tongxing/opendata/release"
	"github.com/tongxing/tongxing/opendata/web"
	"github.com/tongxing/tongxing/opendata/writer"
)

// releasesDir holds two releases of the demo district, built once;
// between them an organisation was added and one renamed. threeDir holds
// the same two and a third, for retention to prune the first of.
var (
	releasesDir string
	threeDir    string
	added       string     // id of the organisation added
	renamed     changedOrg // the organisation renamed
)

const addedName = "同行测试新增组织"

type changedOrg struct{ ID, Old, New string }

func TestMain(m *testing.M) {
	tmp, err := os.MkdirTemp("", "opendata-web-test-")
	if err != nil {
		panic(err)
	}
	code := func() int {
		db, err := fixture.SeedSQLite(tmp)
		if err != nil {
			panic(err)
		}
		defer db.Close()
		releasesDir = filepath.Join(tmp, "releases")
		rules, err := disclosure.New(fixture.K, fixture.Secret)
		if err != nil {
			panic(err)
		}
		opt := release.Options{Dir: releasesDir, Rules: rules, Schedule: 24 * time.Hour, SigningKey: fixture.SigningKey}
		if _, err := release.Build(context.Background(), db.Client, opt, fixture.Now.Add(-24*time.Hour)); err != nil {
			panic(err)
		}
		// A record more, an organisation added and one renamed, and the
		// next day's release.
		ctx := fixture.Context()
		r := db.Client.ServiceRecord.Query().Where(servicerecord.StatusEQ(servicerecord.StatusVERIFIED)).Order(servicerecord.ByID()).FirstX(ctx)
		db.Client.ServiceRecord.Create().SetPersonID(r.PersonID).SetActivityID(r.ActivityID).SetServedOn(r.ServedOn).
			SetMinutes(90).SetRecordedBy("opendata-test").SetStatus(servicerecord.StatusVERIFIED).SaveX(ctx)
		last := db.Client.Organization.Query().Order(ent.Desc(organization.FieldID)).FirstX(ctx)
		renamed = changedOrg{ID: gid.Encode(last.ID), Old: last.Name, New: last.Name + "（更名）"}
		db.Client.Organization.UpdateOne(last).SetName(renamed.New).ExecX(ctx)
		added = gid.Encode(db.Client.Organization.Create().SetName(addedName).SetKind(organization.KindSOCIAL_ORGANIZATION).
			SetRegionID(last.RegionID).SaveX(ctx).ID)
		if _, err := release.Build(context.Background(), db.Client, opt, fixture.Now); err != nil {
			panic(err)
		}
		// A third release, in a copy.
		threeDir = filepath.Join(tmp, "three")
		if err := os.CopyFS(threeDir, os.DirFS(releasesDir)); err != nil {
			panic(err)
		}
		db.Client.ServiceRecord.Create().SetPersonID(r.PersonID).SetActivityID(r.ActivityID).SetServedOn(r.ServedOn).
			SetMinutes(120).SetRecordedBy("opendata-test").SetStatus(servicerecord.StatusVERIFIED).SaveX(ctx)
		opt.Dir = threeDir
		if rel, err := release.Build(context.Background(), db.Client, opt, fixture.Now.Add(time.Hour)); err != nil || rel.Manifest.Version != thirdVersion {
			panic(fmt.Sprintf("third release: %v", err))
		}
		return m.Run()
	}()
	os.RemoveAll(tmp)
	os.Exit(code)
}

const (
	latestVersion   = "2026-10-31"
	previousVersion = "2026-10-30"
	thirdVersion    = "2026-10-31.2" // in threeDir only
)

func newServer(t testing.TB, dir string) *httptest.Server {
	t.Helper()
	h, err := web.New(web.Options{Dir: dir, K: fixture.K})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(web.Prefix, h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request without transparent decompression, so the test sees
// what the server sent.
func do(t testing.TB, srv *httptest.Server, method, path string, hdr map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	client := &http.Client{
		Transport:     &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, b}
}

func get(t testing.TB, srv *httptest.Server, path string) response {
	return do(t, srv, http.MethodGet, path, nil)
}

func TestRoutes(t *testing.T) {
	srv := newServer(t, releasesDir)
	tests := []struct {
		path   string
		status int
		ctype  string
		body   []string
	}{
		{"/opendata/", 200, "text/html; charset=utf-8", []string{"<html lang=\"zh-CN\">", "嘉兴市秀洲区", "全区年度概况", "District headline figures by year", "/opendata/datasets/volunteer-hours-monthly/latest.csv"}},
		{"/opendata/datasets/volunteer-hours-monthly/", 200, "text/html; charset=utf-8", []string{
			"分镇街分月志愿服务", `id="chart"`, `id="chart-data"`, `<script type="application/ld+json">`, `"@type":"Dataset"`,
			"数据字典", "Data dictionary", "<th scope=\"col\">", "引用", "How to cite", latestVersion + ".csv", previousVersion + ".parquet",
			"/opendata/datasets/volunteer-hours-monthly/latest.xlsx"}},
		{"/opendata/datasets/organizations/", 200, "text/html; charset=utf-8", []string{"组织名录", "孝慈"}},
		{"/opendata/methodology", 200, "text/html; charset=utf-8", []string{"频数规则", "Frequency rule", "10（不低于 5", "200 小时"}},
		{"/opendata/changelog", 200, "text/html; charset=utf-8", []string{latestVersion, previousVersion, "修改"}},
		{"/opendata/changelog.json", 200, "application/json", []string{`"version": "` + latestVersion + `"`, `"rowsChanged"`}},
		{"/opendata/catalog.jsonld", 200, "application/ld+json", []string{`"dcat:Catalog"`}},
		{"/opendata/datapackage.json", 200, "application/json", []string{`"resources"`, `"missingValues"`}},
		{"/opendata/datasets/projects/latest.csv", 200, "text/csv; charset=utf-8", []string{"project_id,name,"}},
		{"/opendata/datasets/projects/latest.json", 200, "application/json", []string{`"project_id":`}},
		{"/opendata/datasets/projects/latest.xlsx", 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", []string{"PK"}},
		{"/opendata/datasets/projects/latest.parquet", 200, "application/vnd.apache.parquet", []string{"PAR1"}},
		{"/opendata/datasets/projects/" + previousVersion + ".csv", 200, "text/csv; charset=utf-8", nil},
		{"/opendata/releases/" + previousVersion + "/datapackage.json", 200, "application/json", []string{`"version": "` + previousVersion + `"`}},
		{"/opendata/releases/" + previousVersion + "/datasets/projects/" + previousVersion + ".csv", 200, "text/csv; charset=utf-8", nil},
		{"/opendata/datasets/projects", 301, "", nil},
		{"/opendata/datasets/projects/2020-01-01.csv", 404, "text/html; charset=utf-8", []string{"找不到"}},
		{"/opendata/datasets/projects/latest.exe", 404, "", nil},
		{"/opendata/datasets/nope/", 404, "", nil},
		{"/opendata/datasets/nope/latest.csv", 404, "", nil},
		{"/opendata/releases/" + previousVersion + "/manifest.json", 200, "application/json", []string{`"version": "` + previousVersion + `"`, `"keyFingerprint"`}},
		{"/opendata/releases/" + previousVersion + "/manifest.json.sig", 200, "application/octet-stream", nil},
		{"/opendata/releases/" + previousVersion + "/manifest.json.sshsig", 200, "text/plain; charset=utf-8", []string{"-----BEGIN SSH SIGNATURE-----"}},
		{"/opendata/releases/" + previousVersion + ".zip", 200, "application/zip", []string{"PK"}},
		{"/opendata/releases/latest.zip", 200, "application/zip", []string{"PK"}},
		{"/opendata/releases/2020-01-01.zip", 404, "", nil},
		{"/opendata/releases/" + previousVersion + "/" + release.BundleName(previousVersion), 404, "", nil},
		{"/opendata/releases/" + previousVersion + "/manifest.json.asc", 404, "", nil},
		{"/opendata/signing-key.pem", 200, "application/x-pem-file", []string{"-----BEGIN PUBLIC KEY-----"}},
		{"/opendata/signing-keys/" + fixture.SigningKey.Public().Fingerprint() + ".pem", 200, "application/x-pem-file", []string{"-----BEGIN PUBLIC KEY-----"}},
		{"/opendata/signing-keys/" + strings.Repeat("0", 64) + ".pem", 404, "", nil},
		{"/opendata/signing-keys/nope.pem", 404, "", nil},
		{"/opendata/allowed_signers", 200, "text/plain; charset=utf-8", []string{fixture.SigningKey.Public().AllowedSigner()}},
		{"/opendata/verify", 200, "text/html; charset=utf-8", []string{"验证数据", "Verify a release", fixture.SigningKey.Public().Fingerprint()}},
		{"/opendata/assets/nope.js", 404, "", nil},
		{"/opendata/nope", 404, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := get(t, srv, tt.path)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d", r.status, tt.status)
			}
			if tt.ctype != "" && r.header.Get("Content-Type") != tt.ctype {
				t.Errorf("Content-Type %q, want %q", r.header.Get("Content-Type"), tt.ctype)
			}
			for _, want := range tt.body {
				if !bytes.Contains(r.body, []byte(want)) {
					t.Errorf("body lacks %q", want)
				}
			}
		})
	}
	if r := do(t, srv, http.MethodPost, "/opendata/", nil); r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d, Allow %q", r.status, r.header.Get("Allow"))
	}
	// The mux redirects "/opendata" and cleans ".." before the handler
	// runs; the handler refuses both on its own too.
	if r := get(t, srv, "/opendata"); r.header.Get("Location") != "/opendata/" {
		t.Errorf("redirect to %q", r.header.Get("Location"))
	}
	h, _ := web.New(web.Options{Dir: releasesDir})
	for _, p := range []string{"/opendata/releases/../../etc/passwd", "/opendata/releases/" + latestVersion + "/../" + previousVersion + "/datapackage.json", "/elsewhere"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://example.test"+p, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d", p, rec.Code)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://example.test/opendata", nil))
	if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "/opendata/" {
		t.Errorf("/opendata: %d %q", rec.Code, rec.Header().Get("Location"))
	}
}

// TestCatalogDistributions: every distribution URL in catalog.jsonld,
// resolved against the catalogue's own URL, answers 200 with the stated
// media type; so does every landing page and every datapackage resource.
func TestCatalogDistributions(t *testing.T) {
	srv := newServer(t, releasesDir)
	r := get(t, srv, "/opendata/catalog.jsonld")
	var cat struct {
		Datasets []struct {
			ID           string `json:"@id"`
			Identifier   string `json:"dct:identifier"`
			Distribution []struct {
				Download  map[string]string `json:"dcat:downloadURL"`
				MediaType map[string]string `json:"dcat:mediaType"`
				Size      map[string]string `json:"dcat:byteSize"`
			} `json:"dcat:distribution"`
		} `json:"dcat:dataset"`
	}
	if err := json.Unmarshal(r.body, &cat); err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse(srv.URL + "/opendata/catalog.jsonld")
	if len(cat.Datasets) != len(dataset.All()) {
		t.Fatalf("catalogue lists %d datasets, want %d", len(cat.Datasets), len(dataset.All()))
	}
	n := 0
	for _, d := range cat.Datasets {
		landing, _ := base.Parse(d.ID)
		if r := get(t, srv, landing.Path); r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: landing page %s: %d", d.Identifier, landing.Path, r.status)
		}
		for _, dist := range d.Distribution {
			u, err := base.Parse(dist.Download["@id"])
			if err != nil {
				t.Fatal(err)
			}
			r := get(t, srv, u.Path)
			want := strings.TrimPrefix(dist.MediaType["@id"], "https://www.iana.org/assignments/media-types/")
			got := strings.TrimSpace(strings.Split(r.header.Get("Content-Type"), ";")[0])
			if r.status != 200 || got != want {
				t.Errorf("%s: %d %q, want 200 %q", u.Path, r.status, got, want)
			}
			if size := dist.Size["@value"]; size != "" && len(r.body) != atoi(size) {
				t.Errorf("%s: %d bytes, catalogue says %s", u.Path, len(r.body), size)
			}
			n++
		}
	}
	want := 0
	for _, d := range dataset.All() {
		want += len(writer.FormatsOf(d))
	}
	if n != want {
		t.Errorf("%d distributions, want %d", n, want)
	}
	// datapackage.json resources resolve against its URL too.
	var pkg struct{ Resources []struct{ Path string } }
	if err := json.Unmarshal(get(t, srv, "/opendata/datapackage.json").body, &pkg); err != nil {
		t.Fatal(err)
	}
	pbase, _ := url.Parse(srv.URL + "/opendata/datapackage.json")
	for _, res := range pkg.Resources {
		u, _ := pbase.Parse(res.Path)
		if r := get(t, srv, u.Path); r.status != 200 || r.header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Errorf("datapackage resource %s: %d %s", u.Path, r.status, r.header.Get("Content-Type"))
		}
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func TestDownloadHeaders(t *testing.T) {
	srv := newServer(t, releasesDir)
	latest := get(t, srv, "/opendata/datasets/volunteers-by-town/latest.csv")
	if cd := latest.header.Get("Content-Disposition"); cd != `attachment; filename=tongxing-volunteers-by-town-`+latestVersion+`.csv` {
		t.Errorf("Content-Disposition %q", cd)
	}
	if cc := latest.header.Get("Cache-Control"); cc != "public, max-age=300" {
		t.Errorf("latest Cache-Control %q", cc)
	}
	if l := latest.header.Get("Link"); l != `</opendata/datasets/volunteers-by-town/`+latestVersion+`.csv>; rel="canonical"` {
		t.Errorf("Link %q", l)
	}
	versioned := get(t, srv, "/opendata/datasets/volunteers-by-town/"+previousVersion+".xlsx")
	if cc := versioned.header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("versioned Cache-Control %q", cc)
	}
	if cd := versioned.header.Get("Content-Disposition"); !strings.Contains(cd, "tongxing-volunteers-by-town-"+previousVersion+".xlsx") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if latest.header.Get("Access-Control-Allow-Origin") != "*" || latest.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", latest.header)
	}
	// The bytes are the release's file.
	file, _ := os.ReadFile(filepath.Join(releasesDir, latestVersion, "datasets", "volunteers-by-town", latestVersion+".csv"))
	if !bytes.Equal(file, latest.body) {
		t.Error("latest.csv is not the latest release's file")
	}
	if latest.header.Get("Content-Length") != strconv.Itoa(len(file)) {
		t.Errorf("Content-Length %q", latest.header.Get("Content-Length"))
	}
	lm, err := http.ParseTime(latest.header.Get("Last-Modified"))
	if err != nil || !lm.Equal(fixture.Now.UTC().Truncate(time.Second)) {
		t.Errorf("Last-Modified %q, want the build time", latest.header.Get("Last-Modified"))
	}
}

func TestConditionalRequests(t *testing.T) {
	srv := newServer(t, releasesDir)
	for _, p := range []string{
		"/opendata/datasets/practice-bases/latest.csv",
		"/opendata/datasets/practice-bases/latest.parquet",
		"/opendata/catalog.jsonld",
		"/opendata/",
		"/opendata/datasets/practice-bases/",
	} {
		t.Run(p, func(t *testing.T) {
			first := get(t, srv, p)
			etag, lm := first.header.Get("ETag"), first.header.Get("Last-Modified")
			if first.status != 200 || !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, "W/") || lm == "" {
				t.Fatalf("status %d, ETag %q, Last-Modified %q", first.status, etag, lm)
			}
			if r := do(t, srv, http.MethodGet, p, map[string]string{"If-None-Match": etag}); r.status != 304 || len(r.body) != 0 {
				t.Errorf("If-None-Match: %d", r.status)
			}
			if r := do(t, srv, http.MethodGet, p, map[string]string{"If-None-Match": `"other", ` + etag}); r.status != 304 {
				t.Errorf("If-None-Match list: %d", r.status)
			}
			if r := do(t, srv, http.MethodGet, p, map[string]string{"If-None-Match": `"other"`}); r.status != 200 {
				t.Errorf("non-matching If-None-Match: %d", r.status)
			}
			if r := do(t, srv, http.MethodGet, p, map[string]string{"If-Modified-Since": lm}); r.status != 304 {
				t.Errorf("If-Modified-Since: %d", r.status)
			}
			old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Format(http.TimeFormat)
			if r := do(t, srv, http.MethodGet, p, map[string]string{"If-Modified-Since": old}); r.status != 200 {
				t.Errorf("old If-Modified-Since: %d", r.status)
			}
			// The gzip representation has its own ETag; either validates.
			gz := do(t, srv, http.MethodGet, p, map[string]string{"Accept-Encoding": "gzip"})
			if r := do(t, srv, http.MethodGet, p, map[string]string{"If-None-Match": gz.header.Get("ETag"), "Accept-Encoding": "gzip"}); r.status != 304 {
				t.Errorf("gzip ETag revalidation: %d", r.status)
			}
			if h := do(t, srv, http.MethodHead, p, nil); h.status != 200 || len(h.body) != 0 || h.header.Get("ETag") != etag {
				t.Errorf("HEAD: %d, %d bytes, ETag %q", h.status, len(h.body), h.header.Get("ETag"))
			}
		})
	}
}

func TestGzip(t *testing.T) {
	srv := newServer(t, releasesDir)
	for _, tt := range []struct {
		path string
		gzip bool
	}{
		{"/opendata/datasets/volunteer-hours-monthly/latest.csv", true},
		{"/opendata/datasets/volunteer-hours-monthly/latest.json", true},
		{"/opendata/catalog.jsonld", true},
		{"/opendata/datasets/volunteer-hours-monthly/", true},
		{"/opendata/assets/echarts-6.1.0.min.js", true},
		{"/opendata/datasets/volunteer-hours-monthly/latest.xlsx", false},
		{"/opendata/datasets/volunteer-hours-monthly/latest.parquet", false},
	} {
		plain := get(t, srv, tt.path)
		r := do(t, srv, http.MethodGet, tt.path, map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
		if got := r.header.Get("Content-Encoding") == "gzip"; got != tt.gzip {
			t.Errorf("%s: gzipped %v, want %v", tt.path, got, tt.gzip)
			continue
		}
		if !tt.gzip {
			continue
		}
		if !strings.Contains(r.header.Get("Vary"), "Accept-Encoding") || r.header.Get("ETag") == plain.header.Get("ETag") {
			t.Errorf("%s: Vary %q, ETag %q (plain %q)", tt.path, r.header.Get("Vary"), r.header.Get("ETag"), plain.header.Get("ETag"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(r.body))
		if err != nil {
			t.Fatalf("%s: %v", tt.path, err)
		}
		body, _ := io.ReadAll(zr)
		if !bytes.Equal(body, plain.body) {
			t.Errorf("%s: gunzipped body differs", tt.path)
		}
		if len(r.body) >= len(plain.body) {
			t.Errorf("%s: gzip did not shrink %d bytes", tt.path, len(plain.body))
		}
		if q0 := do(t, srv, http.MethodGet, tt.path, map[string]string{"Accept-Encoding": "gzip;q=0"}); q0.header.Get("Content-Encoding") != "" {
			t.Errorf("%s: gzip sent though refused with q=0", tt.path)
		}
	}
}

var (
	// src/href attribute values, quoted or not.
	attrURL = regexp.MustCompile(`(?i)\b(?:src|href|action)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))`)
	// Absolute URLs anywhere in the page, including protocol-relative ones.
	absURL = regexp.MustCompile(`(?i)(?:\b(?:https?|wss?|ftp):|["'=(\s])//[a-z0-9][a-z0-9.-]*(?::\d+)?(?:/[^\s"'<>\\]*)?`)
)

// identifiers are absolute URLs a page may name without loading anything
// from them: the schema.org vocabulary of its JSON-LD and the licence.
var identifiers = map[string]bool{
	"https://schema.org/":                          true,
	"https://creativecommons.org/licenses/by/4.0/": true,
}

// TestPagesReferenceNoOtherHost: every src and href of every page is a
// path on this host, and no other absolute URL appears except the
// identifiers above (no CDN, no font service, no analytics).
func TestPagesReferenceNoOtherHost(t *testing.T) {
	srv := newServer(t, releasesDir)
	pages := []string{"/opendata/", "/opendata/methodology", "/opendata/changelog", "/opendata/verify", "/opendata/nope"}
	for _, d := range dataset.All() {
		pages = append(pages, "/opendata/datasets/"+d.ID+"/")
	}
	for _, p := range pages {
		body := string(get(t, srv, p).body)
		for _, m := range attrURL.FindAllStringSubmatch(body, -1) {
			u := html.UnescapeString(m[1] + m[2] + m[3])
			if strings.HasPrefix(u, "#") {
				continue // a fragment of the page itself
			}
			if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
				t.Errorf("%s: %q is not a same-host path", p, m[0])
			}
		}
		for _, u := range absURL.FindAllString(html.UnescapeString(body), -1) {
			if !identifiers[u] {
				t.Errorf("%s: absolute URL %q", p, u)
			}
		}
		if !strings.Contains(body, `lang="en"`) {
			t.Errorf("%s: no English alongside", p)
		}
	}
	// The assets the pages use are all served, with long caching.
	page := string(get(t, srv, "/opendata/datasets/district-summary/").body)
	for _, m := range attrURL.FindAllStringSubmatch(page, -1) {
		u := html.UnescapeString(m[1] + m[2] + m[3])
		if !strings.HasPrefix(u, "/opendata/assets/") {
			continue
		}
		r := get(t, srv, u)
		if r.status != 200 || !strings.Contains(r.header.Get("Cache-Control"), "immutable") {
			t.Errorf("asset %s: %d %q", u, r.status, r.header.Get("Cache-Control"))
		}
	}
	if csp := get(t, srv, "/opendata/").header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
}

// TestSchemaOrg: the JSON-LD of a dataset page is a schema.org Dataset
// with what dataset search engines ask for.
func TestSchemaOrg(t *testing.T) {
	srv := newServer(t, releasesDir)
	page := string(get(t, srv, "/opendata/datasets/needs-monthly/").body)
	m := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no JSON-LD")
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatalf("JSON-LD: %v\n%s", err, m[1])
	}
	for _, k := range []string{"name", "description", "url", "license", "distribution", "temporalCoverage", "spatialCoverage", "creator", "variableMeasured", "dateModified", "version"} {
		if ld[k] == nil {
			t.Errorf("JSON-LD lacks %s", k)
		}
	}
	if ld["@type"] != "Dataset" || ld["temporalCoverage"] != "2020-01/2026-10" {
		t.Errorf("@type %v, temporalCoverage %v", ld["@type"], ld["temporalCoverage"])
	}
	if d := ld["description"].(string); len([]rune(d)) < 50 || len([]rune(d)) > 5000 {
		t.Errorf("description of %d characters", len([]rune(d)))
	}
	if dists := ld["distribution"].([]any); len(dists) != 4 {
		t.Errorf("%d distributions", len(dists))
	}
}

func TestNoReleaseYet(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "none")
	srv := newServer(t, dir)
	r := get(t, srv, "/opendata/")
	if r.status != 200 || !bytes.Contains(r.body, []byte("尚未发布")) || !bytes.Contains(r.body, []byte("No release has been published yet")) {
		t.Errorf("index without releases: %d %s", r.status, r.body)
	}
	for _, p := range []string{"/opendata/catalog.jsonld", "/opendata/datapackage.json", "/opendata/datasets/projects/", "/opendata/datasets/projects/latest.csv"} {
		if r := get(t, srv, p); r.status != 404 {
			t.Errorf("%s: %d", p, r.status)
		}
	}
	for _, p := range []string{"/opendata/methodology", "/opendata/changelog", "/opendata/changelog.json"} {
		if r := get(t, srv, p); r.status != 200 {
			t.Errorf("%s: %d", p, r.status)
		}
	}
	// A release appears: the handler picks it up without a restart.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(dir, latestVersion), os.DirFS(filepath.Join(releasesDir, latestVersion))); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		r := get(t, srv, "/opendata/datasets/projects/latest.csv")
		if r.status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("new release not served: %d", r.status)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if r := get(t, srv, "/opendata/"); bytes.Contains(r.body, []byte("尚未发布")) {
		t.Error("index still says no release")
	}
}

// TestMethodologyShowsTheGate: the methodology page gives the latest
// release's gate report (two releases attacked, every attack listed), and
// after a refused build says so — aggregate only: the report's cell names
// never reach the page, and the private folder is not served.
func TestMethodologyShowsTheGate(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(releasesDir)); err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, dir)
	page := string(get(t, srv, "/opendata/methodology").body)
	for _, want := range []string{"发布前攻击检验", "Release gate", "版本 " + latestVersion + " 的检验结果", "passed",
		"release-to-release differencing", "totals minus parts", "population isolation", "repeated-release averaging",
		"attacked together with 2 releases"} {
		if !strings.Contains(page, want) {
			t.Errorf("methodology page lacks %q", want)
		}
	}
	secret := "volunteer-hours-monthly[2026-06 330411101 ALL].verified_hours"
	refusedAt := time.Now().UTC().Add(time.Hour)
	if err := attack.SaveReport(dir, &attack.Report{Version: "new", CheckedAt: refusedAt, Passed: false, Releases: 3, Cells: 10,
		Attacks:  []attack.AttackSummary{{Name: attack.TotalsParts, Estimates: 5, Targets: 2, Recovered: 1}},
		Findings: []attack.Finding{{Attack: attack.TotalsParts, Why: "planted", Cells: []string{secret}, Truth: 160}}}); err != nil {
		t.Fatal(err)
	}
	page = string(get(t, srv, "/opendata/methodology").body)
	for _, want := range []string{"failed the gate and was not published", "release " + latestVersion + " stays current", refusedAt.Format("2006-01-02 15:04 UTC")} {
		if !strings.Contains(page, want) {
			t.Errorf("methodology page after a refusal lacks %q", want)
		}
	}
	if strings.Contains(page, secret) || strings.Contains(page, "planted") {
		t.Error("the methodology page shows the report's findings")
	}
	for _, p := range []string{"/opendata/" + attack.Dir + "/" + attack.ReportFile, "/opendata/.gate/" + latestVersion + ".cells.gob.gz"} {
		if r := get(t, srv, p); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, r.status)
		}
	}
}

// TestZeroSuffixRange: a range of the last zero bytes is unsatisfiable
// (416 with the size), not a 206 with an impossible Content-Range.
func TestZeroSuffixRange(t *testing.T) {
	srv := newServer(t, releasesDir)
	path := "/opendata/datasets/district-summary/" + latestVersion + ".csv"
	full := get(t, srv, path)
	for _, rng := range []string{"bytes=-0", "bytes=-00", "bytes=-0, -0"} {
		r := do(t, srv, http.MethodGet, path, map[string]string{"Range": rng})
		if r.status != http.StatusRequestedRangeNotSatisfiable || r.header.Get("Content-Range") != fmt.Sprintf("bytes */%d", len(full.body)) {
			t.Errorf("Range %s: %d, Content-Range %q", rng, r.status, r.header.Get("Content-Range"))
		}
	}
	if r := do(t, srv, http.MethodGet, path, map[string]string{"Range": "bytes=-5"}); r.status != http.StatusPartialContent || len(r.body) != 5 {
		t.Errorf("Range bytes=-5: %d, %d bytes", r.status, len(r.body))
	}
}
