package policy

import (
	"context"
	"slices"
	"sync/atomic"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/term"
)

// Needs in child-related service domains (托育, 青少年, 助学 …) concern
// children. The open data publishes them district-wide only; through the
// API they are rows that only ADMIN and the editors handling them read.
// Otherwise a public listing, or a filter such as
// needs(where:{hasRegionWith:…, hasDomainWith:…}){ totalCount }, would
// count them per village and day.
//
// The domain codes are configuration (TONGXING_OPENDATA_CHILD_DOMAINS, the
// same setting the open data uses), but ent policies are built once, when
// the generated package initialises, and cannot take arguments. So the
// codes are one explicit process-wide setting: SetChildDomains, called by
// the server at start with the configured codes. Until it is called the
// demo taxonomy's codes apply (DefaultChildDomains, kept equal to
// tables.DefaultChildDomains by a test), so a program that forgets the call
// hides too much rather than too little.

// DefaultChildDomains are the child-related service-domain codes used until
// SetChildDomains is called.
var DefaultChildDomains = []string{"childcare", "youth", "education-aid"}

var childDomains atomic.Pointer[[]string]

// SetChildDomains sets the service-domain codes whose needs concern
// children, process-wide. nil restores DefaultChildDomains; an empty,
// non-nil slice declares that no domain concerns children.
func SetChildDomains(codes []string) {
	if codes == nil {
		childDomains.Store(nil)
		return
	}
	c := slices.Clone(codes)
	childDomains.Store(&c)
}

// ChildDomains are the codes in force.
func ChildDomains() []string {
	if p := childDomains.Load(); p != nil {
		return slices.Clone(*p)
	}
	return slices.Clone(DefaultChildDomains)
}

// NeedRows is the read rule of needs: ADMIN reads every need; everyone else
// reads needs outside the child-related domains, and an EDITOR also the
// child-domain needs matched to an organisation within its scope (the
// editors who handle them, who also read their case fields). Like the rules
// in rows.go it returns nil for a viewer who reads every row; it refuses
// nobody, because most needs are public.
func NeedRows(v *auth.Viewer) (predicate.Need, error) {
	if v.Admin() {
		return nil, nil
	}
	codes := ChildDomains()
	if len(codes) == 0 {
		return nil, nil
	}
	notChild := need.Not(need.HasDomainWith(term.CodeIn(codes...)))
	if v != nil && v.Role == auth.RoleEditor && len(v.Scope) > 0 {
		return need.Or(notChild, need.MatchedOrganizationIDIn(v.Scope...)), nil
	}
	return notChild, nil
}

// needRows applies NeedRows to every need query.
func needRows() privacy.QueryRule {
	return privacy.QueryRuleFunc(func(ctx context.Context, q ent.Query) error {
		v := auth.FromContext(ctx)
		if v.Admin() {
			return privacy.Allow
		}
		p, err := NeedRows(v)
		if err != nil {
			return err
		}
		if p != nil {
			q.(*ent.NeedQuery).Where(p)
		}
		return privacy.Skip
	})
}
