// Package graphiql serves the GraphiQL IDE entirely from assets embedded in
// the binary, so it works on machines without internet access.
//
// The HTML page is gqlgen's graphql/playground page (GraphiQL 4.1.2 with the
// explorer plugin and the request-headers editor enabled); only its asset URLs
// are redirected from cdn.jsdelivr.net to copies of the same npm files served
// by this package. The copies live in ./assets and are produced by
// ./vendor.sh.
package graphiql

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/playground"
)

const (
	// BasePath is the URL path the handler must be mounted at. The page is
	// served at BasePath (and BasePath+"/"); the assets below AssetPrefix.
	BasePath = "/graphiql"
	// AssetPrefix is the URL path prefix of the embedded assets.
	AssetPrefix = BasePath + "/assets/"
	// DefaultTitle is used when Handler is given an empty title.
	DefaultTitle = "同行 Tongxing · GraphiQL"

	// storagePrefix namespaces GraphiQL's localStorage keys (saved tabs,
	// headers, ...) so they do not collide with other apps on the origin.
	storagePrefix = "tongxing:graphiql:"

	// assetCacheControl is safe because every asset file name carries the
	// npm package version, and npm versions are immutable.
	assetCacheControl = "public, max-age=31536000, immutable"

	contentTypeJS   = "text/javascript; charset=utf-8"
	contentTypeCSS  = "text/css; charset=utf-8"
	contentTypeHTML = "text/html; charset=utf-8"
)

//go:embed assets/*.js assets/*.css
var assetFS embed.FS

// asset is one vendored file. sri is the pinned subresource-integrity string
// put in the page's integrity attribute; the browser refuses a file that does
// not match, and the tests check the embedded bytes against it.
type asset struct {
	name        string // file name in assets/ and below AssetPrefix
	contentType string
	sri         string
}

// The vendored files. Except for explorerCSS, each is byte-identical to the
// CDN file gqlgen v0.17.98 loads, and sri equals gqlgen's integrity string.
var (
	// react@18.2.0/umd/react.production.min.js
	reactJS = asset{"react-18.2.0.production.min.js", contentTypeJS,
		"sha256-S0lp+k7zWUMk2ixteM6HZvu8L9Eh//OVrt+ZfbCpmgY="}
	// react-dom@18.2.0/umd/react-dom.production.min.js
	reactDOMJS = asset{"react-dom-18.2.0.production.min.js", contentTypeJS,
		"sha256-IXWO0ITNDjfnNXIu5POVfqlgYoop36bDzhodR6LW5Pc="}
	// graphiql@4.1.2/graphiql.min.js
	graphiqlJS = asset{"graphiql-4.1.2.min.js", contentTypeJS,
		"sha256-hnImuor1znlJkD/FOTL3jayfS/xsyNoP04abi8bFJWs="}
	// graphiql@4.1.2/graphiql.min.css
	graphiqlCSS = asset{"graphiql-4.1.2.min.css", contentTypeCSS,
		"sha256-MEh+B2NdMSpj9kexQNN3QKc8UzMrCXW/Sx/phcpuyIU="}
	// @graphiql/plugin-explorer@4.0.6/dist/index.umd.js
	explorerJS = asset{"graphiql-plugin-explorer-4.0.6.umd.js", contentTypeJS,
		"sha256-UM8sWOS0Xa9yLY85q6Clh0pF4qpxX+TOcJ41flECqBs="}
	// @graphiql/plugin-explorer@4.0.6/dist/style.css. gqlgen loads
	// dist/style.min.css, which jsDelivr generates and npm does not ship, so
	// this integrity string is our own.
	explorerCSS = asset{"graphiql-plugin-explorer-4.0.6.css", contentTypeCSS,
		"sha256-aJCaSuI7+t/EWRrLTis8jU9EFTua5/o7fnwxnroxDvE="}

	assets = []asset{reactJS, reactDOMJS, graphiqlJS, graphiqlCSS, explorerJS, explorerCSS}
)

func (a asset) url() string { return AssetPrefix + a.name }

type servedAsset struct {
	asset
	data []byte
	etag string
}

type handler struct {
	page    []byte
	pageCSP string
	assets  map[string]servedAsset
}

