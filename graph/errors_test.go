package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"entgo.io/contrib/entgql"
	"github.com/lib/pq"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/privacy"
)

func TestPresentError(t *testing.T) {
	present := presentError(slog.New(slog.DiscardHandler))
	anon := context.Background()
	keyed := auth.NewContext(anon, &auth.Viewer{KeyID: 1, Name: "k"})
	expired, cancel := context.WithCancel(anon)
	cancel()
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
		// Smaller doors (docs/security.md): none of these may carry its text.
		{"node not found from entgql, with the database id", anon, entgql.ErrNodeNotFound(25769809999), apierror.NotFound, ""},
		{"node not found inside a multierror", anon, fmt.Errorf("%w", entgql.ErrNodeNotFound(25769809999)), apierror.NotFound, ""},
		{"statement timeout", anon, fmt.Errorf("ent: query: %w", &pq.Error{Code: "57014", Message: "canceling statement due to statement timeout", InternalQuery: "SELECT secret FROM people"}), apierror.QueryTooComplex, ""},
		{"statement cancelled at the request deadline", expired, &pq.Error{Code: "57014", Message: "canceling statement due to user request"}, apierror.Internal, ""},
		{"empty nested filter reaching ent", anon, fmt.Errorf("%w: field 'not'", ent.ErrEmptyOrganizationWhereInput), apierror.BadUserInput, ""},
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
		for _, leak := range []string{"pq:", "constraint", "ent:", "duplicate key", "25769809999", "Could not", "canceling", "SELECT", "empty predicate", "WhereInput"} {
			if strings.Contains(out.Message, leak) {
				t.Errorf("%s: message leaks %q: %s", tt.name, leak, out.Message)
			}
		}
	}
}

// Validation errors carry no suggestions of field names.
func TestNoSuggestions(t *testing.T) {
	errs := gqlerror.List{&gqlerror.Error{Message: `Field "nameX" is not defined by type "RegionWhereInput". Did you mean "name" or "nameGT"?`,
		Extensions: map[string]any{"code": "GRAPHQL_VALIDATION_FAILED"}}}
	normalizeCodes(errs)
	if got, want := errs[0].Message, `Field "nameX" is not defined by type "RegionWhereInput".`; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}
