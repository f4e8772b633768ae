package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tongxing/tongxing/apikeys"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/creditcode"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent/apikey"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/imports"
)

// importReply is the answer of POST /import/{kind}.
type importReply struct {
	status int
	header http.Header
	body   []byte
	report imports.Report
}

// upload posts file to /import/{kind} (commit or not) as the raw body, or
// as a multipart form when form is set.
func (a *api) upload(key, kind string, file []byte, commit, form bool, accept string) importReply {
	a.t.Helper()
	target := "/import/" + kind + "?name=" + kind + ".xlsx"
	if commit {
		target += "&commit=true"
	}
	body, ctype := io.Reader(bytes.NewReader(file)), imports.XLSXType
	if form {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		w, _ := mw.CreateFormFile("file", kind+".xlsx")
		w.Write(file)
		mw.Close()
		body, ctype = &buf, mw.FormDataContentType()
	}
	req := httptest.NewRequest(http.MethodPost, target, body)
	req.Header.Set("Content-Type", ctype)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	r := importReply{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(r.body, &r.report)
	}
	return r
}

// template fetches the template of kind and fills its data sheet from row
// 4 on (row 3, the example, is left in place: the import skips it).
func (a *api) filledTemplate(kind string, rows [][]string) []byte {
	a.t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/import/templates/"+kind+".xlsx", nil)
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != imports.XLSXType {
		a.t.Fatalf("template %s: %d %s", kind, rec.Code, rec.Body.String())
	}
	f, err := excelize.OpenReader(rec.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	header, err := f.GetRows(sheet)
	if err != nil || len(header) < 3 {
		a.t.Fatalf("template %s has %d rows: %v", kind, len(header), err)
	}
	index := map[string]int{}
	for i, h := range header[1] {
		index[h] = i
	}
	for r, row := range rows {
		// rows are "English header=value" pairs, so a test names its cells.
		for _, kv := range row {
			k, v, _ := strings.Cut(kv, "=")
			i, ok := index[k]
			if !ok {
				a.t.Fatalf("template %s has no column %q (English row: %v)", kind, k, header[1])
			}
			ref, _ := excelize.CoordinatesToCellName(i+1, r+4)
			if err := f.SetCellStr(sheet, ref, v); err != nil {
				a.t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		a.t.Fatal(err)
	}
	return buf.Bytes()
}

// creditCode completes 17 characters with the GB 32100 check character.
func creditCode(first17 string) string {
	c, err := creditcode.CheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c)
}

// importID is a valid resident ID number ending in seq.
func importID(seq int) string { return idNumber(fmt.Sprintf("33041119900101%03d", seq)) }

// TestImportRoundTrip: each kind, from its own template, filled, checked,
// committed, readable through GraphQL, and imported again without change.
func TestImportRoundTrip(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		yesterday := time.Now().In(calendar.Zone).AddDate(0, 0, -1).Format(time.DateOnly)
		steps := []struct {
			kind  string
			rows  func() [][]string
			count int
			check func(t *testing.T)
		}{
			{"organizations", func() [][]string {
				return [][]string{
					{"Name=新塍镇银龄互助会", "Kind=社会组织 SOCIAL_ORGANIZATION", "Registration status=备案 FILED", "Region code=330411104 新塍镇", "Founded on=2021/3/5"},
					{"Name=秀洲区阳光社工事务所", "Kind=SOCIAL_WORK_AGENCY", "Registration status=登记", "Credit code=" + creditCode("52330411MJ0000001"), "Region code=330411104"},
				}
			}, 2, func(t *testing.T) {
				d := a.admin(`{ organizations(where: {nameContains: "银龄互助会"}) { edges { node { name kind registrationStatus foundedOn region { code } } } } }`, nil)
				got := fmt.Sprint(d["organizations"])
				if !strings.Contains(got, "SOCIAL_ORGANIZATION") || !strings.Contains(got, "2021-03-05") || !strings.Contains(got, "330411104") {
					t.Errorf("imported organisation reads %s", got)
				}
			}},
			{"volunteers", func() [][]string {
				return [][]string{
					{"Organisation=913304007429141869", "Name=王小红", "ID number=" + importID(11), "Gender=女", "Mobile phone=13900000001", "Skills=助餐、陪护", "Party member=是"},
					{"Organisation=嘉兴市秀洲区孝慈社会工作服务中心", "Name=李大明", "ID number=" + importID(12), "Role=社工 SOCIAL_WORKER"},
				}
			}, 2, func(t *testing.T) {
				d := a.admin(`{ people(first: 100) { totalCount edges { node { name skills partyMember memberships(first: 5) { edges { node { role organization { name } } } } } } } }`, nil)
				got := fmt.Sprint(d["people"])
				if !strings.Contains(got, "王小红") || !strings.Contains(got, "李大明") || !strings.Contains(got, "助餐") || !strings.Contains(got, "SOCIAL_WORKER") {
					t.Errorf("imported volunteers read %s", got)
				}
			}},
			{"activities", func() [][]string {
				return [][]string{{"Organisation=913304007429141869", "Title=导入的助老活动", "Kind=服务", "Region code=330411104",
					"Starts at=" + yesterday + " 09:00", "Ends at=" + yesterday + " 11:30", "Beneficiaries=12"}}
			}, 1, func(t *testing.T) {
				d := a.admin(`{ activities(where: {title: "导入的助老活动"}) { edges { node { startsAt endsAt beneficiaries } } } }`, nil)
				n := d["activities"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)
				starts, _ := time.Parse(time.RFC3339, n["startsAt"].(string))
				ends, _ := time.Parse(time.RFC3339, n["endsAt"].(string))
				day, _ := time.ParseInLocation(time.DateOnly, yesterday, calendar.Zone)
				if !starts.Equal(day.Add(9*time.Hour)) || !ends.Equal(day.Add(11*time.Hour+30*time.Minute)) || n["beneficiaries"] != 12.0 {
					t.Errorf("imported activity reads %v, want 09:00–11:30 China time", n)
				}
			}},
			{"service-hours", func() [][]string {
				d := a.admin(`{ activities(where: {title: "导入的助老活动"}) { edges { node { id } } }
					people(first: 100) { edges { node { name volunteerNumber } } } }`, nil)
				act := d["activities"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["id"].(string)
				number := ""
				for _, e := range d["people"].(map[string]any)["edges"].([]any) {
					if n := e.(map[string]any)["node"].(map[string]any); n["name"] == "王小红" {
						number = n["volunteerNumber"].(string)
					}
				}
				return [][]string{
					{"Activity ID=" + act, "Volunteer number=" + number, "Served on=" + yesterday, "Minutes=150"},
					{"Activity ID=" + act, "ID number=" + importID(12), "Served on=" + yesterday, "Minutes=120", "Content=陪护"},
				}
			}, 2, func(t *testing.T) {
				d := a.admin(`{ activities(where: {title: "导入的助老活动"}) { edges { node { serviceRecords(first: 10) { totalCount edges { node { minutes status } } } } } } }`, nil)
				got := fmt.Sprint(d["activities"])
				if !strings.Contains(got, "totalCount:2") || strings.Contains(got, "VERIFIED") || !strings.Contains(got, "PENDING") {
					t.Errorf("imported hours read %s: want two PENDING records", got)
				}
			}},
		}
		for _, s := range steps {
			file := a.filledTemplate(s.kind, s.rows())
			before := a.counts()
			dry := a.upload(a.key, s.kind, file, false, false, "")
			if dry.status != http.StatusOK || dry.report.Created != s.count || dry.report.Committed || !dry.report.DryRun {
				t.Fatalf("%s dry run: %d %s", s.kind, dry.status, dry.body)
			}
			if after := a.counts(); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Fatalf("%s dry run wrote: %v → %v", s.kind, before, after)
			}
			done := a.upload(a.key, s.kind, file, true, true, "")
			if done.status != http.StatusOK || done.report.Created != s.count || !done.report.Committed {
				t.Fatalf("%s commit: %d %s", s.kind, done.status, done.body)
			}
			s.check(t)
			again := a.upload(a.key, s.kind, file, true, false, "")
			if again.status != http.StatusOK || again.report.Created != 0 || again.report.Unchanged != s.count {
				t.Fatalf("%s imported again: %d %s", s.kind, again.status, again.body)
			}
		}
		d := a.admin(`{ auditEvents(where: {action: "importRecords"}) { totalCount edges { node { entityType count reason } } } }`, nil)
		if got := fmt.Sprint(d["auditEvents"]); !strings.Contains(got, "totalCount:8") || strings.Contains(got, "王小红") || strings.Contains(got, importID(11)) {
			t.Errorf("audit of imports: %s (want one event per committed import, no personal data)", got)
		}
	})
}

