package policy

import (
	"time"

	"context"
	"fmt"

	"entgo.io/ent/dialect/sql"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/certificate"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/ent/signup"
)

// The read rules of the restricted types, written once as predicates.
// A VOLUNTEER credential reads its holder's own service records,
// certificates, sign-ups and outbox through them and nothing else: no
// person, membership or other rows. (Its GraphQL fields are narrower
// still: graph/access.go shows it only PUBLIC and VOLUNTEER levels.) The
// ent query policies apply them to every query of the type, and the API's
// filter guard (graph/filters.go) applies them inside has…With edge
// predicates, which run as SQL subqueries that no query policy sees.
//
// Each returns (nil, nil) for a viewer who reads every row (ADMIN, system),
// a predicate for a viewer who reads some rows, and auth.ErrUnauthenticated
// or auth.ErrForbidden for one who reads none. PARTNER keys read no
// person, membership, service record or certificate through these: their
// university's data reaches them only through the partner view (package
// partners), which applies its own, narrower rules.

// PeopleRows: editors and reviewers read the people of their scope, which
// are its members, the volunteers at its activities and those signed up
// for them (the roster, docs/volunteers.md). (The residents
// cases are run for are not people: they have a table of their own, read
// only through their cases; policy.CaseResident.)
func PeopleRows(v *auth.Viewer) (predicate.Person, error) {
	if err := keyed(v); err != nil || v.Admin() {
		return nil, err
	}
	return person.Or(
		person.HasMembershipsWith(membership.OrganizationIDIn(v.Scope...)),
		person.HasServiceRecordsWith(servicerecord.HasActivityWith(activity.OrganizationIDIn(v.Scope...))),
		person.HasSignUpsWith(signup.HasActivityWith(activity.OrganizationIDIn(v.Scope...))),
	), nil
}

// MemberRows: the people of the scope who have a membership in it, the
// part of PeopleRows that an EDITOR may record hours for (mayRecord asks
// more: a membership of the activity's subtree on the day). It spares the
// search through service records that PeopleRows' second half makes, for
// lookups of many people by number (imports): anyone outside it answers
// as a number not on record, whether or not it is.
func MemberRows(v *auth.Viewer) (predicate.Person, error) {
	if err := keyed(v); err != nil || v.Admin() {
		return nil, err
	}
	return person.HasMembershipsWith(membership.OrganizationIDIn(v.Scope...)), nil
}

// PersonalDataRows: the people whose personal data v reads now, as
// SeesPersonalData decides, as a predicate: for an EDITOR, the current
// members of organisations in its scope. A search by an ID number (an
// import's hour rows) looks only among them: anyone else, a former member
// included, answers as a number not on record.
func PersonalDataRows(v *auth.Viewer, now time.Time) (predicate.Person, error) {
	if err := keyed(v); err != nil || v.Admin() {
		return nil, err
	}
	if v.Role != auth.RoleEditor {
		return nil, auth.ErrForbidden
	}
	return person.HasMembershipsWith(membership.OrganizationIDIn(v.Scope...), CurrentMembership(now)), nil
}

// MembershipRows: memberships of organisations within the scope.
func MembershipRows(v *auth.Viewer) (predicate.Membership, error) {
	if err := keyed(v); err != nil || v.Admin() {
		return nil, err
	}
	return membership.OrganizationIDIn(v.Scope...), nil
}

// ServiceRecordRows: records of activities organised within the scope; a
// VOLUNTEER credential's own records.
func ServiceRecordRows(v *auth.Viewer) (predicate.ServiceRecord, error) {
	if v.Volunteer() {
		return servicerecord.PersonID(v.HolderID), nil
	}
	if err := keyed(v); err != nil || v.Admin() {
		return nil, err
	}
	return servicerecord.HasActivityWith(activity.OrganizationIDIn(v.Scope...)), nil
}

// CertificateRows: certificates that prove records organised within the
// scope, and none beyond it (谁记录谁证明: the issuer reads what it
// issued). A certificate states where and how long a person served; shown
// to the editor of another organisation the person belongs to, it would
// tell what that editor's own record rules hide. A VOLUNTEER credential
// reads its holder's own.
func CertificateRows(v *auth.Viewer) (predicate.Certificate, error) {
	if v.Volunteer() {
		return certificate.PersonID(v.HolderID), nil
	}
	if err := keyed(v); err != nil || v.Admin() {
		return nil, err
	}
	inScope := servicerecord.HasActivityWith(activity.OrganizationIDIn(v.Scope...))
	return certificate.And(
		certificate.HasRecordsWith(inScope),
		certificate.Not(certificate.HasRecordsWith(servicerecord.Not(inScope))),
	), nil
}

// keyed admits keys that read restricted rows through the generic API:
// every key but PARTNER.
func keyed(v *auth.Viewer) error {
	switch {
	case v == nil:
		return auth.ErrUnauthenticated
	case v.Admin():
		return nil
	case v.Role == auth.RolePartner:
		return auth.ErrForbidden
	case v.Role != auth.RoleEditor && v.Role != auth.RoleReviewer:
		return auth.ErrForbidden
	}
	return nil
}

// rowsRule turns a read rule into an ent query rule: system callers and
// viewers whose rule has no predicate (ADMIN, for most types) read all,
// others have rows narrowed (a row outside the scope is absent, never a
// tell-tale error), and callers who read none are refused.
func rowsRule[P ~func(*sql.Selector)](rows func(*auth.Viewer) (P, error), where func(ent.Query, P)) privacy.QueryRule {
	return privacy.QueryRuleFunc(func(ctx context.Context, q ent.Query) error {
		v := auth.FromContext(ctx)
		if v != nil && v.System {
			return privacy.Allow
		}
		p, err := rows(v)
		if err != nil {
			return fmt.Errorf("%w: %w", privacy.Deny, err)
		}
		if p == nil { // the viewer reads every row
			return privacy.Allow
		}
		where(q, p)
		return privacy.Skip
	})
}
