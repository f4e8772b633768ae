package database_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/policy"
)

func TestOpenAndMigrate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := policy.SystemContext(context.Background(), "test")
		r, err := db.Client.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).Save(ctx)
		if err != nil {
			t.Fatalf("create region: %v", err)
		}
		if r.ID>>32 == 0 {
			t.Errorf("region id %d is not in its global-id range", r.ID)
		}
		if err := db.Ping(ctx); err != nil {
			t.Errorf("ping: %v", err)
		}
	})
}

func TestOpenUnreachable(t *testing.T) {
	_, err := database.Open(context.Background(), "postgres://nobody:secret@127.0.0.1:1/x?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("expected an error for an unreachable server")
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error leaks the password: %v", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error is not one line: %q", err)
	}
}
