package sheet_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/tongxing/tongxing/sheet"
)

// readAll opens file and reads every row: the rows as "num:cell|cell", or
// the refusal.
func readAll(t testing.TB, name string, file []byte, l sheet.Limits) ([]string, error) {
	t.Helper()
	rows, err := sheet.Open(name, bytes.NewReader(file), int64(len(file)), l)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		num, cells := rows.Row()
		out = append(out, fmt.Sprintf("%d:%s", num, strings.Join(cells, "|")))
	}
	return out, rows.Err()
}

func workbook(t testing.TB, fill func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	fill(f)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func reason(err error) sheet.Reason {
	var se *sheet.Error
	if errors.As(err, &se) {
		return se.Reason
	}
	return ""
}

func TestReadsWhatStaffSave(t *testing.T) {
	text := "名称,人数\n新塍镇银龄互助会,12\n\n\"带,逗号\",3\n"
	gb, _ := simplifiedchinese.GB18030.NewEncoder().String(text)
	want := "1:名称|人数 2:新塍镇银龄互助会|12 4:带,逗号|3"
	xlsx := workbook(t, func(f *excelize.File) {
		f.SetSheetRow("Sheet1", "A1", &[]any{"名称", "人数"})
		f.SetSheetRow("Sheet1", "A2", &[]any{"新塍镇银龄互助会", 12})
		f.SetSheetRow("Sheet1", "A4", &[]any{"带,逗号", 3})
		// Formatted far down but empty: skipped.
		f.SetCellStr("Sheet1", "C1048576", "")
	})
	for _, c := range []struct {
		name string
		file []byte
	}{
		{"utf8.csv", []byte(text)},
		{"bom.csv", append([]byte("\xEF\xBB\xBF"), text...)},
		{"gb18030.csv", []byte(gb)},
		{"book.xlsx", xlsx},
		{"named-wrongly.csv", xlsx},
	} {
		got, err := readAll(t, c.name, c.file, sheet.Limits{})
		if err != nil || strings.Join(got, " ") != want {
			t.Errorf("%s: %q %v, want %q", c.name, got, err, want)
		}
	}
}

// TestRefusesHostileFiles: every file a client could send to hurt the
// server, or that would import wrongly, is refused with its reason, in
// bounded memory (the limits) and time (one pass).
func TestRefusesHostileFiles(t *testing.T) {
	small := sheet.Limits{Bytes: 1 << 20, Unzipped: 4 << 20, Rows: 100, Columns: 8, Cell: 50}
	manyRows := strings.Repeat("a,b\n", 102)
	zeros := bytes.Repeat([]byte{' '}, 8<<20)
	for _, c := range []struct {
		name string
		file []byte
		want sheet.Reason
	}{
		{"utf16.csv", []byte("\xFF\xFEa\x00,\x00b\x00"), sheet.Encoding},
		{"binary.csv", []byte("名称\n\x81\x30\xFF\xFE\x00garbage"), sheet.Encoding},
		{"bad-bom.csv", []byte("\xEF\xBB\xBFa,\xFF\n"), sheet.Encoding},
		{"utf16-no-bom.csv", []byte("a\x00,\x00b\x00\n\x00"), sheet.Encoding},
		{"image.csv", []byte("\x89PNG\r\n\x1a\nrest"), sheet.Unsupported},
		{"quotes.csv", []byte("a,\"b\nc,d"), sheet.Malformed},
		{"empty.csv", nil, sheet.Empty},
		{"rows.csv", []byte(manyRows), sheet.TooManyRows},
		{"columns.csv", []byte(strings.Repeat("a,", 9) + "a\n"), sheet.TooManyColumns},
		{"cell.csv", []byte(strings.Repeat("长", 51) + "\n"), sheet.CellTooLong},
		{"legacy.xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), sheet.Unsupported},
		{"encrypted.xlsx", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), sheet.PasswordLocked},
		{"broken.xlsx", []byte("PK\x03\x04 not really a zip"), sheet.Malformed},
		{"not-a-workbook.xlsx", zipOf(t, map[string][]byte{"hello.txt": []byte("hi")}), sheet.Malformed},
		{"formula.xlsx", workbook(t, func(f *excelize.File) {
			f.SetCellStr("Sheet1", "A1", "人数")
			f.SetCellFormula("Sheet1", "A2", "=1+1")
		}), sheet.HasFormula},
		{"merged.xlsx", workbook(t, func(f *excelize.File) {
			f.SetCellStr("Sheet1", "A1", "名称")
			f.MergeCell("Sheet1", "A2", "A3")
		}), sheet.HasMergedCells},
		{"bomb.xlsx", bomb(t, zeros, false), sheet.UnzipsTooLarge},
		{"strings.xlsx", manyStrings(t, 150_000), sheet.Malformed},
		{"lying-bomb.xlsx", bomb(t, zeros, true), sheet.Malformed},
	} {
		_, err := readAll(t, c.name, c.file, small)
		if reason(err) != c.want {
			t.Errorf("%s: %v, want %s", c.name, err, c.want)
		}
		var se *sheet.Error
		if errors.As(err, &se) && !strings.Contains(se.Message, "(") {
			t.Errorf("%s: message %q is not bilingual", c.name, se.Message)
		}
	}
	// Too large is decided on the size alone, before a byte is read.
	if _, err := sheet.Open("big.xlsx", failingReader{}, 200<<20, sheet.Limits{}); reason(err) != sheet.TooLarge {
		t.Errorf("200 MB: %v", err)
	}
}

type failingReader struct{}

func (failingReader) ReadAt([]byte, int64) (int, error) { return 0, errors.New("read") }

func zipOf(t testing.TB, parts map[string][]byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
	}
	zw.Close()
	return buf.Bytes()
}

