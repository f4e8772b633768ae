// Package web serves /opendata/: the portal pages, the embedded assets, the
// Atom feeds of releases, and the files of the immutable releases — latest
// and versioned downloads, catalog.jsonld and datapackage.json, the signed
// manifests, the zip bundles and the public signing keys — with strong
// ETags, Last-Modified, 304 answers, gzip where it helps, and readable
// download names. Files of releases pruned by retention answer 410 Gone.
//
// The handler reads the releases directory itself (it holds no state that
// a build must update): it notices a new release by the directory's
// modification time, and caches manifests (immutable) and rendered pages
// (per latest release).
package web

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/opendata/announce"
	"github.com/tongxing/tongxing/opendata/attack"
	"github.com/tongxing/tongxing/opendata/catalog"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/portal"
	"github.com/tongxing/tongxing/opendata/release"
	"github.com/tongxing/tongxing/opendata/signing"
	"github.com/tongxing/tongxing/opendata/writer"
)

// Prefix is where the handler is mounted: mux.Handle(Prefix, h).
const Prefix = "/opendata/"

// Cache lifetimes.
const (
	cacheImmutable = "public, max-age=31536000, immutable" // versioned files, assets
	cacheLatest    = "public, max-age=300"                 // latest.* and the latest documents
	cachePage      = "public, max-age=60"                  // portal pages
)

// pageCSP lets pages load only their own scripts and styles. ECharts'
// SVG renderer sets inline style attributes, hence 'unsafe-inline' for
// styles only.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

// Options configure the handler.
type Options struct {
	// Dir is the releases root.
	Dir string
	// BaseURL is the external site URL used in JSON-LD and citations.
	BaseURL string
	// K is shown on the methodology page before any release exists.
	K int
	// SigningKey is the configured signing key's public half: served as
	// the current key until a signed release names one (may be nil).
	SigningKey signing.PublicKey
	// Keep is the retention setting, for the methodology page (0: every
	// release keeps its files).
	Keep   int
	Logger *slog.Logger
}

// Handler serves /opendata/.
type Handler struct {
	opt  Options
	site portal.Site

	mu        sync.Mutex
	checked   time.Time // when the directory was last looked at
	dirMod    time.Time
	versions  []string                     // oldest first
	manifests map[string]*release.Manifest // immutable once loaded
	pages     map[string]*cachedPage       // for the current latest release
	pagesFor  string
	pruned    map[string]bool              // releases whose files retention removed, as of the last scan
	keys      map[string]signing.PublicKey // by fingerprint: kept in the root, and the configured one
	sums      map[string]release.File      // files outside the manifests (signatures, bundles), by path
}

type cachedPage struct {
	body []byte
	etag string
}

// New returns the handler. The directory need not exist yet.
func New(opt Options) (*Handler, error) {
	if opt.Dir == "" {
		return nil, errors.New("opendata: no releases directory")
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{opt: opt, manifests: map[string]*release.Manifest{}, pages: map[string]*cachedPage{},
		pruned: map[string]bool{}, keys: map[string]signing.PublicKey{}, sums: map[string]release.File{}}
	h.site = portal.Site{BaseURL: opt.BaseURL, Keep: opt.Keep, Removed: h.prunedAsScanned}
	return h, nil
}

// state returns the release versions (oldest first) and the latest
// manifest, rescanning the directory when it changed. A new release
// appears by a rename into the root, which updates the root's mtime.
func (h *Handler) state() ([]string, *release.Manifest) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	if now.Sub(h.checked) > 250*time.Millisecond || h.checked.IsZero() {
		h.checked = now
		info, err := os.Stat(h.opt.Dir)
		mod := time.Time{}
		if err == nil {
			mod = info.ModTime()
		}
		if !mod.Equal(h.dirMod) || h.versions == nil {
			vs, err := release.List(h.opt.Dir)
			if err != nil {
				h.opt.Logger.Error("opendata: list releases", "dir", h.opt.Dir, "err", err)
			} else {
				h.dirMod, h.versions = mod, vs
				if h.versions == nil {
					h.versions = []string{}
				}
			}
			// A build keeps its public key before the release that
			// names it appears, so a rescan that finds the release finds
			// the key.
			keys, err := release.Keys(h.opt.Dir)
			if err != nil {
				h.opt.Logger.Error("opendata: list signing keys", "dir", h.opt.Dir, "err", err)
			}
			h.keys = map[string]signing.PublicKey{}
			if h.opt.SigningKey != nil {
				h.keys[h.opt.SigningKey.Fingerprint()] = h.opt.SigningKey
			}
			for _, k := range keys {
				h.keys[k.Fingerprint()] = k
			}
			// Retention touches the root when it removes files, so this
			// scan sees its marks; downloads ask the disk themselves.
			pruned := map[string]bool{}
			for _, v := range h.versions {
				if h.pruned[v] || release.Pruned(h.opt.Dir, v) {
					pruned[v] = true
				}
			}
			h.pruned = pruned
		}
	}
	if len(h.versions) == 0 {
		return h.versions, nil
	}
	latest := h.manifestLocked(h.versions[len(h.versions)-1])
	// Pages are rendered per latest release and per set of pruned ones.
	if gen := pageGeneration(latest, h.pruned); latest != nil && h.pagesFor != gen {
		h.pages, h.pagesFor = map[string]*cachedPage{}, gen
	}
	return h.versions, latest
}

