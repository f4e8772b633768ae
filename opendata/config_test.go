package opendata

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/signing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadConfigDefaults(t *testing.T) {
	c, err := LoadConfig(env(nil), []byte("server-secret-key-0123456789abcdef"), "/var/lib/tongxing")
	if err != nil {
		t.Fatal(err)
	}
	if c.Dir != filepath.Join("/var/lib/tongxing", DefaultDirName) || c.K != 10 || c.Schedule != 24*time.Hour || c.BaseURL != "" {
		t.Errorf("defaults %+v", c)
	}
	if len(c.Secret) != 32 || bytes.Contains(c.Secret, []byte("server-secret")) {
		t.Errorf("derived secret %x", c.Secret)
	}
	again, _ := LoadConfig(env(nil), []byte("server-secret-key-0123456789abcdef"), "")
	if !bytes.Equal(again.Secret, c.Secret) || again.Dir != DefaultDirName {
		t.Errorf("the derived secret must be stable: %x vs %x; dir %q", again.Secret, c.Secret, again.Dir)
	}
	other, _ := LoadConfig(env(nil), []byte("another-server-secret-0123456789"), "")
	if bytes.Equal(other.Secret, c.Secret) {
		t.Error("different server secrets derive the same cell-key secret")
	}
	// The signing key is derived too: stable, apart from the cell-key
	// secret, and different for another server secret.
	if c.SigningKey == nil || again.SigningKey == nil || other.SigningKey == nil {
		t.Fatal("no derived signing key")
	}
	fp := c.SigningKey.Public().Fingerprint()
	if again.SigningKey.Public().Fingerprint() != fp || other.SigningKey.Public().Fingerprint() == fp {
		t.Error("the derived signing key is not stable, or two server secrets derive the same key")
	}
	if derived, _ := signing.Derive(c.Secret); derived.Public().Fingerprint() == fp {
		t.Error("the signing key is derived like the cell-key secret")
	}
}

