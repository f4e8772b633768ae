package policy_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/casecrisis"
	"github.com/tongxing/tongxing/ent/casefile"
	"github.com/tongxing/tongxing/ent/casegoal"
	"github.com/tongxing/tongxing/ent/casereferral"
	"github.com/tongxing/tongxing/ent/caseresident"
	"github.com/tongxing/tongxing/ent/casesession"
	"github.com/tongxing/tongxing/ent/casevolunteer"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/policy"
)

// The case rules (policy/casework.go), residents included (CaseResident),
// tested on a case fixture built on the world of fixture_test.go:
//
//	agency (孝慈社工) ─ team       other (秀水社工)
//
// Workers are world people: pA and pV hold WORKER keys of the agency, pT
// works the team's case, pO holds a WORKER key of other; pN holds the
// agency's SUPERVISOR key. The cases, by agency and responsible worker:
//
//	cOpen      agency  pA  open (closed_on nil)
//	cOpen2     agency  pV  open
//	cRecent    agency  pA  closed the day after the seal boundary
//	cBoundary  agency  pA  closed on the boundary itself: still readable
//	cSealed    agency  pA  closed the day before the boundary: sealed
//	cPurged    agency  pA  PURGED, agency kept and closed_on nil, so that
//	                       only the status hides it
//	cTeam      team    pT  open: the agency's SUPERVISOR does not read it
//	cOther     other   pO  open
//	cOtherA    other   pA  open: pA's, but not the agency's
//
// Every case has one goal, session, crisis and volunteer, and a resident
// of its own (res[case]) but cSealed, whose resident came back and is
// cRecent's too (read through the case still readable). resLoose belongs to
// no case. Referrals: refOpen (cOpen → other), refOpen2 (cOpen2 → uni),
// refOther (cOther → agency), refSealed (cSealed → other).
//
// Case tables take random ids (randomids.Register, registered by
// database.Open): the fixture keeps the ids each write returns and never
// relies on their order.
type caseWorld struct {
	*world
	boundary time.Time // policy.CaseSealedBefore(now) as the fixture was made

	res      map[int]int // case → resident
	resLoose int

	cOpen, cOpen2, cRecent, cBoundary, cSealed, cPurged, cTeam, cOther, cOtherA int

	parts map[string]map[int]int // part name → case → row

	refOpen, refOpen2, refOther, refSealed int
}

// The parts of a case: each with its create, bulk or single update and
// delete, and read.
type casePart struct {
	name string
	// create adds a row to caseID; 0 gives no case.
	create func(ctx context.Context, c *ent.Client, caseID int) (int, error)
	change func(ctx context.Context, c *ent.Client, ids ...int) error
	remove func(ctx context.Context, c *ent.Client, ids ...int) error
	read   readAll
	// deletable: goals, which a new plan replaces; the other parts are
	// never deleted but by purging.
	deletable bool
}

func caseParts(w *world) []casePart {
	return []casePart{
		{
			name: "goal",
			create: func(ctx context.Context, c *ent.Client, caseID int) (int, error) {
				q := c.CaseGoal.Create().SetPosition(1).SetDescriptionCiphertext([]byte("g"))
				if caseID != 0 {
					q.SetCaseID(caseID)
				}
				row, err := q.Save(ctx)
				if err != nil {
					return 0, err
				}
				return row.ID, nil
			},
			change: func(ctx context.Context, c *ent.Client, ids ...int) error {
				if len(ids) == 1 {
					return c.CaseGoal.UpdateOneID(ids[0]).SetResult(casegoal.ResultMET).Exec(ctx)
				}
				return c.CaseGoal.Update().Where(casegoal.IDIn(ids...)).SetResult(casegoal.ResultMET).Exec(ctx)
			},
			remove: func(ctx context.Context, c *ent.Client, ids ...int) error {
				if len(ids) == 1 {
					return c.CaseGoal.DeleteOneID(ids[0]).Exec(ctx)
				}
				return saved(c.CaseGoal.Delete().Where(casegoal.IDIn(ids...)).Exec(ctx))
			},
			read:      func(ctx context.Context, c *ent.Client) ([]int, error) { return c.CaseGoal.Query().IDs(ctx) },
			deletable: true,
		},
		{
			name: "session",
			create: func(ctx context.Context, c *ent.Client, caseID int) (int, error) {
				q := c.CaseSession.Create().SetHeldOn(day(2)).SetKind(casesession.KindHOME_VISIT).SetMinutes(60).
					SetRecordedBy("worker")
				if caseID != 0 {
					q.SetCaseID(caseID)
				}
				row, err := q.Save(ctx)
				if err != nil {
					return 0, err
				}
				return row.ID, nil
			},
			change: func(ctx context.Context, c *ent.Client, ids ...int) error {
				if len(ids) == 1 {
					return c.CaseSession.UpdateOneID(ids[0]).SetMinutes(90).Exec(ctx)
				}
				return c.CaseSession.Update().Where(casesession.IDIn(ids...)).SetMinutes(90).Exec(ctx)
			},
			remove: func(ctx context.Context, c *ent.Client, ids ...int) error {
				if len(ids) == 1 {
					return c.CaseSession.DeleteOneID(ids[0]).Exec(ctx)
				}
				return saved(c.CaseSession.Delete().Where(casesession.IDIn(ids...)).Exec(ctx))
			},
			read: func(ctx context.Context, c *ent.Client) ([]int, error) { return c.CaseSession.Query().IDs(ctx) },
		},
		{
			name: "crisis",
			create: func(ctx context.Context, c *ent.Client, caseID int) (int, error) {
				q := c.CaseCrisis.Create().SetOccurredAt(day(2)).SetRiskLevel(casecrisis.RiskLevelHIGH).
					SetDescriptionCiphertext([]byte("d")).SetActionsCiphertext([]byte("a")).SetReportedBy("worker")
				if caseID != 0 {
					q.SetCaseID(caseID)
				}
				row, err := q.Save(ctx)
				if err != nil {
					return 0, err
				}
				return row.ID, nil
			},
			change: func(ctx context.Context, c *ent.Client, ids ...int) error {
				if len(ids) == 1 {
					return c.CaseCrisis.UpdateOneID(ids[0]).SetAcknowledgedBy("supervisor").Exec(ctx)
				}
				return c.CaseCrisis.Update().Where(casecrisis.IDIn(ids...)).SetAcknowledgedBy("supervisor").Exec(ctx)
			},
			remove: func(ctx context.Context, c *ent.Client, ids ...int) error {
				if len(ids) == 1 {
					return c.CaseCrisis.DeleteOneID(ids[0]).Exec(ctx)
				}
				return saved(c.CaseCrisis.Delete().Where(casecrisis.IDIn(ids...)).Exec(ctx))
			},
			read: func(ctx context.Context, c *ent.Client) ([]int, error) { return c.CaseCrisis.Query().IDs(ctx) },
		},
		{
			name: "volunteer",
			create: func(ctx context.Context, c *ent.Client, caseID int) (int, error) {
				q := c.CaseVolunteer.Create().SetPersonID(w.pT).SetRole(casevolunteer.RoleTUTOR).SetAssignedOn(day(2))
				if caseID != 0 {
					q.SetCaseID(caseID)
				}
				row, err := q.Save(ctx)
				if err != nil {
					return 0, err
				}
				return row.ID, nil
			},
			change: func(ctx context.Context, c *ent.Client, ids ...int) error {
				if len(ids) == 1 {
					return c.CaseVolunteer.UpdateOneID(ids[0]).SetEndedOn(day(9)).Exec(ctx)
				}
				return c.CaseVolunteer.Update().Where(casevolunteer.IDIn(ids...)).SetEndedOn(day(9)).Exec(ctx)
			},
			remove: func(ctx context.Context, c *ent.Client, ids ...int) error {
				if len(ids) == 1 {
					return c.CaseVolunteer.DeleteOneID(ids[0]).Exec(ctx)
				}
				return saved(c.CaseVolunteer.Delete().Where(casevolunteer.IDIn(ids...)).Exec(ctx))
			},
			read: func(ctx context.Context, c *ent.Client) ([]int, error) { return c.CaseVolunteer.Query().IDs(ctx) },
		},
	}
}

