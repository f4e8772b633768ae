package portal

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
)

// TestVendoredECharts pins the embedded ECharts to the file vendor.sh
// fetched: a changed file must come with a new EChartsSRI.
func TestVendoredECharts(t *testing.T) {
	a, ok := LookupAsset("echarts-" + EChartsVersion + ".min.js")
	if !ok {
		t.Fatal("ECharts is not embedded; run opendata/portal/vendor.sh")
	}
	sum := sha256.Sum256(a.Body)
	if got := "sha256-" + base64.StdEncoding.EncodeToString(sum[:]); got != EChartsSRI || AssetSRI("echarts") != EChartsSRI {
		t.Errorf("embedded ECharts is %s, pinned %s", got, EChartsSRI)
	}
	if !strings.HasPrefix(a.ContentType, "text/javascript") || len(a.Body) < 500_000 {
		t.Errorf("ECharts asset: %s, %d bytes", a.ContentType, len(a.Body))
	}
	licenses, ok := assets["LICENSES.txt"]
	if !ok || !strings.Contains(string(licenses.Body), "Apache License") {
		t.Error("the ECharts licence is not embedded")
	}
}

func TestAssetNamesCarryTheirContent(t *testing.T) {
	for _, name := range []string{"portal.js", "portal.css"} {
		u := AssetURL(name)
		if !strings.HasPrefix(u, AssetPrefix) || u == AssetPrefix+name {
			t.Errorf("%s served as %s: want a content hash in the name", name, u)
		}
		if _, ok := LookupAsset(strings.TrimPrefix(u, AssetPrefix)); !ok {
			t.Errorf("%s not found under its URL", u)
		}
	}
}

func TestPagesWithoutARelease(t *testing.T) {
	s := Site{}
	for name, render := range map[string]func() ([]byte, error){
		"index":       func() ([]byte, error) { return s.Index(nil) },
		"methodology": func() ([]byte, error) { return s.Methodology(nil, 10, nil) },
		"changelog":   func() ([]byte, error) { return s.Changelog(nil) },
		"verify":      func() ([]byte, error) { return s.Verify(nil, nil, nil) },
		"notfound":    func() ([]byte, error) { return s.NotFound(nil) },
	} {
		b, err := render()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		page := string(b)
		if !strings.Contains(page, `<html lang="zh-CN">`) || !strings.Contains(page, `lang="en"`) || !strings.Contains(page, "<main") {
			t.Errorf("%s: not a bilingual page", name)
		}
	}
	b, _ := s.Index(nil)
	if !strings.Contains(string(b), "尚未发布") {
		t.Error("index without a release does not say so")
	}
	if b, _ := s.Methodology(nil, 12, nil); !strings.Contains(string(b), "少于 12 人") {
		t.Error("methodology does not state k")
	}
}