func pageGeneration(latest *release.Manifest, pruned map[string]bool) string {
	if latest == nil {
		return ""
	}
	return latest.Version + "/" + strconv.Itoa(len(pruned))
}

// prunedAsScanned is what the pages show: the releases pruned as of the
// last scan of the root.
func (h *Handler) prunedAsScanned(version string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.pruned[version]
}

// isPruned is what a download obeys: the mark on disk, which retention
// writes before it removes anything.
func (h *Handler) isPruned(version string) bool {
	if h.prunedAsScanned(version) {
		return true
	}
	return release.Pruned(h.opt.Dir, version)
}

// gone answers a download of a release whose files retention removed:
// 410 with the project's error body, and where the release's manifest
// and signature still are.
func (h *Handler) gone(w http.ResponseWriter, r *http.Request, version string) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	apierror.Write(w, r, http.StatusGone, apierror.New(apierror.NotFound,
		"版本 "+version+" 的数据文件已按保留期限删除；其清单和签名仍在 "+Prefix+"releases/"+version+"/"+release.ManifestFile+
			" (the data files of release "+version+" were removed under the retention setting; its manifest and signature remain)"))
}

func (h *Handler) manifest(version string) *release.Manifest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.manifestLocked(version)
}

func (h *Handler) manifestLocked(version string) *release.Manifest {
	if m, ok := h.manifests[version]; ok {
		return m
	}
	m, err := release.Load(h.opt.Dir, version)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			h.opt.Logger.Error("opendata: load release", "version", version, "err", err)
		}
		return nil
	}
	h.manifests[version] = m
	return m
}

// history is every release, newest first.
func (h *Handler) history(versions []string) []*release.Manifest {
	out := make([]*release.Manifest, 0, len(versions))
	for i := len(versions) - 1; i >= 0; i-- {
		if m := h.manifest(versions[i]); m != nil {
			out = append(out, m)
		}
	}
	return out
}

