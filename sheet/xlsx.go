package sheet

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"
)

// maxPart is the most bytes read of the small XML parts that locate the
// first sheet (workbook.xml and its relationships).
const maxPart = 8 << 20

// openXLSX checks the archive before excelize sees it — its unzipped size
// and the first sheet's formulas and merged cells, in one streaming pass —
// and then reads the first sheet's rows through excelize's iterator.
// Cell values are raw: numbers unformatted (a date is its serial number,
// which the column's parser converts), strings as typed.
func openXLSX(r io.ReaderAt, size int64, l Limits) (Rows, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, refuse(Malformed, "不是有效的 .xlsx 文件 (not a valid .xlsx file)")
	}
	var unzipped uint64
	for _, f := range zr.File {
		unzipped += f.UncompressedSize64
	}
	if unzipped > uint64(l.Unzipped) || len(zr.File) > 10_000 {
		return nil, refuse(UnzipsTooLarge, "解压后超过 %d MB (the workbook unzips to more than %d MB)", l.Unzipped>>20, l.Unzipped>>20)
	}
	sheetPath, err := firstSheet(zr)
	if err != nil {
		return nil, err
	}
	lines, stringCells, err := scanSheet(zr, sheetPath, l)
	if err != nil {
		return nil, err
	}
	if err := scanStrings(zr, stringCells); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		UnzipSizeLimit:    l.Unzipped,
		UnzipXMLSizeLimit: 16 << 20,
		RawCellValue:      true,
	})
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookPassword) {
			return nil, refuse(PasswordLocked, "工作簿已加密，请取消密码 (the workbook is encrypted: remove the password)")
		}
		return nil, refuse(Malformed, "不是有效的 .xlsx 文件 (not a valid .xlsx file)")
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, refuse(Empty, "工作簿没有工作表 (the workbook has no sheet)")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, refuse(Malformed, "无法读取第一个工作表 (the first sheet cannot be read)")
	}
	return &xlsxRows{f: f, rows: rows, lines: lines}, nil
}

type xlsxRows struct {
	lines int
	f     *excelize.File
	rows  *excelize.Rows
	num   int
	cells []string
	err   error
}

func (x *xlsxRows) Next() bool {
	if x.err != nil || !x.rows.Next() {
		return false
	}
	x.num++ // excelize yields every row number in turn, gaps as empty rows
	cells, err := x.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		x.err = &Error{Reason: Malformed, Row: x.num, Message: fmt.Sprintf("第 %d 行无法读取 (row %d cannot be read)", x.num, x.num)}
		return false
	}
	x.cells = cells
	return true
}

func (x *xlsxRows) Row() (int, []string) { return x.num, x.cells }
func (x *xlsxRows) Lines() int           { return x.lines }

func (x *xlsxRows) Err() error {
	if x.err != nil {
		return x.err
	}
	if err := x.rows.Error(); err != nil {
		return refuse(Malformed, "工作表无法读取 (the sheet cannot be read)")
	}
	return nil
}

func (x *xlsxRows) Close() error {
	x.rows.Close()
	return x.f.Close()
}

