package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/tongxing/tongxing/database/dbtest"
)

// imageStage is what the Dockerfile's final stage promises the binary at
// run time.
type imageStage struct {
	uid, gid    int
	workdir     string
	dataDir     string // the directory COPY --chown gives the runtime user
	env         []string
	healthcheck []string
	entrypoint  []string
}

// readImageStage parses the final stage of the Dockerfile.
func readImageStage(t *testing.T) imageStage {
	t.Helper()
	f, err := os.Open("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var st imageStage
	exec := func(s string) []string {
		var list []string
		if err := json.Unmarshal([]byte(s), &list); err != nil {
			t.Fatalf("Dockerfile: %q is not an exec-form list: %v", s, err)
		}
		return list
	}
	chown := regexp.MustCompile(`^COPY --from=\S+ --chown=(\d+):(\d+) \S+ (/\S+)$`)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		word, rest, _ := strings.Cut(line, " ")
		switch word {
		case "FROM":
			st = imageStage{} // only the last stage runs
		case "WORKDIR":
			st.workdir = rest
		case "ENV":
			st.env = append(st.env, rest)
		case "USER":
			u, g, _ := strings.Cut(rest, ":")
			if st.uid, err = strconv.Atoi(u); err != nil {
				t.Fatalf("Dockerfile: USER %s is not numeric", rest)
			}
			st.gid, _ = strconv.Atoi(g)
		case "COPY":
			if m := chown.FindStringSubmatch(line); m != nil {
				st.dataDir = m[3]
			}
		case "HEALTHCHECK":
			_, cmd, _ := strings.Cut(rest, " CMD ")
			st.healthcheck = exec(cmd)
		case "ENTRYPOINT":
			st.entrypoint = exec(rest)
		}
	}
	if st.uid == 0 || st.dataDir == "" || st.workdir != st.dataDir || len(st.healthcheck) == 0 || len(st.entrypoint) == 0 {
		t.Fatalf("Dockerfile's final stage: %+v (want a non-root USER, a data directory given to it, WORKDIR there, HEALTHCHECK and ENTRYPOINT)", st)
	}
	return st
}

// The image's runtime contract without a container engine: the binary,
// built as the Dockerfile builds it, runs chrooted into a directory laid
// out as the image lays it out (the binary, /tmp, /etc/passwd and the data
// directory given to the runtime user), as that user, in its working
// directory, with the image's environment — alone (embedded SQLite, the
// demo), and with the environment docker-compose resolves from
// .env.example (PostgreSQL). It must start, answer its health check, and
// write its secrets, database and open-data releases. Both failures that
// new users met — a data directory owned by root, and a compose file
// without TONGXING_SECRET_KEY — fail here.
func TestImageRuntimeContract(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("image runtime contract skipped: it needs root to chroot and to run the binary as the image's user")
	}
	if testing.Short() {
		t.Skip("image runtime contract skipped in -short mode (it builds the binary)")
	}
	st := readImageStage(t)
	root := newImageRoot(t, st)

	t.Run("embedded", func(t *testing.T) {
		dataDir := filepath.Join(root, st.dataDir)
		env := append(append([]string{}, st.env...), "TONGXING_OPENDATA_INTERVAL=0")
		runImage(t, root, st, env)
		waitForRelease(t, filepath.Join(dataDir, "tongxing-opendata"), st.uid)
		for _, name := range []string{"tongxing.db", "tongxing.secret", "tongxing-case.secret", "tongxing-opendata"} {
			checkOwned(t, filepath.Join(dataDir, name), st.uid)
		}
	})

	t.Run("compose", func(t *testing.T) {
		env := composeEnvironment(t)
		pg, err := url.Parse(dbtest.PostgresURL(t))
		if err != nil {
			t.Fatal(err)
		}
		// The compose file's database, with the test's scratch one in place
		// of the db service (same user and password given by the file).
		composed, err := url.Parse(env["TONGXING_DATABASE_URL"])
		if err != nil || composed.Host != "db:5432" {
			t.Fatalf("compose TONGXING_DATABASE_URL = %q", env["TONGXING_DATABASE_URL"])
		}
		env["TONGXING_DATABASE_URL"] = pg.String()
		env["TONGXING_OPENDATA_INTERVAL"] = "0"
		if env["TONGXING_METRICS_ADDR"] == "" {
			t.Error("compose serves no metrics (TONGXING_METRICS_ADDR)")
		}
		metricsAddr := freeAddr(t) // compose's :9090 may be taken here
		env["TONGXING_METRICS_ADDR"] = metricsAddr
		list := append([]string{}, st.env...)
		for k, v := range env {
			list = append(list, k+"="+v)
		}
		runImage(t, root, st, list)
		if rsp, err := http.Get("http://" + metricsAddr + "/metrics"); err != nil || rsp.StatusCode != http.StatusOK {
			t.Errorf("metrics: %v %v", rsp, err)
		} else {
			rsp.Body.Close()
		}
		dir := env["TONGXING_OPENDATA_DIR"]
		if !strings.HasPrefix(dir, st.dataDir+"/") {
			t.Fatalf("compose TONGXING_OPENDATA_DIR %q is outside the image's data directory %s", dir, st.dataDir)
		}
		waitForRelease(t, filepath.Join(root, dir), st.uid)
	})
}

