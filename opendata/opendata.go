// Package opendata publishes the programme's anonymised open data: fixed
// dataset definitions (package dataset), disclosure control (disclosure),
// aggregation from the database (tables), file writers (writer), metadata
// documents (catalog), immutable versioned releases (release), Atom feeds
// and the release.published webhook event (announce), and the portal and
// download handler under /opendata/ (portal, web).
//
// The server calls LoadConfig, mounts NewHandler at /opendata/ and runs
// RunScheduler; the CLI calls Build. See docs/opendata.md.
package opendata

import (
	"context"
	"errors"
	"fmt"
	"github.com/tongxing/tongxing/metrics"
	"log/slog"
	"net/http"
	"time"

	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/webhooksubscription"
	"github.com/tongxing/tongxing/opendata/announce"
	"github.com/tongxing/tongxing/opendata/release"
	"github.com/tongxing/tongxing/opendata/tables"
	"github.com/tongxing/tongxing/opendata/web"
	"github.com/tongxing/tongxing/webhooks"
)

// Release is a built release: its manifest, directory, and whether the
// build created it (false when the data had not changed).
type Release = release.Release

// Build computes every dataset from the database and writes a new
// immutable release into cfg.Dir, versioned by now's date in the district's
// time zone; now is also the reference date of the figures. When the data
// files would be byte-identical to the latest release, nothing is written
// and the latest release is returned (Created false). Either way the
// release is then announced to webhook subscribers (Announce) and
// retention applied (cfg.Keep, release.Prune); when either fails, the
// release is returned with the error.
func Build(ctx context.Context, client *ent.Client, cfg Config, now time.Time) (*Release, error) {
	opt, err := cfg.releaseOptions()
	if err != nil {
		return nil, err
	}
	rel, err := release.Build(ctx, client, opt, now)
	if err != nil {
		return nil, err
	}
	var errs []error
	if err := Announce(ctx, client, cfg, rel); err != nil {
		errs = append(errs, fmt.Errorf("release %s was published, but announcing it to webhook subscribers failed: %w", rel.Manifest.Version, err))
	}
	// Retention after every build, whether or not it made a release: a
	// run that stopped half-way is finished by the next.
	pruned, err := release.Prune(cfg.Dir, cfg.Keep, time.Now())
	rel.Pruned = pruned
	if err != nil {
		errs = append(errs, fmt.Errorf("release %s was published, but removing old releases' files (TONGXING_OPENDATA_KEEP=%d) failed: %w", rel.Manifest.Version, cfg.Keep, err))
	}
	return rel, errors.Join(errs...)
}

// Announce queues the release.published event of rel for every webhook
// subscriber of it (package webhooks; the server's delivery worker sends
// it, so a release built by the CLI is delivered by the running server). A
// new release goes to every subscriber. A release built earlier (Created
// false) is announced again, in case its announcement failed half-way,
// but only to subscribers registered by the time it was built, and never
// twice to one subscriber (the event's id names the version).
func Announce(ctx context.Context, client *ent.Client, cfg Config, rel *Release) error {
	var where []predicate.WebhookSubscription
	if !rel.Created {
		// BuiltAt is truncated to the second.
		where = append(where, webhooksubscription.CreatedAtLT(rel.Manifest.BuiltAt.Add(time.Second)))
	}
	_, err := webhooks.Publish(ctx, client, announce.Event(rel.Manifest, cfg.BaseURL), where...)
	return err
}

func (cfg Config) releaseOptions() (release.Options, error) {
	if cfg.Dir == "" {
		return release.Options{}, errors.New("opendata: Config.Dir is empty")
	}
	k := cfg.K
	if k == 0 {
		k = disclosure.DefaultK
	}
	rules, err := disclosure.New(k, cfg.Secret)
	if err != nil {
		return release.Options{}, err
	}
	if cfg.SigningKey == nil {
		return release.Options{}, errors.New("opendata: Config.SigningKey is not set (LoadConfig sets it)")
	}
	return release.Options{
		Dir: cfg.Dir, Rules: rules, BaseURL: cfg.BaseURL, Schedule: cfg.Schedule, Publisher: cfg.Publisher,
		SigningKey: cfg.SigningKey,
		Tables: tables.Options{
			Location: cfg.Location, District: cfg.District,
			ChildDomains: cfg.ChildDomains, ChildIndicators: cfg.ChildIndicators,
		},
	}, nil
}

// NewHandler serves everything under /opendata/; mount it with
// mux.Handle("/opendata/", h). It reads the releases in cfg.Dir as they
// appear and needs no database.
func NewHandler(cfg Config, logger *slog.Logger) (http.Handler, error) {
	k := cfg.K
	if k == 0 {
		k = disclosure.DefaultK
	}
	opt := web.Options{Dir: cfg.Dir, BaseURL: cfg.BaseURL, K: k, Keep: cfg.Keep, Logger: logger}
	if cfg.SigningKey != nil {
		opt.SigningKey = cfg.SigningKey.Public()
	}
	return web.New(opt)
}

// RunScheduler builds a release when none exists, then one every
// cfg.Schedule after the latest (counted from the last build attempt, so a
// build that found nothing new is not repeated at once), until ctx ends.
// With cfg.Schedule ≤ 0 it only builds the first release. Failures are
// logged and retried with backoff (1 minute, doubling up to the schedule).
func RunScheduler(ctx context.Context, client *ent.Client, cfg Config, logger *slog.Logger) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var lastAttempt time.Time
	var failures int
	for {
		latest, err := release.Latest(cfg.Dir)
		if err != nil {
			logger.Error("opendata: list releases", "dir", cfg.Dir, "err", err)
		}
		var due time.Time
		switch {
		case failures > 0:
			backoff := time.Minute << min(failures-1, 10)
			if cfg.Schedule > 0 && backoff > cfg.Schedule {
				backoff = cfg.Schedule
			}
			due = lastAttempt.Add(backoff)
		case latest == nil:
			due = time.Now()
		case cfg.Schedule <= 0:
			<-ctx.Done()
			return
		default:
			base := latest.BuiltAt
			if lastAttempt.After(base) {
				base = lastAttempt
			}
			due = base.Add(cfg.Schedule)
		}
		if wait := time.Until(due); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		if ctx.Err() != nil {
			return
		}
		lastAttempt = time.Now()
		start := time.Now()
		rel, err := Build(ctx, client, cfg, lastAttempt)
		if ctx.Err() == nil {
			metrics.OpenDataBuilt(time.Since(start), err, time.Now())
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			failures++
			logger.Error("opendata: build failed", "err", err, "attempt", failures)
			continue
		}
		failures = 0
		if len(rel.Pruned) > 0 {
			logger.Info("opendata: old releases' files removed (retention)", "versions", rel.Pruned, "keep", cfg.Keep)
		}
		if rel.Created {
			logger.Info("opendata: release built", "version", rel.Manifest.Version, "dir", rel.Dir,
				"took", time.Since(start).Round(time.Millisecond))
		} else {
			logger.Info("opendata: data unchanged; no new release", "latest", rel.Manifest.Version,
				"took", time.Since(start).Round(time.Millisecond))
		}
	}
}
