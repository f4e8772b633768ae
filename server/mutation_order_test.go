package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	entsql "entgo.io/ent/dialect/sql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tongxing/tongxing/apikeys"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/apikey"
	"github.com/tongxing/tongxing/ent/casecrisis"
	"github.com/tongxing/tongxing/ent/casefile"
	"github.com/tongxing/tongxing/ent/casevolunteer"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/partnership"
	"github.com/tongxing/tongxing/ent/partybuildinglink"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/graph"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/server"
)

// Issue 9, items 2 and 4: every mutation authenticates, then authorises the
// role and the scope of every target, then checks its input's shape, and
// only then runs checks that read data; and writing hours cannot widen an
// editor's scope (docs/security.md, "Mutations: authorise before reading
// data").

// TestMutationOrderAnonymous sends every Mutation field of the schema
// without a key, each in several shapes (well-typed arguments naming real
// records, variables of the wrong type, no arguments at all, picked by
// operationName out of a document that also holds a query): every one is
// refused with the same bytes, UNAUTHENTICATED, without one database
// statement. A mutation added to the schema is covered without touching
// this test.
func TestMutationOrderAnonymous(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		drv := &statementCounter{Driver: entsql.OpenDB(a.db.Dialect, a.db.SQL)}
		a.unlimited(&database.DB{Client: ent.NewClient(ent.Driver(drv)), SQL: a.db.SQL, Dialect: a.db.Dialect})

		schema := graph.NewSchema(a.db.Client, nil).Schema()
		fields := schema.Mutation.Fields
		if len(fields) < 25 {
			t.Fatalf("only %d mutation fields in the schema", len(fields))
		}
		before := a.snapshot()
		var first string
		for _, f := range fields {
			if strings.HasPrefix(f.Name, "__") || graph.AnonymousMutation(f.Name) {
				// The one-time-code mutations answer every unusable code
				// alike instead (TestOneTimeCodesAnswerAlike).
				continue
			}
			args, decls, uses, vars := argumentsOf(schema, f, a.fx)
			sel := selectionOf(schema, f.Type)
			for _, tc := range []struct {
				variant, query, operation string
				vars                      map[string]any
			}{
				{"real records", fmt.Sprintf("mutation { %s%s%s }", f.Name, args, sel), "", nil},
				{"variables of the wrong type", fmt.Sprintf("mutation M%s { %s%s%s }", decls, f.Name, uses, sel), "", vars},
				{"no arguments", fmt.Sprintf("mutation { %s }", f.Name), "", nil},
				{"chosen by operationName", fmt.Sprintf("query Q { __typename } mutation M { %s%s%s }", f.Name, args, sel), "M", nil},
			} {
				drv.n.Store(0)
				r := a.postOperation("", tc.query, tc.operation, tc.vars)
				if r.code() != "UNAUTHENTICATED" || len(r.Errors) != 1 || r.Data != nil {
					t.Errorf("%s (%s): %.300s", f.Name, tc.variant, r.Raw)
				}
				if first == "" {
					first = r.Raw
				} else if r.Raw != first {
					t.Errorf("%s (%s) answers differently from the others:\n%s\n%s", f.Name, tc.variant, r.Raw, first)
				}
				if n := drv.n.Load(); n != 0 {
					t.Errorf("%s (%s): %d database statements, want none", f.Name, tc.variant, n)
				}
			}
		}
		if a.snapshot() != before {
			t.Error("an anonymous mutation wrote")
		}
		// A query without a key still works, and a keyed mutation still
		// reaches its resolver.
		drv.n.Store(0)
		if d := a.anon(`{ regions(first: 1) { totalCount } }`, nil); d["regions"] == nil || drv.n.Load() == 0 {
			t.Error("anonymous query refused or run without the database")
		}
		if r := a.post(a.key, `mutation { updateActivity(id: "`+id(a.fx.activity.ID)+`", input: { beneficiaries: 41 }) { beneficiaries } }`, nil); len(r.Errors) > 0 {
			t.Errorf("keyed mutation: %s", r.Raw)
		}
	})
}

