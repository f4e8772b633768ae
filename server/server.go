package server

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/tongxing/tongxing/opendata"
	"github.com/tongxing/tongxing/opendata/announce"

	"github.com/tongxing/tongxing/pii"

	"github.com/rs/cors"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/apikeys"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/certificates"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/graph"
	"github.com/tongxing/tongxing/imports"
	"github.com/tongxing/tongxing/metrics"
	"github.com/tongxing/tongxing/opendata/signing"
	"github.com/tongxing/tongxing/partners"
	"github.com/tongxing/tongxing/policy"
	"github.com/tongxing/tongxing/requestid"
	"github.com/tongxing/tongxing/requestlog"
	"github.com/tongxing/tongxing/results"
	"github.com/tongxing/tongxing/server/graphiql"
	"github.com/tongxing/tongxing/sheet"
	"github.com/tongxing/tongxing/tracing"
	"github.com/tongxing/tongxing/volunteers"
	"github.com/tongxing/tongxing/webhooks"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Server is the assembled HTTP server.
type Server struct {
	cfg    Config
	db     *database.DB
	logger *slog.Logger
	now    func() time.Time
	keys   *pii.Keys
	// figures protects figures about people in API answers.
	figures *results.Figures
	// caseNotes seals case narratives; nil when case work is off.
	caseNotes *pii.CaseNotes
	// webhookSecrets seals and opens webhook subscribers' signing secrets.
	webhookSecrets *pii.SecretBox
	// volunteers is volunteer self-service (package volunteers).
	volunteers *volunteers.Desk
}

// New returns a server over an open, migrated database.
func New(cfg Config, db *database.DB, logger *slog.Logger) *Server {
	if logger == nil {
		logger = slog.Default()
	}
	secret := cfg.SecretKey
	if secret == nil {
		// Only tests get here (Run resolves the key first): a throwaway key
		// keeps them free of files, at the price of unreadable ID numbers
		// across restarts.
		secret = make([]byte, pii.MinKeyBytes)
		_, _ = rand.Read(secret)
	}
	keys, err := pii.NewKeys(secret)
	if err != nil {
		panic(err) // LoadConfig already refused short keys
	}
	// Figures about people reach callers who may not read those people only
	// through the open-data disclosure rules, with the publisher's own
	// configuration; needs about children are rows of their own (policy).
	oc, err := cfg.FiguresOpenData(secret)
	if err != nil {
		panic(err) // the defaults with a valid key always load
	}
	policy.SetChildDomains(oc.ChildDomains)
	figures, err := results.NewFigures(oc, nil)
	if err != nil {
		panic(err) // LoadConfig already refused a short secret or a low k
	}
	figures.ServeStaleFor(cfg.FiguresMaxStale)
	// Protected figures follow this server's own writes at once.
	db.Client.Use(figures.Hook())
	policy.SetCaseSealAfter(cfg.CaseSealAfter)
	var notes *pii.CaseNotes
	if cfg.CaseKey != nil {
		if notes, err = pii.NewCaseNotes(cfg.CaseKey); err != nil {
			panic(err) // LoadConfig already refused short keys
		}
	}
	box, err := pii.NewSecretBox(secret, webhooks.SecretPurpose)
	if err != nil {
		panic(err) // LoadConfig already refused short keys
	}
	clock := cfg.Now
	if clock == nil {
		clock = time.Now
	}
	srv := &Server{cfg: cfg, db: db, logger: logger, now: clock, keys: keys, figures: figures, caseNotes: notes, webhookSecrets: box}
	recordKey, err := signing.DeriveFor(secret, volunteers.RecordKeyLabel)
	if err != nil {
		panic(err) // the secret is never empty here
	}
	srv.volunteers = &volunteers.Desk{
		Now: func() time.Time { return srv.now() }, CodeKey: volunteers.DeriveCodeKey(secret), RecordKey: recordKey,
		Issuer: oc.Publisher.String(), Trusted: cfg.TrustedHoursKeys, Stars: cfg.Stars, Publish: volunteers.PublishWebhook,
	}
	if cfg.InviteDelivery == "webhook" {
		srv.volunteers.DeliverInvites = volunteers.PublishInvite
	}
	// Outbox events for reviews and activity changes made through any
	// mutation.
	srv.volunteers.Track(db.Client)
	return srv
}