// ServeHTTP routes /opendata/….
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	if p == strings.TrimSuffix(Prefix, "/") {
		http.Redirect(w, r, Prefix, http.StatusMovedPermanently)
		return
	}
	rest, ok := strings.CutPrefix(p, Prefix)
	if !ok || strings.Contains(rest, "..") || strings.Contains(rest, "//") || strings.Contains(rest, "\\") {
		h.notFound(w, r, nil)
		return
	}
	versions, latest := h.state()
	switch {
	case rest == "":
		h.page(w, r, "index", latest, func() ([]byte, bool, error) {
			b, err := h.site.Index(latest)
			return b, true, err
		})
	case rest == "methodology":
		// The gate's last report can be newer than the latest release (a
		// refused build): the page is cached per report.
		last, err := attack.LastReport(h.opt.Dir)
		if err != nil {
			h.opt.Logger.Error("opendata: release gate report", "err", err)
		}
		key := "methodology"
		if last != nil {
			key += ":" + last.CheckedAt.Format(time.RFC3339)
			last = last.Aggregate()
		}
		h.page(w, r, key, latest, func() ([]byte, bool, error) {
			b, err := h.site.Methodology(latest, h.opt.K, last)
			return b, true, err
		})
	case rest == "changelog":
		h.page(w, r, "changelog", latest, func() ([]byte, bool, error) {
			b, err := h.site.Changelog(h.history(versions))
			return b, true, err
		})
	case rest == "changelog.json":
		h.changelogJSON(w, r, versions, latest)
	case rest == "verify":
		h.page(w, r, "verify", latest, func() ([]byte, bool, error) {
			b, err := h.site.Verify(h.history(versions), h.knownKeys(), h.currentKey(latest))
			return b, true, err
		})
	case rest == "signing-key.pem":
		k := h.currentKey(latest)
		if k == nil {
			h.notFound(w, r, latest)
			return
		}
		h.sendKey(w, r, k, "tongxing-signing-key.pem", cacheLatest)
	case strings.HasPrefix(rest, release.KeysDir+"/"):
		fp, ok := strings.CutSuffix(strings.TrimPrefix(rest, release.KeysDir+"/"), ".pem")
		k := h.key(fp)
		if !ok || k == nil {
			h.notFound(w, r, latest)
			return
		}
		h.sendKey(w, r, k, "tongxing-signing-key-"+fp+".pem", cacheImmutable)
	case rest == "allowed_signers":
		h.allowedSigners(w, r, latest)
	case rest == "releases.atom":
		h.feed(w, r, "releases", latest, func() ([]byte, bool, error) {
			b, err := announce.Releases(h.history(versions), h.opt.BaseURL)
			return b, true, err
		})
	case rest == "catalog.jsonld" || rest == "datapackage.json":
		if latest == nil {
			h.notFound(w, r, nil)
			return
		}
		h.releaseFile(w, r, latest, rest, false)
	case strings.HasPrefix(rest, "assets/"):
		h.asset(w, r, strings.TrimPrefix(rest, "assets/"))
	case strings.HasPrefix(rest, "datasets/"):
		h.datasets(w, r, strings.TrimPrefix(rest, "datasets/"), versions, latest)
	case strings.HasPrefix(rest, "releases/"):
		// releases/<version>/<path>: every file of a release at the path
		// its datapackage.json and catalog.jsonld use relative to it.
		v, file, hasSlash := strings.Cut(strings.TrimPrefix(rest, "releases/"), "/")
		if bundle, ok := strings.CutSuffix(v, ".zip"); ok && !hasSlash {
			h.bundle(w, r, bundle, versions, latest)
			return
		}
		m := h.manifestIfListed(versions, v)
		if m == nil || file == "" {
			h.notFound(w, r, latest)
			return
		}
		h.releaseFile(w, r, m, file, true)
	default:
		h.notFound(w, r, latest)
	}
}

func (h *Handler) manifestIfListed(versions []string, v string) *release.Manifest {
	if !slices.Contains(versions, v) {
		return nil
	}
	return h.manifest(v)
}