// TestImportReportsEveryBadRow: a file with bad rows is reported row by
// row, as JSON and as the workbook with its problems beside them, and
// nothing of it is written even with commit.
func TestImportReportsEveryBadRow(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		file := a.filledTemplate("volunteers", [][]string{
			{"Organisation=913304007429141869", "Name=赵六", "ID number=" + importID(21)},
			{"Organisation=913304007429141869", "Name=钱七", "ID number=330411199001010000"},
			{"Organisation=不存在的组织", "Name=孙八", "ID number=" + importID(22)},
			{"Organisation=913304007429141869", "Name=", "ID number=" + importID(23), "Mobile phone=12345"},
			{"Organisation=913304007429141869", "Name=周九", "ID number=" + importID(21)},
		})
		before := a.counts()
		r := a.upload(a.key, "volunteers", file, true, false, "")
		if r.status != http.StatusUnprocessableEntity || r.report.Committed || r.report.Rows != 5 {
			t.Fatalf("bad file: %d %s", r.status, r.body)
		}
		want := map[int]string{5: "idNumber", 6: "organization", 7: "name", 8: "idNumber"}
		for row, col := range want {
			found := false
			for _, p := range r.report.Problems {
				if p.Row == row && strings.HasSuffix(p.Column, " "+col) && p.Code != "" && strings.Contains(p.Message, "(") {
					found = true
				}
			}
			if !found {
				t.Errorf("no problem on row %d, column %s: %+v", row, col, r.report.Problems)
			}
		}
		if after := a.counts(); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("a refused commit wrote: %v → %v", before, after)
		}
		book := a.upload(a.key, "volunteers", file, false, false, imports.XLSXType)
		if book.status != http.StatusUnprocessableEntity || book.header.Get("Content-Type") != imports.XLSXType || book.header.Get("Import-Problems") == "0" {
			t.Fatalf("annotated workbook: %d %v", book.status, book.header)
		}
		f, err := excelize.OpenReader(bytes.NewReader(book.body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(f.GetSheetList()[0])
		last := len(rows[0]) - 1
		if rows[0][last] != imports.ErrorsColumn || len(rows[3]) > last && rows[3][last] != "" || len(rows[4]) <= last || !strings.Contains(rows[4][last], "idNumber") {
			t.Errorf("annotated rows: header %q, row 4 %q, row 5 %q", rows[0], rows[3], rows[4])
		}
	})
}

