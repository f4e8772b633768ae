package apierror

import (
	"fmt"
	"testing"
)

func TestFields(t *testing.T) {
	f := NewFields("input")
	if f.Err() != nil {
		t.Fatal("empty Fields must give nil")
	}
	f.Check(true, "name", "never")
	f.Check(false, "name", "名称不能为空 (name must not be blank)")
	if _, ok := As(f.Err()); !ok || !f.Has("name") {
		t.Fatalf("one error: %v", f.Err())
	}
	f.Add("records.2.minutes", "out of range")
	l, ok := As(fmt.Errorf("wrapped: %w", f.Err()))
	if !ok || len(l) != 2 || l[1].Field != "input.records.2.minutes" || l[1].Code != BadUserInput {
		t.Fatalf("As = %v, %v", l, ok)
	}
}
