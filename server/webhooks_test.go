package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/opendata"
	"github.com/tongxing/tongxing/opendata/announce"
	"github.com/tongxing/tongxing/server"
	"github.com/tongxing/tongxing/webhooks"
)

// withWebhookConfig rebuilds the test server with TONGXING_WEBHOOK_*
// variables and returns it (for its delivery worker).
func (a *api) withWebhookConfig(env map[string]string) *server.Server {
	a.t.Helper()
	cfg, err := server.LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		a.t.Fatal(err)
	}
	cfg.SecretKey = testSecret
	cfg.CaseKey = testCaseKey
	s := server.New(cfg, a.db, slog.New(slog.DiscardHandler))
	a.h = s.Handler()
	return s
}

const createHook = `mutation($in: CreateWebhookSubscriptionInput!) {
  createWebhookSubscription(input: $in) { secret subscription { id url events description } }
}`

const listHooks = `{ webhookSubscriptions(first: 5) { totalCount edges { node { id url events
  deliveries(first: 5) { totalCount edges { node { eventType eventID status attemptCount deliveredAt
    attempts(first: 5, orderBy: {field: NUMBER}) { totalCount edges { node { number statusCode error durationMs retryAt createdAt } } } } } } } } } }`

// TestWebhookAdminOnly: only ADMIN registers, removes and lists webhook
// subscribers. Every other caller is refused — anonymous UNAUTHENTICATED,
// other keys FORBIDDEN — without one database statement, so a refusal
// says nothing about the subscriptions or the address sent.
func TestWebhookAdminOnly(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		keys := accessFixture(t, a)
		d := a.admin(createHook, map[string]any{"in": map[string]any{"url": "https://hooks.example.org/tongxing", "events": []string{"release.published"}}})
		hook := d["createWebhookSubscription"].(map[string]any)["subscription"].(map[string]any)["id"].(string)

		drv := &statementCounter{Driver: entsql.OpenDB(a.db.Dialect, a.db.SQL)}
		a.h = server.New(mustConfig(t), &database.DB{Client: ent.NewClient(ent.Driver(drv)), SQL: a.db.SQL, Dialect: a.db.Dialect},
			slog.New(slog.DiscardHandler)).Handler()
		before := a.counts()
		// statements counts what a request runs; a key costs its look-up
		// whatever the request, and a mutation its transaction, so a
		// refusal is compared with a query that reads nothing and a
		// mutation its key alone refuses (createIndicator).
		statements := func(key, query string, vars map[string]any) int64 {
			drv.n.Store(0)
			a.post(key, query, vars)
			return drv.n.Load()
		}
		for _, role := range []string{"anonymous", "partner", "editor-agency", "editor-team", "reviewer-agency"} {
			want := "FORBIDDEN"
			if role == "anonymous" {
				want = "UNAUTHENTICATED"
			}
			statements(keys[role], `{ __typename }`, nil) // the key's last use is recorded now, not below
			readsNothing := statements(keys[role], `{ __typename }`, nil)
			refusedByKey := statements(keys[role], `mutation { createIndicator(input:{code:"x", name:"x"}) { id } }`, nil)
			for name, op := range map[string]struct {
				query string
				vars  map[string]any
			}{
				"create":    {createHook, map[string]any{"in": map[string]any{"url": "http://169.254.169.254/latest", "events": []string{"release.published"}}}},
				"delete":    {`mutation($id:ID!){ deleteWebhookSubscription(id:$id) { deletedId } }`, map[string]any{"id": hook}},
				"list":      {`{ webhookSubscriptions { totalCount edges { node { url } } } }`, nil},
				"node":      {`query($id:ID!){ node(id:$id) { ... on WebhookSubscription { url } } }`, map[string]any{"id": hook}},
				"node list": {`query($id:ID!){ nodes(ids:[$id]) { id } }`, map[string]any{"id": hook}},
			} {
				if role != "anonymous" && strings.HasPrefix(name, "node") {
					// node(id:) runs the row rules, which refuse the rows;
					// the answer names nothing of them either way.
					r := a.post(keys[role], op.query, op.vars)
					if strings.Contains(r.Raw, "hooks.example.org") || (r.code() != "FORBIDDEN" && r.code() != "NOT_FOUND") {
						t.Errorf("%s %s: %s", role, name, r.Raw)
					}
					continue
				}
				drv.n.Store(0)
				r := a.post(keys[role], op.query, op.vars)
				if r.code() != want || strings.Contains(r.Raw, "hooks.example.org") {
					t.Errorf("%s %s: want %s, got %s", role, name, want, r.Raw)
				}
				baseline := readsNothing
				if strings.HasPrefix(op.query, "mutation") {
					baseline = refusedByKey
				}
				if n := drv.n.Load(); n != baseline {
					t.Errorf("%s %s: %d database statements, %d for a refusal that reads nothing", role, name, n, baseline)
				}
			}
		}
		if after := a.counts(); after["webhookSubscriptions"] != before["webhookSubscriptions"] || after["auditEvents"] != before["auditEvents"] {
			t.Errorf("refused callers wrote: %v → %v", before, after)
		}
	})
}

