package announce

import (
	"time"

	"github.com/tongxing/tongxing/opendata/catalog"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/release"
	"github.com/tongxing/tongxing/webhooks"
)

// ReleasePublished is the data of a release.published event.
type ReleasePublished struct {
	Version       string       `json:"version"`
	ReferenceDate string       `json:"referenceDate"`
	BuiltAt       time.Time    `json:"builtAt"`
	Previous      string       `json:"previous,omitempty"`
	Publisher     dataset.Text `json:"publisher"`
	Summary       dataset.Text `json:"summary"`
	// Changelog, DataPackage and Catalog are the release's changelog entry
	// and its versioned metadata documents; Feed is the releases feed.
	Changelog   string           `json:"changelog"`
	DataPackage string           `json:"datapackage"`
	Catalog     string           `json:"catalog"`
	Feed        string           `json:"feed"`
	Datasets    []DatasetRelease `json:"datasets"`
}

// DatasetRelease is one dataset in a release.
type DatasetRelease struct {
	ID      string       `json:"id"`
	Title   dataset.Text `json:"title"`
	Rows    int          `json:"rows"`
	Changed bool         `json:"changed"`
	Change  dataset.Text `json:"change"`
	Page    string       `json:"page"`
	Feed    string       `json:"feed"`
	// Changes is the dataset's change summaries as JSON (counts, and the
	// registers' changed rows), every release's.
	Changes string `json:"changes"`
	Files   []File `json:"files"`
}

// Payload is what a release.published event says about m. URLs are
// absolute below baseURL (TONGXING_OPENDATA_BASE_URL); without one they are
// root-relative, which a receiver elsewhere cannot follow — set it
// wherever webhooks are used.
func Payload(m *release.Manifest, baseURL string) ReleasePublished {
	u := urls(baseURL)
	p := ReleasePublished{
		Version: m.Version, ReferenceDate: m.ReferenceDate, BuiltAt: m.BuiltAt.UTC(), Previous: m.Previous,
		Publisher: m.Publisher, Summary: releaseText(m),
		Changelog: u.changelog(m.Version), Feed: u.releasesFeed(),
		Datasets: []DatasetRelease{},
	}
	for _, f := range m.Documents {
		switch f.Path {
		case "datapackage.json":
			p.DataPackage = u.releaseFile(m.Version, f.Path)
		case "catalog.jsonld":
			p.Catalog = u.releaseFile(m.Version, f.Path)
		}
	}
	for i := range m.Datasets {
		d := &m.Datasets[i]
		p.Datasets = append(p.Datasets, DatasetRelease{
			ID: d.ID, Title: title(d.ID), Rows: d.Rows, Changed: Changed(m, d.ID), Change: ChangeText(m, d.ID),
			Page: u.page(d.ID), Feed: u.datasetFeed(d.ID), Changes: u.at(catalog.PagePath(d.ID) + "changes.json"), Files: files(u, d),
		})
	}
	return p
}

// Event is the release.published event of m. Its id names the version,
// so publishing it again reaches no subscriber twice.
func Event(m *release.Manifest, baseURL string) webhooks.Event[ReleasePublished] {
	return webhooks.Event[ReleasePublished]{
		Type: EventReleasePublished, ID: EventReleasePublished + ":" + m.Version,
		OccurredAt: m.BuiltAt, Payload: Payload(m, baseURL),
	}
}
