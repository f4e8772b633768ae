package writer

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/openinghours"
)

// The schema.org Place document of a dataset of places. It is written
// from the published table, like every other format, so it says no more
// than the CSV: one Place per row, with its address, WGS-84 coordinates
// and opening hours as OpeningHoursSpecification (a closed date is one
// that opens and closes at 00:00, as schema.org defines).

type placeDocument struct {
	Context string  `json:"@context"`
	ID      string  `json:"@id,omitempty"`
	Graph   []place `json:"@graph"`
}

type place struct {
	Type           string        `json:"@type"`
	ID             string        `json:"@id"`
	Identifier     string        `json:"identifier"`
	Name           string        `json:"name"`
	AdditionalType string        `json:"additionalType,omitempty"`
	Address        postalAddress `json:"address"`
	Geo            geo           `json:"geo"`
	ContainedIn    *area         `json:"containedInPlace,omitempty"`
	Telephone      string        `json:"telephone,omitempty"`
	Keywords       string        `json:"keywords,omitempty"`
	Hours          []hours       `json:"openingHoursSpecification,omitempty"`
	SpecialHours   []hours       `json:"specialOpeningHoursSpecification,omitempty"`
}

type postalAddress struct {
	Type     string `json:"@type"`
	Street   string `json:"streetAddress"`
	Locality string `json:"addressLocality,omitempty"`
	Country  string `json:"addressCountry"`
}

type geo struct {
	Type      string  `json:"@type"`
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

type area struct {
	Type       string `json:"@type"`
	Identifier string `json:"identifier"`
	Name       string `json:"name,omitempty"`
}

type hours struct {
	Type         string `json:"@type"`
	DayOfWeek    string `json:"dayOfWeek,omitempty"`
	Opens        string `json:"opens"`
	Closes       string `json:"closes"`
	ValidFrom    string `json:"validFrom,omitempty"`
	ValidThrough string `json:"validThrough,omitempty"`
}

// WritePlaces writes t, a table of places, as schema.org JSON-LD. id is
// the document's URL (may be empty); each place's @id is id#<row id>.
func WritePlaces(w io.Writer, t *dataset.Table, id string) error {
	d := t.Dataset
	col := func(name string) int { return d.FieldIndex(name) }
	key := col(d.PrimaryKey[0])
	name, addr, lat, lon := col("name"), col("address"), col("latitude"), col("longitude")
	if key < 0 || name < 0 || addr < 0 || lat < 0 || lon < 0 {
		return fmt.Errorf("%s: not a table of places", d.ID)
	}
	text := func(r dataset.Row, field string) string {
		if i := col(field); i >= 0 {
			return r[i].Text()
		}
		return ""
	}
	doc := placeDocument{Context: "https://schema.org", ID: id, Graph: []place{}}
	for _, r := range t.Rows {
		p := place{
			Type: "Place", ID: id + "#" + r[key].Text(), Identifier: r[key].Text(), Name: r[name].Text(),
			AdditionalType: text(r, "kind_name"),
			Address:        postalAddress{Type: "PostalAddress", Street: r[addr].Text(), Locality: text(r, "town_name"), Country: "CN"},
			Geo:            geo{Type: "GeoCoordinates", Latitude: r[lat].Float(), Longitude: r[lon].Float()},
			Telephone:      text(r, "contact_phone"),
			Keywords:       text(r, "services"),
		}
		if code := text(r, "region_code"); code != "" {
			p.ContainedIn = &area{Type: "AdministrativeArea", Identifier: code, Name: text(r, "town_name")}
		}
		if osm := text(r, "opening_hours"); osm != "" {
			sessions, exceptions, err := openinghours.Parse(osm)
			if err != nil {
				return fmt.Errorf("%s %s: %w", d.ID, r[key].Text(), err)
			}
			for _, s := range sessions {
				p.Hours = append(p.Hours, hours{Type: "OpeningHoursSpecification", DayOfWeek: "https://schema.org/" + s.Day.String(),
					Opens: openinghours.Clock(s.Opens), Closes: openinghours.Clock(s.Closes)})
			}
			for _, e := range exceptions {
				day := e.Date.Format(time.DateOnly)
				h := hours{Type: "OpeningHoursSpecification", Opens: "00:00", Closes: "00:00", ValidFrom: day, ValidThrough: day}
				if e.Opens != nil && e.Closes != nil {
					h.Opens, h.Closes = openinghours.Clock(*e.Opens), openinghours.Clock(*e.Closes)
				}
				p.SpecialHours = append(p.SpecialHours, h)
			}
		}
		doc.Graph = append(doc.Graph, p)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
