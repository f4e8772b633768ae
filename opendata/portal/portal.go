// Package portal renders the open-data portal under /opendata/: server-side
// HTML (Chinese first, English alongside), one page per dataset with a
// chart, a preview, the data dictionary, downloads of every version and
// format, a citation and schema.org Dataset JSON-LD; a methodology page; a
// changelog. The pages work without JavaScript except for the chart, which
// ECharts draws from data embedded in the page.
//
// Every asset — ECharts included — is embedded in the binary and served
// below /opendata/assets/ under a name that changes with its content, so
// pages reference no other host and assets can be cached for a year.
package portal

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"

	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/opendata/attack"
	"github.com/tongxing/tongxing/opendata/catalog"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/release"
	"github.com/tongxing/tongxing/opendata/release/diff"
	"github.com/tongxing/tongxing/opendata/signing"
	"github.com/tongxing/tongxing/opendata/writer"
)

// AssetPrefix is the URL path of the embedded assets.
const AssetPrefix = "/opendata/assets/"

// EChartsVersion is the vendored ECharts (see vendor.sh); EChartsSRI is the
// SHA-256 subresource-integrity string of assets/echarts-<version>.min.js.
const (
	EChartsVersion = "6.1.0"
	EChartsSRI     = "sha256-tmslrrTfhOMxmdwhaUAU0zbSIsvZ3rDlp8FL1qoND9A="
)

//go:embed assets/*.js assets/*.css assets/LICENSES.txt
var assetFS embed.FS

//go:embed templates/*.html
var templateFS embed.FS

// Asset is one embedded file.
type Asset struct {
	Name        string // served name, below AssetPrefix
	ContentType string
	Body        []byte
	SHA256      string
}

// assets by served name, and the served name of each source file.
var (
	assets     = map[string]*Asset{}
	assetNames = map[string]string{}
)

func init() {
	err := fs.WalkDir(assetFS, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := assetFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		name := path.Base(p)
		served := name
		// Our own files get a content hash in their name; vendored files
		// already carry their version.
		if name == "portal.js" || name == "portal.css" {
			ext := path.Ext(name)
			served = strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		}
		ct := "text/plain; charset=utf-8"
		switch path.Ext(name) {
		case ".js":
			ct = "text/javascript; charset=utf-8"
		case ".css":
			ct = "text/css; charset=utf-8"
		}
		assets[served] = &Asset{Name: served, ContentType: ct, Body: body, SHA256: hex.EncodeToString(sum[:])}
		assetNames[name] = served
		return nil
	})
	if err != nil {
		panic("portal: embedded assets: " + err.Error())
	}
	assetNames["echarts"] = assetNames["echarts-"+EChartsVersion+".min.js"]
}

// LookupAsset returns the embedded asset served under name.
func LookupAsset(name string) (*Asset, bool) {
	a, ok := assets[name]
	return a, ok
}

// AssetURL is the URL of an asset by its source name ("portal.js",
// "portal.css", "echarts").
func AssetURL(name string) string { return AssetPrefix + assetNames[name] }

// AssetSRI is the subresource-integrity string of an asset by source name.
func AssetSRI(name string) string {
	a := assets[assetNames[name]]
	if a == nil {
		return ""
	}
	sum, _ := hex.DecodeString(a.SHA256)
	return "sha256-" + base64.StdEncoding.EncodeToString(sum)
}

var funcs = template.FuncMap{
	"asset":      AssetURL,
	"sri":        AssetSRI,
	"licenseZh":  func() string { return dataset.LicenseName.Zh },
	"licenseEn":  func() string { return dataset.LicenseName.En },
	"licenseURL": func() string { return dataset.LicenseURL },
	"percent":    func(f float64) float64 { return f * 100 },
	"sub1":       func(n int) int { return n - 1 },
}

var pages = map[string]*template.Template{}

func init() {
	for _, name := range []string{"index", "dataset", "methodology", "changelog", "verify", "notfound"} {
		t := template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html"))
		pages[name] = template.Must(t.ParseFS(templateFS, "templates/"+name+".html"))
	}
	// The dataset page's "What changed" block is a template of its own.
	template.Must(pages["dataset"].ParseFS(templateFS, "templates/changes.html"))
}

// page is what the layout needs.
type page struct {
	Title       dataset.Text
	Description string
	Nav         string
	Manifest    *release.Manifest
	Body        any
}

