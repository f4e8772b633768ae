package writer

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/xuri/excelize/v2"

	"github.com/tongxing/tongxing/opendata/dataset"
)

func sample() *dataset.Table {
	d := &dataset.Dataset{
		ID: "sample", Title: dataset.Text{Zh: "样例", En: "Sample"}, PersonDerived: true,
		Fields: []dataset.Field{
			{Name: "month", Type: dataset.YearMonth, Required: true, Title: dataset.Text{Zh: "月份", En: "Month"}},
			{Name: "town", Type: dataset.String, Required: true, Title: dataset.Text{Zh: "镇街", En: "Town"}},
			{Name: "volunteers", Type: dataset.Integer, Protected: true, Title: dataset.Text{Zh: "人数", En: "People"}},
			{Name: "share", Type: dataset.Number, Title: dataset.Text{Zh: "占比", En: "Share"}},
			{Name: "since", Type: dataset.Date, Title: dataset.Text{Zh: "日期", En: "Date"}},
			{Name: "year", Type: dataset.Year, Title: dataset.Text{Zh: "年份", En: "Year"}},
			{Name: "band", Type: dataset.String, Title: dataset.Text{Zh: "年龄段", En: "Band"},
				Categories: []dataset.Category{{Value: "<18", Label: dataset.Text{Zh: "未满 18 岁", En: "Under 18"}}}},
		},
		PrimaryKey: []string{"month", "town"},
	}
	return &dataset.Table{Dataset: d, Rows: []dataset.Row{
		{dataset.Str("2026-01"), dataset.Str("新塍镇"), dataset.Int(15), dataset.Num(0.25), dataset.Str("2026-01-31"), dataset.Int(2026), dataset.Str("<18")},
		{dataset.Str("2026-01"), dataset.Str(`王店镇, "梅里"`), dataset.Suppressed(), dataset.None(), dataset.None(), dataset.None(), dataset.None()},
		{dataset.Str("2026-02"), dataset.Str("洪合镇\n北"), dataset.Int(0), dataset.Num(1e-7), dataset.Str("2024-02-29"), dataset.Int(1999), dataset.Str("18-29")},
	}}
}

func TestCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "month,town,volunteers,share,since,year,band\r\n2026-01,新塍镇,15,0.25,2026-01-31,2026,<18\r\n") {
		t.Errorf("CSV starts %q", out[:min(len(out), 120)])
	}
	if strings.HasPrefix(out, "\ufeff") {
		t.Error("CSV has a byte-order mark")
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || recs[2][1] != `王店镇, "梅里"` || recs[2][2] != "x" || recs[2][3] != "" || recs[3][1] != "洪合镇\n北" || recs[3][3] != "0.0000001" {
		t.Errorf("round trip: %q", recs)
	}
	var again bytes.Buffer
	_ = WriteCSV(&again, sample())
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("two writes differ")
	}
}

func TestJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"band":"<18"`) {
		t.Errorf("HTML characters escaped: %s", buf.String())
	}
	var rows []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rows); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, buf.String())
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	if rows[0]["volunteers"] != 15.0 || rows[0]["share"] != 0.25 || rows[0]["year"] != 2026.0 {
		t.Errorf("row 0 = %v", rows[0])
	}
	if rows[1]["volunteers"] != "x" || rows[1]["share"] != nil {
		t.Errorf("suppressed and missing: %v", rows[1])
	}
	// Keys in field order, one row per line.
	first := strings.Split(buf.String(), "\n")[1]
	if !strings.HasPrefix(first, `{"month":"2026-01","town":"新塍镇","volunteers":15`) {
		t.Errorf("first row line %q", first)
	}
	empty := &dataset.Table{Dataset: sample().Dataset}
	buf.Reset()
	_ = WriteJSON(&buf, empty)
	if err := json.Unmarshal(buf.Bytes(), &rows); err != nil || len(rows) != 0 {
		t.Errorf("empty table: %q", buf.String())
	}
}

func TestXLSX(t *testing.T) {
	var buf bytes.Buffer
	notes := Notes{Version: "2026-10-31", ReferenceDate: "2026-10-31", Publisher: dataset.Text{Zh: "测试", En: "Test"},
		License: dataset.LicenseName, LicenseURL: dataset.LicenseURL, Citation: dataset.Text{Zh: "引用", En: "Cite"},
		Methodology: []dataset.Text{{Zh: "规则一", En: "Rule one"}}, PageURL: "/opendata/datasets/sample/"}
	if err := WriteXLSX(&buf, sample(), notes); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "data" || got[1] != "notes" {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows("data")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][2] != "volunteers" || rows[1][2] != "15" || rows[2][2] != "x" || rows[1][1] != "新塍镇" {
		t.Errorf("data sheet %q", rows)
	}
	if typ, _ := f.GetCellType("data", "C2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Error("a count is stored as text")
	}
	notesRows, _ := f.GetRows("notes")
	text := ""
	for _, r := range notesRows {
		text += strings.Join(r, "\t") + "\n"
	}
	for _, want := range []string{"样例", "Sample", "2026-10-31", "CC BY 4.0", "x = ", "规则一", "Rule one", "volunteers", "<18 = 未满 18 岁", "引用\tCite"} {
		if !strings.Contains(text, want) {
			t.Errorf("notes sheet lacks %q", want)
		}
	}
}

func TestParquet(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteParquet(&buf, sample(), map[string]string{"tongxing.version": "2026-10-31"}); err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range f.Schema().Fields() {
		names = append(names, c.Name())
	}
	if strings.Join(names, ",") != "month,town,volunteers,share,since,year,band" {
		t.Errorf("columns %v, want the field order", names)
	}
	if v, ok := f.Lookup("tongxing.version"); !ok || v != "2026-10-31" {
		t.Errorf("metadata %q", v)
	}
	if f.NumRows() != 3 {
		t.Fatalf("%d rows", f.NumRows())
	}
	rows := make([]parquet.Row, 3)
	r := parquet.NewReader(bytes.NewReader(buf.Bytes()))
	defer r.Close()
	n, _ := r.ReadRows(rows)
	if n != 3 {
		t.Fatalf("read %d rows", n)
	}
	get := func(row parquet.Row, col int) parquet.Value {
		for _, v := range row {
			if v.Column() == col {
				return v
			}
		}
		return parquet.Value{}
	}
	if v := get(rows[0], 2); v.Int64() != 15 {
		t.Errorf("volunteers = %v", v)
	}
	if v := get(rows[1], 2); !v.IsNull() {
		t.Errorf("suppressed volunteers = %v, want null", v)
	}
	if v := get(rows[0], 4); v.Int32() != 20484 { // 2026-01-31 in days since 1970-01-01
		t.Errorf("date = %d", v.Int32())
	}
	if v := get(rows[2], 1); v.String() != "洪合镇\n北" {
		t.Errorf("town = %q", v.String())
	}
}

// formulaTable has text cells a spreadsheet would run and a negative
// number in a numeric column, which is data.
func formulaTable() *dataset.Table {
	t := sample()
	t.Rows = []dataset.Row{
		{dataset.Str("2026-03"), dataset.Str(`=HYPERLINK("http://x","y")`), dataset.Int(-5), dataset.Num(-0.5), dataset.None(), dataset.Int(2026), dataset.Str("-1+1")},
		{dataset.Str("2026-04"), dataset.Str("@SUM(A1)"), dataset.Suppressed(), dataset.None(), dataset.None(), dataset.None(), dataset.Str("+1")},
		{dataset.Str("2026-05"), dataset.Str("\t=1"), dataset.Int(10), dataset.None(), dataset.None(), dataset.None(), dataset.Str("\r=1")},
	}
	return t
}

func TestCSVNeutralisesFormulas(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, formulaTable()); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(buf.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		row, col int
		want     string
	}{
		{1, 1, `'=HYPERLINK("http://x","y")`},
		{1, 2, "-5"},   // a negative integer stays a number
		{1, 3, "-0.5"}, // so does a negative number
		{1, 6, "'-1+1"},
		{2, 1, "'@SUM(A1)"},
		{2, 2, "x"},
		{2, 6, "'+1"},
		{3, 1, "'\t=1"},
	} {
		if got := recs[tc.row][tc.col]; got != tc.want {
			t.Errorf("row %d column %s = %q, want %q", tc.row, recs[0][tc.col], got, tc.want)
		}
	}
	// With CRLF line ends Go's CSV writer drops a carriage return inside a
	// field; neutralising first keeps the "\r=1" that would then start
	// with "=" a text cell.
	if got := recs[3][6]; got != "'=1" {
		t.Errorf("a cell starting with a carriage return is written %q", got)
	}
	// No cell the file holds starts like a formula, whatever its column.
	for _, rec := range recs[1:] {
		for i, v := range rec {
			if i != 2 && i != 3 && v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
				t.Errorf("text cell %q starts like a formula", v)
			}
		}
	}
	// JSON is not opened as a sheet: text is published as entered.
	buf.Reset()
	_ = WriteJSON(&buf, formulaTable())
	if !strings.Contains(buf.String(), `"town":"=HYPERLINK(\"http://x\",\"y\")"`) {
		t.Errorf("JSON changed the text: %s", buf.String())
	}
}

// TestXLSXWritesTextNotFormulas: the XLSX writer gives excelize Go strings,
// which it stores as text cells; a formula is only ever written by
// SetCellFormula, which the writer does not call. Read back, the cell has
// no formula and is a text cell holding exactly the name.
func TestXLSXWritesTextNotFormulas(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, formulaTable(), Notes{Version: "v", ReferenceDate: "2026-10-31"}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, cell := range []string{"B2", "G2", "B3", "G3", "B4", "G4"} {
		if formula, err := f.GetCellFormula("data", cell); err != nil || formula != "" {
			t.Errorf("%s has formula %q (%v)", cell, formula, err)
		}
		if typ, _ := f.GetCellType("data", cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("%s is of type %v, want text", cell, typ)
		}
	}
	if v, _ := f.GetCellValue("data", "B2"); v != `=HYPERLINK("http://x","y")` {
		t.Errorf("B2 = %q", v)
	}
	if v, _ := f.GetCellValue("data", "C2"); v != "-5" {
		t.Errorf("C2 = %q", v)
	}
	if typ, _ := f.GetCellType("data", "C2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Error("a negative count is stored as text")
	}
	// Nothing in the sheet's XML is a formula element.
	if bytes.Contains(unzipSheet(t, buf.Bytes()), []byte("<f>")) || bytes.Contains(unzipSheet(t, buf.Bytes()), []byte("<f ")) {
		t.Error("the data sheet holds a formula element")
	}
}

func unzipSheet(t *testing.T, xlsx []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatal("no sheet1.xml")
	return nil
}