// Handler returns an http.Handler serving the GraphiQL IDE for the GraphQL
// endpoint (e.g. "/graphql", or an absolute URL). An empty title means
// DefaultTitle.
//
// The handler expects the full, unstripped request path and must be mounted
// at BasePath ("/graphiql") for both the page and its subtree, without
// http.StripPrefix:
//
//	h := graphiql.Handler(graphiql.DefaultTitle, "/graphql")
//	mux.Handle("/graphiql", h)
//	mux.Handle("/graphiql/", h)
//
// It serves
//
//   - GET /graphiql and /graphiql/: the HTML page (Cache-Control: no-cache,
//     plus a Content-Security-Policy allowing only the serving origin and the
//     endpoint's origin);
//   - GET /graphiql/assets/<name>-<npm version>.<ext>: the embedded
//     JavaScript/CSS, with Cache-Control "public, max-age=31536000,
//     immutable" and an ETag; the page loads them with integrity attributes;
//   - 404 for any other path and 405 for methods other than GET and HEAD.
//
// The page references no other host. Users set request headers such as
// {"Authorization":"Bearer <key>"} in GraphiQL's Headers editor; GraphiQL
// keeps them in the browser's localStorage.
func Handler(title, endpoint string) http.Handler {
	if title == "" {
		title = DefaultTitle
	}
	page := renderPage(playground.Handler(title, endpoint,
		playground.WithGraphiqlReactVersion(
			reactJS.url(), reactDOMJS.url(), reactJS.sri, reactDOMJS.sri),
		playground.WithGraphiqlVersion(
			graphiqlJS.url(), graphiqlCSS.url(), graphiqlJS.sri, graphiqlCSS.sri),
		playground.WithGraphiqlEnablePluginExplorer(true),
		playground.WithGraphiqlPluginExplorerVersion(
			explorerJS.url(), explorerCSS.url(), explorerJS.sri, explorerCSS.sri),
		playground.WithStoragePrefix(storagePrefix),
	))

	h := &handler{
		page:    page,
		pageCSP: contentSecurityPolicy(page, endpoint),
		assets:  make(map[string]servedAsset, len(assets)),
	}
	for _, a := range assets {
		data, err := assetFS.ReadFile("assets/" + a.name)
		if err != nil {
			panic("graphiql: missing embedded asset: " + err.Error())
		}
		h.assets[a.name] = servedAsset{asset: a, data: data, etag: `"` + a.sri + `"`}
	}
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	isPage := p == BasePath || p == BasePath+"/"
	var a servedAsset
	isAsset := false
	if name, ok := strings.CutPrefix(p, AssetPrefix); ok {
		a, isAsset = h.assets[name]
	}
	if !isPage && !isAsset {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}

	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	if isPage {
		hdr.Set("Content-Type", contentTypeHTML)
		hdr.Set("Cache-Control", "no-cache")
		hdr.Set("Content-Security-Policy", h.pageCSP)
		hdr.Set("Referrer-Policy", "no-referrer")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(h.page))
		return
	}
	hdr.Set("Content-Type", a.contentType)
	hdr.Set("Cache-Control", assetCacheControl)
	hdr.Set("ETag", a.etag)
	http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(a.data))
}

// renderPage runs gqlgen's page handler once. Its output depends only on the
// configuration, not on the request, so it is rendered at construction time.
func renderPage(page http.HandlerFunc) []byte {
	rw := &bufferResponseWriter{header: make(http.Header)}
	page(rw, &http.Request{Method: http.MethodGet, URL: &url.URL{Path: BasePath}})
	return rw.buf.Bytes()
}

type bufferResponseWriter struct {
	header http.Header
	buf    bytes.Buffer
}

func (w *bufferResponseWriter) Header() http.Header         { return w.header }
func (w *bufferResponseWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }
func (w *bufferResponseWriter) WriteHeader(int)             {}

// inlineScript matches the page's inline <script> elements (those without
// attributes); external scripts are covered by 'self'.
var inlineScript = regexp.MustCompile(`(?s)<script>(.*?)</script>`)

// contentSecurityPolicy allows the page to load resources only from its own
// origin, plus the hashes of its inline scripts, and to talk only to its own
// origin or, if the endpoint is an absolute URL, the endpoint's origin.
func contentSecurityPolicy(page []byte, endpoint string) string {
	scriptSrc := []string{"'self'"}
	for _, m := range inlineScript.FindAllSubmatch(page, -1) {
		sum := sha256.Sum256(m[1])
		scriptSrc = append(scriptSrc, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	}
	connectSrc := []string{"'self'"}
	if u, err := url.Parse(endpoint); err == nil && u.Scheme != "" && u.Host != "" {
		ws := "ws"
		if u.Scheme == "https" {
			ws = "wss"
		}
		connectSrc = append(connectSrc, u.Scheme+"://"+u.Host, ws+"://"+u.Host)
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src " + strings.Join(scriptSrc, " "),
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data:",
		"font-src 'self' data:",
		"connect-src " + strings.Join(connectSrc, " "),
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'self'",
	}, "; ")
}
