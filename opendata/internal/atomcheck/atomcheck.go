// Package atomcheck reads an Atom feed the way a feed reader would, and
// checks it against the rules of RFC 4287 that a reader relies on: the
// tests of the feeds use it.
package atomcheck

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// NS is the Atom namespace.
const NS = "http://www.w3.org/2005/Atom"

// Feed is a parsed feed.
type Feed struct {
	XMLName  xml.Name `xml:"feed"`
	Lang     string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	IDs      []string `xml:"http://www.w3.org/2005/Atom id"`
	Titles   []Text   `xml:"http://www.w3.org/2005/Atom title"`
	Updateds []string `xml:"http://www.w3.org/2005/Atom updated"`
	Authors  []Person `xml:"http://www.w3.org/2005/Atom author"`
	Links    []Link   `xml:"http://www.w3.org/2005/Atom link"`
	Entries  []Entry  `xml:"http://www.w3.org/2005/Atom entry"`
}

// Entry is one entry.
type Entry struct {
	IDs        []string   `xml:"http://www.w3.org/2005/Atom id"`
	Titles     []Text     `xml:"http://www.w3.org/2005/Atom title"`
	Updateds   []string   `xml:"http://www.w3.org/2005/Atom updated"`
	Published  []string   `xml:"http://www.w3.org/2005/Atom published"`
	Authors    []Person   `xml:"http://www.w3.org/2005/Atom author"`
	Links      []Link     `xml:"http://www.w3.org/2005/Atom link"`
	Summaries  []Text     `xml:"http://www.w3.org/2005/Atom summary"`
	Contents   []Text     `xml:"http://www.w3.org/2005/Atom content"`
	Categories []Category `xml:"http://www.w3.org/2005/Atom category"`
}

// Text is a text construct.
type Text struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// Person is an author.
type Person struct {
	Names []string `xml:"http://www.w3.org/2005/Atom name"`
}

// Link is a link.
type Link struct {
	Rel    string `xml:"rel,attr"`
	Type   string `xml:"type,attr"`
	Href   string `xml:"href,attr"`
	Title  string `xml:"title,attr"`
	Length string `xml:"length,attr"`
}

// Category is a category.
type Category struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr"`
}

// ID is the feed's id.
func (f *Feed) ID() string { return first(f.IDs) }

// Updated is the feed's updated time.
func (f *Feed) Updated() time.Time { return parse(first(f.Updateds)) }

// ID is the entry's id.
func (e *Entry) ID() string { return first(e.IDs) }

// Title is the entry's title.
func (e *Entry) Title() string {
	if len(e.Titles) == 0 {
		return ""
	}
	return e.Titles[0].Body
}

// Updated is the entry's updated time.
func (e *Entry) Updated() time.Time { return parse(first(e.Updateds)) }

// Link returns the first link of a relation.
func (e *Entry) Link(rel string) (Link, bool) { return link(e.Links, rel) }

// Link returns the first link of a relation.
func (f *Feed) Link(rel string) (Link, bool) { return link(f.Links, rel) }

// LinksOf returns every link of a relation.
func (e *Entry) LinksOf(rel string) []Link {
	var out []Link
	for _, l := range e.Links {
		if relOf(l) == rel {
			out = append(out, l)
		}
	}
	return out
}

func link(ls []Link, rel string) (Link, bool) {
	for _, l := range ls {
		if relOf(l) == rel {
			return l, true
		}
	}
	return Link{}, false
}

func relOf(l Link) string {
	if l.Rel == "" {
		return "alternate"
	}
	return l.Rel
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return strings.TrimSpace(s[0])
}

