package server

import (
	"bytes"
	"container/list"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/graph"
	"github.com/tongxing/tongxing/metrics"
)

// maxBuckets bounds the token buckets each rateLimiter set keeps. Idle
// buckets are forgotten as soon as they have refilled (which loses
// nothing); this bound only matters when more clients than this are active
// at once, and then the least recently seen are forgotten first.
const maxBuckets = 50_000

// rateLimiter throttles /graphql with token buckets: one per client IP for
// requests without a key, one per API key, and one per client IP for
// failed key attempts, so that guessing keys is throttled like anonymous
// use. Each allows its per-minute rate on average and a burst of half a
// minute's worth (anonymous default: 2 a second, 60 at once).
type rateLimiter struct {
	anonymous *buckets // nil: no limit
	keys      *buckets // nil: no limit
	failures  *buckets // nil: no limit
	proxies   []netip.Prefix
	now       func() time.Time
}

func newRateLimiter(cfg Config, now func() time.Time) *rateLimiter {
	if now == nil {
		now = time.Now
	}
	return &rateLimiter{
		anonymous: newBuckets(cfg.RateLimitAnon, maxBuckets),
		keys:      newBuckets(cfg.RateLimitKey, maxBuckets),
		failures:  newBuckets(cfg.RateLimitAnon, maxBuckets),
		proxies:   cfg.TrustedProxies,
		now:       now,
	}
}

// limitClients runs before the key is looked up. A request without a key
// takes a token from its IP's bucket. A request with one is let through
// unless its IP has exhausted its failed attempts, and a failed attempt
// (401) takes a token from that IP's failure bucket afterwards.
func (rl *rateLimiter) limitClients(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := bucketKey(clientAddr(r, rl.proxies))
		now := rl.now()
		if r.Header.Get("Authorization") == "" {
			if ok, wait := rl.anonymous.take(client, now); !ok {
				refuseRate(w, r, wait, "anonymous")
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if wait := rl.failures.wait(client, now); wait > 0 {
			refuseRate(w, r, wait, "failed-keys")
			return
		}
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == http.StatusUnauthorized {
			rl.failures.take(client, rl.now())
		}
	})
}