// datasets serves datasets/<id>/, datasets/<id>/latest.<ext> and
// datasets/<id>/<version>.<ext>.
func (h *Handler) datasets(w http.ResponseWriter, r *http.Request, rest string, versions []string, latest *release.Manifest) {
	id, file, hasSlash := strings.Cut(rest, "/")
	if latest == nil || id == "" {
		h.notFound(w, r, latest)
		return
	}
	if _, ok := latest.Dataset(id); !ok && !h.inAnyRelease(versions, id) {
		h.notFound(w, r, latest)
		return
	}
	if !hasSlash {
		http.Redirect(w, r, Prefix+"datasets/"+id+"/", http.StatusMovedPermanently)
		return
	}
	if file == "changes.json" {
		h.changesJSON(w, r, id, versions, latest)
		return
	}
	if file == "" {
		h.page(w, r, "dataset:"+id, latest, func() ([]byte, bool, error) {
			return h.site.Dataset(latest, id, h.history(versions))
		})
		return
	}
	if v, ok := strings.CutSuffix(file, "citation.json"); ok && (v == "" || strings.HasSuffix(v, "/")) {
		h.citation(w, r, id, strings.TrimSuffix(v, "/"), versions, latest)
		return
	}
	if file == "releases.atom" {
		h.feed(w, r, "dataset:"+id, latest, func() ([]byte, bool, error) {
			return announce.Dataset(h.history(versions), id, h.opt.BaseURL)
		})
		return
	}
	ext := path.Ext(file)
	version := strings.TrimSuffix(file, ext)
	ext = strings.TrimPrefix(ext, ".")
	if _, ok := writer.FormatByExt(ext); !ok {
		h.notFound(w, r, latest)
		return
	}
	m, isLatest := latest, version == "latest"
	if !isLatest {
		m = h.manifestIfListed(versions, version)
	}
	if m == nil {
		h.notFound(w, r, latest)
		return
	}
	d, ok := m.Dataset(id)
	if !ok {
		h.notFound(w, r, latest)
		return
	}
	f, ok := d.File(ext)
	if !ok {
		h.notFound(w, r, latest)
		return
	}
	if !isLatest && h.isPruned(m.Version) {
		h.gone(w, r, m.Version)
		return
	}
	if isLatest {
		w.Header().Set("Link", "<"+Prefix+f.Path+`>; rel="canonical"`)
	}
	h.serveFile(w, r, m, f, !isLatest, release.DownloadName(id, m.Version, ext))
}

// citation serves datasets/<id>/citation.json, the CSL-JSON citation of
// the dataset in the latest release (with a canonical link to the versioned
// one), and datasets/<id>/<version>/citation.json, that release's, which
// never changes (docs/opendata.md, "Citing a dataset").
func (h *Handler) citation(w http.ResponseWriter, r *http.Request, id, version string, versions []string, latest *release.Manifest) {
	m := latest
	if version != "" {
		m = h.manifestIfListed(versions, version)
	}
	if m == nil {
		h.notFound(w, r, latest)
		return
	}
	cat := m.Catalog(h.opt.BaseURL)
	for _, d := range cat.Datasets {
		if d.Def.ID != id {
			continue
		}
		body, err := catalog.CSLJSON(cat, d)
		if err != nil {
			h.opt.Logger.Error("opendata: citation", "dataset", id, "version", m.Version, "err", err)
			http.Error(w, "citation unavailable", http.StatusInternalServerError)
			return
		}
		cache := cacheImmutable
		if version == "" {
			cache = cacheLatest
			w.Header().Set("Link", "<"+Prefix+catalog.CitationPath(id, m.Version)+`>; rel="canonical"`)
		}
		w.Header().Set("Access-Control-Allow-Origin", "*")
		sum := sha256.Sum256(body)
		h.sendBytes(w, r, http.StatusOK, catalog.CSLMediaType, body, hex.EncodeToString(sum[:16]), m.BuiltAt.UTC().Truncate(time.Second), cache)
		return
	}
	h.notFound(w, r, latest)
}

func (h *Handler) inAnyRelease(versions []string, id string) bool {
	for _, v := range versions {
		if m := h.manifest(v); m != nil {
			if _, ok := m.Dataset(id); ok {
				return true
			}
		}
	}
	return false
}

// releaseFile serves a file listed in a release's manifest by its path,
// or the manifest and its signatures, byte for byte as written (they are
// what a reader verifies).
func (h *Handler) releaseFile(w http.ResponseWriter, r *http.Request, m *release.Manifest, p string, versioned bool) {
	switch p {
	case release.ManifestFile:
		h.unlistedFile(w, r, m, p, "application/json", "")
		return
	case release.SignatureFile, release.SSHSignatureFile:
		if m.Signature == nil {
			break
		}
		mediaType := "application/octet-stream"
		if p == release.SSHSignatureFile {
			mediaType = "text/plain; charset=utf-8"
		}
		h.unlistedFile(w, r, m, p, mediaType, p)
		return
	}
	for _, f := range m.Documents {
		if f.Path == p {
			h.serveFile(w, r, m, f, versioned, "")
			return
		}
	}
	for _, d := range m.Datasets {
		for _, f := range d.Files {
			if f.Path == p {
				if h.isPruned(m.Version) {
					h.gone(w, r, m.Version)
					return
				}
				h.serveFile(w, r, m, f, versioned, release.DownloadName(d.ID, m.Version, f.Format))
				return
			}
		}
	}
	h.notFound(w, r, m)
}

