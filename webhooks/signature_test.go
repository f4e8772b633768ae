package webhooks

import (
	"strings"
	"testing"
	"time"
)

// TestSignatureExample is the worked example of docs/opendata.md ("Feeds
// and webhooks"), which a shell reproduces with
// printf '%s' '1793433600.{"id":"release.published:2026-10-31"}' | openssl dgst -sha256 -hmac whsec_example
func TestSignatureExample(t *testing.T) {
	got := Sign([]byte("whsec_example"), time.Unix(1793433600, 0), []byte(`{"id":"release.published:2026-10-31"}`))
	const want = "t=1793433600,v1=b04a723c347727b68e2dc2d6184c4d999e41729031ea7a8ea53261f5174ae969"
	if got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestVerify(t *testing.T) {
	secret, err := NewSecret()
	if err != nil || !strings.HasPrefix(secret, "whsec_") || len(secret) != len("whsec_")+43 {
		t.Fatalf("NewSecret = %q, %v", secret, err)
	}
	if other, _ := NewSecret(); other == secret {
		t.Fatal("two secrets are equal")
	}
	key := []byte(secret)
	body := []byte(`{"id":"release.published:2026-10-31","type":"release.published"}`)
	sent := time.Unix(1793433600, 0)
	header := Sign(key, sent, body)
	for _, tc := range []struct {
		name      string
		secret    []byte
		header    string
		body      []byte
		now       time.Time
		tolerance time.Duration
		want      error
	}{
		{"as sent", key, header, body, sent.Add(30 * time.Second), 0, nil},
		{"clock behind the sender", key, header, body, sent.Add(-4 * time.Minute), 0, nil},
		{"spaces and a second signature", key, "t=1793433600, v1=" + strings.Repeat("ab", 32) + ", " + strings.TrimPrefix(header, "t=1793433600,"), body, sent, 0, nil},
		{"body changed", key, header, []byte(strings.Replace(string(body), `"}`, `" }`, 1)), sent, 0, ErrBadSignature},
		{"another secret", []byte("whsec_other"), header, body, sent, 0, ErrBadSignature},
		{"timestamp changed", key, strings.Replace(header, "t=1793433600", "t=1793433601", 1), body, sent, 0, ErrBadSignature},
		{"replayed after the tolerance", key, header, body, sent.Add(6 * time.Minute), 0, ErrStale},
		{"from the future", key, header, body, sent.Add(-6 * time.Minute), 0, ErrStale},
		{"a tolerance of its own", key, header, body, sent.Add(20 * time.Minute), time.Hour, nil},
		{"no header", key, "", body, sent, 0, ErrNoSignature},
		{"no timestamp", key, strings.TrimPrefix(header, "t=1793433600,"), body, sent, 0, ErrNoSignature},
		{"no v1", key, "t=1793433600,v0=abc", body, sent, 0, ErrNoSignature},
		{"short v1", key, "t=1793433600,v1=abcd", body, sent, 0, ErrNoSignature},
	} {
		if err := Verify(tc.secret, tc.header, tc.body, tc.now, tc.tolerance); err != tc.want {
			t.Errorf("%s: Verify = %v, want %v", tc.name, err, tc.want)
		}
	}
}