// Sweeper closes forgotten check-ins and writes reminders, every minute,
// until ctx ends (docs/volunteers.md).
func (s *Server) Sweeper(ctx context.Context) {
	sweep := func() {
		sys := policy.SystemContext(ctx, "volunteers")
		if n, err := s.volunteers.CloseForgotten(sys, s.db.Client); err != nil && ctx.Err() == nil {
			s.logger.Error("closing forgotten check-ins", "error", err)
		} else if n > 0 {
			s.logger.Info("closed forgotten check-ins", "count", n)
		}
		if _, err := s.volunteers.Remind(sys, s.db.Client); err != nil && ctx.Err() == nil {
			s.logger.Error("writing reminders", "error", err)
		}
	}
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		sweep()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// WebhookWorker is the delivery worker of this server's webhooks: Run
// starts it beside the HTTP server.
func (s *Server) WebhookWorker() *webhooks.Worker {
	return &webhooks.Worker{Client: s.db.Client, Box: s.webhookSecrets, Config: s.cfg.Webhooks, Logger: s.logger}
}

// webhookDesk registers subscribers for the events the server publishes.
func (s *Server) webhookDesk() *webhooks.Desk {
	return &webhooks.Desk{Box: s.webhookSecrets, Events: []string{announce.EventReleasePublished, volunteers.EventType, volunteers.InviteEventType}, AllowPrivate: s.cfg.Webhooks.AllowPrivate}
}

// Handler returns the root HTTP handler with every route and middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	api := graph.NewHandler(s.db.Client, graph.Options{Logger: s.logger, Introspection: s.cfg.Introspection, Keys: s.keys, SLA: s.cfg.NeedSLA, Stars: s.cfg.Stars, Limits: s.cfg.Limits, Figures: s.figures, CaseNotes: s.caseNotes, Webhooks: s.webhookDesk(),
		Uploads: sheet.Limits{Bytes: s.cfg.MaxUploadBytes}, Volunteers: s.volunteers})
	// /graphql alone is rate limited and timed: throttle first, then the
	// cheap refusals, then the key lookup (a database read) and the query.
	rl := newRateLimiter(s.cfg, s.now)
	mux.Handle("/graphql", rl.limitClients(graphqlGate(s.limitTime(requireUTF8(s.identify(rl.limitKeys(api)))))))
	ide := graphiql.Handler(graphiql.DefaultTitle, "/graphql")
	mux.Handle("/graphiql", ide)
	mux.Handle("/graphiql/", ide)
	mux.Handle(partners.ExportPrefix, rl.limitClients(s.identify(rl.limitKeys(partners.ExportHandler(s.db.Client, s.keys, s.logger)))))
	if od, err := opendata.NewHandler(s.openDataConfig(), s.logger); err == nil {
		mux.Handle("/opendata/", od)
	} else {
		s.logger.Error("open data portal unavailable", "error", err)
		mux.HandleFunc("GET /opendata/", s.openDataPending)
	}
	// Hour certificates: /verify/{code} is public (it shows no more than the
	// certificate's verification fields); the printable /certificates/{number}
	// shows the holder's name and needs a key, rate-limited like the API.
	certs := certificates.NewHandler(s.db.Client, s.logger, s.publicBaseURL)
	mux.Handle("/verify/", rl.limitClients(certs))
	mux.Handle("/certificates/", rl.limitClients(s.identify(rl.limitKeys(certs))))
	// Imports take an upload of up to MaxUploadBytes and run as long as the
	// file needs (no request time limit; a client that goes away cancels
	// the transaction).
	mux.Handle(imports.Prefix, rl.limitClients(s.identify(rl.limitKeys(imports.Handler(s.db.Client, s.keys, s.logger, s.now, sheet.Limits{Bytes: s.cfg.MaxUploadBytes})))))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", s.ready)
	mux.HandleFunc("GET /{$}", s.home)

	var h http.Handler = mux
	h = s.limitBody(h)
	h = s.cors().Handler(h)
	h = s.recoverPanics(h)
	h = s.logRequests(h)
	h = requestid.Middleware(func(r *http.Request) bool { return isTrusted(parseHost(r.RemoteAddr), s.cfg.TrustedProxies) }, h)
	return h
}

// MetricsHandler serves /metrics for Prometheus and the Go profiler under
// /debug/pprof/; Run puts it on TONGXING_METRICS_ADDR, apart from the API,
// because a profile is for operators, never for callers of the API
// (docs/operations.md).
func MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler())
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	return mux
}