func newCaseWorld(t testing.TB, db *database.DB) *caseWorld {
	t.Helper()
	w := newWorld(t, db)
	ctx, c := sys(), w.c
	cw := &caseWorld{world: w, boundary: policy.CaseSealedBefore(time.Now()), parts: map[string]map[int]int{},
		res: map[int]int{}}

	resident := func() int {
		return mk(c.CaseResident.Create().SetName("小伟").Save(ctx)).ID
	}
	kase := func(agency, worker, res int, status casefile.Status, closed *time.Time) int {
		q := c.CaseFile.Create().SetAgencyID(agency).SetResponsibleWorkerID(worker).SetResidentID(res).
			SetRegionID(w.town.ID).SetKind(casefile.KindCHILD_PROTECTION).SetStatus(status).
			SetOpenedOn(cw.boundary.AddDate(-1, 0, 0)).SetNillableClosedOn(closed)
		id := mk(q.Save(ctx)).ID
		cw.res[id] = res
		return id
	}
	at := func(days int) *time.Time { d := cw.boundary.AddDate(0, 0, days); return &d }
	open, closed := casefile.StatusOPEN, casefile.StatusCLOSED
	cw.cOpen = kase(w.agency, w.pA, resident(), open, nil)
	cw.cOpen2 = kase(w.agency, w.pV, resident(), open, nil)
	cw.cRecent = kase(w.agency, w.pA, resident(), closed, at(1))
	cw.cBoundary = kase(w.agency, w.pA, resident(), closed, at(0))
	cw.cSealed = kase(w.agency, w.pA, cw.res[cw.cRecent], closed, at(-1))
	cw.cPurged = kase(w.agency, w.pA, resident(), casefile.StatusPURGED, nil)
	cw.cTeam = kase(w.team, w.pT, resident(), open, nil)
	cw.cOther = kase(w.other, w.pO, resident(), open, nil)
	cw.cOtherA = kase(w.other, w.pA, resident(), open, nil)
	cw.resLoose = resident()

	for _, p := range caseParts(w) {
		cw.parts[p.name] = map[int]int{}
		for _, id := range cw.allCases() {
			cw.parts[p.name][id] = mk(p.create(ctx, c, id))
		}
	}

	refer := func(caseID, to int) int {
		return mk(c.CaseReferral.Create().SetCaseID(caseID).SetToOrganizationID(to).SetReferredOn(day(3)).
			SetReasonCiphertext([]byte("r")).Save(ctx)).ID
	}
	cw.refOpen = refer(cw.cOpen, w.other)
	cw.refOpen2 = refer(cw.cOpen2, w.uni)
	cw.refOther = refer(cw.cOther, w.agency)
	cw.refSealed = refer(cw.cSealed, w.other)
	return cw
}

// allCases lists every case of the fixture.
func (cw *caseWorld) allCases() []int {
	return []int{cw.cOpen, cw.cOpen2, cw.cRecent, cw.cBoundary, cw.cSealed, cw.cPurged, cw.cTeam, cw.cOther, cw.cOtherA}
}

// partsOf returns the rows of one part that belong to cases.
func (cw *caseWorld) partsOf(name string, cases []int) []int {
	var out []int
	for _, id := range cases {
		out = append(out, cw.parts[name][id])
	}
	return out
}

// residentsOf returns the residents of cases, each once.
func (cw *caseWorld) residentsOf(cases []int) []int {
	seen := map[int]bool{}
	var out []int
	for _, id := range cases {
		if r := cw.res[id]; !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

// stillToday skips a test whose fixture was made on the other side of the
// district's midnight: the seal boundary moved by a day under it.
func (cw *caseWorld) stillToday(t *testing.T) {
	t.Helper()
	if !policy.CaseSealedBefore(time.Now()).Equal(cw.boundary) {
		t.Skip("the seal boundary moved (the district's midnight passed during the test)")
	}
}

// caseWho names a caller of the case rules.
type caseWho int

const (
	kAnon            caseWho = iota
	kPartner                 // PARTNER of the agency, carrying the SUPERVISOR permission
	kReviewer                // REVIEWER of the agency, carrying the SUPERVISOR permission, held by pA
	kEditor                  // EDITOR of the agency without case permission, held by pA
	kHolderless              // EDITOR of the agency with the WORKER permission but no holder
	kOrgless                 // EDITOR with the SUPERVISOR permission but no organisation
	kWorker                  // WORKER of the agency held by pA
	kWorker2                 // WORKER of the agency held by pV
	kSupervisor              // SUPERVISOR of the agency held by pN
	kTeamSupervisor          // SUPERVISOR of the team under the agency
	kOtherSupervisor         // SUPERVISOR of other
	kOtherWorker             // WORKER of other held by pO
	kAdmin                   // ADMIN
	kSystem                  // a System viewer without the allow decision SystemContext adds
)

func (k caseWho) String() string {
	return [...]string{"anonymous", "PARTNER", "REVIEWER", "EDITOR", "holderless WORKER", "organisationless SUPERVISOR",
		"WORKER", "WORKER 2", "SUPERVISOR", "team SUPERVISOR", "other SUPERVISOR", "other WORKER", "ADMIN", "system"}[k]
}

func (cw *caseWorld) viewer(k caseWho) *auth.Viewer {
	w := cw.world
	scope := []int{w.agency, w.team, w.partyIn}
	editor := func(id, org int, scope []int, holder int, access auth.CaseAccess) *auth.Viewer {
		return &auth.Viewer{KeyID: id, Name: fmt.Sprint("key", id), Role: auth.RoleEditor, OrganizationID: org,
			Scope: scope, HolderID: holder, Casework: access}
	}
	switch k {
	case kPartner:
		return &auth.Viewer{KeyID: 20, Name: "partner", Role: auth.RolePartner, OrganizationID: w.agency,
			Scope: scope, HolderID: w.pN, Casework: auth.CaseSupervisor}
	case kReviewer:
		return &auth.Viewer{KeyID: 21, Name: "reviewer", Role: auth.RoleReviewer, OrganizationID: w.agency,
			Scope: scope, HolderID: w.pA, Casework: auth.CaseSupervisor}
	case kEditor:
		return editor(22, w.agency, scope, w.pA, auth.CaseNone)
	case kHolderless:
		return editor(23, w.agency, scope, 0, auth.CaseWorker)
	case kOrgless:
		return editor(24, 0, scope, w.pN, auth.CaseSupervisor)
	case kWorker:
		return editor(25, w.agency, scope, w.pA, auth.CaseWorker)
	case kWorker2:
		return editor(26, w.agency, scope, w.pV, auth.CaseWorker)
	case kSupervisor:
		return editor(27, w.agency, scope, w.pN, auth.CaseSupervisor)
	case kTeamSupervisor:
		return editor(28, w.team, []int{w.team}, w.pT, auth.CaseSupervisor)
	case kOtherSupervisor:
		return editor(29, w.other, []int{w.other, w.partyOut}, 0, auth.CaseSupervisor)
	case kOtherWorker:
		return editor(30, w.other, []int{w.other, w.partyOut}, w.pO, auth.CaseWorker)
	case kAdmin:
		return &auth.Viewer{KeyID: 31, Name: "admin", Role: auth.RoleAdmin}
	case kSystem:
		return &auth.Viewer{Name: "operator", System: true, Role: auth.RoleAdmin}
	}
	return nil
}

func (cw *caseWorld) as(k caseWho) context.Context {
	if k == kAnon {
		return context.Background()
	}
	return auth.NewContext(context.Background(), cw.viewer(k))
}

// caseWrite is one mutation by one caller, run in a transaction rolled back
// afterwards (as world.runWrites).
type caseWrite struct {
	name string
	who  caseWho
	op   func(ctx context.Context, c *ent.Client) error
	want verdict
}

func (cw *caseWorld) runCaseWrites(t *testing.T, cases []caseWrite) {
	t.Helper()
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/%s", tc.who, tc.name), func(t *testing.T) {
			tx, err := cw.c.Tx(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = tx.Rollback() }()
			expect(t, tc.op(cw.as(tc.who), tx.Client()), tc.want)
		})
	}
}

