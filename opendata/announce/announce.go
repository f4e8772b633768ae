// Package announce tells readers that a release was published: the Atom
// feeds of releases and of each dataset (/opendata/releases.atom,
// /opendata/datasets/{id}/releases.atom) and the payload of the
// release.published webhook event (package webhooks delivers it). Both say
// the same things: the version, the date, what changed, and the versioned
// URLs of the files. docs/opendata.md, "Feeds and webhooks".
package announce

import (
	"strconv"
	"strings"
	"time"

	"github.com/tongxing/tongxing/opendata/catalog"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/release"
	"github.com/tongxing/tongxing/opendata/writer"
)

// EventReleasePublished is the webhook event type of a new release.
const EventReleasePublished = "release.published"

// ChangeText is the bilingual text of what changed in dataset id in
// release m, against the release before it: the dataset feeds' entries and
// the webhook payload show it. It is the release's change summary
// (release.Summary): a line of counts and, for the public registers, the
// rows added, removed and changed, with published values only.
func ChangeText(m *release.Manifest, id string) dataset.Text {
	if d, ok := release.Summary(m, id); ok {
		return d.Text()
	}
	return dataset.Text{Zh: "本版本没有该数据集", En: "not in this release"}
}

// changeLine is the one line of counts of dataset id in release m, for
// lists of every dataset (the releases feed).
func changeLine(m *release.Manifest, id string) dataset.Text {
	if d, ok := release.Summary(m, id); ok {
		return d.Summary()
	}
	return dataset.Text{Zh: "本版本没有该数据集", En: "not in this release"}
}

// Changed reports whether dataset id is new or changed in m. A release
// without a change summary of it (none was recorded) counts as changed.
func Changed(m *release.Manifest, id string) bool {
	for _, c := range m.Changes {
		if c.Dataset == id {
			return !c.None()
		}
	}
	return true
}

// releaseText is a release's own line: its date and how many datasets
// changed.
func releaseText(m *release.Manifest) dataset.Text {
	n := 0
	for _, d := range m.Datasets {
		if Changed(m, d.ID) {
			n++
		}
	}
	total := strconv.Itoa(len(m.Datasets))
	return dataset.Text{
		Zh: "数据截至 " + m.ReferenceDate + "；" + total + " 个数据集中 " + strconv.Itoa(n) + " 个有变化。",
		En: "Figures to " + m.ReferenceDate + "; " + strconv.Itoa(n) + " of " + total + " datasets changed.",
	}
}

// title is a dataset's title, or its id when the dataset was retired.
func title(id string) dataset.Text {
	if d := dataset.ByID(id); d != nil {
		return d.Title
	}
	return dataset.Text{Zh: id, En: id}
}

// urls builds the URLs of the portal: absolute below base when it is set
// (https://data.example.org), root-relative otherwise.
type urls string

func (u urls) at(rel string) string { return string(u) + "/opendata/" + rel }

func (u urls) releasesFeed() string         { return u.at("releases.atom") }
func (u urls) datasetFeed(id string) string { return u.at(catalog.PagePath(id) + "releases.atom") }
func (u urls) page(id string) string        { return u.at(catalog.PagePath(id)) }
func (u urls) changelog(version string) string {
	return u.at("changelog#v-" + version)
}

// releaseFile is a release document (datapackage.json, catalog.jsonld) at
// its versioned URL.
func (u urls) releaseFile(version, path string) string {
	return u.at("releases/" + version + "/" + path)
}

// File is one versioned file of a dataset.
type File struct {
	Format    string `json:"format"`
	MediaType string `json:"mediaType"`
	URL       string `json:"url"`
	Bytes     int64  `json:"bytes"`
	SHA256    string `json:"sha256"`
}

// files are a dataset's files in a release, in the writers' format order.
func files(u urls, d *release.Dataset) []File {
	var out []File
	for _, f := range writer.Formats {
		rf, ok := d.File(f.Ext)
		if !ok {
			continue
		}
		out = append(out, File{Format: rf.Format, MediaType: rf.MediaType, URL: u.at(rf.Path), Bytes: rf.Bytes, SHA256: rf.SHA256})
	}
	return out
}

func label(format string) string {
	if format == "parquet" {
		return "Parquet"
	}
	return strings.ToUpper(format)
}

// stamp is an Atom and JSON date-time: RFC 3339 in UTC.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
