package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/tongxing/tongxing/apikeys"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/policy"
	"github.com/tongxing/tongxing/server"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// lockedBuffer collects the log lines of concurrent requests.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// One access-log line per request says which operation ran, how it ended
// and for which role, and never what the request carried: no key, no key
// name, no variables, no full client address. The metrics count the same
// requests by operation and code.
func TestRequestLogAndMetrics(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	cfg, err := server.LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.SecretKey, cfg.CaseKey = testSecret, testCaseKey
	var logs lockedBuffer
	h := server.New(cfg, db, slog.New(slog.NewJSONHandler(&logs, nil))).Handler()
	const keyName = "社工 王秀英"
	key, _, err := apikeys.Create(policy.SystemContext(t.Context(), "test"), db.Client, keyName, apikeys.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	send := func(key, body string) int {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.RemoteAddr = "192.0.2.77:40000"
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	// The operation names below count against the process's label quotas
	// (metrics.OperationLabel: 50 anonymous names): a test package that
	// sent more distinct anonymous names before this test would see
	// "other" here.
	before := scrape(t)
	send("", `{"query":"query ObservedTowns { regions { totalCount } }"}`)
	send("", `{"query":"query ObservedTowns { regions { totalCount } }"}`)
	send("", `{"query":"query ObservedBroken { regions { nosuchfield } }"}`)
	const phone = "13912345678"
	send(key, `{"query":"query ObservedSearch($p: String!) { searchPeople(phone: $p) { totalCount } }","variables":{"p":"`+phone+`"}}`)
	send("bad-key", `{"query":"{ __typename }"}`)
	after := scrape(t)

	for series, want := range map[string]float64{
		`tongxing_graphql_operations_total{code="",operation="ObservedTowns",type="query"}`:  2,
		`tongxing_graphql_operations_total{code="",operation="ObservedSearch",type="query"}`: 1,
		`tongxing_http_requests_total{route="/graphql",status="401"}`:                        1,
	} {
		if got := after[series] - before[series]; got != want {
			t.Errorf("%s rose by %v, want %v", series, got, want)
		}
	}
	// A validation error never reaches an operation: counted as anonymous
	// with its code.
	if series := `tongxing_graphql_operations_total{code="BAD_USER_INPUT",operation="anonymous",type=""}`; after[series]-before[series] < 1 {
		t.Errorf("%s did not rise", series)
	}

	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %s", line)
		}
		if m["msg"] == "request" {
			lines = append(lines, m)
		}
	}
	if len(lines) != 5 {
		t.Fatalf("%d request lines for 5 requests:\n%s", len(lines), logs.String())
	}
	for i, want := range []map[string]any{
		{"operation": "ObservedTowns", "operation_type": "query", "role": "anonymous", "status": 200.0},
		{"operation": "ObservedTowns", "role": "anonymous"},
		{"code": "BAD_USER_INPUT", "role": "anonymous", "status": 200.0},
		{"operation": "ObservedSearch", "role": "ADMIN", "status": 200.0},
		{"code": "UNAUTHENTICATED", "role": "anonymous", "status": 401.0},
	} {
		for k, v := range want {
			if lines[i][k] != v {
				t.Errorf("line %d: %s = %v, want %v (%v)", i, k, lines[i][k], v, lines[i])
			}
		}
		if lines[i]["request_id"] == "" || lines[i]["client_network"] != "192.0.2.0/24" || lines[i]["route"] != "/graphql" {
			t.Errorf("line %d: %v", i, lines[i])
		}
	}
	if _, ok := lines[3]["key_id"]; !ok {
		t.Errorf("a keyed request's line has no key_id: %v", lines[3])
	}
	all := logs.String()
	for _, secret := range []string{key, keyName, phone, "192.0.2.77", "bad-key", "nosuchfield"} {
		if strings.Contains(all, secret) {
			t.Errorf("the log holds %q:\n%s", secret, all)
		}
	}
}

var seriesLine = regexp.MustCompile(`^([a-z_]+(?:\{[^}]*\})?) ([0-9.e+-]+|NaN)$`)

func scrapeText(t *testing.T) string {
	t.Helper()
	rec := httptest.NewRecorder()
	server.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics = %d", rec.Code)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

// scrape reads /metrics into series → value.
func scrape(t *testing.T) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, line := range strings.Split(scrapeText(t), "\n") {
		if m := seriesLine.FindStringSubmatch(line); m != nil {
			v, _ := strconv.ParseFloat(m[2], 64)
			out[m[1]] = v
		}
	}
	return out
}