func mustConfig(t *testing.T) server.Config {
	t.Helper()
	cfg, err := server.LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.SecretKey = testSecret
	return cfg
}

// TestWebhookRegistration: the URL must be http(s) and, unless the server
// allows it, not point at loopback, private or reserved addresses; the
// events must be known; the secret is shown once and is no field of the
// subscription.
func TestWebhookRegistration(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		for _, tc := range []struct {
			url, field string
			events     []string
		}{
			{"http://127.0.0.1:9000/hook", "input.url", []string{"release.published"}},
			{"http://localhost/hook", "input.url", []string{"release.published"}},
			{"http://169.254.169.254/latest/meta-data", "input.url", []string{"release.published"}},
			{"http://[fd00::1]/hook", "input.url", []string{"release.published"}},
			{"http://10.1.2.3/hook", "input.url", []string{"release.published"}},
			{"gopher://hooks.example.org/", "input.url", []string{"release.published"}},
			{"https://user:pw@hooks.example.org/", "input.url", []string{"release.published"}},
			{"https://hooks.example.org/", "input.events.0", []string{"release.deleted"}},
			{"https://hooks.example.org/", "input.events", []string{}},
		} {
			r := a.post(a.key, createHook, map[string]any{"in": map[string]any{"url": tc.url, "events": tc.events}})
			if r.code() != "BAD_USER_INPUT" || r.field() != tc.field || !strings.Contains(r.Errors[0].Message, "(") {
				t.Errorf("%s %v: %s", tc.url, tc.events, r.Raw)
			}
		}
		if n := a.counts()["webhookSubscriptions"]; n != 0 {
			t.Fatalf("%d subscriptions after refusals", n)
		}
		// Allowed by configuration (a receiver in the server's own network).
		a.withWebhookConfig(map[string]string{"TONGXING_WEBHOOK_ALLOW_PRIVATE": "true"})
		d := a.admin(createHook, map[string]any{"in": map[string]any{"url": "http://127.0.0.1:9000/hook",
			"events": []string{"release.published", "release.published"}, "description": "编辑部 newsroom"}})
		created := d["createWebhookSubscription"].(map[string]any)
		secret := created["secret"].(string)
		sub := created["subscription"].(map[string]any)
		if !strings.HasPrefix(secret, "whsec_") || sub["url"] != "http://127.0.0.1:9000/hook" || len(sub["events"].([]any)) != 1 {
			t.Errorf("created %v", created)
		}
		list := a.post(a.key, listHooks, nil)
		if len(list.Errors) > 0 || strings.Contains(list.Raw, secret) || !strings.Contains(list.Raw, "127.0.0.1:9000") {
			t.Errorf("list: %s", list.Raw)
		}
		if r := a.post(a.key, `{ webhookSubscriptions { edges { node { secret } } } }`, nil); len(r.Errors) == 0 {
			t.Errorf("a secret field exists: %s", r.Raw)
		}
	})
}

