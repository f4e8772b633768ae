package tables

import (
	"slices"

	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/opendata/dataset"
)

// Fixed grids. A table that had a row only where someone was counted
// would say, by the row alone, that someone was there — and two daily
// releases would date it to the day; with empty cells shown as 0, an x
// would also mean "at least one", and a district x (at most k − 1) over
// parts that are each at least one pins them (the release gate's interval
// audit finds exactly that). So the person-derived tables have every row
// their public dimensions span — months or years of the coverage, the
// district and each town, every domain of the public taxonomy, every age
// band and gender, every practice base in the register — whatever the data,
// and an empty cell shows x like a small one (protect). Rows are decided by
// the reference date, the first year (activities and adults' needs) and the
// registers only.

// months lists the months of the monthly tables: January of the first year
// to the reference month.
func (b *builder) months() []int32 {
	var out []int32
	for m, last := int32(b.firstYear*100+1), int32(b.ref.month()); m <= last; {
		out = append(out, m)
		if m%100 == 12 {
			m += 100 - 11
		} else {
			m++
		}
	}
	return out
}

// divisions are the district total and every town.
func (b *builder) divisions() []int16 {
	out := []int16{townDistrict}
	for i := range b.towns {
		out = append(out, int16(i))
	}
	return out
}

// domains lists the domain keys of the monthly tables: ALL, UNCLASSIFIED
// and every term of each taxonomy a project or a counted cell takes its
// domains from (the taxonomies are public registers), children's domains
// left out when asked (needs in them are published in children-summary
// only).
func (b *builder) domains(cells []cell3, withChildDomains bool) []int {
	taxonomies := map[int]bool{}
	for _, p := range b.projects {
		for _, t := range p.Edges.Domains {
			taxonomies[t.TaxonomyID] = true
		}
	}
	for _, k := range cells {
		if t := b.terms[k.domain]; t != nil {
			taxonomies[t.TaxonomyID] = true
		}
	}
	out := []int{domainAll, domainUnclassified}
	for _, id := range sortedKeys(b.terms) {
		if taxonomies[b.terms[id].TaxonomyID] && (withChildDomains || !b.childDomain[id]) {
			out = append(out, id)
		}
	}
	return out
}

// grid3 is every month × division × domain cell, followed by any counted
// cell outside it (none, by construction; kept so nothing is ever dropped).
func (b *builder) grid3(counted []cell3, withChildDomains bool) []cell3 {
	var out []cell3
	seen := map[cell3]bool{}
	domains, divisions := b.domains(counted, withChildDomains), b.divisions()
	for _, m := range b.months() {
		for _, t := range divisions {
			for _, d := range domains {
				k := cell3{m, t, d}
				out = append(out, k)
				seen[k] = true
			}
		}
	}
	for _, k := range counted {
		if !seen[k] {
			out = append(out, k)
		}
	}
	return out
}

// vbtGrid is every division × adult age band × gender cell.
func (b *builder) vbtGrid() []vbtCell {
	var out []vbtCell
	for _, t := range b.divisions() {
		for _, a := range dataset.AgeBands {
			for _, g := range dataset.Genders {
				out = append(out, vbtCell{t, a.Value, g.Value})
			}
		}
	}
	return out
}

// pbGrid is, for every year of the coverage, the grand total, each
// university's total and each of its practice bases in the register.
func (b *builder) pbGrid() []pbCell {
	var universities []int
	for _, o := range b.orgs {
		if o.Kind == organization.KindUNIVERSITY {
			universities = append(universities, o.ID)
		}
	}
	for u := range b.hostsOf {
		if !slices.Contains(universities, u) {
			universities = append(universities, u)
		}
	}
	slices.Sort(universities)
	var out []pbCell
	for y := b.firstYear; y <= b.ref.year(); y++ {
		out = append(out, pbCell{y, 0, 0})
		for _, u := range universities {
			out = append(out, pbCell{y, u, 0})
			for _, h := range sortedKeys(b.hostsOf[u]) {
				out = append(out, pbCell{y, u, h})
			}
		}
	}
	return out
}
