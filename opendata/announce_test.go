package opendata_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/ent/webhookdelivery"
	"github.com/tongxing/tongxing/opendata"
	"github.com/tongxing/tongxing/opendata/announce"
	"github.com/tongxing/tongxing/opendata/internal/atomcheck"
	"github.com/tongxing/tongxing/opendata/internal/fixture"
	"github.com/tongxing/tongxing/webhooks"
)

// TestBuildAnnounces: a build that publishes a release lists it first in
// the feeds and queues release.published for every subscriber; building
// again with unchanged data announces nothing new, and never the old
// release to a subscriber registered after it was built.
func TestBuildAnnounces(t *testing.T) {
	ctx := fixture.Context()
	cfg := config(t)
	cfg.BaseURL = "https://data.example.org"
	h, err := opendata.NewHandler(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	readFeed := func(path string) *atomcheck.Feed {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != announce.MediaType {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Header().Get("Content-Type"))
		}
		f, errs := atomcheck.Parse(rec.Body.Bytes())
		for _, err := range errs {
			t.Errorf("%s: %v", path, err)
		}
		return f
	}
	subscribe := func(name string) *ent.WebhookSubscription {
		t.Helper()
		s, err := db.Client.WebhookSubscription.Create().SetURL("https://" + name + ".example.org/hook").
			SetEvents([]string{announce.EventReleasePublished}).SetSecretCiphertext([]byte("sealed")).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			db.Client.WebhookDelivery.Delete().Where(webhookdelivery.SubscriptionID(s.ID)).ExecX(ctx)
			db.Client.WebhookSubscription.DeleteOneID(s.ID).ExecX(ctx)
		})
		return s
	}
	events := func(s *ent.WebhookSubscription) []string {
		t.Helper()
		ds, err := db.Client.WebhookDelivery.Query().Where(webhookdelivery.SubscriptionID(s.ID)).All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range ds {
			out = append(out, d.EventID)
		}
		sort.Strings(out)
		return out
	}
	build := func(now time.Time, created bool) *opendata.Release {
		t.Helper()
		rel, err := opendata.Build(context.Background(), db.Client, cfg, now)
		if err != nil || rel.Created != created {
			t.Fatalf("build at %v: %v, created %v", now, err, rel != nil && rel.Created)
		}
		return rel
	}

	early := subscribe("early")
	a := build(fixture.Now.AddDate(0, 0, -1), true)
	fa := readFeed("/opendata/releases.atom")
	if len(fa.Entries) != 1 || !strings.Contains(fa.Entries[0].Title(), a.Manifest.Version) {
		t.Fatalf("feed after the first build: %+v", fa.Entries)
	}
	build(fixture.Now.AddDate(0, 0, -1), false)
	late := subscribe("late") // registered after release A was built
	build(fixture.Now.AddDate(0, 0, -1), false)
	if got := events(early); len(got) != 1 || got[0] != "release.published:"+a.Manifest.Version {
		t.Errorf("early subscriber after A: %v", got)
	}
	if got := events(late); len(got) != 0 {
		t.Errorf("a subscriber registered after A was built got %v", got)
	}

	// A record more, and the next day's build.
	r := db.Client.ServiceRecord.Query().Where(servicerecord.StatusEQ(servicerecord.StatusVERIFIED)).Order(servicerecord.ByID()).FirstX(ctx)
	added := db.Client.ServiceRecord.Create().SetPersonID(r.PersonID).SetActivityID(r.ActivityID).SetServedOn(r.ServedOn).
		SetMinutes(75).SetRecordedBy("opendata-test").SetStatus(servicerecord.StatusVERIFIED).SaveX(ctx)
	t.Cleanup(func() { db.Client.ServiceRecord.DeleteOne(added).ExecX(ctx) })
	b := build(fixture.Now, true)
	time.Sleep(300 * time.Millisecond) // the handler looks at the directory at most every 250 ms
	fb := readFeed("/opendata/releases.atom")
	if len(fb.Entries) != 2 || !strings.Contains(fb.Entries[0].Title(), b.Manifest.Version) || fb.Entries[1].ID() != fa.Entries[0].ID() {
		t.Fatalf("feed after the second build: %+v", fb.Entries)
	}
	ds := readFeed("/opendata/datasets/volunteer-hours-monthly/releases.atom")
	if len(ds.Entries) != 2 || !strings.HasPrefix(ds.Entries[0].ID(), "tag:data.example.org,"+b.Manifest.ReferenceDate+":") {
		t.Errorf("dataset feed after the second build: %+v", ds.Entries)
	}
	want := []string{"release.published:" + a.Manifest.Version, "release.published:" + b.Manifest.Version}
	if got := events(early); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("early subscriber: %v, want %v", got, want)
	}
	if got := events(late); len(got) != 1 || got[0] != want[1] {
		t.Errorf("late subscriber: %v", got)
	}
	// The body queued is the release's announcement.
	d := db.Client.WebhookDelivery.Query().Where(webhookdelivery.SubscriptionID(late.ID)).OnlyX(ctx)
	var env webhooks.Envelope[announce.ReleasePublished]
	if err := json.Unmarshal(d.Body, &env); err != nil {
		t.Fatal(err)
	}
	if env.Data.Version != b.Manifest.Version || env.Data.Previous != a.Manifest.Version || len(env.Data.Datasets) != len(b.Manifest.Datasets) ||
		env.Data.Feed != "https://data.example.org/opendata/releases.atom" || !env.OccurredAt.Equal(b.Manifest.BuiltAt) {
		t.Errorf("announcement %s", d.Body)
	}
}
