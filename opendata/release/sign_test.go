package release_test

import (
	"bytes"
	"crypto/ed25519"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tongxing/tongxing/opendata/internal/fixture"
	"github.com/tongxing/tongxing/opendata/release"
	"github.com/tongxing/tongxing/opendata/signing"
)

// TestSignedRelease: a release's manifest carries the signing key's
// fingerprint and is signed, raw and as an SSH signature; the signature
// verifies with crypto/ed25519 and with the standard tools exactly as the
// portal tells readers to run them, and fails on a changed manifest; a
// changed data file fails the manifest's SHA-256. After the signing key is
// replaced, both public keys are kept and each release verifies against
// its own.
func TestSignedRelease(t *testing.T) {
	dir := t.TempDir()
	first := build(t, dir, fixture.Now)
	m := first.Manifest
	fp := fixture.SigningKey.Public().Fingerprint()
	if s := m.Signature; s == nil || s.Algorithm != "Ed25519" || s.KeyFingerprint != fp || s.Key != "signing-keys/"+fp+".pem" ||
		strings.Join(s.Files, ",") != "manifest.json.sig,manifest.json.sshsig" || s.SSHNamespace != signing.SSHNamespace {
		t.Fatalf("manifest signature %+v", m.Signature)
	}
	keyFile := filepath.Join(dir, "signing-keys", fp+".pem")
	if b, err := os.ReadFile(keyFile); err != nil || !bytes.Equal(b, fixture.SigningKey.Public().PEM()) {
		t.Fatalf("public key file: %v", err)
	}
	manifest := filepath.Join(first.Dir, release.ManifestFile)
	body, _ := os.ReadFile(manifest)
	sig, _ := os.ReadFile(filepath.Join(first.Dir, release.SignatureFile))
	if len(sig) != ed25519.SignatureSize || !ed25519.Verify(ed25519.PublicKey(fixture.SigningKey.Public()), body, sig) {
		t.Fatal("manifest.json.sig is no Ed25519 signature over manifest.json")
	}
	if err := release.Verify(dir, m.Version, nil); err != nil {
		t.Fatalf("Verify: %v", err)
	}

	// A manifest with one digest changed, and a data file with one byte
	// changed, in a copy of the release.
	tamperedDir := t.TempDir()
	if err := os.CopyFS(tamperedDir, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	csv := m.Datasets[0].Files[0]
	tamperedManifest := filepath.Join(tamperedDir, m.Version, release.ManifestFile)
	if err := os.WriteFile(tamperedManifest, bytes.Replace(body, []byte(csv.SHA256), []byte(strings.Repeat("0", 64)), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := release.Verify(tamperedDir, m.Version, nil); err == nil || !strings.Contains(err.Error(), "signature does not verify") {
		t.Errorf("a changed manifest: %v", err)
	}
	if err := os.WriteFile(tamperedManifest, body, 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(tamperedDir, m.Version, filepath.FromSlash(csv.Path))
	b, _ := os.ReadFile(data)
	b[len(b)-3] ^= 1
	if err := os.WriteFile(data, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := release.Verify(tamperedDir, m.Version, nil); err == nil || !strings.Contains(err.Error(), csv.Path) {
		t.Errorf("a changed data file: %v", err)
	}

	t.Run("openssl", func(t *testing.T) {
		if _, err := exec.LookPath("openssl"); err != nil {
			t.Skip("openssl not installed: skipping the check with the standard tool")
		}
		run := func(manifest string) (string, error) {
			out, err := exec.Command("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", keyFile, "-rawin",
				"-in", manifest, "-sigfile", filepath.Join(first.Dir, release.SignatureFile)).CombinedOutput()
			return string(out), err
		}
		if out, err := run(manifest); err != nil || !strings.Contains(out, "Signature Verified Successfully") {
			t.Errorf("openssl: %v\n%s", err, out)
		}
		bad := filepath.Join(t.TempDir(), "manifest.json")
		_ = os.WriteFile(bad, bytes.Replace(body, []byte(csv.SHA256), []byte(strings.Repeat("0", 64)), 1), 0o644)
		if out, err := run(bad); err == nil || strings.Contains(out, "Verified Successfully") {
			t.Errorf("openssl verified a changed manifest: %s", out)
		}
		// The documented fingerprint command gives the manifest's.
		der, err := exec.Command("openssl", "pkey", "-pubin", "-in", keyFile, "-outform", "DER").Output()
		if err != nil || signing.PublicKey(ed25519.PublicKey(der[len(der)-32:])).Fingerprint() != fp {
			t.Errorf("openssl pkey -outform DER: %v", err)
		}
	})
	t.Run("ssh-keygen", func(t *testing.T) {
		if _, err := exec.LookPath("ssh-keygen"); err != nil {
			t.Skip("ssh-keygen not installed: skipping the check with the standard tool")
		}
		signers := filepath.Join(t.TempDir(), "allowed_signers")
		_ = os.WriteFile(signers, []byte(fixture.SigningKey.Public().AllowedSigner()+"\n"), 0o644)
		in, _ := os.Open(manifest)
		defer in.Close()
		cmd := exec.Command("ssh-keygen", "-Y", "verify", "-f", signers, "-I", signing.SSHNamespace, "-n", signing.SSHNamespace,
			"-s", filepath.Join(first.Dir, release.SSHSignatureFile))
		cmd.Stdin = in
		if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "Good") {
			t.Errorf("ssh-keygen: %v\n%s", err, out)
		}
	})

	t.Run("a new signing key", func(t *testing.T) {
		opt := options(t, dir)
		opt.SigningKey = signing.Generate()
		// The next day's release: the tables gain a month.
		next, err := release.Build(t.Context(), db.Client, opt, fixture.Now.AddDate(0, 0, 1))
		if err != nil || !next.Created {
			t.Fatalf("next release: %v", err)
		}
		newFP := opt.SigningKey.Public().Fingerprint()
		if next.Manifest.Signature.KeyFingerprint != newFP {
			t.Errorf("signed by %s, want the new key %s", next.Manifest.Signature.KeyFingerprint, newFP)
		}
		keys, err := release.Keys(dir)
		if err != nil || len(keys) != 2 {
			t.Fatalf("keys kept: %d (%v)", len(keys), err)
		}
		for _, v := range []string{m.Version, next.Manifest.Version} {
			if err := release.Verify(dir, v, nil); err != nil {
				t.Errorf("release %s: %v", v, err)
			}
		}
		if err := release.Verify(dir, m.Version, opt.SigningKey.Public()); err == nil {
			t.Error("the old release verified against the new key")
		}
	})

	if _, err := release.Build(t.Context(), db.Client, func() release.Options {
		o := options(t, t.TempDir())
		o.SigningKey = nil
		return o
	}(), fixture.Now); err == nil || !strings.Contains(err.Error(), "signing key") {
		t.Errorf("a build without a signing key: %v", err)
	}
}
