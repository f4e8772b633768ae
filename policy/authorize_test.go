package policy_test

import (
	"context"
	"errors"
	"testing"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/policy"
)

// The May… pre-checks decide with the write rules before a mutation reads
// anything. Their refusals are the bare sentinels auth.ErrForbidden and
// auth.ErrUnauthenticated — the same for a target that does not exist as
// for one outside the scope, so the refusal tells nothing — and they
// agree with the write rules tested in rules_test.go.
func TestMayPreChecks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		c := w.c
		ptr := func(id int) *int { return &id }
		targets := func(people ...int) []policy.RecordTarget {
			out := make([]policy.RecordTarget, len(people))
			for i, p := range people {
				out[i] = policy.RecordTarget{PersonID: p, ServedOn: day(1)}
			}
			return out
		}
		type call func(ctx context.Context) error
		for _, tc := range []struct {
			name string
			who  who
			call call
			want error
		}{
			{"organisation under its own", editorKey, func(ctx context.Context) error { return policy.MayCreateOrganization(ctx, c, ptr(w.agency)) }, nil},
			{"no organisation under an outside one", editorKey, func(ctx context.Context) error { return policy.MayCreateOrganization(ctx, c, ptr(w.other)) }, auth.ErrForbidden},
			{"no top-level organisation", editorKey, func(ctx context.Context) error { return policy.MayCreateOrganization(ctx, c, nil) }, auth.ErrForbidden},
			{"reviewers create no organisation", reviewerKey, func(ctx context.Context) error { return policy.MayCreateOrganization(ctx, c, ptr(w.agency)) }, auth.ErrForbidden},
			{"partner keys create no organisation", partnerKey, func(ctx context.Context) error { return policy.MayCreateOrganization(ctx, c, ptr(w.uni)) }, auth.ErrForbidden},
			{"anonymous callers create nothing", anonymous, func(ctx context.Context) error { return policy.MayCreateOrganization(ctx, c, ptr(w.agency)) }, auth.ErrUnauthenticated},
			{"ADMIN creates a top-level organisation", adminKey, func(ctx context.Context) error { return policy.MayCreateOrganization(ctx, c, nil) }, nil},
			{"the operator creates anything", operator, func(ctx context.Context) error { return policy.MayCreateOrganization(ctx, c, nil) }, nil},
			{"changes a child", editorKey, func(ctx context.Context) error { return policy.MayUpdateOrganization(ctx, c, w.team, nil) }, nil},
			{"moves a child within its scope", editorKey, func(ctx context.Context) error { return policy.MayUpdateOrganization(ctx, c, w.partyIn, ptr(w.team)) }, nil},
			{"moves no child out of its scope", editorKey, func(ctx context.Context) error { return policy.MayUpdateOrganization(ctx, c, w.team, ptr(w.other)) }, auth.ErrForbidden},
			{"changes no outside organisation", editorKey, func(ctx context.Context) error { return policy.MayUpdateOrganization(ctx, c, w.other, nil) }, auth.ErrForbidden},
			{"a missing organisation is refused like an outside one", editorKey, func(ctx context.Context) error { return policy.MayUpdateOrganization(ctx, c, noID, nil) }, auth.ErrForbidden},

			{"links its Party branch outward", editorKey, func(ctx context.Context) error { return policy.MayCreatePartyBuildingLink(ctx, c, w.partyIn, w.other) }, nil},
			{"links an outside Party organisation to its unit", editorKey, func(ctx context.Context) error { return policy.MayCreatePartyBuildingLink(ctx, c, w.partyOut, w.team) }, nil},
			{"links no two outside organisations", editorKey, func(ctx context.Context) error { return policy.MayCreatePartyBuildingLink(ctx, c, w.partyOut, w.other) }, auth.ErrForbidden},
			{"changes a link of its scope", editorKey, func(ctx context.Context) error { return policy.MayChangePartyBuildingLink(ctx, c, w.linkPartnerIn) }, nil},
			{"changes no outside link", editorKey, func(ctx context.Context) error { return policy.MayChangePartyBuildingLink(ctx, c, w.linkOut) }, auth.ErrForbidden},
			{"a missing link is refused like an outside one", editorKey, func(ctx context.Context) error { return policy.MayChangePartyBuildingLink(ctx, c, noID) }, auth.ErrForbidden},
			{"partnership from its scope", editorKey, func(ctx context.Context) error { return policy.MayCreatePartnership(ctx, c, w.agency, w.uni) }, nil},
			{"partnership with its unit as partner", editorKey, func(ctx context.Context) error { return policy.MayCreatePartnership(ctx, c, w.uni, w.team) }, nil},
			{"no partnership between outside organisations", editorKey, func(ctx context.Context) error { return policy.MayCreatePartnership(ctx, c, w.other, w.uni) }, auth.ErrForbidden},
			{"changes a partnership of its scope", editorKey, func(ctx context.Context) error { return policy.MayChangePartnership(ctx, c, w.shipOrgIn) }, nil},
			{"changes no outside partnership", editorKey, func(ctx context.Context) error { return policy.MayChangePartnership(ctx, c, w.shipOut) }, auth.ErrForbidden},

			{"starts a project its organisation leads", editorKey, func(ctx context.Context) error { return policy.MayCreateProject(ctx, c, []int{w.agency}) }, nil},
			{"starts no project led from outside", editorKey, func(ctx context.Context) error { return policy.MayCreateProject(ctx, c, []int{w.other}) }, auth.ErrForbidden},
			{"starts no project with one lead outside", editorKey, func(ctx context.Context) error { return policy.MayCreateProject(ctx, c, []int{w.team, w.other}) }, auth.ErrForbidden},
			{"reviewers start no project", reviewerKey, func(ctx context.Context) error { return policy.MayCreateProject(ctx, c, []int{w.agency}) }, auth.ErrForbidden},
			{"ADMIN starts any project", adminKey, func(ctx context.Context) error { return policy.MayCreateProject(ctx, c, []int{w.other}) }, nil},
			{"changes a project it leads", editorKey, func(ctx context.Context) error { return policy.MayUpdateProject(ctx, c, w.prjA, nil) }, nil},
			{"hands the lead within its scope", editorKey, func(ctx context.Context) error { return policy.MayUpdateProject(ctx, c, w.prjA, []int{w.team}) }, nil},
			{"hands no lead outside its scope", editorKey, func(ctx context.Context) error { return policy.MayUpdateProject(ctx, c, w.prjA, []int{w.other}) }, auth.ErrForbidden},
			{"changes no project it only takes part in", editorKey, func(ctx context.Context) error { return policy.MayUpdateProject(ctx, c, w.prjO, nil) }, auth.ErrForbidden},
			{"a missing project is refused like an outside one", editorKey, func(ctx context.Context) error { return policy.MayUpdateProject(ctx, c, noID, nil) }, auth.ErrForbidden},

			{"organises for a unit in scope", editorKey, func(ctx context.Context) error { return policy.MayCreateActivity(ctx, c, w.team) }, nil},
			{"organises nothing for an outside organisation", editorKey, func(ctx context.Context) error { return policy.MayCreateActivity(ctx, c, w.other) }, auth.ErrForbidden},
			{"changes an activity of its scope", editorKey, func(ctx context.Context) error { return policy.MayUpdateActivity(ctx, c, w.actT) }, nil},
			{"changes no outside activity", editorKey, func(ctx context.Context) error { return policy.MayUpdateActivity(ctx, c, w.actO) }, auth.ErrForbidden},
			{"a missing activity is refused like an outside one", editorKey, func(ctx context.Context) error { return policy.MayUpdateActivity(ctx, c, noID) }, auth.ErrForbidden},
			{"records an outcome of a project it leads", editorKey, func(ctx context.Context) error { return policy.MayCreateOutcome(ctx, c, w.prjA) }, nil},
			{"records no outcome of a project it does not lead", editorKey, func(ctx context.Context) error { return policy.MayCreateOutcome(ctx, c, w.prjO) }, auth.ErrForbidden},
			{"changes an outcome of a project it leads", editorKey, func(ctx context.Context) error { return policy.MayUpdateOutcome(ctx, c, w.oA2) }, nil},
			{"changes no outcome of a project it does not lead", editorKey, func(ctx context.Context) error { return policy.MayUpdateOutcome(ctx, c, w.oO) }, auth.ErrForbidden},
			{"a missing outcome is refused like an outside one", editorKey, func(ctx context.Context) error { return policy.MayUpdateOutcome(ctx, c, noID) }, auth.ErrForbidden},
			{"ADMIN defines indicators", adminKey, func(ctx context.Context) error { return policy.MayDefineIndicators(ctx, c) }, nil},
			{"editors define no indicator", editorKey, func(ctx context.Context) error { return policy.MayDefineIndicators(ctx, c) }, auth.ErrForbidden},
			{"anonymous callers define no indicator", anonymous, func(ctx context.Context) error { return policy.MayDefineIndicators(ctx, c) }, auth.ErrUnauthenticated},

			{"records a need", editorKey, func(ctx context.Context) error { return policy.MayCreateNeed(ctx, c) }, nil},
			{"reviewers record no need", reviewerKey, func(ctx context.Context) error { return policy.MayCreateNeed(ctx, c) }, auth.ErrForbidden},
			{"partner keys record no need", partnerKey, func(ctx context.Context) error { return policy.MayCreateNeed(ctx, c) }, auth.ErrForbidden},
			{"works on a need of its scope", editorKey, func(ctx context.Context) error { return policy.MayUpdateNeed(ctx, c, w.nA, nil) }, nil},
			{"matches an open need to its scope", editorKey, func(ctx context.Context) error { return policy.MayUpdateNeed(ctx, c, w.nOpen, ptr(w.team)) }, nil},
			{"matches no need outside its scope", editorKey, func(ctx context.Context) error { return policy.MayUpdateNeed(ctx, c, w.nOpen, ptr(w.other)) }, auth.ErrForbidden},
			{"works on no outside need", editorKey, func(ctx context.Context) error { return policy.MayUpdateNeed(ctx, c, w.nO, nil) }, auth.ErrForbidden},
			{"a missing need is refused like an outside one", editorKey, func(ctx context.Context) error { return policy.MayUpdateNeed(ctx, c, noID, nil) }, auth.ErrForbidden},

			{"registers a volunteer in its scope", editorKey, func(ctx context.Context) error { return policy.MayRegisterVolunteer(ctx, c, w.team) }, nil},
			{"registers nobody in an outside organisation", editorKey, func(ctx context.Context) error { return policy.MayRegisterVolunteer(ctx, c, w.other) }, auth.ErrForbidden},
			{"reviewers register nobody", reviewerKey, func(ctx context.Context) error { return policy.MayRegisterVolunteer(ctx, c, w.agency) }, auth.ErrForbidden},
			{"ends a membership of its scope", editorKey, func(ctx context.Context) error { return policy.MayEndMembership(ctx, c, w.mT) }, nil},
			{"ends no outside membership", editorKey, func(ctx context.Context) error { return policy.MayEndMembership(ctx, c, w.mO) }, auth.ErrForbidden},
			{"a missing membership is refused like an outside one", editorKey, func(ctx context.Context) error { return policy.MayEndMembership(ctx, c, noID) }, auth.ErrForbidden},

			{"certifies a member", editorKey, func(ctx context.Context) error { return policy.MayIssueCertificate(ctx, c, w.pA) }, nil},
			{"reviewers certify a member", reviewerKey, func(ctx context.Context) error { return policy.MayIssueCertificate(ctx, c, w.pT) }, nil},
			{"certifies no visitor", editorKey, func(ctx context.Context) error { return policy.MayIssueCertificate(ctx, c, w.pV) }, auth.ErrForbidden},
			{"certifies no missing person", editorKey, func(ctx context.Context) error { return policy.MayIssueCertificate(ctx, c, noID) }, auth.ErrForbidden},
			{"revokes a member's certificate", editorKey, func(ctx context.Context) error { return policy.MayRevokeCertificate(ctx, c, w.cA1) }, nil},
			{"revokes no outside certificate", editorKey, func(ctx context.Context) error { return policy.MayRevokeCertificate(ctx, c, w.cO) }, auth.ErrForbidden},
			{"a missing certificate is refused like an outside one", editorKey, func(ctx context.Context) error { return policy.MayRevokeCertificate(ctx, c, noID) }, auth.ErrForbidden},
			{"anonymous callers revoke nothing", anonymous, func(ctx context.Context) error { return policy.MayRevokeCertificate(ctx, c, w.cA1) }, auth.ErrUnauthenticated},
			{"ADMIN learns of a missing certificate later, as NOT_FOUND", adminKey, func(ctx context.Context) error { return policy.MayRevokeCertificate(ctx, c, noID) }, nil},

			{"logs hours of members of the activity's organisation and below", editorKey, func(ctx context.Context) error { return policy.MayLogHours(ctx, c, w.actA, targets(w.pA, w.pT)) }, nil},
			{"logs no batch with one visitor in it", editorKey, func(ctx context.Context) error { return policy.MayLogHours(ctx, c, w.actA, targets(w.pA, w.pV)) }, auth.ErrForbidden},
			{"logs no hours for the parent's member at a team activity", editorKey, func(ctx context.Context) error { return policy.MayLogHours(ctx, c, w.actT, targets(w.pA)) }, auth.ErrForbidden},
			{"logs nothing at an outside activity", editorKey, func(ctx context.Context) error { return policy.MayLogHours(ctx, c, w.actO, targets(w.pO)) }, auth.ErrForbidden},
			{"logs nothing at a missing activity", editorKey, func(ctx context.Context) error { return policy.MayLogHours(ctx, c, noID, targets(w.pA)) }, auth.ErrForbidden},
			{"reviewers log no hours", reviewerKey, func(ctx context.Context) error { return policy.MayLogHours(ctx, c, w.actA, targets(w.pA)) }, auth.ErrForbidden},
			{"anonymous callers log no hours", anonymous, func(ctx context.Context) error { return policy.MayLogHours(ctx, c, w.actA, targets(w.pA)) }, auth.ErrUnauthenticated},
			{"ADMIN logs anyone's hours anywhere", adminKey, func(ctx context.Context) error { return policy.MayLogHours(ctx, c, w.actO, targets(w.pV)) }, nil},

			{"corrects a member's record", editorKey, func(ctx context.Context) error { return policy.MayCorrectRecord(ctx, c, w.rT, nil) }, nil},
			{"corrects a member's record to another day", editorKey, func(ctx context.Context) error { d := day(2); return policy.MayCorrectRecord(ctx, c, w.rA, &d) }, nil},
			{"corrects no visitor's record", editorKey, func(ctx context.Context) error { return policy.MayCorrectRecord(ctx, c, w.rV, nil) }, auth.ErrForbidden},
			{"corrects no outside record", editorKey, func(ctx context.Context) error { return policy.MayCorrectRecord(ctx, c, w.rO, nil) }, auth.ErrForbidden},
			{"a missing record is refused like an outside one", editorKey, func(ctx context.Context) error { return policy.MayCorrectRecord(ctx, c, noID, nil) }, auth.ErrForbidden},
			{"reviewers correct nothing", reviewerKey, func(ctx context.Context) error { return policy.MayCorrectRecord(ctx, c, w.rA, nil) }, auth.ErrForbidden},
			{"anonymous callers correct nothing", anonymous, func(ctx context.Context) error { return policy.MayCorrectRecord(ctx, c, w.rA, nil) }, auth.ErrUnauthenticated},
			{"ADMIN corrects any record", adminKey, func(ctx context.Context) error { return policy.MayCorrectRecord(ctx, c, w.rO, nil) }, nil},

			{"reviews records of its scope", reviewerKey, func(ctx context.Context) error { return policy.MayReviewRecords(ctx, c, []int{w.rA, w.rV, w.rT}) }, nil},
			{"reviews a record named twice", reviewerKey, func(ctx context.Context) error { return policy.MayReviewRecords(ctx, c, []int{w.rA, w.rA}) }, nil},
			{"reviews no batch with one outside record", reviewerKey, func(ctx context.Context) error { return policy.MayReviewRecords(ctx, c, []int{w.rA, w.rO}) }, auth.ErrForbidden},
			{"a missing record is refused like an outside one in review", reviewerKey, func(ctx context.Context) error { return policy.MayReviewRecords(ctx, c, []int{w.rA, noID}) }, auth.ErrForbidden},
			{"an empty list is left to the input check", reviewerKey, func(ctx context.Context) error { return policy.MayReviewRecords(ctx, c, nil) }, nil},
			{"editors review nothing", editorKey, func(ctx context.Context) error { return policy.MayReviewRecords(ctx, c, []int{w.rA}) }, auth.ErrForbidden},
			{"partner keys review nothing", partnerKey, func(ctx context.Context) error { return policy.MayReviewRecords(ctx, c, []int{w.rU}) }, auth.ErrForbidden},
			{"anonymous callers review nothing", anonymous, func(ctx context.Context) error { return policy.MayReviewRecords(ctx, c, []int{w.rA}) }, auth.ErrUnauthenticated},
			{"ADMIN reviews any record", adminKey, func(ctx context.Context) error { return policy.MayReviewRecords(ctx, c, []int{w.rO}) }, nil},
		} {
			t.Run(tc.who.String()+"/"+tc.name, func(t *testing.T) {
				// Identity, not errors.Is: the reason a rule gave must not
				// reach the caller.
				if err := tc.call(w.as(tc.who)); err != tc.want {
					t.Fatalf("got %v, want %v", err, tc.want)
				}
			})
		}

		// An earlier decision other than allow lets nothing through that
		// the viewer's own rules refuse.
		t.Run("a deny decision in the context allows nothing", func(t *testing.T) {
			ctx := privacy.DecisionContext(w.as(editorKey), privacy.Deny)
			if err := policy.MayUpdateActivity(ctx, c, w.actO); err != auth.ErrForbidden {
				t.Fatalf("got %v, want FORBIDDEN", err)
			}
		})

		// A failure to decide is reported as what it is, never as a
		// refusal or a yes.
		cancelled, cancel := context.WithCancel(w.as(editorKey))
		cancel()
		reviewing, cancel := context.WithCancel(w.as(reviewerKey))
		cancel()
		for name, call := range map[string]func() error{
			"MayUpdateActivity": func() error { return policy.MayUpdateActivity(cancelled, c, w.actA) },
			"MayLogHours":       func() error { return policy.MayLogHours(cancelled, c, w.actA, targets(w.pA)) },
			"MayCorrectRecord":  func() error { return policy.MayCorrectRecord(cancelled, c, w.rA, nil) },
			"MayReviewRecords":  func() error { return policy.MayReviewRecords(reviewing, c, []int{w.rA}) },
		} {
			t.Run("a failed look-up is an error/"+name, func(t *testing.T) {
				if err := call(); !errors.Is(err, context.Canceled) {
					t.Fatalf("got %v, want context.Canceled", err)
				}
			})
		}
	})
}