// serveFile sends one release file. The ETag is the file's SHA-256 from
// the manifest (with "-gzip" for the gzip encoding, as a strong ETag must
// differ per representation); Last-Modified is the release's build time.
func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, m *release.Manifest, f release.File, versioned bool, download string) {
	hdr := w.Header()
	hdr.Set("Content-Type", f.MediaType)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Access-Control-Allow-Origin", "*") // open data: any page may fetch it
	if versioned {
		hdr.Set("Cache-Control", cacheImmutable)
	} else {
		hdr.Set("Cache-Control", cacheLatest)
	}
	if download != "" {
		hdr.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": download}))
	}
	format, _ := writer.FormatByExt(f.Format)
	compressible := !format.Compressed && !incompressible[f.Format]
	if compressible {
		hdr.Add("Vary", "Accept-Encoding")
	}
	gz := compressible && acceptsGzip(r)
	etag := `"` + f.SHA256[:32] + `"`
	if gz {
		etag = `"` + f.SHA256[:32] + `-gzip"`
	}
	hdr.Set("ETag", etag)
	modified := m.BuiltAt.UTC().Truncate(time.Second)
	hdr.Set("Last-Modified", modified.Format(http.TimeFormat))
	if notModified(r, f.SHA256[:32], modified) {
		delete(hdr, "Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	file, err := os.Open(filepath.Join(h.opt.Dir, m.Version, filepath.FromSlash(f.Path)))
	if err != nil {
		h.opt.Logger.Error("opendata: open release file", "version", m.Version, "path", f.Path, "err", err)
		http.Error(w, "file unavailable", http.StatusInternalServerError)
		return
	}
	defer file.Close()
	if gz {
		hdr.Set("Content-Encoding", "gzip")
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusOK)
			return
		}
		zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
		if _, err := io.Copy(zw, file); err != nil {
			return // the client went away
		}
		_ = zw.Close()
		return
	}
	// A suffix range of zero bytes ("bytes=-0") selects nothing; net/http
	// would answer 206 with an impossible Content-Range (697-696/697).
	if zeroSuffixRange(r.Header.Get("Range")) {
		hdr.Set("Content-Range", "bytes */"+strconv.FormatInt(f.Bytes, 10))
		delete(hdr, "Content-Type")
		w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
		return
	}
	// Identity: ServeContent adds Content-Length and Range support. The
	// conditional headers were answered above; ServeContent's own checks
	// agree with them.
	http.ServeContent(w, r, "", modified, file)
}

// incompressible are extensions of files outside the manifests that gzip
// would not shrink: the zip bundle, the raw signature.
var incompressible = map[string]bool{"zip": true, "sig": true}

// unlistedFile serves a file of a release that its manifest cannot list —
// the manifest itself, its signatures, the bundle — like a listed one: the
// ETag is its SHA-256, computed once (the file never changes).
func (h *Handler) unlistedFile(w http.ResponseWriter, r *http.Request, m *release.Manifest, name, mediaType, download string) {
	f, err := h.fileSum(m.Version, name, mediaType)
	if errors.Is(err, os.ErrNotExist) {
		h.notFound(w, r, m)
		return
	}
	if err != nil {
		h.opt.Logger.Error("opendata: release file", "version", m.Version, "path", name, "err", err)
		http.Error(w, "file unavailable", http.StatusInternalServerError)
		return
	}
	h.serveFile(w, r, m, f, true, download)
}

