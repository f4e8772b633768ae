package tables

import (
	"slices"

	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/needrating"
)

// needCell is a needs-monthly cell.
type needCell struct {
	opened, resolved disclosure.Count
	// days to resolve of the needs resolved in the cell, for the median.
	// Needs are a few per cell; this grows with needs, not service records.
	days []float64
	// rated counts the resolved needs whose resident rated the service
	// (评单), scores holds their scores for the mean.
	rated  disclosure.Count
	scores []float64
}

func (b *builder) needCell(k cell3) *needCell {
	c := b.needs[k]
	if c == nil {
		c = &needCell{}
		b.needs[k] = c
	}
	return c
}

// streamNeeds reads the needs page by page. Only the domain, division,
// status and the two times are read — never the description, contact or
// resolution note.
func (b *builder) streamNeeds() error {
	scores, err := b.ratingScores()
	if err != nil {
		return err
	}
	last := 0
	for {
		page, err := b.c.Need.Query().Where(need.IDGT(last)).Order(need.ByID()).Limit(b.opt.PageSize).
			Select(need.FieldDomainID, need.FieldRegionID, need.FieldStatus, need.FieldOpenedAt, need.FieldResolvedAt).
			All(b.ctx)
		b.stats.Queries++
		if err != nil {
			return err
		}
		for _, n := range page {
			last = n.ID
			opened := b.localDay(n.OpenedAt)
			town := b.town(n.RegionID)
			if opened > b.ref || town == townOutside {
				continue
			}
			b.stats.Needs++
			key := b.rules.RecordKey(disclosure.NSNeed, n.ID)
			if b.childDomain[n.DomainID] {
				// Needs about children count in children-summary, by
				// year, district-wide, and in no row of needs-monthly or
				// district-summary: those tables' district rows hold the
				// same needs as their town rows. They do not move
				// firstYear either, so they never add a year to the
				// other tables.
				b.childYear(opened.year()).needsOpened.Add(key)
				if n.Status == need.StatusRESOLVED && n.ResolvedAt != nil {
					if resolved := b.localDay(*n.ResolvedAt); resolved <= b.ref {
						b.childYear(resolved.year()).needsResolved.Add(key)
					}
				}
				continue
			}
			b.firstYear = min(b.firstYear, opened.year())
			for _, k := range cells3(opened.month(), town, n.DomainID) {
				b.needCell(k).opened.Add(key)
			}
			b.year(opened.year()).needsOpened.Add(key)
			if n.Status != need.StatusRESOLVED || n.ResolvedAt == nil {
				continue
			}
			resolved := b.localDay(*n.ResolvedAt)
			if resolved > b.ref {
				continue
			}
			days := n.ResolvedAt.Sub(n.OpenedAt).Hours() / 24
			score, rated := scores[n.ID]
			for _, k := range cells3(resolved.month(), town, n.DomainID) {
				c := b.needCell(k)
				c.resolved.Add(key)
				c.days = append(c.days, days)
				if rated {
					c.rated.Add(key)
					c.scores = append(c.scores, score)
				}
			}
			b.year(resolved.year()).needsResolved.Add(key)
		}
		if len(page) < b.opt.PageSize {
			return nil
		}
	}
}

// ratingScores are the residents' scores of rated needs (评单) rated by
// the reference date, by need: the score alone, never the words.
func (b *builder) ratingScores() (map[int]float64, error) {
	rs, err := b.c.NeedRating.Query().Where(needrating.ScoreNotNil(), needrating.RatedAtNotNil()).
		Select(needrating.FieldNeedID, needrating.FieldScore, needrating.FieldRatedAt).All(b.ctx)
	b.stats.Queries++
	if err != nil {
		return nil, err
	}
	out := make(map[int]float64, len(rs))
	for _, r := range rs {
		if b.localDay(*r.RatedAt) <= b.ref {
			out[r.NeedID] = float64(*r.Score)
		}
	}
	return out, nil
}

// mean of xs, rounded to one decimal.
func mean(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return roundTo(sum/float64(len(xs)), 1)
}

// median of xs (sorted in place), rounded to one decimal.
func median(xs []float64) float64 {
	slices.Sort(xs)
	n := len(xs)
	m := xs[n/2]
	if n%2 == 0 {
		m = (xs[n/2-1] + xs[n/2]) / 2
	}
	return roundTo(m, 1)
}
