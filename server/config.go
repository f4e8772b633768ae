// Package server assembles the HTTP server: configuration, routes, and the
// middleware every request passes (request id, logging, recovery, CORS, body
// limit, API-key identity).
package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tongxing/tongxing/opendata"
	"github.com/tongxing/tongxing/opendata/signing"

	"github.com/tongxing/tongxing/hours"
	"github.com/tongxing/tongxing/needs"

	"github.com/tongxing/tongxing/graph"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/webhooks"
)

// Config is the server's configuration, read from TONGXING_* variables.
type Config struct {
	// Addr is the listen address (TONGXING_ADDR, default ":8080").
	Addr string
	// MetricsAddr is where /metrics is served (TONGXING_METRICS_ADDR);
	// empty, the default, serves no metrics. An address of its own keeps
	// them off the public port.
	MetricsAddr string
	// DatabaseURL selects the store (TONGXING_DATABASE_URL): an SQLite file
	// path (default "tongxing.db") or postgres://….
	DatabaseURL string
	// CORSOrigins are the browser origins allowed to call the API
	// (TONGXING_CORS_ORIGINS, comma-separated; "*" allows any).
	CORSOrigins []string
	// DemoData seeds the demo district into an empty database on start
	// (TONGXING_DEMO_DATA, default true).
	DemoData bool
	// Introspection allows GraphQL schema introspection (TONGXING_INTROSPECTION, default true).
	Introspection bool
	// MaxBodyBytes bounds a request body (TONGXING_MAX_BODY_BYTES, default 1 MiB).
	MaxBodyBytes int64
	// MaxUploadBytes bounds an uploaded spreadsheet: the body of POST
	// /import/{kind} and of a multipart GraphQL request
	// (TONGXING_MAX_UPLOAD_BYTES, default 64 MiB).
	MaxUploadBytes int64
	// ShutdownTimeout bounds graceful shutdown (TONGXING_SHUTDOWN_TIMEOUT, default 15s).
	ShutdownTimeout time.Duration
	// FiguresMaxStale is how old the protected figures may be while a slow
	// rebuild after a change runs (TONGXING_FIGURES_MAX_STALE, default 2m;
	// 0: wait for it). results.Figures.ServeStaleFor.
	FiguresMaxStale time.Duration
	// LogLevel is debug, info, warn or error (TONGXING_LOG_LEVEL, default info).
	LogLevel slog.Level
	// LogFormat is text or json (TONGXING_LOG_FORMAT, default text).
	LogFormat string
	// PublicURL is the externally visible base URL, used in printed links
	// (TONGXING_PUBLIC_URL, default derived from Addr).
	PublicURL string
	// Limits bound every GraphQL request: TONGXING_MAX_DEPTH (default 12),
	// TONGXING_MAX_COMPLEXITY (5000), TONGXING_MAX_ALIASES (50),
	// TONGXING_MAX_OPERATIONS (5) and TONGXING_MAX_TOKENS (20000).
	Limits graph.Limits
	// RateLimitAnon is the requests per minute /graphql accepts from one
	// client IP without a key (TONGXING_RATE_LIMIT_ANON, default 120; 0
	// turns the limit off).
	RateLimitAnon int
	// RateLimitKey is the requests per minute /graphql accepts per API key
	// (TONGXING_RATE_LIMIT_KEY, default 600; 0 turns the limit off).
	RateLimitKey int
	// RequestTimeout bounds the handling of one /graphql request
	// (TONGXING_REQUEST_TIMEOUT, default 30s).
	RequestTimeout time.Duration
	// StatementTimeout bounds one database statement on PostgreSQL
	// (TONGXING_STATEMENT_TIMEOUT; default 5s below RequestTimeout, and
	// at most half of a RequestTimeout of 10s or less; 0 turns it off). It
	// sits below the request timeout so that the database stops a runaway
	// statement itself and the client gets QUERY_TOO_COMPLEX rather than a
	// timeout. SQLite needs none: its statements stop with the request.
	StatementTimeout time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For header
	// names the client (TONGXING_TRUSTED_PROXIES, comma-separated IPs or
	// CIDR prefixes; default none, so the connection's address is the
	// client).
	TrustedProxies []netip.Prefix
	// SecretKey encrypts ID numbers and keys partner pseudonyms
	// (TONGXING_SECRET_KEY, ≥32 bytes as base64 or hex). Without it the
	// embedded database keeps a generated key beside its file; PostgreSQL
	// mode refuses to start.
	SecretKey []byte
	// CaseKey seals the narrative of case files (TONGXING_CASE_KEY, ≥32
	// bytes as base64 or hex), a secret apart from SecretKey. Without it the
	// embedded database keeps a generated key in tongxing-case.secret beside
	// its file; with PostgreSQL case work stays off (every case operation is
	// refused) until one is given.
	CaseKey []byte
	// CaseSealAfter is how long a closed case stays readable to its agency
	// before only ADMIN reads it (TONGXING_CASE_SEAL_AFTER, e.g. 26280h;
	// default three years).
	CaseSealAfter time.Duration
	// NeedSLA is how long needs of each urgency may stay unresolved
	// (TONGXING_NEED_SLA, e.g. "CRITICAL=12h,HIGH=48h").
	NeedSLA needs.SLA
	// Stars are the star tiers by cumulative verified hours, with regional
	// overrides (TONGXING_STAR_TIERS).
	Stars hours.StarScale
	// Holidays are non-working days for the 10-working-day entry deadline
	// (TONGXING_HOLIDAYS, comma-separated YYYY-MM-DD).
	Holidays []time.Time
	// OpenData configures the open-data publisher (TONGXING_OPENDATA_*);
	// Run fills it once the secret key is known. Empty in tests: the portal
	// then serves from a directory with no release.
	OpenData opendata.Config
	// Webhooks configures webhook delivery (TONGXING_WEBHOOK_*): whether
	// subscribers may be on private addresses, attempts, back-off, timeout.
	Webhooks webhooks.Config
	// Now is the server's clock; nil is time.Now. Tests move it to drive
	// time-dependent flows (check-in codes, deadlines) without waiting.
	Now func() time.Time
	// InviteDelivery is how volunteer invitation codes reach volunteers
	// (TONGXING_INVITE_DELIVERY): "shown" to the issuing editor (default),
	// or "webhook" to the mini-program backend, which texts them to the
	// phone on record, so that no member of staff holds one.
	InviteDelivery string
	// TrustedHoursKeys are the public keys of the other districts whose
	// signed hours records are imported (TONGXING_HOURS_TRUST: comma-separated
	// PEM files, each one district's /graphql hoursRecordKey.pem).
	TrustedHoursKeys []signing.PublicKey
}

