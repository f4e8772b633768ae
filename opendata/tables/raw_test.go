package tables_test

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/casefile"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/partnership"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/ent/term"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/internal/fixture"
	"github.com/tongxing/tongxing/opendata/tables"
)

// raw holds the true cells of the person-derived tables, recomputed here
// the plain way — everything loaded at once, sets of ids per cell — and
// independently of the streaming builder, for checkAgainstRaw.
type raw struct {
	// cell key (the published primary key, "|"-joined) → field → ids
	cells map[string]map[string]map[string]map[int]bool
	// scores are the residents' ratings of the needs resolved in each
	// needs-monthly cell, for mean_rating.
	scores map[string][]float64
}

func (r *raw) add(ds, key, field string, id int) {
	if r.cells[ds] == nil {
		r.cells[ds] = map[string]map[string]map[int]bool{}
	}
	if r.cells[ds][key] == nil {
		r.cells[ds][key] = map[string]map[int]bool{}
	}
	if r.cells[ds][key][field] == nil {
		r.cells[ds][key][field] = map[int]bool{}
	}
	r.cells[ds][key][field][id] = true
}

func (r *raw) count(ds, key, field string) int { return len(r.cells[ds][key][field]) }

func loadRaw(t *testing.T, c *ent.Client, res *tables.Result) *raw {
	t.Helper()
	ctx := fixture.Context()
	ref := res.Reference
	district := res.District.Code
	r := &raw{cells: map[string]map[string]map[string]map[int]bool{}, scores: map[string][]float64{}}

	regions := c.Region.Query().AllX(ctx)
	byID := map[int]*ent.Region{}
	for _, rg := range regions {
		byID[rg.ID] = rg
	}
	townCodes := map[string]bool{}
	for _, tw := range res.Towns {
		townCodes[tw.Code] = true
	}
	// townOf: the town code a division lies in, "" for the district itself,
	// "-" outside.
	townOf := func(id int) string {
		for rg := byID[id]; rg != nil; {
			if townCodes[rg.Code] {
				return rg.Code
			}
			if rg.Code == district {
				return ""
			}
			if rg.ParentID == nil {
				break
			}
			rg = byID[*rg.ParentID]
		}
		return "-"
	}
	orgs := c.Organization.Query().AllX(ctx)
	orgTown := map[int]string{}
	for _, o := range orgs {
		orgTown[o.ID] = townOf(o.RegionID)
	}
	projects := c.Project.Query().WithDomains(func(q *ent.TermQuery) { q.Order(term.ByID()) }).AllX(ctx)
	projDomain := map[int]string{}
	for _, p := range projects {
		projDomain[p.ID] = dataset.Unclassified
		if len(p.Edges.Domains) > 0 {
			projDomain[p.ID] = p.Edges.Domains[0].Code
		}
	}
	acts := map[int]*ent.Activity{}
	for _, a := range c.Activity.Query().AllX(ctx) {
		acts[a.ID] = a
	}
	hosts := map[int]map[int]bool{}
	for _, p := range c.Partnership.Query().Where(partnership.KindEQ(partnership.KindPRACTICE_BASE)).AllX(ctx) {
		if hosts[p.OrganizationID] == nil {
			hosts[p.OrganizationID] = map[int]bool{}
		}
		hosts[p.OrganizationID][p.PartnerID] = true
	}
	people := map[int]*ent.Person{}
	for _, p := range c.Person.Query().AllX(ctx) {
		people[p.ID] = p
	}
	members := map[int][]*ent.Membership{}
	for _, m := range c.Membership.Query().AllX(ctx) {
		members[m.PersonID] = append(members[m.PersonID], m)
	}
	cst := calendar.Zone
	refDay := time.Date(ref.Year(), ref.Month(), ref.Day(), 0, 0, 0, 0, time.UTC)
	active := func(m *ent.Membership, d time.Time) bool {
		return !m.JoinedOn.UTC().After(d) && (m.LeftOn == nil || !m.LeftOn.UTC().Before(d))
	}
	age := func(p *ent.Person, d time.Time) int {
		if p.BirthDate == nil {
			return -1
		}
		b := p.BirthDate.UTC()
		a := d.Year() - b.Year()
		if d.Month() < b.Month() || (d.Month() == b.Month() && d.Day() < b.Day()) {
			a--
		}
		return a
	}
	adult := func(p *ent.Person, d time.Time) bool { a := age(p, d); return a >= 18 }

	// ---- service records ----
	recs := c.ServiceRecord.Query().Where(servicerecord.StatusEQ(servicerecord.StatusVERIFIED)).AllX(ctx)
	for _, rec := range recs {
		a := acts[rec.ActivityID]
		day := rec.ServedOn.UTC()
		ad := a.StartsAt.In(cst)
		actDay := time.Date(ad.Year(), ad.Month(), ad.Day(), 0, 0, 0, 0, time.UTC)
		if day.After(refDay) || actDay.After(refDay) {
			continue
		}
		town := townOf(a.RegionID)
		if town == "-" {
			continue
		}
		p := people[rec.PersonID]
		year := fmt.Sprint(day.Year())
		if !adult(p, day) {
			// Served as a child (or of unknown age): children-summary only.
			r.add(dataset.ChildrenSummary, year, "active_volunteers", p.ID)
			continue
		}
		dom := dataset.Unclassified
		if a.ProjectID != nil {
			dom = projDomain[*a.ProjectID]
		}
		month := day.Format("2006-01")
		towns := []string{district}
		if town != "" {
			towns = append(towns, town)
		}
		for _, tw := range towns {
			for _, d := range []string{dom, dataset.Total} {
				r.add(dataset.VolunteerHoursMonthly, month+"|"+tw+"|"+d, "volunteers", p.ID)
				r.add(dataset.VolunteerHoursMonthly, month+"|"+tw+"|"+d, "verified_hours", p.ID)
			}
		}
		r.add(dataset.DistrictSummary, year, "active_volunteers", p.ID)
		if a.ProjectID != nil {
			r.add(dataset.Projects, gid.Encode(*a.ProjectID), "volunteers", p.ID)
		}
		if p.UniversityID != nil {
			u := gid.Encode(*p.UniversityID)
			host := ""
			var best *ent.Membership
			for _, m := range members[p.ID] {
				if hosts[*p.UniversityID][m.OrganizationID] && active(m, day) &&
					(best == nil || m.JoinedOn.Before(best.JoinedOn) || (m.JoinedOn.Equal(best.JoinedOn) && m.ID < best.ID)) {
					best = m
				}
			}
			if best != nil {
				host = gid.Encode(best.OrganizationID)
				r.add(dataset.PracticeBases, year+"|"+u+"|"+host, "student_volunteers", p.ID)
			}
			r.add(dataset.PracticeBases, year+"|"+u+"|ALL", "student_volunteers", p.ID)
			r.add(dataset.PracticeBases, year+"|ALL|ALL", "student_volunteers", p.ID)
		}
	}

	// ---- registered volunteers on the reference date, and per year ----
	activeSince := refDay.AddDate(-1, 0, 0)
	servedRecently := map[int]bool{}
	for _, rec := range recs {
		a := acts[rec.ActivityID].StartsAt.In(cst)
		actDay := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
		if d := rec.ServedOn.UTC(); d.After(activeSince) && !d.After(refDay) && !actDay.After(refDay) {
			servedRecently[rec.PersonID] = true
		}
	}
	for _, p := range people {
		var home *ent.Membership
		registered := false
		for _, m := range members[p.ID] {
			if (m.Role != membership.RoleVOLUNTEER && m.Role != membership.RoleLEADER) || !active(m, refDay) {
				continue
			}
			registered = true
			if tw := orgTown[m.OrganizationID]; tw != "" && tw != "-" &&
				(home == nil || m.JoinedOn.Before(home.JoinedOn) || (m.JoinedOn.Equal(home.JoinedOn) && m.ID < home.ID)) {
				home = m
			}
		}
		for y := res.FirstYear; y <= refDay.Year(); y++ {
			snap := time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)
			if snap.After(refDay) {
				snap = refDay
			}
			reg, member := false, false
			for _, m := range members[p.ID] {
				if active(m, snap) {
					member = true
					if m.Role == membership.RoleVOLUNTEER || m.Role == membership.RoleLEADER {
						reg = true
					}
				}
			}
			child := !adult(p, snap)
			if reg && child {
				r.add(dataset.ChildrenSummary, fmt.Sprint(y), "registered_volunteers", p.ID)
			}
			if reg && !child {
				r.add(dataset.DistrictSummary, fmt.Sprint(y), "registered_volunteers", p.ID)
			}
			if member && p.SocialWorkLevel != nil && !child {
				r.add(dataset.DistrictSummary, fmt.Sprint(y), "certified_social_workers", p.ID)
			}
		}
		if !registered {
			continue
		}
		band := "UNKNOWN"
		if !adult(p, refDay) {
			continue // children-summary's registered volunteers, counted above
		}
		switch a := age(p, refDay); {
		case a < 0:
		case a < 18:
			band = "<18"
		case a < 30:
			band = "18-29"
		case a < 45:
			band = "30-44"
		case a < 60:
			band = "45-59"
		default:
			band = "60+"
		}
		gender := string(p.Gender)
		if gender != "MALE" && gender != "FEMALE" {
			gender = "UNSPECIFIED"
		}
		towns := []string{district}
		if home != nil {
			towns = append(towns, orgTown[home.OrganizationID])
		}
		for _, tw := range towns {
			for _, b := range []string{band, dataset.Total} {
				for _, g := range []string{gender, dataset.Total} {
					k := tw + "|" + b + "|" + g
					r.add(dataset.VolunteersByTown, k, "registered_volunteers", p.ID)
					if servedRecently[p.ID] {
						r.add(dataset.VolunteersByTown, k, "active_volunteers", p.ID)
					}
				}
			}
		}
	}

	// ---- needs ----
	childDomains := tables.DefaultChildDomains
	rated := map[int]float64{}
	for _, rt := range c.NeedRating.Query().AllX(ctx) {
		if rt.Score != nil && rt.RatedAt != nil {
			rd := rt.RatedAt.In(cst)
			if !time.Date(rd.Year(), rd.Month(), rd.Day(), 0, 0, 0, 0, time.UTC).After(refDay) {
				rated[rt.NeedID] = float64(*rt.Score)
			}
		}
	}
	for _, n := range c.Need.Query().WithDomain().AllX(ctx) {
		od := n.OpenedAt.In(cst)
		opened := time.Date(od.Year(), od.Month(), od.Day(), 0, 0, 0, 0, time.UTC)
		town := townOf(n.RegionID)
		if opened.After(refDay) || town == "-" {
			continue
		}
		dom := n.Edges.Domain.Code
		if slices.Contains(childDomains, dom) {
			// Needs about children: children-summary only, by year.
			r.add(dataset.ChildrenSummary, opened.Format("2006"), "needs_opened", n.ID)
			if n.Status == need.StatusRESOLVED && n.ResolvedAt != nil {
				rd := n.ResolvedAt.In(cst)
				if !time.Date(rd.Year(), rd.Month(), rd.Day(), 0, 0, 0, 0, time.UTC).After(refDay) {
					r.add(dataset.ChildrenSummary, rd.Format("2006"), "needs_resolved", n.ID)
				}
			}
			continue
		}
		towns := []string{district}
		if town != "" {
			towns = append(towns, town)
		}
		for _, tw := range towns {
			for _, d := range []string{dom, dataset.Total} {
				r.add(dataset.NeedsMonthly, opened.Format("2006-01")+"|"+tw+"|"+d, "needs_opened", n.ID)
			}
		}
		r.add(dataset.DistrictSummary, opened.Format("2006"), "needs_opened", n.ID)
		if n.Status != need.StatusRESOLVED || n.ResolvedAt == nil {
			continue
		}
		rd := n.ResolvedAt.In(cst)
		if time.Date(rd.Year(), rd.Month(), rd.Day(), 0, 0, 0, 0, time.UTC).After(refDay) {
			continue
		}
		for _, tw := range towns {
			for _, d := range []string{dom, dataset.Total} {
				r.add(dataset.NeedsMonthly, rd.Format("2006-01")+"|"+tw+"|"+d, "needs_resolved", n.ID)
				if score, ok := rated[n.ID]; ok {
					cell := rd.Format("2006-01") + "|" + tw + "|" + d
					r.add(dataset.NeedsMonthly, cell, "needs_rated", n.ID)
					r.scores[cell] = append(r.scores[cell], score)
				}
			}
		}
		r.add(dataset.DistrictSummary, rd.Format("2006"), "needs_resolved", n.ID)
	}

	// ---- social-work cases ----
	quarter := func(d time.Time) string { return fmt.Sprintf("%dQ%d", d.Year(), (int(d.Month())-1)/3+1) }
	for _, cf := range c.CaseFile.Query().AllX(ctx) {
		opened := cf.OpenedOn.UTC()
		town := townOf(cf.RegionID)
		if opened.After(refDay) || town == "-" {
			continue
		}
		var closed *time.Time
		if cf.ClosedOn != nil && !cf.ClosedOn.UTC().After(refDay) {
			d := cf.ClosedOn.UTC()
			closed = &d
		}
		// The tables' coverage starts in the first year (never moved by
		// the cases): nothing earlier is published.
		if opened.Year() < res.FirstYear {
			if closed == nil || closed.Year() < res.FirstYear {
				continue
			}
			opened = time.Time{}
		}
		if cf.Minor || cf.Kind == casefile.KindCHILD_PROTECTION {
			// Children's cases: children-summary only, by year.
			if !opened.IsZero() {
				r.add(dataset.ChildrenSummary, opened.Format("2006"), "cases_opened", cf.ID)
			}
			if closed != nil {
				r.add(dataset.ChildrenSummary, closed.Format("2006"), "cases_closed", cf.ID)
			}
			continue
		}
		towns := []string{district}
		if town != "" {
			towns = append(towns, town)
		}
		for _, tw := range towns {
			for _, k := range []string{string(cf.Kind), dataset.Total} {
				if !opened.IsZero() {
					r.add(dataset.CaseStatistics, quarter(opened)+"|"+tw+"|"+k, "cases_opened", cf.ID)
				}
				if closed != nil {
					r.add(dataset.CaseStatistics, quarter(*closed)+"|"+tw+"|"+k, "cases_closed", cf.ID)
				}
			}
		}
	}
	return r
}

