package server_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tongxing/tongxing/access"
	"github.com/tongxing/tongxing/apikeys"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/apikey"
	"github.com/tongxing/tongxing/ent/auditevent"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/graph"
	"github.com/tongxing/tongxing/pii"
)

// restrictedFields is every field of the types that hold personal data,
// with its declared access level. The schema walk below fails when a field
// is added to one of these types without being classified here, so no new
// field reaches clients unreviewed.
var restrictedFields = map[string]access.Level{
	"Person.id": access.Key, "Person.createdAt": access.Key, "Person.updatedAt": access.Key,
	"Person.volunteerNumber": access.Identifier, "Person.possibleDuplicateOf": access.Admin,
	"Person.name": access.Personal, "Person.gender": access.Personal, "Person.birthDate": access.Personal, "Person.idNumber": access.Personal,
	"Person.address": access.Personal, "Person.partyMember": access.Personal, "Person.socialWorkCertificate": access.Personal,
	"Person.phone": access.Phone, "Person.skills": access.Key, "Person.socialWorkLevel": access.Key,
	"Person.university": access.Key, "Person.memberships": access.Key, "Person.serviceRecords": access.Key,
	"Person.certificates": access.Key, "Person.shareWithUniversity": access.Key, "Person.verifiedHours": access.Key, "Person.starLevel": access.Key,
	"ServiceRecord.id": access.Key, "ServiceRecord.createdAt": access.Key, "ServiceRecord.updatedAt": access.Key, "ServiceRecord.servedOn": access.Key,
	"ServiceRecord.minutes": access.Key, "ServiceRecord.content": access.Key, "ServiceRecord.recordedBy": access.Key, "ServiceRecord.status": access.Key,
	"ServiceRecord.reviewedBy": access.Key, "ServiceRecord.reviewedAt": access.Key, "ServiceRecord.reviewNote": access.Key,
	"ServiceRecord.person": access.Key, "ServiceRecord.activity": access.Key,
	"ServiceRecord.late": access.Key, "ServiceRecord.firstVerifiedBy": access.Key, "ServiceRecord.firstVerifiedAt": access.Key,
	"ServiceRecord.correctionReason": access.Key, "ServiceRecord.corrections": access.Key, "ServiceRecord.corrects": access.Key,
	"Membership.id": access.Key, "Membership.createdAt": access.Key, "Membership.updatedAt": access.Key, "Membership.role": access.Key,
	"Membership.joinedOn": access.Key, "Membership.leftOn": access.Key, "Membership.person": access.Key, "Membership.organization": access.Key,
	"Need.description": access.Case, "Need.resolutionNote": access.Case,
	"Person.guardianConsent": access.Personal,
	// The roster: the organiser's editors and reviewers (policy.SignUpRows).
	// A sign-up's guardian-consent flag is not in the schema: it would tell
	// a reviewer which volunteers are minors.
	"SignUp.id": access.Key, "SignUp.createdAt": access.Key, "SignUp.updatedAt": access.Key, "SignUp.status": access.Key,
	"SignUp.promotedAt": access.Key, "SignUp.cancelledAt": access.Key,
	"SignUp.checkedInAt": access.Key, "SignUp.checkedOutAt": access.Key, "SignUp.autoClosed": access.Key, "SignUp.offline": access.Key,
	"SignUp.activity": access.Key, "SignUp.person": access.Key,
	// A resident's rating: CASE throughout, so it is read only through
	// Need.rating, by the handling organisation's editors (node(id:) on a
	// rating has no need to decide by), its rows theirs alone
	// (policy.NeedRatingRows).
	"NeedRating.id": access.Case, "NeedRating.createdAt": access.Case, "NeedRating.updatedAt": access.Case, "NeedRating.issuedBy": access.Case,
	"NeedRating.need": access.Case, "NeedRating.ratedAt": access.Case, "NeedRating.score": access.Case, "NeedRating.comment": access.Case,
}

