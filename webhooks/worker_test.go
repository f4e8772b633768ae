package webhooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/webhookattempt"
	"github.com/tongxing/tongxing/ent/webhookdelivery"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
	"github.com/tongxing/tongxing/webhooks"
)

// receiver is a subscriber's endpoint: it verifies every request with the
// documented algorithm, as a receiver would, and answers with the next
// status of its script (the last one from then on).
type receiver struct {
	t      *testing.T
	secret []byte
	srv    *httptest.Server

	mu       sync.Mutex
	script   []int
	received []request
}

type request struct {
	header   http.Header
	body     []byte
	verified error
}

func newReceiver(t *testing.T, script ...int) *receiver {
	r := &receiver{t: t, script: script}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		err := webhooks.Verify(r.secret, req.Header.Get(webhooks.SignatureHeader), body, time.Now(), webhooks.DefaultTolerance)
		r.received = append(r.received, request{header: req.Header.Clone(), body: body, verified: err})
		status := r.script[min(len(r.received), len(r.script))-1]
		w.WriteHeader(status)
		// Whatever a receiver answers stays out of the log.
		_, _ = w.Write([]byte("RECEIVER-ANSWER-MUST-NOT-BE-LOGGED"))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) requests() []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]request(nil), r.received...)
}

type world struct {
	db   *database.DB
	ctx  context.Context
	box  *pii.SecretBox
	desk *webhooks.Desk
}

func newWorld(t *testing.T, db *database.DB) *world {
	box, err := pii.NewSecretBox(bytes.Repeat([]byte{7}, 32), webhooks.SecretPurpose)
	if err != nil {
		t.Fatal(err)
	}
	return &world{db: db, ctx: policy.SystemContext(context.Background(), "test"), box: box,
		desk: &webhooks.Desk{Box: box, Events: []string{"release.published", "thing.happened"}, AllowPrivate: true}}
}

// subscribe registers r for events and hands it its secret.
func (w *world) subscribe(t *testing.T, r *receiver, events ...string) *ent.WebhookSubscription {
	t.Helper()
	created, err := w.desk.Create(w.ctx, w.db.Client, webhooks.CreateInput{URL: r.srv.URL + "/hook", Events: events})
	if err != nil {
		t.Fatal(err)
	}
	r.secret = []byte(created.Secret)
	return created.Subscription
}

// worker delivers to the tests' receivers, which listen on loopback
// addresses: cfg.AllowPrivate is set unless private is false.
func (w *world) worker(cfg webhooks.Config, private ...bool) *webhooks.Worker {
	cfg.AllowPrivate = len(private) == 0 || private[0]
	return &webhooks.Worker{Client: w.db.Client, Box: w.box, Config: cfg}
}

type payload struct {
	Version string `json:"version"`
}

func event(version string) webhooks.Event[payload] {
	return webhooks.Event[payload]{Type: "release.published", ID: "release.published:" + version,
		OccurredAt: time.Date(2026, 10, 31, 2, 0, 0, 0, time.UTC), Payload: payload{Version: version}}
}

