// Package tracing sends OpenTelemetry traces of requests, only when an
// OTLP endpoint is configured (the standard OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, with the exporter's other OTEL_*
// variables). Without one nothing is set up and spans cost nothing.
//
// Spans are made by the server's request middleware with chosen
// attributes — method, route, status, GraphQL operation name and type,
// error code, role — rather than by a generic HTTP instrumentation, which
// would record paths (certificate numbers, verification codes), client
// addresses and user agents: a trace leaves the district's hands, so it
// carries no personal data (docs/operations.md, "Traces").
package tracing

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Tracer is the server's tracer, from the global provider: a no-op until
// Setup installs an exporting one.
func Tracer() trace.Tracer { return otel.Tracer("github.com/tongxing/tongxing") }

// Propagator reads and writes W3C trace context headers.
var Propagator = propagation.TraceContext{}

// Enabled reports whether getenv names an OTLP endpoint for traces.
func Enabled(getenv func(string) string) bool {
	return getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// Setup installs an OTLP/HTTP exporting tracer provider when getenv names
// an endpoint, and returns the function that flushes and stops it; without
// one it returns a no-op. OTEL_SERVICE_NAME overrides the service name
// "tongxing".
func Setup(ctx context.Context, getenv func(string) string, version string) (shutdown func(context.Context) error, err error) {
	if !Enabled(getenv) {
		return func(context.Context) error { return nil }, nil
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, err
	}
	return Install(exp, version)
}

// Install makes a tracer provider that batches spans to exp the global
// one; tests pass an in-memory exporter.
func Install(exp sdktrace.SpanExporter, version string) (func(context.Context) error, error) {
	// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, read last, win.
	res, err := resource.New(context.Background(),
		resource.WithAttributes(attribute.String("service.name", "tongxing"), attribute.String("service.version", version)),
		resource.WithTelemetrySDK(), resource.WithFromEnv())
	if err != nil {
		return nil, err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	return tp.Shutdown, nil
}
