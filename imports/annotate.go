package imports

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/tongxing/tongxing/sheet"
)

// Annotate returns the uploaded file with the report's problems beside
// their rows: an XLSX keeps the workbook as it was sent and gains a column
// "导入问题 Import problems" on its first sheet, the cells at fault filled
// red; a CSV comes back as a workbook of its rows with the same column.
// The file can be corrected and imported again as it is: the import reads
// past that column.
func Annotate(name string, file io.ReaderAt, size int64, rep *Report) ([]byte, error) {
	byRow := map[int][]Problem{}
	for _, p := range rep.Problems {
		byRow[p.Row] = append(byRow[p.Row], p)
	}
	head := make([]byte, min(size, 512))
	if _, err := file.ReadAt(head, 0); err != nil && err != io.EOF {
		return nil, err
	}
	format, err := sheet.Detect(name, head)
	if err != nil {
		return nil, err
	}
	var f *excelize.File
	if format == sheet.XLSX {
		f, err = excelize.OpenReader(io.NewSectionReader(file, 0, size), excelize.Options{UnzipSizeLimit: sheet.DefaultLimits.Unzipped})
	} else {
		f, err = workbookOf(name, file, size)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data := f.GetSheetList()[0]
	rows, err := f.Rows(data)
	if err != nil {
		return nil, err
	}
	var header []string
	if rows.Next() {
		header, _ = rows.Columns()
	}
	rows.Close()
	errorsAt := len(header) + 1
	for i, h := range header {
		if normalizeHeader(h) == normalizeHeader(ErrorsColumn) {
			errorsAt = i + 1
		}
	}
	columnAt := map[string]int{}
	if l, _ := matchHeader(columnsOf[rep.Kind], header); l != nil {
		for key, i := range l.index {
			columnAt[l.columnByKey(key).Header()] = i + 1
		}
	}
	bad, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F8CBAD"}}})
	if err != nil {
		return nil, err
	}
	note, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "C00000"}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	col, _ := excelize.ColumnNumberToName(errorsAt)
	if err := f.SetCellStr(data, col+"1", ErrorsColumn); err != nil {
		return nil, err
	}
	if err := f.SetColWidth(data, col, col, 60); err != nil {
		return nil, err
	}
	for row, ps := range byRow {
		if row < 1 {
			row = 1
		}
		var msgs []string
		for _, p := range ps {
			where := ""
			if p.Column != "" {
				where = "[" + p.Column + "] "
			}
			msgs = append(msgs, fmt.Sprintf("%s%s: %s", where, p.Code, p.Message))
			if at, ok := columnAt[p.Column]; ok && row > 1 {
				ref, _ := excelize.CoordinatesToCellName(at, row)
				if err := f.SetCellStyle(data, ref, ref, bad); err != nil {
					return nil, err
				}
			}
		}
		ref := fmt.Sprintf("%s%d", col, row)
		if row == 1 {
			continue // the header's problems refuse the file: the JSON report has them
		}
		if err := f.SetCellStr(data, ref, strings.Join(msgs, "\n")); err != nil {
			return nil, err
		}
		if err := f.SetCellStyle(data, ref, ref, note); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// workbookOf copies a CSV's rows, as read for the import, into a new
// workbook, cell by cell as text.
func workbookOf(name string, file io.ReaderAt, size int64) (*excelize.File, error) {
	rows, err := sheet.Open(name, file, size, sheet.Limits{})
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		num, cells := rows.Row()
		values := make([]any, len(cells))
		for i, c := range cells {
			values[i] = c
		}
		ref, _ := excelize.CoordinatesToCellName(1, num)
		if err := sw.SetRow(ref, values); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	return f, nil
}