// newImageRoot lays out the image: the static binary, /tmp, /etc/passwd
// and the data directory owned by the runtime user.
func newImageRoot(t *testing.T, st imageStage) string {
	root := t.TempDir()
	bin := filepath.Join(root, st.entrypoint[0])
	build := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, dir := range []string{"tmp", "etc", st.dataDir} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	_ = os.Chmod(filepath.Join(root, "tmp"), 0o1777|os.ModeSticky)
	passwd := fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%d:%d:nonroot:/home/nonroot:/sbin/nologin\n", st.uid, st.gid)
	if err := os.WriteFile(filepath.Join(root, "etc/passwd"), []byte(passwd), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(filepath.Join(root, st.dataDir), st.uid, st.gid); err != nil {
		t.Fatal(err)
	}
	return root
}

// runImage starts the entrypoint in the image root as the image's user,
// waits until /readyz answers, runs the HEALTHCHECK command the same way,
// and stops the server when the test ends.
func runImage(t *testing.T, root string, st imageStage, env []string) {
	t.Helper()
	addr := freeAddr(t)
	env = append(env, "TONGXING_ADDR="+addr) // the image's :8080 may be taken here
	command := func(argv ...string) *exec.Cmd {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = env
		cmd.Dir = st.workdir
		cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root, Credential: &syscall.Credential{Uid: uint32(st.uid), Gid: uint32(st.gid)}}
		return cmd
	}
	server := command(st.entrypoint...)
	var log strings.Builder
	server.Stdout, server.Stderr = &log, &log
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- server.Wait() }()
	t.Cleanup(func() {
		_ = server.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = server.Process.Kill()
		}
	})
	deadline := time.Now().Add(90 * time.Second)
	for {
		select {
		case err := <-exited:
			t.Fatalf("the server exited (%v):\n%s", err, log.String())
		default:
		}
		rsp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			rsp.Body.Close()
			if rsp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready after 90 s:\n%s", log.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	if out, err := command(st.healthcheck...).CombinedOutput(); err != nil {
		t.Errorf("HEALTHCHECK %v: %v\n%s", st.healthcheck, err, out)
	}
}

func waitForRelease(t *testing.T, dir string, uid int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.IsDir() && regexp.MustCompile(`^\d{4}-\d{2}-\d{2}`).MatchString(e.Name()) {
				if _, err := os.Stat(filepath.Join(dir, e.Name(), "datapackage.json")); err == nil {
					checkOwned(t, filepath.Join(dir, e.Name()), uid)
					return
				}
			}
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("no open-data release under %s after 60 s", dir)
}

func checkOwned(t *testing.T, path string, uid int) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != uid {
		t.Errorf("%s belongs to uid %d, want %d", path, st.Uid, uid)
	}
}

// composeEnvironment is the server's environment as docker-compose (from
// Debian's package) resolves it with .env.example, its keys filled in as
// the example says. It also checks that the file refuses to resolve
// without TONGXING_SECRET_KEY, naming it.
func composeEnvironment(t *testing.T) map[string]string {
	t.Helper()
	tool, err := exec.LookPath("docker-compose")
	if err != nil {
		t.Skip("compose check skipped: docker-compose is not installed (apt-get install docker-compose)")
	}
	example, err := os.ReadFile("../../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	resolve := func(envFile string) ([]byte, error) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, tool, "--env-file", envFile, "-f", "docker-compose.yml", "config")
		cmd.Dir = "../.."
		cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
		return cmd.CombinedOutput()
	}
	dir := t.TempDir()
	bare := filepath.Join(dir, "bare.env")
	if err := os.WriteFile(bare, example, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := resolve(bare); err == nil || !strings.Contains(string(out), "TONGXING_SECRET_KEY") {
		t.Errorf("compose resolves without TONGXING_SECRET_KEY (%v):\n%s", err, out)
	}
	key := func() string {
		b := make([]byte, 32)
		for i := range b {
			b[i] = byte(i*7 + 1)
		}
		return base64.StdEncoding.EncodeToString(b)
	}()
	filled := strings.Replace(string(example), "\nTONGXING_SECRET_KEY=\n", "\nTONGXING_SECRET_KEY="+key+"\n", 1)
	if filled == string(example) {
		t.Fatal(".env.example has no empty TONGXING_SECRET_KEY= line to fill in")
	}
	env := filepath.Join(dir, ".env")
	if err := os.WriteFile(env, []byte(filled), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := resolve(env)
	if err != nil {
		t.Fatalf("docker-compose config: %v\n%s", err, out)
	}
	var doc struct {
		Services map[string]struct {
			Environment map[string]string `yaml:"environment"`
			Healthcheck struct {
				Test []string `yaml:"test"`
			} `yaml:"healthcheck"`
			Volumes []string `yaml:"volumes"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("docker-compose config output: %v\n%s", err, out)
	}
	srv, ok := doc.Services["server"]
	if !ok || len(srv.Environment) == 0 {
		t.Fatalf("no server service with an environment:\n%s", out)
	}
	if len(srv.Healthcheck.Test) == 0 {
		t.Errorf("the server service has no healthcheck")
	}
	for _, name := range []string{"db", "server"} {
		if len(doc.Services[name].Volumes) == 0 {
			t.Errorf("service %s keeps nothing in a volume", name)
		}
	}
	return srv.Environment
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