// hookReceiver verifies every delivery with the documented algorithm.
type hookReceiver struct {
	mu       sync.Mutex
	secret   []byte
	fail     int // answer 503 to this many requests first
	bodies   [][]byte
	verified []error
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.bodies = append(h.bodies, body)
	h.verified = append(h.verified, webhooks.Verify(h.secret, r.Header.Get(webhooks.SignatureHeader), body, time.Now(), 5*time.Minute))
	if h.fail > 0 {
		h.fail--
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// TestWebhookReleasePublished goes the whole way: ADMIN registers a
// receiver, an open-data build publishes a release, the server's worker
// delivers release.published signed with the secret from the registration
// (the receiver fails once, then takes it), and ADMIN reads the delivery
// log through the API. Building again with unchanged data delivers
// nothing new.
func TestWebhookReleasePublished(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		srv := a.withWebhookConfig(map[string]string{"TONGXING_WEBHOOK_ALLOW_PRIVATE": "true", "TONGXING_WEBHOOK_RETRY_BASE": "1s"})
		rcv := &hookReceiver{fail: 1}
		hs := httptest.NewServer(rcv)
		defer hs.Close()
		d := a.admin(createHook, map[string]any{"in": map[string]any{"url": hs.URL + "/tongxing", "events": []string{"release.published"}}})
		rcv.secret = []byte(d["createWebhookSubscription"].(map[string]any)["secret"].(string))

		cfg, err := opendata.LoadConfig(func(k string) string {
			if k == "TONGXING_OPENDATA_BASE_URL" {
				return "https://data.example.org"
			}
			return ""
		}, testSecret, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		rel, err := opendata.Build(a.sys(), a.db.Client, cfg, time.Now())
		if err != nil || !rel.Created {
			t.Fatalf("build: %v, %+v", err, rel)
		}
		worker := srv.WebhookWorker()
		deliver := func() {
			t.Helper()
			if _, err := worker.RunOnce(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		deliver()
		// The first answer was 503: the delivery waits for its retry.
		time.Sleep(1100 * time.Millisecond)
		deliver()
		rcv.mu.Lock()
		bodies, verified := rcv.bodies, rcv.verified
		rcv.mu.Unlock()
		if len(bodies) != 2 || verified[0] != nil || verified[1] != nil || string(bodies[0]) != string(bodies[1]) {
			t.Fatalf("%d requests, verified %v", len(bodies), verified)
		}
		var env webhooks.Envelope[announce.ReleasePublished]
		if err := json.Unmarshal(bodies[1], &env); err != nil {
			t.Fatal(err)
		}
		p := env.Data
		v := rel.Manifest.Version
		if env.Type != "release.published" || env.ID != "release.published:"+v || p.Version != v || p.ReferenceDate != rel.Manifest.ReferenceDate ||
			len(p.Datasets) != len(rel.Manifest.Datasets) || p.DataPackage != "https://data.example.org/opendata/releases/"+v+"/datapackage.json" {
			t.Fatalf("payload %s", bodies[1])
		}
		for _, ds := range p.Datasets {
			if len(ds.Files) != 4 || ds.Files[0].URL != "https://data.example.org/opendata/datasets/"+ds.ID+"/"+v+".csv" ||
				ds.Change.Zh == "" || ds.Change.En == "" || !ds.Changed || ds.Files[0].SHA256 == "" {
				t.Errorf("dataset %+v", ds)
			}
		}
		// The log, through the API.
		list := a.admin(listHooks, nil)
		node := list["webhookSubscriptions"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)
		dl := node["deliveries"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)
		attempts := dl["attempts"].(map[string]any)["edges"].([]any)
		if dl["status"] != "DELIVERED" || dl["eventID"] != "release.published:"+v || dl["attemptCount"] != 2.0 || len(attempts) != 2 {
			t.Fatalf("delivery %v", dl)
		}
		first := attempts[0].(map[string]any)["node"].(map[string]any)
		second := attempts[1].(map[string]any)["node"].(map[string]any)
		if first["number"] != 1.0 || first["statusCode"] != 503.0 || first["error"] != "HTTP_STATUS" || first["retryAt"] == nil ||
			second["number"] != 2.0 || second["statusCode"] != 200.0 || second["error"] != nil || second["retryAt"] != nil {
			t.Errorf("attempts %v, %v", first, second)
		}
		// Unchanged data: no new release, nothing new to deliver.
		again, err := opendata.Build(a.sys(), a.db.Client, cfg, time.Now())
		if err != nil || again.Created {
			t.Fatalf("second build: %v, %+v", err, again)
		}
		if n, err := worker.RunOnce(context.Background()); err != nil || n != 0 {
			t.Errorf("after an unchanged build: %d attempts, %v", n, err)
		}
		if n := a.db.Client.WebhookDelivery.Query().CountX(a.sys()); n != 1 {
			t.Errorf("%d deliveries", n)
		}
	})
}
