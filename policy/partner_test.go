package policy_test

import (
	"context"
	"testing"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/policy"
)

// PartnerBase: which practice bases a caller reads, one at a time.
func TestPartnerBase(t *testing.T) {
	const own, another = 7, 8
	partner := &auth.Viewer{KeyID: 1, Role: auth.RolePartner, OrganizationID: own, Scope: []int{own}}
	admin := &auth.Viewer{Role: auth.RoleAdmin}
	const notFound = "NOT_FOUND"
	for _, tc := range []struct {
		name                  string
		v                     *auth.Viewer
		requested, university int
		want                  any // nil, an auth error or notFound
	}{
		{"anonymous callers are asked for a key", nil, 0, own, auth.ErrUnauthenticated},
		{"a partner reads its own university's base", partner, 0, own, nil},
		{"… also when it names its university", partner, own, own, nil},
		{"a partner's base under another university's name is not found", partner, another, own, notFound},
		{"another university's base is not found to a partner", partner, 0, another, notFound},
		{"… nor when the partner names that university", partner, another, another, notFound},
		{"ADMIN reads any university's base", admin, 0, another, nil},
		{"ADMIN reads a base under its university's name", admin, another, another, nil},
		{"a base under another university's name is not found to ADMIN", admin, own, another, notFound},
		{"a partner key without a university reads none", &auth.Viewer{KeyID: 2, Role: auth.RolePartner}, 0, own, auth.ErrForbidden},
		{"an editor of the university reads no base",
			&auth.Viewer{Role: auth.RoleEditor, OrganizationID: own, Scope: []int{own}}, 0, own, auth.ErrForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.v != nil {
				ctx = auth.NewContext(ctx, tc.v)
			}
			err := policy.PartnerBase(ctx, tc.requested, tc.university)
			switch tc.want {
			case nil:
				if err != nil {
					t.Fatalf("PartnerBase(%d, %d) = %v; want nil", tc.requested, tc.university, err)
				}
			case notFound:
				if !ent.IsNotFound(err) {
					t.Fatalf("PartnerBase(%d, %d) = %v; want NOT_FOUND", tc.requested, tc.university, err)
				}
			default:
				if err != tc.want {
					t.Fatalf("PartnerBase(%d, %d) = %v; want %v", tc.requested, tc.university, err, tc.want)
				}
			}
		})
	}
}
