package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tongxing/tongxing/apikeys"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/policy"
)

// clock is a settable time source for the rate limiter.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type limitedServer struct {
	t     *testing.T
	h     http.Handler
	clock *clock
	key   string
}

// newLimitedServer serves over SQLite with env on top of the defaults and
// a clock the test moves.
func newLimitedServer(t *testing.T, env map[string]string) *limitedServer {
	t.Helper()
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	db := dbtest.OpenSQLite(t)
	key, _, err := apikeys.Create(policy.SystemContext(context.Background(), "test"), db.Client, "ratelimit-test", apikeys.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	s := New(cfg, db, slog.New(slog.DiscardHandler))
	s.now = c.Now
	return &limitedServer{t: t, h: s.Handler(), clock: c, key: key}
}

// query sends { __typename } from remote with the given key ("" for none).
func (ls *limitedServer) query(remote, key string) *httptest.ResponseRecorder {
	ls.t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = remote
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	rec := httptest.NewRecorder()
	ls.h.ServeHTTP(rec, req)
	return rec
}

func (ls *limitedServer) get(remote, path string) int {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.RemoteAddr = remote
	rec := httptest.NewRecorder()
	ls.h.ServeHTTP(rec, req)
	return rec.Code
}

// refused checks rec is a coded 429 and returns its Retry-After.
func refused(t *testing.T, rec *httptest.ResponseRecorder) int {
	t.Helper()
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429: %s", rec.Code, rec.Body)
	}
	var body struct {
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	raw, _ := io.ReadAll(rec.Body)
	if err := json.Unmarshal(raw, &body); err != nil || len(body.Errors) != 1 || body.Errors[0].Extensions["code"] != "RATE_LIMITED" ||
		!strings.Contains(body.Errors[0].Message, "too many requests") {
		t.Fatalf("429 body: %s", raw)
	}
	secs, err := strconv.Atoi(rec.Header().Get("Retry-After"))
	if err != nil || secs < 1 {
		t.Fatalf("Retry-After = %q", rec.Header().Get("Retry-After"))
	}
	return secs
}

func ok(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"__typename"`) {
		t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body)
	}
}

func TestRateLimitAnonymous(t *testing.T) {
	// 12 a minute: one every 5 s, 6 at once.
	ls := newLimitedServer(t, map[string]string{"TONGXING_RATE_LIMIT_ANON": "12"})
	const ip = "192.0.2.1:1234"
	for range 6 {
		ok(t, ls.query(ip, ""))
	}
	if secs := refused(t, ls.query(ip, "")); secs != 5 {
		t.Errorf("Retry-After = %d, want 5", secs)
	}
	// Another port is the same client; another address is not.
	refused(t, ls.query("192.0.2.1:5555", ""))
	ok(t, ls.query("198.51.100.7:1234", ""))
	// A key is throttled by its own bucket, not the address's.
	ok(t, ls.query(ip, ls.key))
	// Only /graphql is limited.
	for _, path := range []string{"/healthz", "/readyz", "/graphiql", "/"} {
		if code := ls.get(ip, path); code != http.StatusOK {
			t.Errorf("GET %s from a throttled address: %d", path, code)
		}
	}
	// Refusals spend nothing: after Retry-After the next one passes.
	for range 5 {
		refused(t, ls.query(ip, ""))
	}
	ls.clock.Advance(4 * time.Second)
	if secs := refused(t, ls.query(ip, "")); secs != 1 {
		t.Errorf("Retry-After = %d after 4 s, want 1", secs)
	}
	ls.clock.Advance(time.Second)
	ok(t, ls.query(ip, ""))
	refused(t, ls.query(ip, ""))
	// IPv6 clients are throttled by /64.
	for i := range 6 {
		ok(t, ls.query("[2001:db8:1:2::"+strconv.Itoa(i+1)+"]:443", ""))
	}
	refused(t, ls.query("[2001:db8:1:2:ffff::9]:443", ""))
	ok(t, ls.query("[2001:db8:1:3::1]:443", ""))
}

func TestRateLimitKey(t *testing.T) {
	// 4 a minute per key: one every 15 s, 2 at once.
	ls := newLimitedServer(t, map[string]string{"TONGXING_RATE_LIMIT_KEY": "4"})
	ok(t, ls.query("192.0.2.1:1", ls.key))
	ok(t, ls.query("192.0.2.2:1", ls.key))
	// The key is throttled from every address …
	if secs := refused(t, ls.query("192.0.2.3:1", ls.key)); secs != 15 {
		t.Errorf("Retry-After = %d, want 15", secs)
	}
	// … while anonymous requests from those addresses are not.
	ok(t, ls.query("192.0.2.1:1", ""))
	ls.clock.Advance(15 * time.Second)
	ok(t, ls.query("192.0.2.1:1", ls.key))
}

func TestRateLimitFailedKeys(t *testing.T) {
	// 4 a minute: guessing keys from one address stops after 2 attempts.
	ls := newLimitedServer(t, map[string]string{"TONGXING_RATE_LIMIT_ANON": "4"})
	const ip = "203.0.113.9:4000"
	bad := apikeys.SecretPrefix + strings.Repeat("x", 43)
	for range 2 {
		if rec := ls.query(ip, bad); rec.Code != http.StatusUnauthorized {
			t.Fatalf("bad key: %d", rec.Code)
		}
	}
	refused(t, ls.query(ip, bad))
	refused(t, ls.query(ip, ls.key)) // the address, not the key, is throttled
	ok(t, ls.query("203.0.113.10:4000", ls.key))
	ok(t, ls.query(ip, "")) // anonymous use has its own bucket
	ls.clock.Advance(15 * time.Second)
	ok(t, ls.query(ip, ls.key))
}

func TestRateLimitOff(t *testing.T) {
	ls := newLimitedServer(t, map[string]string{"TONGXING_RATE_LIMIT_ANON": "0", "TONGXING_RATE_LIMIT_KEY": "0"})
	for range 200 {
		ok(t, ls.query("192.0.2.1:1", ""))
	}
	for range 20 {
		ok(t, ls.query("192.0.2.1:1", ls.key))
	}
}

func TestBucketsEvicted(t *testing.T) {
	b := newBuckets(120, 1000) // 2 a second, 60 at once: full again 30 s after use
	if b.burst != 60 || b.idle != 30*time.Second {
		t.Fatalf("burst %d, idle %v", b.burst, b.idle)
	}
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range 500 {
		b.take("192.0.2."+strconv.Itoa(i), t0)
	}
	if b.size() != 500 {
		t.Fatalf("size %d", b.size())
	}
	// Idle buckets go as soon as they are full again, and not before.
	b.take("198.51.100.1", t0.Add(29*time.Second))
	if b.size() != 501 {
		t.Errorf("buckets dropped before they refilled: %d", b.size())
	}
	b.take("198.51.100.2", t0.Add(30*time.Second))
	if b.size() != 2 {
		t.Errorf("idle buckets kept: %d", b.size())
	}
	// An evicted bucket was full anyway: a client's budget is unchanged.
	for range 60 {
		if ok, _ := b.take("203.0.113.1", t0.Add(time.Minute)); !ok {
			t.Fatal("fresh bucket refused within its burst")
		}
	}
	if ok, wait := b.take("203.0.113.1", t0.Add(time.Minute)); ok || wait != 500*time.Millisecond {
		t.Errorf("after the burst: %v, wait %v", ok, wait)
	}

	// However many clients are active at once, at most max buckets are kept
	// (the least recently seen go first).
	small := newBuckets(120, 100)
	for i := range 10_000 {
		small.take(strconv.Itoa(i), t0)
	}
	if small.size() != 100 {
		t.Errorf("size %d, want the maximum 100", small.size())
	}
	if _, kept := small.index["9999"]; !kept {
		t.Error("the most recent client was dropped")
	}
	if newBuckets(0, 10) != nil || newBuckets(-1, 10) != nil {
		t.Error("a zero rate is not 'no limit'")
	}
	var none *buckets
	if ok, _ := none.take("x", t0); !ok || none.wait("x", t0) != 0 || none.size() != 0 {
		t.Error("a nil set limits")
	}
}

func TestClientAddr(t *testing.T) {
	proxies, err := parsePrefixes("10.0.0.0/8, 192.0.2.10, ::1, fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		remote, xff string
		trusted     []netip.Prefix
		want        string
	}{
		{"198.51.100.7:1234", "", nil, "198.51.100.7"},
		{"198.51.100.7:1234", "203.0.113.1", nil, "198.51.100.7"},     // no trusted proxies: header ignored
		{"198.51.100.7:1234", "203.0.113.1", proxies, "198.51.100.7"}, // untrusted peer: header ignored
		{"10.1.2.3:1234", "203.0.113.1", proxies, "203.0.113.1"},
		{"10.1.2.3:1234", "6.6.6.6, 203.0.113.1, 10.9.9.9", proxies, "203.0.113.1"}, // forged left part skipped
		{"192.0.2.10:80", "203.0.113.1, 192.0.2.10", proxies, "203.0.113.1"},
		{"10.1.2.3:1234", "garbage, 10.9.9.9", proxies, "10.9.9.9"},
		{"10.1.2.3:1234", "", proxies, "10.1.2.3"},
		{"[::1]:8080", "2001:db8::5", proxies, "2001:db8::5"},
		{"[::ffff:198.51.100.7]:1", "", nil, "198.51.100.7"},
		{"not an address", "", proxies, "invalid IP"},
	} {
		req := httptest.NewRequest(http.MethodGet, "/graphql", nil)
		req.RemoteAddr = tt.remote
		if tt.xff != "" {
			req.Header.Set("X-Forwarded-For", tt.xff)
		}
		if got := clientAddr(req, tt.trusted).String(); got != tt.want {
			t.Errorf("%s via %q: %s, want %s", tt.remote, tt.xff, got, tt.want)
		}
	}
	for addr, want := range map[string]string{
		"198.51.100.7":            "198.51.100.7",
		"2001:db8:1:2:3:4:5:6":    "2001:db8:1:2::/64",
		"fe80::1%eth0":            "fe80::/64",
		"::ffff:198.51.100.7":     "198.51.100.7",
		"2001:db8:1:2:ffff::9999": "2001:db8:1:2::/64",
	} {
		if got := bucketKey(netip.MustParseAddr(addr)); got != want {
			t.Errorf("bucketKey(%s) = %s, want %s", addr, got, want)
		}
	}
	if bucketKey(netip.Addr{}) != "unknown" {
		t.Error("invalid address")
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example.org", "fe80::1%eth0", " , "} {
		if _, err := parsePrefixes(bad); err == nil {
			t.Errorf("parsePrefixes(%q) accepted", bad)
		}
	}
	if p, err := parsePrefixes("::ffff:10.0.0.0/104"); err != nil || len(p) != 1 || !p[0].Contains(netip.MustParseAddr("10.1.2.3")) {
		t.Errorf("IPv4-mapped prefix: %v %v", p, err)
	}
}

func TestRequestTimeout(t *testing.T) {
	ls := newLimitedServer(t, map[string]string{"TONGXING_REQUEST_TIMEOUT": "1ns"})
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ regions { totalCount } }"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	ls.h.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), `"code":"INTERNAL"`) || !strings.Contains(rec.Body.String(), "requestId") {
		t.Errorf("a request past its deadline: %d %s", rec.Code, rec.Body)
	}
}

// FuzzClientAddr: no peer address, forwarded header or proxy list makes
// the client lookup panic, and what it returns is a usable bucket key.
func FuzzClientAddr(f *testing.F) {
	f.Add("10.1.2.3:1234", "6.6.6.6, 203.0.113.1", "10.0.0.0/8")
	f.Add("[::1]:80", "2001:db8::1", "::1, fd00::/8")
	f.Add("garbage", ",,, ,", "0.0.0.0/0")
	f.Add("[fe80::1%eth0]:1", "::ffff:1.2.3.4", "::ffff:0.0.0.0/96")
	f.Fuzz(func(t *testing.T, remote, xff, proxies string) {
		trusted, _ := parsePrefixes(proxies)
		req := httptest.NewRequest(http.MethodGet, "/graphql", nil)
		req.RemoteAddr = remote
		req.Header.Set("X-Forwarded-For", xff)
		a := clientAddr(req, trusted)
		if key := bucketKey(a); key == "" {
			t.Errorf("empty bucket key for %v", a)
		}
	})
}
