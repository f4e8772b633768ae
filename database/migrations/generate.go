//go:build ignore

// Command generate writes the next versioned PostgreSQL migration of
// database/migrations from the ent schema: the difference between what the
// files already there build and what ent/schema describes. It needs an
// empty PostgreSQL database to replay the files on (Atlas's dev database):
//
//	TONGXING_DEV_DATABASE_URL='postgres://postgres@127.0.0.1:5432/tongxing_dev?sslmode=disable' \
//	  go run -mod=mod ./database/migrations/generate.go add_service_points
//
// database.TestMigrationFilesMatchSchema fails while a change to ent/schema
// has no migration here (docs/operations.md, "Migrations").
package main

import (
	"context"
	"log"
	"os"

	atlas "ariga.io/atlas/sql/migrate"
	_ "github.com/lib/pq"

	"github.com/tongxing/tongxing/database"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: go run -mod=mod ./database/migrations/generate.go NAME")
	}
	url := os.Getenv("TONGXING_DEV_DATABASE_URL")
	if url == "" {
		log.Fatal("set TONGXING_DEV_DATABASE_URL to an empty PostgreSQL database")
	}
	dir, err := atlas.NewLocalDir("database/migrations")
	if err != nil {
		log.Fatal(err)
	}
	if err := database.DiffMigrations(context.Background(), url, dir, os.Args[1]); err != nil {
		log.Fatal(err)
	}
}
