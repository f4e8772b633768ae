package catalog

import (
	"strings"

	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/writer"
)

// Profiles of Frictionless Data Package v2.
const (
	DataPackageProfile = "https://datapackage.org/profiles/2.0/datapackage.json"
	TableSchemaProfile = "https://datapackage.org/profiles/2.0/tableschema.json"
)

// MissingValues are the missing-value symbols every Table Schema declares.
var MissingValues = []obj{
	{{"value", dataset.SymbolNone}, {"label", "无此值（不适用、未填报或未知） / no value (not applicable, not reported or not known)"}},
	{{"value", dataset.SymbolSuppressed}, {"label", "依披露控制规则隐去 / withheld by disclosure control"}},
}

// TableSchema is the Frictionless Table Schema of a dataset.
func TableSchema(d *dataset.Dataset) obj {
	fields := make([]obj, 0, len(d.Fields))
	for _, f := range d.Fields {
		fo := obj{{"name", f.Name}, {"type", string(f.Type)}}
		fo = fo.add("title", f.Title.String())
		desc := f.Description.String()
		if f.Unit.Zh != "" {
			desc += " 单位 Unit: " + f.Unit.String() + "."
		}
		fo = fo.add("description", desc)
		if f.Type == dataset.Date {
			fo = fo.add("format", "default")
		}
		if len(f.Categories) > 0 {
			cats := make([]obj, len(f.Categories))
			for i, c := range f.Categories {
				cats[i] = obj{{"value", c.Value}, {"label", c.Label.String()}}
			}
			fo = fo.add("categories", cats)
		}
		cons := obj{}
		if f.Required {
			cons = cons.add("required", true)
		}
		if f.Type == dataset.Integer && !strings.HasPrefix(f.Name, "year") {
			cons = cons.add("minimum", 0)
		}
		fo = fo.add("constraints", cons)
		fields = append(fields, fo)
	}
	return obj{
		{"$schema", TableSchemaProfile},
		{"fields", fields},
		{"primaryKey", d.PrimaryKey},
		{"missingValues", MissingValues},
	}
}

// DataPackage returns datapackage.json: one tabular resource per dataset,
// its CSV file, with the Table Schema inline. The other formats of each
// dataset are listed in the DCAT catalogue; a Data Package resource is one
// physical table.
func DataPackage(r Release) ([]byte, error) {
	resources := make([]obj, 0, len(r.Datasets))
	for _, d := range r.Datasets {
		f, ok := d.File(writer.CSV.Ext)
		if !ok {
			continue
		}
		res := obj{
			{"name", d.Def.ID},
			{"type", "table"},
			{"path", f.Path},
			{"format", "csv"},
			{"mediatype", "text/csv"},
			{"encoding", "utf-8"},
			{"bytes", f.Bytes},
			{"hash", "sha256:" + f.SHA256},
			{"title", d.Def.Title.String()},
			{"description", d.Def.Description.String()},
			{"sources", []obj{{{"title", d.Def.Source.String()}}}},
			{"licenses", licenses()},
			{"schema", TableSchema(d.Def)},
		}
		resources = append(resources, res)
	}
	var keywords []string
	seen := map[string]bool{}
	for _, d := range r.Datasets {
		for _, k := range d.Def.Keywords {
			for _, s := range []string{k.Zh, k.En} {
				if s != "" && !seen[s] {
					seen[s] = true
					keywords = append(keywords, s)
				}
			}
		}
	}
	pkg := obj{
		{"$schema", DataPackageProfile},
		{"name", "tongxing-" + r.District.Code},
		{"title", r.CatalogTitle.String()},
		{"description", catalogDescription(r).String()},
		{"version", r.Version},
		{"created", r.Created},
	}
	pkg = pkg.add("homepage", homepage(r))
	pkg = append(pkg,
		kv{"keywords", keywords},
		kv{"licenses", licenses()},
		kv{"contributors", []obj{{{"title", r.Publisher.String()}, {"roles", []string{"publisher"}}}}},
		kv{"sources", []obj{{{"title", "同行 Tongxing"}}}},
		kv{"resources", resources},
	)
	return marshal(pkg)
}

func homepage(r Release) string {
	if r.BaseURL == "" {
		return ""
	}
	return r.absolute("")
}

func licenses() []obj {
	return []obj{{{"name", dataset.LicenseID}, {"path", dataset.LicenseURL}, {"title", dataset.LicenseName.String()}}}
}

func catalogDescription(r Release) dataset.Text {
	return dataset.Text{
		Zh: r.District.Name + "“专业社工 + 志愿服务”开放数据：组织、项目和党建联建名录，以及经披露控制的志愿服务、志愿者、群众需求和社工个案统计。按 CC BY 4.0 许可开放。",
		En: "Open data of the \"professional social work + volunteer service\" programme of " + r.District.Name + ": registers of organisations, projects and Party-building links, and disclosure-controlled statistics of volunteer service, volunteers, resident needs and social-work cases. Licensed CC BY 4.0.",
	}
}