// TestImportScope: an EDITOR imports within its scope only, authorised
// before anything is read, and a volunteer it may not record gets the
// same answer whether or not the number is on record.
func TestImportScope(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		ctx := a.sys()
		team := a.fx.team.ID
		editor, _, err := apikeys.Create(ctx, a.db.Client, "team-editor", apikeys.CreateOptions{Role: apikey.RoleEDITOR, OrganizationID: &team})
		if err != nil {
			t.Fatal(err)
		}
		reviewer, _, err := apikeys.Create(ctx, a.db.Client, "team-reviewer", apikeys.CreateOptions{Role: apikey.RoleREVIEWER, OrganizationID: &team})
		if err != nil {
			t.Fatal(err)
		}
		file := a.filledTemplate("volunteers", [][]string{
			{"Organisation=新塍镇红心志愿服务队", "Name=队员甲", "ID number=" + importID(31)},
			{"Organisation=913304007429141869", "Name=他组织的人", "ID number=" + importID(32)},
		})
		for _, k := range []struct {
			name, key string
			status    int
		}{{"anonymous", "", http.StatusUnauthorized}, {"reviewer", reviewer, http.StatusForbidden}} {
			if r := a.upload(k.key, "volunteers", file, true, false, ""); r.status != k.status {
				t.Errorf("%s: %d %s", k.name, r.status, r.body)
			}
		}
		r := a.upload(editor, "volunteers", file, false, false, "")
		if r.report.Created != 1 || r.report.ProblemCount != 1 || r.report.Problems[0].Row != 5 || r.report.Problems[0].Code != "FORBIDDEN" {
			t.Fatalf("editor's volunteers: %s", r.body)
		}

		// Hours for people outside the team: a true guess (a volunteer on
		// record elsewhere) and a false one answer alike.
		onRecord := a.fx.volunteers[0].VolunteerNumber
		answers := map[string]string{}
		for _, number := range []string{onRecord, "ZJ330411999999"} {
			file := a.filledTemplate("service-hours", [][]string{{"Activity ID=" + id(a.fx.activity.ID), "Volunteer number=" + number, "Served on=" + a.fx.day, "Minutes=60"}})
			r := a.upload(editor, "service-hours", file, false, false, "")
			answers[number] = fmt.Sprintf("%d %+v", r.status, r.report.Problems)
		}
		// At the agency's activity, outside the team's scope, both are
		// refused on the activity before anyone is looked up.
		if answers[onRecord] != answers["ZJ330411999999"] || !strings.Contains(answers[onRecord], "FORBIDDEN") {
			t.Errorf("a volunteer number on record answers differently:\n%s\n%s", answers[onRecord], answers["ZJ330411999999"])
		}

		// Hours of its own member at an activity outside its scope, and at
		// one that does not exist: the same refusal.
		member := a.upload(editor, "volunteers", a.filledTemplate("volunteers", [][]string{{"Organisation=新塍镇红心志愿服务队", "Name=队员乙", "ID number=" + importID(33)}}), true, false, "")
		if !member.report.Committed {
			t.Fatalf("register a member: %s", member.body)
		}
		d := a.admin(`{ people(first: 100) { edges { node { name volunteerNumber } } } }`, nil)
		number := ""
		for _, e := range d["people"].(map[string]any)["edges"].([]any) {
			if n := e.(map[string]any)["node"].(map[string]any); n["name"] == "队员乙" {
				number = n["volunteerNumber"].(string)
			}
		}
		answers = map[string]string{}
		for _, act := range []string{id(a.fx.activity.ID), id(a.fx.activity.ID + 1_000_000)} {
			file := a.filledTemplate("service-hours", [][]string{{"Activity ID=" + act, "Volunteer number=" + number, "Served on=" + a.fx.day, "Minutes=60"}})
			r := a.upload(editor, "service-hours", file, false, false, "")
			answers[act] = fmt.Sprintf("%d %+v", r.status, r.report.Problems)
		}
		if answers[id(a.fx.activity.ID)] != answers[id(a.fx.activity.ID+1_000_000)] || !strings.Contains(answers[id(a.fx.activity.ID)], "FORBIDDEN") {
			t.Errorf("an activity outside the scope and a missing one answer differently:\n%s\n%s", answers[id(a.fx.activity.ID)], answers[id(a.fx.activity.ID+1_000_000)])
		}
	})
}

