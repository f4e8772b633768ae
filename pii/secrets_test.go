package pii

import (
	"bytes"
	"testing"
)

func TestSecretBox(t *testing.T) {
	secret := bytes.Repeat([]byte{1}, 32)
	box, err := NewSecretBox(secret, "webhook-secret")
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte("whsec_abcdefghijklmnopqrstuvwxyz")
	ct, err := box.Seal(plain)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(ct, plain[:12]) {
		t.Fatal("ciphertext contains the plaintext")
	}
	if got, err := box.Open(ct); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if ct2, _ := box.Seal(plain); bytes.Equal(ct, ct2) {
		t.Error("two seals are equal: nonce reuse")
	}
	other, _ := NewSecretBox(secret, "volunteer-outbox")
	if _, err := other.Open(ct); err != ErrCiphertext {
		t.Errorf("a box of another purpose opened it: %v", err)
	}
	otherKey, _ := NewSecretBox(bytes.Repeat([]byte{2}, 32), "webhook-secret")
	if _, err := otherKey.Open(ct); err != ErrCiphertext {
		t.Errorf("another secret opened it: %v", err)
	}
	ct[len(ct)-1] ^= 1
	if _, err := box.Open(ct); err != ErrCiphertext {
		t.Errorf("tampered ciphertext opened: %v", err)
	}
	if _, err := box.Open([]byte{1}); err != ErrCiphertext {
		t.Errorf("short ciphertext: %v", err)
	}
	if _, err := NewSecretBox(secret[:16], "webhook-secret"); err == nil {
		t.Error("short secret accepted")
	}
	if _, err := NewSecretBox(secret, ""); err == nil {
		t.Error("no purpose accepted")
	}
}