// Who holds a case key: EDITOR keys of one organisation with a case
// permission, and for WORKER only with a holder.
func TestHasCasePermission(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    *auth.Viewer
		want bool
	}{
		{"nobody", nil, false},
		{"a WORKER key with its holder", &auth.Viewer{Role: auth.RoleEditor, OrganizationID: 7, HolderID: 3, Casework: auth.CaseWorker}, true},
		{"a SUPERVISOR key", &auth.Viewer{Role: auth.RoleEditor, OrganizationID: 7, HolderID: 3, Casework: auth.CaseSupervisor}, true},
		{"a SUPERVISOR key standing for its organisation (no holder)", &auth.Viewer{Role: auth.RoleEditor, OrganizationID: 7, Casework: auth.CaseSupervisor}, true},
		{"a WORKER key without a holder", &auth.Viewer{Role: auth.RoleEditor, OrganizationID: 7, Casework: auth.CaseWorker}, false},
		{"an EDITOR key without case permission", &auth.Viewer{Role: auth.RoleEditor, OrganizationID: 7, HolderID: 3, Casework: auth.CaseNone}, false},
		{"an EDITOR key with no permission set", &auth.Viewer{Role: auth.RoleEditor, OrganizationID: 7, HolderID: 3}, false},
		{"an EDITOR key with an unknown permission", &auth.Viewer{Role: auth.RoleEditor, OrganizationID: 7, HolderID: 3, Casework: "ALL"}, false},
		{"a SUPERVISOR key of no organisation", &auth.Viewer{Role: auth.RoleEditor, Scope: []int{7}, HolderID: 3, Casework: auth.CaseSupervisor}, false},
		{"a WORKER key of no organisation", &auth.Viewer{Role: auth.RoleEditor, Scope: []int{7}, HolderID: 3, Casework: auth.CaseWorker}, false},
		{"a REVIEWER key carrying SUPERVISOR", &auth.Viewer{Role: auth.RoleReviewer, OrganizationID: 7, HolderID: 3, Casework: auth.CaseSupervisor}, false},
		{"a REVIEWER key carrying WORKER", &auth.Viewer{Role: auth.RoleReviewer, OrganizationID: 7, HolderID: 3, Casework: auth.CaseWorker}, false},
		{"a PARTNER key carrying SUPERVISOR", &auth.Viewer{Role: auth.RolePartner, OrganizationID: 7, HolderID: 3, Casework: auth.CaseSupervisor}, false},
		// ADMIN reads cases as ADMIN (CaseRows), never as a case key.
		{"an ADMIN key carrying SUPERVISOR", &auth.Viewer{Role: auth.RoleAdmin, OrganizationID: 7, HolderID: 3, Casework: auth.CaseSupervisor}, false},
		{"a system viewer", &auth.Viewer{System: true, Role: auth.RoleAdmin}, false},
	} {
		if got := policy.HasCasePermission(tc.v); got != tc.want {
			t.Errorf("%s: HasCasePermission = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The seal period: three years by default, set process-wide, and the date
// before which a closed case is sealed is a calendar date of the district.
func TestCaseSealPeriod(t *testing.T) {
	t.Cleanup(func() { policy.SetCaseSealAfter(0) })
	// 20:00 UTC is 04:00 the next day in the district.
	now := time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC)
	check := func(t *testing.T, period time.Duration, before string) {
		t.Helper()
		if got := policy.CaseSealAfter(); got != period {
			t.Errorf("CaseSealAfter() = %v, want %v", got, period)
		}
		got := policy.CaseSealedBefore(now)
		if got.Format(time.DateOnly) != before || !got.Equal(calendar.Date(now.Add(-period))) {
			t.Errorf("CaseSealedBefore(%v) = %v, want %s", now, got, before)
		}
	}
	if policy.DefaultCaseSealAfter != 3*365*24*time.Hour {
		t.Fatalf("DefaultCaseSealAfter = %v, want three years of 365 days", policy.DefaultCaseSealAfter)
	}
	t.Run("the default", func(t *testing.T) {
		policy.SetCaseSealAfter(0)
		check(t, policy.DefaultCaseSealAfter, "2023-03-03")
	})
	t.Run("a period set", func(t *testing.T) {
		policy.SetCaseSealAfter(24 * time.Hour)
		check(t, 24*time.Hour, "2026-03-01")
		policy.SetCaseSealAfter(30 * 24 * time.Hour)
		check(t, 30*24*time.Hour, "2026-01-31")
	})
	t.Run("zero restores the default", func(t *testing.T) {
		policy.SetCaseSealAfter(24 * time.Hour)
		policy.SetCaseSealAfter(0)
		check(t, policy.DefaultCaseSealAfter, "2023-03-03")
	})
	t.Run("a negative period restores the default", func(t *testing.T) {
		policy.SetCaseSealAfter(24 * time.Hour)
		policy.SetCaseSealAfter(-time.Hour)
		check(t, policy.DefaultCaseSealAfter, "2023-03-03")
	})
}

// CaseRows, as a predicate and as the query rule of CaseFile.
func TestCaseRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		policy.SetCaseSealAfter(0)
		cw := newCaseWorld(t, db)
		everyCase := cw.allCases()
		for _, tc := range []struct {
			name string
			who  caseWho
			err  error // the bare refusal (the query rule adds privacy.Deny)
			all  bool  // no predicate: every case
			rows []int
		}{
			{"unauthenticated callers read no case", kAnon, auth.ErrUnauthenticated, false, nil},
			{"partner keys read no case, whatever they carry", kPartner, auth.ErrForbidden, false, nil},
			{"reviewers read no case, whatever they carry", kReviewer, auth.ErrForbidden, false, nil},
			{"an editor without case permission reads none, even its holder's", kEditor, auth.ErrForbidden, false, nil},
			{"a WORKER key without a holder reads none", kHolderless, auth.ErrForbidden, false, nil},
			{"a SUPERVISOR key of no organisation reads none", kOrgless, auth.ErrForbidden, false, nil},
			// Not cOpen2 (another worker's), cSealed, cPurged, cTeam,
			// nor cOtherA: pA is responsible for it, but at another
			// agency than the key's.
			{"a WORKER reads its holder's unsealed cases at its agency", kWorker, nil, false,
				[]int{cw.cOpen, cw.cRecent, cw.cBoundary}},
			{"another WORKER of the agency reads its own holder's", kWorker2, nil, false, []int{cw.cOpen2}},
			{"a SUPERVISOR reads every unsealed case of its agency, none of the team under it", kSupervisor, nil, false,
				[]int{cw.cOpen, cw.cOpen2, cw.cRecent, cw.cBoundary}},
			{"a SUPERVISOR of the team reads its own, none of the agency above it", kTeamSupervisor, nil, false, []int{cw.cTeam}},
			{"a SUPERVISOR of another agency reads that agency's", kOtherSupervisor, nil, false, []int{cw.cOther, cw.cOtherA}},
			{"a WORKER of another agency reads its holder's there", kOtherWorker, nil, false, []int{cw.cOther}},
			{"ADMIN reads every case, sealed and purged ones too", kAdmin, nil, true, everyCase},
			{"system callers read every case", kSystem, nil, true, everyCase},
		} {
			t.Run(tc.who.String()+"/"+tc.name, func(t *testing.T) {
				v := cw.viewer(tc.who)
				p, err := policy.CaseRows(v)
				switch {
				case tc.err != nil:
					if !errors.Is(err, tc.err) || errors.Is(err, privacy.Deny) || p != nil {
						t.Fatalf("CaseRows: (predicate %v, %v), want bare %v", p != nil, err, tc.err)
					}
				case tc.all:
					if err != nil || p != nil {
						t.Fatalf("CaseRows: (predicate %v, %v), want (nil, nil): every case", p != nil, err)
					}
				default:
					if err != nil || p == nil {
						t.Fatalf("CaseRows: (predicate %v, %v), want a predicate", p != nil, err)
					}
					// As a subquery runs it: under an allow decision.
					ids := mk(cw.c.CaseFile.Query().Where(p).IDs(privacy.DecisionContext(context.Background(), privacy.Allow)))
					sameIDs(t, ids, tc.rows)
				}

				ids, err := cw.c.CaseFile.Query().IDs(cw.as(tc.who))
				switch tc.err {
				case nil:
					expect(t, err, allowed)
					sameIDs(t, ids, tc.rows)
				case auth.ErrUnauthenticated:
					expect(t, err, unauthenticated)
				default:
					expect(t, err, forbidden)
				}
				cw.stillToday(t)
			})
		}

		// A shorter period seals the cases closed three years ago; cases
		// still open stay readable whatever the period.
		t.Run("a set period seals what closed before it", func(t *testing.T) {
			defer policy.SetCaseSealAfter(0)
			policy.SetCaseSealAfter(30 * 24 * time.Hour)
			ids := mk(cw.c.CaseFile.Query().IDs(cw.as(kSupervisor)))
			sameIDs(t, ids, []int{cw.cOpen, cw.cOpen2})
		})
	})
}

