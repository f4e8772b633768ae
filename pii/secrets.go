package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// SecretBox seals secrets the server must read back in clear to use them,
// such as the signing secrets of webhook subscriptions: a hash, like the
// one kept of API keys, would let the server check a secret but not sign
// with it. The key derives from TONGXING_SECRET_KEY as the ID-number keys
// do, with a label of its own per purpose, so a box of one purpose does
// not open another's ciphertexts, and neither opens ID numbers.
type SecretBox struct {
	aead    cipher.AEAD
	purpose string
}

// NewSecretBox derives the key of purpose (e.g. "webhook-secret") from
// secret (at least MinKeyBytes).
func NewSecretBox(secret []byte, purpose string) (*SecretBox, error) {
	if len(secret) < MinKeyBytes {
		return nil, fmt.Errorf("secret key must be at least %d bytes", MinKeyBytes)
	}
	if purpose == "" {
		return nil, errors.New("pii: a secret box needs a purpose")
	}
	block, err := aes.NewCipher(derive(secret, purpose+"/encryption"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &SecretBox{aead: aead, purpose: purpose}, nil
}

func (b *SecretBox) aad() []byte { return []byte("tongxing/" + b.purpose + "/v1") }

// Seal encrypts plain.
func (b *SecretBox) Seal(plain []byte) ([]byte, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return b.aead.Seal(nonce, nonce, plain, b.aad()), nil
}

// Open decrypts what Seal produced.
func (b *SecretBox) Open(ciphertext []byte) ([]byte, error) {
	n := b.aead.NonceSize()
	if len(ciphertext) < n {
		return nil, ErrCiphertext
	}
	plain, err := b.aead.Open(nil, ciphertext[:n], ciphertext[n:], b.aad())
	if err != nil {
		return nil, ErrCiphertext
	}
	return plain, nil
}