// volunteerTypes hold a volunteer's own data: every field is for the
// holder's VOLUNTEER credential alone.
var volunteerTypes = map[string]bool{"Me": true, "MySignUp": true, "MyServiceRecord": true, "MyCertificate": true,
	"MyHours": true, "SignedHoursRecord": true, "VolunteerEvent": true}

func TestEveryTypeDeclaresAccess(t *testing.T) {
	schema := graph.NewSchema(nil, nil).Schema()
	table := graph.NewAccessTable(schema)
	var undeclared, unclassified []string
	for name, def := range schema.Types {
		if def.Kind != ast.Object || strings.HasPrefix(name, "__") || name == "Query" || name == "Mutation" || name == "PageInfo" ||
			strings.HasSuffix(name, "Connection") || strings.HasSuffix(name, "Edge") {
			continue
		}
		if def.Directives.ForName("access") == nil {
			undeclared = append(undeclared, name)
		}
		for _, f := range def.Fields {
			key := name + "." + f.Name
			level := table.Level(name, f.Name)
			want, listed := restrictedFields[key]
			switch {
			case listed && level != want:
				t.Errorf("%s is %s in the schema, %s here", key, level, want)
			case volunteerTypes[name] && level != access.Volunteer:
				t.Errorf("%s is %s, not VOLUNTEER", key, level)
			case !listed && level != access.Public && (name == "Person" || name == "ServiceRecord" || name == "Membership" ||
				name == "SignUp" || name == "NeedRating"):
				unclassified = append(unclassified, key+" ("+string(level)+")")
			}
		}
	}
	sort.Strings(undeclared)
	sort.Strings(unclassified)
	if len(undeclared) > 0 {
		t.Errorf("types without @access (nothing of them is readable): %v", undeclared)
	}
	if len(unclassified) > 0 {
		t.Errorf("fields of personal-data types not classified in restrictedFields: %v", unclassified)
	}
	if table.Level("SomeNewType", "field") != access.Private {
		t.Error("an undeclared type must be private")
	}
}

type roleKey struct {
	name string
	key  string
	role apikey.Role
}