// uploadGraphQL sends importRecords as a GraphQL multipart request.
func (a *api) uploadGraphQL(key, kind string, file []byte, commit bool) response {
	a.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	ops, _ := json.Marshal(map[string]any{
		"query": `mutation($file: Upload!, $commit: Boolean) { importRecords(input: {kind: ` + kind + `, file: $file, commit: $commit}) {
			kind rows created unchanged committed dryRun fileRefused problems(first: 10) { totalCount edges { node { row column code message } } } } }`,
		"variables": map[string]any{"file": nil, "commit": commit},
	})
	mw.WriteField("operations", string(ops))
	mw.WriteField("map", `{"0": ["variables.file"]}`)
	w, _ := mw.CreateFormFile("0", "file.xlsx")
	w.Write(file)
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/graphql", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	return a.do(req)
}

// TestImportThroughGraphQL: importRecords takes the file as a GraphQL
// multipart upload; its dry run answers the report and writes nothing,
// not even an audit event.
func TestImportThroughGraphQL(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		file := a.filledTemplate("organizations", [][]string{
			{"Name=新塍镇银龄互助会", "Kind=社会组织", "Region code=330411104"},
			{"Name=新塍镇书香志愿服务队", "Kind=志愿服务队", "Region code=999"},
		})
		before := a.counts()
		r := a.uploadGraphQL(a.key, "ORGANIZATIONS", file, true)
		got := fmt.Sprint(r.Data["importRecords"])
		if len(r.Errors) > 0 || !strings.Contains(got, "committed:false") || !strings.Contains(got, "totalCount:1") || !strings.Contains(got, "row:5") {
			t.Fatalf("file with a bad row: %s", r.Raw)
		}
		if after := a.counts(); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("a refused import wrote: %v → %v", before, after)
		}
		good := a.filledTemplate("organizations", [][]string{{"Name=新塍镇银龄互助会", "Kind=社会组织", "Region code=330411104"}})
		r = a.uploadGraphQL(a.key, "ORGANIZATIONS", good, false)
		if got := fmt.Sprint(r.Data["importRecords"]); len(r.Errors) > 0 || !strings.Contains(got, "created:1") || !strings.Contains(got, "dryRun:true") {
			t.Fatalf("dry run: %s", r.Raw)
		}
		if after := a.counts(); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("a dry run wrote: %v → %v", before, after)
		}
		r = a.uploadGraphQL(a.key, "ORGANIZATIONS", good, true)
		if got := fmt.Sprint(r.Data["importRecords"]); len(r.Errors) > 0 || !strings.Contains(got, "committed:true") || !strings.Contains(got, "kind:ORGANIZATIONS") {
			t.Fatalf("commit: %s", r.Raw)
		}
		d := a.admin(`{ organizations(where: {name: "新塍镇银龄互助会"}) { totalCount } auditEvents(where: {action: "importRecords"}) { totalCount } }`, nil)
		if fmt.Sprint(d) != "map[auditEvents:map[totalCount:1] organizations:map[totalCount:1]]" {
			t.Errorf("after the commit: %v", d)
		}

		team := a.fx.team.ID
		reviewer, _, err := apikeys.Create(a.sys(), a.db.Client, "reviewer", apikeys.CreateOptions{Role: apikey.RoleREVIEWER, OrganizationID: &team})
		if err != nil {
			t.Fatal(err)
		}
		if r := a.uploadGraphQL(reviewer, "ORGANIZATIONS", good, true); r.code() != "FORBIDDEN" {
			t.Errorf("reviewer: %s", r.Raw)
		}
		if r := a.uploadGraphQL("", "ORGANIZATIONS", good, true); r.Status != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" {
			t.Errorf("anonymous upload: %d %s", r.Status, r.Raw)
		}
		// A malformed multipart request (the map before the operations)
		// answers with a code like every other error.
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("map", `{"0": ["variables.file"]}`)
		mw.Close()
		req := httptest.NewRequest(http.MethodPost, "/graphql", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+a.key)
		if r := a.do(req); r.Status != http.StatusBadRequest || r.code() != "BAD_USER_INPUT" {
			t.Errorf("malformed multipart: %d %s", r.Status, r.Raw)
		}
	})
}

