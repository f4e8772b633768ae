package policy

import (
	"context"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/tombstone"
)

// PartnerUniversity decides whose partner view (practice bases, pseudonymous
// records, change feed, exports) the caller may read:
//
//   - a PARTNER key reads its own university's, and only that: asking for
//     another university is FORBIDDEN;
//   - ADMIN reads any university's, named by requested (0 when it named
//     none: the caller must then ask for one);
//   - every other key is FORBIDDEN, and no key is UNAUTHENTICATED.
//
// PARTNER keys read nothing through the generic person, membership,
// service-record and certificate connections (policy.PeopleRows and its
// siblings refuse them): the partner view is their only door.
func PartnerUniversity(ctx context.Context, requested int) (int, error) {
	v := auth.FromContext(ctx)
	switch {
	case v == nil:
		return 0, auth.ErrUnauthenticated
	case v.Admin():
		return requested, nil
	case v.Role == auth.RolePartner && v.OrganizationID != 0:
		if requested != 0 && requested != v.OrganizationID {
			return 0, auth.ErrForbidden
		}
		return v.OrganizationID, nil
	}
	return 0, auth.ErrForbidden
}

// PartnerBase decides whether the caller may read one practice base, whose
// university is university; requested is the university the caller named
// beside the base (0: none). Keys that may read no partner view at all are
// refused as by PartnerUniversity (FORBIDDEN, or UNAUTHENTICATED; callers
// ask PartnerUniversity before looking the base up, so that such keys learn
// nothing of which bases exist). A base the caller may not read is
// NOT_FOUND, as any row outside a key's scope, so that existence is not
// told apart from scope:
//
//   - a PARTNER key reads its own university's bases only;
//   - ADMIN reads any university's;
//   - nobody reads a base under another university than the one they
//     named.
func PartnerBase(ctx context.Context, requested, university int) error {
	if _, err := PartnerUniversity(ctx, 0); err != nil {
		return err
	}
	v := auth.FromContext(ctx)
	if (!v.Admin() && v.OrganizationID != university) || (requested != 0 && requested != university) {
		return &ent.NotFoundError{}
	}
	return nil
}

// Tombstone: the partner change feed's markers are written by ent hooks
// (package partners, with their own allow decision), never through the API
// or by any key; a PARTNER key reads its own university's, ADMIN all.
func Tombstone() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{privacy.MutationRuleFunc(func(ctx context.Context, _ ent.Mutation) error {
			if v := auth.FromContext(ctx); v != nil && v.System {
				return privacy.Allow // maintenance (pruning) by the operator
			}
			return forbidden("change markers are written by the server only")
		})},
		Query: privacy.QueryPolicy{privacy.QueryRuleFunc(func(ctx context.Context, q ent.Query) error {
			v := auth.FromContext(ctx)
			switch {
			case v == nil:
				return unauthenticated()
			case v.Admin():
				return privacy.Allow
			case v.Role == auth.RolePartner && v.OrganizationID != 0:
				q.(*ent.TombstoneQuery).Where(tombstone.UniversityID(v.OrganizationID))
				return privacy.Skip
			}
			return forbidden("partner keys only")
		})},
	}
}
