package writer

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/tongxing/tongxing/opendata/dataset"
)

// Notes is what the XLSX notes sheet says besides the data dictionary.
type Notes struct {
	Version       string // release version
	ReferenceDate string // YYYY-MM-DD
	Publisher     dataset.Text
	License       dataset.Text
	LicenseURL    string
	// Citation is the dataset's APA-style reference (the portal's and
	// citation.json's), in Chinese and in English.
	Citation dataset.Text
	// Methodology explains the disclosure rules in plain words.
	Methodology []dataset.Text
	// PageURL is the dataset's portal page (absolute when the base URL is known).
	PageURL string
}

const (
	dataSheet  = "data"
	notesSheet = "notes"
)

// WriteXLSX writes the table as an Excel workbook: sheet "data" holds the
// rows under a header of field names (numbers as numbers, "x" as text), and
// sheet "notes" (说明) the title, description, source, methodology,
// symbols, licence, citation and the data dictionary. The data sheet is
// streamed, so large tables do not build a DOM in memory.
func WriteXLSX(w io.Writer, t *dataset.Table, n Notes) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	// Fixed document times: the release date, so the workbook does not
	// change with the moment it was written.
	stamp := n.ReferenceDate + "T00:00:00Z"
	if err := f.SetDocProps(&excelize.DocProperties{
		Title: t.Dataset.Title.String(), Subject: t.Dataset.ID, Creator: n.Publisher.String(),
		Description: t.Dataset.Description.En, Created: stamp, Modified: stamp, Version: n.Version,
		Language: "zh-CN", Keywords: "open data; " + t.Dataset.ID,
	}); err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", dataSheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	if err := writeDataSheet(f, t, bold); err != nil {
		return err
	}
	if err := writeNotesSheet(f, t, n, bold, wrap); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

func writeDataSheet(f *excelize.File, t *dataset.Table, bold int) error {
	sw, err := f.NewStreamWriter(dataSheet)
	if err != nil {
		return err
	}
	n := len(t.Dataset.Fields)
	for i, fl := range t.Dataset.Fields {
		width := 14.0
		if fl.Type == dataset.String && !strings.HasSuffix(fl.Name, "_code") {
			width = 28
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, n)
	for i, fl := range t.Dataset.Fields {
		header[i] = excelize.Cell{StyleID: bold, Value: fl.Name}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	row := make([]any, n)
	for r, vals := range t.Rows {
		for i, v := range vals {
			switch v.Kind {
			case dataset.KindInt:
				row[i] = v.Int
			case dataset.KindNumber:
				row[i] = v.Num
			case dataset.KindString:
				row[i] = v.Str
			case dataset.KindSuppressed:
				row[i] = dataset.SymbolSuppressed
			default:
				row[i] = nil
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, r+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func writeNotesSheet(f *excelize.File, t *dataset.Table, n Notes, bold, wrap int) error {
	if _, err := f.NewSheet(notesSheet); err != nil {
		return err
	}
	d := t.Dataset
	row := 1
	put := func(style int, vals ...any) error {
		for i, v := range vals {
			cell, err := excelize.CoordinatesToCellName(i+1, row)
			if err != nil {
				return err
			}
			if err := f.SetCellValue(notesSheet, cell, v); err != nil {
				return err
			}
			if style != 0 {
				if err := f.SetCellStyle(notesSheet, cell, cell, style); err != nil {
					return err
				}
			}
		}
		row++
		return nil
	}
	pair := func(label dataset.Text, zh, en string) error {
		return put(wrap, label.String(), zh, en)
	}
	steps := []func() error{
		func() error { return put(bold, d.Title.Zh, d.Title.En) },
		func() error { return pair(dataset.Text{Zh: "数据集", En: "Dataset"}, d.ID, d.ID) },
		func() error {
			return pair(dataset.Text{Zh: "说明", En: "Description"}, d.Description.Zh, d.Description.En)
		},
		func() error { return pair(dataset.Text{Zh: "版本", En: "Version"}, n.Version, n.Version) },
		func() error {
			return pair(dataset.Text{Zh: "参考日", En: "Reference date"}, n.ReferenceDate, n.ReferenceDate)
		},
		func() error {
			return pair(dataset.Text{Zh: "发布者", En: "Publisher"}, n.Publisher.Zh, n.Publisher.En)
		},
		func() error { return pair(dataset.Text{Zh: "来源", En: "Source"}, d.Source.Zh, d.Source.En) },
		func() error { return pair(dataset.Text{Zh: "口径", En: "Method"}, d.Method.Zh, d.Method.En) },
		func() error { return pair(dataset.Text{Zh: "单位", En: "Unit"}, d.Unit.Zh, d.Unit.En) },
		func() error {
			return pair(dataset.Text{Zh: "符号", En: "Symbols"},
				"x = 依披露控制规则隐去（不足 k 人/件，或单人占比过高，或为防止推算出相邻的隐去格而一并隐去）；空白 = 无此值（不适用、未填报或未知）；ALL = 合计。",
				"x = withheld by disclosure control (fewer than k people, needs or cases, or one person dominating, or withheld beside such a cell so that it cannot be worked out); blank = no value (not applicable, not reported or not known); ALL = total.")
		},
		func() error {
			return pair(dataset.Text{Zh: "许可", En: "Licence"}, n.License.Zh+" "+n.LicenseURL, n.License.En+" "+n.LicenseURL)
		},
		func() error { return pair(dataset.Text{Zh: "引用", En: "Citation"}, n.Citation.Zh, n.Citation.En) },
		func() error { return pair(dataset.Text{Zh: "网页", En: "Web page"}, n.PageURL, n.PageURL) },
	}
	for i, m := range n.Methodology {
		label := dataset.Text{Zh: "方法", En: "Methodology"}
		if i > 0 {
			label = dataset.Text{}
		}
		steps = append(steps, func() error { return put(wrap, label.String(), m.Zh, m.En) })
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	row++
	if err := put(bold, "字段 Field", "类型 Type", "名称", "Title", "单位 Unit", "说明", "Description", "代码 Codes"); err != nil {
		return err
	}
	for _, fl := range d.Fields {
		var codes []string
		for _, c := range fl.Categories {
			codes = append(codes, fmt.Sprintf("%s = %s", c.Value, c.Label.String()))
		}
		if err := put(wrap, fl.Name, string(fl.Type), fl.Title.Zh, fl.Title.En, fl.Unit.String(),
			fl.Description.Zh, fl.Description.En, strings.Join(codes, "\n")); err != nil {
			return err
		}
	}
	for col, width := range []float64{24, 40, 40, 40, 14, 50, 50, 40} {
		name, err := excelize.ColumnNumberToName(col + 1)
		if err != nil {
			return err
		}
		if err := f.SetColWidth(notesSheet, name, name, width); err != nil {
			return err
		}
	}
	return nil
}
