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

// MissingValues are the missing-value symbols every Table Schema declares,
// as plain strings: the form Table Schema v1 requires and v2 still accepts.
// (v2's labelled objects make a v1 reader reject every table holding an
// empty cell or an x.) The labels are kept where every reader still sees
// them: each field's description, and MissingValueLabelsProperty.
var MissingValues = func() []string {
	out := make([]string, len(dataset.MissingValues))
	for i, mv := range dataset.MissingValues {
		out[i] = mv.Symbol
	}
	return out
}()

// MissingValueLabelsProperty is the Table Schema's own property that labels
// each missing-value symbol, in v2's {value, label} form. Readers that do not
// know it ignore it; v1 and v2 profiles allow it.
const MissingValueLabelsProperty = "tongxing:missingValueLabels"

func missingValueLabels() []obj {
	out := make([]obj, len(dataset.MissingValues))
	for i, mv := range dataset.MissingValues {
		out[i] = obj{{"value", mv.Symbol}, {"label", mv.Label.String()}}
	}
	return out
}

// symbolsNote says, in both languages, what the missing-value symbols that
// may stand in a field mean; empty when none may.
func symbolsNote(f dataset.Field) string {
	mvs := f.MissingValues()
	if len(mvs) == 0 {
		return ""
	}
	parts := make([]string, len(mvs))
	for i, mv := range mvs {
		sym := `"` + mv.Symbol + `"`
		if mv.Symbol == dataset.SymbolNone {
			sym = "空白 blank"
		}
		parts[i] = sym + " = " + mv.Label.Zh + " / " + mv.Label.En
	}
	return " 缺失值 Missing values: " + strings.Join(parts, "; ") + "."
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
		fo = fo.add("description", desc+symbolsNote(f))
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
		{MissingValueLabelsProperty, missingValueLabels()},
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