// firstSheet is the path in the archive of the workbook's first sheet, by
// the workbook's order and its relationships (not by file name).
func firstSheet(zr *zip.Reader) (string, error) {
	bad := refuse(Malformed, "不是有效的 .xlsx 文件：缺少工作簿结构 (not a valid .xlsx file: the workbook part is missing)")
	var wb struct {
		Sheets []struct {
			RID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := decodePart(zr, "xl/workbook.xml", &wb); err != nil || len(wb.Sheets) == 0 {
		return "", bad
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodePart(zr, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return "", bad
	}
	for _, rel := range rels.Rels {
		if rel.ID == wb.Sheets[0].RID {
			if strings.HasPrefix(rel.Target, "/") {
				return strings.TrimPrefix(rel.Target, "/"), nil
			}
			return path.Join("xl", rel.Target), nil
		}
	}
	return "", bad
}

func openPart(zr *zip.Reader, name string) (io.ReadCloser, error) {
	for _, f := range zr.File {
		if strings.EqualFold(strings.ReplaceAll(f.Name, "\\", "/"), name) {
			return f.Open()
		}
	}
	return nil, fmt.Errorf("no part %s", name)
}

func decodePart(zr *zip.Reader, name string, v any) error {
	rc, err := openPart(zr, name)
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, maxPart)).Decode(v)
}

// scanSheet reads the sheet's XML once and refuses formulas (their cached
// value may not be what the formula gives, and no import should depend on
// a calculation it cannot see) and merged cells (the value of a merged
// range sits in its first cell only, so the other rows would import
// empty). It counts the sheet's rows on the way, and refuses what would
// make the read that follows slow however few its values: more rows than a
// sheet can have, a row of more cells than the limit, XML nested deeper
// than a sheet is — all before the import takes any lock.
func scanSheet(zr *zip.Reader, name string, l Limits) (rows, stringCells int, err error) {
	rc, err := openPart(zr, name)
	if err != nil {
		return 0, 0, refuse(Malformed, "不是有效的 .xlsx 文件：缺少工作表 (not a valid .xlsx file: the sheet is missing)")
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	cell, cells, depth, elements := "", 0, 0, 0
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return rows, stringCells, nil
		}
		if err != nil {
			return 0, 0, refuse(Malformed, "工作表 XML 无效 (the sheet's XML is not valid)")
		}
		switch el := tok.(type) {
		case xml.EndElement:
			depth--
		case xml.StartElement:
			if depth++; depth > maxDepth {
				return 0, 0, refuse(Malformed, "工作表 XML 嵌套过深 (the sheet's XML is nested too deep)")
			}
			if elements++; elements > maxElements {
				return 0, 0, refuse(Malformed, "工作表 XML 元素过多 (the sheet's XML has too many elements)")
			}
			switch el.Name.Local {
			case "row":
				if rows++; rows > maxSheetRows {
					return 0, 0, refuse(TooManyRows, "工作表超过 %d 行 (the sheet has more than %d rows)", maxSheetRows, maxSheetRows)
				}
				cells = 0
			case "c":
				cell = attr(el, "r")
				if attr(el, "t") == "s" {
					stringCells++
				}
				if cells++; cells > l.Columns {
					return 0, 0, &Error{Reason: TooManyColumns, Row: rows, Message: fmt.Sprintf("第 %d 行超过 %d 列 (row %d has more than %d columns)", rows, l.Columns, rows, l.Columns)}
				}
			case "f":
				row, col := cellRef(cell)
				return 0, 0, &Error{Reason: HasFormula, Row: row, Column: col, Message: fmt.Sprintf("单元格 %s 含有公式，请粘贴为数值后再导入 (cell %s holds a formula: paste it as values before importing)", cell, cell)}
			case "mergeCell":
				ref := attr(el, "ref")
				return 0, 0, &Error{Reason: HasMergedCells, Message: fmt.Sprintf("工作表含有合并单元格 %s，请取消合并 (the sheet has merged cells %s: unmerge them)", ref, ref)}
			}
		}
	}
}

// scanStrings bounds the shared-strings part, which excelize reads whole
// before the first row: no more strings than the first sheet's string
// cells and a margin for the workbook's other sheets (the notes of a
// template), nested no deeper than rich text is. It stops at the first
// string too many.
func scanStrings(zr *zip.Reader, stringCells int) error {
	rc, err := openPart(zr, "xl/sharedStrings.xml")
	if err != nil {
		return nil // a workbook of numbers only has none
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	strings, depth := 0, 0
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return refuse(Malformed, "共享字符串 XML 无效 (the shared strings' XML is not valid)")
		}
		switch el := tok.(type) {
		case xml.EndElement:
			depth--
		case xml.StartElement:
			if depth++; depth > maxDepth {
				return refuse(Malformed, "共享字符串 XML 嵌套过深 (the shared strings' XML is nested too deep)")
			}
			if el.Name.Local == "si" {
				if strings++; strings > stringCells+otherSheetsStrings {
					return refuse(Malformed, "工作簿的共享字符串远多于数据表的文字单元格 (the workbook's shared strings far outnumber the text cells of its data sheet)")
				}
			}
		}
	}
}

// A sheet's XML nests worksheet > sheetData > row > c > is > r > t; rich
// text and extensions add a few levels.
const (
	maxDepth     = 16
	maxSheetRows = 1_048_576 // Excel's own limit
	// otherSheetsStrings is how many shared strings a workbook may hold
	// beyond its data sheet's text cells, for its other sheets.
	otherSheetsStrings = 100_000
	// maxElements bounds a sheet's XML elements: 200,000 rows of 10
	// inline-string cells are 6 million.
	maxElements = 10_000_000
)

func attr(el xml.StartElement, name string) string {
	for _, a := range el.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// cellRef splits "B12" into row 12 and column 2 (0s when it is no
// reference).
func cellRef(ref string) (row, col int) {
	c, r, err := excelize.SplitCellName(ref)
	if err != nil {
		return 0, 0
	}
	col, _ = excelize.ColumnNameToNumber(c)
	return r, col
}
