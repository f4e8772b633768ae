package catalog

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/writer"
)

// CSLMediaType is the media type of a CSL-JSON citation
// (citation.json): the Citation Style Language's data schema, which
// Zotero, Pandoc, citeproc and reference managers import.
const CSLMediaType = "application/vnd.citationstyles.csl+json"

// CitationPath is the path, relative to /opendata/, of the CSL-JSON
// citation of a dataset: of the latest release when version is empty,
// otherwise of that release (which never changes).
func CitationPath(id, version string) string {
	if version == "" {
		return "datasets/" + id + "/citation.json"
	}
	return "datasets/" + id + "/" + version + "/citation.json"
}

// Citation is how to cite one dataset of one release. It names the
// publisher, the title, the version, the release date and the versioned URL
// of the dataset's CSV file, which is immutable: the data cited is the data
// found there, for ever.
type Citation struct {
	// Key identifies the citation (BibTeX key, CSL id):
	// tongxing-{dataset}-{version}.
	Key       string
	Publisher dataset.Text
	Title     dataset.Text
	Version   string
	// Date is the release's reference date, YYYY-MM-DD.
	Date string
	// URL is the versioned URL of the dataset's CSV file (absolute with a
	// base URL, root-relative without).
	URL string
	// APA is the APA-style (7th edition) reference for a data set, in
	// Chinese and in English.
	APA struct{ Zh, En APA }
	// BibTeX is a BibTeX @misc entry (biblatex reads its date and version).
	BibTeX string
}

// APA is an APA-style reference in three parts, so a page can set the
// title in italics.
type APA struct {
	Lead, Title, Tail string
}

// String is the reference as plain text.
func (a APA) String() string { return a.Lead + a.Title + a.Tail }

// Cite returns the citation of dataset d in release r.
func Cite(r Release, d Dataset) Citation {
	c := Citation{
		Key:       "tongxing-" + d.Def.ID + "-" + r.Version,
		Publisher: r.Publisher,
		Title:     d.Def.Title,
		Version:   r.Version,
		Date:      r.ReferenceDate,
		URL:       r.absolute(PagePath(d.Def.ID)),
	}
	if f, ok := d.File(writer.CSV.Ext); ok {
		c.URL = r.absolute(f.Path)
	}
	day, err := time.Parse(time.DateOnly, c.Date)
	if err != nil {
		day = time.Time{}
	}
	en := fmt.Sprintf("%d, %s %d", day.Year(), day.Month(), day.Day())
	zh := fmt.Sprintf("%d 年 %d 月 %d 日", day.Year(), int(day.Month()), day.Day())
	c.APA.En = APA{
		Lead:  sentence(r.Publisher.En) + " (" + en + "). ",
		Title: d.Def.Title.En,
		Tail:  " (Version " + r.Version + ") [Data set]. " + c.URL,
	}
	c.APA.Zh = APA{
		Lead:  sentence(r.Publisher.Zh) + " (" + zh + "). ",
		Title: d.Def.Title.Zh,
		Tail:  "（版本 " + r.Version + "）[数据集]. " + c.URL,
	}
	c.BibTeX = bibtex(c, day)
	return c
}

// sentence ends a name with a full stop unless it has one.
func sentence(s string) string {
	if strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}

var bibMonths = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

func bibtex(c Citation, day time.Time) string {
	var b strings.Builder
	field := func(name, value string) {
		fmt.Fprintf(&b, "  %-12s = %s,\n", name, value)
	}
	b.WriteString("@misc{" + c.Key + ",\n")
	// Double braces: a body, not a person's name, and its case kept.
	field("author", "{{"+bibEscape(c.Publisher.String())+"}}")
	field("title", "{{"+bibEscape(c.Title.String())+"}}")
	field("year", "{"+strconv.Itoa(day.Year())+"}")
	field("month", bibMonths[day.Month()-1])
	field("date", "{"+c.Date+"}")
	field("version", "{"+bibEscape(c.Version)+"}")
	field("publisher", "{{"+bibEscape(c.Publisher.String())+"}}")
	field("howpublished", `{\url{`+bibURL(c.URL)+`}}`)
	field("url", "{"+bibURL(c.URL)+"}")
	field("note", "{Data set; "+dataset.LicenseID+"}")
	b.WriteString("}\n")
	return b.String()
}

// bibEscape escapes the characters (La)TeX treats as commands.
func bibEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\textbackslash{}`)
		case '{', '}', '&', '%', '$', '#', '_':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '~':
			b.WriteString(`\textasciitilde{}`)
		case '^':
			b.WriteString(`\textasciicircum{}`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// bibURL escapes what \url and biblatex's url field cannot take verbatim.
func bibURL(s string) string {
	return strings.NewReplacer(`%`, `\%`, `#`, `\#`, `{`, `%7B`, `}`, `%7D`).Replace(s)
}

// CSLJSON returns the citation as CSL-JSON: an array holding one item of
// type "dataset", as reference managers import it.
func CSLJSON(r Release, d Dataset) ([]byte, error) {
	c := Cite(r, d)
	var parts []any
	if day, err := time.Parse(time.DateOnly, c.Date); err == nil {
		parts = []any{day.Year(), int(day.Month()), day.Day()}
	}
	var keywords []string
	for _, k := range d.Def.Keywords {
		keywords = append(keywords, k.Zh, k.En)
	}
	item := obj{
		{"id", c.Key},
		{"type", "dataset"},
		{"title", c.Title.String()},
		{"author", []obj{{{"literal", c.Publisher.String()}}}},
		{"publisher", c.Publisher.String()},
		{"issued", obj{{"date-parts", [][]any{parts}}}},
		{"version", c.Version},
		{"URL", c.URL},
		{"genre", dataset.Text{Zh: "数据集", En: "Data set"}.String()},
		{"abstract", d.Def.Description.String()},
		{"keyword", strings.Join(keywords, ", ")},
		{"language", "zh-CN"},
		{"license", dataset.LicenseName.En + " " + dataset.LicenseURL},
		{"citation-key", c.Key},
	}
	return marshal([]obj{item})
}
