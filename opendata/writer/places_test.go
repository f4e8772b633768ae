package writer_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/writer"
)

// TestPlaces writes a service point as schema.org JSON-LD: coordinates,
// address, weekly hours and a closed date (opens = closes = 00:00).
func TestPlaces(t *testing.T) {
	d := dataset.ByID(dataset.ServicePoints)
	row := make(dataset.Row, len(d.Fields))
	set := func(f string, v dataset.Value) { row[d.FieldIndex(f)] = v }
	set("service_point_id", dataset.Str("U2VydmljZVBvaW50OjE"))
	set("name", dataset.Str("新塍社区老年食堂"))
	set("kind_name", dataset.Str("爱心食堂 / 老年食堂"))
	set("town_name", dataset.Str("新塍镇"))
	set("region_code", dataset.Str("330411104001"))
	set("address", dataset.Str("嘉兴市秀洲区新塍镇新塍社区1号"))
	set("latitude", dataset.Num(30.8313))
	set("longitude", dataset.Num(120.6232))
	set("opening_hours", dataset.Str("Mo-Fr 10:30-12:30; 2026 Oct 01 off; 2026 Oct 29 10:00-14:00"))
	var buf bytes.Buffer
	if err := writer.WritePlaces(&buf, &dataset.Table{Dataset: d, Rows: []dataset.Row{row}}, "https://data.example.org/opendata/places.jsonld"); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Context string `json:"@context"`
		Graph   []struct {
			Type string `json:"@type"`
			ID   string `json:"@id"`
			Geo  struct {
				Type                string
				Latitude, Longitude float64
			} `json:"geo"`
			Address struct {
				Street string `json:"streetAddress"`
			} `json:"address"`
			Hours []struct {
				DayOfWeek, Opens, Closes string
			} `json:"openingHoursSpecification"`
			Special []struct {
				Opens, Closes, ValidFrom, ValidThrough string
			} `json:"specialOpeningHoursSpecification"`
		} `json:"@graph"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Context != "https://schema.org" || len(doc.Graph) != 1 {
		t.Fatalf("document %s", buf.String())
	}
	p := doc.Graph[0]
	if p.Type != "Place" || p.ID != "https://data.example.org/opendata/places.jsonld#U2VydmljZVBvaW50OjE" ||
		p.Geo.Latitude != 30.8313 || p.Geo.Longitude != 120.6232 || p.Address.Street != "嘉兴市秀洲区新塍镇新塍社区1号" {
		t.Errorf("place %+v", p)
	}
	if len(p.Hours) != 5 || p.Hours[0].DayOfWeek != "https://schema.org/Monday" || p.Hours[0].Opens != "10:30" || p.Hours[0].Closes != "12:30" {
		t.Errorf("weekly hours %+v", p.Hours)
	}
	if len(p.Special) != 2 || p.Special[0].Opens != "00:00" || p.Special[0].Closes != "00:00" || p.Special[0].ValidFrom != "2026-10-01" ||
		p.Special[1].Opens != "10:00" || p.Special[1].ValidThrough != "2026-10-29" {
		t.Errorf("special hours %+v", p.Special)
	}
}
