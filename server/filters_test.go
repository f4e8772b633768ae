package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/auditevent"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/policy"
)

// Filters are reads: each row is an attack that worked before filters were
// guarded, sent once with a true guess and once with a false guess. The
// property every row keeps: both guesses get the same answer, and that
// answer is a refusal (or, for a filter the caller may use, no row the
// caller may not read). docs/security.md, "Filters are reads".

// filterFixture adds to the access fixture what the attacks probe: the
// team's volunteer is also a member of an organisation outside the team's
// scope, volunteers have service records, one has a certificate, and a need
// carries case details.
type filterFixture struct {
	keys      map[string]string
	outsider  *ent.Organization // not in any test key's scope
	outsideAt *ent.Activity     // an activity of the outsider
	cert      *ent.Certificate
	need      *ent.Need
	quiet     *ent.Person // a member of the team with no service record anywhere
}

func newFilterFixture(t *testing.T, a *api) filterFixture {
	t.Helper()
	ctx, c, fx := a.sys(), a.db.Client, a.fx
	keys := accessFixture(t, a)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	out, err := c.Organization.Create().SetName("外区某志愿服务队").SetKind(organization.KindVOLUNTEER_TEAM).SetRegion(fx.town).Save(ctx)
	must(err)
	must(c.Membership.Create().SetPerson(fx.volunteers[2]).SetOrganization(out).SetRole(membership.RoleVOLUNTEER).SetJoinedOn(fx.activity.StartsAt).Exec(ctx))
	at, err := c.Activity.Create().SetTitle("外区活动").SetOrganization(out).SetRegion(fx.town).
		SetStartsAt(fx.activity.StartsAt).SetEndsAt(fx.activity.EndsAt).Save(ctx)
	must(err)
	// volunteers[2] (the team's) served at the outsider's activity; volunteers[0]
	// (the agency's) served at the agency's.
	must(c.ServiceRecord.Create().SetPerson(fx.volunteers[2]).SetActivity(at).SetServedOn(calendar.Date(fx.activity.StartsAt)).
		SetMinutes(120).SetRecordedBy("test").Exec(ctx))
	must(c.ServiceRecord.Create().SetPerson(fx.volunteers[0]).SetActivity(fx.activity).SetServedOn(calendar.Date(fx.activity.StartsAt)).
		SetMinutes(90).SetRecordedBy("test").SetContent("陪伴独居老人").Exec(ctx))
	cert, err := c.Certificate.Create().SetNumber("ZYZM-330411-2026-000001").SetVerificationCode("K7Q2M9X4").
		SetPersonID(fx.volunteers[0].ID).SetPeriodStart(fx.activity.StartsAt).SetPeriodEnd(fx.activity.EndsAt).
		SetMinutes(90).SetRecordCount(1).SetContent("助餐送餐").SetIssuer(fx.agency.Name).SetIssuedBy("test").Save(ctx)
	must(err)
	need, err := c.Need.Create().SetTitle("独居老人助餐").SetDescription("王某某，82岁，独居，行动不便").
		SetDomain(fx.elderly).SetRegion(fx.community).SetOpenedAt(fx.activity.StartsAt).Save(ctx)
	must(err)
	// A need concerning a child, in the community: only ADMIN and the
	// editors handling it read it (policy.NeedRows).
	must(c.Need.Create().SetTitle("儿童课业辅导").SetDescription("小明（化名），10岁").
		SetDomain(fx.youth).SetRegion(fx.community).SetOpenedAt(fx.activity.StartsAt).Exec(ctx))
	quiet, err := c.Person.Create().SetVolunteerNumber("ZJT9").SetName("测试志愿者九").SetPhone("13800000009").Save(ctx)
	must(err)
	must(c.Membership.Create().SetPerson(quiet).SetOrganization(fx.team).SetRole(membership.RoleVOLUNTEER).SetJoinedOn(fx.activity.StartsAt).Exec(ctx))
	return filterFixture{keys: keys, outsider: out, outsideAt: at, cert: cert, need: need, quiet: quiet}
}