// accessFixture adds memberships, a student, ID numbers and role keys.
func accessFixture(t *testing.T, a *api) (keys map[string]string) {
	t.Helper()
	ctx, c, fx := a.sys(), a.db.Client, a.fx
	pk, err := pii.NewKeys(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range fx.volunteers {
		ct, hash, _ := pk.SealIDNumber(fmt.Sprintf("33041119900101%03d%d", i, i))
		upd := c.Person.UpdateOne(v).SetIDNumberCiphertext(ct).SetIDNumberHash(hash).SetAddress("新塍镇某村").
			SetBirthDate(time.Date(1990, 1, 1+i, 0, 0, 0, 0, time.UTC))
		if i == 1 {
			// A student who consented to share records with the
			// university: the partner key's one visible person.
			upd.SetUniversityID(fx.university.ID).SetShareWithUniversity(true)
		}
		if err := upd.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(p *ent.Person, o *ent.Organization) {
		if err := c.Membership.Create().SetPerson(p).SetOrganization(o).SetRole(membership.RoleVOLUNTEER).SetJoinedOn(fx.activity.StartsAt).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	mk(fx.volunteers[0], fx.agency)
	mk(fx.volunteers[1], fx.agency)
	mk(fx.volunteers[2], fx.team)
	keys = map[string]string{"anonymous": "", "admin": a.key}
	for _, rk := range []struct {
		name string
		role apikey.Role
		org  *ent.Organization
	}{
		{"editor-agency", apikey.RoleEDITOR, fx.agency},
		{"editor-team", apikey.RoleEDITOR, fx.team},
		{"reviewer-agency", apikey.RoleREVIEWER, fx.agency},
		{"partner", apikey.RolePARTNER, fx.university},
	} {
		id := rk.org.ID
		secret, _, err := apikeys.Create(ctx, c, rk.name, apikeys.CreateOptions{Role: rk.role, OrganizationID: &id})
		if err != nil {
			t.Fatal(err)
		}
		keys[rk.name] = secret
	}
	// A volunteer's own credential, held by the team's member: anonymous
	// to everything but its own page (docs/volunteers.md).
	team, holder := fx.team.ID, fx.volunteers[2].ID
	secret, _, err := apikeys.Create(ctx, c, "volunteer "+fx.volunteers[2].VolunteerNumber,
		apikeys.CreateOptions{Role: apikey.RoleVOLUNTEER, OrganizationID: &team, HolderID: &holder})
	if err != nil {
		t.Fatal(err)
	}
	keys["volunteer"] = secret
	return keys
}

// outcome of reading one field: its value, null, or an error code.
func outcomeOf(r response, field string) string {
	if len(r.Errors) > 0 {
		return "error:" + r.code()
	}
	node, _ := r.Data["node"].(map[string]any)
	if node == nil {
		return "absent"
	}
	v := node[field]
	if v == nil {
		return "null"
	}
	s := fmt.Sprint(v)
	if strings.Contains(s, "****") {
		return "masked"
	}
	return "value"
}

// TestFieldAccessByRole walks every scalar field of Person and Need in the
// schema and reads it as every role, comparing with what the declared level
// allows: the schema-walking proof that no role but ADMIN or the person's
// own organisation's EDITOR reads a name, ID number or phone.
func TestFieldAccessByRole(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		keys := accessFixture(t, a)
		schema := graph.NewSchema(nil, nil).Schema()
		table := graph.NewAccessTable(schema)
		fx := a.fx

		// Who sees the row of volunteers[0] (member of the agency) and of
		// volunteers[1] (member of the agency, student of the university).
		rowVisible := map[string]bool{"admin": true, "editor-agency": true, "reviewer-agency": true}
		expect := func(level access.Level, role string, member, student bool) string {
			switch role {
			case "anonymous":
				return "error:UNAUTHENTICATED"
			case "partner", "volunteer":
				// Partners read their students only through the partner
				// view, under pseudonyms (TestPartnerSeesOnlyThePartnerView);
				// a volunteer reads only their own page, themselves
				// included.
				return "error:FORBIDDEN"
			}
			if !rowVisible[role] {
				return "error:NOT_FOUND"
			}
			full := role == "admin" || (role == "editor-agency" && member)
			switch level {
			case access.Key:
				return "value"
			case access.Identifier:
				return "value"
			case access.Personal:
				return map[bool]string{true: "value", false: "null"}[full]
			case access.Phone:
				if full {
					return "value"
				}
				return "masked"
			}
			return "?"
		}
		for _, target := range []struct {
			p       *ent.Person
			student bool
		}{{fx.volunteers[0], false}, {fx.volunteers[1], true}} {
			for _, f := range schema.Types["Person"].Fields {
				if k := schema.Types[f.Type.Name()].Kind; k != ast.Scalar && k != ast.Enum {
					continue
				}
				if f.Name == "skills" || f.Name == "socialWorkLevel" || f.Name == "socialWorkCertificate" || f.Name == "partyMember" {
					// Values may legitimately be empty for the fixture people; their
					// levels are checked by TestEveryTypeDeclaresAccess.
					continue
				}
				level := table.Level("Person", f.Name)
				for role, key := range keys {
					r := a.post(key, fmt.Sprintf(`query($id:ID!){ node(id:$id) { ... on Person { %s } } }`, f.Name), map[string]any{"id": id(target.p.ID)})
					got := outcomeOf(r, f.Name)
					if want := expect(level, role, true, target.student); got != want {
						t.Errorf("%s reading Person.%s (%s) of %s: got %s, want %s (%s)", role, f.Name, level, target.p.VolunteerNumber, got, want, r.Raw)
					}
					if role != "admin" && role != "editor-agency" {
						for _, secret := range []string{target.p.Name, target.p.Phone, "330411199001"} {
							if strings.Contains(r.Raw, secret) {
								t.Errorf("%s read %q through Person.%s", role, secret, f.Name)
							}
						}
					}
				}
			}
		}

		// Case details of a need: the matched organisation's editor and ADMIN only.
		n, err := a.db.Client.Need.Create().SetTitle("独居老人助餐").SetDescription("老人独居，行动不便").SetDomain(fx.elderly).
			SetRegion(fx.town).SetMatchedOrganization(fx.agency).SetOpenedAt(fx.activity.StartsAt).Save(a.sys())
		if err != nil {
			t.Fatal(err)
		}
		for role, want := range map[string]string{"anonymous": "null", "admin": "value", "editor-agency": "value", "editor-team": "null", "reviewer-agency": "null", "partner": "null", "volunteer": "null"} {
			r := a.post(keys[role], `query($id:ID!){ node(id:$id) { ... on Need { title description } } }`, map[string]any{"id": id(n.ID)})
			if got := outcomeOf(r, "description"); got != want {
				t.Errorf("%s reading Need.description: %s, want %s (%s)", role, got, want, r.Raw)
			}
		}
	})
}

func TestRowScopes(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		keys := accessFixture(t, a)
		count := func(key, q, path string) int {
			r := a.post(key, q, nil)
			if len(r.Errors) > 0 {
				t.Fatalf("%s: %s", q, r.Raw)
			}
			return int(r.Data[path].(map[string]any)["totalCount"].(float64))
		}
		for role, want := range map[string]int{"admin": 3, "editor-agency": 2, "editor-team": 1, "reviewer-agency": 2} {
			if got := count(keys[role], `{ people { totalCount } }`, "people"); got != want {
				t.Errorf("%s sees %d people, want %d", role, got, want)
			}
		}
		// A key outside the person's scope gets nothing back, as for a
		// person that does not exist.
		r := a.post(keys["editor-team"], `query($id:ID!){ node(id:$id) { id } }`, map[string]any{"id": id(a.fx.volunteers[0].ID)})
		if r.code() != "NOT_FOUND" {
			t.Errorf("out-of-scope person: %s", r.Raw)
		}
		// Audit trail: ADMIN only.
		if r := a.post(keys["editor-agency"], `{ auditEvents { totalCount } }`, nil); r.code() != "FORBIDDEN" {
			t.Errorf("editor reading audit: %s", r.Raw)
		}
	})
}

