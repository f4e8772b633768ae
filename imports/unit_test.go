package imports

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tongxing/tongxing/calendar"
)

// TestChoicesCoverTheEnums: every value of an enumeration a sheet may hold
// has a label, and no label names a value the data model lacks (the enums
// as the committed GraphQL schema prints them).
func TestChoicesCoverTheEnums(t *testing.T) {
	schema, err := os.ReadFile("../graph/schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	enum := func(name string) []string {
		m := regexp.MustCompile(`(?s)\nenum ` + name + ` \{(.*?)\n\}`).FindSubmatch(schema)
		if m == nil {
			t.Fatalf("no enum %s in the schema", name)
		}
		var out []string
		for _, line := range strings.Split(string(m[1]), "\n") {
			if v := strings.TrimSpace(line); regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`).MatchString(v) {
				out = append(out, v)
			}
		}
		sort.Strings(out)
		return out
	}
	codes := func(cs []Choice) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = c.Code
		}
		sort.Strings(out)
		return out
	}
	for _, c := range []struct {
		enum    string
		choices []Choice
	}{
		{"OrganizationKind", orgKinds},
		{"OrganizationLegalForm", legalForms},
		{"OrganizationRegistrationStatus", registrationStatuses},
		{"ActivityKind", activityKinds},
		{"MembershipRole", memberRoles},
		{"PersonGender", genders},
	} {
		if got, want := strings.Join(codes(c.choices), ","), strings.Join(enum(c.enum), ","); got != want {
			t.Errorf("%s: labels for %s, the enum has %s", c.enum, got, want)
		}
	}
}

func TestCellsParseWhatStaffType(t *testing.T) {
	l, problems := matchHeader(columnsOf[Activities], []string{"开始时间", "Ends at", "受益人数", "活动类型*", "组织单位 Organisation", "活动名称", "活动区划代码"})
	if len(problems) > 0 {
		t.Fatalf("header: %+v", problems)
	}
	day := func(y, m, d, h, min int) time.Time {
		return time.Date(y, time.Month(m), d, h, min, 0, 0, calendar.Zone)
	}
	for _, c := range []struct {
		starts string
		want   time.Time
	}{
		{"2026-10-29 09:00", day(2026, 10, 29, 9, 0)},
		{"2026/10/29 9:30", day(2026, 10, 29, 9, 30)},
		{"2026年10月29日 14:00", day(2026, 10, 29, 14, 0)},
		{"2026-10-29T09:00:00+08:00", day(2026, 10, 29, 9, 0)},
		{"46324.375", day(2026, 10, 29, 9, 0)}, // Excel's serial number for 2026-10-29 09:00
	} {
		row := &cells{l: l, raw: []string{c.starts}, row: 3}
		got := row.dateTime("startsAt")
		if got == nil || !got.Equal(c.want) || len(row.problems) > 0 {
			t.Errorf("%q: %v %+v, want %v", c.starts, got, row.problems, c.want)
		}
	}
	row := &cells{l: l, raw: []string{"昨天", "", "1,200", "培训 TRAINING"}, row: 4}
	if row.dateTime("startsAt") != nil || len(row.problems) != 1 || row.problems[0].Code != "INVALID_VALUE" || row.problems[0].Column != "开始时间 startsAt" {
		t.Errorf("a word for a time: %+v", row.problems)
	}
	if n := row.integer("beneficiaries"); n == nil || *n != 1200 {
		t.Errorf("1,200 read as %v", n)
	}
	if k := row.enum("kind"); k == nil || *k != "TRAINING" {
		t.Errorf("培训 TRAINING read as %v", k)
	}
	if row.text("endsAt"); len(row.problems) != 2 || row.problems[1].Code != "REQUIRED" {
		t.Errorf("an empty required cell: %+v", row.problems)
	}

	dates := &cells{l: &layout{index: map[string]int{"servedOn": 0}, columns: columnsOf[ServiceHours]}, row: 5}
	for in, want := range map[string]string{"2026-10-29": "2026-10-29", "2026/1/2": "2026-01-02", "2026年1月2日": "2026-01-02", "46324": "2026-10-29", "20261029": "2026-10-29"} {
		dates.raw = []string{in}
		if got := dates.date("servedOn"); got == nil || got.Format(time.DateOnly) != want || got.Location() != time.UTC {
			t.Errorf("date %q: %v, want %s (midnight UTC)", in, got, want)
		}
	}
}

func TestHeaderProblems(t *testing.T) {
	_, problems := matchHeader(columnsOf[ServiceHours], []string{"活动编号", "备注", "服务日期", "Served on"})
	var codes []string
	for _, p := range problems {
		codes = append(codes, p.Code+" "+p.Column)
	}
	got := strings.Join(codes, "; ")
	for _, want := range []string{"UNKNOWN_COLUMN 备注", "DUPLICATE_COLUMN 服务日期 servedOn", "MISSING_COLUMN 服务时长（分钟） minutes"} {
		if !strings.Contains(got, want) {
			t.Errorf("header problems %q lack %q", got, want)
		}
	}
	// The annotated workbook's own column is read past.
	if _, problems := matchHeader(columnsOf[Organizations], []string{"组织名称", "组织类型", "所在区划代码", ErrorsColumn}); len(problems) > 0 {
		t.Errorf("errors column refused: %+v", problems)
	}
}

// TestOneImportAtATime: while an import runs, another is refused at once
// with RATE_LIMITED (never queued), and the turn comes back after.
func TestOneImportAtATime(t *testing.T) {
	release, err := take()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(t.Context(), nil, Env{}, Organizations, nil, false); err != ErrBusy {
		t.Errorf("a second import: %v, want ErrBusy", err)
	}
	release()
	again, err := take()
	if err != nil {
		t.Fatalf("after the first ended: %v", err)
	}
	again()
}

// TestAnnotateAHandMadeWorkbook: a workbook without a styles part, which
// excelize cannot style, is annotated in a copy of its rows (it used to
// panic the handler).
func TestAnnotateAHandMadeWorkbook(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>组织名称</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t></t></is></c><c r="B2" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>`,
	} {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	rep := &Report{Kind: Organizations, Problems: []Problem{{Row: 2, Column: "组织名称 name", Code: "REQUIRED", Message: "“组织名称”不能为空 (name is required)"}}}
	body, err := Annotate("hand.xlsx", bytes.NewReader(buf.Bytes()), int64(buf.Len()), rep)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetList()[0])
	if len(rows) < 2 || !strings.Contains(fmt.Sprint(rows[1]), "REQUIRED") {
		t.Errorf("annotated rows %q", rows)
	}
}

// TestAnnotateACSV: a CSV comes back as a workbook of its rows with the
// problems beside the rows they concern.
func TestAnnotateACSV(t *testing.T) {
	csv := []byte("组织名称,组织类型,所在区划代码\n,社会组织,330411104\n新塍镇银龄互助会,社会组织,330411104\n")
	rep := &Report{Kind: Organizations, Problems: []Problem{{Row: 2, Column: "组织名称 name", Code: "REQUIRED", Message: "“组织名称”不能为空 (name is required)"}}}
	body, err := Annotate("orgs.csv", bytes.NewReader(csv), int64(len(csv)), rep)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetList()[0])
	if len(rows) != 3 || rows[0][3] != ErrorsColumn || !strings.Contains(rows[1][3], "REQUIRED") || len(rows[2]) > 3 {
		t.Errorf("annotated rows %q", rows)
	}
}
