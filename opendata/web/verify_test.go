package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tongxing/tongxing/opendata/internal/fixture"
	"github.com/tongxing/tongxing/opendata/release"
	"github.com/tongxing/tongxing/opendata/signing"
	"github.com/tongxing/tongxing/opendata/web"
)

var codeBlock = regexp.MustCompile(`(?s)<pre class="command"><code>(.*?)</code></pre>`)

// TestVerifyPage follows the verify page as a reader would: it downloads
// the files the page links to, and runs the page's own commands in a shell
// — openssl, sha256sum, ssh-keygen — in the folder they went to. Each must
// say the release verifies; after a byte of the manifest is changed, the
// signature must not. Skipped without openssl (the Go checks still run).
func TestVerifyPage(t *testing.T) {
	srv := newServer(t, releasesDir)
	page := get(t, srv, "/opendata/verify")
	body := string(page.body)
	fp := fixture.SigningKey.Public().Fingerprint()
	for _, want := range []string{"验证数据", "Verify a release", fp, "-----BEGIN PUBLIC KEY-----",
		"openssl pkeyutl -verify -pubin -inkey tongxing-signing-key.pem -rawin -in manifest.json -sigfile manifest.json.sig",
		"ssh-keygen -Y verify -f allowed_signers -I tongxing-opendata -n tongxing-opendata -s manifest.json.sshsig &lt; manifest.json",
		"sha256sum tongxing-district-summary-" + latestVersion + ".csv", "tongxing-opendata-" + latestVersion + ".zip",
		"更换密钥", "When the key changes", "/opendata/signing-keys/" + fp + ".pem"} {
		if !strings.Contains(body, want) {
			t.Errorf("the verify page lacks %q", want)
		}
	}

	// Download what the page links to, under the names it gives.
	dir := t.TempDir()
	fetch := func(url, name string) []byte {
		r := get(t, srv, url)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: %d", url, r.status)
		}
		if err := os.WriteFile(filepath.Join(dir, name), r.body, 0o644); err != nil {
			t.Fatal(err)
		}
		return r.body
	}
	links := regexp.MustCompile(`<a href="([^"]+)" download="([^"]+)"`).FindAllStringSubmatch(body, -1)
	got := map[string]bool{}
	for _, l := range links {
		fetch(html.UnescapeString(l[1]), l[2])
		got[l[2]] = true
	}
	for _, name := range []string{"manifest.json", "manifest.json.sig", "manifest.json.sshsig", "tongxing-signing-key.pem", "allowed_signers",
		release.BundleName(latestVersion)} {
		if !got[name] {
			t.Errorf("the page links no %s", name)
		}
	}
	example := release.DownloadName("district-summary", latestVersion, "csv")
	fetch("/opendata/datasets/district-summary/latest.csv", example)

	// The same bytes as in the release, and they verify in Go.
	manifest, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	onDisk, _ := os.ReadFile(filepath.Join(releasesDir, latestVersion, release.ManifestFile))
	sig, _ := os.ReadFile(filepath.Join(dir, "manifest.json.sig"))
	keyPEM, _ := os.ReadFile(filepath.Join(dir, "tongxing-signing-key.pem"))
	key, err := signing.ParsePublicPEM(keyPEM)
	if err != nil || !bytes.Equal(manifest, onDisk) || !key.Verify(manifest, sig) || key.Fingerprint() != fp {
		t.Fatalf("downloaded manifest, signature and key do not verify (%v)", err)
	}

	// Unpack the bundle as the page's last block expects.
	zb, _ := os.ReadFile(filepath.Join(dir, release.BundleName(latestVersion)))
	zr, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed: skipping the page's commands")
	}
	blocks := codeBlock.FindAllStringSubmatch(body, -1)
	if len(blocks) < 5 {
		t.Fatalf("%d command blocks on the page", len(blocks))
	}
	run := func(script string) (string, error) {
		cmd := exec.Command("sh", "-c", script)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for _, b := range blocks {
		script := html.UnescapeString(b[1])
		if strings.HasPrefix(script, "-----BEGIN") {
			continue // the key itself
		}
		if strings.HasPrefix(script, "ssh-keygen") {
			if _, err := exec.LookPath("ssh-keygen"); err != nil {
				t.Log("ssh-keygen not installed: skipping its command")
				continue
			}
		}
		out, err := run(script)
		if err != nil {
			t.Errorf("%s\n%v\n%s", script, err, out)
			continue
		}
		var ok bool
		switch {
		case strings.HasPrefix(script, "openssl pkey "):
			ok = strings.HasPrefix(out, fp)
		case strings.HasPrefix(script, "openssl pkeyutl"):
			ok = strings.Contains(out, "Signature Verified Successfully")
		case strings.HasPrefix(script, "sha256sum"):
			ok = strings.HasSuffix(strings.TrimSpace(out), "\n1")
		case strings.HasPrefix(script, "ssh-keygen"):
			ok = strings.Contains(out, `Good "tongxing-opendata" signature`)
		case strings.HasPrefix(script, "cd "):
			ok = strings.Contains(out, "Signature Verified Successfully") && !strings.Contains(out, "FAILED") &&
				strings.Count(out, "\nOK ") >= 4*11+2
		}
		if !ok {
			t.Errorf("the page's command\n%s\nprinted\n%s", script, out)
		}
		t.Logf("$ %s\n%s", script, out)
	}

	// One byte changed in the manifest: the page's openssl command fails.
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), bytes.Replace(manifest, []byte(`"k": 10`), []byte(`"k": 11`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run("openssl pkeyutl -verify -pubin -inkey tongxing-signing-key.pem -rawin -in manifest.json -sigfile manifest.json.sig"); err == nil ||
		strings.Contains(out, "Verified Successfully") {
		t.Errorf("a changed manifest verified: %s", out)
	}
}

// TestSigningKeyBeforeAnyRelease: with no release yet the configured key
// is the one served and shown, and the page says there is nothing to
// verify yet without failing.
func TestSigningKeyBeforeAnyRelease(t *testing.T) {
	k := signing.Generate()
	h, err := web.New(web.Options{Dir: filepath.Join(t.TempDir(), "none"), SigningKey: k.Public()})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(web.Prefix, h)
	srv := httptestServer(t, mux)
	if r := get(t, srv, "/opendata/signing-key.pem"); r.status != 200 || !bytes.Equal(r.body, k.Public().PEM()) {
		t.Errorf("signing-key.pem: %d", r.status)
	}
	if r := get(t, srv, "/opendata/verify"); r.status != 200 || !strings.Contains(string(r.body), k.Public().Fingerprint()) {
		t.Errorf("verify page: %d", r.status)
	}
	// Without any key: 404, and the page says so.
	none := newServer(t, filepath.Join(t.TempDir(), "none"))
	if r := get(t, none, "/opendata/signing-key.pem"); r.status != 404 {
		t.Errorf("signing-key.pem without a key: %d", r.status)
	}
	if r := get(t, none, "/opendata/verify"); r.status != 200 || !strings.Contains(string(r.body), "No signed release has been published yet") {
		t.Errorf("verify page without a key: %d", r.status)
	}
}

// TestWholeReleaseDownloads: the bundle and the signature are immutable
// files like the datasets' — strong ETag, 304, download name — and
// changelog.json points at them.
func TestWholeReleaseDownloads(t *testing.T) {
	srv := newServer(t, releasesDir)
	zipPath := "/opendata/releases/" + latestVersion + ".zip"
	r := get(t, srv, zipPath)
	stored, _ := os.ReadFile(filepath.Join(releasesDir, latestVersion, release.BundleName(latestVersion)))
	if r.status != 200 || !bytes.Equal(r.body, stored) {
		t.Fatalf("bundle: %d, %d bytes (stored %d)", r.status, len(r.body), len(stored))
	}
	if cd := r.header.Get("Content-Disposition"); cd != "attachment; filename=tongxing-opendata-"+latestVersion+".zip" {
		t.Errorf("Content-Disposition %q", cd)
	}
	if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("Cache-Control %q", cc)
	}
	if gz := do(t, srv, http.MethodGet, zipPath, map[string]string{"Accept-Encoding": "gzip"}); gz.header.Get("Content-Encoding") != "" {
		t.Error("the zip was gzipped")
	}
	if again := do(t, srv, http.MethodGet, zipPath, map[string]string{"If-None-Match": r.header.Get("ETag")}); again.status != 304 {
		t.Errorf("bundle revalidation: %d", again.status)
	}
	latest := get(t, srv, "/opendata/releases/latest.zip")
	if latest.header.Get("Link") != "<"+zipPath+`>; rel="canonical"` || latest.header.Get("Cache-Control") != "public, max-age=300" ||
		!bytes.Equal(latest.body, stored) {
		t.Errorf("latest.zip: Link %q, Cache-Control %q", latest.header.Get("Link"), latest.header.Get("Cache-Control"))
	}
	sig := get(t, srv, "/opendata/releases/"+latestVersion+"/manifest.json.sig")
	if len(sig.body) != 64 || sig.header.Get("Content-Disposition") != "attachment; filename=manifest.json.sig" {
		t.Errorf("signature: %d bytes, %q", len(sig.body), sig.header.Get("Content-Disposition"))
	}
	var log []struct {
		Version, Manifest, Signature, KeyFingerprint, Bundle string
	}
	if err := json.Unmarshal(get(t, srv, "/opendata/changelog.json").body, &log); err != nil || len(log) != 2 {
		t.Fatalf("changelog.json: %v", err)
	}
	for _, e := range log {
		if e.Bundle != "/opendata/releases/"+e.Version+".zip" || e.Manifest != "/opendata/releases/"+e.Version+"/manifest.json" ||
			e.Signature != e.Manifest+".sig" || e.KeyFingerprint != fixture.SigningKey.Public().Fingerprint() {
			t.Errorf("changelog.json entry %+v", e)
		}
		for _, u := range []string{e.Bundle, e.Manifest, e.Signature} {
			if r := get(t, srv, u); r.status != 200 {
				t.Errorf("%s: %d", u, r.status)
			}
		}
	}
	page := string(get(t, srv, "/opendata/changelog").body)
	for _, v := range []string{latestVersion, previousVersion} {
		if !strings.Contains(page, `href="/opendata/releases/`+v+`.zip"`) || !strings.Contains(page, `href="/opendata/releases/`+v+`/manifest.json.sig"`) {
			t.Errorf("the changelog does not link %s's bundle and signature", v)
		}
	}
}