// TestImportTemplates: every template has Chinese headers (required ones
// marked *) above English ones, an example row, a drop-down list on every
// enumeration and on the region column, and a notes sheet naming every
// column's key.
func TestImportTemplates(t *testing.T) {
	a := newAPI(t, dbtest.OpenSQLite(t))
	for _, kind := range imports.Kinds {
		req := httptest.NewRequest(http.MethodGet, "/import/templates/"+string(kind)+".xlsx", nil)
		rec := httptest.NewRecorder()
		a.h.ServeHTTP(rec, req)
		f, err := excelize.OpenReader(rec.Body)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		sheets := f.GetSheetList()
		if len(sheets) != 3 || sheets[0] != "数据 Data" || sheets[1] != "说明 Notes" || sheets[2] != "选项 Lists" {
			t.Errorf("%s: sheets %q", kind, sheets)
		}
		rows, _ := f.GetRows(sheets[0])
		if len(rows) != 3 || len(rows[0]) != len(rows[1]) || len(rows[2]) == 0 || !strings.HasSuffix(rows[0][0], "*") {
			t.Fatalf("%s: data sheet rows %q", kind, rows)
		}
		notes, _ := f.GetRows(sheets[1])
		allNotes := fmt.Sprint(notes)
		dvs, _ := f.GetDataValidations(sheets[0])
		lists := 0
		for _, dv := range dvs {
			if dv.Type == "list" && strings.Contains(dv.Formula1, "选项 Lists") {
				lists++
			}
		}
		wantLists := 0
		for i, en := range rows[1] {
			key := ""
			for _, line := range notes {
				if len(line) > 2 && line[1] == en {
					key = line[2]
				}
			}
			if key == "" || !strings.Contains(allNotes, key) {
				t.Errorf("%s: column %d (%s) has no line on the notes sheet", kind, i+1, en)
			}
			switch en {
			case "Kind", "Legal form", "Registration status", "Region code", "Gender", "Party member", "Role":
				wantLists++
			}
		}
		if lists != wantLists {
			t.Errorf("%s: %d drop-down lists, want %d (every enumeration and the region)", kind, lists, wantLists)
		}
		f.Close()
	}
	req := httptest.NewRequest(http.MethodGet, "/import/templates/people.xlsx", nil)
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), `"code":"NOT_FOUND"`) {
		t.Errorf("unknown template: %d %s", rec.Code, rec.Body)
	}
}

