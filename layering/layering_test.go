// Package layering holds the check that keeps the project's imports
// pointing one way (docs/architecture.md, "Layers"): from the command
// through the server, the GraphQL layer and the domain packages down to the
// generated data layer and the leaf helpers, never back up.
package layering

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/tongxing/tongxing/"

// unit is the part of the tree a package belongs to for layering: its
// top-level folder, except that the ent schema (the generator's input) and
// the generated packages that wire it into a client (runtime, enttest) form
// their own unit above the generated client: the schema names the row
// rules (package policy), and the rules use the generated client.
func unit(rel string) string {
	rel = filepath.ToSlash(rel)
	if rel == "ent/schema" || strings.HasPrefix(rel, "ent/schema/") || rel == "ent/runtime" || rel == "ent/enttest" {
		return "ent/schema"
	}
	top, _, _ := strings.Cut(rel, "/")
	return top
}

// imports maps each unit to the units its non-test Go files import.
func imports(t *testing.T, root string) map[string]map[string]bool {
	t.Helper()
	deps := map[string]map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.HasPrefix(string(src), "//go:build ignore") {
			return nil // generator entry points run by go generate (ent/entc.go)
		}
		f, err := parser.ParseFile(fset, path, src, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		from := unit(rel)
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if !strings.HasPrefix(p, module) {
				continue
			}
			to := unit(strings.TrimPrefix(p, module))
			if to == from {
				continue
			}
			if deps[from] == nil {
				deps[from] = map[string]bool{}
			}
			deps[from][to] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return deps
}

// TestImportsPointOneWay fails when two units import each other, directly
// or through others: a cycle means a shared piece sits too high, or a
// low package reaches up for something it should be handed.
func TestImportsPointOneWay(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("not at the module root: %v", err)
	}
	deps := imports(t, root)
	if len(deps) < 10 {
		t.Fatalf("only %d units import others: the walk is broken", len(deps))
	}
	for _, cycle := range cycles(deps) {
		t.Errorf("imports run in a circle: %s (docs/architecture.md, \"Layers\")", strings.Join(cycle, " → "))
	}
}

// cycles returns one cycle through each strongly connected group of
// units, found by depth-first search from every unit in name order.
func cycles(deps map[string]map[string]bool) [][]string {
	var names []string
	for n := range deps {
		names = append(names, n)
	}
	sort.Strings(names)
	var out [][]string
	reported := map[string]bool{}
	for _, start := range names {
		if reported[start] {
			continue
		}
		if path := findPath(deps, start, start, map[string]bool{}); path != nil {
			for _, n := range path {
				reported[n] = true
			}
			out = append(out, append([]string{start}, path...))
		}
	}
	return out
}

// findPath is a path of imports from 'from' back to target, or nil.
func findPath(deps map[string]map[string]bool, from, target string, seen map[string]bool) []string {
	var next []string
	for n := range deps[from] {
		next = append(next, n)
	}
	sort.Strings(next)
	for _, n := range next {
		if n == target {
			return []string{n}
		}
		if seen[n] {
			continue
		}
		seen[n] = true
		if p := findPath(deps, n, target, seen); p != nil {
			return append([]string{n}, p...)
		}
	}
	return nil
}

// The check finds a cycle through others as well as a direct pair, and
// nothing in a tree that points one way.
func TestCyclesFound(t *testing.T) {
	deps := map[string]map[string]bool{
		"graph": {"hours": true}, "hours": {"ent": true, "audit": true}, "audit": {"graph": true},
		"ent": {"gid": true}, "server": {"graph": true},
	}
	got := cycles(deps)
	if len(got) != 1 || strings.Join(got[0], " → ") != "audit → graph → hours → audit" {
		t.Errorf("cycles = %v", got)
	}
	delete(deps["audit"], "graph")
	if got := cycles(deps); len(got) != 0 {
		t.Errorf("cycles in a one-way tree: %v", got)
	}
}
