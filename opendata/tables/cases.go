package tables

import (
	"fmt"

	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/ent/casefile"
	"github.com/tongxing/tongxing/opendata/dataset"
)

// Social-work cases (个案) are the most sensitive records Tongxing holds,
// often about a child who suffered harm. The open data reads five columns
// of them — division, kind, minor flag, opening and closing date — and
// nothing else: no agency, social worker, resident, display name or text.
// A purged case keeps exactly these (its dates truncated to the first day
// of their quarter) and keeps its id, so it lands in the same cells with
// the same cell key: purging changes no published value.
//
// One population per table, as for volunteers and needs: the cases of
// children — the resident was under 18 when the case opened, or the case
// is a child-protection case, whatever the flag says — count in
// children-summary only, district-wide by year. Every row of
// case-statistics, district rows and ALL totals included, counts the
// other cases, so no difference of its rows yields a figure about
// children.
//
// Fixed rows: cases are rare, so a row that existed only when a case was
// in it would itself say "at least one case of this kind opened or closed
// here this quarter" — and, compared with the day before's release, on
// which day. So case-statistics has a row for every quarter of its
// coverage × every town of the district and the district itself × every
// published kind and ALL, in every release, whatever the data; and, as in
// children-summary, every count below k — zero included — shows x
// (builder.strict). The coverage is decided without reading a case: from
// the first quarter of the first year of the other tables (activities and
// adults' needs; cases never move it) to the reference date's quarter.
// An opening or closing before that first quarter is not published (a
// quarter added for it would depend on it); a case opened before and
// closed within the coverage counts as closed.

// caseCell is a case-statistics cell: quarter × town × kind.
type caseCell struct {
	quarter int32  // yyyy*10 + q
	town    int16  // town index or townDistrict (the district total)
	kind    string // case kind or dataset.Total
}

// caseAcc holds one case-statistics cell.
type caseAcc struct {
	opened, closed disclosure.Count
}

func (b *builder) caseCell(k caseCell) *caseAcc {
	c := b.cases[k]
	if c == nil {
		c = &caseAcc{}
		b.cases[k] = c
	}
	return c
}

// quarter is the calendar quarter of a day, as yyyy*10 + q.
func (d day) quarter() int32 {
	return int32(d.year()*10 + (int(d)/100%100-1)/3 + 1)
}

func quarterText(q int32) string { return fmt.Sprintf("%04dQ%d", q/10, q%10) }

// caseCells lists the cells a case in (quarter, town, kind) counts in:
// itself, its town's all-kind total, and the district's kind and all-kind
// totals. A case registered at district level (in no town) counts only in
// the district rows; like every case here it is an adult's, so the
// district rows and the town rows are one population.
func caseCells(q int32, town int, kind string) []caseCell {
	out := make([]caseCell, 0, 4)
	if town >= 0 {
		out = append(out, caseCell{q, int16(town), kind}, caseCell{q, int16(town), dataset.Total})
	}
	return append(out, caseCell{q, townDistrict, kind}, caseCell{q, townDistrict, dataset.Total})
}

// publishedKind reports whether a case kind has rows in case-statistics: a
// kind of the dataset's categories other than ALL. A kind added to the
// data model later counts nowhere until it is given a place (a test
// checks the data model's kinds against the dataset's).
func publishedKind(k casefile.Kind) bool {
	if string(k) == dataset.Total {
		return false
	}
	for _, c := range dataset.CaseKinds {
		if c.Value == string(k) {
			return true
		}
	}
	return false
}

// childCase reports whether a case counts as a child's: its resident was
// under 18 when it opened, or it is a child-protection case (children's
// by definition, even if the flag was not set).
func childCase(minor bool, k casefile.Kind) bool {
	return minor || k == casefile.KindCHILD_PROTECTION
}