// LoadConfig reads the configuration from the environment (getenv is
// os.Getenv outside tests). It reports every bad variable at once.
func LoadConfig(getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	c := Config{
		Addr:            ":8080",
		DatabaseURL:     "tongxing.db",
		DemoData:        true,
		Introspection:   true,
		MaxBodyBytes:    1 << 20,
		MaxUploadBytes:  64 << 20,
		ShutdownTimeout: 15 * time.Second,
		FiguresMaxStale: 2 * time.Minute,
		LogLevel:        slog.LevelInfo,
		LogFormat:       "text",
		Limits:          graph.Limits{}.WithDefaults(),
		RateLimitAnon:   120,
		RateLimitKey:    600,
		RequestTimeout:  30 * time.Second,
	}
	var errs []error
	if v := getenv("TONGXING_ADDR"); v != "" {
		c.Addr = v
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("TONGXING_ADDR=%q: want host:port such as :8080 or 127.0.0.1:8080", c.Addr))
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		errs = append(errs, fmt.Errorf("TONGXING_ADDR=%q: port must be 0–65535", c.Addr))
	}
	if v := getenv("TONGXING_METRICS_ADDR"); v != "" {
		if _, port, err := net.SplitHostPort(v); err != nil {
			errs = append(errs, fmt.Errorf("TONGXING_METRICS_ADDR=%q: want host:port such as 127.0.0.1:9090", v))
		} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
			errs = append(errs, fmt.Errorf("TONGXING_METRICS_ADDR=%q: port must be 0–65535", v))
		} else if v == c.Addr {
			errs = append(errs, fmt.Errorf("TONGXING_METRICS_ADDR=%q: must differ from TONGXING_ADDR", v))
		}
		c.MetricsAddr = v
	}
	if v := getenv("TONGXING_DATABASE_URL"); v != "" {
		c.DatabaseURL = v
	}
	if v := getenv("TONGXING_CORS_ORIGINS"); v != "" {
		for _, o := range strings.Split(v, ",") {
			if o = strings.TrimSpace(o); o != "" {
				c.CORSOrigins = append(c.CORSOrigins, o)
			}
		}
	}
	boolVar := func(name string, dst *bool) {
		if v := getenv(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: want true or false", name, v))
				return
			}
			*dst = b
		}
	}
	boolVar("TONGXING_DEMO_DATA", &c.DemoData)
	boolVar("TONGXING_INTROSPECTION", &c.Introspection)
	bytesVar := func(name string, dst *int64) {
		if v := getenv(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1024 {
				errs = append(errs, fmt.Errorf("%s=%q: want a byte count of at least 1024", name, v))
				return
			}
			*dst = n
		}
	}
	bytesVar("TONGXING_MAX_BODY_BYTES", &c.MaxBodyBytes)
	bytesVar("TONGXING_MAX_UPLOAD_BYTES", &c.MaxUploadBytes)
	if v := getenv("TONGXING_FIGURES_MAX_STALE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			errs = append(errs, fmt.Errorf("TONGXING_FIGURES_MAX_STALE=%q: want a duration such as 2m, or 0", v))
		} else {
			c.FiguresMaxStale = d
		}
	}
	if v := getenv("TONGXING_SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("TONGXING_SHUTDOWN_TIMEOUT=%q: want a duration such as 15s", v))
		} else {
			c.ShutdownTimeout = d
		}
	}
	if v := getenv("TONGXING_LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			errs = append(errs, fmt.Errorf("TONGXING_LOG_LEVEL=%q: want debug, info, warn or error", v))
		}
	}
	if v := getenv("TONGXING_LOG_FORMAT"); v != "" {
		if v != "text" && v != "json" {
			errs = append(errs, fmt.Errorf("TONGXING_LOG_FORMAT=%q: want text or json", v))
		}
		c.LogFormat = v
	}
	c.PublicURL = strings.TrimRight(getenv("TONGXING_PUBLIC_URL"), "/")
	var err error
	if c.NeedSLA, err = needs.ParseSLA(getenv("TONGXING_NEED_SLA")); err != nil {
		errs = append(errs, fmt.Errorf("TONGXING_NEED_SLA: %w", err))
	}
	if c.Stars, err = hours.ParseStarScale(getenv("TONGXING_STAR_TIERS")); err != nil {
		errs = append(errs, fmt.Errorf("TONGXING_STAR_TIERS: %w", err))
	}
	switch c.InviteDelivery = strings.TrimSpace(getenv("TONGXING_INVITE_DELIVERY")); c.InviteDelivery {
	case "":
		c.InviteDelivery = "shown"
	case "shown", "webhook":
	default:
		errs = append(errs, fmt.Errorf("TONGXING_INVITE_DELIVERY: %q is neither shown nor webhook", c.InviteDelivery))
	}
	for _, path := range strings.Split(getenv("TONGXING_HOURS_TRUST"), ",") {
		if path = strings.TrimSpace(path); path == "" {
			continue
		}
		b, err := os.ReadFile(path)
		if err == nil {
			var k signing.PublicKey
			if k, err = signing.ParsePublicPEM(b); err == nil {
				c.TrustedHoursKeys = append(c.TrustedHoursKeys, k)
				continue
			}
		}
		errs = append(errs, fmt.Errorf("TONGXING_HOURS_TRUST: %s: %w", path, err))
	}
	for _, d := range strings.Split(getenv("TONGXING_HOLIDAYS"), ",") {
		if d = strings.TrimSpace(d); d == "" {
			continue
		}
		day, err := time.Parse(time.DateOnly, d)
		if err != nil {
			errs = append(errs, fmt.Errorf("TONGXING_HOLIDAYS: %q is not YYYY-MM-DD", d))
			continue
		}
		c.Holidays = append(c.Holidays, day)
	}
	if v := getenv("TONGXING_SECRET_KEY"); v != "" {
		key, err := pii.ParseKey(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("TONGXING_SECRET_KEY: %w", err))
		}
		c.SecretKey = key
	}
	if v := getenv("TONGXING_CASE_KEY"); v != "" {
		key, err := pii.ParseKey(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("TONGXING_CASE_KEY: %w", err))
		}
		c.CaseKey = key
	}
	if v := getenv("TONGXING_CASE_SEAL_AFTER"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 24*time.Hour {
			errs = append(errs, fmt.Errorf("TONGXING_CASE_SEAL_AFTER=%q: want a duration of at least 24h, e.g. 26280h for three years", v))
		}
		c.CaseSealAfter = d
	}
	if c.CaseKey != nil && c.SecretKey != nil && string(c.CaseKey) == string(c.SecretKey) {
		errs = append(errs, errors.New("TONGXING_CASE_KEY must differ from TONGXING_SECRET_KEY: case notes need a key of their own"))
	}
	intVar := func(name string, dst *int, least, most int) {
		if v := getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < least || n > most {
				errs = append(errs, fmt.Errorf("%s=%q: want a whole number from %d to %d", name, v, least, most))
				return
			}
			*dst = n
		}
	}
	intVar("TONGXING_MAX_DEPTH", &c.Limits.MaxDepth, 1, 1000)
	intVar("TONGXING_MAX_COMPLEXITY", &c.Limits.MaxComplexity, 1, 1<<30)
	intVar("TONGXING_MAX_ALIASES", &c.Limits.MaxAliases, 1, 1<<20)
	intVar("TONGXING_MAX_OPERATIONS", &c.Limits.MaxOperations, 1, 1000)
	intVar("TONGXING_MAX_TOKENS", &c.Limits.MaxTokens, 100, 1<<24)
	intVar("TONGXING_RATE_LIMIT_ANON", &c.RateLimitAnon, 0, 1<<24)
	intVar("TONGXING_RATE_LIMIT_KEY", &c.RateLimitKey, 0, 1<<24)
	if v := getenv("TONGXING_REQUEST_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("TONGXING_REQUEST_TIMEOUT=%q: want a duration such as 30s", v))
		} else {
			c.RequestTimeout = d
		}
	}
	c.StatementTimeout = defaultStatementTimeout(c.RequestTimeout)
	if v := getenv("TONGXING_STATEMENT_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d >= c.RequestTimeout {
			errs = append(errs, fmt.Errorf("TONGXING_STATEMENT_TIMEOUT=%q: want a duration below TONGXING_REQUEST_TIMEOUT (%v), such as 25s, or 0 to turn it off", v, c.RequestTimeout))
		} else {
			c.StatementTimeout = d
		}
	}
	if c.Webhooks, err = webhooks.LoadConfig(getenv); err != nil {
		errs = append(errs, err)
	}
	if v := getenv("TONGXING_TRUSTED_PROXIES"); v != "" {
		proxies, err := parsePrefixes(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("TONGXING_TRUSTED_PROXIES=%q: %v", v, err))
		}
		c.TrustedProxies = proxies
	}
	return c, errors.Join(errs...)
}

