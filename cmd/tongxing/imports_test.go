package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/policy"
)

// TestImportCommand: a CSV saved by Chinese Excel (GB18030) is checked,
// applied with --commit, and changes nothing the second time; a bad file
// exits with errProblems and its report file names the rows.
func TestImportCommand(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t)
	db, err := openDB(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	sys := policy.SystemContext(ctx, "test")
	district := db.Client.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).SaveX(sys)
	db.Client.Region.Create().SetCode("330411104").SetName("新塍镇").SetLevel(region.LevelTOWN).SetParent(district).SaveX(sys)
	db.Close()

	csv := "组织名称,组织类型,登记状态,所在区划代码\n新塍镇银龄互助会,社会组织,备案,330411104\n新塍镇巾帼志愿服务队,志愿服务队,备案,330411104\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(csv)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "组织.csv")
	if err := os.WriteFile(file, []byte(gb), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := importCommand(ctx, cfg, args, &out, &out, time.Now)
		return out.String(), err
	}
	for _, step := range []struct {
		args []string
		want string
	}{
		{[]string{"organizations", file}, "checked organizations: 2 rows, 2 to create, 0 unchanged"},
		{[]string{"organizations", file, "--commit"}, "imported organizations: 2 rows, 2 created, 0 unchanged"},
		{[]string{"--commit", "organizations", file}, "imported organizations: 2 rows, 0 created, 2 unchanged"},
	} {
		out, err := run(step.args...)
		if err != nil || !strings.Contains(out, step.want) {
			t.Fatalf("import %v: %v\n%s", step.args, err, out)
		}
	}

	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("组织名称,组织类型,所在区划代码\n,社会组织,330411104\n某组织,不是类型,999\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "report.json")
	out, err := run("organizations", bad, "--commit", "--report", report)
	if !errors.Is(err, errProblems) || !strings.Contains(out, "row 2, 组织名称 name: REQUIRED") || !strings.Contains(out, "row 3, 组织类型 kind: INVALID_VALUE") {
		t.Fatalf("bad file: %v\n%s", err, out)
	}
	if body, err := os.ReadFile(report); err != nil || !strings.Contains(string(body), `"problemCount": 2`) {
		t.Errorf("report file: %v %s", err, body)
	}
	var usage usageError
	if _, err := run("nonsense", file); !errors.As(err, &usage) {
		t.Errorf("unknown kind: %v", err)
	}
}
