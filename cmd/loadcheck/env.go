package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// env holds what every check uses: a scratch directory, the server binary
// built from this checkout, and an HTTP client for loopback.
type env struct {
	dir    string
	bin    string
	secret string
	client *http.Client
}

func newEnv(ctx context.Context) (*env, error) {
	dir, err := os.MkdirTemp("", "loadcheck-")
	if err != nil {
		return nil, err
	}
	// The private cluster runs as another user, who must reach its directory.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	e := &env{dir: dir, bin: filepath.Join(dir, "tongxing")}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	e.secret = base64.StdEncoding.EncodeToString(b)
	fmt.Println("building the server …")
	build := exec.CommandContext(ctx, "go", "build", "-o", e.bin, "./cmd/tongxing")
	if out, err := build.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("go build (run from the repository root): %v\n%s", err, out)
	}
	e.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}
	return e, nil
}

func (e *env) close() { _ = os.RemoveAll(e.dir) }

// server is one running Tongxing process.
type server struct {
	cmd  *exec.Cmd
	addr string
	key  string
	log  *bytes.Buffer
	done chan struct{} // closed when the process has exited
	exit error
}

// startServer runs the binary with dbURL in workDir (its SQLite file and
// open-data directory live there), after issuing an ADMIN key with the
// CLI, and waits until /readyz answers 200.
func (e *env) startServer(ctx context.Context, workDir, dbURL, key string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	environ := append(os.Environ(),
		"TONGXING_ADDR="+addr,
		"TONGXING_DATABASE_URL="+dbURL,
		"TONGXING_SECRET_KEY="+e.secret,
		"TONGXING_DEMO_DATA=true",
		"TONGXING_RATE_LIMIT_ANON=0",
		"TONGXING_RATE_LIMIT_KEY=0",
		"TONGXING_OPENDATA_INTERVAL=0",
		"TONGXING_OPENDATA_DIR="+filepath.Join(workDir, "opendata"),
		"TONGXING_LOG_LEVEL=warn",
	)
	if key == "" {
		issue := exec.CommandContext(ctx, e.bin, "keys", "create", "--name", "loadcheck", "--role", "ADMIN", "--expires", "1d")
		issue.Dir, issue.Env = workDir, environ
		out, err := issue.Output()
		if err != nil {
			return nil, fmt.Errorf("keys create: %w", err)
		}
		key = strings.TrimSpace(string(out))
	}
	s := &server{addr: addr, key: key, log: &bytes.Buffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(e.bin)
	s.cmd.Dir, s.cmd.Env = workDir, environ
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { s.exit = s.cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		select {
		case <-s.done:
			return nil, fmt.Errorf("the server exited (%v): %s", s.exit, s.log.String())
		default:
		}
		if status, _ := e.ready(s); status == http.StatusOK {
			return s, nil
		}
		if time.Now().After(deadline) {
			s.kill()
			return nil, fmt.Errorf("not ready after 3 minutes: %s", s.log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop ends the server gracefully (SIGTERM), or kills it after 30 s; it
// may be called again.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.kill()
	}
}

func (s *server) kill() {
	_ = s.cmd.Process.Kill()
	<-s.done
}

// ready is /readyz's status.
func (e *env) ready(s *server) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.addr+"/readyz", nil)
	rsp, err := e.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer rsp.Body.Close()
	_, _ = io.Copy(io.Discard, rsp.Body)
	return rsp.StatusCode, nil
}

// answer is one GraphQL exchange as the checks see it.
type answer struct {
	status int
	code   string // extensions.code of the first error
	data   map[string]any
	took   time.Duration
	err    error // transport error (no HTTP answer)
}

func (e *env) graphql(ctx context.Context, s *server, timeout time.Duration, query string, vars map[string]any) answer {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+s.addr+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.key)
	start := time.Now()
	rsp, err := e.client.Do(req)
	if err != nil {
		return answer{err: err, took: time.Since(start)}
	}
	defer rsp.Body.Close()
	raw, err := io.ReadAll(rsp.Body)
	a := answer{status: rsp.StatusCode, took: time.Since(start), err: err}
	var out struct {
		Data   map[string]any `json:"data"`
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if json.Unmarshal(raw, &out) == nil {
		a.data = out.Data
		if len(out.Errors) > 0 {
			a.code, _ = out.Errors[0].Extensions["code"].(string)
			if a.code == "" {
				a.code = "(none)"
			}
		}
	} else if a.err == nil {
		a.err = fmt.Errorf("answer is not JSON: %.100s", raw)
	}
	return a
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// cluster is a private PostgreSQL cluster.
type cluster struct {
	bin, data, socket string
	port              int
	cred              *syscall.Credential
}

// newCluster creates a cluster with Debian's (or PATH's) initdb on a free
// port, listening on 127.0.0.1 only, trust authentication for local use.
func newCluster(ctx context.Context, dir string) (*cluster, error) {
	bin, err := postgresBin()
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	_, portText, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portText)
	c := &cluster{bin: bin, data: filepath.Join(dir, "pgdata"), socket: dir, port: port}
	if os.Geteuid() == 0 {
		// initdb and postgres refuse to run as root.
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root needs the user postgres for the private cluster: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
	}
	if err := c.run(ctx, "initdb", "-D", c.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"); err != nil {
		return nil, err
	}
	return c, c.start(ctx)
}

// postgresBin is the directory of the server programs: Debian's, else
// wherever PATH finds pg_ctl.
func postgresBin() (string, error) {
	if matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl"); len(matches) > 0 {
		return filepath.Dir(matches[len(matches)-1]), nil
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("no PostgreSQL server programs (pg_ctl): apt-get install postgresql")
}

func (c *cluster) run(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	cmd.Dir = c.socket
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v: %s", name, err, out)
	}
	return nil
}

func (c *cluster) start(ctx context.Context) error {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on", c.port, c.socket)
	return c.run(ctx, "pg_ctl", "-D", c.data, "-o", opts, "-l", filepath.Join(c.socket, "postgres.log"), "-w", "-t", "60", "start")
}

func (c *cluster) stop(ctx context.Context) error {
	return c.run(ctx, "pg_ctl", "-D", c.data, "-m", "fast", "-w", "-t", "60", "stop")
}

// url is the cluster's database db.
func (c *cluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

func (c *cluster) createDB(ctx context.Context, name string) error {
	return c.run(ctx, "createdb", "-h", "127.0.0.1", "-p", strconv.Itoa(c.port), "-U", "postgres", name)
}
