package people_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/auditevent"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/people"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
)

// world: a district with an agency and a volunteer team (separate scopes)
// and a university.
type world struct {
	c                        *ent.Client
	keys                     *pii.Keys
	sys                      context.Context
	agency, team, university *ent.Organization
	now                      time.Time
}

func newWorld(t *testing.T, db *database.DB) *world {
	t.Helper()
	keys, err := pii.NewKeys([]byte("tongxing-people-test-secret-32b!"))
	if err != nil {
		t.Fatal(err)
	}
	w := &world{c: db.Client, keys: keys, sys: policy.SystemContext(context.Background(), "test"),
		now: time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)}
	district, err := w.c.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).Save(w.sys)
	if err != nil {
		t.Fatal(err)
	}
	town, err := w.c.Region.Create().SetCode("330411104").SetName("新塍镇").SetLevel(region.LevelTOWN).SetParent(district).Save(w.sys)
	if err != nil {
		t.Fatal(err)
	}
	org := func(name string, kind organization.Kind) *ent.Organization {
		o, err := w.c.Organization.Create().SetName(name).SetKind(kind).SetRegion(town).Save(w.sys)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	w.agency = org("孝慈社工", organization.KindSOCIAL_WORK_AGENCY)
	w.team = org("红心志愿服务队", organization.KindVOLUNTEER_TEAM)
	w.university = org("嘉兴大学", organization.KindUNIVERSITY)
	return w
}

func admin() context.Context {
	return auth.NewContext(context.Background(), &auth.Viewer{KeyID: 1, Name: "admin", Role: auth.RoleAdmin})
}

// staff is a key of role scoped to organisation org.
func staff(role auth.Role, org int) context.Context {
	return auth.NewContext(context.Background(), &auth.Viewer{KeyID: 2, Name: "staff", Role: role, OrganizationID: org, Scope: []int{org}})
}

// idNumber completes 17 digits with their check character.
func idNumber(first17 string) string {
	c, ok := pii.IDNumberCheck(first17)
	if !ok {
		panic(first17)
	}
	return first17 + string(c)
}

func ptr[T any](v T) *T { return &v }

func code(err error) (apierror.Code, string) {
	l, ok := apierror.As(err)
	if !ok || len(l) == 0 {
		return "", ""
	}
	return l[0].Code, l[0].Field
}

// TestRegisterValidates: each rule refuses on its field and writes nothing.
func TestRegisterValidates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		cases := []struct {
			name  string
			edit  func(in *people.RegisterInput)
			field string
		}{
			{name: "blank name", edit: func(in *people.RegisterInput) { in.Name = " " }, field: "input.name"},
			{name: "name over 100 characters", edit: func(in *people.RegisterInput) { in.Name = strings.Repeat("王", 101) }, field: "input.name"},
			{name: "missing organisation", edit: func(in *people.RegisterInput) { in.OrganizationID = w.university.ID + 1000 }, field: "input.organizationId"},
			{name: "ID number check character", edit: func(in *people.RegisterInput) {
				n := idNumber("33041119900101123")
				wrong := "0"
				if n[17] == '0' {
					wrong = "1"
				}
				in.IDNumber = ptr(n[:17] + wrong)
			}, field: "input.idNumber"},
			{name: "ID number length", edit: func(in *people.RegisterInput) { in.IDNumber = ptr("3304111990010112") }, field: "input.idNumber"},
			{name: "phone not a mobile number", edit: func(in *people.RegisterInput) { in.Phone = ptr("0573-8888888") }, field: "input.phone"},
			{name: "birth date in the future", edit: func(in *people.RegisterInput) { in.BirthDate = ptr(w.now.AddDate(0, 0, 1)) }, field: "input.birthDate"},
			{name: "birth date before 1900", edit: func(in *people.RegisterInput) { in.BirthDate = ptr(time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)) }, field: "input.birthDate"},
			{name: "joined in year 0202", edit: func(in *people.RegisterInput) { in.JoinedOn = ptr(time.Date(202, 1, 1, 0, 0, 0, 0, time.UTC)) }, field: "input.joinedOn"},
			{name: "21 skills", edit: func(in *people.RegisterInput) { in.Skills = make([]string, 21); fill(in.Skills) }, field: "input.skills"},
			{name: "blank skill", edit: func(in *people.RegisterInput) { in.Skills = []string{"心理咨询", " "} }, field: "input.skills.1"},
			{name: "skill over 30 characters", edit: func(in *people.RegisterInput) { in.Skills = []string{strings.Repeat("技", 31)} }, field: "input.skills.0"},
			{name: "university that is not one", edit: func(in *people.RegisterInput) { in.UniversityID = ptr(w.team.ID) }, field: "input.universityId"},
			{name: "consent without a university", edit: func(in *people.RegisterInput) { in.ShareWithUniversity = ptr(true) }, field: "input.shareWithUniversity"},
			{name: "certificate over 64 characters", edit: func(in *people.RegisterInput) { in.SocialWorkCertificate = ptr(strings.Repeat("1", 65)) }, field: "input.socialWorkCertificate"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				in := people.RegisterInput{OrganizationID: w.agency.ID, Name: "王小明"}
				tc.edit(&in)
				p, err := people.Register(admin(), w.c, w.keys, in, w.now)
				if c, f := code(err); p != nil || c != apierror.BadUserInput || f != tc.field {
					t.Errorf("Register = %v, %v; want BAD_USER_INPUT on %s", p, err, tc.field)
				}
			})
		}
		if n, _ := w.c.Person.Query().Count(w.sys); n != 0 {
			t.Errorf("refused registrations wrote %d people", n)
		}
	})
}

