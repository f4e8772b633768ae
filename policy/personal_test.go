package policy_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/policy"
)

// SeesPersonalData: personal data (name, ID number, birth date, full phone)
// is for ADMIN and for EDITORs of an organisation the person belongs to —
// narrower than PeopleRows, which also shows visitors at the scope's
// activities, and closed to REVIEWERs, who see volunteer numbers only.
func TestSeesPersonalData(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		for _, tc := range []struct {
			name   string
			who    who
			person int
			want   bool
		}{
			{"ADMIN sees anyone's", adminKey, w.pO, true},
			{"the operator sees anyone's", operator, w.pN, true},
			{"an editor sees its organisation's member", editorKey, w.pA, true},
			{"an editor sees a member of a unit in its scope", editorKey, w.pT, true},
			{"an editor does not see a visitor's", editorKey, w.pV, false},
			{"an editor does not see an outside member's", editorKey, w.pO, false},
			{"an editor does not see an outside student's", editorKey, w.pU, false},
			{"a team editor does not see its parent's member", teamEditorKey, w.pA, false},
			{"a team editor sees its team's member", teamEditorKey, w.pT, true},
			{"a reviewer sees no personal data, not even its members'", reviewerKey, w.pA, false},
			{"a partner key sees none, not even its students'", partnerKey, w.pU, false},
			{"an editor with an empty scope sees none", scopeless, w.pA, false},
			{"an unknown role sees none", unknownRole, w.pA, false},
		} {
			t.Run(tc.who.String()+"/"+tc.name, func(t *testing.T) {
				got, err := policy.SeesPersonalData(context.Background(), w.c, w.viewer(tc.who), tc.person)
				if err != nil || got != tc.want {
					t.Fatalf("SeesPersonalData = %v, %v; want %v", got, err, tc.want)
				}
			})
		}

		// The members of the scope are loaded once per request (viewer): a
		// page of people asks for each. A membership added meanwhile shows
		// from the next request on.
		t.Run("members are loaded once per viewer", func(t *testing.T) {
			v := w.viewer(editorKey)
			if ok, _ := policy.SeesPersonalData(context.Background(), w.c, v, w.pN); ok {
				t.Fatal("pN is nobody's member yet")
			}
			tx := mk(w.c.Tx(context.Background()))
			defer func() { _ = tx.Rollback() }()
			mk(tx.Membership.Create().SetPersonID(w.pN).SetOrganizationID(w.team).SetRole("VOLUNTEER").SetJoinedOn(day(3)).Save(sys()))
			if ok, _ := policy.SeesPersonalData(context.Background(), tx.Client(), v, w.pN); ok {
				t.Error("the same viewer asked the database again")
			}
			if ok, err := policy.SeesPersonalData(context.Background(), tx.Client(), w.viewer(editorKey), w.pN); !ok || err != nil {
				t.Errorf("a new viewer: %v, %v; want the new member seen", ok, err)
			}
		})

		// Personal data only while the person belongs: someone who left
		// keeps their records in the scope, not their name and number.
		today := calendar.Date(time.Now())
		for _, tc := range []struct {
			name string
			left time.Time
			want bool
		}{
			{"a member who left yesterday is no longer the editor's to see", today.AddDate(0, 0, -1), false},
			{"a member who leaves today is no longer the editor's to see", today, false},
			{"a member who leaves tomorrow still is", today.AddDate(0, 0, 1), true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tx := mk(w.c.Tx(context.Background()))
				defer func() { _ = tx.Rollback() }()
				mk(0, tx.Membership.UpdateOneID(w.mA).SetLeftOn(tc.left).Exec(sys()))
				got, err := policy.SeesPersonalData(context.Background(), tx.Client(), w.viewer(editorKey), w.pA)
				if err != nil || got != tc.want {
					t.Fatalf("SeesPersonalData = %v, %v; want %v", got, err, tc.want)
				}
			})
		}

		// A failed look-up is an error, never a yes; and it is not
		// remembered, so the next question asks again.
		t.Run("a failed look-up is reported", func(t *testing.T) {
			v := w.viewer(editorKey)
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if ok, err := policy.SeesPersonalData(ctx, w.c, v, w.pA); ok || err == nil {
				t.Fatalf("cancelled look-up: %v, %v; want false and an error", ok, err)
			}
			if ok, err := policy.SeesPersonalData(context.Background(), w.c, v, w.pA); !ok || err != nil {
				t.Fatalf("after a failure: %v, %v; want the member seen", ok, err)
			}
		})
	})
}

// CurrentMembership: memberships not ended by the day of now in the
// district (China Standard Time), whatever zone now comes in.
func TestCurrentMembership(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		tx := mk(w.c.Tx(context.Background()))
		defer func() { _ = tx.Rollback() }()
		date := func(d int) *time.Time { v := time.Date(2025, 3, d, 0, 0, 0, 0, time.UTC); return &v }
		member := func(org int, left *time.Time) int {
			return mk(tx.Membership.Create().SetPersonID(w.pN).SetOrganizationID(org).SetRole("VOLUNTEER").
				SetJoinedOn(day(0)).SetNillableLeftOn(left).Save(sys())).ID
		}
		open, before, onTheDay, after := member(w.agency, nil), member(w.team, date(9)), member(w.partyIn, date(10)), member(w.other, date(11))
		all := privacy.DecisionContext(context.Background(), privacy.Allow)
		for _, now := range []time.Time{
			time.Date(2025, 3, 10, 10, 0, 0, 0, calendar.Zone),
			time.Date(2025, 3, 10, 0, 5, 0, 0, calendar.Zone), // still 9 March in UTC
			time.Date(2025, 3, 10, 15, 59, 0, 0, time.UTC),    // 23:59 in the district
		} {
			ids := mk(tx.Membership.Query().Where(membership.PersonID(w.pN), policy.CurrentMembership(now)).IDs(all))
			if g, want := sorted(ids...), sorted(open, after); !equal(g, want) {
				t.Errorf("on %v: current %v, want %v (not %d left the day before, nor %d left that day)", now, g, want, before, onTheDay)
			}
		}
	})
}

