package tracing

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"

	"go.opentelemetry.io/otel"
)

// Traces leave the process only when an OTLP endpoint is configured, and
// then reach it.
func TestSetupExportsOnlyWhenConfigured(t *testing.T) {
	var received atomic.Int32
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/traces" && r.Header.Get("Content-Type") == "application/x-protobuf" {
			received.Add(1)
		}
	}))
	defer collector.Close()
	previous := otel.GetTracerProvider()
	t.Cleanup(func() { otel.SetTracerProvider(previous) })

	ctx := context.Background()
	shutdown, err := Setup(ctx, func(string) string { return "" }, "test")
	if err != nil {
		t.Fatal(err)
	}
	_, span := Tracer().Start(ctx, "unconfigured")
	span.End()
	_ = shutdown(ctx)
	if span.SpanContext().IsValid() || received.Load() != 0 {
		t.Errorf("a span was recorded without an endpoint")
	}

	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	shutdown, err = Setup(ctx, os.Getenv, "test")
	if err != nil {
		t.Fatal(err)
	}
	_, span = Tracer().Start(ctx, "configured")
	span.End()
	if err := shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if received.Load() == 0 {
		t.Error("no spans reached the configured collector")
	}
}
