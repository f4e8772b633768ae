package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tongxing/tongxing/database"
)

const createOrganization = `mutation($in: CreateOrganizationInput!) { createOrganization(input: $in) { id } }`

// reads are the queries of the mixed load: a nested public read, a list,
// and people with personal fields (ADMIN).
var reads = []string{
	`{ organizations(first: 20) { totalCount edges { node { name region { name } projects(first: 5) { totalCount edges { node { name stage } } } } } } }`,
	`{ regions(first: 20, orderBy: {field: CODE}) { totalCount edges { node { code name level } } } }`,
	`{ people(first: 20) { totalCount edges { node { volunteerNumber name phone } } } }`,
}

// load drives a server with workers until stop closes, each sending a
// write (an organisation with a unique name) in writeShare of its requests
// and a read otherwise. The server is asked for through current, so a
// check may swap it.
type load struct {
	e          *env
	current    func() *server
	prefix     string
	writeShare float64
	timeout    time.Duration

	mu      sync.Mutex
	answers []timedAnswer
	acked   []string
	seq     atomic.Int64
}

type timedAnswer struct {
	at time.Time
	answer
}

func (l *load) run(ctx context.Context, workers int, stop <-chan struct{}) {
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				l.one(ctx)
			}
		}()
	}
	wg.Wait()
}

func (l *load) one(ctx context.Context) {
	s := l.current()
	var a answer
	name := ""
	if rand.Float64() < l.writeShare {
		name = fmt.Sprintf("%s-%06d", l.prefix, l.seq.Add(1))
		a = l.e.graphql(ctx, s, l.timeout, createOrganization, map[string]any{"in": map[string]any{
			"name": name, "kind": "SOCIAL_ORGANIZATION", "regionCode": "330411104", "registrationStatus": "FILED"}})
	} else {
		a = l.e.graphql(ctx, s, l.timeout, reads[rand.IntN(len(reads))], nil)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.answers = append(l.answers, timedAnswer{time.Now(), a})
	if name != "" && a.status == http.StatusOK && a.code == "" {
		if org, ok := a.data["createOrganization"].(map[string]any); ok && org["id"] != nil {
			l.acked = append(l.acked, name)
		}
	}
}

// summary describes answers between from and to.
type summary struct {
	requests, serverErrors, transportErrors int
	codes                                   map[string]int
	p50, p99, max                           time.Duration
}

func (l *load) summarize(from, to time.Time) summary {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := summary{codes: map[string]int{}}
	var took []time.Duration
	for _, a := range l.answers {
		if a.at.Before(from) || a.at.After(to) {
			continue
		}
		s.requests++
		took = append(took, a.took)
		switch {
		case a.err != nil:
			s.transportErrors++
		case a.status >= 500:
			s.serverErrors++
		}
		if a.code != "" {
			s.codes[a.code]++
		}
	}
	slices.Sort(took)
	if n := len(took); n > 0 {
		s.p50, s.p99, s.max = took[n/2], took[min(n-1, n*99/100)], took[n-1]
	}
	return s
}

func (s summary) String() string {
	var codes []string
	for c, n := range s.codes {
		codes = append(codes, fmt.Sprintf("%s×%d", c, n))
	}
	sort.Strings(codes)
	return fmt.Sprintf("%d requests, %d 5xx, %d transport errors, p50 %s, p99 %s, max %s, error codes [%s]",
		s.requests, s.serverErrors, s.transportErrors, s.p50.Round(time.Millisecond), s.p99.Round(time.Millisecond),
		s.max.Round(time.Millisecond), strings.Join(codes, " "))
}

// missing returns the acknowledged names that the database does not hold.
func (l *load) missing(ctx context.Context, dbURL string) ([]string, error) {
	db, err := database.Open(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.SQL.QueryContext(ctx, "SELECT name FROM organizations WHERE name LIKE '"+l.prefix+"-%'")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		have[n] = true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, n := range l.acked {
		if !have[n] {
			out = append(out, n)
		}
	}
	return out, rows.Err()
}

func (l *load) ackedCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acked)
}