func fill(s []string) {
	for i := range s {
		s[i] = fmt.Sprintf("技能%d", i)
	}
}

// TestRegisterWrites: a valid registration writes the person (ID number
// sealed, numbered in the district's sequence) and the membership.
func TestRegisterWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		id := idNumber("33041119900101123")
		p, err := people.Register(admin(), w.c, w.keys, people.RegisterInput{OrganizationID: w.agency.ID, Name: " 王小明 ",
			IDNumber: ptr(strings.ToLower(id)), Phone: ptr("13912345678"), Skills: []string{" 心理咨询 "}}, w.now)
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != "王小明" || p.VolunteerNumber != "ZJ330411000001" || len(p.Skills) != 1 || p.Skills[0] != "心理咨询" {
			t.Errorf("person = %+v", p)
		}
		stored, err := w.c.Person.Get(w.sys, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.IDNumberHash == nil || *stored.IDNumberHash != w.keys.IDNumberHash(id) {
			t.Errorf("ID number hash = %v, want the keyed hash of the normalised number", stored.IDNumberHash)
		}
		if opened, err := w.keys.OpenIDNumber(stored.IDNumberCiphertext); err != nil || opened != id || strings.Contains(string(stored.IDNumberCiphertext), id) {
			t.Errorf("ID number stored as %q (opens to %q, %v), want it sealed", stored.IDNumberCiphertext, opened, err)
		}
		m, err := w.c.Membership.Query().Where(membership.PersonID(p.ID)).Only(w.sys)
		if err != nil || m.OrganizationID != w.agency.ID || m.Role != membership.RoleVOLUNTEER || !m.JoinedOn.Equal(time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("membership = %+v, %v; want a VOLUNTEER of the agency since today", m, err)
		}
		// The sequence continues from the highest number of the district.
		q, err := people.Register(admin(), w.c, w.keys, people.RegisterInput{OrganizationID: w.team.ID, Name: "李四"}, w.now)
		if err != nil || q.VolunteerNumber != "ZJ330411000002" {
			t.Errorf("second number = %v, %v; want ZJ330411000002", q, err)
		}
	})
}

