package server_test

import "testing"

// PARTNER keys see the partner view and nothing else (docs/security.md,
// "Partner keys"): the generic person, record and search doors refuse
// them, whatever the id or filter, so a real id they guess tells them
// nothing, and no answer carries a person's real id.
func TestPartnerSeesOnlyThePartnerView(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		ff := newFilterFixture(t, a)
		key := ff.keys["partner"]
		student := a.fx.volunteers[1] // consents to share with the partner's university
		missing := student.ID + 100000
		for _, tc := range []struct {
			name        string
			query       string
			true, false map[string]any
			code        string
		}{
			{"node of its own student", `query($id:ID!){ node(id:$id){ id } }`,
				map[string]any{"id": id(student.ID)}, map[string]any{"id": id(missing)}, "FORBIDDEN"},
			{"nodes of its own student", `query($id:ID!){ nodes(ids:[$id]){ id } }`,
				map[string]any{"id": id(student.ID)}, map[string]any{"id": id(missing)}, "FORBIDDEN"},
			{"people by id", `query($id:ID!){ people(where:{id:$id}){ edges{ node{ id } } } }`,
				map[string]any{"id": id(student.ID)}, map[string]any{"id": id(missing)}, "FORBIDDEN"},
			{"service records of its student", `query($id:ID!){ serviceRecords(where:{hasPersonWith:{id:$id}}){ totalCount } }`,
				map[string]any{"id": id(student.ID)}, map[string]any{"id": id(missing)}, "FORBIDDEN"},
			{"search by volunteer number", `query($v:String!){ searchPeople(volunteerNumber:$v){ totalCount } }`,
				map[string]any{"v": student.VolunteerNumber}, map[string]any{"v": "ZJT-none"}, "FORBIDDEN"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				rt := a.post(key, tc.query, tc.true)
				rf := a.post(key, tc.query, tc.false)
				if answer(rt) != answer(rf) {
					t.Errorf("a true and a false guess answer differently:\n true: %s\nfalse: %s", rt.Raw, rf.Raw)
				}
				if rt.code() != tc.code {
					t.Errorf("code %q, want %s: %s", rt.code(), tc.code, rt.Raw)
				}
			})
		}
	})
}