// bomb is a workbook whose sheet unzips to len(payload) bytes; lying, its
// header claims a few hundred bytes.
func bomb(t testing.TB, payload []byte, lying bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	small := map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`,
		"xl/workbook.xml":            `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
	}
	for name, body := range small {
		w, _ := zw.Create(name)
		io.WriteString(w, body)
	}
	var compressed bytes.Buffer
	fw, _ := flate.NewWriter(&compressed, flate.BestCompression)
	fw.Write(payload)
	fw.Close()
	size := uint64(len(payload))
	if lying {
		size = 300
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CompressedSize64: uint64(compressed.Len()), UncompressedSize64: size, CRC32: 0})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(compressed.Bytes())
	zw.Close()
	return buf.Bytes()
}

// manyStrings is a workbook of one text cell whose shared strings hold n
// entries: excelize would read them all, holding the import's lock.
func manyStrings(t testing.TB, n int) []byte {
	t.Helper()
	book := workbook(t, func(f *excelize.File) {
		f.SetCellStr("Sheet1", "A1", "名称")
	})
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		w, _ := zw.Create(f.Name)
		if strings.EqualFold(f.Name, "xl/sharedStrings.xml") {
			io.WriteString(w, `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>名称</t></si>`)
			io.WriteString(w, strings.Repeat("<si><t>a</t></si>", n))
			io.WriteString(w, `</sst>`)
			continue
		}
		rc, _ := f.Open()
		io.Copy(w, rc)
		rc.Close()
	}
	zw.Close()
	return buf.Bytes()
}

// FuzzCSV and FuzzXLSX: whatever the bytes, reading ends, without panic,
// in rows or a coded refusal.
func FuzzCSV(f *testing.F) {
	f.Add([]byte("名称,人数\n新塍镇,12\n"))
	f.Add([]byte("\xEF\xBB\xBFa,\"b\"\"c\"\n"))
	f.Add([]byte("\xFF\xFEa\x00"))
	gb, _ := simplifiedchinese.GB18030.NewEncoder().String("名称\n银龄互助会\n")
	f.Add([]byte(gb))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, "f.csv", data)
	})
}

func FuzzXLSX(f *testing.F) {
	f.Add(workbook(f, func(x *excelize.File) {
		x.SetSheetRow("Sheet1", "A1", &[]any{"名称", "人数"})
		x.SetSheetRow("Sheet1", "A2", &[]any{"新塍镇", 12})
	}))
	f.Add(zipOf(f, map[string][]byte{"xl/workbook.xml": []byte("<workbook/>")}))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, "f.xlsx", data)
	})
}

func fuzzRead(t *testing.T, name string, data []byte) {
	l := sheetLimits
	_, err := readAll(t, name, data, l)
	if err != nil && reason(err) == "" {
		t.Fatalf("uncoded error: %v", err)
	}
}

var sheetLimits = sheet.Limits{Bytes: 1 << 20, Unzipped: 8 << 20, Rows: 1000}
