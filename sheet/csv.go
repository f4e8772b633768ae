package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// openCSV reads UTF-8 (with or without a byte-order mark) or, when the
// bytes are not valid UTF-8, GB18030: what Chinese Excel saves as "CSV
// (逗号分隔)". UTF-16 ("Unicode text") is refused with a hint.
func openCSV(r io.ReaderAt, size int64, l Limits) (Rows, error) {
	head := make([]byte, min(size, 3))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return nil, err
	}
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return nil, refuse(Encoding, "文件为 UTF-16 编码，请另存为“CSV UTF-8”或 .xlsx (the file is UTF-16: save it as CSV UTF-8 or .xlsx)")
	}
	var text io.Reader = io.NewSectionReader(r, 0, size)
	gb := false
	valid, lines, err := validUTF8(io.NewSectionReader(r, 0, size))
	switch {
	case err != nil:
		return nil, err
	case bytes.Equal(head, utf8BOM):
		if !valid {
			return nil, refuse(Encoding, "文件声明为 UTF-8 但含有无效字节 (the file says UTF-8 but holds invalid bytes)")
		}
		text = io.NewSectionReader(r, 3, size-3)
	case !valid:
		gb = true
		text = transform.NewReader(text, simplifiedchinese.GB18030.NewDecoder())
	}
	cr := csv.NewReader(text)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &csvRows{r: cr, gb: gb, lines: lines}, nil
}

// validUTF8 reads r once, in chunks, and reports whether it is all UTF-8
// and how many lines it has.
func validUTF8(r io.Reader) (bool, int, error) {
	buf := make([]byte, 64<<10)
	carry, lines, valid := 0, 0, true
	for {
		n, err := r.Read(buf[carry:])
		lines += bytes.Count(buf[carry:carry+n], []byte{'\n'})
		n += carry
		chunk := buf[:n]
		// Keep an incomplete rune at the end for the next chunk.
		end := len(chunk)
		for i := 1; i <= 3 && i <= end; i++ {
			if utf8.RuneStart(chunk[end-i]) {
				if !utf8.FullRune(chunk[end-i:]) {
					end -= i
				}
				break
			}
		}
		if err == io.EOF {
			return valid && utf8.Valid(chunk), lines + 1, nil
		}
		if err != nil {
			return false, 0, err
		}
		valid = valid && utf8.Valid(chunk[:end])
		carry = copy(buf, chunk[end:])
	}
}

type csvRows struct {
	lines int
	r     *csv.Reader
	gb    bool
	num   int
	cells []string
	err   error
}

func (c *csvRows) Next() bool {
	if c.err != nil {
		return false
	}
	rec, err := c.r.Read()
	if err == io.EOF {
		return false
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			c.err = &Error{Reason: Malformed, Row: pe.StartLine, Message: fmt.Sprintf("第 %d 行 CSV 格式错误（引号不成对？）(row %d is not valid CSV: unbalanced quotes?)", pe.StartLine, pe.StartLine)}
		} else {
			c.err = err
		}
		return false
	}
	line, _ := c.r.FieldPos(0)
	for i, cell := range rec {
		if c.gb && strings.ContainsRune(cell, utf8.RuneError) {
			c.err = &Error{Reason: Encoding, Row: line, Column: i + 1, Message: fmt.Sprintf("第 %d 行无法按 UTF-8 或 GB18030 读取，请另存为“CSV UTF-8”(row %d is neither UTF-8 nor GB18030: save the file as CSV UTF-8)", line, line)}
			return false
		}
	}
	c.num, c.cells = line, rec
	return true
}

func (c *csvRows) Row() (int, []string) { return c.num, c.cells }
func (c *csvRows) Err() error           { return c.err }
func (c *csvRows) Close() error         { return nil }
func (c *csvRows) Lines() int           { return c.lines }
