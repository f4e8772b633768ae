package policy_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/policy"
)

// readAll reads every row of one restricted type the caller may see.
type readAll func(ctx context.Context, c *ent.Client) ([]int, error)

var (
	readPeople       readAll = func(ctx context.Context, c *ent.Client) ([]int, error) { return c.Person.Query().IDs(ctx) }
	readMemberships  readAll = func(ctx context.Context, c *ent.Client) ([]int, error) { return c.Membership.Query().IDs(ctx) }
	readRecords      readAll = func(ctx context.Context, c *ent.Client) ([]int, error) { return c.ServiceRecord.Query().IDs(ctx) }
	readCertificates readAll = func(ctx context.Context, c *ent.Client) ([]int, error) { return c.Certificate.Query().IDs(ctx) }
	readKeys         readAll = func(ctx context.Context, c *ent.Client) ([]int, error) { return c.APIKey.Query().IDs(ctx) }
	readEvents       readAll = func(ctx context.Context, c *ent.Client) ([]int, error) { return c.AuditEvent.Query().IDs(ctx) }
	readTombstones   readAll = func(ctx context.Context, c *ent.Client) ([]int, error) { return c.Tombstone.Query().IDs(ctx) }
)

// readCase: what one caller reads of one type — exactly these rows, or a
// refusal (want ≠ allowed).
type readCase struct {
	name string
	who  who
	read readAll
	rows []int
	want verdict
}

// The query rules narrow rows: a row outside the scope is absent, never an
// error; callers who may read none of the type are refused outright.
func TestReadRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		allPeople := []int{w.pA, w.pT, w.pV, w.pO, w.pU, w.pN}
		allMemberships := []int{w.mA, w.mT, w.mO, w.mU}
		allRecords := []int{w.rA, w.rT, w.rV, w.rO, w.rU, w.rMixed}
		allCertificates := []int{w.cA1, w.cA2, w.cT, w.cV, w.cO, w.cMixed}
		cases := []readCase{
			// Members of the scope and visitors at its activities; not pO
			// or pU, who served only at other's activity (mutant e: anyone
			// with any service record), nor pN.
			{"people: members of its scope and visitors at its activities", editorKey, readPeople, []int{w.pA, w.pT, w.pV}, allowed},
			{"people: the same for a reviewer", reviewerKey, readPeople, []int{w.pA, w.pT, w.pV}, allowed},
			{"people: a team key sees its team only", teamEditorKey, readPeople, []int{w.pT}, allowed},
			{"people: ADMIN sees everyone", adminKey, readPeople, allPeople, allowed},
			{"people: nobody for an empty scope", scopeless, readPeople, nil, allowed},
			{"people: partner keys read none through the generic API", partnerKey, readPeople, nil, forbidden},
			{"people: unknown roles read none", unknownRole, readPeople, nil, forbidden},
			{"people: anonymous callers read none", anonymous, readPeople, nil, unauthenticated},

			// Mutant (c): every organisation's memberships.
			{"memberships: of organisations in its scope", editorKey, readMemberships, []int{w.mA, w.mT}, allowed},
			{"memberships: the same for a reviewer", reviewerKey, readMemberships, []int{w.mA, w.mT}, allowed},
			{"memberships: a team key sees its team's", teamEditorKey, readMemberships, []int{w.mT}, allowed},
			{"memberships: ADMIN sees all", adminKey, readMemberships, allMemberships, allowed},
			{"memberships: partner keys read none", partnerKey, readMemberships, nil, forbidden},
			{"memberships: unknown roles read none", unknownRole, readMemberships, nil, forbidden},
			{"memberships: anonymous callers read none", anonymous, readMemberships, nil, unauthenticated},

			// Mutant (d): every organisation's service records. The
			// visitor's record at the agency's activity is the agency's.
			{"records: of activities organised in its scope", editorKey, readRecords, []int{w.rA, w.rT, w.rV}, allowed},
			{"records: the same for a reviewer", reviewerKey, readRecords, []int{w.rA, w.rT, w.rV}, allowed},
			{"records: a team key sees its team's activities'", teamEditorKey, readRecords, []int{w.rT}, allowed},
			{"records: ADMIN sees all", adminKey, readRecords, allRecords, allowed},
			{"records: partner keys read none through the generic API", partnerKey, readRecords, nil, forbidden},
			{"records: unknown roles read none", unknownRole, readRecords, nil, forbidden},
			{"records: anonymous callers read none", anonymous, readRecords, nil, unauthenticated},

			// 谁记录谁证明: certificates follow the records they prove, so
			// the visitor's certificate of service at the agency is the
			// agency's, and one that also proves another organisation's
			// record is nobody's but ADMIN's.
			{"certificates: proving records of its scope", editorKey, readCertificates, []int{w.cA1, w.cA2, w.cT, w.cV}, allowed},
			{"certificates: the same for a reviewer", reviewerKey, readCertificates, []int{w.cA1, w.cA2, w.cT, w.cV}, allowed},
			{"certificates: a team key sees its team's", teamEditorKey, readCertificates, []int{w.cT}, allowed},
			{"certificates: ADMIN sees all", adminKey, readCertificates, allCertificates, allowed},
			{"certificates: partner keys read none", partnerKey, readCertificates, nil, forbidden},
			{"certificates: anonymous callers read none", anonymous, readCertificates, nil, unauthenticated},

			{"keys: ADMIN reads credentials", adminKey, readKeys, []int{w.key}, allowed},
			{"keys: editors read none", editorKey, readKeys, nil, forbidden},
			{"keys: partner keys read none", partnerKey, readKeys, nil, forbidden},
			{"keys: anonymous callers read none", anonymous, readKeys, nil, unauthenticated},
			{"audit: ADMIN reads the trail", adminKey, readEvents, []int{w.event}, allowed},
			{"audit: the operator reads the trail", operator, readEvents, []int{w.event}, allowed},
			{"audit: reviewers read none", reviewerKey, readEvents, nil, forbidden},
			{"audit: anonymous callers read none", anonymous, readEvents, nil, unauthenticated},

			{"change feed: a partner reads its own university's markers", partnerKey, readTombstones, []int{w.tombU}, allowed},
			{"change feed: ADMIN reads every university's", adminKey, readTombstones, []int{w.tombU, w.tombU2}, allowed},
			{"change feed: editors read none", editorKey, readTombstones, nil, forbidden},
			{"change feed: anonymous callers read none", anonymous, readTombstones, nil, unauthenticated},
		}
		for _, tc := range cases {
			t.Run(tc.who.String()+"/"+tc.name, func(t *testing.T) {
				got, err := tc.read(w.as(tc.who), w.c)
				expect(t, err, tc.want)
				if tc.want == allowed {
					sameIDs(t, got, tc.rows)
				}
			})
		}

		// A PARTNER key not tied to a university reads no change feed at all
		// (it would otherwise read university 0's, an empty set that hides
		// the misconfiguration).
		t.Run("change feed: a partner key without an organisation is refused", func(t *testing.T) {
			ctx := auth.NewContext(context.Background(), &auth.Viewer{KeyID: 9, Role: auth.RolePartner})
			_, err := w.c.Tombstone.Query().IDs(ctx)
			expect(t, err, forbidden)
		})
	})
}

