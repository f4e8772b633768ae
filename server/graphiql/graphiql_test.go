package graphiql

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// newServer mounts the handler the way the application does.
func newServer(t *testing.T, endpoint string) *httptest.Server {
	t.Helper()
	h := Handler(DefaultTitle, endpoint)
	mux := http.NewServeMux()
	mux.Handle("/graphiql", h)
	mux.Handle("/graphiql/", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

type response struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, srv *httptest.Server, method, path string, hdr map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, string(b)}
}

func getPage(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	r := do(t, srv, http.MethodGet, BasePath, nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: status %d", BasePath, r.status)
	}
	return r.body
}

func TestPage(t *testing.T) {
	srv := newServer(t, "/graphql")
	tests := []struct {
		name, method, path string
		wantStatus         int
		wantBody           []string
	}{
		{"page", http.MethodGet, "/graphiql", http.StatusOK, []string{
			"<title>同行 Tongxing · GraphiQL</title>",
			"isHeadersEditorEnabled: true",
			"GraphiQLPluginExplorer.explorerPlugin()",
			`location.host + "/graphql"`,
			`new PrefixedStorage('tongxing:graphiql:')`,
		}},
		{"page with trailing slash", http.MethodGet, "/graphiql/", http.StatusOK, []string{"<title>同行 Tongxing · GraphiQL</title>"}},
		{"HEAD", http.MethodHead, "/graphiql", http.StatusOK, nil},
		{"POST not allowed", http.MethodPost, "/graphiql", http.StatusMethodNotAllowed, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, srv, tt.method, tt.path, nil)
			if r.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d", r.status, tt.wantStatus)
			}
			if tt.wantStatus != http.StatusOK {
				return
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("Content-Type = %q, want text/html", ct)
			}
			if cc := r.header.Get("Cache-Control"); cc != "no-cache" {
				t.Errorf("Cache-Control = %q, want no-cache", cc)
			}
			csp := r.header.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'self'", "connect-src 'self'", "script-src 'self' 'sha256-"} {
				if !strings.Contains(csp, want) {
					t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
				}
			}
			for _, want := range tt.wantBody {
				if !strings.Contains(r.body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
		})
	}
}

var (
	// src/href attribute values, quoted or not.
	attrURL = regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))`)
	// Absolute URLs anywhere in the page, including protocol-relative ones
	// such as "//cdn.example.com/x" (but not "'//'" as used to build the
	// endpoint URL from location.host, nor "//" inside base64 SRI strings).
	absURL = regexp.MustCompile(`(?i)(?:\b(?:https?|wss?):|["'=(\s])//[a-z0-9][a-z0-9.-]*(?::\d+)?(?:/[^\s"'<>]*)?`)
	// integrity="..." that follows a src/href on the same element.
	integrityAttr = regexp.MustCompile(`(?is)\b(?:src|href)="([^"]*)"[^>]*?\bintegrity="([^"]*)"`)
)

func TestPageReferencesNoOtherHost(t *testing.T) {
	tests := []struct{ name, endpoint string }{
		{"relative endpoint", "/graphql"},
		{"relative endpoint with query", "/graphql?x=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := getPage(t, newServer(t, tt.endpoint))

			for _, m := range attrURL.FindAllStringSubmatch(page, -1) {
				u := html.UnescapeString(m[1] + m[2] + m[3])
				if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
					t.Errorf("attribute %q: URL %q is not a same-host path", m[0], u)
				}
			}
			for _, u := range absURL.FindAllString(html.UnescapeString(page), -1) {
				if u == "http://www.w3.org/2000/svg" { // an XML namespace, not fetched
					continue
				}
				t.Errorf("page contains absolute URL %q", u)
			}
		})
	}
}

// pageAssets returns the src/href URLs in the page with their integrity
// attributes.
func pageAssets(t *testing.T, page string) map[string]string {
	t.Helper()
	refs := map[string]string{}
	for _, m := range attrURL.FindAllStringSubmatch(page, -1) {
		refs[html.UnescapeString(m[1]+m[2]+m[3])] = ""
	}
	for _, m := range integrityAttr.FindAllStringSubmatch(page, -1) {
		refs[html.UnescapeString(m[1])] = html.UnescapeString(m[2])
	}
	if len(refs) != len(assets) {
		t.Errorf("page references %d URLs, want the %d assets: %v", len(refs), len(assets), refs)
	}
	return refs
}

func sri(alg string, body []byte) string {
	switch alg {
	case "sha256":
		s := sha256.Sum256(body)
		return "sha256-" + base64.StdEncoding.EncodeToString(s[:])
	case "sha384":
		s := sha512.Sum384(body)
		return "sha384-" + base64.StdEncoding.EncodeToString(s[:])
	case "sha512":
		s := sha512.Sum512(body)
		return "sha512-" + base64.StdEncoding.EncodeToString(s[:])
	}
	return ""
}

