package catalog

import (
	"github.com/tongxing/tongxing/opendata/dataset"
)

// SchemaOrg returns the schema.org Dataset description of one dataset, for
// the <script type="application/ld+json"> of its page (what dataset search
// engines read). URLs are absolute with a base URL, root-relative without.
func SchemaOrg(r Release, d Dataset) ([]byte, error) {
	page := r.absolute(PagePath(d.Def.ID))
	desc := d.Def.Description.Zh + "\n\n" + d.Def.Description.En
	var keywords []string
	for _, k := range d.Def.Keywords {
		keywords = append(keywords, k.Zh, k.En)
	}
	org := obj{{"@type", "Organization"}, {"name", r.Publisher.String()}}
	vars := make([]obj, 0, len(d.Def.Fields))
	for _, f := range d.Def.Fields {
		v := obj{{"@type", "PropertyValue"}, {"name", f.Name}, {"description", f.Title.String() + ": " + f.Description.En}}
		v = v.add("unitText", f.Unit.En)
		vars = append(vars, v)
	}
	dists := make([]obj, 0, len(d.Files))
	for _, f := range d.Files {
		dists = append(dists, obj{
			{"@type", "DataDownload"},
			{"encodingFormat", f.Format.MediaType},
			{"contentUrl", r.absolute(f.Path)},
			{"contentSize", f.Bytes},
		})
	}
	ds := obj{
		{"@context", "https://schema.org/"},
		{"@type", "Dataset"},
		{"@id", page},
		{"name", d.Def.Title.String()},
		{"alternateName", []string{d.Def.Title.Zh, d.Def.Title.En}},
		{"description", desc},
		{"url", page},
		{"identifier", d.Def.ID},
		{"version", r.Version},
		{"dateModified", r.ReferenceDate},
		{"license", dataset.LicenseURL},
		{"isAccessibleForFree", true},
		{"inLanguage", []string{"zh-CN", "en"}},
		{"keywords", keywords},
		{"creator", org},
		{"publisher", org},
		{"spatialCoverage", obj{{"@type", "Place"}, {"name", r.District.Name}, {"identifier", r.District.Code}}},
	}
	if d.TemporalStart != "" {
		ds = append(ds, kv{"temporalCoverage", d.TemporalStart + "/" + d.TemporalEnd})
	}
	ds = append(ds,
		kv{"variableMeasured", vars},
		kv{"distribution", dists},
		kv{"includedInDataCatalog", obj{{"@type", "DataCatalog"}, {"name", r.CatalogTitle.String()}, {"url", r.absolute("")}}},
	)
	if d.Def.PersonDerived {
		ds = append(ds, kv{"measurementTechnique", dataset.Text{Zh: "统计披露控制（频数规则、优势规则、单元格键扰动、按 5 取整）", En: "Statistical disclosure control (frequency rule, dominance rule, cell-key perturbation, rounding to base 5)"}.String()})
	}
	return marshal(ds)
}
