// Package sheet reads the rows of an uploaded spreadsheet — XLSX, or CSV
// in UTF-8 or GB18030 — one at a time, within limits that hold for any
// file a client can send: size, unzipped size, rows, columns, cell
// length. A file it refuses gets an *Error with a stable reason and a
// bilingual message; it never reads a whole sheet into memory.
package sheet

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Reason says why a file was refused; it is the report's code for
// file-level problems (docs/import.md, "Refused files").
type Reason string

// The reasons a file is refused.
const (
	TooLarge       Reason = "FILE_TOO_LARGE"
	Unsupported    Reason = "UNSUPPORTED_FORMAT"
	Encoding       Reason = "WRONG_ENCODING"
	Malformed      Reason = "MALFORMED_FILE"
	UnzipsTooLarge Reason = "UNZIPPED_TOO_LARGE"
	TooManyRows    Reason = "TOO_MANY_ROWS"
	TooManyColumns Reason = "TOO_MANY_COLUMNS"
	CellTooLong    Reason = "CELL_TOO_LONG"
	HasFormula     Reason = "FORMULA"
	HasMergedCells Reason = "MERGED_CELLS"
	Empty          Reason = "EMPTY_FILE"
	PasswordLocked Reason = "ENCRYPTED_FILE"
)

// Error is a refused file. Row and Column locate the problem when one cell
// is its cause (1-based; 0 when the whole file is).
type Error struct {
	Reason  Reason
	Message string
	Row     int
	Column  int
}

func (e *Error) Error() string { return string(e.Reason) + ": " + e.Message }

func refuse(r Reason, format string, args ...any) *Error {
	return &Error{Reason: r, Message: fmt.Sprintf(format, args...)}
}

// Limits bound what a file may hold. The zero value of a field means its
// default (DefaultLimits).
type Limits struct {
	// Bytes is the largest file accepted.
	Bytes int64
	// Unzipped is the most an XLSX may hold once unzipped, all parts
	// together (a zip bomb is refused by it, whatever its headers claim:
	// archive/zip refuses to read past a declared size).
	Unzipped int64
	// Rows is the most data rows (after the header) a file may hold.
	Rows int
	// Columns is the most columns a row may have.
	Columns int
	// Cell is the longest cell text in characters.
	Cell int
}

// DefaultLimits fit the largest register a district keeps (100,000 hour
// rows of a year's activities) with room to spare.
var DefaultLimits = Limits{
	Bytes:    64 << 20,
	Unzipped: 256 << 20,
	Rows:     200_000,
	Columns:  64,
	Cell:     10_000,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.Bytes > 0 {
		d.Bytes = l.Bytes
	}
	if l.Unzipped > 0 {
		d.Unzipped = l.Unzipped
	}
	if l.Rows > 0 {
		d.Rows = l.Rows
	}
	if l.Columns > 0 {
		d.Columns = l.Columns
	}
	if l.Cell > 0 {
		d.Cell = l.Cell
	}
	return d
}

// Format is a file's kind.
type Format string

// The formats read.
const (
	XLSX Format = "xlsx"
	CSV  Format = "csv"
)

// Detect tells the format from the file's first bytes, not its name: an
// XLSX is a zip archive; a legacy .xls (an OLE compound file, also what a
// password-protected XLSX is) is refused with its own message; anything
// else is read as CSV.
func Detect(name string, head []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return XLSX, nil
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		if strings.EqualFold(filepath.Ext(name), ".xlsx") {
			return "", refuse(PasswordLocked, "工作簿已加密或为旧版格式，请取消密码后另存为 .xlsx (the workbook is encrypted or in the legacy format: remove the password and save as .xlsx)")
		}
		return "", refuse(Unsupported, "不支持旧版 .xls，请另存为 .xlsx 或 CSV (legacy .xls is not supported: save as .xlsx or CSV)")
	case bytes.HasPrefix(head, []byte("PK")), bytes.HasPrefix(head, []byte("%PDF")),
		bytes.HasPrefix(head, []byte("\x89PNG")), bytes.HasPrefix(head, []byte("\xFF\xD8\xFF")),
		bytes.HasPrefix(head, []byte("GIF8")), bytes.HasPrefix(head, []byte("\x1F\x8B")):
		return "", refuse(Unsupported, "文件不是 .xlsx 或 CSV (the file is neither .xlsx nor CSV)")
	}
	return CSV, nil
}

