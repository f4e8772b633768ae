package server_test

import (
	"strings"
	"testing"
)

func TestRegisterVolunteer(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		keys := accessFixture(t, a)
		fx := a.fx
		const register = `mutation($in:RegisterVolunteerInput!){ registerVolunteer(input:$in) { id volunteerNumber name idNumber phone
			memberships { edges { node { id role organization { name } } } } } }`
		in := func(over map[string]any) map[string]any {
			v := map[string]any{"organizationId": id(fx.agency.ID), "name": "陈晓梅", "gender": "FEMALE", "birthDate": "1996-04-12",
				"idNumber": "11010519491231002x", "phone": "13912345678", "skills": []string{"烹饪", "驾驶"}}
			for k, x := range over {
				v[k] = x
			}
			return map[string]any{"in": v}
		}
		// Out of scope and bad input change nothing.
		for _, tc := range []struct {
			key, code, field string
			over             map[string]any
		}{
			{keys["editor-team"], "FORBIDDEN", "", nil},
			{keys["partner"], "FORBIDDEN", "", nil},
			{a.key, "BAD_USER_INPUT", "input.idNumber", map[string]any{"idNumber": "110105194912310021"}},
			{a.key, "BAD_USER_INPUT", "input.phone", map[string]any{"phone": "12345"}},
			{a.key, "BAD_USER_INPUT", "input.name", map[string]any{"name": " "}},
		} {
			before := a.snapshot()
			r := a.post(tc.key, register, in(tc.over))
			if r.code() != tc.code || (tc.field != "" && r.field() != tc.field) {
				t.Errorf("%v: %s", tc.over, r.Raw)
			}
			if a.snapshot() != before {
				t.Errorf("%v: a refused registration wrote", tc.over)
			}
		}
		r := a.post(keys["editor-agency"], register, in(nil))
		if len(r.Errors) > 0 {
			t.Fatalf("agency editor registering: %s", r.Raw)
		}
		p := r.Data["registerVolunteer"].(map[string]any)
		if !strings.HasPrefix(p["volunteerNumber"].(string), "ZJ330411") || p["idNumber"] != "11010519491231002X" || p["phone"] != "13912345678" ||
			edges(t, p["memberships"])[0]["role"] != "VOLUNTEER" {
			t.Errorf("registered = %v", p)
		}
		// The ID number is stored encrypted, not in clear.
		stored, _ := a.db.Client.Person.Query().Where().All(a.sys())
		for _, s := range stored {
			if strings.Contains(string(s.IDNumberCiphertext), "110105") {
				t.Error("ID number stored in clear")
			}
		}
		// The same ID number again is a conflict naming the existing volunteer.
		if r := a.post(a.key, register, in(map[string]any{"name": "陈晓梅"})); r.code() != "CONFLICT" || !strings.Contains(r.Raw, p["volunteerNumber"].(string)) {
			t.Errorf("duplicate ID number: %s", r.Raw)
		}
		m := edges(t, p["memberships"])[0]
		d := a.admin(`mutation($id:ID!){ endMembership(id:$id, leftOn:"2030-01-01") { leftOn } }`, map[string]any{"id": m["id"]})
		if d["endMembership"].(map[string]any)["leftOn"] != "2030-01-01" {
			t.Errorf("endMembership = %v", d)
		}
	})
}