// The default period is three years: a case closed two years ago is its
// agency's, one closed four years ago is sealed.
func TestCaseSealDefault(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		policy.SetCaseSealAfter(0)
		cw := newCaseWorld(t, db)
		now := time.Now()
		closedAgo := func(years int) int {
			closed := calendar.Date(now.AddDate(-years, 0, 0))
			return mk(cw.c.CaseFile.Create().SetAgencyID(cw.agency).SetResponsibleWorkerID(cw.pA).
				SetRegionID(cw.town.ID).SetKind(casefile.KindFAMILY).SetStatus(casefile.StatusCLOSED).
				SetOpenedOn(closed.AddDate(-1, 0, 0)).SetClosedOn(closed).Save(sys())).ID
		}
		two, four := closedAgo(2), closedAgo(4)
		ids := mk(cw.c.CaseFile.Query().Where(casefile.IDIn(two, four)).IDs(cw.as(kSupervisor)))
		sameIDs(t, ids, []int{two})
		ids = mk(cw.c.CaseFile.Query().Where(casefile.IDIn(two, four)).IDs(cw.as(kWorker)))
		sameIDs(t, ids, []int{two})
	})
}

// The parts of a case are read exactly when their case is.
func TestCasePartReads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		policy.SetCaseSealAfter(0)
		cw := newCaseWorld(t, db)
		readable := map[caseWho][]int{
			kWorker:          {cw.cOpen, cw.cRecent, cw.cBoundary},
			kWorker2:         {cw.cOpen2},
			kSupervisor:      {cw.cOpen, cw.cOpen2, cw.cRecent, cw.cBoundary},
			kTeamSupervisor:  {cw.cTeam},
			kOtherSupervisor: {cw.cOther, cw.cOtherA},
			kOtherWorker:     {cw.cOther},
			kAdmin:           cw.allCases(),
			kSystem:          cw.allCases(),
		}
		refused := map[caseWho]verdict{
			kAnon: unauthenticated, kPartner: forbidden, kReviewer: forbidden, kEditor: forbidden,
			kHolderless: forbidden, kOrgless: forbidden,
		}
		for _, p := range caseParts(cw.world) {
			t.Run(p.name, func(t *testing.T) {
				for k := kAnon; k <= kSystem; k++ {
					ids, err := p.read(cw.as(k), cw.c)
					if want, ok := refused[k]; ok {
						expect(t, err, want)
						continue
					}
					if err != nil {
						t.Fatalf("%s: %v", k, err)
					}
					if g, w := sorted(ids...), sorted(cw.partsOf(p.name, readable[k])...); !equal(g, w) {
						t.Errorf("%s: rows %v, want exactly %v", k, g, w)
					}
				}
				cw.stillToday(t)
			})
		}
	})
}

// ReferralRows: referrals of the cases a key reads, and those addressed to
// its own organisation (for its case keys to answer).
func TestReferralRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		policy.SetCaseSealAfter(0)
		cw := newCaseWorld(t, db)
		every := []int{cw.refOpen, cw.refOpen2, cw.refOther, cw.refSealed}
		for _, tc := range []struct {
			name string
			who  caseWho
			err  error
			all  bool
			rows []int
		}{
			{"unauthenticated callers read none", kAnon, auth.ErrUnauthenticated, false, nil},
			{"partner keys read none", kPartner, auth.ErrForbidden, false, nil},
			{"reviewers read none", kReviewer, auth.ErrForbidden, false, nil},
			// refOther is addressed to the agency, but the key is no case key.
			{"an editor without case permission reads none, not even those addressed to it", kEditor, auth.ErrForbidden, false, nil},
			{"a WORKER key without a holder reads none", kHolderless, auth.ErrForbidden, false, nil},
			{"a WORKER reads its cases' referrals and those addressed to its agency", kWorker, nil, false,
				[]int{cw.refOpen, cw.refOther}},
			{"another WORKER reads its own case's and those addressed to the agency", kWorker2, nil, false,
				[]int{cw.refOpen2, cw.refOther}},
			// Not refSealed: its case is sealed, and it went to other.
			{"a SUPERVISOR reads its agency's unsealed cases' and those addressed to it", kSupervisor, nil, false,
				[]int{cw.refOpen, cw.refOpen2, cw.refOther}},
			{"a SUPERVISOR of the team reads none of the agency's", kTeamSupervisor, nil, false, nil},
			// refOpen and refSealed are addressed to other, whatever their
			// case: a receiving organisation answers referrals of cases it
			// cannot read.
			{"the receiving organisation's SUPERVISOR reads what was sent to it", kOtherSupervisor, nil, false,
				[]int{cw.refOpen, cw.refSealed, cw.refOther}},
			{"the receiving organisation's WORKER reads what was sent to it", kOtherWorker, nil, false,
				[]int{cw.refOpen, cw.refSealed, cw.refOther}},
			{"ADMIN reads every referral", kAdmin, nil, true, every},
			{"system callers read every referral", kSystem, nil, true, every},
		} {
			t.Run(tc.who.String()+"/"+tc.name, func(t *testing.T) {
				p, err := policy.ReferralRows(cw.viewer(tc.who))
				switch {
				case tc.err != nil:
					if !errors.Is(err, tc.err) || errors.Is(err, privacy.Deny) || p != nil {
						t.Fatalf("ReferralRows: (predicate %v, %v), want bare %v", p != nil, err, tc.err)
					}
				case tc.all:
					if err != nil || p != nil {
						t.Fatalf("ReferralRows: (predicate %v, %v), want (nil, nil)", p != nil, err)
					}
				default:
					if err != nil || p == nil {
						t.Fatalf("ReferralRows: (predicate %v, %v), want a predicate", p != nil, err)
					}
					ids := mk(cw.c.CaseReferral.Query().Where(p).IDs(privacy.DecisionContext(context.Background(), privacy.Allow)))
					sameIDs(t, ids, tc.rows)
				}
				ids, err := cw.c.CaseReferral.Query().IDs(cw.as(tc.who))
				switch tc.err {
				case nil:
					expect(t, err, allowed)
					sameIDs(t, ids, tc.rows)
				case auth.ErrUnauthenticated:
					expect(t, err, unauthenticated)
				default:
					expect(t, err, forbidden)
				}
				cw.stillToday(t)
			})
		}
	})
}

