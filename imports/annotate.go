package imports

import (
	"bytes"
	"fmt"
	"io"
	"slices"
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
	head := make([]byte, min(size, 512))
	if _, err := file.ReadAt(head, 0); err != nil && err != io.EOF {
		return nil, err
	}
	format, err := sheet.Detect(name, head)
	if err != nil {
		return nil, err
	}
	if format == sheet.XLSX && inPlaceSize(name, file, size) {
		f, err := excelize.OpenReader(io.NewSectionReader(file, 0, size), excelize.Options{UnzipSizeLimit: sheet.DefaultLimits.Unzipped})
		if err == nil {
			body, err := annotateInPlace(f, rep)
			f.Close()
			if err == nil && readsBack(body) {
				return body, nil
			}
		}
		// A workbook excelize cannot change (a hand-made one without a
		// styles part or shared strings, say: it panics, or writes cells
		// that do not read back) gets its rows copied into a new one, as a
		// CSV does.
	}
	return annotateCopy(name, file, size, rep)
}

// annotateInPlace adds the problems column to f's first sheet. A panic in
// excelize on a hostile workbook is an error here, not a crash.
func annotateInPlace(f *excelize.File, rep *Report) (body []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			body, err = nil, fmt.Errorf("imports: annotate: %v", p)
		}
	}()
	byRow := map[int][]Problem{}
	for _, p := range rep.Problems {
		byRow[p.Row] = append(byRow[p.Row], p)
	}
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
	columnAt, errorsAt := headerColumns(rep.Kind, header)
	if errorsAt == 0 {
		errorsAt = len(header) + 1
	}
	bad, note, err := problemStyles(f)
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
		for _, p := range ps {
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
		if err := f.SetCellStr(data, ref, problemText(ps)); err != nil {
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

// annotateCopy writes the file's rows, as read for the import, into a new
// workbook, streamed, each row followed by its problems and the cells at
// fault filled red.
func annotateCopy(name string, file io.ReaderAt, size int64, rep *Report) ([]byte, error) {
	byRow := map[int][]Problem{}
	for _, p := range rep.Problems {
		byRow[p.Row] = append(byRow[p.Row], p)
	}
	rows, err := sheet.Open(name, file, size, sheet.Limits{})
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	f := excelize.NewFile()
	defer f.Close()
	bad, note, err := problemStyles(f)
	if err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return nil, err
	}
	var columnAt map[string]int
	errorsAt := 0
	for header := true; rows.Next(); header = false {
		num, cells := rows.Row()
		if header {
			columnAt, errorsAt = headerColumns(rep.Kind, cells)
			if errorsAt == 0 {
				errorsAt = len(cells) + 1
			}
		}
		values := make([]any, max(len(cells), errorsAt))
		for i, c := range cells {
			values[i] = c
		}
		switch ps := byRow[num]; {
		case header:
			values[errorsAt-1] = ErrorsColumn
		case len(ps) > 0:
			for _, p := range ps {
				if at, ok := columnAt[p.Column]; ok && at <= len(cells) {
					values[at-1] = excelize.Cell{StyleID: bad, Value: cells[at-1]}
				}
			}
			values[errorsAt-1] = excelize.Cell{StyleID: note, Value: problemText(ps)}
		}
		ref, _ := excelize.CoordinatesToCellName(1, num)
		if err := sw.SetRow(ref, values); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// readsBack reports whether an annotated workbook shows its problems
// column when opened again.
func readsBack(body []byte) bool {
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		return false
	}
	defer f.Close()
	rows, err := f.Rows(f.GetSheetList()[0])
	if err != nil || !rows.Next() {
		return false
	}
	defer rows.Close()
	header, err := rows.Columns()
	return err == nil && slices.Contains(header, ErrorsColumn)
}

// headerColumns maps each column's report name to its 1-based position in
// a header row, and finds the problems column a file brought back (0 when
// it has none).
func headerColumns(kind Kind, header []string) (columnAt map[string]int, errorsAt int) {
	columnAt = map[string]int{}
	for i, h := range header {
		if normalizeHeader(h) == normalizeHeader(ErrorsColumn) {
			errorsAt = i + 1
		}
	}
	if l, _ := matchHeader(columnsOf[kind], header); l != nil {
		for key, i := range l.index {
			columnAt[l.columnByKey(key).Header()] = i + 1
		}
	}
	return columnAt, errorsAt
}

// problemText is a row's problems, one a line: "[列 key] CODE: message".
func problemText(ps []Problem) string {
	msgs := make([]string, len(ps))
	for i, p := range ps {
		where := ""
		if p.Column != "" {
			where = "[" + p.Column + "] "
		}
		msgs[i] = fmt.Sprintf("%s%s: %s", where, p.Code, p.Message)
	}
	return strings.Join(msgs, "\n")
}

// inPlaceRows is the most rows (empty ones included) of a workbook that is
// annotated in place. excelize's cell writes take time that grows with the
// square of a sheet's rows (80,000 empty rows took 26 s), so a larger
// sheet gets its rows streamed into a new workbook instead.
const inPlaceRows = 20_000

func inPlaceSize(name string, file io.ReaderAt, size int64) bool {
	rows, err := sheet.Open(name, file, size, sheet.Limits{})
	if err != nil {
		return false
	}
	defer rows.Close()
	return rows.Lines() <= inPlaceRows
}

// problemStyles are the fill of a cell at fault and the style of the
// problems column.
func problemStyles(f *excelize.File) (bad, note int, err error) {
	if bad, err = f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F8CBAD"}}}); err != nil {
		return 0, 0, err
	}
	note, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "C00000"}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	return bad, note, err
}