func TestWriteScopes(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		keys := accessFixture(t, a)
		fx := a.fx
		const update = `mutation($id:ID!){ updateActivity(id:$id, input:{beneficiaries: 99}) { beneficiaries } }`
		// The done-when case: a team's editor cannot change another organisation's activity.
		for _, role := range []string{"editor-team", "reviewer-agency", "partner"} {
			before := a.snapshot()
			r := a.post(keys[role], update, map[string]any{"id": id(fx.activity.ID)})
			if r.code() != "FORBIDDEN" {
				t.Errorf("%s updating the agency's activity: %s", role, r.Raw)
			}
			if got, _ := a.db.Client.Activity.Get(a.sys(), fx.activity.ID); got.Beneficiaries != 40 || a.snapshot() != before {
				t.Errorf("%s: refused update changed the database", role)
			}
		}
		if r := a.post(keys["editor-agency"], update, map[string]any{"id": id(fx.activity.ID)}); len(r.Errors) > 0 {
			t.Errorf("the agency's editor updating its activity: %s", r.Raw)
		}
		// Hours: the agency's editor records, the team's cannot; the reviewer reviews.
		logQ := `mutation($a:ID!,$p:ID!){ logServiceHours(input:{activityId:$a, records:[{personId:$p, servedOn:"` + fx.day + `", minutes:60}]}) { serviceRecords { edges { node { id } } } } }`
		vars := map[string]any{"a": id(fx.activity.ID), "p": id(fx.volunteers[0].ID)}
		if r := a.post(keys["editor-team"], logQ, vars); r.code() != "FORBIDDEN" {
			t.Errorf("team editor logging agency hours: %s", r.Raw)
		}
		r := a.post(keys["editor-agency"], logQ, vars)
		if len(r.Errors) > 0 {
			t.Fatalf("agency editor logging hours: %s", r.Raw)
		}
		recID := edges(t, r.Data["logServiceHours"].(map[string]any)["serviceRecords"])[0]["id"]
		const review = `mutation($ids:[ID!]!){ reviewServiceRecords(input:{ids:$ids, decision:VERIFY}) { count } }`
		if r := a.post(keys["editor-agency"], review, map[string]any{"ids": []any{recID}}); r.code() != "FORBIDDEN" {
			t.Errorf("editor verifying (separation of duties): %s", r.Raw)
		}
		if r := a.post(keys["reviewer-agency"], review, map[string]any{"ids": []any{recID}}); len(r.Errors) > 0 {
			t.Errorf("reviewer verifying: %s", r.Raw)
		}
		// Projects: an editor cannot make another organisation the lead.
		r = a.post(keys["editor-team"], `mutation($o:ID!){ createProject(input:{name:"越权项目", participants:[{organizationId:$o, role:LEAD}]}) { id } }`,
			map[string]any{"o": id(fx.agency.ID)})
		if r.code() != "FORBIDDEN" {
			t.Errorf("team editor creating an agency-led project: %s", r.Raw)
		}
		r = a.post(keys["editor-team"], `mutation($o:ID!,$p:ID!){ createProject(input:{name:"红心助老", participants:[{organizationId:$o, role:LEAD},{organizationId:$p, role:PARTNER}]}) { id } }`,
			map[string]any{"o": id(fx.team.ID), "p": id(fx.agency.ID)})
		if len(r.Errors) > 0 {
			t.Errorf("team editor creating its own project with a partner: %s", r.Raw)
		}
		// Registers only ADMIN maintains.
		if r := a.post(keys["editor-agency"], `mutation{ createOrganization(input:{name:"新组织", kind:OTHER, regionCode:"330411104"}) { id } }`, nil); r.code() != "FORBIDDEN" {
			t.Errorf("editor creating a top-level organisation: %s", r.Raw)
		}
		if r := a.post(keys["editor-agency"], `mutation($p:ID!){ createOrganization(input:{name:"孝慈下属志愿队", kind:VOLUNTEER_TEAM, regionCode:"330411104", parentId:$p}) { id } }`,
			map[string]any{"p": id(fx.agency.ID)}); len(r.Errors) > 0 {
			t.Errorf("editor creating an organisation under its own: %s", r.Raw)
		}
	})
}

func TestPersonalDataReadsAreAudited(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		keys := accessFixture(t, a)
		count := func() int {
			n, err := a.db.Client.AuditEvent.Query().Where(auditevent.Action("readPersonalData")).Count(a.sys())
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		a.post(keys["reviewer-agency"], `{ people { edges { node { volunteerNumber phone } } } }`, nil)
		if count() != 0 {
			t.Error("a masked read was audited as a personal-data read")
		}
		r := a.post(keys["editor-agency"], `{ people { edges { node { name idNumber } } } }`, nil)
		if len(r.Errors) > 0 || !strings.Contains(r.Raw, "330411199001") {
			t.Fatalf("editor reading its members: %s", r.Raw)
		}
		ev, err := a.db.Client.AuditEvent.Query().Where(auditevent.Action("readPersonalData")).Only(a.sys())
		if err != nil {
			t.Fatalf("no audit event for the read: %v", err)
		}
		if ev.Actor != "editor-agency" || ev.EntityType != "Person" || ev.Count != 2 {
			t.Errorf("audit event = %+v", ev)
		}
	})
}