// Hours and corrections only for days on which the person was a member.
func TestMayLogHoursMembershipDays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		tx := mk(w.c.Tx(context.Background()))
		defer func() { _ = tx.Rollback() }()
		c := tx.Client()
		mk(0, c.Membership.UpdateOneID(w.mA).SetLeftOn(day(3)).Exec(sys()))
		ctx := w.as(editorKey)
		on := func(days ...int) []policy.RecordTarget {
			out := make([]policy.RecordTarget, len(days))
			for i, d := range days {
				out[i] = policy.RecordTarget{PersonID: w.pA, ServedOn: day(d)}
			}
			return out
		}
		if err := policy.MayLogHours(ctx, c, w.actA, on(1, 3)); err != nil {
			t.Errorf("days up to the one the member left: %v", err)
		}
		if err := policy.MayLogHours(ctx, c, w.actA, on(1, 4)); err != auth.ErrForbidden {
			t.Errorf("a day after the member left: %v, want FORBIDDEN", err)
		}
		after := day(4)
		if err := policy.MayCorrectRecord(ctx, c, w.rA, &after); err != auth.ErrForbidden {
			t.Errorf("a correction to a day after the member left: %v, want FORBIDDEN", err)
		}
		// Another, still open membership in the scope keeps them a member.
		mk(c.Membership.Create().SetPersonID(w.pA).SetOrganizationID(w.team).SetRole("VOLUNTEER").SetJoinedOn(day(0)).Save(sys()))
		if err := policy.MayLogHours(w.as(editorKey), c, w.actA, on(1, 4)); err != nil {
			t.Errorf("still a member of the team: %v", err)
		}
	})
}