func render(name string, p page) ([]byte, error) {
	var buf bytes.Buffer
	if err := pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		return nil, fmt.Errorf("portal: %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// Site renders the pages for one base URL.
type Site struct {
	// BaseURL is the external site URL used in JSON-LD and citations; empty
	// gives root-relative URLs.
	BaseURL string
	// Keep is the retention setting: how many of the newest releases keep
	// their files (0: all).
	Keep int
	// Removed reports whether retention removed a release's files (nil:
	// none was).
	Removed func(version string) bool
}

func (s Site) removed(version string) bool { return s.Removed != nil && s.Removed(version) }

type indexFile struct {
	Label, MediaType, LatestURL string
}

type indexDataset struct {
	ID                 string
	Title, Description dataset.Text
	PersonDerived      bool
	Rows               int
	Files              []indexFile
}

// Index renders the dataset list; m is nil while no release exists.
func (s Site) Index(m *release.Manifest) ([]byte, error) {
	p := page{Title: dataset.Text{Zh: "开放数据", En: "Open data"}, Nav: "index", Manifest: m,
		Description: "同行开放数据：组织、项目、志愿服务和群众需求的开放数据集。Tongxing open data: datasets on organisations, projects, volunteer service and resident needs."}
	if m != nil {
		title := release.CatalogTitle(m.District.Name)
		p.Title = title
		var ds []indexDataset
		for _, d := range m.Datasets {
			def := dataset.ByID(d.ID)
			if def == nil {
				continue
			}
			e := indexDataset{ID: d.ID, Title: def.Title, Description: def.Description, PersonDerived: def.PersonDerived, Rows: d.Rows}
			for _, f := range d.Files {
				format, _ := writer.FormatByExt(f.Format)
				e.Files = append(e.Files, indexFile{Label: strings.ToUpper(f.Format), MediaType: format.MediaType,
					LatestURL: "/opendata/datasets/" + d.ID + "/latest." + f.Format})
			}
			ds = append(ds, e)
		}
		p.Body = struct {
			Intro    dataset.Text
			Datasets []indexDataset
		}{
			Intro: dataset.Text{
				Zh: m.District.Name + "“专业社工 + 志愿服务”的开放数据：组织、项目和党建联建名录，以及志愿服务时长、志愿者和群众需求的统计。涉及个人的统计都经过披露控制，无法识别到任何志愿者、社工或居民。",
				En: "Open data of the \"professional social work + volunteer service\" programme of " + m.District.Name + ": registers of organisations, projects and Party-building links, and statistics of volunteer hours, volunteers and resident needs. Every figure about people is disclosure-controlled, so no volunteer, social worker or resident can be identified.",
			},
			Datasets: ds,
		}
	}
	return render("index", p)
}

// DownloadLink is one file link on a dataset page.
type DownloadLink struct {
	URL, MediaType, Download, Label, Size string
}

// VersionRow is one release's files of a dataset.
type VersionRow struct {
	Version string
	Files   []DownloadLink // one per format of the dataset (writer.FormatsOf); empty URL when missing
	// Removed: retention removed the release's files (Files is empty).
	Removed bool
}

type previewCell struct {
	Text   string
	Num    bool
	NoWrap bool // dates and codes read badly when broken
}

type datasetBody struct {
	Def      *dataset.Dataset
	Info     *release.Dataset
	Chart    *release.ChartData
	Formats  []writer.Format
	Latest   []DownloadLink
	Versions []VersionRow
	Header   []dataset.Field
	Preview  [][]previewCell
	Citation citationBlock
	JSONLD   json.RawMessage
	// Changes is the "What changed" block: the latest release's summary.
	Changes *changesBlock
}

// changesBlock is what changed in the dataset in the latest release.
type changesBlock struct {
	release.DatasetChanges
	// Register datasets list their changed rows; the others counts only.
	Register bool
	// Protected names a register's disclosure-controlled columns, which
	// are counted but never listed.
	Protected []string
	// Lists are a register's rows added and removed.
	Lists []changesList
}

// changesList is one list of rows of the "What changed" block.
type changesList struct {
	Title dataset.Text
	Total int
	Rows  []diff.Row
}

func newChangesBlock(m *release.Manifest, def *dataset.Dataset) *changesBlock {
	s, ok := release.Summary(m, def.ID)
	if !ok {
		return nil
	}
	b := &changesBlock{DatasetChanges: s, Register: release.ListsRows(def.ID)}
	if b.Register {
		for _, f := range def.Fields {
			if f.Protected {
				b.Protected = append(b.Protected, f.Name)
			}
		}
	}
	if r := s.Rows; r != nil {
		for _, l := range []changesList{
			{dataset.Text{Zh: "新增", En: "Rows added"}, s.Added, r.Added},
			{dataset.Text{Zh: "删除", En: "Rows removed"}, s.Removed, r.Removed},
		} {
			if len(l.Rows) > 0 {
				b.Lists = append(b.Lists, l)
			}
		}
	}
	return b
}

// citationBlock is the dataset page's "How to cite": the latest release's
// citation and where its CSL-JSON is.
type citationBlock struct {
	catalog.Citation
	// CSLURL is this release's CSL-JSON (immutable); LatestCSLURL always
	// cites the newest release.
	CSLURL, LatestCSLURL string
}

// Dataset renders a dataset's page. history lists every release (newest
// first) that holds the dataset, the latest included.
func (s Site) Dataset(m *release.Manifest, id string, history []*release.Manifest) ([]byte, bool, error) {
	info, ok := m.Dataset(id)
	def := dataset.ByID(id)
	if !ok || def == nil {
		return nil, false, nil
	}
	cat := m.Catalog(s.BaseURL)
	var cd catalog.Dataset
	for _, d := range cat.Datasets {
		if d.Def.ID == id {
			cd = d
		}
	}
	ld, err := catalog.SchemaOrg(cat, cd)
	if err != nil {
		return nil, false, err
	}
	formats := writer.FormatsOf(def)
	b := datasetBody{Def: def, Info: info, Chart: info.Chart, Formats: formats, Header: def.Fields,
		JSONLD: json.RawMessage(ld)}
	b.Citation = citationBlock{Citation: catalog.Cite(cat, cd),
		CSLURL: "/opendata/" + catalog.CitationPath(id, m.Version), LatestCSLURL: "/opendata/" + catalog.CitationPath(id, "")}
	b.Changes = newChangesBlock(m, def)
	link := func(hm *release.Manifest, f release.File, latest bool) DownloadLink {
		url := "/opendata/" + f.Path
		if latest {
			url = "/opendata/datasets/" + id + "/latest." + f.Format
		}
		return DownloadLink{URL: url, MediaType: f.MediaType, Download: release.DownloadName(id, hm.Version, f.Format),
			Label: strings.ToUpper(f.Format), Size: humanSize(f.Bytes)}
	}
	for _, f := range formats {
		if rf, ok := info.File(f.Ext); ok {
			b.Latest = append(b.Latest, link(m, rf, true))
		}
	}
	for _, hm := range history {
		hd, ok := hm.Dataset(id)
		if !ok {
			continue
		}
		row := VersionRow{Version: hm.Version, Removed: s.removed(hm.Version)}
		for _, f := range formats {
			if row.Removed {
				break
			}
			if rf, ok := hd.File(f.Ext); ok {
				row.Files = append(row.Files, link(hm, rf, false))
			} else {
				row.Files = append(row.Files, DownloadLink{})
			}
		}
		b.Versions = append(b.Versions, row)
	}
	for _, r := range info.Preview[min(1, len(info.Preview)):] {
		row := make([]previewCell, len(r))
		for i, v := range r {
			c := previewCell{Text: v}
			if i < len(def.Fields) {
				switch f := def.Fields[i]; f.Type {
				case dataset.Integer, dataset.Number:
					c.Num = true
				case dataset.Date, dataset.Year, dataset.YearMonth:
					c.NoWrap = true
				default:
					c.NoWrap = strings.HasSuffix(f.Name, "_code") || strings.HasSuffix(f.Name, "_id")
				}
			}
			row[i] = c
		}
		b.Preview = append(b.Preview, row)
	}
	out, err := render("dataset", page{Title: def.Title, Nav: "dataset", Manifest: m, Body: b,
		Description: def.Description.Zh + " " + def.Description.En})
	return out, true, err
}

type param struct {
	Name  dataset.Text
	Value string
}

// gateView is the release gate's report as the methodology page shows it:
// aggregate figures only.
type gateView struct {
	*attack.Report
	// Refused is set when the last build was refused after the latest
	// release: the report shown is that build's, and the latest release
	// stays current.
	Refused bool
	Names   map[string]dataset.Text
}

var attackNames = map[string]dataset.Text{
	attack.Differencing: {Zh: "版本间相减", En: "release-to-release differencing"},
	attack.TotalsParts:  {Zh: "合计减分项", En: "totals minus parts"},
	attack.Intervals:    {Zh: "隐去格区间推算", En: "interval audit of withheld cells"},
	attack.CrossTable:   {Zh: "跨表、跨粒度相减", En: "cross-table and cross-granularity subtraction"},
	attack.Population:   {Zh: "人群隔离", En: "population isolation"},
	attack.Averaging:    {Zh: "多版本平均", En: "repeated-release averaging"},
}

// Methodology renders the methodology page; m may be nil, and last is the
// release gate's last report (aggregate), or nil.
func (s Site) Methodology(m *release.Manifest, k int, last *attack.Report) ([]byte, error) {
	if m != nil {
		k = m.K
	}
	var gate *gateView
	switch {
	case last != nil && !last.Passed && (m == nil || last.CheckedAt.After(m.BuiltAt)):
		gate = &gateView{Report: last.Aggregate(), Refused: true}
	case m != nil && m.Gate != nil:
		gate = &gateView{Report: m.Gate}
	}
	if gate != nil {
		gate.Names = attackNames
	}
	body := struct {
		Rules  []dataset.Text
		Params []param
		Gate   *gateView
		Latest string
		Keep   int
	}{
		Keep:  s.Keep,
		Gate:  gate,
		Rules: release.Methodology(k),
		Params: []param{
			{dataset.Text{Zh: "频数阈值 k", En: "Frequency threshold k"}, fmt.Sprintf("%d（不低于 %d / never below %d）", k, disclosure.MinK, disclosure.MinK)},
			{dataset.Text{Zh: "人数扰动", En: "Count noise"}, fmt.Sprintf("−%d … +%d", disclosure.CountNoiseMax, disclosure.CountNoiseMax)},
			{dataset.Text{Zh: "人数取整基数", En: "Counts rounded to base"}, fmt.Sprint(disclosure.RoundBase)},
			{dataset.Text{Zh: "每人每月时长上限", En: "Hours cap per person and month"}, fmt.Sprintf("%d 小时 hours", disclosure.HoursCapPerMonth)},
			{dataset.Text{Zh: "优势规则", En: "Dominance rule"}, fmt.Sprintf("单人 > %d%% 时隐去 / withheld when one person > %d%%", int(disclosure.DominanceShare*100), int(disclosure.DominanceShare*100))},
			{dataset.Text{Zh: "时长扰动", En: "Hours noise"}, fmt.Sprintf("≤ %d%% × 最大个人贡献 / of the largest contribution", int(disclosure.HoursNoise*100))},
		},
	}
	if m != nil {
		body.Latest = m.Version
	}
	return render("methodology", page{Title: dataset.Text{Zh: "方法说明", En: "Methodology"}, Nav: "methodology", Manifest: m, Body: body,
		Description: "同行开放数据如何保护个人：披露控制规则说明。How Tongxing open data protects people: the disclosure-control rules."})
}

type changeRow struct {
	release.Change
	Title string
}

type changelogEntry struct {
	Version, ReferenceDate, BuiltAt string
	Changes                         []changeRow
	Links                           ReleaseLinks
	// Removed: retention removed the release's files and zip; its
	// manifest and signatures remain.
	Removed bool
}

// ReleaseLinks are the downloads of a whole release: its zip bundle (none
// before bundles existed), its manifest and the signature over it.
type ReleaseLinks struct {
	Bundle, BundleName, Manifest, Signature, SSHSignature string
	// Signed is false for releases built before signing.
	Signed bool
	// KeyFingerprint names the key that signed the release.
	KeyFingerprint string
}

// LinksOf are a release's whole-release downloads.
func LinksOf(m *release.Manifest) ReleaseLinks {
	base := "/opendata/releases/" + m.Version + "/"
	l := ReleaseLinks{Manifest: base + release.ManifestFile}
	if m.Bundle != "" {
		l.Bundle, l.BundleName = "/opendata/releases/"+m.Version+".zip", m.Bundle
	}
	if s := m.Signature; s != nil {
		l.Signed, l.KeyFingerprint = true, s.KeyFingerprint
		l.Signature, l.SSHSignature = base+release.SignatureFile, base+release.SSHSignatureFile
	}
	return l
}

// Changelog renders the release history, newest first.
func (s Site) Changelog(history []*release.Manifest) ([]byte, error) {
	var entries []changelogEntry
	for _, m := range history {
		e := changelogEntry{Version: m.Version, ReferenceDate: m.ReferenceDate, BuiltAt: m.BuiltAt.UTC().Format("2006-01-02 15:04 UTC"),
			Links: LinksOf(m), Removed: s.removed(m.Version)}
		for _, c := range m.Changes {
			title := c.Dataset
			if d := dataset.ByID(c.Dataset); d != nil {
				title = d.Title.Zh
			}
			e.Changes = append(e.Changes, changeRow{Change: c, Title: title})
		}
		entries = append(entries, e)
	}
	var latest *release.Manifest
	if len(history) > 0 {
		latest = history[0]
	}
	return render("changelog", page{Title: dataset.Text{Zh: "更新记录", En: "Changelog"}, Nav: "changelog", Manifest: latest, Body: entries,
		Description: "同行开放数据各版本的变化。What changed in each Tongxing open-data release."})
}

// verifyKey is a public key as the verify page shows it.
type verifyKey struct {
	Fingerprint, PEM, AllowedSigner, URL string
	// Releases are the versions it signed, newest first.
	Releases []string
}

// verifyBody is the verify page: the current key, the commands for the
// latest release, and every key that signed a release.
type verifyBody struct {
	Current *verifyKey
	// Latest's links and an example data file (its download name) for the
	// commands; empty before the first release.
	Latest      *ReleaseLinks
	Version     string
	ExampleFile string
	Keys        []verifyKey
	// Unsigned are releases built before signing, newest first.
	Unsigned  []string
	Namespace string
}

// Verify renders the page that tells readers how to verify a release:
// the public key that signs (current: the latest release's, or the
// configured key before any signed release) with its fingerprint, the
// commands step by step with standard tools, and every key that signed a
// release, so releases signed before a key change stay verifiable. keys
// are the public keys kept; history is every release, newest first.
func (s Site) Verify(history []*release.Manifest, keys []signing.PublicKey, current signing.PublicKey) ([]byte, error) {
	b := verifyBody{Namespace: signing.SSHNamespace}
	view := func(k signing.PublicKey) verifyKey {
		fp := k.Fingerprint()
		return verifyKey{Fingerprint: fp, PEM: string(k.PEM()), AllowedSigner: k.AllowedSigner(), URL: "/opendata/" + release.KeyPath(fp)}
	}
	byFP := map[string]int{}
	for _, k := range keys {
		byFP[k.Fingerprint()] = len(b.Keys)
		b.Keys = append(b.Keys, view(k))
	}
	for _, m := range history {
		if m.Signature == nil {
			b.Unsigned = append(b.Unsigned, m.Version)
			continue
		}
		i, ok := byFP[m.Signature.KeyFingerprint]
		if !ok {
			// A key whose file is missing: named by fingerprint only.
			i = len(b.Keys)
			byFP[m.Signature.KeyFingerprint] = i
			b.Keys = append(b.Keys, verifyKey{Fingerprint: m.Signature.KeyFingerprint})
		}
		b.Keys[i].Releases = append(b.Keys[i].Releases, m.Version)
	}
	if current != nil {
		c := view(current)
		b.Current = &c
	}
	var latest *release.Manifest
	if len(history) > 0 {
		latest = history[0]
		l := LinksOf(latest)
		b.Latest, b.Version = &l, latest.Version
		for _, d := range latest.Datasets {
			if f, ok := d.File("csv"); ok {
				b.ExampleFile = release.DownloadName(d.ID, latest.Version, f.Format)
				break
			}
		}
	}
	return render("verify", page{Title: dataset.Text{Zh: "验证数据", En: "Verify a release"}, Nav: "verify", Manifest: latest, Body: b,
		Description: "如何用标准工具验证同行开放数据的文件确由本区发布、未经改动。How to prove with standard tools that a Tongxing open-data file is the district's, unaltered."})
}

// NotFound renders the 404 page.
func (s Site) NotFound(m *release.Manifest) ([]byte, error) {
	return render("notfound", page{Title: dataset.Text{Zh: "未找到", En: "Not found"}, Nav: "", Manifest: m})
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
