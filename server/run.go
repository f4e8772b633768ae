package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"github.com/tongxing/tongxing/opendata"

	"github.com/tongxing/tongxing/hours"
	"github.com/tongxing/tongxing/metrics"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/demo"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
	"github.com/tongxing/tongxing/tracing"
)

// Run opens the database, brings it up to date, seeds the demo district if
// configured and the database is empty, then serves until ctx is cancelled
// and shuts down gracefully. Links for people are printed to out.
func Run(ctx context.Context, cfg Config, out io.Writer) error {
	logger := cfg.NewLogger()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", cfg.Addr, unwrapAll(err))
	}
	defer ln.Close()

	for _, d := range cfg.Holidays {
		hours.Holidays[d] = true
	}
	if err := cfg.ResolveSecretKey(); err != nil {
		return err
	}
	caseWork, err := cfg.ResolveCaseKey()
	if err != nil {
		return err
	}
	if !caseWork {
		logger.Warn("case work is off: set TONGXING_CASE_KEY (a secret apart from TONGXING_SECRET_KEY) to enable it")
	}
	if err := cfg.ResolveOpenData(os.Getenv); err != nil {
		return err
	}
	stopTracing, err := tracing.Setup(ctx, os.Getenv, version())
	if err != nil {
		return fmt.Errorf("OpenTelemetry traces: %w", err)
	}
	defer func() { _ = stopTracing(context.Background()) }()
	if tracing.Enabled(os.Getenv) {
		logger.Info("sending OpenTelemetry traces", "endpoint", cmp.Or(os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT")))
	}
	db, err := database.OpenWith(ctx, cfg.DatabaseURL, database.Options{StatementTimeout: cfg.StatementTimeout})
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	logger.Info("database ready", "dialect", db.Dialect, "location", db.Location, "took", time.Since(start).Round(time.Millisecond))
	if cfg.DemoData {
		start := time.Now()
		keys, err := pii.NewKeys(cfg.SecretKey)
		if err != nil {
			return err
		}
		seeded, err := demo.Seed(policy.SystemContext(ctx, "demo-seed"), db, keys)
		if err != nil {
			return fmt.Errorf("seed demo data: %w", err)
		}
		if seeded {
			logger.Info("seeded the demo district", "took", time.Since(start).Round(time.Millisecond))
		}
	}

	metrics.RegisterDB(db.SQL)
	metricsLine := ""
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			return fmt.Errorf("cannot listen on %s (TONGXING_METRICS_ADDR): %w", cfg.MetricsAddr, unwrapAll(err))
		}
		msrv := &http.Server{Handler: MetricsHandler(), ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
		go func() { _ = msrv.Serve(mln) }()
		defer msrv.Close()
		metricsLine = fmt.Sprintf("  Metrics    http://%s/metrics\n", mln.Addr())
	}
	app := New(cfg, db, logger)
	srv := &http.Server{
		Handler:           app.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	base := cfg.BaseURL(ln.Addr())
	fmt.Fprintf(out, "同行 Tongxing is serving on %s\n  GraphQL    %s/graphql\n  GraphiQL   %s/graphiql\n  Open data  %s/opendata/\n",
		ln.Addr(), base, base, base)
	fmt.Fprint(out, metricsLine)

	// Open data: build the first release if none exists, then on schedule.
	// The server answers meanwhile; the portal says when no release exists yet.
	schedCtx, stopSched := context.WithCancel(ctx)
	defer stopSched()
	go opendata.RunScheduler(policy.SystemContext(schedCtx, "opendata"), db.Client, cfg.OpenData, logger)
	// Webhooks: deliver what is due (new releases, retries, and deliveries
	// left pending by an earlier process or by the CLI).
	go app.WebhookWorker().Run(schedCtx)
	// Volunteers: forgotten check-outs and 24-hour reminders.
	go app.Sweeper(schedCtx)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// version is the module version the binary was built from ("(devel)" in
// a checkout).
func version() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		return info.Main.Version
	}
	return "unknown"
}

func unwrapAll(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}