// TestImportRefusesHostileFiles: through the real handler, a file refused
// as a whole is a coded report (422) or, over the size limit, HTTP 413
// before the body is read; nothing is written either way.
func TestImportRefusesHostileFiles(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		formula := func() []byte {
			f := excelize.NewFile()
			defer f.Close()
			f.SetCellStr("Sheet1", "A1", "组织名称")
			f.SetCellFormula("Sheet1", "A2", `=HYPERLINK("http://example.org","x")`)
			var buf bytes.Buffer
			f.WriteTo(&buf)
			return buf.Bytes()
		}()
		before := a.counts()
		for _, c := range []struct {
			name, kind string
			file       []byte
			code       string
		}{
			{"formula", "organizations", formula, "FORMULA"},
			{"utf16", "organizations", []byte("\xFF\xFE\x44\x00"), "WRONG_ENCODING"},
			{"ole file named .xlsx", "volunteers", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 old"), "ENCRYPTED_FILE"},
			{"wrong columns", "service-hours", []byte("名称,备注\n甲,乙\n"), "UNKNOWN_COLUMN"},
			{"empty", "activities", []byte(" "), "EMPTY_FILE"},
		} {
			r := a.upload(a.key, c.kind, c.file, true, false, "")
			if r.status != http.StatusUnprocessableEntity || !r.report.FileRefused || len(r.report.Problems) == 0 || r.report.Problems[0].Code != c.code {
				t.Errorf("%s: %d %s", c.name, r.status, r.body)
			}
		}
		req := httptest.NewRequest(http.MethodPost, "/import/organizations?commit=true", strings.NewReader("never read"))
		req.ContentLength = 200 << 20
		req.Header.Set("Authorization", "Bearer "+a.key)
		rec := httptest.NewRecorder()
		a.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), `"code":"BAD_USER_INPUT"`) {
			t.Errorf("200 MB: %d %s", rec.Code, rec.Body)
		}
		if after := a.counts(); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("refused files wrote: %v → %v", before, after)
		}
	})
}