// Batches larger than one IN (…) list are checked list by list, every
// list counting: the one outside record may come last.
func TestLargeBatches(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		const n = 600
		builders := make([]*ent.ServiceRecordCreate, n)
		for i := range builders {
			builders[i] = w.c.ServiceRecord.Create().SetPersonID(w.pA).SetActivityID(w.actA).
				SetServedOn(day(1)).SetMinutes(30).SetRecordedBy("test")
		}
		var ids []int
		for _, r := range mk(w.c.ServiceRecord.CreateBulk(builders...).Save(sys())) {
			ids = append(ids, r.ID)
		}
		ctx := w.as(reviewerKey)
		if err := policy.MayReviewRecords(ctx, w.c, ids); err != nil {
			t.Fatalf("%d records in scope: %v", n, err)
		}
		if err := policy.MayReviewRecords(ctx, w.c, append(ids, w.rO)); err != auth.ErrForbidden {
			t.Fatalf("%d records in scope and one outside, last: %v, want FORBIDDEN", n, err)
		}
		// The same through the write rule, in bulk.
		tx := mk(w.c.Tx(context.Background()))
		defer func() { _ = tx.Rollback() }()
		err := tx.ServiceRecord.Update().Where(servicerecord.IDIn(append(ids, w.rO)...)).SetReviewNote("ok").Exec(ctx)
		expect(t, err, forbidden)
	})
}