// openssl genpkey -algorithm ed25519
const testSigningKey = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIFMYAwlUJz412Y9BCrdyf+BPMuP/DEqB379zp78gvLCg
-----END PRIVATE KEY-----
`

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadConfigVariables(t *testing.T) {
	c, err := LoadConfig(env(map[string]string{
		"TONGXING_OPENDATA_DIR":              "/srv/od",
		"TONGXING_OPENDATA_K":                "15",
		"TONGXING_OPENDATA_SECRET":           "a-long-enough-secret",
		"TONGXING_OPENDATA_INTERVAL":         "6h",
		"TONGXING_PUBLIC_URL":                "https://api.example.org/",
		"TONGXING_OPENDATA_BASE_URL":         "https://data.example.org/",
		"TONGXING_OPENDATA_DISTRICT":         "330411",
		"TONGXING_OPENDATA_PUBLISHER":        "秀洲区民政局 | Xiuzhou Civil Affairs Bureau",
		"TONGXING_OPENDATA_CHILD_DOMAINS":    "childcare, youth",
		"TONGXING_OPENDATA_CHILD_INDICATORS": "children-served",
		"TONGXING_OPENDATA_SIGNING_KEY":      writeFile(t, "signing.pem", testSigningKey),
		"TONGXING_OPENDATA_KEEP":             "30",
	}), nil, "")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := signing.Parse([]byte(testSigningKey))
	if c.SigningKey == nil || c.SigningKey.Public().Fingerprint() != want.Public().Fingerprint() {
		t.Errorf("signing key %v, want the file's %v", c.SigningKey, want)
	}
	if c.Dir != "/srv/od" || c.K != 15 || string(c.Secret) != "a-long-enough-secret" || c.Schedule != 6*time.Hour ||
		c.BaseURL != "https://data.example.org" || c.District != "330411" || c.Publisher.Zh != "秀洲区民政局" ||
		c.Publisher.En != "Xiuzhou Civil Affairs Bureau" || strings.Join(c.ChildDomains, ",") != "childcare,youth" ||
		strings.Join(c.ChildIndicators, ",") != "children-served" || c.Keep != 30 {
		t.Errorf("config %+v", c)
	}
	if c, _ := LoadConfig(env(map[string]string{"TONGXING_PUBLIC_URL": "http://localhost:8080"}), []byte("x"), ""); c.BaseURL != "http://localhost:8080" {
		t.Errorf("BaseURL from TONGXING_PUBLIC_URL: %q", c.BaseURL)
	}
	if c, _ := LoadConfig(env(map[string]string{"TONGXING_OPENDATA_INTERVAL": "0"}), []byte("x"), ""); c.Schedule != 0 {
		t.Errorf("interval 0: %v", c.Schedule)
	}
}

func TestLoadConfigRefusesBadValues(t *testing.T) {
	_, err := LoadConfig(env(map[string]string{
		"TONGXING_OPENDATA_K":        "4",
		"TONGXING_OPENDATA_SECRET":   "short",
		"TONGXING_OPENDATA_INTERVAL": "5s",
		"TONGXING_OPENDATA_BASE_URL": "data.example.org",
		"TONGXING_OPENDATA_DISTRICT": "33x411",
		"TONGXING_OPENDATA_KEEP":     "-1",
	}), nil, "")
	if err == nil {
		t.Fatal("bad values accepted")
	}
	for _, name := range []string{"TONGXING_OPENDATA_K", "TONGXING_OPENDATA_SECRET", "TONGXING_OPENDATA_INTERVAL", "TONGXING_OPENDATA_BASE_URL", "TONGXING_OPENDATA_DISTRICT",
		"TONGXING_OPENDATA_KEEP"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
	// A signing key file that is missing, not a key, or not Ed25519 stops
	// start-up with a message naming the variable and what is wrong.
	rsaPEM := func() string {
		k, _ := rsa.GenerateKey(rand.Reader, 2048)
		der, _ := x509.MarshalPKCS8PrivateKey(k)
		return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	}
	for _, tt := range []struct{ name, path, want string }{
		{"missing", filepath.Join(t.TempDir(), "nope.pem"), "no such file"},
		{"not PEM", writeFile(t, "key.pem", "not a key"), "not a PEM file"},
		{"RSA", writeFile(t, "rsa.pem", rsaPEM()), "RSA key; want Ed25519"},
	} {
		_, err := LoadConfig(env(map[string]string{"TONGXING_OPENDATA_SIGNING_KEY": tt.path}), []byte("server-secret-key-0123456789abcdef"), "")
		if err == nil || !strings.Contains(err.Error(), "TONGXING_OPENDATA_SIGNING_KEY") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s key file: %v", tt.name, err)
		}
	}
	if _, err := LoadConfig(env(nil), nil, ""); err == nil || !strings.Contains(err.Error(), "TONGXING_OPENDATA_SECRET") {
		t.Errorf("no secret at all: %v", err)
	}
}

// TestDocsDescribeEveryField keeps docs/opendata.md in step with the
// dataset definitions and the configuration.
func TestDocsDescribeEveryField(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docs", "opendata.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, d := range dataset.All() {
		if !strings.Contains(doc, "### `"+d.ID+"`") {
			t.Errorf("docs/opendata.md has no section for %s", d.ID)
		}
		for _, f := range d.Fields {
			if !strings.Contains(doc, "| `"+f.Name+"` |") {
				t.Errorf("docs/opendata.md does not describe %s.%s", d.ID, f.Name)
			}
		}
	}
	for _, v := range []string{"TONGXING_OPENDATA_DIR", "TONGXING_OPENDATA_K", "TONGXING_OPENDATA_SECRET", "TONGXING_OPENDATA_INTERVAL",
		"TONGXING_OPENDATA_BASE_URL", "TONGXING_OPENDATA_DISTRICT", "TONGXING_OPENDATA_PUBLISHER", "TONGXING_OPENDATA_CHILD_DOMAINS",
		"TONGXING_OPENDATA_CHILD_INDICATORS", "TONGXING_OPENDATA_SIGNING_KEY", "TONGXING_OPENDATA_KEEP"} {
		if !strings.Contains(doc, "| `"+v+"` |") {
			t.Errorf("docs/opendata.md does not document %s", v)
		}
	}
}
