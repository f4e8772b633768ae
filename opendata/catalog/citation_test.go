package catalog_test

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/tongxing/tongxing/opendata/catalog"
	"github.com/tongxing/tongxing/opendata/dataset"
)

// citedDataset is a dataset of the test release, described for a site at
// https://data.example.org.
func citedDataset(t *testing.T, id string) (catalog.Release, catalog.Dataset) {
	t.Helper()
	r := published.Manifest.Catalog("https://data.example.org")
	for _, d := range r.Datasets {
		if d.Def.ID == id {
			return r, d
		}
	}
	t.Fatalf("no dataset %s in the release", id)
	return r, catalog.Dataset{}
}

// TestCitationOfAKnownRelease pins the citation of one dataset of the test
// release (2026-10-31, the demo district, the default publisher).
func TestCitationOfAKnownRelease(t *testing.T) {
	r, d := citedDataset(t, dataset.DistrictSummary)
	c := catalog.Cite(r, d)
	const url = "https://data.example.org/opendata/datasets/district-summary/2026-10-31.csv"
	if c.URL != url || c.Version != "2026-10-31" || c.Date != "2026-10-31" || c.Key != "tongxing-district-summary-2026-10-31" {
		t.Errorf("citation %+v", c)
	}
	for _, tc := range []struct{ got, want string }{
		{c.APA.En.String(), "Tongxing open data, 嘉兴市秀洲区. (2026, October 31). District headline figures by year (Version 2026-10-31) [Data set]. " + url},
		{c.APA.Zh.String(), "嘉兴市秀洲区同行开放数据. (2026 年 10 月 31 日). 全区年度概况（版本 2026-10-31）[数据集]. " + url},
		{c.APA.En.Title, "District headline figures by year"},
		{c.BibTeX, `@misc{tongxing-district-summary-2026-10-31,
  author       = {{嘉兴市秀洲区同行开放数据 / Tongxing open data, 嘉兴市秀洲区}},
  title        = {{全区年度概况 / District headline figures by year}},
  year         = {2026},
  month        = oct,
  date         = {2026-10-31},
  version      = {2026-10-31},
  publisher    = {{嘉兴市秀洲区同行开放数据 / Tongxing open data, 嘉兴市秀洲区}},
  howpublished = {\url{` + url + `}},
  url          = {` + url + `},
  note         = {Data set; CC-BY-4.0},
}
`},
	} {
		if tc.got != tc.want {
			t.Errorf("citation:\n got %s\nwant %s", tc.got, tc.want)
		}
	}
	// Without a base URL the URL is root-relative, like every other URL.
	rel := catalog.Cite(published.Manifest.Catalog(""), d)
	if rel.URL != "/opendata/datasets/district-summary/2026-10-31.csv" {
		t.Errorf("root-relative citation URL %s", rel.URL)
	}
}

// TestCitationEscapesBibTeX keeps a publisher's or title's TeX characters
// from breaking the entry.
func TestCitationEscapesBibTeX(t *testing.T) {
	r, d := citedDataset(t, dataset.Organizations)
	r.Publisher = dataset.Text{Zh: "甲&乙 50%", En: `A_B {#1} \ ~^$`}
	b := catalog.Cite(r, d).BibTeX
	want := `author       = {{甲\&乙 50\% / A\_B \{\#1\} \textbackslash{} \textasciitilde{}\textasciicircum{}\$}},`
	if !strings.Contains(b, want) {
		t.Errorf("BibTeX author not escaped:\n%s\nwant the line %s", b, want)
	}
	if strings.Count(b, "{") != strings.Count(b, "}") {
		t.Errorf("unbalanced braces:\n%s", b)
	}
}

// TestCSLJSON: the export parses as CSL-JSON and has what a reference
// manager needs — id, type dataset, title, author, publisher, issued date,
// version and the versioned URL.
func TestCSLJSON(t *testing.T) {
	for _, d := range published.Manifest.Catalog("https://data.example.org").Datasets {
		r, _ := citedDataset(t, d.Def.ID)
		b, err := catalog.CSLJSON(r, d)
		if err != nil {
			t.Fatal(err)
		}
		var items []struct {
			ID        string `json:"id"`
			Type      string `json:"type"`
			Title     string `json:"title"`
			Author    []struct{ Literal string }
			Publisher string `json:"publisher"`
			Issued    struct {
				DateParts [][]int `json:"date-parts"`
			} `json:"issued"`
			Version string `json:"version"`
			URL     string `json:"URL"`
			License string `json:"license"`
		}
		if err := json.Unmarshal(b, &items); err != nil {
			t.Fatalf("%s: CSL-JSON does not parse: %v\n%s", d.Def.ID, err, b)
		}
		if len(items) != 1 {
			t.Fatalf("%s: %d items", d.Def.ID, len(items))
		}
		it := items[0]
		wantURL := "https://data.example.org/opendata/datasets/" + d.Def.ID + "/2026-10-31.csv"
		if it.ID != "tongxing-"+d.Def.ID+"-2026-10-31" || it.Type != "dataset" || it.Title != d.Def.Title.String() ||
			len(it.Author) != 1 || it.Author[0].Literal != r.Publisher.String() || it.Publisher != r.Publisher.String() ||
			len(it.Issued.DateParts) != 1 || len(it.Issued.DateParts[0]) != 3 ||
			it.Issued.DateParts[0][0] != 2026 || it.Issued.DateParts[0][1] != 10 || it.Issued.DateParts[0][2] != 31 ||
			it.Version != "2026-10-31" || it.URL != wantURL || !strings.Contains(it.License, dataset.LicenseURL) {
			t.Errorf("%s: CSL item %+v", d.Def.ID, it)
		}
	}
}

// TestWorkbookCitesLikeThePortal: the notes sheet of each dataset's XLSX
// file gives the same APA reference as the dataset page and citation.json,
// in both languages, naming the versioned CSV.
func TestWorkbookCitesLikeThePortal(t *testing.T) {
	r := published.Manifest.Catalog("")
	for _, d := range r.Datasets {
		c := catalog.Cite(r, d)
		f, ok := d.File("xlsx")
		if !ok {
			t.Fatalf("%s: no XLSX file", d.Def.ID)
		}
		wb, err := excelize.OpenFile(filepath.Join(published.Dir, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := wb.GetRows("notes")
		wb.Close()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, row := range rows {
			if len(row) == 3 && row[0] == "引用 / Citation" {
				got = row[1:]
			}
		}
		want := []string{c.APA.Zh.String(), c.APA.En.String()}
		if !slices.Equal(got, want) {
			t.Errorf("%s: workbook citation %q, want %q", d.Def.ID, got, want)
		}
	}
}
