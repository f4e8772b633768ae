package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/tongxing/tongxing/opendata/dataset"
)

// chromium finds a Chromium or Chrome binary: TONGXING_CHROMIUM, then the
// usual names on PATH.
func chromium() string {
	if p := os.Getenv("TONGXING_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestPortalInBrowser opens the portal in headless Chromium: every dataset
// page loads without script errors, its chart renders as SVG, it requests
// nothing from another host, and every download link answers 200 with its
// format's media type; so does every download the verify page links. It
// writes screenshots of a dataset page, the verify page and the index for
// review, to $TONGXING_SCREENSHOT_DIR or the test's temp dir.
func TestPortalInBrowser(t *testing.T) {
	exe := chromium()
	if exe == "" {
		t.Skip("no Chromium found (install the Debian package chromium, or set TONGXING_CHROMIUM): skipping the browser test")
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	srv := newServer(t, releasesDir)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// Start the browser on a context without a deadline (a deadline on the
	// first Run would bound the browser's life); bound the steps instead.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium (%s): %v", exe, err)
	}
	var mu sync.Mutex
	var problems, requests []string
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				problems = append(problems, "console.error")
			}
		case *network.EventRequestWillBeSent:
			requests = append(requests, e.Request.URL)
		}
	}); err != nil {
		t.Fatal(err)
	}
	step := func(t *testing.T) (context.Context, context.CancelFunc) {
		t.Helper()
		return context.WithTimeout(ctx, 30*time.Second)
	}

	shots := os.Getenv("TONGXING_SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	type link struct {
		Href   string `json:"href"`
		Type   string `json:"type"`
		Status int    `json:"status"`
		Got    string `json:"got"`
	}
	for _, d := range dataset.All() {
		t.Run(d.ID, func(t *testing.T) {
			sctx, cancel := step(t)
			defer cancel()
			if err := chromedp.Do(sctx,
				chromedp.Navigate(srv.URL+"/opendata/datasets/"+d.ID+"/"),
				chromedp.WaitVisible(chromedp.CSS("#chart svg")),
			); err != nil {
				t.Fatalf("page: %v", err)
			}
			rendered, err := chromedp.Run(sctx, chromedp.AttributeValue(chromedp.CSS("#chart"), "data-chart-rendered"))
			if err != nil {
				t.Fatal(err)
			}
			paths, err := chromedp.Run(sctx, chromedp.Evaluate[int](`document.querySelectorAll("#chart svg path").length`))
			if err != nil {
				t.Fatal(err)
			}
			if rendered.Value != "true" || paths < 5 {
				t.Errorf("chart: rendered=%q with %d SVG paths", rendered.Value, paths)
			}
			if title, err := chromedp.Run(sctx, chromedp.Title()); err != nil || !strings.Contains(title, d.Title.Zh) {
				t.Errorf("title %q (%v)", title, err)
			}
			// Every download link, fetched by the page itself.
			links, err := chromedp.Run(sctx, chromedp.Evaluate[[]link](`Promise.all([...document.querySelectorAll("table.downloads a")].map(a =>
				fetch(a.href).then(r => ({href: a.href, type: a.type, status: r.status, got: r.headers.get("content-type")}))))`,
				chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("fetch downloads: %v", err)
			}
			if len(links) < 12 { // latest and two versions, four formats each
				t.Errorf("%d download links", len(links))
			}
			for _, l := range links {
				if l.Status != 200 || l.Got != l.Type {
					t.Errorf("download %s: %d %q, link says %q", l.Href, l.Status, l.Got, l.Type)
				}
			}
			if d.ID == dataset.VolunteerHoursMonthly || d.ID == dataset.ServicePoints {
				png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(shots, "opendata-"+d.ID+".png")
				if err := os.WriteFile(path, png, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("screenshot of the dataset page: %s", path)
			}
		})
	}

	// The verify page: every file it tells readers to download answers
	// 200 with the media type its link states.
	t.Run("verify", func(t *testing.T) {
		sctx, cancel := step(t)
		defer cancel()
		if err := chromedp.Do(sctx, chromedp.Navigate(srv.URL+"/opendata/verify"), chromedp.WaitVisible(chromedp.CSS("ol.steps"))); err != nil {
			t.Fatalf("page: %v", err)
		}
		links, err := chromedp.Run(sctx, chromedp.Evaluate[[]link](`Promise.all([...document.querySelectorAll("main a[download]")].map(a =>
			fetch(a.href).then(r => ({href: a.href, type: a.type, status: r.status, got: r.headers.get("content-type")}))))`,
			chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("fetch downloads: %v", err)
		}
		if len(links) < 6 {
			t.Errorf("%d download links", len(links))
		}
		for _, l := range links {
			if l.Status != 200 || strings.Split(l.Got, ";")[0] != strings.Split(l.Type, ";")[0] {
				t.Errorf("download %s: %d %q, link says %q", l.Href, l.Status, l.Got, l.Type)
			}
		}
		png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(shots, "opendata-verify.png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot of the verify page: %s", path)
	})

	sctx, cancel := step(t)
	defer cancel()
	if err := chromedp.Do(sctx, chromedp.Navigate(srv.URL+"/opendata/"), chromedp.WaitVisible(chromedp.CSS("ul.datasets"))); err != nil {
		t.Fatal(err)
	}
	items, err := chromedp.Run(sctx, chromedp.Evaluate[int](`document.querySelectorAll("ul.datasets > li").length`))
	if err != nil || items != len(dataset.All()) {
		t.Errorf("index lists %d datasets (%v)", items, err)
	}
	png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(shots, "opendata-index.png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the index: %s", path)

	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("browser: %s", p)
	}
	for _, u := range requests {
		if !strings.HasPrefix(u, srv.URL+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page requested another host: %s", u)
		}
	}
	t.Logf("%d requests, all to %s", len(requests), srv.URL)
}