// SeesPerson: whether a mutation may name a person (say, the existing
// volunteer of a duplicate ID number) — the PeopleRows rule, asked of one row.
func TestSeesPerson(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		for _, tc := range []struct {
			who    who
			person int
			want   bool
		}{
			{adminKey, w.pN, true},
			{operator, w.pO, true},
			{editorKey, w.pA, true},
			{editorKey, w.pV, true}, // a visitor at its activity
			{editorKey, w.pO, false},
			{editorKey, w.pN, false},
			{teamEditorKey, w.pA, false},
			{reviewerKey, w.pT, true},
			{partnerKey, w.pU, false},
			{unknownRole, w.pA, false},
			{anonymous, w.pA, false},
		} {
			got, err := policy.SeesPerson(w.as(tc.who), w.c, tc.person)
			if err != nil || got != tc.want {
				t.Errorf("%s, person %d: %v, %v; want %v", tc.who, tc.person, got, err, tc.want)
			}
		}
		ctx, cancel := context.WithCancel(w.as(editorKey))
		cancel()
		if ok, err := policy.SeesPerson(ctx, w.c, w.pA); ok || !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled: %v, %v; want false and the error", ok, err)
		}
	})
}

// TestMayLogHoursManyAnswersEachBatch: asked for many batches at once,
// MayLogHoursMany answers each as MayLogHours answers it alone — the
// people of one batch are judged against its own activity's subtree, never
// the union of all the batches' subtrees.
func TestMayLogHoursManyAnswersEachBatch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		const noID = 1 << 40
		at := func(act int, people ...int) policy.LogTarget {
			b := policy.LogTarget{ActivityID: act}
			for _, p := range people {
				b.Targets = append(b.Targets, policy.RecordTarget{PersonID: p, ServedOn: day(1)})
			}
			return b
		}
		batches := []policy.LogTarget{
			at(w.actA, w.pA, w.pT), // the agency's activity: its members and its team's
			at(w.actT, w.pA),       // the team's activity: the agency's member is not the team's
			at(w.actT, w.pT),
			at(w.actA, w.pA, w.pV), // one visitor refuses the batch
			at(w.actO, w.pO),       // outside the scope
			at(noID, w.pA),         // missing
			at(w.actA),             // no one: the record count is checked later
		}
		for _, k := range []who{editorKey, reviewerKey, anonymous, adminKey} {
			ctx := w.as(k)
			answers, err := policy.MayLogHoursMany(ctx, w.c, batches)
			if err != nil {
				t.Fatal(err)
			}
			for i, b := range batches {
				if alone := policy.MayLogHours(ctx, w.c, b.ActivityID, b.Targets); answers[i] != alone {
					t.Errorf("%v, batch %d: %v together, %v alone", k, i, answers[i], alone)
				}
			}
			if k == editorKey && (answers[0] != nil || answers[1] != auth.ErrForbidden || answers[2] != nil || answers[3] != auth.ErrForbidden) {
				t.Errorf("editor: %v", answers)
			}
		}
	})
}