// TestMutationOrder is the table of role × mutation × input. For each
// mutation that names a target or depends on stored data, a true guess
// (the target exists; the ID number is on record; the day already holds
// minutes elsewhere) and a false one must give byte-identical answers to
// every caller who may not know, with the expected code, and write
// nothing. Each input is also malformed where it can be, so the refusal
// proves that authorisation comes before the shape check.
func TestMutationOrder(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		a.unlimited(a.db)
		w := newOrderWorld(t, a)
		missing := func(id int) int { return id + 1_000_000 } // same table's id range, no row
		deflt := map[string]string{"anonymous": "UNAUTHENTICATED", "partner": "FORBIDDEN", "reviewer-agency": "FORBIDDEN", "editor-team": "FORBIDDEN",
			"volunteer": "FORBIDDEN"}
		with := func(extra map[string]string) map[string]string {
			out := map[string]string{}
			for k, v := range deflt {
				out[k] = v
			}
			for k, v := range extra {
				if v == "" {
					delete(out, k)
				} else {
					out[k] = v
				}
			}
			return out
		}
		// target varies one id: an existing one outside the refused keys'
		// scope, and one that does not exist.
		target := func(query string, existing int, vars func(gid string) map[string]any) (string, map[string]any, map[string]any) {
			return query, vars(id(existing)), vars(id(missing(existing)))
		}
		type guess struct {
			name        string
			query       string
			truth, lie  map[string]any
			refusedWith map[string]string // role → code; roles that may know are absent
		}
		var cases []guess
		add := func(name string, refused map[string]string, query string, truth, lie map[string]any) {
			cases = append(cases, guess{name, query, truth, lie, refused})
		}
		fx := w.fx
		q, tv, lv := target(`mutation($id:ID!){ updateOrganization(id:$id, input:{name:"  "}) { id } }`, fx.agency.ID,
			func(g string) map[string]any { return map[string]any{"id": g} })
		add("updateOrganization: agency vs missing", deflt, q, tv, lv)
		q, tv, lv = target(`mutation($p:ID!){ createOrganization(input:{name:"", kind:OTHER, regionCode:"0", parentId:$p}) { id } }`, fx.agency.ID,
			func(g string) map[string]any { return map[string]any{"p": g} })
		add("createOrganization: under agency vs under missing", deflt, q, tv, lv)
		add("createPartyBuildingLink: out-of-scope sides vs missing sides", deflt,
			`mutation($p:ID!,$q:ID!){ createPartyBuildingLink(input:{partyOrganizationId:$p, partnerId:$q, linkType:PAIRING, startedOn:"2024-01-01", endedOn:"2023-01-01"}) { id } }`,
			map[string]any{"p": id(fx.party.ID), "q": id(fx.agency.ID)}, map[string]any{"p": id(missing(fx.party.ID)), "q": id(missing(fx.agency.ID))})
		q, tv, lv = target(`mutation($id:ID!){ updatePartyBuildingLink(id:$id, input:{startedOn:"0202-01-01"}) { id } }`, w.link,
			func(g string) map[string]any { return map[string]any{"id": g} })
		add("updatePartyBuildingLink: link vs missing", deflt, q, tv, lv)
		q, tv, lv = target(`mutation($id:ID!){ endPartyBuildingLink(id:$id, endedOn:"1800-01-01") { id } }`, w.link,
			func(g string) map[string]any { return map[string]any{"id": g} })
		add("endPartyBuildingLink: link vs missing", deflt, q, tv, lv)
		add("createPartnership: out-of-scope sides vs missing sides", deflt,
			`mutation($o:ID!,$p:ID!){ createPartnership(input:{organizationId:$o, partnerId:$p, kind:MENTORING, startedOn:"2024-01-01", capacity:-1}) { id } }`,
			map[string]any{"o": id(fx.agency.ID), "p": id(fx.party.ID)}, map[string]any{"o": id(missing(fx.agency.ID)), "p": id(missing(fx.party.ID))})
		q, tv, lv = target(`mutation($id:ID!){ updatePartnership(id:$id, input:{capacity:-1}) { id } }`, w.partnership,
			func(g string) map[string]any { return map[string]any{"id": g} })
		add("updatePartnership: partnership vs missing", deflt, q, tv, lv)
		q, tv, lv = target(`mutation($o:ID!){ createProject(input:{name:"", participants:[{organizationId:$o, role:LEAD}]}) { id } }`, fx.agency.ID,
			func(g string) map[string]any { return map[string]any{"o": g} })
		add("createProject: led by agency vs by missing", deflt, q, tv, lv)
		q, tv, lv = target(`mutation($id:ID!){ updateProject(id:$id, input:{name:""}) { id } }`, fx.project.ID,
			func(g string) map[string]any { return map[string]any{"id": g} })
		add("updateProject: project vs missing", deflt, q, tv, lv)
		q, tv, lv = target(`mutation($o:ID!){ createActivity(input:{title:"", organizationId:$o, regionCode:"0", startsAt:"2025-06-01T10:00:00+08:00", endsAt:"2025-06-01T09:00:00+08:00"}) { id } }`, fx.agency.ID,
			func(g string) map[string]any { return map[string]any{"o": g} })
		add("createActivity: agency vs missing organiser", deflt, q, tv, lv)
		q, tv, lv = target(`mutation($id:ID!){ updateActivity(id:$id, input:{beneficiaries:-5}) { id } }`, fx.activity.ID,
			func(g string) map[string]any { return map[string]any{"id": g} })
		add("updateActivity: activity vs missing", deflt, q, tv, lv)
		q, tv, lv = target(`mutation($p:ID!,$i:ID!){ createOutcome(input:{projectId:$p, indicatorId:$i, periodStart:"2024-12-31", periodEnd:"2024-01-01"}) { id } }`, fx.project.ID,
			func(g string) map[string]any { return map[string]any{"p": g, "i": id(fx.indicator.ID)} })
		add("createOutcome: project vs missing", deflt, q, tv, lv)
		q, tv, lv = target(`mutation($id:ID!){ updateOutcome(id:$id, input:{periodStart:"1800-01-01"}) { id } }`, w.outcome,
			func(g string) map[string]any { return map[string]any{"id": g} })
		add("updateOutcome: outcome vs missing", deflt, q, tv, lv)
		indicators := with(map[string]string{"editor-agency": "FORBIDDEN"})
		add("createIndicator: code taken vs free", indicators,
			`mutation($c:String!){ createIndicator(input:{code:$c, name:"指标"}) { id } }`,
			map[string]any{"c": fx.indicator.Code}, map[string]any{"c": "not-yet-defined"})
		q, tv, lv = target(`mutation($id:ID!){ updateIndicator(id:$id, input:{name:""}) { id } }`, fx.indicator.ID,
			func(g string) map[string]any { return map[string]any{"id": g} })
		add("updateIndicator: indicator vs missing", indicators, q, tv, lv)
		add("createNeed: known vs unknown region", map[string]string{"anonymous": "UNAUTHENTICATED", "partner": "FORBIDDEN", "reviewer-agency": "FORBIDDEN", "reviewer-team": "FORBIDDEN"},
			`mutation($d:ID!,$r:String!){ createNeed(input:{title:"", domainId:$d, regionCode:$r}) { id } }`,
			map[string]any{"d": id(fx.elderly.ID), "r": "330411104"}, map[string]any{"d": id(missing(fx.elderly.ID)), "r": "000000"})
		q, tv, lv = target(`mutation($id:ID!){ updateNeed(id:$id, input:{title:""}) { id } }`, w.need,
			func(g string) map[string]any { return map[string]any{"id": g} })
		add("updateNeed: need matched to agency vs missing", deflt, q, tv, lv)
		q, tv, lv = target(`mutation($id:ID!,$o:ID!){ assignNeed(id:$id, organizationId:$o) { id } }`, w.need,
			func(g string) map[string]any { return map[string]any{"id": g, "o": id(fx.team.ID)} })
		add("assignNeed: need vs missing", deflt, q, tv, lv)
		q, tv, lv = target(`mutation($id:ID!){ resolveNeed(id:$id, note:"") { id } }`, w.need,
			func(g string) map[string]any { return map[string]any{"id": g} })
		add("resolveNeed: need vs missing", deflt, q, tv, lv)
		q, tv, lv = target(`mutation($id:ID!){ closeNeed(id:$id, reason:"") { id } }`, w.need,
			func(g string) map[string]any { return map[string]any{"id": g} })
		add("closeNeed: need vs missing", deflt, q, tv, lv)
		q, tv, lv = target(`mutation($o:ID!){ registerVolunteer(input:{organizationId:$o, name:"", phone:"1"}) { id } }`, fx.agency.ID,
			func(g string) map[string]any { return map[string]any{"o": g} })
		add("registerVolunteer: agency vs missing organisation", deflt, q, tv, lv)
		add("registerVolunteer: ID number on record vs not", deflt,
			`mutation($n:String!,$o:ID!){ registerVolunteer(input:{organizationId:$o, name:"王小明", idNumber:$n}) { id } }`,
			map[string]any{"n": w.onRecord, "o": id(fx.agency.ID)}, map[string]any{"n": w.notOnRecord, "o": id(fx.agency.ID)})
		q, tv, lv = target(`mutation($id:ID!){ endMembership(id:$id, leftOn:"1800-01-01") { id } }`, w.membership,
			func(g string) map[string]any { return map[string]any{"id": g} })
		add("endMembership: membership vs missing", deflt, q, tv, lv)
		certs := with(map[string]string{"reviewer-agency": "", "reviewer-team": "FORBIDDEN"}) // agency reviewers certify agency members
		q, tv, lv = target(`mutation($p:ID!){ issueCertificate(input:{personId:$p, from:"2024-12-31", to:"2024-01-01"}) { id } }`, fx.volunteers[0].ID,
			func(g string) map[string]any { return map[string]any{"p": g} })
		add("issueCertificate: person vs missing", certs, q, tv, lv)
		q, tv, lv = target(`mutation($id:ID!){ revokeCertificate(id:$id, reason:"") { id } }`, w.certificate,
			func(g string) map[string]any { return map[string]any{"id": g} })
		add("revokeCertificate: certificate vs missing", certs, q, tv, lv)
		q, tv, lv = target(`mutation($id:ID!){ requestServiceRecordCorrection(input:{recordId:$id, reason:""}) { id } }`, w.verified,
			func(g string) map[string]any { return map[string]any{"id": g} })
		add("requestServiceRecordCorrection: record vs missing", deflt, q, tv, lv)
		reviews := map[string]string{"anonymous": "UNAUTHENTICATED", "partner": "FORBIDDEN", "editor-team": "FORBIDDEN", "editor-agency": "FORBIDDEN", "reviewer-team": "FORBIDDEN"}
		q, tv, lv = target(`mutation($id:ID!){ reviewServiceRecords(input:{ids:[$id], decision:REJECT}) { count } }`, w.pending,
			func(g string) map[string]any { return map[string]any{"id": g} })
		add("reviewServiceRecords: record vs missing", reviews, q, tv, lv)
		q, tv, lv = target(`mutation($a:ID!){ logServiceHours(input:{activityId:$a, records:[]}) { count } }`, fx.activity.ID,
			func(g string) map[string]any { return map[string]any{"a": g} })
		add("logServiceHours: activity vs missing", deflt, q, tv, lv)
		// The two leaks of the issue, and item 4: the agency's editor may
		// not log hours for the team's volunteer, so it is asked too.
		hours := with(map[string]string{"editor-agency": "FORBIDDEN"})
		add("logServiceHours: a day with 1,400 minutes elsewhere vs a day without", hours, logHoursQ,
			logVars(w.twoDays, fx.volunteers[2].ID, w.dayA, 60), logVars(w.twoDays, fx.volunteers[2].ID, w.dayB, 60))
		add("logServiceHours: already recorded here that day vs not", deflt, logHoursQ,
			logVars(w.twoDays, fx.volunteers[0].ID, w.dayA, 60), logVars(w.twoDays, fx.volunteers[0].ID, w.dayB, 60))
		add("logServiceHours: over 24 hours vs within, for a non-member", hours, logHoursQ,
			logVars(w.twoDays, fx.volunteers[2].ID, w.dayA, 100), logVars(w.twoDays, fx.volunteers[2].ID, w.dayA, 10))

		// Case work: every key without a case permission is refused by the
		// key alone, before the case (or crisis, assignment, referral) is
		// looked up; the case keys' true and false guesses are in
		// casework_test.go (TestCaseDoors).
		noCase := with(map[string]string{"editor-agency": "FORBIDDEN"})
		for _, m := range []struct {
			name, query string
			target      int
		}{
			{"openCase: sameResidentAs case vs missing", `mutation($id:ID!){ openCase(input:{displayName:"", kind:FAMILY, regionCode:"0", sameResidentAs:$id}) { id } }`, w.caseFile},
			{"assessCase", `mutation($id:ID!){ assessCase(caseId:$id, assessment:"") { id } }`, w.caseFile},
			{"setCasePlan", `mutation($id:ID!){ setCasePlan(input:{caseId:$id, summary:"", goals:[]}) { id } }`, w.caseFile},
			{"recordCaseSession", `mutation($id:ID!){ recordCaseSession(input:{caseId:$id, heldOn:"0202-01-01", kind:PHONE, minutes:0}) { id } }`, w.caseFile},
			{"assignCaseVolunteer", `mutation($id:ID!){ assignCaseVolunteer(input:{caseId:$id, personId:$id, role:TUTOR}) { id } }`, w.caseFile},
			{"endCaseVolunteer", `mutation($id:ID!){ endCaseVolunteer(id:$id, endedOn:"1800-01-01") { id } }`, w.caseVolunteer},
			{"reportCrisis", `mutation($id:ID!){ reportCrisis(input:{caseId:$id, occurredAt:"2999-01-01T00:00:00Z", riskLevel:LOW, description:"", actionsTaken:""}) { id } }`, w.caseFile},
			{"acknowledgeCrisis", `mutation($id:ID!){ acknowledgeCrisis(id:$id) { id } }`, w.crisis},
			{"addCrisisAction", `mutation($id:ID!){ addCrisisAction(id:$id, action:"") { id } }`, w.crisis},
			{"resolveCrisis", `mutation($id:ID!){ resolveCrisis(id:$id, resolution:"") { id } }`, w.crisis},
			{"referCase", `mutation($id:ID!){ referCase(input:{caseId:$id, toOrganizationId:$id, reason:""}) { id } }`, w.caseFile},
			{"answerReferral", `mutation($id:ID!){ answerReferral(id:$id, accept:true, answer:"") { id } }`, w.referral},
			{"closeCase", `mutation($id:ID!){ closeCase(input:{caseId:$id, outcome:WITHDRAWN, summary:""}) { id } }`, w.caseFile},
		} {
			q, tv, lv := target(m.query, m.target, func(g string) map[string]any { return map[string]any{"id": g} })
			add(m.name+": target vs missing", noCase, q, tv, lv)
		}
		add("purgeSealedCases: a sealed case vs none", noCase, `mutation($d:Date){ purgeSealedCases(reason:"", closedBefore:$d) { count } }`,
			map[string]any{"d": "2999-01-01"}, map[string]any{"d": "1900-01-01"})

		// Webhook subscribers are ADMIN's alone: every other key is refused
		// by the key, before the address is looked at or the subscription
		// looked up.
		hook, err := a.db.Client.WebhookSubscription.Create().SetURL("https://hooks.example.org/tongxing").
			SetEvents([]string{"release.published"}).SetSecretCiphertext([]byte("sealed")).Save(a.sys())
		if err != nil {
			t.Fatal(err)
		}
		add("createWebhookSubscription: private address vs public", indicators,
			`mutation($u:String!){ createWebhookSubscription(input:{url:$u, events:["no.such.event"]}) { secret } }`,
			map[string]any{"u": "http://127.0.0.1/hook"}, map[string]any{"u": "https://hooks.example.org/hook"})
		q, tv, lv = target(`mutation($id:ID!){ deleteWebhookSubscription(id:$id) { deletedId } }`, hook.ID,
			func(g string) map[string]any { return map[string]any{"id": g} })
		add("deleteWebhookSubscription: subscription vs missing", indicators, q, tv, lv)
		registerOrderCases(t, a, deflt, add)
		volunteerOrderCases(t, a, deflt, add)

		covered := map[string]bool{}
		for _, tc := range cases {
			covered[strings.Fields(strings.NewReplacer("(", " ", "{", " ").Replace(tc.query[strings.Index(tc.query, "{")+1:]))[0]] = true
			roles := make([]string, 0, len(tc.refusedWith))
			for r := range tc.refusedWith {
				roles = append(roles, r)
			}
			sort.Strings(roles)
			for _, role := range roles {
				want := tc.refusedWith[role]
				t.Run(tc.name+"/"+role, func(t *testing.T) {
					before := a.snapshot()
					truth := a.post(w.keys[role], tc.query, tc.truth)
					lie := a.post(w.keys[role], tc.query, tc.lie)
					if truth.code() != want {
						t.Errorf("true guess: want %s, got %s", want, truth.Raw)
					}
					if truth.Raw != lie.Raw {
						t.Errorf("a true and a false guess answer differently:\n true: %s\nfalse: %s", truth.Raw, lie.Raw)
					}
					if a.snapshot() != before {
						t.Error("a refused mutation wrote")
					}
				})
			}
		}
		// importRecords names its targets inside an uploaded file, which a
		// JSON request cannot carry: its keys are refused in
		// TestImportThroughGraphQL, its true and false guesses compared in
		// TestImportScope.
		covered["importRecords"] = true
		// Every mutation that can name a target or a fact is in the table.
		for _, f := range graph.NewSchema(a.db.Client, nil).Schema().Mutation.Fields {
			if !covered[f.Name] {
				t.Errorf("mutation %s has no row in the table", f.Name)
			}
		}
	})
}