func TestPageAssets(t *testing.T) {
	srv := newServer(t, "/graphql")
	for ref, integrity := range pageAssets(t, getPage(t, srv)) {
		t.Run(ref, func(t *testing.T) {
			if !strings.HasPrefix(ref, AssetPrefix) {
				t.Fatalf("asset URL %q is not below %s", ref, AssetPrefix)
			}
			r := do(t, srv, http.MethodGet, ref, nil)
			if r.status != http.StatusOK {
				t.Fatalf("status = %d, want 200", r.status)
			}
			ct := r.header.Get("Content-Type")
			switch {
			case strings.HasSuffix(ref, ".js"):
				if !strings.HasPrefix(ct, "text/javascript") && !strings.HasPrefix(ct, "application/javascript") {
					t.Errorf("Content-Type = %q, want JavaScript", ct)
				}
			case strings.HasSuffix(ref, ".css"):
				if !strings.HasPrefix(ct, "text/css") {
					t.Errorf("Content-Type = %q, want text/css", ct)
				}
			default:
				t.Errorf("unexpected asset type %q (Content-Type %q)", ref, ct)
			}
			if len(r.body) == 0 {
				t.Error("empty body")
			}
			if cc := r.header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control = %q", cc)
			}
			if r.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("missing X-Content-Type-Options: nosniff")
			}
			// The browser rejects the file unless it matches the integrity
			// attribute, so the embedded bytes must match the pinned SRI.
			alg, _, _ := strings.Cut(integrity, "-")
			if got := sri(alg, []byte(r.body)); integrity == "" || got != integrity {
				t.Errorf("integrity attribute %q, body hashes to %q", integrity, got)
			}

			// Conditional and HEAD requests.
			etag := r.header.Get("ETag")
			if etag == "" {
				t.Fatal("no ETag")
			}
			if r := do(t, srv, http.MethodGet, ref, map[string]string{"If-None-Match": etag}); r.status != http.StatusNotModified {
				t.Errorf("If-None-Match: status = %d, want 304", r.status)
			}
			if r := do(t, srv, http.MethodHead, ref, nil); r.status != http.StatusOK || r.body != "" {
				t.Errorf("HEAD: status = %d, body %d bytes", r.status, len(r.body))
			}
		})
	}
}

// TestPinnedChecksums checks every vendored file against its pinned SRI and,
// where the file is byte-identical to the CDN file gqlgen v0.17.98 loads,
// against gqlgen's integrity string.
func TestPinnedChecksums(t *testing.T) {
	gqlgen := map[string]string{ // from gqlgen graphql/playground/playground.go
		reactJS.name:     "sha256-S0lp+k7zWUMk2ixteM6HZvu8L9Eh//OVrt+ZfbCpmgY=",
		reactDOMJS.name:  "sha256-IXWO0ITNDjfnNXIu5POVfqlgYoop36bDzhodR6LW5Pc=",
		graphiqlJS.name:  "sha256-hnImuor1znlJkD/FOTL3jayfS/xsyNoP04abi8bFJWs=",
		graphiqlCSS.name: "sha256-MEh+B2NdMSpj9kexQNN3QKc8UzMrCXW/Sx/phcpuyIU=",
		explorerJS.name:  "sha256-UM8sWOS0Xa9yLY85q6Clh0pF4qpxX+TOcJ41flECqBs=",
		// explorerCSS: gqlgen uses jsDelivr's generated style.min.css.
	}
	for _, a := range assets {
		t.Run(a.name, func(t *testing.T) {
			b, err := assetFS.ReadFile("assets/" + a.name)
			if err != nil {
				t.Fatal(err)
			}
			if got := sri("sha256", b); got != a.sri {
				t.Errorf("embedded file hashes to %s, pinned %s", got, a.sri)
			}
			if want, ok := gqlgen[a.name]; ok && a.sri != want {
				t.Errorf("pinned %s, gqlgen uses %s", a.sri, want)
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	srv := newServer(t, "/graphql")
	tests := []struct{ name, path string }{
		{"unknown asset", "/graphiql/assets/nope.js"},
		{"asset without version", "/graphiql/assets/graphiql.min.js"},
		{"asset directory", "/graphiql/assets/"},
		{"asset directory without slash", "/graphiql/assets"},
		{"license file is not served", "/graphiql/assets/LICENSES.txt"},
		{"source file", "/graphiql/graphiql.go"},
		{"asset name outside the asset prefix", "/graphiql/" + graphiqlJS.name},
		{"nested asset path", "/graphiql/assets/x/" + graphiqlJS.name},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := do(t, srv, http.MethodGet, tt.path, nil); r.status != http.StatusNotFound {
				t.Errorf("GET %s: status = %d, want 404", tt.path, r.status)
			}
		})
	}

	// Paths a ServeMux would clean or redirect, sent straight to the handler.
	h := Handler("", "/graphql")
	for _, p := range []string{"/graphiql/assets/../assets/" + reactJS.name, "/other", "/"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://example.test"+p, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("direct GET %s: status = %d, want 404", p, rec.Code)
		}
	}
}

func TestAbsoluteEndpointCSP(t *testing.T) {
	tests := []struct {
		endpoint string
		want     []string
	}{
		{"/graphql", []string{"connect-src 'self';"}},
		{"https://api.example.test/graphql", []string{"connect-src 'self' https://api.example.test wss://api.example.test;"}},
		{"http://localhost:8080/graphql", []string{"connect-src 'self' http://localhost:8080 ws://localhost:8080;"}},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint, func(t *testing.T) {
			rec := httptest.NewRecorder()
			Handler("", tt.endpoint).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, BasePath, nil))
			csp := rec.Header().Get("Content-Security-Policy")
			for _, want := range tt.want {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %q", csp, want)
				}
			}
			if !strings.Contains(rec.Body.String(), "<title>"+DefaultTitle+"</title>") {
				t.Error("empty title did not default to DefaultTitle")
			}
		})
	}
}
