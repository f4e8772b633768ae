package catalog

import (
	"strconv"

	"github.com/tongxing/tongxing/opendata/dataset"
)

// dcatContext declares the vocabularies of catalog.jsonld.
func dcatContext(r Release) obj {
	ctx := obj{
		{"dcat", "http://www.w3.org/ns/dcat#"},
		{"dct", "http://purl.org/dc/terms/"},
		{"foaf", "http://xmlns.com/foaf/0.1/"},
		{"xsd", "http://www.w3.org/2001/XMLSchema#"},
		{"spdx", "http://spdx.org/rdf/terms#"},
		{"rdfs", "http://www.w3.org/2000/01/rdf-schema#"},
	}
	if r.BaseURL != "" {
		// Relative IRIs resolve against the document's own URL anyway;
		// @base makes them absolute for copies served elsewhere.
		ctx = append(ctx, kv{"@base", r.absolute("")})
	}
	return ctx
}

func publisher(r Release) obj {
	return obj{{"@type", "foaf:Agent"}, {"foaf:name", langs(r.Publisher)}}
}

// DCAT returns catalog.jsonld: a DCAT 3 catalogue with every dataset of the
// release, each with one distribution per format whose download URL is the
// versioned, immutable file.
func DCAT(r Release) ([]byte, error) {
	datasets := make([]obj, 0, len(r.Datasets))
	for _, d := range r.Datasets {
		datasets = append(datasets, dcatDataset(r, d))
	}
	cat := obj{
		{"@context", dcatContext(r)},
		{"@id", "catalog.jsonld"},
		{"@type", "dcat:Catalog"},
		{"dct:title", langs(r.CatalogTitle)},
		{"dct:description", langs(catalogDescription(r))},
		{"dct:publisher", publisher(r)},
		{"dct:license", id(dataset.LicenseURL)},
		{"dct:language", []obj{{{"@id", "http://id.loc.gov/vocabulary/iso639-1/zh"}}, {{"@id", "http://id.loc.gov/vocabulary/iso639-1/en"}}}},
		{"dct:modified", typed(r.ReferenceDate, "xsd:date")},
		{"dcat:version", r.Version},
		{"foaf:homepage", id("./")},
		{"dcat:dataset", datasets},
	}
	return marshal(cat)
}

func dcatDataset(r Release, d Dataset) obj {
	var keywords []map[string]string
	for _, k := range d.Def.Keywords {
		keywords = append(keywords, langs(k)...)
	}
	ds := obj{
		{"@id", PagePath(d.Def.ID)},
		{"@type", "dcat:Dataset"},
		{"dct:identifier", d.Def.ID},
		{"dct:title", langs(d.Def.Title)},
		{"dct:description", langs(d.Def.Description)},
	}
	ds = ds.add("dcat:keyword", keywords)
	ds = append(ds,
		kv{"dct:publisher", publisher(r)},
		kv{"dct:license", id(dataset.LicenseURL)},
		kv{"dct:accrualPeriodicity", id(r.Frequency.IRI)},
		kv{"dct:modified", typed(r.ReferenceDate, "xsd:date")},
		kv{"dcat:version", r.Version},
		kv{"dcat:landingPage", id(PagePath(d.Def.ID))},
		kv{"dct:spatial", obj{{"@type", "dct:Location"}, {"dct:identifier", r.District.Code}, {"rdfs:label", r.District.Name}}},
		kv{"dct:provenance", obj{{"@type", "dct:ProvenanceStatement"}, {"rdfs:label", langs(d.Def.Method)}}},
	)
	if d.TemporalStart != "" {
		ds = append(ds, kv{"dct:temporal", obj{
			{"@type", "dct:PeriodOfTime"},
			{"dcat:startDate", typed(d.TemporalStart, xsdDateType(d.TemporalStart))},
			{"dcat:endDate", typed(d.TemporalEnd, xsdDateType(d.TemporalEnd))},
		}})
	}
	dists := make([]obj, 0, len(d.Files))
	for _, f := range d.Files {
		dists = append(dists, obj{
			{"@id", f.Path},
			{"@type", "dcat:Distribution"},
			{"dct:title", langs(dataset.Text{Zh: d.Def.Title.Zh + "（" + f.Format.Name + "）", En: d.Def.Title.En + " (" + f.Format.Name + ")"})},
			{"dct:format", f.Format.Name},
			{"dcat:mediaType", id(f.Format.IANA)},
			{"dcat:downloadURL", id(f.Path)},
			{"dcat:accessURL", id(PagePath(d.Def.ID))},
			{"dcat:byteSize", typed(strconv.FormatInt(f.Bytes, 10), "xsd:nonNegativeInteger")},
			{"spdx:checksum", obj{
				{"@type", "spdx:Checksum"},
				{"spdx:algorithm", id("http://spdx.org/rdf/terms#checksumAlgorithm_sha256")},
				{"spdx:checksumValue", typed(f.SHA256, "xsd:hexBinary")},
			}},
			{"dct:license", id(dataset.LicenseURL)},
		})
	}
	return append(ds, kv{"dcat:distribution", dists})
}