// The rows helpers are also applied by the API's filter guard inside edge
// predicates, where no query policy runs: their own answers must be right,
// not just the policies built on them.
func TestRowsHelpers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		// Applied under an allow decision, as SQL subqueries are: only the
		// predicate narrows.
		all := privacy.DecisionContext(context.Background(), privacy.Allow)
		type helper struct {
			name string
			rows func(v *auth.Viewer) ([]int, bool, error) // ids, whether a predicate came back, error
		}
		helpers := map[string]helper{
			"PeopleRows": {"PeopleRows", func(v *auth.Viewer) ([]int, bool, error) {
				p, err := policy.PeopleRows(v)
				if err != nil || p == nil {
					return nil, p != nil, err
				}
				ids, err := w.c.Person.Query().Where(p).IDs(all)
				return ids, true, err
			}},
			"MemberRows": {"MemberRows", func(v *auth.Viewer) ([]int, bool, error) {
				p, err := policy.MemberRows(v)
				if err != nil || p == nil {
					return nil, p != nil, err
				}
				ids, err := w.c.Person.Query().Where(p).IDs(all)
				return ids, true, err
			}},
			"MembershipRows": {"MembershipRows", func(v *auth.Viewer) ([]int, bool, error) {
				p, err := policy.MembershipRows(v)
				if err != nil || p == nil {
					return nil, p != nil, err
				}
				ids, err := w.c.Membership.Query().Where(p).IDs(all)
				return ids, true, err
			}},
			"ServiceRecordRows": {"ServiceRecordRows", func(v *auth.Viewer) ([]int, bool, error) {
				p, err := policy.ServiceRecordRows(v)
				if err != nil || p == nil {
					return nil, p != nil, err
				}
				ids, err := w.c.ServiceRecord.Query().Where(p).IDs(all)
				return ids, true, err
			}},
			"CertificateRows": {"CertificateRows", func(v *auth.Viewer) ([]int, bool, error) {
				p, err := policy.CertificateRows(v)
				if err != nil || p == nil {
					return nil, p != nil, err
				}
				ids, err := w.c.Certificate.Query().Where(p).IDs(all)
				return ids, true, err
			}},
		}
		scoped := map[string][]int{
			"PeopleRows":        {w.pA, w.pT, w.pV},
			"MemberRows":        {w.pA, w.pT}, // not the visitor, who only served here
			"MembershipRows":    {w.mA, w.mT},
			"ServiceRecordRows": {w.rA, w.rT, w.rV},
			"CertificateRows":   {w.cA1, w.cA2, w.cT, w.cV},
		}
		teamScoped := map[string][]int{
			"PeopleRows":        {w.pT},
			"MemberRows":        {w.pT},
			"MembershipRows":    {w.mT},
			"ServiceRecordRows": {w.rT},
			"CertificateRows":   {w.cT},
		}
		for _, name := range []string{"PeopleRows", "MemberRows", "MembershipRows", "ServiceRecordRows", "CertificateRows"} {
			h := helpers[name]
			t.Run(name, func(t *testing.T) {
				for _, tc := range []struct {
					who  who
					err  error // the refusal, bare (the query rule adds privacy.Deny)
					all  bool  // no predicate: every row
					rows []int
				}{
					{who: anonymous, err: auth.ErrUnauthenticated},
					{who: partnerKey, err: auth.ErrForbidden},
					{who: unknownRole, err: auth.ErrForbidden},
					{who: adminKey, all: true},
					{who: operator, all: true},
					{who: editorKey, rows: scoped[name]},
					{who: reviewerKey, rows: scoped[name]},
					{who: teamEditorKey, rows: teamScoped[name]},
					{who: scopeless, rows: nil},
				} {
					ids, narrowed, err := h.rows(w.viewer(tc.who))
					switch {
					case tc.err != nil:
						if !errors.Is(err, tc.err) || errors.Is(err, privacy.Deny) {
							t.Errorf("%s: error %v, want bare %v", tc.who, err, tc.err)
						}
						if narrowed {
							t.Errorf("%s: a predicate came back with the refusal", tc.who)
						}
					case tc.all:
						if err != nil || narrowed {
							t.Errorf("%s: got (predicate %v, %v), want (nil, nil): reads every row", tc.who, narrowed, err)
						}
					default:
						if err != nil || !narrowed {
							t.Fatalf("%s: got (predicate %v, %v), want a predicate", tc.who, narrowed, err)
						}
						if g, w := sorted(ids...), sorted(tc.rows...); !equal(g, w) {
							t.Errorf("%s: rows %v, want exactly %v", tc.who, g, w)
						}
					}
				}
			})
		}
	})
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// SystemContext lets in-process callers through every rule, the
// never-delete rule included, and names them for the audit trail.
func TestSystemContext(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		ctx := policy.SystemContext(context.Background(), "seeder")
		v := auth.FromContext(ctx)
		if v == nil || !v.System || !v.Admin() || v.Name != "seeder" {
			t.Fatalf("viewer %+v, want a system viewer named seeder", v)
		}
		if name, key := auth.Actor(ctx); name != "seeder" || key != nil {
			t.Fatalf("actor %q %v", name, key)
		}
		ids, err := w.c.Person.Query().IDs(ctx)
		if err != nil || len(ids) != 6 {
			t.Fatalf("system read %v, %v; want all 6 people", ids, err)
		}
		tx := mk(w.c.Tx(context.Background()))
		defer func() { _ = tx.Rollback() }()
		if err := tx.AuditEvent.UpdateOneID(w.event).Exec(ctx); err != nil {
			t.Fatalf("system callers bypass the rules (maintenance): %v", err)
		}
		if err := tx.ServiceRecord.DeleteOneID(w.rO).Exec(ctx); err != nil {
			t.Fatalf("system callers bypass the rules (maintenance): %v", err)
		}
	})
}

