package server_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/tongxing/tongxing/database/dbtest"
)

// The GraphQL-over-HTTP specification, as the clients that follow it read
// the answers: under application/json every well-formed request gets 200
// (Apollo Client otherwise shows only "Received status code 422"); under
// application/graphql-response+json a request that never executed gets a
// 4xx; neither carries "data" when execution never started.
func TestGraphQLOverHTTP(t *testing.T) {
	a := newAPI(t, dbtest.OpenSQLite(t))
	const (
		jsonType    = "application/json"
		graphqlType = "application/graphql-response+json"
		apollo      = "application/graphql-response+json,application/json;q=0.9" // Apollo Client 3.8+
	)
	unknownHash := `{"persistedQuery":{"version":1,"sha256Hash":"` + strings.Repeat("ab", 32) + `"}}`
	for _, tc := range []struct {
		name, accept, body string
		status             int
		answerType         string
		code               string // "" for a good answer
		hasData            bool
	}{
		{"query, no Accept", "", `{"query":"{ regions { totalCount } }"}`, 200, jsonType, "", true},
		{"query, Apollo", apollo, `{"query":"{ regions { totalCount } }"}`, 200, graphqlType, "", true},
		{"query, JSON preferred", "application/json, application/graphql-response+json;q=0.5", `{"query":"{ regions { totalCount } }"}`, 200, jsonType, "", true},
		{"query, only the new type", graphqlType, `{"query":"{ regions { totalCount } }"}`, 200, graphqlType, "", true},
		{"query, anything", "*/*", `{"query":"{ regions { totalCount } }"}`, 200, jsonType, "", true},

		{"parse error, JSON", jsonType, `{"query":"{ regions { totalCount } "}`, 200, jsonType, "BAD_USER_INPUT", false},
		{"parse error, Apollo", apollo, `{"query":"{ regions { totalCount } "}`, 400, graphqlType, "BAD_USER_INPUT", false},
		{"validation error, JSON", jsonType, `{"query":"{ regions { nosuchfield } }"}`, 200, jsonType, "BAD_USER_INPUT", false},
		{"validation error, Apollo", apollo, `{"query":"{ regions { nosuchfield } }"}`, 400, graphqlType, "BAD_USER_INPUT", false},
		{"unknown operation name, Apollo", apollo, `{"query":"query A { __typename }","operationName":"B"}`, 400, graphqlType, "BAD_USER_INPUT", false},
		{"mutation without a key, JSON", jsonType, `{"query":"` + strings.ReplaceAll(getMutation, `"`, `\"`) + `"}`, 200, jsonType, "UNAUTHENTICATED", false},
		{"mutation without a key, Apollo", apollo, `{"query":"` + strings.ReplaceAll(getMutation, `"`, `\"`) + `"}`, 401, graphqlType, "UNAUTHENTICATED", false},

		{"malformed JSON, Apollo", apollo, `{"query": `, 400, graphqlType, "BAD_USER_INPUT", false},
		{"batch, JSON", jsonType, ` [{"query":"{ __typename }"},{"query":"{ __typename }"}]`, 400, jsonType, "BAD_USER_INPUT", false},
		{"batch, Apollo", apollo, `[{"query":"{ __typename }"}]`, 400, graphqlType, "BAD_USER_INPUT", false},

		{"persisted query unknown, JSON", jsonType, `{"extensions":` + unknownHash + `}`, 200, jsonType, "PERSISTED_QUERY_NOT_FOUND", false},
		{"persisted query unknown, Apollo", apollo, `{"extensions":` + unknownHash + `}`, 404, graphqlType, "PERSISTED_QUERY_NOT_FOUND", false},
		{"persisted query version 2", jsonType, `{"extensions":{"persistedQuery":{"version":2,"sha256Hash":"ab"}}}`, 200, jsonType, "BAD_USER_INPUT", false},
		{"persisted query malformed", jsonType, `{"extensions":{"persistedQuery":"yes"}}`, 200, jsonType, "BAD_USER_INPUT", false},
		{"persisted query wrong hash", jsonType, `{"query":"{ __typename }","extensions":` + unknownHash + `}`, 200, jsonType, "BAD_USER_INPUT", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			rec := httptest.NewRecorder()
			a.h.ServeHTTP(rec, req)
			checkGraphQLAnswer(t, rec, tc.status, tc.answerType, tc.code, tc.hasData)
		})
	}

	// Refusals before GraphQL answer in the type asked for too.
	t.Run("bad key, Apollo", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", apollo)
		req.Header.Set("Authorization", "Bearer nonsense")
		rec := httptest.NewRecorder()
		a.h.ServeHTTP(rec, req)
		checkGraphQLAnswer(t, rec, 401, graphqlType, "UNAUTHENTICATED", false)
	})

	// The multipart transport too (uploads; ADMIN key).
	t.Run("multipart, Apollo", func(t *testing.T) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("operations", `{"query":"{ regions { totalCount } }"}`)
		_ = mw.WriteField("map", `{}`)
		_ = mw.Close()
		req := httptest.NewRequest(http.MethodPost, "/graphql", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Accept", apollo)
		req.Header.Set("Authorization", "Bearer "+a.key)
		rec := httptest.NewRecorder()
		a.h.ServeHTTP(rec, req)
		checkGraphQLAnswer(t, rec, 200, graphqlType, "", true)
	})

	// GET answers the same way.
	t.Run("GET validation error, Apollo", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape("{ regions { nosuchfield } }"), nil)
		req.Header.Set("Accept", apollo)
		rec := httptest.NewRecorder()
		a.h.ServeHTTP(rec, req)
		checkGraphQLAnswer(t, rec, 400, graphqlType, "BAD_USER_INPUT", false)
	})
}

