// Package catalog writes the metadata documents of a release: the
// Frictionless Data Package v2 (datapackage.json, with a Table Schema per
// resource), the DCAT 3 catalogue (catalog.jsonld) and the schema.org
// Dataset JSON-LD each dataset page embeds for dataset search engines.
//
// URLs are relative to /opendata/ ("datasets/{id}/{version}.csv"), so the
// same datapackage.json is valid on disk, inside the release directory, and
// when served at /opendata/datapackage.json. With a base URL the JSON-LD
// documents declare @base (DCAT) or use absolute URLs (schema.org).
package catalog

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/writer"
)

// Frequency is how often the datasets are republished.
type Frequency struct {
	// IRI is the EU frequency authority IRI used by DCAT.
	IRI  string
	Text dataset.Text
}

// FrequencyOf maps the build schedule to a DCAT frequency.
func FrequencyOf(every time.Duration) Frequency {
	const base = "http://publications.europa.eu/resource/authority/frequency/"
	switch {
	case every <= 0:
		return Frequency{base + "IRREG", dataset.Text{Zh: "不定期", En: "irregular"}}
	case every <= 24*time.Hour:
		return Frequency{base + "DAILY", dataset.Text{Zh: "每日", En: "daily"}}
	case every <= 7*24*time.Hour:
		return Frequency{base + "WEEKLY", dataset.Text{Zh: "每周", En: "weekly"}}
	case every <= 31*24*time.Hour:
		return Frequency{base + "MONTHLY", dataset.Text{Zh: "每月", En: "monthly"}}
	}
	return Frequency{base + "IRREG", dataset.Text{Zh: "不定期", En: "irregular"}}
}

// Release is what the documents describe.
type Release struct {
	Version       string
	ReferenceDate string // YYYY-MM-DD
	// Created is the reference date's start in the district's zone
	// (RFC 3339): derived from the data, so the document is reproducible.
	Created string
	// BaseURL is the site's external URL without a trailing slash, e.g.
	// https://data.example.org; empty keeps every URL relative.
	BaseURL      string
	Publisher    dataset.Text
	District     Place
	Frequency    Frequency
	Datasets     []Dataset
	CatalogTitle dataset.Text
}

// Place is the district the data covers.
type Place struct {
	Code string
	Name string
}

// Dataset is one dataset of the release.
type Dataset struct {
	Def  *dataset.Dataset
	Rows int
	// Temporal coverage, as YYYY, YYYY-MM or YYYY-MM-DD; empty when the
	// dataset is not a time series.
	TemporalStart, TemporalEnd string
	Files                      []File
}

// File is one distribution of a dataset.
type File struct {
	Format writer.Format
	// Path relative to /opendata/, e.g. datasets/organizations/2026-10-31.csv.
	Path   string
	Bytes  int64
	SHA256 string
}

// File returns the dataset's file in a format.
func (d Dataset) File(ext string) (File, bool) {
	for _, f := range d.Files {
		if f.Format.Ext == ext {
			return f, true
		}
	}
	return File{}, false
}

// PagePath is a dataset page's path relative to /opendata/.
func PagePath(id string) string { return "datasets/" + id + "/" }

// absolute turns a path relative to /opendata/ into a URL: absolute with a
// base URL, root-relative without.
func (r Release) absolute(rel string) string {
	return r.BaseURL + "/opendata/" + rel
}

// marshal writes v as indented JSON without HTML escaping (these are data
// documents; the portal escapes on its own when it embeds one).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// langs is an RDF language-tagged pair.
func langs(t dataset.Text) []map[string]string {
	out := []map[string]string{}
	if t.Zh != "" {
		out = append(out, map[string]string{"@value": t.Zh, "@language": "zh"})
	}
	if t.En != "" {
		out = append(out, map[string]string{"@value": t.En, "@language": "en"})
	}
	return out
}

// typed is an RDF typed literal.
func typed(v, typ string) map[string]string { return map[string]string{"@value": v, "@type": typ} }

func id(iri string) map[string]string { return map[string]string{"@id": iri} }

// xsdDateType is the XSD type of a YYYY, YYYY-MM or YYYY-MM-DD value.
func xsdDateType(v string) string {
	switch len(v) {
	case 4:
		return "xsd:gYear"
	case 7:
		return "xsd:gYearMonth"
	}
	return "xsd:date"
}

// obj is a JSON object that keeps its keys in the order written, so the
// documents read top-down (identity, title, description, then details).
type obj []kv

type kv struct {
	k string
	v any
}

// add appends a key unless v is empty (nil, "", an empty slice or obj).
func (o obj) add(k string, v any) obj {
	switch x := v.(type) {
	case nil:
		return o
	case string:
		if x == "" {
			return o
		}
	case []map[string]string:
		if len(x) == 0 {
			return o
		}
	case []any:
		if len(x) == 0 {
			return o
		}
	case []obj:
		if len(x) == 0 {
			return o
		}
	case []string:
		if len(x) == 0 {
			return o
		}
	case obj:
		if len(x) == 0 {
			return o
		}
	}
	return append(o, kv{k, v})
}

// MarshalJSON writes the object with its keys in order.
func (o obj) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, err := json.Marshal(e.k)
		if err != nil {
			return nil, err
		}
		buf.Write(k)
		buf.WriteByte(':')
		var vb bytes.Buffer
		enc := json.NewEncoder(&vb)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(e.v); err != nil {
			return nil, err
		}
		buf.Write(bytes.TrimRight(vb.Bytes(), "\n"))
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
