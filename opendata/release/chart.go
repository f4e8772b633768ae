package release

import (
	"fmt"
	"slices"
	"time"

	"github.com/tongxing/tongxing/opendata/dataset"
)

// ChartData is a dataset's chart, computed from the published table at
// build time (so a chart never shows more than the files do) and rendered
// by the portal with ECharts. Suppressed and missing values are null: the
// chart shows a gap.
type ChartData struct {
	Type       string        `json:"type"` // line, bar or scatter
	Title      dataset.Text  `json:"title"`
	Categories []string      `json:"categories"`
	Series     []ChartSeries `json:"series"`
}

// ChartSeries is one plotted series: values by category, or points of a
// scatter chart.
type ChartSeries struct {
	Name   dataset.Text `json:"name"`
	Axis   int          `json:"axis"`
	Data   []*float64   `json:"data"`
	Points []ChartPoint `json:"points,omitempty"`
}

// ChartPoint is one point of a scatter chart: its coordinates and label.
type ChartPoint struct {
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	Label string  `json:"label"`
}

// Chart evaluates a dataset's chart specification on its published table.
func Chart(t *dataset.Table, district string) *ChartData {
	spec := t.Dataset.Chart
	if spec.X == "" {
		return nil
	}
	d := t.Dataset
	col := func(name string) int { return d.FieldIndex(name) }
	subst := func(v string) string {
		if v == "{district}" {
			return district
		}
		return v
	}
	keep := func(r dataset.Row) bool {
		for f, v := range spec.Where {
			if i := col(f); i < 0 || r[i].Text() != subst(v) {
				return false
			}
		}
		for f, v := range spec.Exclude {
			if i := col(f); i >= 0 && r[i].Text() == subst(v) {
				return false
			}
		}
		return true
	}
	var rows []dataset.Row
	for _, r := range t.Rows {
		if keep(r) {
			rows = append(rows, r)
		}
	}
	x, xl := col(spec.X), col(spec.XLabel)
	if xl < 0 {
		xl = x
	}
	out := &ChartData{Type: spec.Type, Title: spec.Title}
	if spec.Type == "scatter" {
		return scatter(out, rows, x, col(spec.Y), xl, col(spec.GroupBy), col(spec.GroupLabel))
	}
	// Categories in order of first appearance; the tables are sorted.
	var cats []string
	catIdx := map[string]int{}
	label := map[string]string{}
	for _, r := range rows {
		k := r[x].Text()
		if _, ok := catIdx[k]; !ok {
			catIdx[k] = len(cats)
			cats = append(cats, k)
			label[k] = r[xl].Text()
		}
	}
	if spec.CountBy != nil {
		// Register lists: count rows per category, most first.
		counts := make([]float64, len(cats))
		for _, r := range rows {
			counts[catIdx[r[x].Text()]]++
		}
		order := make([]int, len(cats))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int {
			switch {
			case counts[a] > counts[b]:
				return -1
			case counts[a] < counts[b]:
				return 1
			}
			return 0
		})
		s := ChartSeries{Name: *spec.CountBy}
		for _, i := range order {
			out.Categories = append(out.Categories, label[cats[i]])
			v := counts[i]
			s.Data = append(s.Data, &v)
		}
		out.Series = []ChartSeries{s}
		return out
	}
	for _, c := range cats {
		out.Categories = append(out.Categories, label[c])
	}
	value := func(v dataset.Value) *float64 {
		if v.Kind != dataset.KindInt && v.Kind != dataset.KindNumber {
			return nil
		}
		f := v.Float()
		return &f
	}
	if spec.GroupBy != "" && len(spec.Series) > 0 {
		g, gl, m := col(spec.GroupBy), col(spec.GroupLabel), col(spec.Series[0].Field)
		if gl < 0 {
			gl = g
		}
		var groups []string
		series := map[string]*ChartSeries{}
		for _, r := range rows {
			k := r[g].Text()
			s := series[k]
			if s == nil {
				s = &ChartSeries{Name: dataset.Text{Zh: r[gl].Text(), En: r[gl].Text()}, Data: make([]*float64, len(cats))}
				series[k] = s
				groups = append(groups, k)
			}
			s.Data[catIdx[r[x].Text()]] = value(r[m])
		}
		for _, k := range groups {
			out.Series = append(out.Series, *series[k])
		}
		return out
	}
	for _, sp := range spec.Series {
		m := col(sp.Field)
		s := ChartSeries{Name: sp.Title, Axis: sp.Axis, Data: make([]*float64, len(cats))}
		for _, r := range rows {
			s.Data[catIdx[r[x].Text()]] = value(r[m])
		}
		out.Series = append(out.Series, s)
	}
	return out
}

// scatter plots rows as points (x, y) labelled by column label, one series
// per value of column group (all in one when group < 0). Rows without both
// coordinates are left out.
func scatter(out *ChartData, rows []dataset.Row, x, y, label, group, groupLabel int) *ChartData {
	if groupLabel < 0 {
		groupLabel = group
	}
	index := map[string]int{}
	for _, r := range rows {
		if r[x].Kind != dataset.KindNumber && r[x].Kind != dataset.KindInt || r[y].Kind != dataset.KindNumber && r[y].Kind != dataset.KindInt {
			continue
		}
		key, name := "", dataset.Text{}
		if group >= 0 {
			key = r[group].Text()
			name = dataset.Text{Zh: r[groupLabel].Text(), En: r[group].Text()}
		}
		i, ok := index[key]
		if !ok {
			i = len(out.Series)
			index[key] = i
			out.Series = append(out.Series, ChartSeries{Name: name})
		}
		out.Series[i].Points = append(out.Series[i].Points, ChartPoint{X: r[x].Float(), Y: r[y].Float(), Label: r[label].Text()})
	}
	return out
}

// temporal returns a time series' first and last period (the values of its
// year or month column, or the months a quarter column spans, up to the
// reference month), or "" when the dataset has none.
func temporal(t *dataset.Table, ref time.Time) (start, end string) {
	i := -1
	for j, f := range t.Dataset.Fields {
		if f.Type == dataset.Year || f.Type == dataset.YearMonth {
			if f.Name == "year" || f.Name == "month" {
				i = j
				break
			}
		}
		if f.Name == "quarter" && f.Type == dataset.String {
			i = j
			break
		}
	}
	if i < 0 {
		return "", ""
	}
	for _, r := range t.Rows {
		v := r[i].Text()
		if v == "" {
			continue
		}
		if start == "" || v < start {
			start = v
		}
		if v > end {
			end = v
		}
	}
	if t.Dataset.Fields[i].Name == "quarter" && start != "" {
		start, end = quarterMonths(start, end)
		// The current quarter runs to the reference date.
		if refMonth := ref.Format("2006-01"); end > refMonth {
			end = refMonth
		}
	}
	return start, end
}

// quarterMonths turns a span of quarters (YYYYQn) into its first and last
// month (YYYY-MM), which DCAT and schema.org can type; "" when malformed.
func quarterMonths(first, last string) (start, end string) {
	month := func(q string, offset int) string {
		if len(q) != 6 || q[4] != 'Q' || q[5] < '1' || q[5] > '4' {
			return ""
		}
		return fmt.Sprintf("%s-%02d", q[:4], int(q[5]-'1')*3+1+offset)
	}
	start, end = month(first, 0), month(last, 2)
	if start == "" || end == "" {
		return "", ""
	}
	return start, end
}