// answer is a response reduced to what a caller can compare: the data and
// each error's code and message (request ids differ on every request).
func answer(r response) string {
	type e struct{ Code, Message string }
	var errs []e
	for _, x := range r.Errors {
		c, _ := x.Extensions["code"].(string)
		errs = append(errs, e{c, x.Message})
	}
	b, _ := json.Marshal(struct {
		Status int
		Data   map[string]any
		Errors []e
	}{r.Status, r.Data, errs})
	return string(b)
}

func TestFiltersAreReads(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		ff := newFilterFixture(t, a)
		fx := a.fx
		v0, v2 := fx.volunteers[0], fx.volunteers[2]
		type guess struct {
			query string
			vars  map[string]any
		}
		// refused: both guesses must be refused with this code (""
		// accepts any refusal, e.g. a schema validation error for an
		// input field that no longer exists).
		for _, tc := range []struct {
			name, role  string
			true, false guess
			refused     string
			// allowed: the filter may be used, and must answer as if the
			// rows the caller may not read did not exist.
			allowed bool
		}{
			{
				name: "anonymous reads a member's phone through organisation filters", role: "anonymous",
				true: guess{`query($w:OrganizationWhereInput){ organizations(where:$w){ totalCount } }`,
					map[string]any{"w": map[string]any{"id": id(fx.agency.ID), "hasMembershipsWith": []any{map[string]any{"hasPersonWith": []any{map[string]any{"phoneHasPrefix": "1380000000"}}}}}}},
				false: guess{`query($w:OrganizationWhereInput){ organizations(where:$w){ totalCount } }`,
					map[string]any{"w": map[string]any{"id": id(fx.agency.ID), "hasMembershipsWith": []any{map[string]any{"hasPersonWith": []any{map[string]any{"phoneHasPrefix": "1990000000"}}}}}}},
			},
			{
				name: "anonymous finds where a person was through activity filters", role: "anonymous",
				true: guess{`query($n:String!){ activities(where:{hasServiceRecordsWith:{hasPersonWith:{name:$n}}}){ totalCount } }`,
					map[string]any{"n": v0.Name}},
				false: guess{`query($n:String!){ activities(where:{hasServiceRecordsWith:{hasPersonWith:{name:$n}}}){ totalCount } }`,
					map[string]any{"n": "无此人"}},
			},
			{
				name: "anonymous reads a need's hidden description", role: "anonymous",
				true:  guess{`{ needs(where:{descriptionContains:"独居"}){ totalCount } }`, nil},
				false: guess{`{ needs(where:{descriptionContains:"无关"}){ totalCount } }`, nil},
			},
			{
				name: "anonymous reads a need's hidden resolution note", role: "anonymous",
				true:  guess{`{ needs(where:{resolutionNoteIsNil:true}){ totalCount } }`, nil},
				false: guess{`{ needs(where:{resolutionNoteIsNil:false}){ totalCount } }`, nil},
			},
			{
				name: "anonymous counts a child's need in a village", role: "anonymous",
				true:    guess{`query($c:String!){ needs(where:{hasRegionWith:{code:$c}, hasDomainWith:{code:"youth"}}){ totalCount } }`, map[string]any{"c": fx.community.Code}},
				false:   guess{`query($c:String!){ needs(where:{hasRegionWith:{code:$c}, hasDomainWith:{code:"youth"}}){ totalCount } }`, map[string]any{"c": fx.town.Code}},
				allowed: true,
			},
			{
				name: "a certificate's verification code from its number", role: "editor-agency",
				true: guess{`query($n:String!){ people(where:{hasCertificatesWith:{number:$n, verificationCodeHasPrefix:"K7"}}){ totalCount } }`,
					map[string]any{"n": ff.cert.Number}},
				false: guess{`query($n:String!){ people(where:{hasCertificatesWith:{number:$n, verificationCodeHasPrefix:"Z9"}}){ totalCount } }`,
					map[string]any{"n": ff.cert.Number}},
			},
			{
				name: "partner de-pseudonymises a student by name", role: "partner",
				true:  guess{`query($n:String!){ people(where:{name:$n}){ edges{ node{ pseudonym } } } }`, map[string]any{"n": fx.volunteers[1].Name}},
				false: guess{`query($n:String!){ people(where:{name:$n}){ edges{ node{ pseudonym } } } }`, map[string]any{"n": "无此人"}},
			},
			{
				name: "partner lists Party members", role: "partner",
				true:  guess{`{ people(where:{partyMember:true}){ totalCount } }`, nil},
				false: guess{`{ people(where:{partyMember:false}){ totalCount } }`, nil},
			},
			{
				name: "partner uses the generic people connection at all", role: "partner",
				true:    guess{`{ people { totalCount } }`, nil},
				false:   guess{`{ people(where:{volunteerNumber:"none"}) { totalCount } }`, nil},
				refused: "FORBIDDEN",
			},
			{
				name: "partner sorts people by volunteer number", role: "partner",
				true:    guess{`{ people(orderBy:{field:VOLUNTEER_NUMBER}) { totalCount } }`, nil},
				false:   guess{`{ people(orderBy:{field:VOLUNTEER_NUMBER, direction:DESC}) { totalCount } }`, nil},
				refused: "FORBIDDEN",
			},
			{
				name: "partner reads service records through the generic connection", role: "partner",
				true:    guess{`{ serviceRecords { totalCount } }`, nil},
				false:   guess{`{ serviceRecords(where:{minutesGT:100000}) { totalCount } }`, nil},
				refused: "FORBIDDEN",
			},
			{
				name: "reviewer reads a name it sees masked", role: "reviewer-agency",
				true:  guess{`query($n:String!){ people(where:{name:$n}){ totalCount } }`, map[string]any{"n": v0.Name}},
				false: guess{`query($n:String!){ people(where:{name:$n}){ totalCount } }`, map[string]any{"n": "无此人"}},
			},
			{
				name: "reviewer reads a phone it sees masked", role: "reviewer-agency",
				true:  guess{`query($p:String!){ people(where:{phoneHasPrefix:$p}){ totalCount } }`, map[string]any{"p": v0.Phone[:7]}},
				false: guess{`query($p:String!){ people(where:{phoneHasPrefix:$p}){ totalCount } }`, map[string]any{"p": "1990000"}},
			},
			{
				name: "reviewer reads a birth date", role: "reviewer-agency",
				true:  guess{`{ people(where:{birthDateLT:"1990-01-02"}){ totalCount } }`, nil},
				false: guess{`{ people(where:{birthDateLT:"1900-01-02"}){ totalCount } }`, nil},
			},
			{
				name: "out-of-scope editor reads a birth date by ordering", role: "editor-team",
				true:  guess{`{ people(orderBy:{field:BIRTH_DATE}){ totalCount } }`, nil},
				false: guess{`{ people(orderBy:{field:BIRTH_DATE, direction:DESC}){ totalCount } }`, nil},
			},
			{
				name: "anonymous filters memberships inside a public organisation", role: "anonymous",
				true:  guess{`query($o:ID!){ node(id:$o){ ... on Organization { memberships(where:{role:VOLUNTEER}){ totalCount } } } }`, map[string]any{"o": id(fx.agency.ID)}},
				false: guess{`query($o:ID!){ node(id:$o){ ... on Organization { memberships(where:{role:LEADER}){ totalCount } } } }`, map[string]any{"o": id(fx.agency.ID)}},
			},
		} {
			t.Run(tc.name, func(t *testing.T) {
				key := ff.keys[tc.role]
				rt := a.post(key, tc.true.query, tc.true.vars)
				rf := a.post(key, tc.false.query, tc.false.vars)
				if answer(rt) != answer(rf) {
					t.Errorf("a true and a false guess answer differently:\n true: %s\nfalse: %s", rt.Raw, rf.Raw)
				}
				if tc.allowed {
					if len(rt.Errors) > 0 {
						t.Errorf("refused: %s", rt.Raw)
					}
					return
				}
				if len(rt.Errors) == 0 {
					t.Errorf("not refused: %s", rt.Raw)
				}
				if tc.refused != "" && rt.code() != tc.refused {
					t.Errorf("code %q, want %s: %s", rt.code(), tc.refused, rt.Raw)
				}
			})
		}

		// Edge predicates into restricted types apply that type's row
		// rules: the team's editor reads its own volunteer, but not that
		// the volunteer is also a member of, or served at, an organisation
		// outside its scope. These filters are allowed, and answer as if
		// the rows the editor may not read did not exist.
		for _, tc := range []struct {
			name        string
			true, false guess
		}{
			{
				name:  "membership of an organisation outside the scope",
				true:  guess{`query($o:ID!){ people(where:{hasMembershipsWith:{hasOrganizationWith:{id:$o}}}){ totalCount } }`, map[string]any{"o": id(ff.outsider.ID)}},
				false: guess{`query($o:ID!){ people(where:{hasMembershipsWith:{hasOrganizationWith:{id:$o}}}){ totalCount } }`, map[string]any{"o": id(fx.party.ID)}},
			},
			{
				name:  "service at an activity outside the scope",
				true:  guess{`query($a:ID!){ people(where:{hasServiceRecordsWith:{hasActivityWith:{id:$a}}}){ totalCount } }`, map[string]any{"a": id(ff.outsideAt.ID)}},
				false: guess{`query($a:ID!){ people(where:{hasServiceRecordsWith:{hasActivityWith:{id:$a}}}){ totalCount } }`, map[string]any{"a": id(fx.activity.ID)}},
			},
			{
				name:  "any service record at all (hasServiceRecords: true)",
				true:  guess{`query($p:ID!){ people(where:{id:$p, hasServiceRecords:true}){ totalCount } }`, map[string]any{"p": id(v2.ID)}},
				false: guess{`query($p:ID!){ people(where:{id:$p, hasServiceRecords:true}){ totalCount } }`, map[string]any{"p": id(ff.quiet.ID)}},
			},
			{
				name:  "no service record at all (hasServiceRecords: false)",
				true:  guess{`query($p:ID!){ people(where:{id:$p, hasServiceRecords:false}){ totalCount } }`, map[string]any{"p": id(v2.ID)}},
				false: guess{`query($p:ID!){ people(where:{id:$p, hasServiceRecords:false}){ totalCount } }`, map[string]any{"p": id(ff.quiet.ID)}},
			},
			{
				name:  "membership outside the scope, negated",
				true:  guess{`query($p:ID!,$o:ID!){ people(where:{id:$p, not:{hasMembershipsWith:{hasOrganizationWith:{id:$o}}}}){ totalCount } }`, map[string]any{"p": id(v2.ID), "o": id(ff.outsider.ID)}},
				false: guess{`query($p:ID!,$o:ID!){ people(where:{id:$p, not:{hasMembershipsWith:{hasOrganizationWith:{id:$o}}}}){ totalCount } }`, map[string]any{"p": id(v2.ID), "o": id(fx.party.ID)}},
			},
		} {
			t.Run("editor-team: "+tc.name, func(t *testing.T) {
				key := ff.keys["editor-team"]
				rt := a.post(key, tc.true.query, tc.true.vars)
				rf := a.post(key, tc.false.query, tc.false.vars)
				if len(rt.Errors) > 0 {
					t.Fatalf("a filter the editor may use was refused: %s", rt.Raw)
				}
				if answer(rt) != answer(rf) {
					t.Errorf("a true and a false guess answer differently:\n true: %s\nfalse: %s", rt.Raw, rf.Raw)
				}
			})
		}
		// ADMIN reads everything, so the same filters answer truly.
		r := a.post(a.key, `query($o:ID!){ people(where:{hasMembershipsWith:{hasOrganizationWith:{id:$o}}}){ totalCount } }`, map[string]any{"o": id(ff.outsider.ID)})
		if got := fmt.Sprint(r.Data["people"]); got != "map[totalCount:1]" {
			t.Errorf("admin: %s", r.Raw)
		}
		// Filters the caller may read still work.
		r = a.post(ff.keys["reviewer-agency"], `query($n:String!){ people(where:{volunteerNumber:$n}){ totalCount } }`, map[string]any{"n": v0.VolunteerNumber})
		if got := fmt.Sprint(r.Data["people"]); got != "map[totalCount:1]" {
			t.Errorf("reviewer filtering by a volunteer number it reads: %s", r.Raw)
		}
	})
}