// streamCases reads the case files page by page, five columns of them.
func (b *builder) streamCases() error {
	last := 0
	for {
		page, err := b.c.CaseFile.Query().Where(casefile.IDGT(last)).Order(casefile.ByID()).Limit(b.opt.PageSize).
			Select(casefile.FieldRegionID, casefile.FieldKind, casefile.FieldMinor, casefile.FieldOpenedOn, casefile.FieldClosedOn).
			All(b.ctx)
		b.stats.Queries++
		if err != nil {
			return err
		}
		for _, cf := range page {
			last = cf.ID
			opened := dateDay(cf.OpenedOn)
			town := b.town(cf.RegionID)
			if opened > b.ref || town == townOutside {
				continue
			}
			closed, isClosed := day(0), false
			if cf.ClosedOn != nil {
				closed = dateDay(*cf.ClosedOn)
				isClosed = closed <= b.ref
			}
			key := b.rules.RecordKey(disclosure.NSCase, cf.ID)
			if childCase(cf.Minor, cf.Kind) {
				// Children's cases count in children-summary, by year,
				// district-wide, and in no row of case-statistics. Like
				// child-related needs they do not move firstYear, so
				// they never add a year to the other tables.
				b.stats.Cases++
				b.childYear(opened.year()).casesOpened.Add(key)
				if isClosed {
					b.childYear(closed.year()).casesClosed.Add(key)
				}
				continue
			}
			if !publishedKind(cf.Kind) {
				continue
			}
			// An adult's case does not move firstYear either: the rows
			// and years of every table are decided without the cases.
			b.stats.Cases++
			for _, k := range caseCells(opened.quarter(), town, string(cf.Kind)) {
				b.caseCell(k).opened.Add(key)
			}
			if isClosed {
				for _, k := range caseCells(closed.quarter(), town, string(cf.Kind)) {
					b.caseCell(k).closed.Add(key)
				}
			}
		}
		if len(page) < b.opt.PageSize {
			return nil
		}
	}
}

func (b *builder) caseCount(c disclosure.Count) dataset.Value {
	return b.protect(disclosure.CountCell(disclosure.MeasureCases, c, false))
}

// caseQuarters is the coverage of case-statistics: every quarter from
// the first quarter of firstYear to the reference date's, in order. It
// reads no case: firstYear follows the activities and the adults' needs
// only, and the reference date is the build's.
func (b *builder) caseQuarters() []int32 {
	var qs []int32
	for q, last := int32(b.firstYear*10+1), b.ref.quarter(); q <= last; q = nextQuarter(q) {
		qs = append(qs, q)
	}
	return qs
}

// nextQuarter is the quarter after q (yyyy*10 + q).
func nextQuarter(q int32) int32 {
	if q%10 == 4 {
		return (q/10+1)*10 + 1
	}
	return q + 1
}

// caseRows publishes every cell of the fixed grid, quarter × (the
// district and each of its towns) × (each published kind and ALL),
// whether or not a case is in it; counts go through strict, so an empty
// cell is x like a cell of 1 … k−1 cases. Cells of quarters before the
// coverage (cases older than the first year of the other tables) are not
// published.
func (b *builder) caseRows() []dataset.Row {
	quarters := b.caseQuarters()
	towns := make([]int, 0, len(b.towns)+1)
	towns = append(towns, townDistrict)
	for t := range b.towns {
		towns = append(towns, t)
	}
	rows := make([]dataset.Row, 0, len(quarters)*len(towns)*len(dataset.CaseKinds))
	empty := &caseAcc{}
	for _, q := range quarters {
		for _, t := range towns {
			tc, tn := b.townCell(t)
			for _, kind := range dataset.CaseKinds {
				c := b.cases[caseCell{q, int16(t), kind.Value}]
				if c == nil {
					c = empty
				}
				rows = append(rows, dataset.Row{
					dataset.Str(quarterText(q)), tc, tn,
					dataset.Str(kind.Value), dataset.Str(kind.Label.String()),
					b.strict(c.opened.N, b.caseCount(c.opened)), b.strict(c.closed.N, b.caseCount(c.closed)),
				})
			}
		}
	}
	sortRows(rows, 0, 1, 3)
	return rows
}
