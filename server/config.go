// Package server assembles the HTTP server: configuration, routes, and the
// middleware every request passes (request id, logging, recovery, CORS, body
// limit, API-key identity).
package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is the server's configuration, read from TONGXING_* variables.
type Config struct {
	// Addr is the listen address (TONGXING_ADDR, default ":8080").
	Addr string
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
	// ShutdownTimeout bounds graceful shutdown (TONGXING_SHUTDOWN_TIMEOUT, default 15s).
	ShutdownTimeout time.Duration
	// LogLevel is debug, info, warn or error (TONGXING_LOG_LEVEL, default info).
	LogLevel slog.Level
	// LogFormat is text or json (TONGXING_LOG_FORMAT, default text).
	LogFormat string
	// PublicURL is the externally visible base URL, used in printed links
	// (TONGXING_PUBLIC_URL, default derived from Addr).
	PublicURL string
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
		ShutdownTimeout: 15 * time.Second,
		LogLevel:        slog.LevelInfo,
		LogFormat:       "text",
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
	if v := getenv("TONGXING_MAX_BODY_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1024 {
			errs = append(errs, fmt.Errorf("TONGXING_MAX_BODY_BYTES=%q: want a byte count of at least 1024", v))
		} else {
			c.MaxBodyBytes = n
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
	return c, errors.Join(errs...)
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