func (w *world) deliveries(t *testing.T) []*ent.WebhookDelivery {
	t.Helper()
	ds, err := w.db.Client.WebhookDelivery.Query().Order(ent.Asc(webhookdelivery.FieldID)).
		WithAttempts(func(q *ent.WebhookAttemptQuery) { q.Order(ent.Asc(webhookattempt.FieldNumber)) }).All(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestDeliverySigned: a published event reaches its subscriber once, as a
// POST whose signature the receiver verifies with the documented
// algorithm, with the headers and body documented; the delivery log says
// when and with which status, and nothing of the answer.
func TestDeliverySigned(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		r := newReceiver(t, http.StatusNoContent)
		other := newReceiver(t, http.StatusOK)
		w.subscribe(t, r, "release.published")
		w.subscribe(t, other, "thing.happened")

		n, err := webhooks.Publish(w.ctx, db.Client, event("2026-10-31"))
		if err != nil || n != 1 {
			t.Fatalf("Publish = %d, %v; want one delivery", n, err)
		}
		// The same event again reaches no one twice.
		if n, err := webhooks.Publish(w.ctx, db.Client, event("2026-10-31")); err != nil || n != 0 {
			t.Fatalf("Publish again = %d, %v", n, err)
		}
		if n, err := w.worker(webhooks.Config{}).RunOnce(context.Background()); err != nil || n != 1 {
			t.Fatalf("RunOnce = %d, %v", n, err)
		}
		got := r.requests()
		if len(got) != 1 || len(other.requests()) != 0 {
			t.Fatalf("%d requests to the subscriber, %d to the other", len(got), len(other.requests()))
		}
		req := got[0]
		if req.verified != nil {
			t.Fatalf("the receiver could not verify the signature: %v (%s)", req.verified, req.header.Get(webhooks.SignatureHeader))
		}
		var env webhooks.Envelope[payload]
		if err := json.Unmarshal(req.body, &env); err != nil {
			t.Fatal(err)
		}
		if env.ID != "release.published:2026-10-31" || env.Type != "release.published" || env.Data.Version != "2026-10-31" ||
			!env.OccurredAt.Equal(time.Date(2026, 10, 31, 2, 0, 0, 0, time.UTC)) {
			t.Errorf("body %s", req.body)
		}
		ds := w.deliveries(t)
		if len(ds) != 1 {
			t.Fatalf("%d deliveries", len(ds))
		}
		d := ds[0]
		for h, want := range map[string]string{
			"Content-Type": "application/json", webhooks.EventHeader: "release.published",
			webhooks.EventIDHeader: "release.published:2026-10-31", webhooks.DeliveryHeader: gid.Encode(d.ID),
			webhooks.AttemptHeader: "1", "User-Agent": webhooks.UserAgent,
		} {
			if req.header.Get(h) != want {
				t.Errorf("%s: %q, want %q", h, req.header.Get(h), want)
			}
		}
		if d.Status != webhookdelivery.StatusDELIVERED || d.AttemptCount != 1 || d.DeliveredAt == nil || d.NextAttemptAt != nil {
			t.Errorf("delivery %+v", d)
		}
		if len(d.Edges.Attempts) != 1 {
			t.Fatalf("%d attempts logged", len(d.Edges.Attempts))
		}
		a := d.Edges.Attempts[0]
		if a.Number != 1 || a.StatusCode == nil || *a.StatusCode != http.StatusNoContent || a.Error != nil || a.RetryAt != nil {
			t.Errorf("attempt %+v", a)
		}
		if b, _ := json.Marshal(a); bytes.Contains(b, []byte("RECEIVER-ANSWER")) || bytes.Contains(b, r.secret) {
			t.Errorf("the log holds the answer or the secret: %s", b)
		}
		// Nothing is due any more.
		if n, err := w.worker(webhooks.Config{}).RunOnce(context.Background()); err != nil || n != 0 {
			t.Errorf("second pass attempted %d, %v", n, err)
		}
		// The secret is sealed at rest.
		s, err := db.Client.WebhookSubscription.Query().First(w.ctx)
		if err != nil || bytes.Contains(s.SecretCiphertext, r.secret) || bytes.Contains(s.SecretCiphertext, r.secret[6:20]) {
			t.Errorf("secret stored in clear (%v)", err)
		}
	})
}

