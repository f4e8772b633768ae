// Package metrics holds the server's Prometheus metrics and the handler
// that exposes them (TONGXING_METRICS_ADDR, docs/operations.md). The
// collectors are package-level, as Prometheus instrumentation usually is,
// but registered on the package's own registry rather than the global one.
// No label takes a value from a client unbounded: operation names are
// GraphQL names, capped in number (OperationLabel).
package metrics

import (
	"database/sql"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry holds every collector of this package, with the Go runtime's
// and the process's.
var Registry = prometheus.NewRegistry()

// latencyBuckets span a cached read (a few ms) to the request time limit.
var latencyBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

var (
	httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tongxing_http_requests_total",
		Help: "HTTP requests by route and status.",
	}, []string{"route", "status"})
	httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "tongxing_http_request_duration_seconds",
		Help:    "HTTP request latency by route.",
		Buckets: latencyBuckets,
	}, []string{"route"})
	graphqlOperations = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tongxing_graphql_operations_total",
		Help: "GraphQL requests by operation name, operation type and error code (\"\" when none).",
	}, []string{"operation", "type", "code"})
	graphqlDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "tongxing_graphql_operation_duration_seconds",
		Help:    "GraphQL request latency by operation name.",
		Buckets: latencyBuckets,
	}, []string{"operation"})
	rateLimited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tongxing_rate_limit_refusals_total",
		Help: "Requests refused with RATE_LIMITED, by the limit that refused them (client, key, import).",
	}, []string{"limit"})
	openDataBuild = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "tongxing_opendata_build_duration_seconds",
		Help:    "Duration of open-data release builds, successful or not.",
		Buckets: []float64{1, 2.5, 5, 10, 30, 60, 120, 300, 600},
	})
	openDataFailures = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "tongxing_opendata_build_failures_total",
		Help: "Open-data release builds that failed.",
	})
	openDataLastSuccess = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "tongxing_opendata_last_success_timestamp_seconds",
		Help: "When the last open-data build succeeded (Unix time; 0 before the first).",
	})
	exportRows = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tongxing_export_rows_total",
		Help: "Rows written by partner exports, by table.",
	}, []string{"table"})
)

func init() {
	Registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		httpRequests, httpDuration, graphqlOperations, graphqlDuration, rateLimited,
		openDataBuild, openDataFailures, openDataLastSuccess, exportRows,
	)
}

// Handler serves the registry in the Prometheus exposition formats.
func Handler() http.Handler {
	return promhttp.HandlerFor(Registry, promhttp.HandlerOpts{Registry: Registry})
}

// RegisterDB adds the connection pool's statistics (open, in use, idle,
// waits) as go_sql_*{db_name="tongxing"}; one pool per process.
func RegisterDB(db *sql.DB) {
	poolOnce.Do(func() {
		Registry.MustRegister(collectors.NewDBStatsCollector(db, "tongxing"))
	})
}

var poolOnce sync.Once

// ObserveRequest counts one HTTP request.
func ObserveRequest(route string, status int, took time.Duration) {
	httpRequests.WithLabelValues(route, statusLabel(status)).Inc()
	httpDuration.WithLabelValues(route).Observe(took.Seconds())
}

// ObserveOperation counts one GraphQL request: its operation (see
// OperationLabel), type and first error code; keyed says a key sent it.
func ObserveOperation(name, typ, code string, keyed bool, took time.Duration) {
	op := OperationLabel(name, keyed)
	graphqlOperations.WithLabelValues(op, typ, code).Inc()
	graphqlDuration.WithLabelValues(op).Observe(took.Seconds())
}

// RateLimited counts a refusal by one of the limits.
func RateLimited(limit string) { rateLimited.WithLabelValues(limit).Inc() }

// OpenDataBuilt records a build of took, failed when err is not nil.
func OpenDataBuilt(took time.Duration, err error, at time.Time) {
	openDataBuild.Observe(took.Seconds())
	if err != nil {
		openDataFailures.Inc()
		return
	}
	openDataLastSuccess.Set(float64(at.Unix()))
}

// ExportedRows counts rows written by a partner export of table.
func ExportedRows(table string, n int) { exportRows.WithLabelValues(table).Add(float64(n)) }

// The operation label's values are bounded: clients name their
// operations, and each name is a set of series. Keyed callers (the
// district's own applications) and anonymous ones have separate quotas,
// so that anonymous callers inventing names cannot use up the slots the
// staff's operations need.
const (
	maxKeyedOperations     = 150
	maxAnonymousOperations = 50
)

var operations = struct {
	sync.Mutex
	keyed, anonymous map[string]bool
}{keyed: map[string]bool{}, anonymous: map[string]bool{}}

// OperationLabel is the label value for an operation name: "anonymous"
// for none; the name itself while its caller's quota lasts (the first 150
// distinct names keyed callers send, the first 50 of anonymous callers; a
// name already counted stays counted for everyone); "other" after that.
// Names reach here from parsed operations, so they are GraphQL names
// ([_A-Za-z][_0-9A-Za-z]*); anything else is "invalid".
func OperationLabel(name string, keyed bool) string {
	switch {
	case name == "":
		return "anonymous"
	case !isName(name):
		return "invalid"
	}
	operations.Lock()
	defer operations.Unlock()
	if operations.keyed[name] || operations.anonymous[name] {
		return name
	}
	seen, quota := operations.anonymous, maxAnonymousOperations
	if keyed {
		seen, quota = operations.keyed, maxKeyedOperations
	}
	if len(seen) >= quota {
		return "other"
	}
	seen[name] = true
	return name
}

func isName(s string) bool {
	if len(s) > 100 {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

func statusLabel(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status)
}
