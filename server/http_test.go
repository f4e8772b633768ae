package server_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/graph"
	"github.com/tongxing/tongxing/server"
)

const getMutation = `mutation { createNeed(input:{title:"x", domainId:"x", regionCode:"1"}) { id } }`

func TestHTTPSurface(t *testing.T) {
	a := newAPI(t, dbtest.OpenSQLite(t))
	get := func(path string, hdr map[string]string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		a.h.ServeHTTP(rec, req)
		return rec
	}
	for _, tc := range []struct {
		path, contentType, body string
		status                  int
	}{
		{"/healthz", "application/json", `"ok"`, 200},
		{"/readyz", "application/json", `"ready"`, 200},
		{"/", "text/html", "GraphiQL", 200},
		{"/graphiql", "text/html", "同行", 200},
		{"/opendata/", "text/html", "Open data", 200},
		{"/graphql?query=" + url.QueryEscape("{ regions(first:2) { totalCount } }"), "application/json", `"totalCount":11`, 200},
		// Without a key a mutation is refused before anything else, GET or not.
		{"/graphql?query=" + url.QueryEscape(getMutation), "application/json", "UNAUTHENTICATED", 200},
		{"/graphql?query={regions{totalCount}}&variables=%7Bnot-json", "application/json", "BAD_USER_INPUT", 400},
		{"/nope", "text/plain", "404", 404},
	} {
		rec := get(tc.path, nil)
		if rec.Code != tc.status || !strings.HasPrefix(rec.Header().Get("Content-Type"), tc.contentType) || !strings.Contains(rec.Body.String(), tc.body) {
			t.Errorf("GET %s = %d %q %.200s", tc.path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
		}
		if rec.Header().Get("X-Request-Id") == "" {
			t.Errorf("GET %s: no X-Request-Id", tc.path)
		}
	}

	// With a key, a mutation sent by GET is refused for its method.
	if rec := get("/graphql?query="+url.QueryEscape(getMutation), map[string]string{"Authorization": "Bearer " + a.key}); rec.Code != http.StatusMethodNotAllowed ||
		!strings.Contains(rec.Body.String(), "BAD_USER_INPUT") {
		t.Errorf("keyed mutation by GET = %d %.200s", rec.Code, rec.Body.String())
	}

	post := func(contentType, body string) response {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		return a.do(req)
	}
	for _, tc := range []struct {
		contentType, body string
		status            int
	}{
		{"application/json", `{"query": "{ regions { totalCount } }"`, 400},
		{"application/json", `not json at all`, 400},
		{"application/json", `[{"query":"{ regions { totalCount } }"},{"query":"{ regions { totalCount } }"}]`, 400},
		{"text/plain", `{"query":"{ regions { totalCount } }"}`, 415},
		{"application/json", `{"query":"{ regions { totalCount } "}`, 200},
		{"application/json", `{"query":"{ regions { nosuchfield } }"}`, 200},
		{"application/json", `{"query":"` + strings.Repeat("x", 2<<20) + `"}`, 413},
	} {
		r := post(tc.contentType, tc.body)
		if r.Status != tc.status || r.code() != "BAD_USER_INPUT" {
			t.Errorf("POST %s %.60s = %d %s", tc.contentType, tc.body, r.Status, r.Raw[:min(len(r.Raw), 300)])
		}
		if strings.Contains(r.Raw, "json:") || strings.Contains(r.Raw, "xxxxxxxx") {
			t.Errorf("decoder error or body echoed: %.300s", r.Raw)
		}
	}
}

func TestCORS(t *testing.T) {
	a := newAPI(t, dbtest.OpenSQLite(t))
	preflight := func(origin string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		rec := httptest.NewRecorder()
		a.h.ServeHTTP(rec, req)
		return rec
	}
	rec := preflight("https://dashboard.example.org")
	if rec.Header().Get("Access-Control-Allow-Origin") != "https://dashboard.example.org" ||
		!strings.Contains(strings.ToLower(rec.Header().Get("Access-Control-Allow-Headers")), "authorization") {
		t.Errorf("allowed origin preflight: %d %v", rec.Code, rec.Header())
	}
	if rec := preflight("https://evil.example.com"); rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("foreign origin allowed: %v", rec.Header())
	}
}