func httptestServer(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// TestReleaseBeforeSigning: a release built before signing and bundles
// (its manifest has neither) is served as before — manifest and files —
// with no signature, no zip, and pages that say it is not signed instead
// of linking what does not exist.
func TestReleaseBeforeSigning(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(releasesDir)); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(dir, previousVersion)
	b, _ := os.ReadFile(filepath.Join(old, release.ManifestFile))
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "signature")
	delete(m, "bundle")
	b, _ = json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(old, release.ManifestFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{release.SignatureFile, release.SSHSignatureFile, release.BundleName(previousVersion)} {
		if err := os.Remove(filepath.Join(old, f)); err != nil {
			t.Fatal(err)
		}
	}
	srv := newServer(t, dir)
	for path, status := range map[string]int{
		"/opendata/releases/" + previousVersion + "/manifest.json":     200,
		"/opendata/datasets/projects/" + previousVersion + ".csv":      200,
		"/opendata/releases/" + previousVersion + "/manifest.json.sig": 404,
		"/opendata/releases/" + previousVersion + ".zip":               404,
		"/opendata/releases/" + latestVersion + ".zip":                 200,
	} {
		if r := get(t, srv, path); r.status != status {
			t.Errorf("%s: %d, want %d", path, r.status, status)
		}
	}
	page := string(get(t, srv, "/opendata/changelog").body)
	if strings.Contains(page, `href="/opendata/releases/`+previousVersion+`.zip"`) || !strings.Contains(page, "not signed (built before signing)") {
		t.Error("the changelog links a zip that does not exist, or does not say the release is unsigned")
	}
	if v := string(get(t, srv, "/opendata/verify").body); !strings.Contains(v, "1 releases built before signing are not signed") {
		t.Error("the verify page does not list the unsigned release")
	}
	var log []struct{ Version, Signature, Bundle string }
	_ = json.Unmarshal(get(t, srv, "/opendata/changelog.json").body, &log)
	for _, e := range log {
		if e.Version == previousVersion && (e.Signature != "" || e.Bundle != "") {
			t.Errorf("changelog.json names a signature or zip of the unsigned release: %+v", e)
		}
	}
}