func TestMetricsAddrConfig(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	if cfg, err := server.LoadConfig(env(nil)); err != nil || cfg.MetricsAddr != "" {
		t.Errorf("metrics are off by default: %q %v", cfg.MetricsAddr, err)
	}
	if cfg, err := server.LoadConfig(env(map[string]string{"TONGXING_METRICS_ADDR": "127.0.0.1:9090"})); err != nil || cfg.MetricsAddr != "127.0.0.1:9090" {
		t.Errorf("TONGXING_METRICS_ADDR: %q %v", cfg.MetricsAddr, err)
	}
	for _, bad := range []map[string]string{
		{"TONGXING_METRICS_ADDR": "9090"},
		{"TONGXING_METRICS_ADDR": ":99999"},
		{"TONGXING_METRICS_ADDR": ":8080"}, // the API's own address
	} {
		if _, err := server.LoadConfig(env(bad)); err == nil || !strings.Contains(err.Error(), "TONGXING_METRICS_ADDR") {
			t.Errorf("%v accepted: %v", bad, err)
		}
	}
}

// With tracing on, each request is one server span that continues the
// caller's W3C trace, named and described by route, operation, code and
// role — never by the path's codes, the key, or what the request carried.
func TestTraces(t *testing.T) {
	recorder := tracetest.NewSpanRecorder()
	previous := otel.GetTracerProvider()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(recorder)))
	t.Cleanup(func() { otel.SetTracerProvider(previous) })

	a := newAPI(t, dbtest.OpenSQLite(t))
	const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	const phone = "13987654321"
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"query TracedSearch($p: String!) { searchPeople(phone: $p) { totalCount } }","variables":{"p":"`+phone+`"}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.key)
	req.Header.Set("traceparent", parent)
	a.h.ServeHTTP(httptest.NewRecorder(), req)
	a.h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/verify/SECRETCODE123", nil))

	spans := recorder.Ended()
	if len(spans) != 2 {
		t.Fatalf("%d spans for 2 requests", len(spans))
	}
	gql := spans[0]
	if gql.Name() != "POST /graphql" || gql.SpanKind() != trace.SpanKindServer || gql.Parent().TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("span %q kind %v parent %v", gql.Name(), gql.SpanKind(), gql.Parent().TraceID())
	}
	got := map[string]string{}
	for _, kv := range gql.Attributes() {
		got[string(kv.Key)] = kv.Value.Emit()
	}
	for k, v := range map[string]string{"graphql.operation.name": "TracedSearch", "graphql.operation.type": "query", "tongxing.role": "ADMIN", "http.route": "/graphql", "http.response.status_code": "200"} {
		if got[k] != v {
			t.Errorf("attribute %s = %q, want %q (%v)", k, got[k], v, got)
		}
	}
	if spans[1].Name() != "GET /verify" {
		t.Errorf("second span %q", spans[1].Name())
	}
	for _, s := range spans {
		text := s.Name()
		for _, kv := range s.Attributes() {
			text += " " + kv.Value.Emit()
		}
		for _, secret := range []string{phone, a.key, "SECRETCODE123", "192.0.2"} {
			if strings.Contains(text, secret) {
				t.Errorf("span %q carries %q: %s", s.Name(), secret, text)
			}
		}
	}
}

// A request id is the server's own, unless a trusted proxy of the
// deployment passes one on: a client's choice would land in the log and
// the audit trail.
func TestRequestIDsAreTheServers(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	cfg, err := server.LoadConfig(func(k string) string {
		if k == "TONGXING_TRUSTED_PROXIES" {
			return "10.0.0.0/8"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.SecretKey, cfg.CaseKey = testSecret, testCaseKey
	h := server.New(cfg, db, slog.New(slog.DiscardHandler)).Handler()
	get := func(remote string) string {
		req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
		req.RemoteAddr = remote
		req.Header.Set("X-Request-Id", "wang-13800001111")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Header().Get("X-Request-Id")
	}
	if id := get("192.0.2.5:1234"); id == "wang-13800001111" || len(id) != 32 {
		t.Errorf("a client's request id was taken: %q", id)
	}
	if id := get("10.1.2.3:1234"); id != "wang-13800001111" {
		t.Errorf("a trusted proxy's request id was not kept: %q", id)
	}
}