func TestConfig(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	cfg, err := server.LoadConfig(env(nil))
	if err != nil || cfg.Addr != ":8080" || cfg.DatabaseURL != "tongxing.db" || !cfg.DemoData || cfg.MaxBodyBytes != 1<<20 {
		t.Fatalf("defaults = %+v, %v", cfg, err)
	}
	cfg, err = server.LoadConfig(env(map[string]string{"TONGXING_ADDR": "127.0.0.1:9090", "TONGXING_CORS_ORIGINS": "https://a.org, https://b.org",
		"TONGXING_DEMO_DATA": "false", "TONGXING_DATABASE_URL": "postgres://db/tongxing"}))
	if err != nil || cfg.Addr != "127.0.0.1:9090" || len(cfg.CORSOrigins) != 2 || cfg.DemoData || cfg.DatabaseURL != "postgres://db/tongxing" {
		t.Errorf("overrides = %+v, %v", cfg, err)
	}
	_, err = server.LoadConfig(env(map[string]string{"TONGXING_ADDR": "8080", "TONGXING_DEMO_DATA": "maybe", "TONGXING_LOG_LEVEL": "loud"}))
	for _, want := range []string{"TONGXING_ADDR", "TONGXING_DEMO_DATA", "TONGXING_LOG_LEVEL"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bad %s not reported: %v", want, err)
		}
	}

	// Request limits.
	cfg, _ = server.LoadConfig(env(nil))
	if want := (graph.Limits{MaxDepth: 12, MaxComplexity: 5000, MaxAliases: 50, MaxOperations: 5, MaxTokens: 20000}); cfg.Limits != want ||
		cfg.RateLimitAnon != 120 || cfg.RateLimitKey != 600 || cfg.RequestTimeout != 30*time.Second || cfg.TrustedProxies != nil ||
		cfg.FiguresMaxStale != 2*time.Minute {
		t.Errorf("limit defaults = %+v %d %d %v %v %v", cfg.Limits, cfg.RateLimitAnon, cfg.RateLimitKey, cfg.RequestTimeout, cfg.TrustedProxies, cfg.FiguresMaxStale)
	}
	if cfg, err := server.LoadConfig(env(map[string]string{"TONGXING_FIGURES_MAX_STALE": "0"})); err != nil || cfg.FiguresMaxStale != 0 {
		t.Errorf("TONGXING_FIGURES_MAX_STALE=0: %v, %v", cfg.FiguresMaxStale, err)
	}
	cfg, err = server.LoadConfig(env(map[string]string{"TONGXING_MAX_DEPTH": "8", "TONGXING_MAX_COMPLEXITY": "900", "TONGXING_MAX_ALIASES": "10",
		"TONGXING_MAX_OPERATIONS": "1", "TONGXING_MAX_TOKENS": "5000", "TONGXING_RATE_LIMIT_ANON": "0", "TONGXING_RATE_LIMIT_KEY": "60",
		"TONGXING_REQUEST_TIMEOUT": "5s", "TONGXING_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1"}))
	if want := (graph.Limits{MaxDepth: 8, MaxComplexity: 900, MaxAliases: 10, MaxOperations: 1, MaxTokens: 5000}); err != nil || cfg.Limits != want ||
		cfg.RateLimitAnon != 0 || cfg.RateLimitKey != 60 || cfg.RequestTimeout != 5*time.Second || len(cfg.TrustedProxies) != 2 ||
		cfg.TrustedProxies[1].String() != "127.0.0.1/32" {
		t.Errorf("limit overrides = %+v %d %d %v %v, %v", cfg.Limits, cfg.RateLimitAnon, cfg.RateLimitKey, cfg.RequestTimeout, cfg.TrustedProxies, err)
	}
	bad := map[string]string{"TONGXING_MAX_DEPTH": "0", "TONGXING_MAX_COMPLEXITY": "lots", "TONGXING_MAX_ALIASES": "-1",
		"TONGXING_MAX_OPERATIONS": "1.5", "TONGXING_MAX_TOKENS": "10", "TONGXING_RATE_LIMIT_ANON": "-5", "TONGXING_RATE_LIMIT_KEY": "1e3",
		"TONGXING_REQUEST_TIMEOUT": "30", "TONGXING_TRUSTED_PROXIES": "proxy.example.org", "TONGXING_FIGURES_MAX_STALE": "-1m"}
	_, err = server.LoadConfig(env(bad))
	for name := range bad {
		if err == nil || !strings.Contains(err.Error(), name+"=") {
			t.Errorf("bad %s not reported: %v", name, err)
		}
	}
}

