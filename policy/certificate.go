package policy

import (
	"context"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/certificate"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/privacy"
)

// Certificate: issued and revoked by ADMIN, or by an EDITOR or REVIEWER
// of an organisation the person belongs to (谁记录谁证明); read likewise.
// Anyone verifies a certificate through its code, which shows no more than
// the verification page does.
func Certificate() ent.Policy {
	personInScope := func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
		cm := m.(*ent.CertificateMutation)
		var personIDs []int
		if cm.Op().Is(ent.OpCreate) {
			p, _ := cm.PersonID()
			personIDs = []int{p}
		} else {
			ids, err := cm.IDs(allowAll(ctx))
			if err != nil || len(ids) == 0 {
				return false, err
			}
			// A certificate the key may not read (it proves another
			// organisation's records, CertificateRows) is refused like a
			// missing one, even for a person the two organisations share.
			rows, err := CertificateRows(v)
			if err != nil {
				return false, err
			}
			if rows != nil {
				n, err := cm.Client().Certificate.Query().Where(certificate.IDIn(ids...), rows).Count(allowAll(ctx))
				if err != nil || n != len(uniq(ids)) {
					return false, err
				}
			}
			if personIDs, err = cm.Client().Certificate.Query().Where(certificate.IDIn(ids...)).
				Select(certificate.FieldPersonID).Ints(allowAll(ctx)); err != nil {
				return false, err
			}
		}
		people := uniq(personIDs)
		if len(people) == 0 {
			// An update that touches no certificate is nobody's to allow: it
			// would tell a missing certificate from one out of scope.
			return false, nil
		}
		n, err := cm.Client().Person.Query().Where(person.IDIn(people...),
			person.HasMembershipsWith(membership.OrganizationIDIn(v.Scope...))).Count(allowAll(ctx))
		return n == len(people), err
	}
	return privacy.Policy{
		Mutation: append(privacy.MutationPolicy{neverDeleted("certificates are revoked, never deleted")}, writes(
			editor(personInScope),
			role(auth.RoleReviewer, personInScope),
		)...),
		Query: privacy.QueryPolicy{rowsRule(CertificateRows, func(q ent.Query, p predicate.Certificate) {
			q.(*ent.CertificateQuery).Where(p)
		})},
	}
}