// Rows is a sheet read row by row. Row numbers are the spreadsheet's
// (1-based, the header is row 1).
type Rows interface {
	// Next advances to the next non-empty row; false at the end or on error.
	Next() bool
	// Row is the current row's number and cells (trailing empty cells may
	// be missing).
	Row() (int, []string)
	// Err is why Next stopped early, nil at a clean end.
	Err() error
	Close() error
	// Lines is how many rows the file holds, empty ones and headers
	// included, as counted when it was checked: what a progress bar needs.
	Lines() int
}

// Open reads the rows of the file in r (size bytes), XLSX or CSV by its
// content. The caller closes the returned Rows.
func Open(name string, r io.ReaderAt, size int64, limits Limits) (Rows, error) {
	l := limits.withDefaults()
	if size > l.Bytes {
		return nil, refuse(TooLarge, "文件超过 %d MB (the file is larger than %d MB)", l.Bytes>>20, l.Bytes>>20)
	}
	if size == 0 {
		return nil, refuse(Empty, "文件为空 (the file is empty)")
	}
	head := make([]byte, min(size, 512))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return nil, err
	}
	format, err := Detect(name, head)
	if err != nil {
		return nil, err
	}
	var rows Rows
	if format == XLSX {
		rows, err = openXLSX(r, size, l)
	} else {
		rows, err = openCSV(r, size, l)
	}
	if err != nil {
		return nil, err
	}
	return &bounded{Rows: rows, l: l}, nil
}

// bounded applies the limits common to both formats and skips empty rows,
// however many: a sheet formatted down to row 1,048,576 costs a pass over
// its rows (about 20 ms for a million), bounded by the file's size.
type bounded struct {
	Rows
	l     Limits
	n     int
	err   error
	num   int
	cells []string
}

func (b *bounded) Next() bool {
	if b.err != nil {
		return false
	}
	for b.Rows.Next() {
		num, cells := b.Rows.Row()
		if len(cells) > b.l.Columns {
			b.err = &Error{Reason: TooManyColumns, Row: num, Message: fmt.Sprintf("第 %d 行超过 %d 列 (row %d has more than %d columns)", num, b.l.Columns, num, b.l.Columns)}
			return false
		}
		blank := true
		for i, c := range cells {
			if len(c) > 4*b.l.Cell || len([]rune(c)) > b.l.Cell {
				b.err = &Error{Reason: CellTooLong, Row: num, Column: i + 1, Message: fmt.Sprintf("第 %d 行第 %d 列超过 %d 字 (row %d, column %d is longer than %d characters)", num, i+1, b.l.Cell, num, i+1, b.l.Cell)}
				return false
			}
			if strings.ContainsFunc(c, isControl) {
				b.err = &Error{Reason: Encoding, Row: num, Column: i + 1, Message: fmt.Sprintf("第 %d 行第 %d 列含有控制字符：文件可能不是文本或编码不对（UTF-16 请另存为 UTF-8）(row %d, column %d holds control characters: the file is not text, or not UTF-8 or GB18030)", num, i+1, num, i+1)}
				return false
			}
			if strings.TrimSpace(c) != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		// The header row is not counted against the data rows.
		if b.n++; b.n > b.l.Rows+1 {
			b.err = refuse(TooManyRows, "超过 %d 行数据，请分成几个文件 (more than %d data rows: split the file)", b.l.Rows, b.l.Rows)
			return false
		}
		b.num, b.cells = num, cells
		return true
	}
	return false
}

func (b *bounded) Row() (int, []string) { return b.num, b.cells }

func (b *bounded) Err() error {
	if b.err != nil {
		return b.err
	}
	return b.Rows.Err()
}

// isControl reports the characters no register holds: C0 controls but
// tab, line feed and carriage return (which a cell may wrap with), DEL and
// C1 controls. A NUL among them is what UTF-16 without a byte-order mark
// and binary files read as text show.
func isControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r >= 0x7f && r < 0xa0
}