// TestPersonalDataRows: the people whose ID numbers an import may match
// for a key are exactly those SeesPersonalData lets it read: for an
// EDITOR, current members in its scope — not a member who has left, not a
// visitor who only served there; REVIEWER and PARTNER keys none.
func TestPersonalDataRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		all := privacy.DecisionContext(context.Background(), privacy.Allow)
		now := time.Now()
		rows := func(k who) ([]int, bool, error) {
			p, err := policy.PersonalDataRows(w.viewer(k), now)
			if err != nil || p == nil {
				return nil, p != nil, err
			}
			ids, err := w.c.Person.Query().Where(p).IDs(all)
			return ids, true, err
		}
		check := func(k who, want ...int) {
			t.Helper()
			ids, narrowed, err := rows(k)
			if err != nil || !narrowed || !equal(sorted(ids...), sorted(want...)) {
				t.Errorf("%s: %v (predicate %v, %v), want exactly %v", k, ids, narrowed, err, want)
			}
		}
		check(editorKey, w.pA, w.pT) // the visitor pV only served here
		check(teamEditorKey, w.pT)
		for _, k := range []who{reviewerKey, partnerKey, anonymous} {
			if _, narrowed, err := rows(k); err == nil || narrowed {
				t.Errorf("%s: (predicate %v, %v), want a refusal", k, narrowed, err)
			}
		}
		if _, narrowed, err := rows(adminKey); err != nil || narrowed {
			t.Errorf("ADMIN: (predicate %v, %v), want every row", narrowed, err)
		}
		// A member who has left is no longer read.
		mk(0, w.c.Membership.UpdateOneID(w.mA).SetLeftOn(now.AddDate(0, 0, -1)).Exec(sys()))
		check(editorKey, w.pT)
	})
}