// Staff find people by name and phone through searchPeople, which offers
// each criterion only to roles that read it, over the people whose value
// they read, and audits every search.
func TestSearchPeople(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		ff := newFilterFixture(t, a)
		fx := a.fx
		v0, v2 := fx.volunteers[0], fx.volunteers[2]
		const q = `query($n:String,$p:String,$v:String){ searchPeople(name:$n, phone:$p, volunteerNumber:$v){ totalCount edges{ node{ volunteerNumber } } } }`
		for _, tc := range []struct {
			name, role string
			vars       map[string]any
			want       string // totalCount, or an error code
		}{
			{"admin by name", "admin", map[string]any{"n": v2.Name}, "1"},
			{"admin by phone", "admin", map[string]any{"p": v0.Phone}, "1"},
			{"editor finds its member by name", "editor-agency", map[string]any{"n": v0.Name}, "1"},
			{"editor finds its member by phone", "editor-agency", map[string]any{"p": v0.Phone}, "1"},
			{"editor does not find another organisation's member", "editor-agency", map[string]any{"n": v2.Name}, "0"},
			{"editor does not find a non-member by phone", "editor-team", map[string]any{"p": v0.Phone}, "0"},
			{"reviewer may not search by name", "reviewer-agency", map[string]any{"n": v0.Name}, "FORBIDDEN"},
			{"reviewer may not search by phone, true guess", "reviewer-agency", map[string]any{"p": v0.Phone}, "FORBIDDEN"},
			{"reviewer may not search by phone, false guess", "reviewer-agency", map[string]any{"p": "19900000000"}, "FORBIDDEN"},
			{"reviewer finds by volunteer number in scope", "reviewer-agency", map[string]any{"v": v0.VolunteerNumber}, "1"},
			{"reviewer does not find outside its scope", "reviewer-agency", map[string]any{"v": v2.VolunteerNumber}, "0"},
			{"partner may not search", "partner", map[string]any{"v": fx.volunteers[1].VolunteerNumber}, "FORBIDDEN"},
			{"anonymous may not search", "anonymous", map[string]any{"n": v0.Name}, "UNAUTHENTICATED"},
			{"anonymous, false guess", "anonymous", map[string]any{"n": "无此人"}, "UNAUTHENTICATED"},
			{"no criterion", "admin", map[string]any{}, "BAD_USER_INPUT"},
			{"bad phone", "editor-agency", map[string]any{"p": "12"}, "BAD_USER_INPUT"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := a.post(ff.keys[tc.role], q, tc.vars)
				got := r.code()
				if got == "" {
					got = fmt.Sprint(r.Data["searchPeople"].(map[string]any)["totalCount"])
				}
				if got != tc.want {
					t.Errorf("got %s, want %s: %s", got, tc.want, r.Raw)
				}
			})
		}
		// Every search that ran (8 of the 16 above; refused ones never
		// ran) is in the audit trail, without the values searched for.
		events, err := a.db.Client.AuditEvent.Query().Where(auditevent.ActionHasPrefix("searchPeople")).All(policy.SystemContext(t.Context(), "test"))
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 8 {
			t.Errorf("%d searches audited, want 8", len(events))
		}
		for _, e := range events {
			if b, _ := json.Marshal(e); containsAny(string(b), v0.Name, v2.Name, v0.Phone) {
				t.Errorf("audit event holds a searched value: %s", b)
			}
		}
	})
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if sub != "" && strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
