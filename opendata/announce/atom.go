package announce

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/xml"
	"html"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/release"
)

// The feeds are Atom 1.0 (RFC 4287), written with encoding/xml.
//
// Ids must never change, whatever else does. With a base URL, an entry's
// is a tag URI (RFC 4151) under its host, dated by the release's reference
// date — tag:data.example.org,2026-10-31:opendata/releases/2026-10-31 —
// and a feed's is its own URL. Without one there is no name to mint them
// under, so they are name-based UUIDs (RFC 9562, version 5) of the
// district's code and the same path. Setting
// or changing TONGXING_OPENDATA_BASE_URL therefore changes the ids, and
// feed readers show the entries once more. Links are absolute below the
// base URL, or root-relative without one (Atom resolves them against the
// feed's own URL).

// MediaType is the feeds' Content-Type.
const MediaType = "application/atom+xml"

// MaxEntries is how many releases a feed lists, newest first; older ones
// are on the changelog page.
const MaxEntries = 50

const atomNS = "http://www.w3.org/2005/Atom"

type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID        string      `xml:"id"`
	Title     atomText    `xml:"title"`
	Subtitle  atomText    `xml:"subtitle"`
	Updated   string      `xml:"updated"`
	Author    atomPerson  `xml:"author"`
	Links     []atomLink  `xml:"link"`
	Generator atomGen     `xml:"generator"`
	Rights    atomText    `xml:"rights"`
	Entries   []atomEntry `xml:"entry"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
	Content    atomText       `xml:"content"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomLink struct {
	Rel    string `xml:"rel,attr"`
	Type   string `xml:"type,attr,omitempty"`
	Href   string `xml:"href,attr"`
	Title  string `xml:"title,attr,omitempty"`
	Length int64  `xml:"length,attr,omitempty"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomGen struct {
	URI  string `xml:"uri,attr,omitempty"`
	Body string `xml:",chardata"`
}

func plain(t dataset.Text) atomText { return atomText{Type: "text", Body: t.Zh + "\n" + t.En} }

func oneLine(zh, en string) atomText { return atomText{Type: "text", Body: zh + " · " + en} }

// feeder writes the feeds of one site.
type feeder struct {
	u        urls
	host     string // tag authority; "" for UUID ids
	district string
}

func newFeeder(baseURL string, m *release.Manifest) feeder {
	f := feeder{u: urls(baseURL), district: m.District.Code}
	if p, err := url.Parse(baseURL); err == nil && p.Hostname() != "" {
		if _, err := netip.ParseAddr(p.Hostname()); err != nil { // a tag authority is a domain name
			f.host = strings.ToLower(p.Hostname())
		}
	}
	return f
}

// id is the permanent id of what path names, minted on date (YYYY-MM-DD).
func (f feeder) id(date, path string) string {
	if f.host != "" {
		return "tag:" + f.host + "," + date + ":" + path
	}
	return "urn:uuid:" + uuid5("tongxing:opendata:"+f.district+":"+path)
}

// feedID is a feed's permanent id: its own URL below the base URL, or a
// name-based UUID without one.
func (f feeder) feedID(path, self string) string {
	if f.host != "" {
		return self
	}
	return "urn:uuid:" + uuid5("tongxing:opendata:"+f.district+":"+path)
}

// uuid5 is the RFC 9562 name-based (SHA-1) UUID of name in the URL
// namespace.
func uuid5(name string) string {
	ns := [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	s := hex.EncodeToString(b)
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

func (f feeder) feed(latest *release.Manifest, id string, title, subtitle dataset.Text, self, alternate string, entries []atomEntry) ([]byte, error) {
	doc := atomFeed{
		Lang: "zh-CN", ID: id,
		Title: oneLine(title.Zh, title.En), Subtitle: oneLine(subtitle.Zh, subtitle.En),
		Updated: stamp(latest.BuiltAt),
		Author:  atomPerson{Name: latest.Publisher.String()},
		Links: []atomLink{
			{Rel: "self", Type: MediaType, Href: self},
			{Rel: "alternate", Type: "text/html", Href: alternate},
		},
		Generator: atomGen{Body: "Tongxing 同行"},
		Rights:    oneLine("数据以 "+dataset.LicenseName.Zh+" 许可发布", "Data licensed under "+dataset.LicenseName.En),
		Entries:   entries,
	}
	if len(entries) > 0 {
		doc.Updated = entries[0].Updated
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// Releases is the releases feed: one entry per release, newest first
// (history is newest first; at most MaxEntries), each with its date, what
// changed in every dataset and links to every file.
func Releases(history []*release.Manifest, baseURL string) ([]byte, error) {
	if len(history) == 0 {
		return nil, nil
	}
	latest := history[0]
	f := newFeeder(baseURL, latest)
	var entries []atomEntry
	for _, m := range history[:min(len(history), MaxEntries)] {
		e := atomEntry{
			ID:      f.id(m.ReferenceDate, "opendata/releases/"+m.Version),
			Title:   oneLine("数据版本 "+m.Version, "Release "+m.Version),
			Updated: stamp(m.BuiltAt), Published: stamp(m.BuiltAt),
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: f.u.changelog(m.Version), Title: "更新记录 Changelog"}},
			Summary: plain(releaseText(m)),
		}
		for _, d := range m.Documents {
			e.Links = append(e.Links, atomLink{Rel: "related", Type: d.MediaType, Href: f.u.releaseFile(m.Version, d.Path), Title: d.Path, Length: d.Bytes})
		}
		var body strings.Builder
		text := releaseText(m)
		body.WriteString("<p>" + html.EscapeString(text.Zh) + "<br>" + html.EscapeString(text.En) + "</p>\n<ul>\n")
		for i := range m.Datasets {
			d := &m.Datasets[i]
			t, c := title(d.ID), changeLine(m, d.ID)
			if Changed(m, d.ID) {
				e.Categories = append(e.Categories, atomCategory{Term: d.ID, Label: t.Zh + " " + t.En})
			}
			body.WriteString(`<li><a href="` + html.EscapeString(f.u.page(d.ID)) + `">` + html.EscapeString(t.Zh) + "</a> " +
				html.EscapeString(t.En) + "：" + html.EscapeString(c.Zh) + " / " + html.EscapeString(c.En) + "<br>" + fileLinks(files(f.u, d)) + "</li>\n")
		}
		body.WriteString("</ul>\n")
		e.Content = atomText{Type: "html", Body: body.String()}
		entries = append(entries, e)
	}
	cat := release.CatalogTitle(latest.District.Name)
	return f.feed(latest, f.feedID("opendata/releases.atom", f.u.releasesFeed()),
		dataset.Text{Zh: cat.Zh + "：数据版本", En: cat.En + ": releases"},
		dataset.Text{Zh: "每个新版本的日期、各数据集的变化和文件链接。", En: "Each new release: its date, what changed in every dataset, and links to the files."},
		f.u.releasesFeed(), f.u.at(""), entries)
}

// Dataset is one dataset's feed: an entry for every release in which the
// dataset was new or changed, newest first (at most MaxEntries), with its
// change text and its versioned files as enclosures. found is false when
// no release holds the dataset.
func Dataset(history []*release.Manifest, id, baseURL string) (body []byte, found bool, err error) {
	var holding []*release.Manifest
	for _, m := range history {
		if _, ok := m.Dataset(id); ok {
			holding = append(holding, m)
		}
	}
	if len(holding) == 0 {
		return nil, false, nil
	}
	latest := history[0]
	f := newFeeder(baseURL, latest)
	t := title(id)
	var entries []atomEntry
	for _, m := range holding {
		if len(entries) == MaxEntries {
			break
		}
		if !Changed(m, id) {
			continue
		}
		d, _ := m.Dataset(id)
		c := ChangeText(m, id)
		fs := files(f.u, d)
		e := atomEntry{
			ID:      f.id(m.ReferenceDate, "opendata/datasets/"+id+"/"+m.Version),
			Title:   oneLine(t.Zh+" "+m.Version, t.En+" "+m.Version),
			Updated: stamp(m.BuiltAt), Published: stamp(m.BuiltAt),
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: f.u.page(id), Title: t.Zh}},
			Summary: plain(c),
			Content: atomText{Type: "html", Body: "<p>" + lines(c.Zh) + "</p>\n<p>" + lines(c.En) + "</p>\n<p>" +
				html.EscapeString("数据截至 "+m.ReferenceDate+"，"+strconv.Itoa(d.Rows)+" 行 · Figures to "+m.ReferenceDate+", "+strconv.Itoa(d.Rows)+" rows") +
				"</p>\n<p>" + fileLinks(fs) + "</p>\n"},
		}
		for _, fl := range fs {
			e.Links = append(e.Links, atomLink{Rel: "enclosure", Type: fl.MediaType, Href: fl.URL, Title: label(fl.Format), Length: fl.Bytes})
		}
		entries = append(entries, e)
	}
	body, err = f.feed(latest, f.feedID("opendata/datasets/"+id+"/releases.atom", f.u.datasetFeed(id)),
		dataset.Text{Zh: t.Zh + "：数据版本", En: t.En + ": releases"},
		dataset.Text{Zh: "该数据集有变化的每个版本，附变化说明和带版本号的文件链接。", En: "Every release in which this dataset changed, with what changed and its versioned files."},
		f.u.datasetFeed(id), f.u.page(id), entries)
	return body, true, err
}

// lines is plain text as HTML, its line breaks kept.
func lines(text string) string {
	return strings.ReplaceAll(html.EscapeString(text), "\n", "<br>")
}

// fileLinks is an HTML line of links to files.
func fileLinks(fs []File) string {
	parts := make([]string, 0, len(fs))
	for _, fl := range fs {
		parts = append(parts, `<a href="`+html.EscapeString(fl.URL)+`" type="`+html.EscapeString(fl.MediaType)+`">`+label(fl.Format)+"</a>")
	}
	return strings.Join(parts, " · ")
}