// HandlesCase: a need's case details are for ADMIN and for EDITORs whose
// scope holds the organisation the need is matched to — not for an
// unmatched need, which every editor may work on (Need) but none handles.
func TestHandlesCase(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		for _, tc := range []struct {
			name string
			who  who
			need int
			want bool
		}{
			{"ADMIN handles any case", adminKey, w.nO, true},
			{"the operator handles any case", operator, w.nOpen, true},
			{"an editor handles its organisation's case", editorKey, w.nA, true},
			{"an editor handles a case of a unit in its scope", editorKey, w.nT, true},
			{"an editor does not handle an outside case", editorKey, w.nO, false},
			{"an editor does not handle an unmatched case", editorKey, w.nOpen, false},
			{"a team editor does not handle its parent's case", teamEditorKey, w.nA, false},
			{"a reviewer handles no case", reviewerKey, w.nA, false},
			{"a partner key handles no case", partnerKey, w.nA, false},
			{"an editor with an empty scope handles none", scopeless, w.nA, false},
			{"a need that does not exist is nobody's case", editorKey, noID, false},
		} {
			t.Run(tc.who.String()+"/"+tc.name, func(t *testing.T) {
				got, err := policy.HandlesCase(context.Background(), w.c, w.viewer(tc.who), tc.need)
				if err != nil || got != tc.want {
					t.Fatalf("HandlesCase = %v, %v; want %v", got, err, tc.want)
				}
			})
		}
		t.Run("a failed look-up is reported", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if ok, err := policy.HandlesCase(ctx, w.c, w.viewer(editorKey), w.nA); ok || err == nil {
				t.Fatalf("cancelled look-up: %v, %v; want false and an error", ok, err)
			}
		})
	})
}

// PartnerUniversity: whose partner view a caller reads.
func TestPartnerUniversity(t *testing.T) {
	const own, another = 7, 8
	partner := &auth.Viewer{KeyID: 1, Role: auth.RolePartner, OrganizationID: own, Scope: []int{own}}
	for _, tc := range []struct {
		name      string
		v         *auth.Viewer
		requested int
		want      int
		err       error
	}{
		{"anonymous callers are asked for a key", nil, own, 0, auth.ErrUnauthenticated},
		{"a partner reads its own university by default", partner, 0, own, nil},
		{"a partner reads its own university when it names it", partner, own, own, nil},
		{"a partner reads no other university", partner, another, 0, auth.ErrForbidden},
		{"a partner key without a university reads none",
			&auth.Viewer{KeyID: 2, Role: auth.RolePartner}, 0, 0, auth.ErrForbidden},
		{"ADMIN reads the university it names", &auth.Viewer{Role: auth.RoleAdmin}, another, another, nil},
		{"ADMIN naming none must then ask for one", &auth.Viewer{Role: auth.RoleAdmin}, 0, 0, nil},
		{"the operator reads any university", &auth.Viewer{System: true}, own, own, nil},
		{"an editor of the university reads no partner view",
			&auth.Viewer{Role: auth.RoleEditor, OrganizationID: own, Scope: []int{own}}, own, 0, auth.ErrForbidden},
		{"a reviewer reads no partner view",
			&auth.Viewer{Role: auth.RoleReviewer, OrganizationID: own, Scope: []int{own}}, 0, 0, auth.ErrForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.v != nil {
				ctx = auth.NewContext(ctx, tc.v)
			}
			got, err := policy.PartnerUniversity(ctx, tc.requested)
			if got != tc.want || err != tc.err {
				t.Fatalf("PartnerUniversity(%d) = %d, %v; want %d, %v", tc.requested, got, err, tc.want, tc.err)
			}
		})
	}
}

// PersonalDataReaders: SeesPersonalData for many people at once, looked up
// afresh (no memo) and in the order asked.
func TestPersonalDataReaders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		now := time.Now()
		asked := []int{w.pO, w.pT, w.pV, w.pA, w.pN}
		for _, tc := range []struct {
			who  who
			want []int
		}{
			{adminKey, asked},
			{operator, asked},
			{editorKey, []int{w.pT, w.pA}},
			{teamEditorKey, []int{w.pT}},
			{reviewerKey, nil},
			{partnerKey, nil},
			{scopeless, nil},
			{anonymous, nil},
		} {
			got, err := policy.PersonalDataReaders(context.Background(), w.c, w.viewer(tc.who), now, asked...)
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, %v; want %v", tc.who, got, err, tc.want)
			}
		}
		if got, err := policy.PersonalDataReaders(context.Background(), w.c, w.viewer(editorKey), now); got != nil || err != nil {
			t.Errorf("nobody asked: %v, %v", got, err)
		}
		// A member who has left is no longer read, even within the request.
		tx := mk(w.c.Tx(context.Background()))
		defer func() { _ = tx.Rollback() }()
		mk(0, tx.Membership.UpdateOneID(w.mA).SetLeftOn(calendar.Date(now).AddDate(0, 0, -1)).Exec(sys()))
		if got, _ := policy.PersonalDataReaders(context.Background(), tx.Client(), w.viewer(editorKey), now, w.pA, w.pT); !slices.Equal(got, []int{w.pT}) {
			t.Errorf("after pA left: %v, want only pT", got)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := policy.PersonalDataReaders(ctx, w.c, w.viewer(editorKey), now, w.pA); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled: %v", err)
		}
	})
}