// TestDeliveryRetries: a failing receiver is retried with exponential
// back-off and jitter, every attempt freshly signed and logged, until it
// answers 2xx; one that never does is given up after MaxAttempts.
func TestDeliveryRetries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		flaky := newReceiver(t, http.StatusServiceUnavailable, http.StatusInternalServerError, http.StatusMovedPermanently, http.StatusOK)
		down := newReceiver(t, http.StatusBadGateway)
		w.subscribe(t, flaky, "release.published")
		w.subscribe(t, down, "release.published")
		if n, err := webhooks.Publish(w.ctx, db.Client, event("2026-11-01")); err != nil || n != 2 {
			t.Fatalf("Publish = %d, %v", n, err)
		}
		cfg := webhooks.Config{RetryBase: 40 * time.Millisecond, MaxAttempts: 5, Poll: 5 * time.Millisecond}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { w.worker(cfg).Run(ctx); close(done) }()
		deadline := time.Now().Add(20 * time.Second)
		for {
			ds := w.deliveries(t)
			if ds[0].Status != webhookdelivery.StatusPENDING && ds[1].Status != webhookdelivery.StatusPENDING {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("still pending: %+v %+v", ds[0], ds[1])
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		<-done

		ds := w.deliveries(t)
		ok, failed := ds[0], ds[1]
		if ok.Status != webhookdelivery.StatusDELIVERED || ok.AttemptCount != 4 || len(ok.Edges.Attempts) != 4 {
			t.Errorf("flaky receiver: %+v with %d attempts", ok, len(ok.Edges.Attempts))
		}
		if failed.Status != webhookdelivery.StatusFAILED || failed.AttemptCount != 5 || len(failed.Edges.Attempts) != 5 || failed.NextAttemptAt != nil {
			t.Errorf("receiver that is down: %+v with %d attempts", failed, len(failed.Edges.Attempts))
		}
		check := func(name string, as []*ent.WebhookAttempt, statuses []int, last bool) {
			for i, a := range as {
				if a.Number != i+1 || a.StatusCode == nil || *a.StatusCode != statuses[i] {
					t.Errorf("%s attempt %d: %+v", name, i+1, a)
					continue
				}
				final := i == len(as)-1
				switch {
				case final && last:
					if a.Error != nil || a.RetryAt != nil {
						t.Errorf("%s: the successful attempt says %v, retry %v", name, a.Error, a.RetryAt)
					}
				case final:
					if a.Error == nil || *a.Error != webhookattempt.ErrorHTTP_STATUS || a.RetryAt != nil {
						t.Errorf("%s: the last failure %+v", name, a)
					}
				default:
					// Back-off: the wait after failure n is drawn from
					// [½, 1] × base × 2^(n−1).
					full := cfg.RetryBase << i
					wait := a.RetryAt.Sub(a.CreatedAt) - time.Duration(a.DurationMs)*time.Millisecond
					if a.Error == nil || *a.Error != webhookattempt.ErrorHTTP_STATUS || wait < full/2-5*time.Millisecond || wait > full+50*time.Millisecond {
						t.Errorf("%s attempt %d: error %v, waits %v, want %v–%v", name, i+1, a.Error, wait, full/2, full)
					}
					if next := as[i+1]; next.CreatedAt.Before(*a.RetryAt) {
						t.Errorf("%s attempt %d came at %v, before its retry time %v", name, i+2, next.CreatedAt, *a.RetryAt)
					}
				}
			}
		}
		check("flaky", ok.Edges.Attempts, []int{503, 500, 301, 200}, true)
		check("down", failed.Edges.Attempts, []int{502, 502, 502, 502, 502}, false)
		// Every attempt carried the same body, delivery id and a signature
		// the receiver verified; the attempt header counts.
		for _, rec := range []*receiver{flaky, down} {
			reqs := rec.requests()
			for i, req := range reqs {
				if req.verified != nil || !bytes.Equal(req.body, reqs[0].body) ||
					req.header.Get(webhooks.DeliveryHeader) != reqs[0].header.Get(webhooks.DeliveryHeader) ||
					req.header.Get(webhooks.AttemptHeader) != strconv.Itoa(i+1) {
					t.Errorf("request %d: verified %v, headers %v", i+1, req.verified, req.header)
				}
			}
		}
		if len(flaky.requests()) != 4 || len(down.requests()) != 5 {
			t.Errorf("%d and %d requests", len(flaky.requests()), len(down.requests()))
		}
	})
}

// TestDeliveryRefusesPrivateAddresses: unless configured, a receiver on a
// loopback address is refused at registration and — for one registered
// when it was allowed, or a name that resolves there later — on the
// connection itself.
func TestDeliveryRefusesPrivateAddresses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		r := newReceiver(t, http.StatusOK)
		strict := &webhooks.Desk{Box: w.box, Events: w.desk.Events}
		if _, err := strict.Create(w.ctx, db.Client, webhooks.CreateInput{URL: r.srv.URL, Events: []string{"release.published"}}); err == nil {
			t.Fatal("a loopback URL was registered")
		}
		w.subscribe(t, r, "release.published")
		if _, err := webhooks.Publish(w.ctx, db.Client, event("2026-11-02")); err != nil {
			t.Fatal(err)
		}
		if _, err := w.worker(webhooks.Config{MaxAttempts: 1}, false).RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		if len(r.requests()) != 0 {
			t.Fatal("the worker connected to a loopback address")
		}
		d := w.deliveries(t)[0]
		if d.Status != webhookdelivery.StatusFAILED || len(d.Edges.Attempts) != 1 || d.Edges.Attempts[0].Error == nil ||
			*d.Edges.Attempts[0].Error != webhookattempt.ErrorADDRESS_REFUSED || d.Edges.Attempts[0].StatusCode != nil {
			t.Errorf("delivery %+v, attempts %+v", d, d.Edges.Attempts)
		}
	})
}