func checkGraphQLAnswer(t *testing.T, rec *httptest.ResponseRecorder, status int, mediaType, code string, hasData bool) {
	t.Helper()
	body := rec.Body.String()
	if rec.Code != status {
		t.Errorf("status %d, want %d: %.300s", rec.Code, status, body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, mediaType) {
		t.Errorf("Content-Type %q, want %s", ct, mediaType)
	}
	var out map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("not JSON: %.300s", body)
	}
	if _, ok := out["data"]; ok != hasData {
		t.Errorf("data entry present = %v, want %v: %.300s", ok, hasData, body)
	}
	var errs []gqlError
	_ = json.Unmarshal(out["errors"], &errs)
	got := ""
	if len(errs) > 0 {
		got, _ = errs[0].Extensions["code"].(string)
		// Bilingual, but for the protocol token Apollo's clients match.
		if m := errs[0].Message; m != "PersistedQueryNotFound" && (!strings.Contains(m, "(") || !strings.ContainsFunc(m, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff })) {
			t.Errorf("message not bilingual: %q", m)
		}
	}
	if got != code {
		t.Errorf("code %q, want %q: %.300s", got, code, body)
	}
	if status == http.StatusUnauthorized && rec.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("401 without WWW-Authenticate")
	}
}

// The preflight of Apollo Client, with its client-awareness and CSRF
// headers, passes for a configured origin.
func TestCORSAllowsApolloClient(t *testing.T) {
	a := newAPI(t, dbtest.OpenSQLite(t))
	req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
	req.Header.Set("Origin", "https://dashboard.example.org")
	req.Header.Set("Access-Control-Request-Method", "POST")
	// As browsers send it: lower case, sorted, no spaces.
	req.Header.Set("Access-Control-Request-Headers", "apollo-require-preflight,apollographql-client-name,apollographql-client-version,authorization,content-type,traceparent")
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	allowed := strings.ToLower(rec.Header().Get("Access-Control-Allow-Headers"))
	for _, h := range []string{"apollographql-client-name", "apollographql-client-version", "apollo-require-preflight", "authorization", "content-type", "traceparent"} {
		if !strings.Contains(allowed, h) {
			t.Errorf("preflight does not allow %s: %d %v", h, rec.Code, rec.Header())
		}
	}
}
