package certificates

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/certificate"
	"github.com/tongxing/tongxing/ent/person"
)

// Verification is everything anyone holding a certificate's code may learn
// about it (the GraphQL CertificateVerification). It deliberately holds no
// ids, no volunteer number, no birth date, no activities and no full name:
// enough to tell a genuine, current certificate from a forged or revoked
// one, and nothing that would identify the holder to someone who does not
// already have the paper in hand.
type Verification struct {
	Number string
	// Holder is the first character of the holder's name followed by "**".
	Holder      string
	Hours       float64
	PeriodStart time.Time
	PeriodEnd   time.Time
	Issuer      string
	IssuedAt    time.Time
	// Valid is false once the certificate is revoked.
	Valid     bool
	RevokedAt *time.Time
}

// Holder masks a name for verification: its first character and "**"
// (张三丰 → 张**).
func Holder(name string) string {
	r, size := utf8.DecodeRuneInString(strings.TrimSpace(name))
	if size == 0 || r == utf8.RuneError {
		return "**"
	}
	return string(r) + "**"
}

// Verify looks a certificate up by its verification code. Unknown and
// malformed codes both give nil, without an error: the answer must not
// tell them apart. Anyone may verify, so the look-up bypasses the row rules;
// only the fields of Verification leave this function.
func Verify(ctx context.Context, c *ent.Client, code string) (*Verification, error) {
	code, ok := NormalizeCode(code)
	if !ok {
		return nil, nil
	}
	cert, err := c.Certificate.Query().
		Where(certificate.VerificationCode(code)).
		WithPerson(func(q *ent.PersonQuery) { q.Select(person.FieldName) }).
		Only(allow(ctx))
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v := &Verification{
		Number:      cert.Number,
		Hours:       Hours(cert.Minutes),
		PeriodStart: cert.PeriodStart.UTC(),
		PeriodEnd:   cert.PeriodEnd.UTC(),
		Issuer:      cert.Issuer,
		IssuedAt:    cert.CreatedAt,
		Valid:       cert.RevokedAt == nil,
		RevokedAt:   cert.RevokedAt,
		Holder:      "**",
	}
	if p := cert.Edges.Person; p != nil {
		v.Holder = Holder(p.Name)
	}
	return v, nil
}