// cors allows the configured browser origins to call the API with a key.
// With none configured no foreign origin is allowed: rs/cors reads an empty
// AllowedOrigins as "*", so the empty list is replaced by a rule that
// allows nothing. "*" applies only when configured.
func (s *Server) cors() *cors.Cors {
	var none func(string) bool
	if len(s.cfg.CORSOrigins) == 0 {
		none = func(string) bool { return false }
	}
	return cors.New(cors.Options{
		AllowedOrigins:  s.cfg.CORSOrigins,
		AllowOriginFunc: none,
		AllowedMethods:  []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		// With the headers Apollo Client sends: its client awareness pair,
		// and the two its CSRF-prevention preflight uses.
		AllowedHeaders: []string{"Authorization", "Content-Type", "Accept", requestid.Header,
			"Apollographql-Client-Name", "Apollographql-Client-Version", "X-Apollo-Operation-Name", "Apollo-Require-Preflight",
			// W3C trace context, which the server continues (tracing).
			"Traceparent", "Tracestate"},
		ExposedHeaders:   []string{requestid.Header, "Retry-After", "X-Next-Cursor", "X-Has-More"},
		AllowCredentials: false,
		MaxAge:           600,
	})
}

// identify resolves the bearer key, if any, into the request's viewer. A
// request without a key is anonymous; a bad key is refused outright rather
// than downgraded to anonymous, so a client notices its mistake.
func (s *Server) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(auth.WithClient(r.Context(), bucketKey(clientAddr(r, s.cfg.TrustedProxies))))
		header := r.Header.Get("Authorization")
		if header == "" {
			next.ServeHTTP(w, r)
			return
		}
		scheme, secret, ok := strings.Cut(header, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			apierror.Write(w, r, http.StatusUnauthorized, apierror.New(apierror.Unauthenticated,
				"Authorization 头格式应为 Bearer <key> (Authorization header must be: Bearer <key>)"))
			return
		}
		sys := policy.SystemContext(r.Context(), "authenticator")
		v, err := apikeys.Authenticate(sys, s.db.Client, strings.TrimSpace(secret), s.now())
		switch {
		case errors.Is(err, apikeys.ErrInvalidKey):
			apierror.Write(w, r, http.StatusUnauthorized, apierror.New(apierror.Unauthenticated,
				"API 密钥无效、已过期或已吊销 (invalid, expired or revoked API key)"))
			return
		case err != nil:
			s.logger.ErrorContext(r.Context(), "authenticate", "request_id", requestid.From(r.Context()), "error", err)
			apierror.WriteInternal(w, r)
			return
		}
		requestlog.From(r.Context()).SetCaller(string(v.Role), v.KeyID)
		next.ServeHTTP(w, r.WithContext(auth.NewContext(r.Context(), v)))
	})
}

