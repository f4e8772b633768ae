package apierror

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tongxing/tongxing/requestid"
)

type body struct {
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	Data *json.RawMessage `json:"data"`
}

func write(t *testing.T, status int, e *Error) (*httptest.ResponseRecorder, body) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	r = r.WithContext(requestid.With(r.Context(), "rid-12345678"))
	rec := httptest.NewRecorder()
	Write(rec, r, status, e)
	var b body
	if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, rec.Body)
	}
	if len(b.Errors) != 1 || b.Data != nil {
		t.Fatalf("want one error and no data: %s", rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control = %q", rec.Header().Get("Cache-Control"))
	}
	if rec.Code != status {
		t.Errorf("status = %d, want %d", rec.Code, status)
	}
	return rec, b
}

func TestWrite(t *testing.T) {
	_, b := write(t, http.StatusUnsupportedMediaType, New(BadUserInput, "send JSON"))
	if e := b.Errors[0]; e.Message != "send JSON" || e.Extensions["code"] != "BAD_USER_INPUT" || len(e.Extensions) != 1 {
		t.Errorf("refusal = %+v", e)
	}

	_, b = write(t, http.StatusBadRequest, Invalid("limit", "must be positive"))
	if e := b.Errors[0]; e.Extensions["field"] != "limit" || e.Extensions["requestId"] != nil {
		t.Errorf("field error = %+v", e)
	}

	rec, _ := write(t, http.StatusUnauthorized, New(Unauthenticated, "a key is required"))
	if !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("401 without WWW-Authenticate: %v", rec.Header())
	}
}

// An internal error carries the request id and the safe message, never
// the text it was built with.
func TestWriteInternalHidesDetail(t *testing.T) {
	rec, b := write(t, http.StatusInternalServerError, New(Internal, `pq: relation "person" does not exist`))
	e := b.Errors[0]
	if e.Message != InternalMessage || e.Extensions["code"] != "INTERNAL" || e.Extensions["requestId"] != "rid-12345678" {
		t.Errorf("internal = %+v", e)
	}
	if strings.Contains(rec.Body.String(), "pq:") {
		t.Errorf("detail reached the body: %s", rec.Body)
	}
}

func TestStatus(t *testing.T) {
	for code, want := range map[Code]int{
		BadUserInput: 400, Unauthenticated: 401, Forbidden: 403, NotFound: 404,
		Conflict: 409, QueryTooComplex: 400, RateLimited: 429, Internal: 500,
	} {
		if got := Status(code); got != want {
			t.Errorf("Status(%s) = %d, want %d", code, got, want)
		}
		if !code.Known() {
			t.Errorf("%s is not Known", code)
		}
	}
	if Code("GRAPHQL_PARSE_FAILED").Known() || Code("").Known() {
		t.Error("a code outside the contract is Known")
	}
}