// onPostgres starts a private cluster in a directory of its own, with a
// database "tongxing", and a server on it; the caller stops both.
func (e *env) onPostgres(ctx context.Context, name string) (*cluster, *server, error) {
	dir := filepath.Join(e.dir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, err
	}
	pg, err := newCluster(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	if err := pg.createDB(ctx, "tongxing"); err != nil {
		_ = pg.stop(context.Background())
		return nil, nil, err
	}
	s, err := e.startServer(ctx, dir, pg.url("tongxing"), "")
	if err != nil {
		_ = pg.stop(context.Background())
		return nil, nil, err
	}
	return pg, s, nil
}

// mixed: connections workers, a fifth of their requests writes, for
// duration, on a private PostgreSQL cluster.
func mixed(ctx context.Context, e *env, duration time.Duration, connections int) error {
	pg, s, err := e.onPostgres(ctx, "mixed")
	if err != nil {
		return err
	}
	defer pg.stop(context.Background())
	defer s.stop()
	l := &load{e: e, current: func() *server { return s }, prefix: "负载检查", writeShare: 0.2, timeout: 30 * time.Second}
	stop := make(chan struct{})
	start := time.Now()
	time.AfterFunc(duration, func() { close(stop) })
	l.run(ctx, connections, stop)
	end := time.Now()
	sum := l.summarize(start, end)
	fmt.Printf("%d connections for %s: %s; %.0f requests/s; %d writes acknowledged\n",
		connections, duration, sum, float64(sum.requests)/end.Sub(start).Seconds(), l.ackedCount())
	s.stop()
	lost, err := l.missing(ctx, pg.url("tongxing"))
	if err != nil {
		return err
	}
	var errs []error
	if sum.serverErrors > 0 || sum.transportErrors > 0 {
		errs = append(errs, fmt.Errorf("%d 5xx and %d transport errors", sum.serverErrors, sum.transportErrors))
	}
	if len(lost) > 0 {
		errs = append(errs, fmt.Errorf("%d acknowledged writes missing, e.g. %s", len(lost), lost[0]))
	}
	if l.ackedCount() == 0 {
		errs = append(errs, errors.New("no write was acknowledged"))
	}
	fmt.Printf("every acknowledged write present: %v\n", len(lost) == 0)
	return errors.Join(errs...)
}

// pgRestart stops PostgreSQL for outage under a 16-connection load, then
// starts it again.
func pgRestart(ctx context.Context, e *env) error {
	const outage = 8 * time.Second
	pg, s, err := e.onPostgres(ctx, "pg-restart")
	if err != nil {
		return err
	}
	defer pg.stop(context.Background())
	defer s.stop()
	// A request that has not answered in 10 s counts as hanging.
	l := &load{e: e, current: func() *server { return s }, prefix: "重启检查", writeShare: 0.3, timeout: 10 * time.Second}
	stop := make(chan struct{})
	loadDone := make(chan struct{})
	go func() { l.run(ctx, 16, stop); close(loadDone) }()
	time.Sleep(5 * time.Second)

	var errs []error
	down := time.Now()
	if err := pg.stop(ctx); err != nil {
		return err
	}
	stopped := time.Now()
	notReady := waitFor(func() bool { st, _ := e.ready(s); return st == http.StatusServiceUnavailable }, 5*time.Second)
	fmt.Printf("PostgreSQL stopped in %s; /readyz answered 503 after %s\n", stopped.Sub(down).Round(time.Millisecond), notReady.Round(time.Millisecond))
	if notReady < 0 {
		errs = append(errs, errors.New("/readyz did not answer 503 while PostgreSQL was down"))
	}
	time.Sleep(outage)
	if err := pg.start(ctx); err != nil {
		return err
	}
	up := time.Now()
	ready := waitFor(func() bool { st, _ := e.ready(s); return st == http.StatusOK }, 30*time.Second)
	writable := waitFor(func() bool {
		a := e.graphql(ctx, s, 5*time.Second, createOrganization, map[string]any{"in": map[string]any{
			"name": fmt.Sprintf("重启检查-probe-%d", time.Now().UnixNano()), "kind": "SOCIAL_ORGANIZATION", "regionCode": "330411104", "registrationStatus": "FILED"}})
		return a.status == http.StatusOK && a.code == ""
	}, 30*time.Second)
	fmt.Printf("PostgreSQL back: /readyz 200 after %s, first write after %s\n", ready.Round(time.Millisecond), writable.Round(time.Millisecond))
	if writable < 0 || writable > 5*time.Second {
		errs = append(errs, fmt.Errorf("service not back within 5 s of the database (%s)", writable))
	}
	time.Sleep(5 * time.Second)
	close(stop)
	<-loadDone

	during := l.summarize(stopped, up)
	fmt.Printf("while down: %s\n", during)
	if during.transportErrors > 0 {
		errs = append(errs, fmt.Errorf("%d requests hung past 10 s or got no HTTP answer while the database was down", during.transportErrors))
	}
	if uncoded := during.codes["(none)"]; uncoded > 0 {
		errs = append(errs, fmt.Errorf("%d answers without extensions.code", uncoded))
	}
	if during.max > 5*time.Second {
		errs = append(errs, fmt.Errorf("slowest answer while down took %s: not failing fast", during.max))
	}
	fmt.Printf("whole run: %s\n", l.summarize(time.Time{}, time.Now()))
	s.stop()
	lost, err := l.missing(ctx, pg.url("tongxing"))
	if err != nil {
		return err
	}
	fmt.Printf("%d writes acknowledged, %d missing\n", l.ackedCount(), len(lost))
	if len(lost) > 0 {
		errs = append(errs, fmt.Errorf("%d acknowledged writes lost, e.g. %s", len(lost), lost[0]))
	}
	return errors.Join(errs...)
}

// sqliteKill kills the server with SIGKILL while 16 connections write,
// starts it again on the same file, and checks the file.
func sqliteKill(ctx context.Context, e *env) error {
	dir := filepath.Join(e.dir, "sqlite-kill")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	file := filepath.Join(dir, "tongxing.db")
	s, err := e.startServer(ctx, dir, file, "")
	if err != nil {
		return err
	}
	var current atomic.Pointer[server]
	current.Store(s)
	l := &load{e: e, current: current.Load, prefix: "断电检查", writeShare: 1, timeout: 10 * time.Second}
	stop := make(chan struct{})
	loadDone := make(chan struct{})
	go func() { l.run(ctx, 16, stop); close(loadDone) }()
	time.Sleep(4 * time.Second)
	acked := l.ackedCount()
	s.kill()
	killedAt := time.Now()
	close(stop)
	<-loadDone
	fmt.Printf("killed (SIGKILL) with %d writes acknowledged and %d in flight\n", acked, l.ackedCount()-acked)

	s2, err := e.startServer(ctx, dir, file, s.key)
	if err != nil {
		return fmt.Errorf("restart after the kill: %w", err)
	}
	fmt.Printf("serving again %s after the kill\n", time.Since(killedAt).Round(time.Millisecond))
	a := e.graphql(ctx, s2, 10*time.Second, reads[0], nil)
	s2.stop()
	var errs []error
	if a.status != http.StatusOK || a.code != "" {
		errs = append(errs, fmt.Errorf("a read after restart: %d %s", a.status, a.code))
	}
	db, err := database.Open(ctx, file)
	if err != nil {
		return err
	}
	var integrity string
	err = db.SQL.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&integrity)
	db.Close()
	fmt.Printf("PRAGMA integrity_check: %s\n", integrity)
	if err != nil || integrity != "ok" {
		errs = append(errs, fmt.Errorf("integrity_check = %q, %v", integrity, err))
	}
	lost, err := l.missing(ctx, file)
	if err != nil {
		return err
	}
	fmt.Printf("%d writes acknowledged, %d missing\n", l.ackedCount(), len(lost))
	if len(lost) > 0 {
		errs = append(errs, fmt.Errorf("%d acknowledged writes lost, e.g. %s", len(lost), lost[0]))
	}
	if l.ackedCount() == 0 {
		errs = append(errs, errors.New("no write was acknowledged before the kill"))
	}
	return errors.Join(errs...)
}

// waitFor polls ok every 50 ms and returns how long it took to hold, or
// -1 when it did not within limit.
func waitFor(ok func() bool, limit time.Duration) time.Duration {
	start := time.Now()
	for time.Since(start) < limit {
		if ok() {
			return time.Since(start)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return -1
}
