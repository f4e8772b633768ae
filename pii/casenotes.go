package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"fmt"
)

// CaseNotes seals the narrative of case files (assessments, plans, session
// notes, crisis records, referrals, closures) with a key of its own,
// derived from a secret separate from the one that protects ID numbers
// (TONGXING_CASE_KEY): whoever holds the ID-number secret — an operator
// running exports, a backup — does not thereby read case notes, and either
// secret can be rotated or withheld on its own.
//
// Each ciphertext is bound to where it belongs (the binding: entity, field
// and row, e.g. "session/note/4294967301"), so a ciphertext copied into
// another field or another case does not open there.
type CaseNotes struct {
	aead cipher.AEAD
}

// NewCaseNotes derives the case-notes key from secret (at least
// MinKeyBytes).
func NewCaseNotes(secret []byte) (*CaseNotes, error) {
	if len(secret) < MinKeyBytes {
		return nil, fmt.Errorf("case-notes key must be at least %d bytes", MinKeyBytes)
	}
	block, err := aes.NewCipher(derive(secret, "case-notes/encryption"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &CaseNotes{aead: aead}, nil
}

func caseAAD(binding string) []byte { return []byte("tongxing/case-notes/v1/" + binding) }

// Seal encrypts text for the place binding names.
func (k *CaseNotes) Seal(text, binding string) ([]byte, error) {
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return k.aead.Seal(nonce, nonce, []byte(text), caseAAD(binding)), nil
}

// Open decrypts what Seal produced for the same binding.
func (k *CaseNotes) Open(ciphertext []byte, binding string) (string, error) {
	n := k.aead.NonceSize()
	if len(ciphertext) < n {
		return "", ErrCiphertext
	}
	plain, err := k.aead.Open(nil, ciphertext[:n], ciphertext[n:], caseAAD(binding))
	if err != nil {
		return "", ErrCiphertext
	}
	return string(plain), nil
}