// TestMutationOrderDisclosure: what callers who pass authorisation learn.
// A duplicate ID number names the existing volunteer number only to a
// caller who may read that person; for anyone else it registers like a
// new number, marked for ADMIN. Checks that read data still work for
// the editor of the person's organisation.
func TestMutationOrderDisclosure(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		w := newOrderWorld(t, a)
		fx := w.fx
		register := func(key string, org int, number string) response {
			return a.post(key, `mutation($n:String!,$o:ID!){ registerVolunteer(input:{organizationId:$o, name:"王小明", idNumber:$n}) { id } }`,
				map[string]any{"n": number, "o": id(org)})
		}
		// The agency's editor may register with the agency, but may not
		// read the team's volunteers: an ID number on record for one of
		// them registers exactly as a new number does (an answer that
		// differed would be an oracle for whole ID numbers), and is marked
		// for ADMIN to reconcile.
		shape := func(r response) string {
			if len(r.Errors) > 0 {
				return r.Raw
			}
			if _, ok := r.Data["registerVolunteer"].(map[string]any)["id"].(string); !ok {
				return r.Raw
			}
			return "registered"
		}
		onRecord := register(w.keys["editor-agency"], fx.agency.ID, w.onRecord)
		alsoOnRecord := register(w.keys["editor-agency"], fx.agency.ID, w.alsoOnRecord)
		fresh := register(w.keys["editor-agency"], fx.agency.ID, w.notOnRecord)
		if shape(onRecord) != "registered" || shape(alsoOnRecord) != shape(onRecord) || shape(fresh) != shape(onRecord) {
			t.Errorf("numbers on record and not must answer alike:\n%s\n%s\n%s", onRecord.Raw, alsoOnRecord.Raw, fresh.Raw)
		}
		for _, r := range []response{onRecord, alsoOnRecord} {
			for _, leak := range append(w.numbers, "王", "新塍镇红心", "ZJ") {
				if strings.Contains(r.Raw, leak) {
					t.Errorf("registration by a caller who may not read the person shows %q: %s", leak, r.Raw)
				}
			}
		}
		// ADMIN sees which registrations may duplicate whom.
		d := a.admin(`{ possibleDuplicates { totalCount edges { node { possibleDuplicateOf { volunteerNumber } } } } }`, nil)
		dups := d["possibleDuplicates"].(map[string]any)
		if dups["totalCount"].(float64) != 2 || !strings.Contains(fmt.Sprint(dups), w.numbers[0]) || !strings.Contains(fmt.Sprint(dups), w.numbers[1]) {
			t.Errorf("possible duplicates: %v", dups)
		}
		if r := a.post(w.keys["editor-agency"], `{ possibleDuplicates { totalCount } }`, nil); r.code() != "FORBIDDEN" {
			t.Errorf("an editor lists possible duplicates: %s", r.Raw)
		}
		before := a.snapshot()
		// The team's editor and ADMIN may read the person: the number
		// tells their staff to add a membership instead.
		for _, key := range []string{w.keys["editor-team"], w.keys["admin"]} {
			r := register(key, fx.team.ID, w.onRecord)
			if r.code() != "CONFLICT" || !strings.Contains(r.Raw, w.numbers[0]) {
				t.Errorf("CONFLICT to a caller who reads the person: %s", r.Raw)
			}
		}
		if a.snapshot() != before {
			t.Error("a refused registration wrote")
		}
		// The agency's editor logging for its own member: the data checks
		// run, after authorisation, and say nothing of numbers.
		r := a.post(w.keys["editor-agency"], logHoursQ, logVars(w.twoDays, fx.volunteers[0].ID, w.dayA, 60))
		if r.code() != "BAD_USER_INPUT" || r.field() != "input.records.0.personId" {
			t.Errorf("record already at the activity that day: %s", r.Raw)
		}
		if a.snapshot() != before {
			t.Error("a refused log wrote")
		}
		// Shape before data: a malformed entry is reported, not the record
		// already there.
		r = a.post(w.keys["editor-agency"], logHoursQ, logVars(w.twoDays, fx.volunteers[0].ID, w.dayA, 0))
		if r.code() != "BAD_USER_INPUT" || r.field() != "input.records.0.minutes" || len(r.Errors) != 1 {
			t.Errorf("malformed entry: %s", r.Raw)
		}
	})
}

