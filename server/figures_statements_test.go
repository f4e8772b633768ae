package server_test

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/server"
)

// aggregateCounter counts the statements that read the data's fingerprint
// (a count and newest updated_at of service_records, one of fourteen).
type aggregateCounter struct {
	dialect.Driver
	n atomic.Int64
}

func (d *aggregateCounter) Query(ctx context.Context, query string, args, v any) error {
	if strings.Contains(query, "MAX(") && (strings.Contains(query, `FROM "service_records"`) || strings.Contains(query, "FROM `service_records`")) {
		d.n.Add(1)
	}
	return d.Driver.Query(ctx, query, args, v)
}

// Protected outcome values on one page share one look at the data: a page
// of 50 organisations → 10 projects → 10 outcomes asked the fingerprint's
// fourteen aggregates again for every value (7,406 statements, 3 s on the
// demo district on PostgreSQL).
func TestProtectedFiguresReadTheDataOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo district")
	}
	db := dbtest.OpenSQLite(t)
	demoAPI(t, db) // seeds
	drv := &aggregateCounter{Driver: entsql.OpenDB(db.Dialect, db.SQL)}
	cfg, _ := server.LoadConfig(func(k string) string {
		if k == "TONGXING_MAX_COMPLEXITY" {
			return "50000"
		}
		return ""
	})
	cfg.SecretKey = testSecret
	counted := &api{t: t, db: db, h: server.New(cfg, &database.DB{Client: ent.NewClient(ent.Driver(drv)), SQL: db.SQL, Dialect: db.Dialect}, slog.New(slog.DiscardHandler)).Handler()}
	r := counted.post("", `{ organizations(first: 50) { edges { node { projects(first: 10) { edges { node { outcomes(first: 10) { edges { node { actual baseline } } } } } } } } } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatal(r.Raw)
	}
	if values := strings.Count(r.Raw, `"actual"`); values < 20 {
		t.Fatalf("only %d outcomes on the page: %.300s", values, r.Raw)
	}
	if n := drv.n.Load(); n != 1 {
		t.Errorf("the fingerprint was read %d times for one answer", n)
	}
}
