// Command partnersync is the nightly job of a partner university: it keeps
// a local SQLite copy of the university's practice-base data (practice
// bases, activities, its consenting students' verified service records
// under pseudonyms) in step with a Tongxing server, then checks the local
// totals against the server's.
//
//	TONGXING_URL=https://tongxing.example.org TONGXING_KEY=tx_… go run ./examples/partnersync [-db partner.db]
//
// Each run continues from the cursor saved in the database; a run that is
// interrupted resumes where it stopped on the next start. See
// docs/partners.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/tongxing/tongxing/examples/partnersync/syncer"
)

func main() {
	path := flag.String("db", "partner.db", "local SQLite file")
	full := flag.Bool("full", false, "forget the local copy and pull everything again")
	verify := flag.Bool("verify", true, "compare local totals with the server's after syncing")
	flag.Parse()
	url, key := os.Getenv("TONGXING_URL"), os.Getenv("TONGXING_KEY")
	if url == "" || key == "" {
		log.Fatal("set TONGXING_URL (e.g. https://tongxing.example.org) and TONGXING_KEY (a PARTNER key)")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	db, err := syncer.OpenDB(*path)
	if err != nil {
		log.Fatalf("open %s: %v", *path, err)
	}
	defer db.Close()
	s := &syncer.Syncer{URL: url, Key: key, DB: db, HTTP: &http.Client{Timeout: 60 * time.Second}}
	if *full {
		if err := s.Reset(ctx); err != nil {
			log.Fatal(err)
		}
	}
	res, err := s.Run(ctx)
	if err != nil {
		log.Fatalf("sync stopped after %d pages (%d events); run again to resume: %v", res.Pages, res.Events, err)
	}
	fmt.Printf("synced: %d events (%d upserts, %d deletes) in %d pages\n", res.Events, res.Upserts, res.Deletes, res.Pages)
	if !*verify {
		return
	}
	diffs, err := s.Verify(ctx)
	if err != nil {
		log.Fatalf("verify: %v", err)
	}
	if len(diffs) > 0 {
		// Writes that landed while syncing show up here until the next
		// run; a difference that persists means the copy drifted: run
		// with -full.
		for _, d := range diffs {
			fmt.Println("differs:", d)
		}
		os.Exit(2)
	}
	fmt.Println("local totals equal the server's")
}