// TestMutationOrderHoursOnlyForMembers is item 4: an editor cannot bring a
// person into its scope by logging hours for them. Hours (and corrections)
// are written only for members of the activity's organisation or one
// under it whose membership had not ended before the day served.
func TestMutationOrderHoursOnlyForMembers(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		w := newOrderWorld(t, a)
		fx := w.fx
		editor := w.keys["editor-agency"]
		const nodeQ = `query($id:ID!){ node(id:$id) { id ... on Person { volunteerNumber phone } } }`
		outsider := map[string]any{"id": id(fx.volunteers[2].ID)}
		if r := a.post(editor, nodeQ, outsider); r.code() != "NOT_FOUND" {
			t.Fatalf("the team's volunteer is readable to the agency's editor before anything: %s", r.Raw)
		}
		before := a.snapshot()
		r := a.post(editor, logHoursQ, logVars(fx.activity.ID, fx.volunteers[2].ID, w.dayB, 60))
		if r.code() != "FORBIDDEN" {
			t.Errorf("logging hours for a non-member: %s", r.Raw)
		}
		// One non-member spoils the batch: all or nothing.
		batch := logVars(fx.activity.ID, fx.volunteers[1].ID, w.dayB, 60)
		batch["in"].(map[string]any)["records"] = append(batch["in"].(map[string]any)["records"].([]any),
			map[string]any{"personId": id(fx.volunteers[2].ID), "servedOn": w.dayB, "minutes": 60})
		if r := a.post(editor, logHoursQ, batch); r.code() != "FORBIDDEN" {
			t.Errorf("a batch with a non-member: %s", r.Raw)
		}
		if a.snapshot() != before {
			t.Error("a refused log wrote")
		}
		if r := a.post(editor, nodeQ, outsider); r.code() != "NOT_FOUND" || strings.Contains(r.Raw, "ZJT2") || strings.Contains(r.Raw, "13800000002") {
			t.Errorf("the refused log brought the person into the editor's scope: %s", r.Raw)
		}

		// A correction is a new record for the same person: the same rule.
		// The team's volunteer served at the agency's activity (recorded
		// by ADMIN, who records for anyone): the agency's editor now reads
		// the person, but may not file a correction.
		rec, err := a.db.Client.ServiceRecord.Create().SetPersonID(fx.volunteers[2].ID).SetActivityID(fx.activity.ID).
			SetServedOn(mustDate(t, w.dayB)).SetMinutes(30).SetRecordedBy("test").SetStatus(servicerecord.StatusVERIFIED).Save(a.sys())
		if err != nil {
			t.Fatal(err)
		}
		before = a.snapshot()
		const correctQ = `mutation($id:ID!){ requestServiceRecordCorrection(input:{recordId:$id, minutes:45, reason:"少记了一刻钟"}) { id } }`
		if r := a.post(editor, correctQ, map[string]any{"id": id(rec.ID)}); r.code() != "FORBIDDEN" {
			t.Errorf("correcting a non-member's record: %s", r.Raw)
		}
		if a.snapshot() != before {
			t.Error("a refused correction wrote")
		}

		// A membership that ended before the day served does not count;
		// one that ended on it or later does.
		ended := a.admin(`mutation($o:ID!){ registerVolunteer(input:{organizationId:$o, name:"李离开", joinedOn:"2020-01-01"}) {
			id memberships { edges { node { id } } } } }`, map[string]any{"o": id(fx.agency.ID)})["registerVolunteer"].(map[string]any)
		leaver := ended["id"].(string)
		a.admin(`mutation($id:ID!,$d:Date!){ endMembership(id:$id, leftOn:$d) { id } }`,
			map[string]any{"id": edges(t, ended["memberships"])[0]["id"], "d": w.dayA})
		logLeaver := func(day string) response {
			return a.post(editor, `mutation($a:ID!,$p:ID!,$d:Date!){ logServiceHours(input:{activityId:$a, records:[{personId:$p, servedOn:$d, minutes:60}]}) { count } }`,
				map[string]any{"a": id(w.twoDays), "p": leaver, "d": day})
		}
		if r := logLeaver(w.dayB); r.code() != "FORBIDDEN" {
			t.Errorf("hours after the membership ended: %s", r.Raw)
		}
		if r := logLeaver(w.dayA); len(r.Errors) > 0 {
			t.Errorf("hours on the last day of the membership: %s", r.Raw)
		}

		// The legitimate flow: the editor registers a volunteer and logs
		// their hours, the reviewer verifies, the editor files a
		// correction, the reviewer verifies it.
		p := a.post(editor, `mutation($o:ID!){ registerVolunteer(input:{organizationId:$o, name:"周新人"}) { id } }`, map[string]any{"o": id(fx.agency.ID)})
		if len(p.Errors) > 0 {
			t.Fatalf("editor registering: %s", p.Raw)
		}
		newcomer := p.Data["registerVolunteer"].(map[string]any)["id"].(string)
		r = a.post(editor, `mutation($a:ID!,$p:ID!,$d:Date!){ logServiceHours(input:{activityId:$a, records:[{personId:$p, servedOn:$d, minutes:90}]}) {
			serviceRecords { edges { node { id } } } } }`, map[string]any{"a": id(fx.activity.ID), "p": newcomer, "d": fx.day})
		if len(r.Errors) > 0 {
			t.Fatalf("editor logging hours for its new member: %s", r.Raw)
		}
		recID := edges(t, r.Data["logServiceHours"].(map[string]any)["serviceRecords"])[0]["id"]
		const verify = `mutation($ids:[ID!]!){ reviewServiceRecords(input:{ids:$ids, decision:VERIFY}) { count } }`
		if r := a.post(w.keys["reviewer-agency"], verify, map[string]any{"ids": []any{recID}}); len(r.Errors) > 0 {
			t.Fatalf("reviewer verifying: %s", r.Raw)
		}
		r = a.post(editor, correctQ, map[string]any{"id": recID})
		if len(r.Errors) > 0 {
			t.Fatalf("editor correcting its member's record: %s", r.Raw)
		}
		corr := r.Data["requestServiceRecordCorrection"].(map[string]any)["id"]
		if r := a.post(w.keys["reviewer-agency"], verify, map[string]any{"ids": []any{corr}}); len(r.Errors) > 0 {
			t.Errorf("reviewer verifying the correction: %s", r.Raw)
		}
	})
}

