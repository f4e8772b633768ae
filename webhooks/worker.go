package webhooks

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/webhookattempt"
	"github.com/tongxing/tongxing/ent/webhookdelivery"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
)

// Worker sends the deliveries that are due. Run it in every server
// process: a delivery is claimed (its next attempt moved past the attempt's
// lease) before it is sent, so two workers do not send it at once, and a
// worker that dies mid-attempt leaves it to be picked up when the lease
// ends. A receiver may still see a delivery twice (an answer lost on the
// way back): receivers deduplicate by DeliveryHeader.
type Worker struct {
	Client *ent.Client
	// Box opens the subscriptions' secrets (pii.NewSecretBox with
	// SecretPurpose and the server's secret key).
	Box    *pii.SecretBox
	Config Config
	Logger *slog.Logger
	// HTTP sends the requests; nil builds one from Config (NewHTTPClient).
	HTTP *http.Client

	once sync.Once
}

// UserAgent names the sender in every delivery.
const UserAgent = "Tongxing-Webhooks/1"

// batch is how many due deliveries one pass claims; parallel how many it
// sends at once, so one slow receiver does not hold up the others.
const (
	batch    = 50
	parallel = 8
)

// maxAnswer is how much of an answer is read (and thrown away) so the
// connection can be reused; nothing of it is kept.
const maxAnswer = 64 << 10

// NewHTTPClient is the client deliveries are sent with: a timeout per
// attempt, no redirects followed, no proxy, and connections only to
// addresses Reserved accepts unless cfg.AllowPrivate.
func NewHTTPClient(cfg Config) *http.Client {
	cfg = cfg.WithDefaults()
	dialer := &net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second, Control: guardDial(cfg.AllowPrivate)}
	return &http.Client{
		Timeout: cfg.Timeout,
		Transport: &http.Transport{
			Proxy:                 nil, // a proxy would dial for us, past the address check
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   cfg.Timeout,
			ResponseHeaderTimeout: cfg.Timeout,
			MaxIdleConns:          20,
			IdleConnTimeout:       90 * time.Second,
			ForceAttemptHTTP2:     true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func (w *Worker) init() {
	w.once.Do(func() {
		w.Config = w.Config.WithDefaults()
		if w.Logger == nil {
			w.Logger = slog.New(slog.DiscardHandler)
		}
		if w.HTTP == nil {
			w.HTTP = NewHTTPClient(w.Config)
		}
	})
}

// Run sends due deliveries until ctx ends: at once, then whenever an event
// is published in this process and at least every Config.Poll.
func (w *Worker) Run(ctx context.Context) {
	w.init()
	for {
		if _, err := w.RunOnce(ctx); err != nil && ctx.Err() == nil {
			w.Logger.Error("webhooks: delivering", "err", err)
		}
		t := time.NewTimer(w.Config.Poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-kick:
			t.Stop()
		case <-t.C:
		}
	}
}

// RunOnce makes one attempt of every delivery due now (up to a batch) and
// reports how many it attempted.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	w.init()
	ctx = policy.SystemContext(ctx, "webhooks")
	now := time.Now()
	due, err := w.Client.WebhookDelivery.Query().
		Where(webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING), webhookdelivery.NextAttemptAtLTE(now)).
		Order(ent.Asc(webhookdelivery.FieldNextAttemptAt), ent.Asc(webhookdelivery.FieldID)).
		Limit(batch).
		WithSubscription().
		All(ctx)
	if err != nil {
		return 0, err
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		n        int
		firstErr error
	)
	sem := make(chan struct{}, parallel)
	for _, d := range due {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			attempted, err := w.attempt(ctx, d)
			mu.Lock()
			defer mu.Unlock()
			if attempted {
				n++
			}
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}()
	}
	wg.Wait()
	return n, firstErr
}

// attempt claims d, sends it once and records the attempt. It reports
// false when another worker claimed d first or d is gone.
func (w *Worker) attempt(ctx context.Context, d *ent.WebhookDelivery) (bool, error) {
	// The lease: long enough for the attempt and its bookkeeping.
	lease := 2*w.Config.Timeout + 30*time.Second
	claimed, err := w.Client.WebhookDelivery.UpdateOneID(d.ID).
		Where(webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING), webhookdelivery.AttemptCount(d.AttemptCount)).
		AddAttemptCount(1).
		SetNextAttemptAt(time.Now().Add(lease)).
		Save(ctx)
	if ent.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	number := claimed.AttemptCount
	started := time.Now()
	status, class := w.send(ctx, d, number, started)
	took := time.Since(started)
	ok := class == ""

	var retryAt *time.Time
	if !ok && number < w.Config.MaxAttempts {
		t := time.Now().Add(Backoff(w.Config, number, rand.Float64()))
		retryAt = &t
	}
	if err := w.record(ctx, claimed, number, started, took, status, class, retryAt); err != nil {
		if ent.IsNotFound(err) || ent.IsConstraintError(err) {
			return true, nil // the subscription was deleted meanwhile
		}
		return true, err
	}
	log := w.Logger.With("delivery", gid.Encode(d.ID), "subscription", gid.Encode(d.SubscriptionID),
		"event", d.EventID, "attempt", number, "took", took.Round(time.Millisecond))
	switch {
	case ok:
		log.Info("webhooks: delivered", "status", status)
	case retryAt != nil:
		log.Warn("webhooks: attempt failed; will retry", "error", class, "status", status, "retry_at", retryAt.Format(time.RFC3339))
	default:
		log.Warn("webhooks: delivery failed for good", "error", class, "status", status)
	}
	return true, nil
}

