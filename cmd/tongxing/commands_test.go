package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/policy"
	"github.com/tongxing/tongxing/server"
)

func testConfig(t *testing.T) server.Config {
	t.Helper()
	cfg, err := server.LoadConfig(func(k string) string {
		if k == "TONGXING_DATABASE_URL" {
			return filepath.Join(t.TempDir(), "cli.db")
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestKeysCommand(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t)
	var out bytes.Buffer
	var usage usageError
	if err := keys(ctx, cfg, []string{"create", "--name", "没有角色"}, &out); !errors.As(err, &usage) || !strings.Contains(err.Error(), "--role is required") || out.Len() != 0 {
		t.Fatalf("keys create without --role: %v %q", err, out.String())
	}
	if err := keys(ctx, cfg, []string{"create", "--name", "新塍镇社工站", "--role", "ADMIN"}, &out); err != nil {
		t.Fatal(err)
	}
	// The key alone on one line of standard output, so scripts can capture it.
	if !regexp.MustCompile(`^tx_[A-Za-z0-9_-]{43}\n$`).MatchString(out.String()) {
		t.Fatalf("keys create printed %q", out.String())
	}
	secret := strings.TrimSpace(out.String())

	out.Reset()
	if err := keys(ctx, cfg, []string{"list"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), secret[:11]) || strings.Contains(out.String(), secret) || !strings.Contains(out.String(), "新塍镇社工站") {
		t.Errorf("keys list = %q", out.String())
	}
	// Without --expires a key lives 90 days; "never" is asked for by name.
	if want := time.Now().Add(90 * 24 * time.Hour).Format(time.DateOnly); !strings.Contains(out.String(), want) {
		t.Errorf("keys list shows no expiry on %s: %q", want, out.String())
	}
	if err := keys(ctx, cfg, []string{"revoke", "1"}, &out); err != nil {
		t.Fatal(err)
	}

	for _, args := range [][]string{
		{"create"},
		{"create", "--name", "x", "--role", "EDITOR"},
		{"create", "--name", "x", "--role", "OWNER"},
		{"create", "--name", "x", "--org", "not-an-id", "--role", "EDITOR"},
		{"create", "--name", "x", "--role", "ADMIN", "--expires", "soon"},
		{"revoke", "abc"},
		{"rotate"},
	} {
		if err := keys(ctx, cfg, args, &out); !errors.As(err, &usage) {
			t.Errorf("keys %v: %v, want a usage error", args, err)
		}
	}
}

func TestParseLifetime(t *testing.T) {
	for in, ok := range map[string]bool{"90d": true, "720h": true, "0d": false, "-5h": false, "x": false} {
		if _, err := parseLifetime(in); (err == nil) != ok {
			t.Errorf("parseLifetime(%q) error = %v", in, err)
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	var usage usageError
	if err := run(context.Background(), []string{"frobnicate"}); !errors.As(err, &usage) || exitCode(err) != 2 {
		t.Errorf("unknown command: %v", err)
	}
}

// A scale other than demo or district, or a stray argument, is a usage
// error that touches no database.
func TestSeedCommandUsage(t *testing.T) {
	t.Setenv("TONGXING_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none?sslmode=disable")
	for _, args := range [][]string{{"seed", "--scale", "province"}, {"seed", "district"}, {"seed", "--size", "district"}} {
		var usage usageError
		if err := run(context.Background(), args); !errors.As(err, &usage) || exitCode(err) != 2 {
			t.Errorf("%v: %v", args, err)
		}
	}
}

func TestOpendataBuildCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo district")
	}
	ctx := context.Background()
	cfg := testConfig(t)
	// run reads the environment, as the binary does.
	t.Setenv("TONGXING_DATABASE_URL", cfg.DatabaseURL)
	if err := run(ctx, []string{"seed"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var out bytes.Buffer
	now := func() time.Time { return time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC) }
	if err := runOpendata(ctx, cfg, []string{"build", "--out", dir}, &out, now); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "2026-11-29") {
		t.Errorf("build printed %q", out.String())
	}
	out.Reset()
	if err := runOpendata(ctx, cfg, []string{"list", "--out", dir}, &out, now); err != nil || !strings.Contains(out.String(), "2026-11-29") {
		t.Errorf("list: %q, %v", out.String(), err)
	}
}

// TestKeysCaseWork: a case permission goes only on an EDITOR key of an
// organisation, held by a current member of it.
func TestKeysCaseWork(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t)
	db, err := openDB(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	sys := policy.SystemContext(ctx, "test")
	district, err := db.Client.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).Save(sys)
	if err != nil {
		t.Fatal(err)
	}
	agency, err := db.Client.Organization.Create().SetName("孝慈社工").SetKind(organization.KindSOCIAL_WORK_AGENCY).SetRegion(district).Save(sys)
	if err != nil {
		t.Fatal(err)
	}
	member, err := db.Client.Person.Create().SetName("社工甲").Save(sys)
	if err != nil {
		t.Fatal(err)
	}
	outsider, err := db.Client.Person.Create().SetName("路人乙").Save(sys)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Client.Membership.Create().SetPerson(member).SetOrganization(agency).SetRole(membership.RoleSOCIAL_WORKER).
		SetJoinedOn(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)).Exec(sys); err != nil {
		t.Fatal(err)
	}
	db.Close()
	org, holder, stranger := gid.Encode(agency.ID), gid.Encode(member.ID), gid.Encode(outsider.ID)
	var out bytes.Buffer
	var usage usageError
	for _, args := range [][]string{
		{"create", "--name", "x", "--role", "EDITOR", "--org", org, "--casework", "WORKER"},                       // no holder
		{"create", "--name", "x", "--role", "REVIEWER", "--org", org, "--holder", holder, "--casework", "WORKER"}, // not EDITOR
		{"create", "--name", "x", "--role", "EDITOR", "--org", org, "--holder", stranger, "--casework", "SUPERVISOR"},
		{"create", "--name", "x", "--role", "EDITOR", "--org", org, "--holder", holder, "--casework", "BOSS"},
		{"create", "--name", "x", "--role", "ADMIN", "--holder", holder},
	} {
		if err := keys(ctx, cfg, args, &out); !errors.As(err, &usage) {
			t.Errorf("keys %v: %v, want a usage error", args, err)
		}
	}
	out.Reset()
	if err := keys(ctx, cfg, []string{"create", "--name", "督导", "--role", "EDITOR", "--org", org, "--holder", holder, "--casework", "supervisor"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "tx_") {
		t.Errorf("keys create printed %q", out.String())
	}
}

// migrate status and up on PostgreSQL: pending before, current after,
// and a database a newer release migrated is refused with a message that
// says so.
func TestMigrateCommand(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t)
	cfg.DatabaseURL = dbtest.PostgresURL(t)
	var out bytes.Buffer
	if err := migrateCommand(ctx, cfg, []string{"status"}, &out); err != nil || !strings.Contains(out.String(), "current   none") || !strings.Contains(out.String(), "pending") {
		t.Fatalf("status on an empty database: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := migrateCommand(ctx, cfg, nil, &out); err != nil || !strings.Contains(out.String(), "schema is up to date") || strings.Contains(out.String(), "pending") {
		t.Fatalf("up: %v\n%s", err, out.String())
	}
	db, err := database.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.SQL.Exec(`INSERT INTO ` + database.RevisionTable + ` (version, description, type, applied, total, executed_at, execution_time, hash, operator_version)
		VALUES ('99991231000000', 'future', 2, 1, 1, now(), 0, '', 'tongxing')`); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"status", "up"} {
		if err := migrateCommand(ctx, cfg, []string{sub}, &out); !errors.Is(err, database.ErrSchemaNewer) {
			t.Errorf("migrate %s on a newer schema: %v", sub, err)
		}
	}
	// The server refuses to start on it too.
	cfg.Addr = "127.0.0.1:0"
	cfg.DemoData = false
	cfg.SecretKey = []byte(strings.Repeat("s", 32))
	cfg.CaseKey = []byte(strings.Repeat("c", 32))
	if err := server.Run(ctx, cfg, io.Discard); !errors.Is(err, database.ErrSchemaNewer) {
		t.Errorf("serve on a newer schema: %v", err)
	}
	var usage usageError
	if err := migrateCommand(ctx, cfg, []string{"down"}, &out); !errors.As(err, &usage) {
		t.Errorf("migrate down: %v", err)
	}
}
