// Package signing holds the open-data signing key: an Ed25519 key whose
// detached signatures over each release's manifest let anyone prove, with a
// standard tool, that a file came from the district unaltered. The manifest
// lists every file's SHA-256, so one signature covers them all
// (docs/opendata.md, "Signed releases").
//
// Two encodings of one signature are produced: the raw 64 bytes that
// `openssl pkeyutl -verify -rawin` checks, and an SSH signature (the SSHSIG
// format of OpenSSH's PROTOCOL.sshsig) that `ssh-keygen -Y verify` checks.
// Only the standard library is used: the SSHSIG encoder is a few fields of
// the SSH wire format.
//
// The private key never leaves a *Key: it is not exported, not printed
// (String gives the fingerprint) and not marshalled (MarshalJSON likewise).
package signing

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Algorithm names the signature scheme in manifests.
const Algorithm = "Ed25519"

// SSHNamespace is the namespace of the SSH signatures: a signature made for
// one purpose cannot be replayed for another (PROTOCOL.sshsig). It is also
// the identity the allowed-signers file names.
const SSHNamespace = "tongxing-opendata"

// deriveLabel separates the derived signing seed from every other use of
// the server's secret key (the cell-key secret has a label of its own).
const deriveLabel = "tongxing/opendata/signing-key/v1"

// Key is a private signing key.
type Key struct {
	priv ed25519.PrivateKey
	pub  PublicKey
}

// Derive makes the signing key from the server's secret key: the Ed25519
// seed is an HMAC-SHA-256 of a fixed label under the secret, so a server
// signs with the same key on every start without any key file.
func Derive(secret []byte) (*Key, error) {
	if len(secret) == 0 {
		return nil, errors.New("signing: no secret to derive the key from")
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(deriveLabel))
	return fromPrivate(ed25519.NewKeyFromSeed(m.Sum(nil))), nil
}

// DeriveFor makes a key for another purpose from the same secret: label
// sets it apart from the open-data key and from every other label.
func DeriveFor(secret []byte, label string) (*Key, error) {
	if len(secret) == 0 || label == "" || label == deriveLabel {
		return nil, errors.New("signing: no secret, or no label of its own, to derive the key from")
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(label))
	return fromPrivate(ed25519.NewKeyFromSeed(m.Sum(nil))), nil
}

// Generate makes a new random key (tests).
func Generate() *Key {
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return fromPrivate(priv)
}

func fromPrivate(priv ed25519.PrivateKey) *Key {
	return &Key{priv: priv, pub: PublicKey(priv.Public().(ed25519.PublicKey))}
}

