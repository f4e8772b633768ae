package policy_test

import (
	"context"
	"slices"
	"testing"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/policy"
)

// NeedRows: needs in child-related domains are rows only ADMIN and the
// editors handling them (matched to their scope) read; every other need is
// public. Nobody is refused: a hidden need is absent.
func TestNeedRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		t.Cleanup(func() { policy.SetChildDomains(nil) })
		public := []int{w.nA, w.nT, w.nO, w.nOpen}
		every := append(slices.Clone(public), w.ncA, w.ncO, w.ncOpen)
		read := func(t *testing.T, k who, want []int) {
			t.Helper()
			ids, err := w.c.Need.Query().IDs(w.as(k))
			if err != nil {
				t.Fatal(err)
			}
			sameIDs(t, ids, want)
		}
		for _, tc := range []struct {
			name string
			who  who
			want []int
		}{
			{"anonymous callers read the public needs only", anonymous, public},
			{"partner keys read the public needs only", partnerKey, public},
			{"reviewers read the public needs only, even matched to their scope", reviewerKey, public},
			{"an editor also reads the child needs matched to its scope", editorKey, append(slices.Clone(public), w.ncA)},
			{"a team editor reads no child need matched above its scope", teamEditorKey, public},
			{"an editor with an empty scope reads the public needs only", scopeless, public},
			{"an unknown role reads the public needs only", unknownRole, public},
			{"ADMIN reads every need", adminKey, every},
			{"the operator reads every need", operator, every},
		} {
			t.Run(tc.who.String()+"/"+tc.name, func(t *testing.T) { read(t, tc.who, tc.want) })
		}

		t.Run("the configured domains replace the defaults", func(t *testing.T) {
			defer policy.SetChildDomains(nil)
			policy.SetChildDomains([]string{"elderly"})
			read(t, anonymous, []int{w.ncA, w.ncO, w.ncOpen})
			read(t, editorKey, []int{w.nA, w.nT, w.ncA, w.ncO, w.ncOpen})
		})
		t.Run("an empty list declares no domain about children", func(t *testing.T) {
			defer policy.SetChildDomains(nil)
			policy.SetChildDomains([]string{})
			read(t, anonymous, every)
			if p, err := policy.NeedRows(nil); p != nil || err != nil {
				t.Fatalf("NeedRows with no child domains = (%v, %v), want (nil, nil)", p != nil, err)
			}
		})
		t.Run("nil restores the defaults", func(t *testing.T) {
			policy.SetChildDomains([]string{})
			policy.SetChildDomains(nil)
			read(t, anonymous, public)
		})

		// NeedRows is also applied inside edge predicates (the API's filter
		// guard), where no query policy runs.
		all := privacy.DecisionContext(context.Background(), privacy.Allow)
		for _, tc := range []struct {
			who  who
			all  bool
			want []int
		}{
			{who: adminKey, all: true},
			{who: operator, all: true},
			{who: anonymous, want: public},
			{who: reviewerKey, want: public},
			{who: editorKey, want: append(slices.Clone(public), w.ncA)},
			{who: scopeless, want: public},
		} {
			t.Run("NeedRows/"+tc.who.String(), func(t *testing.T) {
				p, err := policy.NeedRows(w.viewer(tc.who))
				if err != nil {
					t.Fatal(err)
				}
				if tc.all {
					if p != nil {
						t.Fatal("a predicate for a viewer who reads every need")
					}
					return
				}
				if p == nil {
					t.Fatal("no predicate")
				}
				sameIDs(t, mk(w.c.Need.Query().Where(p).IDs(all)), tc.want)
			})
		}

		// A need the editor may not read is refused to its writes like a
		// missing one: otherwise an update's answer (allowed, or NOT_FOUND
		// after it) tells hidden children's needs from ids that do not
		// exist. Only ADMIN matches an unmatched child need.
		t.Run("an editor cannot match an unmatched child need it may not read", func(t *testing.T) {
			tx := mk(w.c.Tx(context.Background()))
			defer func() { _ = tx.Rollback() }()
			expect(t, tx.Need.UpdateOneID(w.ncOpen).SetMatchedOrganizationID(w.agency).Exec(w.as(editorKey)), forbidden)
			expect(t, tx.Need.UpdateOneID(w.ncOpen).SetMatchedOrganizationID(w.agency).Exec(w.as(adminKey)), allowed)
			if n := mk(tx.Need.Query().Where(need.ID(w.ncOpen)).Count(w.as(editorKey))); n != 1 {
				t.Fatal("once matched to its scope the editor reads the need")
			}
		})
	})
}

// The domain lists are copied in and out: no caller changes the rule by
// changing a slice afterwards.
func TestChildDomainsAreCopied(t *testing.T) {
	t.Cleanup(func() { policy.SetChildDomains(nil) })
	if got := policy.ChildDomains(); !slices.Equal(got, policy.DefaultChildDomains) {
		t.Fatalf("ChildDomains() = %v before any setting, want the defaults %v", got, policy.DefaultChildDomains)
	}
	policy.ChildDomains()[0] = "changed"
	if policy.DefaultChildDomains[0] == "changed" {
		t.Fatal("ChildDomains returned the defaults themselves")
	}
	codes := []string{"childcare", "youth"}
	policy.SetChildDomains(codes)
	codes[0] = "elderly"
	got := policy.ChildDomains()
	got[1] = "elderly"
	if again := policy.ChildDomains(); !slices.Equal(again, []string{"childcare", "youth"}) {
		t.Fatalf("ChildDomains() = %v, want the codes as set", again)
	}
}
