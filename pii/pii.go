// Package pii protects personal data at rest and on the way out: ID
// document numbers are AES-GCM encrypted with a keyed hash beside them for
// de-duplication, phones are masked, and partners get stable pseudonyms
// instead of identities. All keys derive from one secret
// (TONGXING_SECRET_KEY).
package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// MinKeyBytes is the shortest secret accepted.
const MinKeyBytes = 32

// idAAD binds ciphertexts to their purpose and format version, so a
// ciphertext cannot be replayed into another field.
var idAAD = []byte("tongxing/id-number/v1")

// Keys holds the keys derived from the secret.
type Keys struct {
	aead      cipher.AEAD
	idHash    []byte
	pseudonym []byte
}

// NewKeys derives the working keys from secret (at least MinKeyBytes).
func NewKeys(secret []byte) (*Keys, error) {
	if len(secret) < MinKeyBytes {
		return nil, fmt.Errorf("secret key must be at least %d bytes", MinKeyBytes)
	}
	block, err := aes.NewCipher(derive(secret, "id-number/encryption"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Keys{aead: aead, idHash: derive(secret, "id-number/hash"), pseudonym: derive(secret, "partner/pseudonym")}, nil
}

func derive(secret []byte, label string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("tongxing/" + label))
	return m.Sum(nil)
}

// NormalizeIDNumber trims and upper-cases an ID number (the X check digit).
func NormalizeIDNumber(id string) string { return strings.ToUpper(strings.TrimSpace(id)) }

// SealIDNumber encrypts an ID number and returns it with its keyed hash.
func (k *Keys) SealIDNumber(id string) (ciphertext []byte, hash string, err error) {
	id = NormalizeIDNumber(id)
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, "", err
	}
	return k.aead.Seal(nonce, nonce, []byte(id), idAAD), k.IDNumberHash(id), nil
}

// ErrCiphertext means a stored ciphertext is damaged or from another key.
var ErrCiphertext = errors.New("cannot decrypt: wrong key or damaged data")

// OpenIDNumber decrypts what SealIDNumber produced.
func (k *Keys) OpenIDNumber(ciphertext []byte) (string, error) {
	n := k.aead.NonceSize()
	if len(ciphertext) < n {
		return "", ErrCiphertext
	}
	plain, err := k.aead.Open(nil, ciphertext[:n], ciphertext[n:], idAAD)
	if err != nil {
		return "", ErrCiphertext
	}
	return string(plain), nil
}

// IDNumberHash is the keyed hash used to find duplicates without decrypting.
func (k *Keys) IDNumberHash(id string) string {
	m := hmac.New(sha256.New, k.idHash)
	m.Write([]byte(NormalizeIDNumber(id)))
	return hex.EncodeToString(m.Sum(nil))
}

var pseudonymEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Pseudonym is the stable name partner sees for person: the same for one
// partner every time, unrelated between partners, and not reversible
// without the secret.
func (k *Keys) Pseudonym(partnerID, personID int) string {
	m := hmac.New(sha256.New, k.pseudonym)
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(partnerID))
	binary.BigEndian.PutUint64(buf[8:], uint64(personID))
	m.Write(buf[:])
	return "P-" + pseudonymEncoding.EncodeToString(m.Sum(nil)[:10])
}

// MaskPhone keeps the first three and last four digits: 138****1234.
func MaskPhone(phone string) string {
	if !utf8.ValidString(phone) {
		return "****"
	}
	r := []rune(strings.TrimSpace(phone))
	if len(r) < 8 {
		return "****"
	}
	return string(r[:3]) + "****" + string(r[len(r)-4:])
}

// idWeights are the GB 11643 weights of the first 17 digits.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idChecks = "10X98765432"

// IDNumberCheck returns the GB 11643-1999 check character of the first 17
// digits of a resident ID number.
func IDNumberCheck(first17 string) (byte, bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		sum += int(c-'0') * idWeights[i]
	}
	return idChecks[sum%11], true
}

// ValidIDNumber reports whether id is an 18-character resident ID number
// with a correct check character.
func ValidIDNumber(id string) bool {
	id = NormalizeIDNumber(id)
	if len(id) != 18 {
		return false
	}
	c, ok := IDNumberCheck(id[:17])
	return ok && c == id[17]
}

// ParseKey reads a secret given as base64 (standard or URL) or hex.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, dec := range []func(string) ([]byte, error){
		hex.DecodeString, base64.StdEncoding.DecodeString, base64.RawStdEncoding.DecodeString,
		base64.URLEncoding.DecodeString, base64.RawURLEncoding.DecodeString,
	} {
		if b, err := dec(s); err == nil && len(b) >= MinKeyBytes {
			return b, nil
		}
	}
	return nil, fmt.Errorf("want at least %d random bytes, base64 or hex encoded (e.g. openssl rand -base64 32)", MinKeyBytes)
}

// LoadOrCreateKeyFile reads the secret in path, creating it (mode 0600)
// with a fresh random key when it does not exist. It serves the embedded
// zero-setup mode only; production passes TONGXING_SECRET_KEY.
func LoadOrCreateKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return ParseKey(string(b))
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	key := make([]byte, MinKeyBytes)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
		return nil, err
	}
	return key, f.Sync()
}
