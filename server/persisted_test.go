package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// A persisted query is one caller's: a hash another caller registered is
// not found for anyone else, exactly like a hash never sent, so the store
// does not tell who searched for what.
func TestPersistedQueriesAreEachCallers(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		ff := newFilterFixture(t, a)
		query := `{ searchPeople(phone:"13800000000") { totalCount } }`
		sum := sha256.Sum256([]byte(query))
		hash := hex.EncodeToString(sum[:])
		ext := func(h string) string {
			return `{"persistedQuery":{"version":1,"sha256Hash":"` + h + `"}}`
		}
		get := func(key, h string) response {
			req := httptest.NewRequest(http.MethodGet, "/graphql?extensions="+url.QueryEscape(ext(h)), nil)
			if key != "" {
				req.Header.Set("Authorization", "Bearer "+key)
			}
			return a.do(req)
		}
		never := sha256.Sum256([]byte("{ __typename }"))
		for _, key := range []string{"", ff.keys["editor-team"]} {
			if answer(get(key, hash)) != answer(get(key, hex.EncodeToString(never[:]))) {
				t.Fatalf("before anyone sent it: %s", get(key, hash).Raw)
			}
		}
		// The agency's editor sends the query with its hash.
		q, _ := json.Marshal(query)
		body := `{"query":` + string(q) + `,"extensions":` + ext(hash) + `}`
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+ff.keys["editor-agency"])
		if r := a.do(req); len(r.Errors) > 0 {
			t.Fatalf("registering the query: %s", r.Raw)
		}
		if r := get(ff.keys["editor-agency"], hash); len(r.Errors) > 0 {
			t.Errorf("the caller's own persisted query: %s", r.Raw)
		}
		for name, key := range map[string]string{"anonymous": "", "another editor": ff.keys["editor-team"]} {
			if got, want := answer(get(key, hash)), answer(get(key, hex.EncodeToString(never[:]))); got != want {
				t.Errorf("%s tells a registered hash from a never-sent one:\n%s\n%s", name, got, want)
			}
		}

		// Anonymous callers are told apart by their client: one that sent
		// a public query with its hash finds it; another does not.
		public := `{ regions(first: 1) { totalCount } }`
		psum := sha256.Sum256([]byte(public))
		phash := hex.EncodeToString(psum[:])
		pq, _ := json.Marshal(public)
		from := func(addr, body string) response {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.RemoteAddr = addr
			return a.do(req)
		}
		if r := from("198.51.100.7:4000", `{"query":`+string(pq)+`,"extensions":`+ext(phash)+`}`); len(r.Errors) > 0 {
			t.Fatalf("registering a public query: %s", r.Raw)
		}
		if r := from("198.51.100.7:4001", `{"extensions":`+ext(phash)+`}`); len(r.Errors) > 0 {
			t.Errorf("the same anonymous client's persisted query: %s", r.Raw)
		}
		if got, want := answer(from("203.0.113.9:4000", `{"extensions":`+ext(phash)+`}`)), answer(from("203.0.113.9:4000", `{"extensions":`+ext(hex.EncodeToString(never[:]))+`}`)); got != want {
			t.Errorf("another anonymous client tells a hash someone sent from a never-sent one:\n%s\n%s", got, want)
		}
	})
}
