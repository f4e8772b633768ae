package release

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tongxing/tongxing/opendata/signing"
)

// signatureOf is what a manifest signed with key says about its signature.
func signatureOf(key *signing.Key) *Signature {
	fp := key.Public().Fingerprint()
	return &Signature{Algorithm: signing.Algorithm, KeyFingerprint: fp, Key: KeyPath(fp),
		Files: []string{SignatureFile, SSHSignatureFile}, SSHNamespace: signing.SSHNamespace}
}

// writeSignatures signs the manifest's exact bytes into the build
// directory, after the manifest itself.
func (b *build) writeSignatures(manifest []byte) error {
	for _, f := range []struct {
		name string
		body []byte
	}{
		{SignatureFile, b.opt.SigningKey.Sign(manifest)},
		{SSHSignatureFile, b.opt.SigningKey.SSHSign(manifest)},
	} {
		if err := writeSynced(filepath.Join(b.tmp, f.name), f.body, 0o644); err != nil {
			return fmt.Errorf("release: %s: %w", f.name, err)
		}
	}
	return nil
}

// SaveKey keeps pub in <root>/signing-keys/<fingerprint>.pem (when not
// there already), so the key of every release stays published after the
// signing key is replaced. The build calls it before a release moves into
// place: a listed release always has its key file.
func SaveKey(root string, pub signing.PublicKey) error {
	dir := filepath.Join(root, KeysDir)
	path := filepath.Join(root, filepath.FromSlash(KeyPath(pub.Fingerprint())))
	if b, err := os.ReadFile(path); err == nil && bytes.Equal(b, pub.PEM()) {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".key-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(pub.PEM())
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// Keys returns the public keys kept under root, by fingerprint order. A
// file whose contents do not match its name is skipped: it is no key the
// build wrote.
func Keys(root string) ([]signing.PublicKey, error) {
	entries, err := os.ReadDir(filepath.Join(root, KeysDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var keys []signing.PublicKey
	for _, e := range entries {
		fp, ok := strings.CutSuffix(e.Name(), ".pem")
		if !ok || !signing.ValidFingerprint(fp) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, KeysDir, e.Name()))
		if err != nil {
			return nil, err
		}
		pub, err := signing.ParsePublicPEM(b)
		if err != nil || pub.Fingerprint() != fp {
			continue
		}
		keys = append(keys, pub)
	}
	slices.SortFunc(keys, func(a, b signing.PublicKey) int { return strings.Compare(a.Fingerprint(), b.Fingerprint()) })
	return keys, nil
}

// Verify checks a release as a reader would: the manifest's signature
// against the public key kept for the fingerprint it names (or pub, when
// given), then every file the manifest lists against its SHA-256 (of a
// pruned release, the documents that stay).
func Verify(root, version string, pub signing.PublicKey) error {
	m, err := Load(root, version)
	if err != nil {
		return err
	}
	dir := filepath.Join(root, version)
	body, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return err
	}
	if m.Signature == nil {
		return fmt.Errorf("release %s is not signed (built before releases were signed)", version)
	}
	if pub == nil {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(KeyPath(m.Signature.KeyFingerprint))))
		if err != nil {
			return fmt.Errorf("release %s: its signing key %s: %w", version, m.Signature.KeyFingerprint, err)
		}
		if pub, err = signing.ParsePublicPEM(b); err != nil {
			return err
		}
	}
	if pub.Fingerprint() != m.Signature.KeyFingerprint {
		return fmt.Errorf("release %s was signed by key %s, not %s", version, m.Signature.KeyFingerprint, pub.Fingerprint())
	}
	sig, err := os.ReadFile(filepath.Join(dir, SignatureFile))
	if err != nil {
		return err
	}
	if !pub.Verify(body, sig) {
		return fmt.Errorf("release %s: the signature does not verify: the manifest was changed", version)
	}
	files := m.Files()
	if Pruned(root, version) {
		// Retention removed the data files; the documents stay.
		files = m.Documents
	}
	for _, f := range files {
		sum, err := fileSHA256(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil {
			return err
		}
		if sum != f.SHA256 {
			return fmt.Errorf("release %s: %s does not match the manifest's SHA-256", version, f.Path)
		}
	}
	return nil
}

// Files lists every file the manifest lists: datasets' files, then the
// documents.
func (m *Manifest) Files() []File {
	var out []File
	for _, d := range m.Datasets {
		out = append(out, d.Files...)
	}
	return append(out, m.Documents...)
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeSynced writes a whole file and fsyncs it.
func writeSynced(path string, body []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	_, err = f.Write(body)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