// CaseFile writes: created only for the key's own agency (by a WORKER only
// with its holder responsible); changed only within the rows the key
// reads, never moved out of the agency nor, by a WORKER, to another
// worker; never deleted but by the operator.
func TestCaseFileWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		policy.SetCaseSealAfter(0)
		cw := newCaseWorld(t, db)
		open := func(agency, worker int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				q := c.CaseFile.Create().SetRegionID(cw.town.ID).SetKind(casefile.KindFAMILY).SetOpenedOn(day(0))
				if agency != 0 {
					q.SetAgencyID(agency)
				}
				if worker != 0 {
					q.SetResponsibleWorkerID(worker)
				}
				return saved(q.Save(ctx))
			}
		}
		change := func(ids ...int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.CaseFile.UpdateOneID(ids[0]).SetDisplayName("小明（化名）").Exec(ctx)
				}
				return c.CaseFile.Update().Where(casefile.IDIn(ids...)).SetDisplayName("小明（化名）").Exec(ctx)
			}
		}
		assign := func(id, worker int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				return c.CaseFile.UpdateOneID(id).SetResponsibleWorkerID(worker).Exec(ctx)
			}
		}
		move := func(id, agency int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				return c.CaseFile.UpdateOneID(id).SetAgencyID(agency).Exec(ctx)
			}
		}
		clearAgency := func(id int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				return c.CaseFile.UpdateOneID(id).ClearAgencyID().Exec(ctx)
			}
		}
		clearWorker := func(id int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				return c.CaseFile.UpdateOneID(id).ClearResponsibleWorker().Exec(ctx)
			}
		}
		// erase deletes a case of the agency's worker pA that has no parts
		// (so that only the rule, never a foreign key, refuses).
		erase := func(bulk bool) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				id := mk(c.CaseFile.Create().SetAgencyID(cw.agency).SetResponsibleWorkerID(cw.pA).
					SetRegionID(cw.town.ID).SetKind(casefile.KindFAMILY).SetOpenedOn(day(0)).Save(sys())).ID
				if bulk {
					return saved(c.CaseFile.Delete().Where(casefile.ID(id)).Exec(ctx))
				}
				return c.CaseFile.DeleteOneID(id).Exec(ctx)
			}
		}
		cw.runCaseWrites(t, []caseWrite{
			{"a WORKER opens a case at its agency with itself responsible", kWorker, open(cw.agency, cw.pA), allowed},
			{"a WORKER opens none with another worker responsible", kWorker, open(cw.agency, cw.pV), forbidden},
			{"a WORKER opens none with nobody responsible", kWorker, open(cw.agency, 0), forbidden},
			{"a WORKER opens none at another agency", kWorker, open(cw.other, cw.pA), forbidden},
			{"a WORKER opens none at the team under its agency", kWorker, open(cw.team, cw.pA), forbidden},
			{"a WORKER opens none without an agency", kWorker, open(0, cw.pA), forbidden},
			{"a SUPERVISOR opens a case for any worker of its agency", kSupervisor, open(cw.agency, cw.pV), allowed},
			{"a SUPERVISOR opens a case with nobody responsible yet", kSupervisor, open(cw.agency, 0), allowed},
			{"a SUPERVISOR opens none at another agency", kSupervisor, open(cw.other, cw.pO), forbidden},
			{"a SUPERVISOR opens none at the team under its agency", kSupervisor, open(cw.team, cw.pT), forbidden},
			{"a SUPERVISOR of the team opens none at the agency above it", kTeamSupervisor, open(cw.agency, cw.pT), forbidden},
			{"a WORKER key without a holder opens none", kHolderless, open(cw.agency, 0), forbidden},
			{"a SUPERVISOR key of no organisation opens none", kOrgless, open(0, 0), forbidden},
			{"an editor without case permission opens none", kEditor, open(cw.agency, cw.pA), forbidden},
			{"reviewers open none", kReviewer, open(cw.agency, cw.pA), forbidden},
			{"partner keys open none", kPartner, open(cw.agency, cw.pA), forbidden},
			{"anonymous callers open none", kAnon, open(cw.agency, cw.pA), unauthenticated},
			{"ADMIN opens a case anywhere", kAdmin, open(cw.other, cw.pA), allowed},

			{"a WORKER changes its case", kWorker, change(cw.cOpen), allowed},
			{"a WORKER changes its closed case before it is sealed", kWorker, change(cw.cBoundary), allowed},
			{"a WORKER keeps its case at its agency", kWorker, move(cw.cOpen, cw.agency), allowed},
			{"a WORKER keeps itself responsible", kWorker, assign(cw.cOpen, cw.pA), allowed},
			{"a WORKER hands its case to no other worker", kWorker, assign(cw.cOpen, cw.pV), forbidden},
			{"a WORKER moves its case to no other agency", kWorker, move(cw.cOpen, cw.other), forbidden},
			{"a WORKER moves its case to no team under its agency", kWorker, move(cw.cOpen, cw.team), forbidden},
			// Clearing moves a case away as surely as setting another
			// value: out of every case key's reach, or off its worker.
			{"a WORKER clears no case's agency", kWorker, clearAgency(cw.cOpen), forbidden},
			{"a WORKER clears no case's responsible worker", kWorker, clearWorker(cw.cOpen), forbidden},
			{"a WORKER changes no case of another worker", kWorker, change(cw.cOpen2), forbidden},
			{"a WORKER changes no sealed case of its own", kWorker, change(cw.cSealed), forbidden},
			{"a WORKER changes no purged case", kWorker, change(cw.cPurged), forbidden},
			{"a WORKER changes none of its holder's cases at another agency", kWorker, change(cw.cOtherA), forbidden},
			{"a WORKER takes over no case of another worker", kWorker, assign(cw.cOpen2, cw.pA), forbidden},
			{"another WORKER changes none of the first one's", kWorker2, change(cw.cOpen), forbidden},
			{"a SUPERVISOR changes any case of its agency", kSupervisor, change(cw.cOpen2), allowed},
			{"a SUPERVISOR hands a case to another worker", kSupervisor, assign(cw.cOpen, cw.pV), allowed},
			{"a SUPERVISOR takes a worker off a case", kSupervisor, clearWorker(cw.cOpen), allowed},
			{"a SUPERVISOR keeps a case at its agency", kSupervisor, move(cw.cOpen2, cw.agency), allowed},
			{"a SUPERVISOR moves no case to another agency", kSupervisor, move(cw.cOpen, cw.other), forbidden},
			{"a SUPERVISOR moves no case to the team under it", kSupervisor, move(cw.cOpen, cw.team), forbidden},
			{"a SUPERVISOR clears no case's agency", kSupervisor, clearAgency(cw.cOpen), forbidden},
			{"a SUPERVISOR pulls no case of another agency into its own", kSupervisor, move(cw.cOther, cw.agency), forbidden},
			{"a SUPERVISOR changes no sealed case", kSupervisor, change(cw.cSealed), forbidden},
			{"a SUPERVISOR changes no purged case", kSupervisor, change(cw.cPurged), forbidden},
			{"a SUPERVISOR changes no case of the team under it", kSupervisor, change(cw.cTeam), forbidden},
			{"a SUPERVISOR of the team changes no case of the agency above it", kTeamSupervisor, change(cw.cOpen), forbidden},
			{"a SUPERVISOR of another agency changes none of the agency's", kOtherSupervisor, change(cw.cOpen), forbidden},
			{"a SUPERVISOR changes no case that does not exist", kSupervisor, change(noID), forbidden},
			{"a WORKER changes its cases in bulk", kWorker, change(cw.cOpen, cw.cRecent), allowed},
			{"a WORKER changes none in bulk with another worker's among them", kWorker, change(cw.cOpen, cw.cOpen2), forbidden},
			{"a SUPERVISOR changes its agency's cases in bulk", kSupervisor, change(cw.cOpen, cw.cOpen2), allowed},
			{"a SUPERVISOR changes none in bulk with a sealed one among them", kSupervisor, change(cw.cOpen, cw.cSealed), forbidden},
			{"a bulk change matching no case", kSupervisor, change(noID, noID-1), forbidden},
			{"an editor without case permission changes no case", kEditor, change(cw.cOpen), forbidden},
			{"a WORKER key without a holder changes no case", kHolderless, change(cw.cOpen), forbidden},
			{"reviewers change no case", kReviewer, change(cw.cOpen), forbidden},
			{"partner keys change no case", kPartner, change(cw.cOpen), forbidden},
			{"anonymous callers change no case", kAnon, change(cw.cOpen), unauthenticated},
			{"ADMIN changes a sealed case", kAdmin, change(cw.cSealed), allowed},
			{"ADMIN clears a case (purging)", kAdmin, clearAgency(cw.cSealed), allowed},

			// A case is purged by clearing it, never deleted, ADMIN
			// included (rules.go, neverDeleted).
			{"a WORKER deletes no case of its own", kWorker, erase(false), forbidden},
			{"a SUPERVISOR deletes no case of its agency", kSupervisor, erase(false), forbidden},
			{"ADMIN deletes no case", kAdmin, erase(false), forbidden},
			{"ADMIN deletes no case in bulk", kAdmin, erase(true), forbidden},
			{"anonymous callers delete no case", kAnon, erase(false), forbidden},
			{"the operator deletes a case (maintenance)", kSystem, erase(false), allowed},
		})
	})
}