// checkAgainstRaw compares every protected person or need count, and the
// people behind every hours cell, with the true cell: a cell of 1 to k−1 is
// withheld, a published count stands for at least k, and lies within the
// noise and rounding of the truth.
func checkAgainstRaw(t *testing.T, res *tables.Result, r *raw) {
	k := fixture.K
	checked := map[string]int{}
	complements := 0
	defer func() {
		if complements > res.Complements {
			t.Errorf("%d cells of k or more withheld, %d of them as complements", complements, res.Complements)
		}
	}()
	// tables.Build withholds no complement (release.Build does).
	for _, tb := range res.Tables {
		if r.cells[tb.Dataset.ID] == nil {
			continue
		}
		fields := personCountFields(tb.Dataset)
		hours := tb.Dataset.FieldIndex("verified_hours")
		for _, row := range tb.Rows {
			kk := key(tb, row)
			if tb.Dataset.ID == dataset.PracticeBases {
				// key is year|university|host with ids
				kk = strings.Join([]string{row[0].Text(), row[1].Text(), row[3].Text()}, "|")
			}
			for _, i := range fields {
				name := tb.Dataset.Fields[i].Name
				if _, ok := r.cells[tb.Dataset.ID][kk]; !ok && tb.Dataset.ID == dataset.DistrictSummary {
					continue
				}
				n := r.count(tb.Dataset.ID, kk, name)
				v := row[i]
				switch {
				case n < k && v.Kind != dataset.KindSuppressed:
					// Every table's rows are fixed (grid.go), and an empty
					// cell is withheld like a small one.
					t.Errorf("%s[%s].%s: %d people, needs or cases published as %q", tb.Dataset.ID, kk, name, n, v.Text())
				case n >= k && v.Kind == dataset.KindSuppressed:
					complements++ // withheld beside another (secondary suppression)
				case n >= k && v.Kind != dataset.KindInt:
					t.Errorf("%s[%s].%s: %d people withheld", tb.Dataset.ID, kk, name, n)
				case n >= k:
					lo := (n - 2 + 2) / 5 * 5
					hi := (n + 2 + 2) / 5 * 5
					if v.Int < int64(min(lo, 10)) || v.Int > int64(hi) {
						t.Errorf("%s[%s].%s: %d people published as %d, outside %d–%d", tb.Dataset.ID, kk, name, n, v.Int, lo, hi)
					}
				}
				checked[tb.Dataset.ID]++
			}
			// Hours cells follow the frequency rule on the people behind them.
			if hours >= 0 && tb.Dataset.ID == dataset.VolunteerHoursMonthly {
				n := r.count(tb.Dataset.ID, kk, "verified_hours")
				if n < k && row[hours].Kind != dataset.KindSuppressed {
					t.Errorf("%s[%s].verified_hours: %d people, published %q", tb.Dataset.ID, kk, n, row[hours].Text())
				}
				checked[tb.Dataset.ID+" hours"]++
			}
		}
		// Every true cell with people in it is published (as a row).
		for kk := range r.cells[tb.Dataset.ID] {
			found := false
			for _, row := range tb.Rows {
				rk := key(tb, row)
				if tb.Dataset.ID == dataset.PracticeBases {
					rk = strings.Join([]string{row[0].Text(), row[1].Text(), row[3].Text()}, "|")
				}
				if rk == kk {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("%s: true cell %s has no row", tb.Dataset.ID, kk)
			}
		}
	}
	t.Logf("cells checked against the database: %v", checked)
	for _, ds := range []string{dataset.DistrictSummary, dataset.Projects, dataset.VolunteerHoursMonthly, dataset.VolunteersByTown, dataset.NeedsMonthly, dataset.CaseStatistics, dataset.PracticeBases, dataset.ChildrenSummary} {
		if checked[ds] == 0 {
			t.Errorf("no %s cell checked", ds)
		}
	}
}

// checkMeanRatings: needs-monthly's mean_rating is the mean of the cell's
// scores to one decimal where k or more needs were rated, withheld below.
func checkMeanRatings(t *testing.T, res *tables.Result, r *raw) {
	rated := 0
	for _, tb := range res.Tables {
		if tb.Dataset.ID != dataset.NeedsMonthly {
			continue
		}
		i := tb.Dataset.FieldIndex("mean_rating")
		for _, row := range tb.Rows {
			kk := key(tb, row)
			scores := r.scores[kk]
			v := row[i]
			switch {
			case len(scores) < fixture.K:
				if v.Kind == dataset.KindNumber {
					t.Errorf("%s: %d ratings published as %q", kk, len(scores), v.Text())
				}
			default:
				sum := 0.0
				for _, x := range scores {
					sum += x
				}
				want := strconv.FormatFloat(math.Round(sum/float64(len(scores))*10)/10, 'f', -1, 64)
				if v.Text() != want {
					t.Errorf("%s: mean rating %q, want %s over %d", kk, v.Text(), want, len(scores))
				}
				rated++
			}
		}
	}
	if rated == 0 {
		t.Error("no cell had k or more ratings: the demo's ratings did not reach the table")
	}
}
