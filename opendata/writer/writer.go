// Package writer writes a dataset table in the published formats: CSV
// (UTF-8, RFC 4180), JSON (an array of row objects), XLSX (a data sheet and a
// notes sheet with the dictionary, source, methodology and symbols) and
// Parquet (typed, nullable columns).
//
// CSV and JSON output is a pure function of the table: no timestamps, no map
// order, so two builds from the same database are byte-identical. XLSX and
// Parquet carry only the release date as a time, and are stable as far as
// the libraries allow.
package writer

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/tongxing/tongxing/csvsafe"
	"github.com/tongxing/tongxing/opendata/dataset"
)

// Format is a published file format.
type Format struct {
	// Ext is the file extension and URL suffix.
	Ext string
	// MediaType is the Content-Type served and declared in the catalogue.
	MediaType string
	// Name is the human name of the format.
	Name string
	// Compressed formats are already compressed and are never gzipped again.
	Compressed bool
	// IANA is the IANA media-type IRI used in DCAT (dcat:mediaType).
	IANA string
}

// The formats, in the order they are offered.
var (
	CSV = Format{Ext: "csv", MediaType: "text/csv; charset=utf-8", Name: "CSV",
		IANA: "https://www.iana.org/assignments/media-types/text/csv"}
	XLSX = Format{Ext: "xlsx", MediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Name: "Excel (XLSX)", Compressed: true,
		IANA: "https://www.iana.org/assignments/media-types/application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
	JSON = Format{Ext: "json", MediaType: "application/json", Name: "JSON",
		IANA: "https://www.iana.org/assignments/media-types/application/json"}
	// Parquet's media type was registered with IANA in 2024.
	Parquet = Format{Ext: "parquet", MediaType: "application/vnd.apache.parquet", Name: "Apache Parquet", Compressed: true,
		IANA: "https://www.iana.org/assignments/media-types/application/vnd.apache.parquet"}
)

// JSONLD is the schema.org Place document of a dataset of places
// (dataset.Dataset.Places), beside its four table formats.
var JSONLD = Format{Ext: "jsonld", MediaType: "application/ld+json", Name: "JSON-LD (schema.org Place)",
	IANA: "https://www.iana.org/assignments/media-types/application/ld+json"}

// Formats lists every format each dataset is published in.
var Formats = []Format{CSV, XLSX, JSON, Parquet}

// FormatsOf lists the formats dataset d is published in: Formats, and
// JSON-LD for places.
func FormatsOf(d *dataset.Dataset) []Format {
	if d.Places {
		return append(append([]Format(nil), Formats...), JSONLD)
	}
	return Formats
}

// FormatByExt returns the format with the given extension.
func FormatByExt(ext string) (Format, bool) {
	for _, f := range append(Formats, JSONLD) {
		if f.Ext == ext {
			return f, true
		}
	}
	return Format{}, false
}

// WriteCSV writes the table as CSV: a header row of field names, then one
// line per row, CRLF line ends (RFC 4180 and the Frictionless default
// dialect), UTF-8 without a byte-order mark. Missing values are written as
// their symbols ("" or "x"). Text cells a spreadsheet would run as a
// formula are neutralised (CSVCell).
func WriteCSV(w io.Writer, t *dataset.Table) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	header := make([]string, len(t.Dataset.Fields))
	for i, f := range t.Dataset.Fields {
		header[i] = f.Name
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	for _, r := range t.Rows {
		for i, v := range r {
			rec[i] = CSVCell(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// CSVCell is the text a value is written as in CSV: its Text, and for a
// string value the spreadsheet-safe form (package csvsafe), so a name like
// =HYPERLINK(…) is published as '=HYPERLINK(…). Integers and numbers are
// the server's own and stay numbers, negative ones included; the
// suppression symbol "x" and the empty missing value never need it. The
// changelog compares a previous release's CSV with CSVCell of the new
// values, so it must be the only spelling of a CSV cell.
func CSVCell(v dataset.Value) string {
	if v.Kind == dataset.KindString {
		return csvsafe.Text(v.Str)
	}
	return v.Text()
}

// WriteJSON writes the table as a JSON array of objects, one row per line,
// keys in field order. Integers and numbers are JSON numbers; a suppressed
// value is the string "x" and an absent value is null — the two missing
// values the Table Schema declares, so Frictionless tools read both.
func WriteJSON(w io.Writer, t *dataset.Table) error {
	bw := bufio.NewWriter(w)
	keys := make([][]byte, len(t.Dataset.Fields))
	for i, f := range t.Dataset.Fields {
		keys[i] = appendJSONString(nil, f.Name)
	}
	bw.WriteString("[")
	var buf []byte
	for n, r := range t.Rows {
		if n > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n{")
		for i, v := range r {
			if i > 0 {
				bw.WriteByte(',')
			}
			bw.Write(keys[i])
			bw.WriteByte(':')
			buf = appendJSONValue(buf[:0], v)
			bw.Write(buf)
		}
		bw.WriteString("}")
	}
	bw.WriteString("\n]\n")
	return bw.Flush()
}

func appendJSONValue(b []byte, v dataset.Value) []byte {
	switch v.Kind {
	case dataset.KindSuppressed:
		return strconv.AppendQuote(b, dataset.SymbolSuppressed)
	case dataset.KindInt:
		return strconv.AppendInt(b, v.Int, 10)
	case dataset.KindNumber:
		return strconv.AppendFloat(b, v.Num, 'f', -1, 64)
	case dataset.KindString:
		return appendJSONString(b, v.Str)
	}
	return append(b, "null"...)
}

// appendJSONString quotes s as JSON without escaping <, > and & (the files
// are data, not HTML), so "<18" stays readable.
func appendJSONString(b []byte, s string) []byte {
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // cannot fail for a string
	return append(b, strings.TrimSuffix(sb.String(), "\n")...)
}