// The parts of a case are written by the keys that read the case; only
// goals are deleted, and a bulk write matching no row writes nothing.
func TestCasePartWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		policy.SetCaseSealAfter(0)
		cw := newCaseWorld(t, db)
		for _, p := range caseParts(cw.world) {
			t.Run(p.name, func(t *testing.T) {
				r := cw.parts[p.name]
				create := func(caseID int) func(context.Context, *ent.Client) error {
					return func(ctx context.Context, c *ent.Client) error {
						_, err := p.create(ctx, c, caseID)
						return err
					}
				}
				change := func(ids ...int) func(context.Context, *ent.Client) error {
					return func(ctx context.Context, c *ent.Client) error { return p.change(ctx, c, ids...) }
				}
				remove := func(ids ...int) func(context.Context, *ent.Client) error {
					return func(ctx context.Context, c *ent.Client) error { return p.remove(ctx, c, ids...) }
				}
				// bothOfCase adds a second row to cOpen and writes both rows
				// at once: their case counts once (readableCases, uniq).
				bothOfCase := func(write func(ctx context.Context, c *ent.Client, ids ...int) error) func(context.Context, *ent.Client) error {
					return func(ctx context.Context, c *ent.Client) error {
						second, err := p.create(sys(), c, cw.cOpen)
						if err != nil {
							return err
						}
						return write(ctx, c, r[cw.cOpen], second)
					}
				}
				cases := []caseWrite{
					{"a WORKER adds to its case", kWorker, create(cw.cOpen), allowed},
					{"a WORKER adds to its closed case before it is sealed", kWorker, create(cw.cRecent), allowed},
					{"a WORKER adds nothing to another worker's case", kWorker, create(cw.cOpen2), forbidden},
					{"a WORKER adds nothing to its sealed case", kWorker, create(cw.cSealed), forbidden},
					{"a WORKER adds nothing to a purged case", kWorker, create(cw.cPurged), forbidden},
					{"a WORKER adds nothing to its holder's case at another agency", kWorker, create(cw.cOtherA), forbidden},
					{"a WORKER adds nothing without a case", kWorker, create(0), forbidden},
					{"a WORKER adds nothing to a case that does not exist", kWorker, create(noID), forbidden},
					{"a SUPERVISOR adds to any case of its agency", kSupervisor, create(cw.cOpen2), allowed},
					{"a SUPERVISOR adds nothing to a sealed case", kSupervisor, create(cw.cSealed), forbidden},
					{"a SUPERVISOR adds nothing to a case of the team under it", kSupervisor, create(cw.cTeam), forbidden},
					{"a SUPERVISOR of the team adds nothing to the agency's", kTeamSupervisor, create(cw.cOpen), forbidden},
					{"a SUPERVISOR of another agency adds nothing to the agency's", kOtherSupervisor, create(cw.cOpen), forbidden},
					{"an editor without case permission adds nothing", kEditor, create(cw.cOpen), forbidden},
					{"a WORKER key without a holder adds nothing", kHolderless, create(cw.cOpen), forbidden},
					{"reviewers add nothing", kReviewer, create(cw.cOpen), forbidden},
					{"partner keys add nothing", kPartner, create(cw.cOpen), forbidden},
					{"anonymous callers add nothing", kAnon, create(cw.cOpen), unauthenticated},
					{"ADMIN adds to a sealed case", kAdmin, create(cw.cSealed), allowed},

					{"a WORKER changes its case's row", kWorker, change(r[cw.cOpen]), allowed},
					{"a WORKER changes no row of another worker's case", kWorker, change(r[cw.cOpen2]), forbidden},
					{"a WORKER changes no row of its sealed case", kWorker, change(r[cw.cSealed]), forbidden},
					{"a WORKER changes no row of a purged case", kWorker, change(r[cw.cPurged]), forbidden},
					{"a WORKER changes rows of its cases in bulk", kWorker, change(r[cw.cOpen], r[cw.cRecent]), allowed},
					{"a WORKER changes two rows of one case of its own", kWorker, bothOfCase(p.change), allowed},
					{"a WORKER changes none in bulk with another worker's among them", kWorker, change(r[cw.cOpen], r[cw.cOpen2]), forbidden},
					// Closing a case ends "every open assignment", of which
					// there may be none: such a write writes nothing.
					{"a WORKER's bulk change matching no row writes nothing", kWorker, change(noID, noID-1), allowed},
					{"a WORKER changes no row that does not exist", kWorker, change(noID), forbidden},
					{"another agency's WORKER changes its own case's row", kOtherWorker, change(r[cw.cOther]), allowed},
					{"a SUPERVISOR changes rows of two workers' cases in bulk", kSupervisor, change(r[cw.cOpen], r[cw.cOpen2]), allowed},
					{"a SUPERVISOR changes no row of the team's case", kSupervisor, change(r[cw.cTeam]), forbidden},
					{"a SUPERVISOR changes none in bulk with a sealed case's among them", kSupervisor, change(r[cw.cOpen], r[cw.cSealed]), forbidden},
					{"an editor without case permission changes nothing", kEditor, change(r[cw.cOpen]), forbidden},
					{"an editor without case permission changes nothing, even matching no row", kEditor, change(noID, noID-1), forbidden},
					{"reviewers change nothing", kReviewer, change(r[cw.cOpen]), forbidden},
					{"partner keys change nothing", kPartner, change(r[cw.cOpen]), forbidden},
					{"anonymous callers change nothing", kAnon, change(r[cw.cOpen]), unauthenticated},
					{"ADMIN changes a row of a sealed case", kAdmin, change(r[cw.cSealed]), allowed},
				}
				if p.deletable {
					cases = append(cases, []caseWrite{
						{"a WORKER deletes its case's goal", kWorker, remove(r[cw.cOpen]), allowed},
						{"a WORKER deletes its cases' goals in bulk", kWorker, remove(r[cw.cOpen], r[cw.cBoundary]), allowed},
						// A new plan replaces every goal of the case.
						{"a WORKER deletes every goal of its case's plan", kWorker, bothOfCase(p.remove), allowed},
						{"a WORKER deletes no goal of another worker's case", kWorker, remove(r[cw.cOpen2]), forbidden},
						{"a WORKER deletes none in bulk with another worker's among them", kWorker, remove(r[cw.cOpen], r[cw.cOpen2]), forbidden},
						{"a WORKER's bulk delete matching no goal deletes nothing", kWorker, remove(noID, noID-1), allowed},
						{"a SUPERVISOR deletes a goal of its agency's case", kSupervisor, remove(r[cw.cOpen2]), allowed},
						{"a SUPERVISOR deletes no goal of a sealed case", kSupervisor, remove(r[cw.cSealed]), forbidden},
						{"reviewers delete no goal", kReviewer, remove(r[cw.cOpen]), forbidden},
						{"anonymous callers delete no goal", kAnon, remove(r[cw.cOpen]), unauthenticated},
						{"ADMIN deletes a goal", kAdmin, remove(r[cw.cSealed]), allowed},
					}...)
				} else {
					// Never deleted but by purging: neverDeleted comes
					// first, so every key hears FORBIDDEN.
					cases = append(cases, []caseWrite{
						{"a WORKER deletes no row of its case", kWorker, remove(r[cw.cOpen]), forbidden},
						{"a WORKER deletes nothing in bulk, even matching no row", kWorker, remove(noID, noID-1), forbidden},
						{"a SUPERVISOR deletes no row of its agency's case", kSupervisor, remove(r[cw.cOpen2]), forbidden},
						{"ADMIN deletes no row", kAdmin, remove(r[cw.cSealed]), forbidden},
						{"ADMIN deletes no rows in bulk", kAdmin, remove(r[cw.cOpen], r[cw.cSealed]), forbidden},
						{"anonymous callers delete no row", kAnon, remove(r[cw.cOpen]), forbidden},
						{"the operator deletes rows (purging)", kSystem, remove(r[cw.cOpen], r[cw.cSealed]), allowed},
					}...)
				}
				cw.runCaseWrites(t, cases)
			})
		}
	})
}