// TestDeliverySurvivesRestart: deliveries are rows. One published while no
// worker runs, or claimed by a worker that died mid-attempt, is sent by
// the next worker — the latter once its lease has run out, not before.
func TestDeliverySurvivesRestart(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		r := newReceiver(t, http.StatusOK)
		w.subscribe(t, r, "release.published")
		if _, err := webhooks.Publish(w.ctx, db.Client, event("2026-11-03")); err != nil {
			t.Fatal(err)
		}
		// A worker claimed it and died: the attempt count went up and the
		// next attempt moved to the end of the lease.
		d := w.deliveries(t)[0]
		lease := time.Now().Add(time.Hour)
		if err := db.Client.WebhookDelivery.UpdateOne(d).AddAttemptCount(1).SetNextAttemptAt(lease).Exec(w.ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := w.worker(webhooks.Config{}).RunOnce(context.Background()); err != nil || n != 0 || len(r.requests()) != 0 {
			t.Fatalf("a leased delivery was sent again before its lease ended: %d, %v", n, err)
		}
		if err := db.Client.WebhookDelivery.UpdateOne(d).SetNextAttemptAt(time.Now().Add(-time.Second)).Exec(w.ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := w.worker(webhooks.Config{}).RunOnce(context.Background()); err != nil || n != 1 || len(r.requests()) != 1 {
			t.Fatalf("the new worker attempted %d (%v), %d requests", n, err, len(r.requests()))
		}
		d = w.deliveries(t)[0]
		if d.Status != webhookdelivery.StatusDELIVERED || d.AttemptCount != 2 || len(d.Edges.Attempts) != 1 || d.Edges.Attempts[0].Number != 2 ||
			r.requests()[0].header.Get(webhooks.AttemptHeader) != "2" {
			t.Errorf("delivery %+v, attempts %+v", d, d.Edges.Attempts)
		}
	})
}

// TestDeleteSubscription removes the subscription, its deliveries and
// their log; nothing more is sent.
func TestDeleteSubscription(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		r := newReceiver(t, http.StatusInternalServerError)
		s := w.subscribe(t, r, "release.published")
		if _, err := webhooks.Publish(w.ctx, db.Client, event("2026-11-04")); err != nil {
			t.Fatal(err)
		}
		if _, err := w.worker(webhooks.Config{}).RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, err := w.desk.Delete(w.ctx, db.Client, s.ID); err != nil {
			t.Fatal(err)
		}
		for name, n := range map[string]int{
			"subscriptions": db.Client.WebhookSubscription.Query().CountX(w.ctx),
			"deliveries":    db.Client.WebhookDelivery.Query().CountX(w.ctx),
			"attempts":      db.Client.WebhookAttempt.Query().CountX(w.ctx),
		} {
			if n != 0 {
				t.Errorf("%d %s left", n, name)
			}
		}
		if _, err := w.desk.Delete(w.ctx, db.Client, s.ID); err == nil {
			t.Error("deleting a missing subscription succeeded")
		}
	})
}

func TestBackoff(t *testing.T) {
	cfg := webhooks.Config{RetryBase: 30 * time.Second, RetryMax: 6 * time.Hour}
	for n, full := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 5: 8 * time.Minute, 11: 6 * time.Hour, 40: 6 * time.Hour} {
		if lo, hi := webhooks.Backoff(cfg, n, 0), webhooks.Backoff(cfg, n, 0.999999); lo != full/2 || hi > full || hi < full-full/10000 {
			t.Errorf("attempt %d: waits %v–%v, want %v–%v", n, lo, hi, full/2, full)
		}
	}
}