func parse(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

// Parse decodes body as an Atom feed and returns it with every rule it
// breaks.
func Parse(body []byte) (*Feed, []error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !bytes.HasPrefix(body, []byte("<?xml")) {
		bad("no XML declaration")
	}
	var f Feed
	if err := xml.Unmarshal(body, &f); err != nil {
		return nil, []error{fmt.Errorf("not XML: %w", err)}
	}
	if f.XMLName.Space != NS || f.XMLName.Local != "feed" {
		bad("root element is {%s}%s, want {%s}feed", f.XMLName.Space, f.XMLName.Local, NS)
	}
	one := func(where, name string, n int) {
		if n != 1 {
			bad("%s: %d atom:%s elements, want exactly one", where, n, name)
		}
	}
	one("feed", "id", len(f.IDs))
	one("feed", "title", len(f.Titles))
	one("feed", "updated", len(f.Updateds))
	absolute := func(where, id string) {
		u, err := url.Parse(id)
		if err != nil || !u.IsAbs() || id != strings.TrimSpace(id) {
			bad("%s: id %q is not an absolute IRI", where, id)
		}
	}
	stamp := func(where, name, s string) {
		if _, err := time.Parse(time.RFC3339, strings.TrimSpace(s)); err != nil {
			bad("%s: atom:%s %q is not an RFC 3339 date-time", where, name, s)
		}
	}
	if len(f.IDs) == 1 {
		absolute("feed", f.IDs[0])
	}
	for _, s := range f.Updateds {
		stamp("feed", "updated", s)
	}
	checkText := func(where string, ts []Text) {
		for _, t := range ts {
			switch t.Type {
			case "", "text", "html", "xhtml":
			default:
				bad("%s: text construct of type %q", where, t.Type)
			}
		}
	}
	checkText("feed title", f.Titles)
	checkLinks := func(where string, ls []Link) {
		alternates := map[string]bool{}
		for _, l := range ls {
			if l.Href == "" {
				bad("%s: link without href", where)
			}
			if _, err := url.Parse(l.Href); err != nil {
				bad("%s: link href %q: %v", where, l.Href, err)
			}
			if relOf(l) == "alternate" {
				if alternates[l.Type] {
					bad("%s: two alternate links of type %q", where, l.Type)
				}
				alternates[l.Type] = true
			}
		}
	}
	checkLinks("feed", f.Links)
	if self, ok := f.Link("self"); !ok || self.Type != "application/atom+xml" {
		bad("feed: no self link of type application/atom+xml")
	}
	feedAuthor := false
	for _, a := range f.Authors {
		one("feed author", "name", len(a.Names))
		feedAuthor = true
	}
	seen := map[string]bool{}
	var previous time.Time
	for i, e := range f.Entries {
		where := fmt.Sprintf("entry %d", i+1)
		one(where, "id", len(e.IDs))
		one(where, "title", len(e.Titles))
		one(where, "updated", len(e.Updateds))
		if len(e.Summaries) > 1 || len(e.Contents) > 1 || len(e.Published) > 1 {
			bad("%s: more than one summary, content or published", where)
		}
		if len(e.IDs) == 1 {
			absolute(where, e.IDs[0])
			if seen[e.IDs[0]] {
				bad("%s: id %s used twice", where, e.IDs[0])
			}
			seen[e.IDs[0]] = true
		}
		for _, s := range e.Updateds {
			stamp(where, "updated", s)
		}
		for _, s := range e.Published {
			stamp(where, "published", s)
		}
		checkText(where, e.Titles)
		checkText(where, e.Summaries)
		checkText(where, e.Contents)
		checkLinks(where, e.Links)
		if _, ok := e.Link("alternate"); !ok && len(e.Contents) == 0 {
			bad("%s: neither content nor an alternate link", where)
		}
		if len(e.Authors) == 0 && !feedAuthor {
			bad("%s: no author, and the feed has none", where)
		}
		for _, l := range e.LinksOf("enclosure") {
			if l.Length == "" || l.Type == "" {
				bad("%s: enclosure %s without length or type", where, l.Href)
			}
		}
		if u := e.Updated(); i > 0 && u.After(previous) {
			bad("%s: newer than the entry before it", where)
		}
		previous = e.Updated()
	}
	return &f, errs
}