// defaultStatementTimeout leaves a request a few seconds after its
// statement was stopped to answer with a coded error.
func defaultStatementTimeout(request time.Duration) time.Duration {
	if request > 10*time.Second {
		return request - 5*time.Second
	}
	return request / 2
}

// BaseURL is where users reach the server: PublicURL, or a local URL
// derived from the bound address.
func (c Config) BaseURL(bound net.Addr) string {
	if c.PublicURL != "" {
		return c.PublicURL
	}
	host, port, _ := net.SplitHostPort(bound.String())
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// NewLogger builds the slog logger the configuration asks for.
func (c Config) NewLogger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// IsPostgres reports whether the configured store is PostgreSQL.
func (c Config) IsPostgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

// ResolveCaseKey fills CaseKey when it was not configured: the embedded
// database gets one generated once into tongxing-case.secret; PostgreSQL
// runs without case work until TONGXING_CASE_KEY is given (it reports
// false then, for the log).
func (c *Config) ResolveCaseKey() (bool, error) {
	if c.CaseKey != nil {
		return true, nil
	}
	if c.IsPostgres() {
		return false, nil
	}
	path := strings.TrimPrefix(strings.SplitN(c.DatabaseURL, "?", 2)[0], "file:")
	key, err := pii.LoadOrCreateKeyFile(filepath.Join(filepath.Dir(path), "tongxing-case.secret"))
	if err != nil {
		return false, fmt.Errorf("case key: %w", err)
	}
	c.CaseKey = key
	return true, nil
}

// ResolveSecretKey fills SecretKey when it was not configured: the embedded
// database gets a key generated once into tongxing.secret beside the
// database file; PostgreSQL, where data is shared and backed up elsewhere,
// must be given one explicitly.
func (c *Config) ResolveSecretKey() error {
	if c.SecretKey != nil {
		return nil
	}
	if c.IsPostgres() {
		return errors.New("TONGXING_SECRET_KEY is required with PostgreSQL (e.g. TONGXING_SECRET_KEY=$(openssl rand -base64 32)); keep it safe: ID numbers cannot be read without it")
	}
	path := strings.TrimPrefix(strings.SplitN(c.DatabaseURL, "?", 2)[0], "file:")
	key, err := pii.LoadOrCreateKeyFile(filepath.Join(filepath.Dir(path), "tongxing.secret"))
	if err != nil {
		return fmt.Errorf("secret key: %w", err)
	}
	c.SecretKey = key
	return nil
}

// DataDir is where the server keeps files beside the embedded database
// (the secret key, open-data releases); the working directory with
// PostgreSQL.
func (c Config) DataDir() string {
	if c.IsPostgres() {
		return ""
	}
	return filepath.Dir(strings.TrimPrefix(strings.SplitN(c.DatabaseURL, "?", 2)[0], "file:"))
}

// ResolveOpenData reads the TONGXING_OPENDATA_* variables; the disclosure
// secret falls back to one derived from the secret key.
func (c *Config) ResolveOpenData(getenv func(string) string) error {
	oc, err := opendata.LoadConfig(getenv, c.SecretKey, c.DataDir())
	if err != nil {
		return fmt.Errorf("open data: %w", err)
	}
	if oc.BaseURL == "" {
		oc.BaseURL = c.PublicURL
	}
	c.OpenData = oc
	return nil
}

// FiguresOpenData is the open-data configuration the API's figures about
// people are protected with (results.Figures): the publisher's own, so an
// API figure equals the published cell. When Run has not resolved it
// (tests), it is the publisher's defaults with the cell-key secret derived
// from secretKey exactly as the publisher derives it.
func (c Config) FiguresOpenData(secretKey []byte) (opendata.Config, error) {
	if len(c.OpenData.Secret) > 0 {
		return c.OpenData, nil
	}
	return opendata.LoadConfig(func(string) string { return "" }, secretKey, c.DataDir())
}