// TestRegisterDuplicates: an ID number already on record is a CONFLICT
// naming the volunteer number for a caller who can read the person on
// record; anyone else registers like a new number, marked
// possible_duplicate_of, so the answer reveals nothing.
func TestRegisterDuplicates(t *testing.T) {
	id := idNumber("33041119900101123")
	cases := []struct {
		name string
		// as registers the second time, with organisation org.
		as       func(w *world) context.Context
		org      func(w *world) int
		conflict bool
	}{
		{name: "ADMIN reads everyone: CONFLICT", as: func(*world) context.Context { return admin() },
			org: func(w *world) int { return w.team.ID }, conflict: true},
		{name: "EDITOR of the person's organisation: CONFLICT",
			as:  func(w *world) context.Context { return staff(auth.RoleEditor, w.agency.ID) },
			org: func(w *world) int { return w.agency.ID }, conflict: true},
		{name: "EDITOR of another organisation: registered, marked",
			as:  func(w *world) context.Context { return staff(auth.RoleEditor, w.team.ID) },
			org: func(w *world) int { return w.team.ID }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, db *database.DB) {
				w := newWorld(t, db)
				first, err := people.Register(admin(), w.c, w.keys, people.RegisterInput{OrganizationID: w.agency.ID, Name: "王小明", IDNumber: &id}, w.now)
				if err != nil {
					t.Fatal(err)
				}
				in := people.RegisterInput{OrganizationID: tc.org(w), Name: "王晓明", IDNumber: ptr(" " + id + " ")}
				p, err := people.Register(tc.as(w), w.c, w.keys, in, w.now)
				if tc.conflict {
					c, f := code(err)
					if p != nil || c != apierror.Conflict || f != "input.idNumber" || !strings.Contains(err.Error(), first.VolunteerNumber) {
						t.Fatalf("Register = %v, %v; want CONFLICT on input.idNumber naming %s", p, err, first.VolunteerNumber)
					}
					if n, _ := w.c.Person.Query().Count(w.sys); n != 1 {
						t.Errorf("%d people after a conflict, want 1", n)
					}
					return
				}
				if err != nil {
					t.Fatalf("Register = %v; want it to go through like a new number", err)
				}
				stored, err := w.c.Person.Get(w.sys, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				// The new record holds no hash (the hash stays unique to the
				// record on file) and points ADMIN at the one it may repeat.
				if stored.PossibleDuplicateOf == nil || *stored.PossibleDuplicateOf != first.ID || stored.IDNumberHash != nil {
					t.Errorf("duplicate stored as possible_duplicate_of %v, hash %v; want %d and no hash", stored.PossibleDuplicateOf, stored.IDNumberHash, first.ID)
				}
				if dup, err := people.PossibleDuplicateOf(w.sys, w.c, p.ID); err != nil || dup == nil || dup.ID != first.ID {
					t.Errorf("PossibleDuplicateOf = %v, %v", dup, err)
				}
				// The editor now reads the record it registered itself (the
				// records of a number include its possible duplicates): a
				// third registration is a CONFLICT naming that record, never
				// the first one, which it still may not read.
				_, err = people.Register(tc.as(w), w.c, w.keys, people.RegisterInput{OrganizationID: tc.org(w), Name: "王小明", IDNumber: &id}, w.now)
				if c, _ := code(err); c != apierror.Conflict || !strings.Contains(err.Error(), p.VolunteerNumber) || strings.Contains(err.Error(), first.VolunteerNumber) {
					t.Errorf("registering the number again = %v; want CONFLICT naming %s only", err, p.VolunteerNumber)
				}
				if n, _ := people.PossibleDuplicates(w.c).Count(w.sys); n != 1 {
					t.Errorf("%d possible duplicates, want 1", n)
				}
			})
		})
	}
}

// TestEndMembership: once, and not before the person joined.
func TestEndMembership(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		p, err := people.Register(admin(), w.c, w.keys, people.RegisterInput{OrganizationID: w.agency.ID, Name: "王小明",
			JoinedOn: ptr(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))}, w.now)
		if err != nil {
			t.Fatal(err)
		}
		m, err := w.c.Membership.Query().Where(membership.PersonID(p.ID)).Only(w.sys)
		if err != nil {
			t.Fatal(err)
		}
		_, err = people.EndMembership(admin(), w.c, m.ID, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC))
		if c, f := code(err); c != apierror.BadUserInput || f != "leftOn" {
			t.Errorf("leaving before joining = %v, want BAD_USER_INPUT on leftOn", err)
		}
		ended, err := people.EndMembership(admin(), w.c, m.ID, time.Date(2025, 5, 31, 0, 0, 0, 0, time.UTC))
		if err != nil || ended.LeftOn == nil {
			t.Fatalf("EndMembership = %v, %v", ended, err)
		}
		if _, err := people.EndMembership(admin(), w.c, m.ID, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)); func() apierror.Code { c, _ := code(err); return c }() != apierror.Conflict {
			t.Errorf("ending twice = %v, want CONFLICT", err)
		}
		if _, err := people.EndMembership(admin(), w.c, m.ID+1000, w.now); func() apierror.Code { c, _ := code(err); return c }() != apierror.NotFound {
			t.Errorf("ending a missing membership = %v, want NOT_FOUND", err)
		}
	})
}

