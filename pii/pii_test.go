package pii

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testKeys(t testing.TB, seed byte) *Keys {
	k, err := NewKeys(bytes.Repeat([]byte{seed}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpen(t *testing.T) {
	k := testKeys(t, 1)
	ct, hash, err := k.SealIDNumber(" 33041119900101123x ")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(ct, []byte("330411")) {
		t.Fatal("ciphertext contains the plaintext")
	}
	got, err := k.OpenIDNumber(ct)
	if err != nil || got != "33041119900101123X" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	ct2, hash2, _ := k.SealIDNumber("33041119900101123X")
	if bytes.Equal(ct, ct2) {
		t.Error("two seals of one number are equal: nonce reuse")
	}
	if hash != hash2 {
		t.Error("hash differs for the same number")
	}
	if _, err := testKeys(t, 2).OpenIDNumber(ct); err != ErrCiphertext {
		t.Errorf("other key opened it: %v", err)
	}
	ct[len(ct)-1] ^= 1
	if _, err := k.OpenIDNumber(ct); err != ErrCiphertext {
		t.Errorf("tampered ciphertext opened: %v", err)
	}
	if _, err := k.OpenIDNumber([]byte{1, 2}); err != ErrCiphertext {
		t.Errorf("short ciphertext: %v", err)
	}
}

func TestPseudonym(t *testing.T) {
	k := testKeys(t, 1)
	a1, a2, b := k.Pseudonym(10, 99), k.Pseudonym(10, 99), k.Pseudonym(11, 99)
	if a1 != a2 || a1 == b || k.Pseudonym(10, 98) == a1 || !strings.HasPrefix(a1, "P-") {
		t.Errorf("pseudonyms %q %q %q", a1, a2, b)
	}
	if testKeys(t, 2).Pseudonym(10, 99) == a1 {
		t.Error("pseudonym does not depend on the secret")
	}
}

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{"13812341234": "138****1234", "12": "****", "": "****", "\xff\xfe1234567": "****"} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIDNumber(t *testing.T) {
	c, ok := IDNumberCheck("11010519491231002")
	if !ok || c != 'X' || !ValidIDNumber("11010519491231002x") || ValidIDNumber("110105194912310021") || ValidIDNumber("1101051949") {
		t.Errorf("GB 11643 check: %c %v", c, ok)
	}
}

func TestKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "secret.key")
	k1, err := LoadOrCreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := LoadOrCreateKeyFile(path)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("key changed between loads: %v", err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", st.Mode().Perm())
	}
	if _, err := ParseKey("short"); err == nil {
		t.Error("short key accepted")
	}
}

func FuzzOpenIDNumber(f *testing.F) {
	k := testKeys(f, 1)
	ct, _, _ := k.SealIDNumber("330411199001011234")
	f.Add(ct)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = k.OpenIDNumber(b) // must never panic
	})
}