// CaseReferral writes: made on a case the key reads; changed by the keys
// that read its case and by the receiving organisation's case keys
// (answering it); never deleted but by purging.
func TestCaseReferralWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		policy.SetCaseSealAfter(0)
		cw := newCaseWorld(t, db)
		refer := func(caseID, to int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				q := c.CaseReferral.Create().SetToOrganizationID(to).SetReferredOn(day(4)).SetReasonCiphertext([]byte("r"))
				if caseID != 0 {
					q.SetCaseID(caseID)
				}
				return saved(q.Save(ctx))
			}
		}
		answer := func(ids ...int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.CaseReferral.UpdateOneID(ids[0]).SetStatus(casereferral.StatusACCEPTED).SetAnsweredBy("key").Exec(ctx)
				}
				return c.CaseReferral.Update().Where(casereferral.IDIn(ids...)).SetStatus(casereferral.StatusACCEPTED).
					SetAnsweredBy("key").Exec(ctx)
			}
		}
		withdraw := func(ids ...int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.CaseReferral.DeleteOneID(ids[0]).Exec(ctx)
				}
				return saved(c.CaseReferral.Delete().Where(casereferral.IDIn(ids...)).Exec(ctx))
			}
		}
		cw.runCaseWrites(t, []caseWrite{
			{"a WORKER refers its case", kWorker, refer(cw.cOpen, cw.uni), allowed},
			{"a WORKER refers no case of another worker", kWorker, refer(cw.cOpen2, cw.uni), forbidden},
			{"a WORKER refers no sealed case", kWorker, refer(cw.cSealed, cw.uni), forbidden},
			{"a WORKER refers nothing without a case", kWorker, refer(0, cw.uni), forbidden},
			{"a WORKER refers no case that does not exist", kWorker, refer(noID, cw.uni), forbidden},
			{"a SUPERVISOR refers any case of its agency", kSupervisor, refer(cw.cOpen2, cw.other), allowed},
			{"a SUPERVISOR refers no case of the team under it", kSupervisor, refer(cw.cTeam, cw.other), forbidden},
			// It receives referrals of cOpen; that does not let it send one.
			{"the receiving organisation refers no case it cannot read", kOtherSupervisor, refer(cw.cOpen, cw.uni), forbidden},
			{"an editor without case permission refers nothing", kEditor, refer(cw.cOpen, cw.uni), forbidden},
			{"reviewers refer nothing", kReviewer, refer(cw.cOpen, cw.uni), forbidden},
			{"partner keys refer nothing", kPartner, refer(cw.cOpen, cw.uni), forbidden},
			{"anonymous callers refer nothing", kAnon, refer(cw.cOpen, cw.uni), unauthenticated},
			{"ADMIN refers any case", kAdmin, refer(cw.cSealed, cw.uni), allowed},

			{"a WORKER changes its case's referral", kWorker, answer(cw.refOpen), allowed},
			{"a WORKER answers a referral addressed to its agency", kWorker, answer(cw.refOther), allowed},
			{"another WORKER of the agency answers it too", kWorker2, answer(cw.refOther), allowed},
			{"a WORKER changes no referral of another worker's case", kWorker, answer(cw.refOpen2), forbidden},
			{"a WORKER changes no referral of its sealed case", kWorker, answer(cw.refSealed), forbidden},
			{"the receiving organisation's WORKER answers a referral of a case it cannot read", kOtherWorker, answer(cw.refOpen), allowed},
			{"the receiving organisation's SUPERVISOR answers one of a sealed case", kOtherSupervisor, answer(cw.refSealed), allowed},
			{"another organisation's WORKER changes no referral sent elsewhere", kOtherWorker, answer(cw.refOpen2), forbidden},
			{"a SUPERVISOR changes no referral of a sealed case sent elsewhere", kSupervisor, answer(cw.refSealed), forbidden},
			{"a SUPERVISOR of the team answers nothing addressed to the agency above it", kTeamSupervisor, answer(cw.refOther), forbidden},
			{"bulk: one answered, one of its own case", kOtherWorker, answer(cw.refOpen, cw.refOther), allowed},
			{"bulk: none with a referral neither its own nor addressed to it", kOtherWorker, answer(cw.refOpen, cw.refOther, cw.refOpen2), forbidden},
			{"a bulk change matching no referral", kSupervisor, answer(noID, noID-1), forbidden},
			{"an editor without case permission answers nothing, even addressed to its agency", kEditor, answer(cw.refOther), forbidden},
			{"reviewers answer nothing", kReviewer, answer(cw.refOther), forbidden},
			{"partner keys answer nothing", kPartner, answer(cw.refOther), forbidden},
			{"anonymous callers answer nothing", kAnon, answer(cw.refOther), unauthenticated},
			{"ADMIN changes any referral", kAdmin, answer(cw.refOpen2), allowed},

			{"a WORKER deletes no referral of its case", kWorker, withdraw(cw.refOpen), forbidden},
			{"the receiving organisation deletes no referral", kOtherWorker, withdraw(cw.refOpen), forbidden},
			{"ADMIN deletes no referral", kAdmin, withdraw(cw.refOpen2), forbidden},
			{"ADMIN deletes no referrals in bulk", kAdmin, withdraw(cw.refOpen, cw.refOpen2), forbidden},
			{"anonymous callers delete no referral", kAnon, withdraw(cw.refOpen), forbidden},
			{"the operator deletes referrals (purging)", kSystem, withdraw(cw.refOpen, cw.refSealed), allowed},
		})
	})
}