// TestSearch: who may search by what, over whom, and that every search is
// audited without the values searched for.
func TestSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		reg := func(org int, name, phone string) *ent.Person {
			p, err := people.Register(admin(), w.c, w.keys, people.RegisterInput{OrganizationID: org, Name: name, Phone: &phone}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		wang := reg(w.agency.ID, "王小明", "13912345678")
		reg(w.agency.ID, "王大明", "13912345679")
		teamWang := reg(w.team.ID, "王小红", "13912345670")
		li := reg(w.agency.ID, "李四", "13700000000")

		cases := []struct {
			name     string
			ctx      context.Context
			in       people.SearchInput
			want     []string // names found, in id order
			code     apierror.Code
			field    string
			denied   bool
			criteria string
		}{
			{name: "ADMIN by name prefix, everyone", ctx: admin(), in: people.SearchInput{Name: ptr(" 王 ")},
				want: []string{"王小明", "王大明", "王小红"}, criteria: "name"},
			{name: "EDITOR by name, own members only", ctx: staff(auth.RoleEditor, w.agency.ID), in: people.SearchInput{Name: ptr("王")},
				want: []string{"王小明", "王大明"}, criteria: "name"},
			{name: "EDITOR by phone", ctx: staff(auth.RoleEditor, w.agency.ID), in: people.SearchInput{Phone: ptr("13912345678")},
				want: []string{"王小明"}, criteria: "phone"},
			{name: "EDITOR by another organisation's phone finds nothing", ctx: staff(auth.RoleEditor, w.agency.ID),
				in: people.SearchInput{Phone: ptr("13912345670")}, want: nil, criteria: "phone"},
			{name: "REVIEWER by volunteer number in scope", ctx: staff(auth.RoleReviewer, w.agency.ID),
				in: people.SearchInput{VolunteerNumber: &li.VolunteerNumber}, want: []string{"李四"}, criteria: "volunteerNumber"},
			{name: "REVIEWER by volunteer number out of scope", ctx: staff(auth.RoleReviewer, w.agency.ID),
				in: people.SearchInput{VolunteerNumber: &teamWang.VolunteerNumber}, want: nil, criteria: "volunteerNumber"},
			{name: "name and number together", ctx: admin(), in: people.SearchInput{Name: ptr("王"), VolunteerNumber: &wang.VolunteerNumber},
				want: []string{"王小明"}, criteria: "name,volunteerNumber"},
			{name: "REVIEWER may not search by name", ctx: staff(auth.RoleReviewer, w.agency.ID), in: people.SearchInput{Name: ptr("王")}, denied: true},
			{name: "PARTNER may not search by phone", ctx: staff(auth.RolePartner, w.university.ID), in: people.SearchInput{Phone: ptr("13912345678")}, denied: true},
			{name: "anonymous", ctx: context.Background(), in: people.SearchInput{VolunteerNumber: &wang.VolunteerNumber}, denied: true},
			{name: "no criterion", ctx: admin(), in: people.SearchInput{}, code: apierror.BadUserInput, field: "name"},
			{name: "blank name", ctx: admin(), in: people.SearchInput{Name: ptr(" ")}, code: apierror.BadUserInput, field: "name"},
			{name: "bad phone", ctx: admin(), in: people.SearchInput{Phone: ptr("1391234")}, code: apierror.BadUserInput, field: "phone"},
			{name: "number over 32 characters", ctx: admin(), in: people.SearchInput{VolunteerNumber: ptr(strings.Repeat("Z", 33))},
				code: apierror.BadUserInput, field: "volunteerNumber"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before, _ := w.c.AuditEvent.Query().Count(w.sys)
				q, err := people.Search(tc.ctx, w.c, tc.in)
				after, _ := w.c.AuditEvent.Query().Count(w.sys)
				switch {
				case tc.denied:
					if !errors.Is(err, auth.ErrForbidden) && !errors.Is(err, auth.ErrUnauthenticated) {
						t.Errorf("Search = %v, want a refusal", err)
					}
				case tc.code != "":
					if c, f := code(err); c != tc.code || f != tc.field {
						t.Errorf("Search = %v, want %s on %s", err, tc.code, tc.field)
					}
				default:
					if err != nil {
						t.Fatal(err)
					}
					found, err := q.Order(ent.Asc(person.FieldID)).All(w.sys)
					if err != nil {
						t.Fatal(err)
					}
					var names []string
					for _, p := range found {
						names = append(names, p.Name)
					}
					if strings.Join(names, ",") != strings.Join(tc.want, ",") {
						t.Errorf("found %v, want %v", names, tc.want)
					}
					ev, err := w.c.AuditEvent.Query().Order(ent.Desc(auditevent.FieldID)).First(w.sys)
					if err != nil || after != before+1 {
						t.Fatalf("%d audit events written, want 1 (%v)", after-before, err)
					}
					// The count is the people found: a search that finds
					// nobody is audited with 0.
					wantCount := len(tc.want)
					if ev.Action != "searchPeople:"+tc.criteria || ev.EntityType != "Person" || ev.Count != wantCount {
						t.Errorf("audit event = %s %s %d, want searchPeople:%s Person %d", ev.Action, ev.EntityType, ev.Count, tc.criteria, wantCount)
					}
					if strings.Contains(ev.Action+ev.EntityID, "139") || strings.Contains(ev.Action, "王") {
						t.Errorf("audit event holds a value searched for: %+v", ev)
					}
					return
				}
				if after != before {
					t.Errorf("a refused search wrote %d audit events", after-before)
				}
			})
		}
	})
}