// fileSum describes a file of a release directory that no manifest lists.
func (h *Handler) fileSum(version, name, mediaType string) (release.File, error) {
	key := version + "/" + name
	h.mu.Lock()
	f, ok := h.sums[key]
	h.mu.Unlock()
	if ok {
		return f, nil
	}
	file, err := os.Open(filepath.Join(h.opt.Dir, version, filepath.FromSlash(name)))
	if err != nil {
		return release.File{}, err
	}
	defer file.Close()
	sum := sha256.New()
	n, err := io.Copy(sum, file)
	if err != nil {
		return release.File{}, err
	}
	f = release.File{Format: strings.TrimPrefix(path.Ext(name), "."), Path: name, MediaType: mediaType, Bytes: n,
		SHA256: hex.EncodeToString(sum.Sum(nil))}
	h.mu.Lock()
	h.sums[key] = f
	h.mu.Unlock()
	return f, nil
}

// bundle serves releases/<version>.zip, the release's zip bundle, and
// releases/latest.zip, the newest release's (with a canonical link to the
// versioned one).
func (h *Handler) bundle(w http.ResponseWriter, r *http.Request, version string, versions []string, latest *release.Manifest) {
	m, isLatest := latest, version == "latest"
	if !isLatest {
		m = h.manifestIfListed(versions, version)
	}
	if m == nil {
		h.notFound(w, r, latest)
		return
	}
	if !isLatest && h.isPruned(m.Version) {
		h.gone(w, r, m.Version)
		return
	}
	if isLatest {
		w.Header().Set("Link", "<"+Prefix+"releases/"+m.Version+`.zip>; rel="canonical"`)
	}
	if m.Bundle == "" {
		// Releases built before bundles have none.
		h.notFound(w, r, latest)
		return
	}
	f, err := h.fileSum(m.Version, m.Bundle, release.BundleMediaType)
	if errors.Is(err, os.ErrNotExist) {
		h.notFound(w, r, latest)
		return
	}
	if err != nil {
		h.opt.Logger.Error("opendata: release bundle", "version", m.Version, "err", err)
		http.Error(w, "file unavailable", http.StatusInternalServerError)
		return
	}
	h.serveFile(w, r, m, f, !isLatest, m.Bundle)
}

// currentKey is the public key readers verify the latest release with:
// the one its manifest names, or, before any signed release, the
// configured one.
func (h *Handler) currentKey(latest *release.Manifest) signing.PublicKey {
	if latest != nil && latest.Signature != nil {
		if k := h.key(latest.Signature.KeyFingerprint); k != nil {
			return k
		}
	}
	return h.opt.SigningKey
}

func (h *Handler) key(fp string) signing.PublicKey {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.keys[fp]
}

// knownKeys are the keys kept and the configured one, by fingerprint.
func (h *Handler) knownKeys() []signing.PublicKey {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]signing.PublicKey, 0, len(h.keys))
	for _, k := range h.keys {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b signing.PublicKey) int { return strings.Compare(a.Fingerprint(), b.Fingerprint()) })
	return out
}

// sendKey serves a public key as PEM, to download under name.
func (h *Handler) sendKey(w http.ResponseWriter, r *http.Request, k signing.PublicKey, name, cache string) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.sendBytes(w, r, http.StatusOK, "application/x-pem-file", k.PEM(), k.Fingerprint()[:32], time.Time{}, cache)
}

// allowedSigners serves the allowed-signers file of `ssh-keygen -Y
// verify`: every key that signed a release, and the configured one, each
// for the open-data namespace only.
func (h *Handler) allowedSigners(w http.ResponseWriter, r *http.Request, latest *release.Manifest) {
	keys := h.knownKeys()
	if len(keys) == 0 {
		h.notFound(w, r, latest)
		return
	}
	var b strings.Builder
	b.WriteString("# Tongxing open data: the keys that sign releases (docs/opendata.md, \"Signed releases\").\n")
	b.WriteString("# ssh-keygen -Y verify -f allowed_signers -I " + signing.SSHNamespace + " -n " + signing.SSHNamespace + " -s manifest.json.sshsig < manifest.json\n")
	for _, k := range keys {
		b.WriteString("# SHA-256 of the public key's DER: " + k.Fingerprint() + "\n")
		b.WriteString(k.AllowedSigner() + "\n")
	}
	body := []byte(b.String())
	sum := sha256.Sum256(body)
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "allowed_signers"}))
	h.sendBytes(w, r, http.StatusOK, "text/plain; charset=utf-8", body, hex.EncodeToString(sum[:16]), time.Time{}, cacheLatest)
}

