package webhooks

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// The headers of every delivery (docs/opendata.md, "Feeds and webhooks").
const (
	// SignatureHeader carries "t=<unix seconds>,v1=<hex>": v1 is
	// HMAC-SHA-256, keyed with the subscription's secret (the whole string,
	// whsec_ included, as bytes), over "<unix seconds>.<body>".
	SignatureHeader = "X-Tongxing-Signature"
	// DeliveryHeader is the delivery's id: the same on every attempt of one
	// event to one subscriber, so a receiver that has seen it may answer
	// 2xx and do nothing (deliveries are at least once).
	DeliveryHeader = "X-Tongxing-Delivery"
	// EventHeader is the event type, e.g. release.published.
	EventHeader = "X-Tongxing-Event"
	// EventIDHeader is the event's id, the same in every subscriber's
	// delivery of it; the body's "id".
	EventIDHeader = "X-Tongxing-Event-Id"
	// AttemptHeader numbers the attempt: 1, then 2 for the first retry, ….
	AttemptHeader = "X-Tongxing-Attempt"
)

// DefaultTolerance is how far a signature's timestamp may be from the
// receiver's clock before Verify refuses it as a possible replay. Each
// attempt is signed afresh, so a retry is never refused for its age.
const DefaultTolerance = 5 * time.Minute

// secretPrefix marks a signing secret, so one found in a log or a
// repository is recognisable.
const secretPrefix = "whsec_"

// NewSecret returns a fresh signing secret: whsec_ and 256 random bits,
// base64url.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return secretPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// Sign returns the SignatureHeader value for body sent at t.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Errors of Verify.
var (
	ErrNoSignature  = errors.New("webhooks: no valid signature header")
	ErrBadSignature = errors.New("webhooks: signature does not match")
	ErrStale        = errors.New("webhooks: signature timestamp outside the tolerance")
)

// Verify checks a SignatureHeader value against the body received, as a
// receiver does: some v1 signature must equal HMAC-SHA-256(secret,
// "<t>.<body>") (compared in constant time), and t must lie within
// tolerance of now (DefaultTolerance when tolerance ≤ 0). Several v1
// entries may be present (one per secret while a secret is being
// replaced); any match is enough.
func Verify(secret []byte, header string, body []byte, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			if b, err := hex.DecodeString(v); err == nil && len(b) == sha256.Size {
				sigs = append(sigs, b)
			}
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrNoSignature
	}
	want := mac(secret, ts, body)
	match := false
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			match = true
		}
	}
	if !match {
		return ErrBadSignature
	}
	if d := now.Sub(time.Unix(unix, 0)); d > tolerance || d < -tolerance {
		return ErrStale
	}
	return nil
}