// TestImportAnswersGuessesAlike: what the attack on the running server
// found, each as a true and a false guess that must answer alike for an
// EDITOR of the team.
func TestImportAnswersGuessesAlike(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		ctx := a.sys()
		team := a.fx.team.ID
		editor, _, err := apikeys.Create(ctx, a.db.Client, "team-editor", apikeys.CreateOptions{Role: apikey.RoleEDITOR, OrganizationID: &team})
		if err != nil {
			t.Fatal(err)
		}
		// A former member of the team, whose ID number it no longer reads.
		r := a.upload(a.key, "volunteers", a.filledTemplate("volunteers", [][]string{{"Organisation=新塍镇红心志愿服务队", "Name=离队者", "ID number=" + importID(41)}}), true, false, "")
		if !r.report.Committed {
			t.Fatalf("register: %s", r.body)
		}
		if _, err := a.db.Client.Membership.Update().Where(membership.OrganizationID(team)).SetLeftOn(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)).Save(ctx); err != nil {
			t.Fatal(err)
		}
		y, m, d := time.Now().In(calendar.Zone).AddDate(0, 0, -1).Date()
		start := time.Date(y, m, d, 9, 0, 0, 0, calendar.Zone)
		teamAct := a.db.Client.Activity.Create().SetTitle("队内活动").SetOrganizationID(team).SetRegion(a.fx.town).
			SetStartsAt(start).SetEndsAt(start.Add(2 * time.Hour)).SaveX(ctx)
		answer := func(kind string, row []string) string {
			r := a.upload(editor, kind, a.filledTemplate(kind, [][]string{row}), false, false, "")
			return fmt.Sprintf("%d %+v", r.status, r.report.Problems)
		}
		for _, c := range []struct {
			name       string
			kind       string
			truth, lie []string
			wantCode   string
		}{
			{"an ID number at a missing activity", "service-hours",
				[]string{"Activity ID=" + id(1<<40), "ID number=" + importID(41), "Served on=" + a.fx.day, "Minutes=60"},
				[]string{"Activity ID=" + id(1<<40), "ID number=" + importID(42), "Served on=" + a.fx.day, "Minutes=60"}, "FORBIDDEN"},
			{"another organisation's volunteer number at the team's activity", "service-hours",
				[]string{"Activity ID=" + id(teamAct.ID), "Volunteer number=" + a.fx.volunteers[0].VolunteerNumber, "Served on=" + a.fx.day, "Minutes=60"},
				[]string{"Activity ID=" + id(teamAct.ID), "Volunteer number=ZJ330411999999", "Served on=" + a.fx.day, "Minutes=60"}, "NOT_FOUND"},
			{"a former member's ID number at the team's activity", "service-hours",
				[]string{"Activity ID=" + id(teamAct.ID), "ID number=" + importID(41), "Served on=" + a.fx.day, "Minutes=60"},
				[]string{"Activity ID=" + id(teamAct.ID), "ID number=" + importID(42), "Served on=" + a.fx.day, "Minutes=60"}, "NOT_FOUND"},
			{"an existing activity of another organisation", "activities",
				[]string{"Organisation=913304007429141869", "Title=助餐送餐", "Region code=330411104", "Starts at=" + a.fx.day + " 09:00", "Ends at=" + a.fx.day + " 12:00"},
				[]string{"Organisation=913304007429141869", "Title=从未有过的活动", "Region code=330411104", "Starts at=" + a.fx.day + " 09:00", "Ends at=" + a.fx.day + " 12:00"}, "FORBIDDEN"},
			{"an existing organisation outside the scope", "organizations",
				[]string{"Name=嘉兴市秀洲区孝慈社会工作服务中心", "Kind=社工机构", "Credit code=913304007429141869", "Region code=330411104"},
				[]string{"Name=不存在的机构", "Kind=社工机构", "Credit code=" + creditCode("52330411MJ0000009"), "Region code=330411104"}, "FORBIDDEN"},
		} {
			truth, lie := answer(c.kind, c.truth), answer(c.kind, c.lie)
			if truth != lie || !strings.Contains(truth, c.wantCode) {
				t.Errorf("%s:\n true: %s\nfalse: %s\n(want both %s)", c.name, truth, lie, c.wantCode)
			}
		}
		// An organisation under a parent, named by name (it used to crash).
		r = a.upload(a.key, "organizations", a.filledTemplate("organizations", [][]string{{"Name=红心志愿服务队第一分队", "Kind=志愿服务队", "Region code=330411104", "Parent organisation=新塍镇红心志愿服务队"}}), true, false, "")
		if !r.report.Committed || r.report.Created != 1 {
			t.Errorf("an organisation under a parent: %d %s", r.status, r.body)
		}
		// The same name and region under another parent is not passed over
		// as unchanged.
		r = a.upload(a.key, "organizations", a.filledTemplate("organizations", [][]string{{"Name=红心志愿服务队第一分队", "Kind=志愿服务队", "Region code=330411104", "Parent organisation=913304007429141869"}}), false, false, "")
		if r.report.Unchanged != 0 || len(r.report.Problems) != 1 || r.report.Problems[0].Code != "CONFLICT" {
			t.Errorf("an organisation on record under another parent: %d %s", r.status, r.body)
		}
	})
}