// Load reads a PEM PKCS#8 Ed25519 private key, as
// `openssl genpkey -algorithm ed25519 -out key.pem` writes it.
func Load(path string) (*Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

// Parse reads a PEM PKCS#8 Ed25519 private key. Its errors say what the
// file is instead, never what it holds.
func Parse(b []byte) (*Key, error) {
	block, rest := pem.Decode(b)
	if block == nil {
		return nil, errors.New("not a PEM file; want a PKCS#8 Ed25519 private key as `openssl genpkey -algorithm ed25519` writes")
	}
	if p, _ := pem.Decode(rest); p != nil {
		return nil, errors.New("more than one PEM block; want one PKCS#8 Ed25519 private key")
	}
	switch block.Type {
	case "PRIVATE KEY":
	case "ENCRYPTED PRIVATE KEY":
		return nil, errors.New("the key is encrypted; want an unencrypted PKCS#8 key (protect the file instead)")
	case "OPENSSH PRIVATE KEY":
		return nil, errors.New("an OpenSSH key file; want a PKCS#8 PEM key as `openssl genpkey -algorithm ed25519` writes")
	default:
		return nil, fmt.Errorf("a PEM %q block; want a PKCS#8 Ed25519 private key (PEM type PRIVATE KEY)", block.Type)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("not a readable PKCS#8 private key")
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("a %s key; want Ed25519 (`openssl genpkey -algorithm ed25519`)", keyKind(k))
	}
	return fromPrivate(priv), nil
}

func keyKind(k any) string {
	switch k.(type) {
	case *rsa.PrivateKey:
		return "RSA"
	case *ecdsa.PrivateKey:
		return "ECDSA"
	case *ecdh.PrivateKey:
		return "X25519 or ECDH"
	default:
		return "non-Ed25519"
	}
}

// Public is the key's public half.
func (k *Key) Public() PublicKey { return k.pub }

// Sign is the raw Ed25519 signature (64 bytes) over msg: the
// manifest.json.sig that `openssl pkeyutl -verify -rawin` checks.
func (k *Key) Sign(msg []byte) []byte { return ed25519.Sign(k.priv, msg) }

// SSHSign is the armored SSH signature over msg in SSHNamespace, as
// `ssh-keygen -Y sign -n tongxing-opendata` would write it
// (PROTOCOL.sshsig; SHA-512 of the message is what is signed).
func (k *Key) SSHSign(msg []byte) []byte {
	h := sha512.Sum512(msg)
	var signed bytes.Buffer
	signed.WriteString(sshsigMagic)
	sshString(&signed, []byte(SSHNamespace))
	sshString(&signed, nil) // reserved
	sshString(&signed, []byte("sha512"))
	sshString(&signed, h[:])

	var sig bytes.Buffer
	sshString(&sig, []byte(sshKeyType))
	sshString(&sig, ed25519.Sign(k.priv, signed.Bytes()))

	var blob bytes.Buffer
	blob.WriteString(sshsigMagic)
	_ = binary.Write(&blob, binary.BigEndian, uint32(1)) // SIG_VERSION
	sshString(&blob, k.pub.sshWire())
	sshString(&blob, []byte(SSHNamespace))
	sshString(&blob, nil)
	sshString(&blob, []byte("sha512"))
	sshString(&blob, sig.Bytes())

	// Armored as ssh-keygen writes it: base64 in lines of 70 characters.
	enc := base64.StdEncoding.EncodeToString(blob.Bytes())
	var out strings.Builder
	out.WriteString("-----BEGIN SSH SIGNATURE-----\n")
	for len(enc) > 70 {
		out.WriteString(enc[:70] + "\n")
		enc = enc[70:]
	}
	out.WriteString(enc + "\n-----END SSH SIGNATURE-----\n")
	return []byte(out.String())
}

// String names the key by its public fingerprint, so that printing a
// configuration never shows the private key.
func (k *Key) String() string {
	if k == nil {
		return "<no signing key>"
	}
	return "Ed25519 signing key " + k.pub.Fingerprint()
}

// GoString is String: %#v must not show the key either.
func (k *Key) GoString() string { return k.String() }

// MarshalJSON gives the public fingerprint only.
func (k *Key) MarshalJSON() ([]byte, error) { return json.Marshal(k.String()) }

const (
	sshsigMagic = "SSHSIG"
	sshKeyType  = "ssh-ed25519"
)

// sshString appends an SSH wire-format string: a 32-bit big-endian length,
// then the bytes.
func sshString(b *bytes.Buffer, s []byte) {
	_ = binary.Write(b, binary.BigEndian, uint32(len(s)))
	b.Write(s)
}

// PublicKey is an Ed25519 public key.
type PublicKey ed25519.PublicKey

// DER is the key's SubjectPublicKeyInfo, the body of its PEM.
func (p PublicKey) DER() []byte {
	b, err := x509.MarshalPKIXPublicKey(ed25519.PublicKey(p))
	if err != nil {
		panic(err) // an Ed25519 key always marshals
	}
	return b
}

// Fingerprint is the SHA-256 of the key's DER in lowercase hex: what
// `openssl pkey -pubin -in key.pem -outform DER | sha256sum` prints.
func (p PublicKey) Fingerprint() string {
	sum := sha256.Sum256(p.DER())
	return hex.EncodeToString(sum[:])
}

// PEM is the key as a PEM "PUBLIC KEY" block, as `openssl pkey -pubout`
// writes it.
func (p PublicKey) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: p.DER()})
}

// sshWire is the key in the SSH wire format.
func (p PublicKey) sshWire() []byte {
	var b bytes.Buffer
	sshString(&b, []byte(sshKeyType))
	sshString(&b, p)
	return b.Bytes()
}

// SSH is the key as an OpenSSH public-key line without comment:
// "ssh-ed25519 AAAA…".
func (p PublicKey) SSH() string {
	return sshKeyType + " " + base64.StdEncoding.EncodeToString(p.sshWire())
}

// AllowedSigner is the key's line in an `ssh-keygen -Y verify`
// allowed-signers file: identity SSHNamespace, valid for that namespace
// only.
func (p PublicKey) AllowedSigner() string {
	return SSHNamespace + ` namespaces="` + SSHNamespace + `" ` + p.SSH()
}

// Verify reports whether sig is p's raw Ed25519 signature over msg.
func (p PublicKey) Verify(msg, sig []byte) bool {
	return len(p) == ed25519.PublicKeySize && ed25519.Verify(ed25519.PublicKey(p), msg, sig)
}

// ParsePublicPEM reads a PEM "PUBLIC KEY" block holding an Ed25519 key.
func ParsePublicPEM(b []byte) (PublicKey, error) {
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, errors.New("signing: not a PEM public key")
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("signing: public key: %w", err)
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, errors.New("signing: not an Ed25519 public key")
	}
	return PublicKey(pub), nil
}

// ValidFingerprint reports whether s has the form of a fingerprint (64
// lowercase hex digits), so it may name a file.
func ValidFingerprint(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