const logHoursQ = `mutation($in:LogServiceHoursInput!){ logServiceHours(input:$in) { count } }`

func logVars(activity, person int, day string, minutes int) map[string]any {
	return map[string]any{"in": map[string]any{"activityId": id(activity), "records": []any{
		map[string]any{"personId": id(person), "servedOn": day, "minutes": minutes},
	}}}
}

// orderWorld is the fixture of these tests: role keys, records of every
// kind owned by the agency (outside the team's scope), a two-day activity
// of the agency, and ID numbers on record and not.
type orderWorld struct {
	fx   fixture
	keys map[string]string
	link, partnership, outcome, need, membership,
	certificate, verified, pending, twoDays int
	// dayA and dayB are the two days of twoDays. On dayA the team's
	// volunteer served 1,400 minutes at a team activity, and volunteer 0
	// already has a record at twoDays.
	dayA, dayB string
	// onRecord and alsoOnRecord are ID numbers of two volunteers of the
	// team, numbers their volunteer numbers; notOnRecord is valid and free.
	onRecord, alsoOnRecord, notOnRecord string
	numbers                             []string
	// A case of the agency with a crisis, a volunteer and a referral to
	// the team.
	caseFile, crisis, caseVolunteer, referral int
}

func newOrderWorld(t *testing.T, a *api) *orderWorld {
	t.Helper()
	ctx, c, fx := a.sys(), a.db.Client, a.fx
	w := &orderWorld{fx: fx, keys: accessFixture(t, a)}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	team := fx.team.ID
	secret, _, err := apikeys.Create(ctx, c, "reviewer-team", apikeys.CreateOptions{Role: apikey.RoleREVIEWER, OrganizationID: &team})
	must(err)
	w.keys["reviewer-team"] = secret

	since := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	link, err := c.PartyBuildingLink.Create().SetPartyOrganization(fx.party).SetPartner(fx.agency).
		SetLinkType(partybuildinglink.LinkTypePAIRING).SetStartedOn(since).Save(ctx)
	must(err)
	w.link = link.ID
	ps, err := c.Partnership.Create().SetOrganization(fx.agency).SetPartner(fx.party).SetKind(partnership.KindMENTORING).SetStartedOn(since).Save(ctx)
	must(err)
	w.partnership = ps.ID
	oc, err := c.Outcome.Create().SetProject(fx.project).SetIndicator(fx.indicator).SetPeriodStart(since).SetPeriodEnd(since.AddDate(1, 0, -1)).SetActual(86).Save(ctx)
	must(err)
	w.outcome = oc.ID
	nd, err := c.Need.Create().SetTitle("独居老人助餐").SetDomain(fx.elderly).SetRegion(fx.town).SetOpenedAt(time.Now()).
		SetStatus(need.StatusMATCHED).SetMatchedOrganization(fx.agency).Save(ctx)
	must(err)
	w.need = nd.ID
	w.membership, err = c.Membership.Query().Where(membership.PersonID(fx.volunteers[0].ID), membership.OrganizationID(fx.agency.ID)).OnlyID(ctx)
	must(err)

	day := mustDate(t, fx.day)
	rec := func(p, act int, on time.Time, minutes int, status servicerecord.Status) int {
		t.Helper()
		r, err := c.ServiceRecord.Create().SetPersonID(p).SetActivityID(act).SetServedOn(on).SetMinutes(minutes).
			SetRecordedBy("test").SetStatus(status).Save(ctx)
		must(err)
		return r.ID
	}
	w.verified = rec(fx.volunteers[0].ID, fx.activity.ID, day, 60, servicerecord.StatusVERIFIED)
	w.pending = rec(fx.volunteers[1].ID, fx.activity.ID, day, 60, servicerecord.StatusPENDING)
	cert := a.admin(`mutation($p:ID!,$d:Date!){ issueCertificate(input:{personId:$p, from:$d, to:$d}) { id } }`,
		map[string]any{"p": id(fx.volunteers[0].ID), "d": fx.day})
	w.certificate = decodeID(t, cert["issueCertificate"].(map[string]any)["id"].(string))

	// Two days of the agency, and a team activity on the first.
	cst := calendar.Zone
	dayB := day
	dayA := day.AddDate(0, 0, -1)
	w.dayA, w.dayB = dayA.Format(time.DateOnly), dayB.Format(time.DateOnly)
	at := func(d time.Time, hour int) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, cst)
	}
	two, err := c.Activity.Create().SetTitle("两日营").SetOrganization(fx.agency).SetRegion(fx.town).
		SetStartsAt(at(dayA, 9)).SetEndsAt(at(dayB, 12)).Save(ctx)
	must(err)
	w.twoDays = two.ID
	elsewhere, err := c.Activity.Create().SetTitle("红心巡河").SetOrganization(fx.team).SetRegion(fx.town).
		SetStartsAt(at(dayA, 6)).SetEndsAt(at(dayA, 23)).Save(ctx)
	must(err)
	rec(fx.volunteers[2].ID, elsewhere.ID, dayA, 1400, servicerecord.StatusVERIFIED)
	rec(fx.volunteers[0].ID, two.ID, dayA, 60, servicerecord.StatusPENDING)

	// Two volunteers of the team registered with ID numbers.
	w.onRecord, w.alsoOnRecord, w.notOnRecord = idNumber("11010519491231002"), idNumber("33041120000229123"), idNumber("33041119851111456")
	for _, n := range []string{w.onRecord, w.alsoOnRecord, w.notOnRecord} {
		if !pii.ValidIDNumber(n) {
			t.Fatalf("test ID number %s is not valid", n)
		}
	}
	for i, n := range []string{w.onRecord, w.alsoOnRecord} {
		d := a.admin(`mutation($o:ID!,$n:String!,$name:String!){ registerVolunteer(input:{organizationId:$o, name:$name, idNumber:$n}) { volunteerNumber } }`,
			map[string]any{"o": id(fx.team.ID), "n": n, "name": []string{"陈晓梅", "沈立群"}[i]})
		w.numbers = append(w.numbers, d["registerVolunteer"].(map[string]any)["volunteerNumber"].(string))
	}
	resident, err := c.CaseResident.Create().SetName("服务对象").Save(ctx)
	must(err)
	cf, err := c.CaseFile.Create().SetAgencyID(fx.agency.ID).SetResponsibleWorkerID(fx.volunteers[0].ID).SetResidentID(resident.ID).
		SetRegionID(fx.town.ID).SetDisplayName("小伟（化名）").SetKind(casefile.KindFAMILY).SetOpenedOn(day).Save(ctx)
	must(err)
	w.caseFile = cf.ID
	cr, err := c.CaseCrisis.Create().SetCaseID(cf.ID).SetOccurredAt(day).SetRiskLevel(casecrisis.RiskLevelHIGH).
		SetDescriptionCiphertext([]byte{1}).SetActionsCiphertext([]byte{1}).SetReportedBy("test").Save(ctx)
	must(err)
	w.crisis = cr.ID
	cv, err := c.CaseVolunteer.Create().SetCaseID(cf.ID).SetPersonID(fx.volunteers[1].ID).SetRole(casevolunteer.RoleTUTOR).SetAssignedOn(day).Save(ctx)
	must(err)
	w.caseVolunteer = cv.ID
	rf, err := c.CaseReferral.Create().SetCaseID(cf.ID).SetToOrganizationID(fx.team.ID).SetReferredOn(day).SetReasonCiphertext([]byte{1}).Save(ctx)
	must(err)
	w.referral = rf.ID
	return w
}