// graphqlGate refuses, with a coded error, requests no GraphQL transport
// accepts: other methods, and POST bodies that are not JSON.
func graphqlGate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodOptions:
		case http.MethodPost:
			if !graph.HasJSONBody(r) && !graph.IsMultipart(r) {
				apierror.Write(w, r, http.StatusUnsupportedMediaType, apierror.New(apierror.BadUserInput,
					"请以 Content-Type: application/json 发送 (send the request as Content-Type: application/json)"))
				return
			}
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			apierror.Write(w, r, http.StatusMethodNotAllowed, apierror.New(apierror.BadUserInput,
				"只支持 GET 与 POST (only GET and POST are supported)"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// openDataConfig is the configured publisher, or, in tests that configure
// none, one over an empty directory (the portal says no release exists).
func (s *Server) openDataConfig() opendata.Config {
	oc := s.cfg.OpenData
	if oc.Dir == "" {
		oc.Dir = filepath.Join(os.TempDir(), "tongxing-no-opendata")
	}
	return oc
}

// publicBaseURL is where people reach this server: TONGXING_PUBLIC_URL, or
// the host the request came to.
func (s *Server) publicBaseURL(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.logger.WarnContext(r.Context(), "readiness check failed", "error", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "unreachable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "database": s.db.Dialect})
}

func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := s.cfg.MaxBodyBytes
		if isUpload(r) {
			limit = s.cfg.MaxUploadBytes
		}
		if r.ContentLength > limit {
			apierror.Write(w, r, http.StatusRequestEntityTooLarge, apierror.New(apierror.BadUserInput,
				fmt.Sprintf("请求体超过 %d 字节 (request body larger than %d bytes)", limit, limit)))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// isUpload reports whether r carries a spreadsheet: an import, or a
// GraphQL multipart request (graph.IsMultipart). Both refuse a caller
// without a key before they read the body.
func isUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && (strings.HasPrefix(r.URL.Path, imports.Prefix) || r.URL.Path == "/graphql" && graph.IsMultipart(r))
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.logger.ErrorContext(r.Context(), "panic", "request_id", requestid.From(r.Context()), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				apierror.WriteInternal(w, r)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logRequests writes one access-log line per request and counts it in
// the metrics. The line names the route, the GraphQL operation, the error
// code and the key by role and number — never the key, its name (often a
// person's), a request body, variables, or a full client address (the
// network's first 24 bits, or 48 for IPv6).
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		route := routeOf(r.URL.Path)
		ctx, fields := requestlog.NewContext(r.Context())
		ctx, span := tracing.Tracer().Start(tracing.Propagator.Extract(ctx, propagation.HeaderCarrier(r.Header)),
			r.Method+" "+route, trace.WithSpanKind(trace.SpanKindServer))
		defer span.End()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(ctx))
		took := time.Since(start)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		metrics.ObserveRequest(route, rec.status, took)
		f := fields.Snapshot()
		traceRequest(span, r.Method, route, rec.status, f)
		if route == "/graphql" && r.Method != http.MethodOptions {
			metrics.ObserveOperation(f.Operation, f.OperationType, f.Code, f.Role != "", took)
		}
		if route == "/healthz" || route == "/readyz" {
			return
		}
		attrs := []slog.Attr{
			slog.String("request_id", requestid.From(ctx)),
			slog.String("method", r.Method),
			slog.String("route", route),
			slog.Int("status", rec.status),
			slog.Int("bytes", rec.bytes),
			slog.Duration("duration", took),
			slog.String("client_network", clientNetwork(clientAddr(r, s.cfg.TrustedProxies))),
		}
		if f.Operation != "" || f.OperationType != "" {
			attrs = append(attrs, slog.String("operation", metrics.OperationLabel(f.Operation, f.Role != "")), slog.String("operation_type", f.OperationType))
		}
		if f.Code != "" {
			attrs = append(attrs, slog.String("code", f.Code))
		}
		role := "anonymous"
		if f.Role != "" {
			role = f.Role
			attrs = append(attrs, slog.Int("key_id", f.KeyID))
		}
		attrs = append(attrs, slog.String("role", role))
		if sc := span.SpanContext(); sc.IsValid() {
			attrs = append(attrs, slog.String("trace_id", sc.TraceID().String()))
		}
		s.logger.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
	})
}

// traceRequest sets the span's attributes: the same fields as the log
// line, nothing a client sent but its method and route.
func traceRequest(span trace.Span, method, route string, status int, f requestlog.Snapshot) {
	if !span.IsRecording() {
		return
	}
	attrs := []attribute.KeyValue{
		attribute.String("http.request.method", method),
		attribute.String("http.route", route),
		attribute.Int("http.response.status_code", status),
	}
	if f.OperationType != "" {
		attrs = append(attrs, attribute.String("graphql.operation.name", metrics.OperationLabel(f.Operation, f.Role != "")),
			attribute.String("graphql.operation.type", f.OperationType))
	}
	if f.Code != "" {
		attrs = append(attrs, attribute.String("tongxing.error.code", f.Code))
	}
	if f.Role != "" {
		attrs = append(attrs, attribute.String("tongxing.role", f.Role))
	}
	span.SetAttributes(attrs...)
	if status >= 500 {
		span.SetStatus(codes.Error, f.Code)
	}
}

// routeOf is the route a path belongs to: the label of the request's
// metrics and its log line (paths carry certificate numbers and
// verification codes, which are not logged).
func routeOf(path string) string {
	for _, prefix := range []string{"/graphql", "/graphiql", "/opendata/", "/verify/", "/certificates/", imports.Prefix, partners.ExportPrefix} {
		if path == prefix || strings.HasPrefix(path, strings.TrimSuffix(prefix, "/")+"/") {
			return strings.TrimSuffix(prefix, "/")
		}
	}
	switch path {
	case "/", "/healthz", "/readyz":
		return path
	}
	return "other"
}

// clientNetwork is the client's network, not its address: the first 24
// bits of IPv4, 48 of IPv6 — enough to see where traffic comes from,
// not whose device it was.
func clientNetwork(addr netip.Addr) string {
	if !addr.IsValid() {
		return ""
	}
	bits := 48
	if addr.Is4() {
		bits = 24
	}
	prefix, err := addr.Prefix(bits)
	if err != nil {
		return ""
	}
	return prefix.String()
}

// writeJSON sends the health documents (/healthz, /readyz); refusals go
// through apierror.Write.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