// notModified answers If-None-Match (which wins when present) and
// If-Modified-Since. Both encodings of a file share its validator.
func notModified(r *http.Request, hash string, modified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimSpace(t)
			t = strings.TrimPrefix(t, "W/")
			if t == "*" || t == `"`+hash+`"` || t == `"`+hash+`-gzip"` {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && !modified.IsZero() {
		if t, err := http.ParseTime(ims); err == nil && !modified.After(t) {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether the client accepts gzip (q > 0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// page serves a rendered portal page, cached per latest release.
func (h *Handler) page(w http.ResponseWriter, r *http.Request, key string, latest *release.Manifest, render func() ([]byte, bool, error)) {
	h.rendered(w, r, key, latest, "text/html; charset=utf-8", cachePage, render)
}

// feed serves an Atom feed, cached per latest release like the pages and
// as cacheable as the latest documents; any page may fetch it.
func (h *Handler) feed(w http.ResponseWriter, r *http.Request, key string, latest *release.Manifest, render func() ([]byte, bool, error)) {
	if latest == nil {
		h.notFound(w, r, nil)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	h.rendered(w, r, "atom:"+key, latest, announce.MediaType, cacheLatest, render)
}

// rendered serves what render makes, cached per latest release, with an
// ETag of its bytes.
func (h *Handler) rendered(w http.ResponseWriter, r *http.Request, key string, latest *release.Manifest, contentType, cache string, render func() ([]byte, bool, error)) {
	h.mu.Lock()
	cp := h.pages[key]
	h.mu.Unlock()
	if cp == nil {
		body, found, err := render()
		if err != nil {
			h.opt.Logger.Error("opendata: render page", "page", key, "err", err)
			http.Error(w, "page unavailable", http.StatusInternalServerError)
			return
		}
		if !found {
			h.notFound(w, r, latest)
			return
		}
		sum := sha256.Sum256(body)
		cp = &cachedPage{body: body, etag: hex.EncodeToString(sum[:16])}
		h.mu.Lock()
		if latest == nil || h.pagesFor == pageGeneration(latest, h.pruned) {
			h.pages[key] = cp
		}
		h.mu.Unlock()
	}
	var modified time.Time
	if latest != nil {
		modified = latest.BuiltAt.UTC().Truncate(time.Second)
	}
	h.sendBytes(w, r, http.StatusOK, contentType, cp.body, cp.etag, modified, cache)
}

// sendBytes sends an in-memory body with an ETag, conditional answers and
// gzip.
func (h *Handler) sendBytes(w http.ResponseWriter, r *http.Request, status int, contentType string, body []byte, etag string, modified time.Time, cache string) {
	hdr := w.Header()
	hdr.Set("Content-Type", contentType)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", cache)
	hdr.Add("Vary", "Accept-Encoding")
	if strings.HasPrefix(contentType, "text/html") {
		hdr.Set("Content-Security-Policy", pageCSP)
		hdr.Set("Referrer-Policy", "same-origin")
	}
	gz := acceptsGzip(r) && len(body) > 512
	if etag != "" {
		if gz {
			hdr.Set("ETag", `"`+etag+`-gzip"`)
		} else {
			hdr.Set("ETag", `"`+etag+`"`)
		}
	}
	if !modified.IsZero() {
		hdr.Set("Last-Modified", modified.Format(http.TimeFormat))
	}
	if status == http.StatusOK && etag != "" && notModified(r, etag, modified) {
		delete(hdr, "Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if gz {
		hdr.Set("Content-Encoding", "gzip")
		w.WriteHeader(status)
		if r.Method == http.MethodHead {
			return
		}
		zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
		_, _ = zw.Write(body)
		_ = zw.Close()
		return
	}
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

func (h *Handler) asset(w http.ResponseWriter, r *http.Request, name string) {
	a, ok := portal.LookupAsset(name)
	if !ok {
		h.notFound(w, r, nil)
		return
	}
	h.sendBytes(w, r, http.StatusOK, a.ContentType, a.Body, a.SHA256[:32], time.Time{}, cacheImmutable)
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request, latest *release.Manifest) {
	body, err := h.site.NotFound(latest)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	h.sendBytes(w, r, http.StatusNotFound, "text/html; charset=utf-8", body, "", time.Time{}, "no-store")
}

// changelogJSON lists every release with its changes, newest first.
func (h *Handler) changelogJSON(w http.ResponseWriter, r *http.Request, versions []string, latest *release.Manifest) {
	type entry struct {
		Version       string           `json:"version"`
		ReferenceDate string           `json:"referenceDate"`
		BuiltAt       time.Time        `json:"builtAt"`
		Previous      string           `json:"previous,omitempty"`
		Datasets      map[string]int   `json:"rows"`
		Changes       []release.Change `json:"changes"`
		// The whole release: its manifest, the signature over it and the
		// key that made it (none before signing), and its zip bundle.
		Manifest       string `json:"manifest"`
		Signature      string `json:"signature,omitempty"`
		KeyFingerprint string `json:"keyFingerprint,omitempty"`
		Bundle         string `json:"bundle,omitempty"`
		// FilesRemoved: retention removed the data files and the bundle;
		// the manifest and its signature remain.
		FilesRemoved bool `json:"filesRemoved,omitempty"`
	}
	out := []entry{}
	for _, m := range h.history(versions) {
		links := portal.LinksOf(m)
		e := entry{Version: m.Version, ReferenceDate: m.ReferenceDate, BuiltAt: m.BuiltAt, Previous: m.Previous,
			Datasets: map[string]int{}, Changes: make([]release.Change, len(m.Changes)),
			Manifest: h.opt.BaseURL + links.Manifest, KeyFingerprint: links.KeyFingerprint}
		if links.Signature != "" {
			e.Signature = h.opt.BaseURL + links.Signature
		}
		if h.isPruned(m.Version) {
			e.FilesRemoved = true
		} else if links.Bundle != "" {
			e.Bundle = h.opt.BaseURL + links.Bundle
		}
		for i, c := range m.Changes {
			c.Rows = nil // the rows themselves are in each dataset's changes.json
			e.Changes[i] = c
		}
		for _, d := range m.Datasets {
			e.Datasets[d.ID] = d.Rows
		}
		out = append(out, e)
	}
	h.sendJSON(w, r, out, latest)
}

// changesJSON serves datasets/<id>/changes.json: what changed in the
// dataset in every release that holds it, newest first — counts, and for
// the public registers the rows added, removed and changed — with the
// plain-text summary (docs/opendata.md, "What changed between releases").
func (h *Handler) changesJSON(w http.ResponseWriter, r *http.Request, id string, versions []string, latest *release.Manifest) {
	type entry struct {
		release.DatasetChanges
		Text dataset.Text `json:"text"`
	}
	out := []entry{}
	for _, m := range h.history(versions) {
		if s, ok := release.Summary(m, id); ok {
			out = append(out, entry{DatasetChanges: s, Text: s.Text()})
		}
	}
	h.sendJSON(w, r, out, latest)
}

// sendJSON sends a document about the release history: readable from any
// page, cached like the latest release's documents.
func (h *Handler) sendJSON(w http.ResponseWriter, r *http.Request, v any, latest *release.Manifest) {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		http.Error(w, "document unavailable", http.StatusInternalServerError)
		return
	}
	sum := sha256.Sum256(body)
	var modified time.Time
	if latest != nil {
		modified = latest.BuiltAt.UTC().Truncate(time.Second)
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	h.sendBytes(w, r, http.StatusOK, "application/json", append(body, '\n'), hex.EncodeToString(sum[:16]), modified, cacheLatest)
}

// zeroSuffixRange reports whether a Range header asks only for suffixes of
// zero bytes, which RFC 9110 makes unsatisfiable.
func zeroSuffixRange(h string) bool {
	spec, ok := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !ok {
		return false
	}
	for _, r := range strings.Split(spec, ",") {
		if n, ok := strings.CutPrefix(strings.TrimSpace(r), "-"); !ok || strings.Trim(n, "0") != "" || n == "" {
			return false
		}
	}
	return true
}