// idNumber completes 17 digits with the GB 11643 check character.
func idNumber(body string) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, ch := range body {
		sum += int(ch-'0') * weights[i]
	}
	return body + string("10X98765432"[sum%11])
}

func decodeID(t *testing.T, s string) int {
	t.Helper()
	n, err := gid.Decode(s)
	if err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return n
}

// unlimited serves a.h over db with the rate limits off: these tests send
// hundreds of requests in a row from one address and key.
func (a *api) unlimited(db *database.DB) {
	a.t.Helper()
	cfg, err := server.LoadConfig(func(k string) string {
		switch k {
		case "TONGXING_RATE_LIMIT_ANON", "TONGXING_RATE_LIMIT_KEY":
			return "0"
		}
		return ""
	})
	if err != nil {
		a.t.Fatal(err)
	}
	cfg.SecretKey = testSecret
	a.h = server.New(cfg, db, slog.New(slog.DiscardHandler)).Handler()
}

// postOperation is post with an operationName.
func (a *api) postOperation(key, query, operation string, vars map[string]any) response {
	a.t.Helper()
	if operation == "" {
		return a.post(key, query, vars)
	}
	body, _ := json.Marshal(map[string]any{"query": query, "operationName": operation, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	return a.do(req)
}

// argumentsOf writes a field's required arguments three ways: as literals
// of the right type naming real records, as variable declarations, and as
// uses of those variables, whose values (in vars) are all of the wrong type.
func argumentsOf(s *ast.Schema, f *ast.FieldDefinition, fx fixture) (literals, decls, uses string, vars map[string]any) {
	var lits, ds, us []string
	vars = map[string]any{}
	for i, arg := range f.Arguments {
		if !arg.Type.NonNull || arg.DefaultValue != nil {
			continue
		}
		v := fmt.Sprintf("v%d", i)
		lits = append(lits, arg.Name+": "+literalOf(s, arg.Type, fx, 0))
		ds = append(ds, "$"+v+": "+arg.Type.String())
		us = append(us, arg.Name+": $"+v)
		vars[v] = map[string]any{"not": []any{"what", 1, "expects"}}
	}
	if len(lits) == 0 {
		return "", "", "", nil
	}
	return "(" + strings.Join(lits, ", ") + ")", "(" + strings.Join(ds, ", ") + ")", "(" + strings.Join(us, ", ") + ")", vars
}

// literalOf is a value of type t: ids of real records, valid dates,
// the first enum value, input objects with their required fields.
func literalOf(s *ast.Schema, t *ast.Type, fx fixture, depth int) string {
	if t.Elem != nil {
		return "[" + literalOf(s, t.Elem, fx, depth+1) + "]"
	}
	def := s.Types[t.NamedType]
	switch def.Kind {
	case ast.Enum:
		return def.EnumValues[0].Name
	case ast.InputObject:
		var parts []string
		for _, f := range def.Fields {
			if f.Type.NonNull && f.DefaultValue == nil && depth < 5 {
				parts = append(parts, f.Name+": "+literalOf(s, f.Type, fx, depth+1))
			}
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	switch def.Name {
	case "ID":
		return fmt.Sprintf("%q", id(fx.volunteers[0].ID))
	case "Int":
		return "60"
	case "Float":
		return "1.5"
	case "Boolean":
		return "true"
	case "Date":
		return fmt.Sprintf("%q", fx.day)
	case "Time":
		return `"2025-06-01T09:00:00+08:00"`
	}
	return `"330411104"`
}

// selectionOf selects __typename under a field of object type.
func selectionOf(s *ast.Schema, t *ast.Type) string {
	for t.Elem != nil {
		t = t.Elem
	}
	switch s.Types[t.NamedType].Kind {
	case ast.Object, ast.Interface, ast.Union:
		return " { __typename }"
	}
	return ""
}
