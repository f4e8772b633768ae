package signing

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// opensslKey is a key `openssl genpkey -algorithm ed25519` wrote.
const opensslKey = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIFMYAwlUJz412Y9BCrdyf+BPMuP/DEqB379zp78gvLCg
-----END PRIVATE KEY-----
`

// opensslPub is its public half, as `openssl pkey -pubout` wrote it.
const opensslPub = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAX6Iruz59g5jnnIdBMROTSECusvf9/A+iCXXjV49vYcU=
-----END PUBLIC KEY-----
`

func TestDerive(t *testing.T) {
	a, err := Derive([]byte("server-secret-key-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Derive([]byte("server-secret-key-0123456789abcdef"))
	other, _ := Derive([]byte("another-server-secret-0123456789"))
	if a.Public().Fingerprint() != again.Public().Fingerprint() {
		t.Error("the derived key is not stable")
	}
	if a.Public().Fingerprint() == other.Public().Fingerprint() {
		t.Error("two secrets derive the same key")
	}
	if _, err := Derive(nil); err == nil {
		t.Error("derived a key from no secret")
	}
}

func TestParseOpenSSLKey(t *testing.T) {
	k, err := Parse([]byte(opensslKey))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(k.Public().PEM()); got != opensslPub {
		t.Errorf("public PEM\n%s\nwant what openssl writes\n%s", got, opensslPub)
	}
	pub, err := ParsePublicPEM([]byte(opensslPub))
	if err != nil || pub.Fingerprint() != k.Public().Fingerprint() {
		t.Errorf("ParsePublicPEM: %v", err)
	}
	msg := []byte("manifest bytes\n")
	sig := k.Sign(msg)
	if len(sig) != 64 || !pub.Verify(msg, sig) || pub.Verify([]byte("manifest bytes \n"), sig) {
		t.Error("signature does not verify, or verifies a changed message")
	}
}

// TestKeyIsNeverPrinted: a configuration printed in a log or a test
// failure shows the fingerprint, never the private key.
func TestKeyIsNeverPrinted(t *testing.T) {
	k, _ := Parse([]byte(opensslKey))
	type config struct {
		Dir string
		Key *Key
	}
	c := config{Dir: "x", Key: k}
	j, _ := json.Marshal(c)
	for _, s := range []string{fmt.Sprint(k), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), string(j)} {
		if !strings.Contains(s, k.Public().Fingerprint()) {
			t.Errorf("%q does not name the key by its fingerprint", s)
		}
		for _, secret := range [][]byte{k.priv, k.priv.Seed()} {
			if bytes.Contains([]byte(s), secret) || strings.Contains(s, fmt.Sprint(secret)) || strings.Contains(s, fmt.Sprintf("%x", secret)) {
				t.Errorf("%q shows the private key", s)
			}
		}
	}
}

func TestParseRefusesOtherKeys(t *testing.T) {
	pkcs8 := func(k any) string {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	}
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	xKey, _ := ecdh.X25519().GenerateKey(rand.Reader)
	for _, tt := range []struct {
		name, file, want string
	}{
		{"empty", "", "not a PEM file"},
		{"text", "hello", "not a PEM file"},
		{"RSA", pkcs8(rsaKey), "RSA key; want Ed25519"},
		{"ECDSA", pkcs8(ecKey), "ECDSA key; want Ed25519"},
		{"X25519", pkcs8(xKey), "X25519 or ECDH key; want Ed25519"},
		{"public key", opensslPub, `"PUBLIC KEY" block`},
		{"encrypted", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", "encrypted"},
		{"OpenSSH", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", "OpenSSH key file"},
		{"garbage in the block", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "not a readable PKCS#8"},
		{"two keys", opensslKey + opensslKey, "more than one PEM block"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.pem")); err == nil {
		t.Error("a missing file loaded")
	}
}

// TestStandardToolsVerify: the raw signature verifies with
// `openssl pkeyutl -verify -rawin`, the SSH signature with
// `ssh-keygen -Y verify`, and a changed message with neither.
func TestStandardToolsVerify(t *testing.T) {
	dir := t.TempDir()
	k := Generate()
	msg := []byte("{\n  \"version\": \"2026-10-31\"\n}\n")
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	manifest := write("manifest.json", msg)
	tampered := write("tampered.json", bytes.Replace(msg, []byte("31"), []byte("30"), 1))
	sig := write("manifest.json.sig", k.Sign(msg))
	sshsig := write("manifest.json.sshsig", k.SSHSign(msg))
	key := write("key.pem", k.Public().PEM())
	signers := write("allowed_signers", []byte(k.Public().AllowedSigner()+"\n"))

	t.Run("openssl", func(t *testing.T) {
		if _, err := exec.LookPath("openssl"); err != nil {
			t.Skip("openssl not installed: skipping the check with the standard tool")
		}
		out, err := exec.Command("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", key, "-rawin", "-in", manifest, "-sigfile", sig).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Signature Verified Successfully") {
			t.Errorf("openssl: %v\n%s", err, out)
		}
		out, err = exec.Command("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", key, "-rawin", "-in", tampered, "-sigfile", sig).CombinedOutput()
		if err == nil || strings.Contains(string(out), "Verified Successfully") {
			t.Errorf("openssl verified a tampered manifest: %s", out)
		}
		// The fingerprint is what the documented command prints.
		der, err := exec.Command("openssl", "pkey", "-pubin", "-in", key, "-outform", "DER").Output()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(der, k.Public().DER()) {
			t.Error("openssl's DER of the public key differs from the one fingerprinted")
		}
	})
	t.Run("ssh-keygen", func(t *testing.T) {
		if _, err := exec.LookPath("ssh-keygen"); err != nil {
			t.Skip("ssh-keygen not installed: skipping the check with the standard tool")
		}
		verify := func(file string) (string, error) {
			cmd := exec.Command("ssh-keygen", "-Y", "verify", "-f", signers, "-I", SSHNamespace, "-n", SSHNamespace, "-s", sshsig)
			in, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			cmd.Stdin = in
			out, err := cmd.CombinedOutput()
			return string(out), err
		}
		if out, err := verify(manifest); err != nil || !strings.Contains(out, `Good "`+SSHNamespace+`" signature`) {
			t.Errorf("ssh-keygen: %v\n%s", err, out)
		}
		if out, err := verify(tampered); err == nil {
			t.Errorf("ssh-keygen verified a tampered manifest: %s", out)
		}
	})
}

func TestValidFingerprint(t *testing.T) {
	fp := Generate().Public().Fingerprint()
	for s, want := range map[string]bool{fp: true, strings.ToUpper(fp): false, fp[:63]: false, "../" + fp[3:]: false, "": false} {
		if ValidFingerprint(s) != want {
			t.Errorf("ValidFingerprint(%q) = %v", s, !want)
		}
	}
}