func TestRunReportsBadAddressAndDatabase(t *testing.T) {
	cfg, _ := server.LoadConfig(func(string) string { return "" })
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cfg.Addr = ln.Addr().String()
	err = server.Run(context.Background(), cfg, io.Discard)
	if err == nil || !strings.HasPrefix(err.Error(), "cannot listen on "+cfg.Addr) || strings.Contains(err.Error(), "\n") {
		t.Errorf("busy address: %v", err)
	}
	cfg.Addr = "127.0.0.1:0"
	cfg.DatabaseURL = "postgres://tongxing:secret@127.0.0.1:1/tongxing?sslmode=disable&connect_timeout=2"
	err = server.Run(context.Background(), cfg, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "TONGXING_SECRET_KEY is required with PostgreSQL") {
		t.Errorf("PostgreSQL without a secret key: %v", err)
	}
	cfg.SecretKey = make([]byte, 32)
	err = server.Run(context.Background(), cfg, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "cannot reach postgres database") || strings.Contains(err.Error(), "secret") {
		t.Errorf("unreachable database: %v", err)
	}
}

func TestLifecycleConfig(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	cfg, err := server.LoadConfig(env(map[string]string{"TONGXING_NEED_SLA": "CRITICAL=12h", "TONGXING_STAR_TIERS": "100,200,500,800,1000",
		"TONGXING_HOLIDAYS": "2026-10-01, 2026-10-02", "TONGXING_SECRET_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}))
	if err != nil || cfg.NeedSLA["CRITICAL"] != 12*time.Hour || cfg.NeedSLA["LOW"] != 14*24*time.Hour ||
		cfg.Stars.For("330411").Stars(500) != 3 || len(cfg.Holidays) != 2 || len(cfg.SecretKey) != 32 {
		t.Errorf("config = %+v, %v", cfg, err)
	}
	_, err = server.LoadConfig(env(map[string]string{"TONGXING_NEED_SLA": "SOON=1h", "TONGXING_STAR_TIERS": "1,2", "TONGXING_HOLIDAYS": "10/01", "TONGXING_SECRET_KEY": "short"}))
	for _, want := range []string{"TONGXING_NEED_SLA", "TONGXING_STAR_TIERS", "TONGXING_HOLIDAYS", "TONGXING_SECRET_KEY"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bad %s not reported: %v", want, err)
		}
	}
}

func TestCaseConfig(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	const secret, other = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", "YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODk="
	cfg, err := server.LoadConfig(env(map[string]string{"TONGXING_SECRET_KEY": secret, "TONGXING_CASE_KEY": other, "TONGXING_CASE_SEAL_AFTER": "8760h"}))
	if err != nil || len(cfg.CaseKey) != 32 || cfg.CaseSealAfter != 8760*time.Hour {
		t.Errorf("config = %+v, %v", cfg, err)
	}
	for _, bad := range []map[string]string{
		{"TONGXING_SECRET_KEY": secret, "TONGXING_CASE_KEY": secret}, // one secret for both defeats the separation
		{"TONGXING_CASE_KEY": "short"},
		{"TONGXING_CASE_SEAL_AFTER": "1h"},
		{"TONGXING_CASE_SEAL_AFTER": "three years"},
	} {
		if _, err := server.LoadConfig(env(bad)); err == nil || !strings.Contains(err.Error(), "TONGXING_CASE_") {
			t.Errorf("%v: %v", bad, err)
		}
	}
	// The embedded database generates a case key of its own beside the
	// database file; PostgreSQL runs with case work off until one is given.
	dir := t.TempDir()
	cfg, _ = server.LoadConfig(env(map[string]string{"TONGXING_DATABASE_URL": filepath.Join(dir, "t.db")}))
	if on, err := cfg.ResolveCaseKey(); !on || err != nil || len(cfg.CaseKey) != 32 {
		t.Fatalf("embedded: %v %v", on, err)
	}
	if err := cfg.ResolveSecretKey(); err != nil || string(cfg.SecretKey) == string(cfg.CaseKey) {
		t.Errorf("the two generated keys: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "tongxing-case.secret")); err != nil {
		t.Error(err)
	}
	cfg, _ = server.LoadConfig(env(map[string]string{"TONGXING_DATABASE_URL": "postgres://x@127.0.0.1:1/x"}))
	if on, err := cfg.ResolveCaseKey(); on || err != nil || cfg.CaseKey != nil {
		t.Errorf("PostgreSQL without a case key: %v %v", on, err)
	}
}

func TestCertificateRoutesMounted(t *testing.T) {
	a := newAPI(t, dbtest.OpenSQLite(t))
	for path, want := range map[string]int{"/verify/NOSUCHCODE234": 404, "/certificates/ZYZM-330411-2026-000001": 401} {
		rec := httptest.NewRecorder()
		a.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != want {
			t.Errorf("GET %s = %d, want %d", path, rec.Code, want)
		}
	}
}
