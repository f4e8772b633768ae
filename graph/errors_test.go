package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/privacy"
)

func TestPresentError(t *testing.T) {
	present := presentError(slog.New(slog.DiscardHandler))
	anon := context.Background()
	keyed := auth.NewContext(anon, &auth.Viewer{KeyID: 1, Name: "k"})
	tests := []struct {
		name  string
		ctx   context.Context
		err   error
		code  apierror.Code
		field string
	}{
		{"client error", anon, apierror.Invalid("input.name", "不能为空"), apierror.BadUserInput, "input.name"},
		{"list of client errors", anon, apierror.List{apierror.Invalid("input.a", "x"), apierror.Invalid("input.b", "y")}, apierror.BadUserInput, "input.a"},
		{"privacy deny, anonymous", anon, fmt.Errorf("%w: %w", privacy.Deny, auth.ErrUnauthenticated), apierror.Unauthenticated, ""},
		{"privacy deny, with key", keyed, privacy.Denyf("no"), apierror.Forbidden, ""},
		{"ent not found", anon, &ent.NotFoundError{}, apierror.NotFound, ""},
		{"constraint", anon, &ent.ConstraintError{}, apierror.Conflict, ""},
		{"anything else", anon, errors.New(`pq: duplicate key value violates unique constraint "organizations_credit_code_key"`), apierror.Internal, ""},
	}
	for _, tt := range tests {
		out := present(tt.ctx, tt.err)
		if out.Extensions["code"] != string(tt.code) {
			t.Errorf("%s: code = %v, want %s", tt.name, out.Extensions["code"], tt.code)
		}
		if f, _ := out.Extensions["field"].(string); f != tt.field {
			t.Errorf("%s: field = %q, want %q", tt.name, f, tt.field)
		}
		for _, leak := range []string{"pq:", "constraint", "ent:", "duplicate key"} {
			if strings.Contains(out.Message, leak) {
				t.Errorf("%s: message leaks %q: %s", tt.name, leak, out.Message)
			}
		}
	}
}
