// Package policy holds the row rules every ent query and mutation passes
// through (ent privacy). Authorization lives here and nowhere else: resolvers
// do not check roles themselves.
package policy

import (
	"context"
	"fmt"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/privacy"
)

// SystemContext marks ctx as an in-process system caller (seeder, CLI,
// open-data builder): every rule allows it, and audit events name it.
func SystemContext(ctx context.Context, name string) context.Context {
	ctx = auth.NewContext(ctx, &auth.Viewer{Name: name, System: true, Role: auth.RoleAdmin})
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// denyAnonymous is the decision for a caller without a key.
func denyAnonymous(ctx context.Context) error {
	if auth.FromContext(ctx) == nil {
		return fmt.Errorf("%w: %w", privacy.Deny, auth.ErrUnauthenticated)
	}
	return privacy.Skip
}

// DenyAnonymousMutation refuses every write without a key: there are no
// anonymous writes, ever.
func DenyAnonymousMutation() privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, _ ent.Mutation) error {
		return denyAnonymous(ctx)
	})
}

// DenyAnonymousQuery refuses reads of restricted entities (people, their
// memberships and service records, keys, audit events) without a key.
func DenyAnonymousQuery() privacy.QueryRule {
	return privacy.QueryRuleFunc(func(ctx context.Context, _ ent.Query) error {
		return denyAnonymous(ctx)
	})
}