// record writes the attempt's log line and the delivery's new state in one
// transaction.
func (w *Worker) record(ctx context.Context, d *ent.WebhookDelivery, number int, started time.Time, took time.Duration,
	status int, class webhookattempt.Error, retryAt *time.Time) error {
	tx, err := w.Client.Tx(ctx)
	if err != nil {
		return err
	}
	c := tx.Client()
	att := c.WebhookAttempt.Create().SetDeliveryID(d.ID).SetNumber(number).SetCreatedAt(started).
		SetDurationMs(int(took.Milliseconds())).SetNillableRetryAt(retryAt)
	if status != 0 {
		att.SetStatusCode(status)
	}
	if class != "" {
		att.SetError(class)
	}
	upd := c.WebhookDelivery.UpdateOneID(d.ID)
	switch {
	case class == "":
		upd.SetStatus(webhookdelivery.StatusDELIVERED).SetDeliveredAt(time.Now()).ClearNextAttemptAt()
	case retryAt != nil:
		upd.SetNextAttemptAt(*retryAt)
	default:
		upd.SetStatus(webhookdelivery.StatusFAILED).ClearNextAttemptAt()
	}
	if err := att.Exec(ctx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := upd.Exec(ctx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// send POSTs the delivery's body, signed now, and returns the receiver's
// status and, when the attempt failed, the class of failure ("" for 2xx).
func (w *Worker) send(ctx context.Context, d *ent.WebhookDelivery, number int, now time.Time) (int, webhookattempt.Error) {
	sub := d.Edges.Subscription
	if sub == nil || w.Box == nil {
		return 0, webhookattempt.ErrorSECRET_UNAVAILABLE
	}
	secret, err := w.Box.Open(sub.SecretCiphertext)
	if err != nil {
		return 0, webhookattempt.ErrorSECRET_UNAVAILABLE
	}
	if _, msg := CheckURL(ctx, sub.URL, true, nil); msg != "" {
		return 0, webhookattempt.ErrorINVALID_URL
	}
	ctx, cancel := context.WithTimeout(ctx, w.Config.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(d.Body))
	if err != nil {
		return 0, webhookattempt.ErrorINVALID_URL
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", UserAgent)
	h.Set(EventHeader, d.EventType)
	h.Set(EventIDHeader, d.EventID)
	h.Set(DeliveryHeader, gid.Encode(d.ID))
	h.Set(AttemptHeader, strconv.Itoa(number))
	h.Set(SignatureHeader, Sign(secret, now, d.Body))
	resp, err := w.HTTP.Do(req)
	if err != nil {
		return 0, classify(err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswer))
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, webhookattempt.ErrorHTTP_STATUS
	}
	return resp.StatusCode, ""
}

// classify names the kind of a transport error for the log, without its
// text (which may quote the receiver).
func classify(err error) webhookattempt.Error {
	var (
		dnsErr  *net.DNSError
		netErr  net.Error
		opErr   *net.OpError
		certErr *tls.CertificateVerificationError
		recErr  tls.RecordHeaderError
		unkCA   x509.UnknownAuthorityError
		hostErr x509.HostnameError
		invErr  x509.CertificateInvalidError
	)
	switch {
	case errors.Is(err, ErrAddressRefused):
		return webhookattempt.ErrorADDRESS_REFUSED
	case errors.As(err, &dnsErr):
		return webhookattempt.ErrorDNS
	case errors.As(err, &certErr), errors.As(err, &recErr), errors.As(err, &unkCA), errors.As(err, &hostErr), errors.As(err, &invErr):
		return webhookattempt.ErrorTLS
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return webhookattempt.ErrorTIMEOUT
	case errors.As(err, &opErr):
		return webhookattempt.ErrorCONNECTION
	}
	return webhookattempt.ErrorOTHER
}

// Backoff is the wait after failed attempt number n (1 for the first):
// RetryBase doubled n−1 times, at most RetryMax, then jittered — scaled
// into [½, 1] of itself by r, a random number in [0, 1).
func Backoff(cfg Config, n int, r float64) time.Duration {
	cfg = cfg.WithDefaults()
	d := cfg.RetryBase
	for i := 1; i < n && d < cfg.RetryMax; i++ {
		d *= 2
	}
	d = min(d, cfg.RetryMax)
	return d/2 + time.Duration(r*float64(d/2))
}