// limitKeys runs after the key is identified and takes a token from the
// key's bucket.
func (rl *rateLimiter) limitKeys(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := auth.FromContext(r.Context()); v != nil && v.KeyID != 0 {
			if ok, wait := rl.keys.take("key:"+strconv.Itoa(v.KeyID), rl.now()); !ok {
				refuseRate(w, r, wait, "key")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// refuseRate answers 429 with Retry-After in whole seconds (at least 1),
// and counts the refusal under the limit that made it.
func refuseRate(w http.ResponseWriter, r *http.Request, wait time.Duration, limit string) {
	metrics.RateLimited(limit)
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	apierror.Write(w, r, http.StatusTooManyRequests, apierror.New(apierror.RateLimited,
		fmt.Sprintf("请求过于频繁，请 %d 秒后再试 (too many requests; retry after %d s)", secs, secs)))
}

// buckets is a bounded set of token buckets, most recently used first.
type buckets struct {
	mu    sync.Mutex
	limit rate.Limit
	burst int
	// idle is how long an empty bucket takes to fill up: a bucket unused
	// for that long is indistinguishable from a new one, so it is dropped.
	idle  time.Duration
	max   int
	lru   list.List // of *bucket
	index map[string]*list.Element
}

type bucket struct {
	key     string
	limiter *rate.Limiter
	seen    time.Time
}

// newBuckets allows perMinute requests a minute per key, with a burst of
// half that (at least 1). perMinute <= 0 means no limit: nil.
func newBuckets(perMinute, max int) *buckets {
	if perMinute <= 0 {
		return nil
	}
	burst := max1(perMinute / 2)
	limit := rate.Limit(float64(perMinute) / 60)
	return &buckets{
		limit: limit,
		burst: burst,
		idle:  time.Duration(float64(burst) / float64(limit) * float64(time.Second)),
		max:   max,
		index: map[string]*list.Element{},
	}
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// take spends one token of key's bucket. When none is left it spends
// nothing and says how long until one is.
func (b *buckets) take(key string, now time.Time) (ok bool, wait time.Duration) {
	if b == nil {
		return true, 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	lim := b.bucket(key, now)
	res := lim.ReserveN(now, 1)
	if !res.OK() {
		return false, time.Minute
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

// wait is how long until key's bucket has a token, without spending one;
// zero when it has one now.
func (b *buckets) wait(key string, now time.Time) time.Duration {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.evict(now)
	e, ok := b.index[key]
	if !ok {
		return 0
	}
	tokens := e.Value.(*bucket).limiter.TokensAt(now)
	if tokens >= 1 {
		return 0
	}
	return time.Duration((1 - tokens) / float64(b.limit) * float64(time.Second))
}

// bucket returns key's limiter, creating it, and marks it used at now.
func (b *buckets) bucket(key string, now time.Time) *rate.Limiter {
	b.evict(now)
	if e, ok := b.index[key]; ok {
		bk := e.Value.(*bucket)
		if now.After(bk.seen) {
			bk.seen = now
		}
		b.lru.MoveToFront(e)
		return bk.limiter
	}
	bk := &bucket{key: key, limiter: rate.NewLimiter(b.limit, b.burst), seen: now}
	b.index[key] = b.lru.PushFront(bk)
	for b.lru.Len() > b.max {
		b.remove(b.lru.Back())
	}
	return bk.limiter
}

// evict drops the buckets idle long enough to be full again; it stops at
// the first recently used one, so each call costs what it removes.
func (b *buckets) evict(now time.Time) {
	for e := b.lru.Back(); e != nil; e = b.lru.Back() {
		if now.Sub(e.Value.(*bucket).seen) < b.idle {
			return
		}
		b.remove(e)
	}
}

func (b *buckets) remove(e *list.Element) {
	delete(b.index, e.Value.(*bucket).key)
	b.lru.Remove(e)
}

// size is the number of buckets held.
func (b *buckets) size() int {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lru.Len()
}

// clientAddr is the address a request comes from: the connection's peer,
// or, when that peer is a trusted proxy, the nearest address in
// X-Forwarded-For that is not a trusted proxy (read right to left, since
// everything left of what a trusted proxy appended may be forged).
func clientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	addr := parseHost(r.RemoteAddr)
	if len(trusted) == 0 || !isTrusted(addr, trusted) {
		return addr
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return addr
		}
		addr = hop.Unmap()
		if !isTrusted(addr, trusted) {
			return addr
		}
	}
	return addr
}

// parseHost parses host:port (or a bare address); the zero Addr if
// neither.
func parseHost(hostport string) netip.Addr {
	if ap, err := netip.ParseAddrPort(hostport); err == nil {
		return ap.Addr().Unmap()
	}
	if a, err := netip.ParseAddr(hostport); err == nil {
		return a.Unmap()
	}
	return netip.Addr{}
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// bucketKey is what a client is throttled by: its IPv4 address, or the
// /64 prefix of its IPv6 address (one subscriber usually holds a whole
// /64, so single IPv6 addresses would be free to vary).
func bucketKey(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case !a.IsValid():
		return "unknown"
	case a.Is4():
		return a.String()
	}
	p, _ := a.WithZone("").Prefix(64)
	return p.String()
}

// parsePrefixes parses a comma-separated list of IP addresses and CIDR
// prefixes.
func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	var errs []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				errs = append(errs, f)
				continue
			}
			if p.Addr().Is4In6() {
				p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil || a.Zone() != "" {
			errs = append(errs, f)
			continue
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	if len(errs) > 0 {
		return out, errors.New("not an IP address or CIDR prefix: " + strings.Join(errs, ", "))
	}
	if len(out) == 0 {
		return nil, errors.New("want comma-separated IP addresses or CIDR prefixes such as 10.0.0.0/8")
	}
	return out, nil
}

// limitTime bounds the handling of a request by the configured request
// timeout: statements still running at the deadline are cancelled and the
// field answers INTERNAL.
func (s *Server) limitTime(next http.Handler) http.Handler {
	timeout := s.cfg.RequestTimeout
	if timeout <= 0 {
		timeout = defaultRequestTimeout
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

const defaultRequestTimeout = 30 * time.Second

// requireUTF8 refuses a request whose body or query string is not valid
// UTF-8. JSON must be UTF-8 (RFC 8259); Go's decoder would instead turn
// each bad byte into U+FFFD, silently storing mangled text. The body,
// already bounded by limitBody, is read here and handed on from memory.
func requireUTF8(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, vs := range r.URL.Query() {
			for _, v := range vs {
				if !utf8.ValidString(v) {
					apierror.Write(w, r, http.StatusBadRequest, apierror.New(apierror.BadUserInput,
						"查询字符串不是有效的 UTF-8 (query string is not valid UTF-8)"))
					return
				}
			}
		}
		// A multipart upload is not read here: its spreadsheet is binary,
		// and it is read only after the key is known (graph.uploadTransport).
		if r.Body != nil && r.Body != http.NoBody && r.Method == http.MethodPost && !graph.IsMultipart(r) {
			body, err := io.ReadAll(r.Body)
			var tooLarge *http.MaxBytesError
			switch {
			case errors.As(err, &tooLarge):
				apierror.Write(w, r, http.StatusRequestEntityTooLarge, apierror.New(apierror.BadUserInput, "请求体过大 (request body too large)"))
				return
			case err != nil:
				apierror.Write(w, r, http.StatusBadRequest, apierror.New(apierror.BadUserInput, "无法读取请求体 (cannot read the request body)"))
				return
			case !utf8.Valid(body):
				apierror.Write(w, r, http.StatusBadRequest, apierror.New(apierror.BadUserInput,
					"请求体不是有效的 UTF-8 (request body is not valid UTF-8)"))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		next.ServeHTTP(w, r)
	})
}
