package imports

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/region"
)

// Sheet names of a template. The data sheet comes first: an import reads
// the first sheet of a workbook.
const (
	dataSheet  = "数据 Data"
	notesSheet = "说明 Notes"
	listsSheet = "选项 Lists"
)

// templateRows is how far down the template's formats and drop-down lists
// reach.
const templateRows = 20000

// Template is the workbook to fill for kind: the data sheet with Chinese
// headers above English ones (required ones marked *), one example row,
// text format on code columns and a drop-down list on every enumeration
// and region column; a notes sheet with each column's rules; the lists
// sheet the drop-downs read from. Regions come from c (a public register).
func Template(ctx context.Context, c *ent.Client, kind Kind) ([]byte, error) {
	columns, ok := columnsOf[kind]
	if !ok {
		return nil, fmt.Errorf("imports: unknown kind %q", kind)
	}
	regions, err := c.Region.Query().Order(ent.Asc(region.FieldCode)).All(ctx)
	if err != nil {
		return nil, err
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", dataSheet); err != nil {
		return nil, err
	}
	for _, name := range []string{notesSheet, listsSheet} {
		if _, err := f.NewSheet(name); err != nil {
			return nil, err
		}
	}
	styles, err := newTemplateStyles(f)
	if err != nil {
		return nil, err
	}
	listColumn := 0
	for i, col := range columns {
		name, _ := excelize.ColumnNumberToName(i + 1)
		zh := col.Zh
		if col.Required {
			zh += "*"
		}
		width := float64(max(len([]rune(col.Zh))*2+4, len(col.En)+4, 12))
		if err := f.SetColWidth(dataSheet, name, name, width); err != nil {
			return nil, err
		}
		if col.Text {
			if err := f.SetColStyle(dataSheet, name, styles.text); err != nil {
				return nil, err
			}
		}
		cells := []struct {
			row   int
			value string
			style int
		}{{1, zh, styles.header}, {2, col.En, styles.english}, {3, exampleOf(col, regions), styles.example}}
		for _, cell := range cells {
			ref := fmt.Sprintf("%s%d", name, cell.row)
			if err := f.SetCellStr(dataSheet, ref, cell.value); err != nil {
				return nil, err
			}
			if err := f.SetCellStyle(dataSheet, ref, ref, cell.style); err != nil {
				return nil, err
			}
		}
		var choices []string
		switch {
		case col.Regions:
			for _, r := range regions {
				choices = append(choices, r.Code+" "+r.Name)
			}
		case col.Choices != nil:
			for _, ch := range col.Choices {
				choices = append(choices, ch.Cell())
			}
		}
		if choices != nil {
			listColumn++
			list, _ := excelize.ColumnNumberToName(listColumn)
			if err := f.SetCellStr(listsSheet, list+"1", col.Zh); err != nil {
				return nil, err
			}
			for j, v := range choices {
				if err := f.SetCellStr(listsSheet, fmt.Sprintf("%s%d", list, j+2), v); err != nil {
					return nil, err
				}
			}
			dv := excelize.NewDataValidation(true)
			dv.SetSqref(fmt.Sprintf("%s3:%s%d", name, name, templateRows))
			dv.SetSqrefDropList(fmt.Sprintf("'%s'!$%s$2:$%s$%d", listsSheet, list, list, len(choices)+1))
			dv.SetError(excelize.DataValidationErrorStyleStop, "请从列表中选择 Choose from the list", col.Zh+"：请从下拉列表中选择。"+col.En+": choose a value from the list.")
			if err := f.AddDataValidation(dataSheet, dv); err != nil {
				return nil, err
			}
		}
	}
	if err := f.SetPanes(dataSheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	if err := writeNotes(f, kind, columns, styles); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type templateStyles struct {
	header, english, example, text, wrap int
}

func newTemplateStyles(f *excelize.File) (templateStyles, error) {
	var s templateStyles
	var err error
	fill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}
	if s.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: fill}); err != nil {
		return s, err
	}
	if s.english, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "595959"}, Fill: fill}); err != nil {
		return s, err
	}
	if s.example, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "808080"}, NumFmt: 49}); err != nil {
		return s, err
	}
	if s.text, err = f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil {
		return s, err
	}
	s.wrap, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	return s, err
}

// exampleOf is the example row's cell of col.
func exampleOf(col Column, regions []*ent.Region) string {
	switch {
	case col.Example != "":
		return col.Example
	case col.Choices != nil:
		return col.Choices[0].Cell()
	case col.Regions && len(regions) > 0:
		return regions[0].Code
	}
	return ""
}

// isExample reports whether a data row is the template's example row left
// in place: an import skips it rather than create the example.
func (l *layout) isExample(cells []string) bool {
	filled := 0
	for _, col := range l.columns {
		v := l.value(cells, col.Key)
		if v == "" {
			continue
		}
		if v != col.Example && (col.Choices == nil || v != col.Choices[0].Cell()) {
			return false
		}
		filled++
	}
	return filled > 0
}

var kindTitles = map[Kind][2]string{
	Organizations: {"组织名录", "Organisations"},
	Volunteers:    {"志愿者名册", "Volunteer roster"},
	Activities:    {"活动", "Activities"},
	ServiceHours:  {"志愿服务时长", "Service hours"},
}

func writeNotes(f *excelize.File, kind Kind, columns []Column, s templateStyles) error {
	title := kindTitles[kind]
	lines := [][]string{
		{fmt.Sprintf("同行 Tongxing 导入模板：%s / Import template: %s", title[0], title[1])},
		{"在“数据 Data”表第 3 行起填写，每行一条；第 3 行为示例，可覆盖（原样保留的示例行不会导入）。Fill the Data sheet from row 3, one row per record; row 3 is an example: overwrite it (left unchanged, it is skipped)."},
		{"带 * 的列必填。不要合并单元格或使用公式；日期写作 2026-10-30，时间写作 2026-10-30 09:00（北京时间）。Columns marked * are required. No merged cells, no formulas; dates as 2026-10-30, times as 2026-10-30 09:00 (China Standard Time)."},
		{"先试导入（默认）检查全部行并返回问题报告；无问题后加 --commit（或 commit: true）一次性全部写入，有任何问题则都不写入。重复导入同一文件不会重复创建。A dry run (the default) checks every row and reports the problems; with --commit (commit: true) the file is applied all or nothing. Importing the same file again changes nothing."},
		{"也可另存为 CSV（UTF-8 或 GB18030）。Also accepted as CSV (UTF-8 or GB18030)."},
		{},
		{"列 Column", "英文 English", "键 Key", "必填 Required", "说明 Rules", "可选值 Values"},
	}
	for _, col := range columns {
		req := ""
		if col.Required {
			req = "是 Yes"
		}
		values := ""
		switch {
		case col.Choices != nil:
			var parts []string
			for _, ch := range col.Choices {
				parts = append(parts, ch.Cell()+" ("+ch.En+")")
			}
			values = strings.Join(parts, "\n")
		case col.Regions:
			values = "见“选项 Lists”表 See the Lists sheet"
		}
		lines = append(lines, []string{col.Zh, col.En, col.Key, req, col.Note, values})
	}
	for i, line := range lines {
		for j, v := range line {
			ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr(notesSheet, ref, v); err != nil {
				return err
			}
		}
	}
	if err := f.SetColWidth(notesSheet, "A", "D", 16); err != nil {
		return err
	}
	if err := f.SetColWidth(notesSheet, "E", "F", 60); err != nil {
		return err
	}
	return f.SetCellStyle(notesSheet, "A8", fmt.Sprintf("F%d", len(lines)), s.wrap)
}
