package certificates

import (
	"crypto/rand"
	"strings"
)

// CodeAlphabet is the 32 characters of verification codes: digits and
// capital letters without 0, 1, I and O, which are easily misread for one
// another when a code is typed from paper.
const CodeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// CodeLength is the length of a verification code: 12 characters of 5
// random bits each, 60 bits from crypto/rand — not guessable, and not
// derived from the number, the person or the time.
const CodeLength = 12

// NewCode draws a verification code.
func NewCode() (string, error) {
	buf := make([]byte, CodeLength)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	for i, b := range buf {
		buf[i] = CodeAlphabet[b&31] // 256 is a multiple of 32: uniform
	}
	return string(buf), nil
}

// NormalizeCode reads a code as a person may type it: any case, with
// spaces or hyphens between groups. ok is false for anything that cannot be
// a code, which is then treated exactly like an unknown one.
func NormalizeCode(s string) (code string, ok bool) {
	if len(s) > 4*CodeLength {
		return "", false
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == ' ' || r == '-':
			continue
		case r < 128 && strings.IndexByte(CodeAlphabet, byte(r)) >= 0:
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	if b.Len() != CodeLength {
		return "", false
	}
	return b.String(), true
}
