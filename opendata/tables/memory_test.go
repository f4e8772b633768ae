package tables_test

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/opendata/internal/fixture"
)

// peakHeap runs f and returns the largest heap growth seen while it ran,
// sampled every millisecond, with the collector made eager (GOGC=10) so
// the heap stays close to what is live.
func peakHeap(f func()) uint64 {
	old := debug.SetGCPercent(10)
	defer debug.SetGCPercent(old)
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := read()
	var peak uint64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if v := read(); v > peak {
				peak = v
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	if peak < base {
		return 0
	}
	return peak - base
}

// checkMemory shows that the builder's memory does not follow the number
// of service records: it measures the peak heap of a build on the demo
// district, then removes four records in five and measures again. Were the
// records held, the difference would be what holding the removed records
// costs — measured here by loading them — and it is far smaller.
func checkMemory(t *testing.T, db *database.DB) {
	c := db.Client
	full := peakHeap(func() { build(t, c) })
	n := c.ServiceRecord.Query().CountX(fixture.Context())

	// What holding every record would cost, for scale.
	var held []*ent.ServiceRecord
	loaded := peakHeap(func() { held = c.ServiceRecord.Query().AllX(fixture.Context()) })
	runtime.KeepAlive(held)
	held = nil

	if _, err := db.SQL.Exec("DELETE FROM service_records WHERE id % 5 <> 0"); err != nil {
		t.Fatal(err)
	}
	m := c.ServiceRecord.Query().CountX(fixture.Context())
	fifth := peakHeap(func() { build(t, c) })
	removedCost := loaded * uint64(n-m) / uint64(n)
	t.Logf("peak heap growth: %.1f MB with %d records, %.1f MB with %d; holding the %d removed records would take %.1f MB",
		mb(full), n, mb(fifth), m, n-m, mb(removedCost))
	growth := int64(full) - int64(fifth)
	if growth > int64(removedCost)/4 {
		t.Errorf("5× the records grew the build's peak heap by %.1f MB, more than a quarter of what holding them takes (%.1f MB)",
			float64(growth)/(1<<20), mb(removedCost))
	}
}

func mb(n uint64) float64 { return float64(n) / (1 << 20) }