// CaseResident: a resident is read by the keys that read one of its
// cases (ADMIN and system callers read every one, a resident of no case
// too); created by case keys; changed by none; removed only by purging.
func TestCaseResidents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		policy.SetCaseSealAfter(0)
		cw := newCaseWorld(t, db)
		every := append(cw.residentsOf(cw.allCases()), cw.resLoose)
		for _, tc := range []struct {
			name string
			who  caseWho
			want verdict
			rows []int
		}{
			{"unauthenticated callers read none", kAnon, unauthenticated, nil},
			{"partner keys read none", kPartner, forbidden, nil},
			{"reviewers read none", kReviewer, forbidden, nil},
			{"an editor without case permission reads none", kEditor, forbidden, nil},
			{"a WORKER key without a holder reads none", kHolderless, forbidden, nil},
			{"a SUPERVISOR key of no organisation reads none", kOrgless, forbidden, nil},
			// cSealed's resident is read through cRecent, its later case.
			{"a WORKER reads the residents of its holder's readable cases", kWorker, allowed,
				cw.residentsOf([]int{cw.cOpen, cw.cRecent, cw.cBoundary})},
			{"another WORKER reads its own case's", kWorker2, allowed, cw.residentsOf([]int{cw.cOpen2})},
			{"a SUPERVISOR reads its agency's, not of a sealed, purged or team case", kSupervisor, allowed,
				cw.residentsOf([]int{cw.cOpen, cw.cOpen2, cw.cRecent, cw.cBoundary})},
			{"a SUPERVISOR of the team reads the team's", kTeamSupervisor, allowed, cw.residentsOf([]int{cw.cTeam})},
			{"a SUPERVISOR of another agency reads that agency's", kOtherSupervisor, allowed,
				cw.residentsOf([]int{cw.cOther, cw.cOtherA})},
			{"ADMIN reads every resident, one of no case too", kAdmin, allowed, every},
			{"system callers read every resident", kSystem, allowed, every},
		} {
			t.Run(tc.who.String()+"/"+tc.name, func(t *testing.T) {
				ids, err := cw.c.CaseResident.Query().IDs(cw.as(tc.who))
				expect(t, err, tc.want)
				if tc.want == allowed {
					sameIDs(t, ids, tc.rows)
				}
				cw.stillToday(t)
			})
		}

		// Residents are not people: the people table holds the world's
		// six, whoever asks.
		t.Run("residents are nobody's people", func(t *testing.T) {
			w := cw.world
			everyone := []int{w.pA, w.pT, w.pV, w.pO, w.pU, w.pN}
			sameIDs(t, mk(w.c.Person.Query().IDs(w.as(adminKey))), everyone)
			sameIDs(t, mk(w.c.Person.Query().IDs(sys())), everyone)
			sameIDs(t, mk(w.c.Person.Query().IDs(w.as(editorKey))), []int{w.pA, w.pT, w.pV})
		})

		register := func(ctx context.Context, c *ent.Client) error {
			return saved(c.CaseResident.Create().SetName("小红").Save(ctx))
		}
		rename := func(ids ...int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.CaseResident.UpdateOneID(ids[0]).SetPhone("13800001234").Exec(ctx)
				}
				return c.CaseResident.Update().Where(caseresident.IDIn(ids...)).SetPhone("13800001234").Exec(ctx)
			}
		}
		// erase deletes a resident of no case (so that only the rule,
		// never a foreign key, answers).
		erase := func(bulk bool) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				if bulk {
					return saved(c.CaseResident.Delete().Where(caseresident.ID(cw.resLoose)).Exec(ctx))
				}
				return c.CaseResident.DeleteOneID(cw.resLoose).Exec(ctx)
			}
		}
		opened := cw.res[cw.cOpen]
		cw.runCaseWrites(t, []caseWrite{
			{"a WORKER registers a resident (opening a case)", kWorker, register, allowed},
			{"a SUPERVISOR registers a resident", kSupervisor, register, allowed},
			{"a WORKER key without a holder registers none", kHolderless, register, forbidden},
			{"an editor without case permission registers none", kEditor, register, forbidden},
			{"reviewers register none", kReviewer, register, forbidden},
			{"partner keys register none", kPartner, register, forbidden},
			{"anonymous callers register none", kAnon, register, unauthenticated},
			{"ADMIN registers a resident", kAdmin, register, allowed},
			{"a WORKER changes not even its own case's resident", kWorker, rename(opened), forbidden},
			{"a SUPERVISOR changes no resident of its agency", kSupervisor, rename(opened), forbidden},
			{"a SUPERVISOR changes no residents in bulk", kSupervisor, rename(opened, cw.res[cw.cOpen2]), forbidden},
			{"an editor without case permission changes no resident", kEditor, rename(opened), forbidden},
			{"anonymous callers change no resident", kAnon, rename(opened), unauthenticated},
			{"a WORKER deletes no resident", kWorker, erase(false), forbidden},
			{"a SUPERVISOR deletes no resident", kSupervisor, erase(false), forbidden},
			// Removed only by purging, which deletes as a system caller.
			{"ADMIN deletes no resident", kAdmin, erase(false), forbidden},
			{"ADMIN deletes no residents in bulk", kAdmin, erase(true), forbidden},
			{"anonymous callers delete no resident", kAnon, erase(false), forbidden},
			{"the operator deletes a resident (purging)", kSystem, erase(false), allowed},
		})
	})
}
