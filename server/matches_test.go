package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/servicerecord"
)

// needMatches carries figures about people inside its scores: how many
// volunteers a team had active, how many hours it served. To a caller who
// may not read a team's people they come as the open data would publish
// them (docs/security.md, "Figures about people"), and a need the caller
// may not read is NOT_FOUND like one that does not exist.
func TestNeedMatchesProtectFigures(t *testing.T) {
	eachAPI(t, func(t *testing.T, a *api) {
		ff := newFilterFixture(t, a)
		ctx, c, fx := a.sys(), a.db.Client, a.fx
		// Three skilled volunteers served the agency's activity, verified.
		for _, v := range fx.volunteers {
			if err := c.Person.UpdateOne(v).SetSkills([]string{"烹饪"}).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for _, v := range fx.volunteers[1:] {
			if err := c.ServiceRecord.Create().SetPerson(v).SetActivity(fx.activity).SetServedOn(fx.activity.StartsAt).
				SetMinutes(150).SetRecordedBy("test").Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := c.ServiceRecord.Update().SetStatus(servicerecord.StatusVERIFIED).Save(ctx); err != nil {
			t.Fatal(err)
		}
		const q = `query($id:ID!){ needMatches(needId:$id, first:100) { edges { node { organization { id } parts { capacity { explanation } trackRecord { explanation } } } } } }`
		orgParts := func(key string, orgID int) string {
			t.Helper()
			r := a.post(key, q, map[string]any{"id": id(ff.need.ID)})
			if len(r.Errors) > 0 {
				t.Fatalf("needMatches: %s", r.Raw)
			}
			for _, e := range r.Data["needMatches"].(map[string]any)["edges"].([]any) {
				n := e.(map[string]any)["node"].(map[string]any)
				if o, ok := n["organization"].(map[string]any); ok && o["id"] == id(orgID) {
					return fmt.Sprint(n["parts"])
				}
			}
			t.Fatalf("organisation %d is not ranked", orgID)
			return ""
		}
		agencyParts := func(key string) string { return orgParts(key, fx.agency.ID) }
		for _, tc := range []struct {
			role      string
			want, not string
		}{
			{"admin", "相关技能的活跃志愿者 3 人", "<10"},
			{"editor-agency", "相关技能的活跃志愿者 3 人", "<10"},
			{"editor-team", "相关技能的活跃志愿者 <10 人", " 3 人"},
			{"reviewer-agency", "相关技能的活跃志愿者 <10 人", " 3 人"},
			{"partner", "相关技能的活跃志愿者 <10 人", " 3 人"},
		} {
			got := agencyParts(ff.keys[tc.role])
			if !strings.Contains(got, tc.want) || strings.Contains(got, tc.not) {
				t.Errorf("%s sees the agency's capacity as %s, want %q", tc.role, got, tc.want)
			}
			if tc.role != "admin" && tc.role != "editor-agency" && !strings.Contains(got, "核实时长 x 小时") {
				t.Errorf("%s sees the agency's hours: %s", tc.role, got)
			}
		}
		// The team has no active volunteer and no verified hour: to a
		// protected caller that is withheld like 1 to k − 1, or the first
		// record would show as 0 → <10 (attack round of issue 11).
		for role, want := range map[string]string{"admin": "相关技能的活跃志愿者 0 人", "partner": "相关技能的活跃志愿者 <10 人",
			"editor-agency": "相关技能的活跃志愿者 <10 人"} {
			got := orgParts(ff.keys[role], fx.team.ID)
			if !strings.Contains(got, want) {
				t.Errorf("%s sees the idle team's capacity as %s, want %q", role, got, want)
			}
			if role != "admin" && !strings.Contains(got, "核实时长 x 小时") {
				t.Errorf("%s sees the idle team's hours as %s, want x", role, got)
			}
		}
		// A resolved need about a child counts in the team's track record
		// for ADMIN only: others cannot list it, so counting it would give
		// them the number of children's needs the team resolved.
		if err := c.Need.Create().SetTitle("留守儿童陪伴").SetDomain(fx.youth).SetRegion(fx.community).
			SetOpenedAt(time.Now().AddDate(0, 0, -3)).SetStatus(need.StatusRESOLVED).SetResolvedAt(time.Now().AddDate(0, 0, -1)).
			SetMatchedOrganization(fx.team).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		for role, want := range map[string]string{"admin": "近一年办结需求 1 件", "partner": "近一年办结需求 0 件",
			"editor-agency": "近一年办结需求 0 件", "reviewer-agency": "近一年办结需求 0 件"} {
			if got := orgParts(ff.keys[role], fx.team.ID); !strings.Contains(got, want) {
				t.Errorf("%s sees the team's resolved needs as %s, want %q", role, got, want)
			}
		}
		// A need about a child, which only ADMIN and its handlers read, is
		// NOT_FOUND for others exactly like an id that does not exist.
		child, err := c.Need.Create().SetTitle("儿童看护").SetDomain(fx.youth).SetRegion(fx.community).
			SetOpenedAt(fx.activity.StartsAt).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, role := range []string{"editor-team", "reviewer-agency", "partner"} {
			rt := a.post(ff.keys[role], q, map[string]any{"id": id(child.ID)})
			rf := a.post(ff.keys[role], q, map[string]any{"id": id(child.ID + 100000)})
			if answer(rt) != answer(rf) || rt.code() != "NOT_FOUND" {
				t.Errorf("%s: a hidden need and a missing one answer differently:\n%s\n%s", role, rt.Raw, rf.Raw)
			}
		}
		if r := a.post(a.key, q, map[string]any{"id": id(child.ID)}); len(r.Errors) > 0 {
			t.Errorf("admin: %s", r.Raw)
		}
	})
}
