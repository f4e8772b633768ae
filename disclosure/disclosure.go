// Package disclosure implements the statistical disclosure control every
// figure about people passes before it reaches someone who may not read
// the people behind it: the open-data tables, the partner universities'
// figures, the API's protected figures and the need-matching scores
// (docs/opendata.md, "Disclosure control"; docs/architecture.md). It is
// implemented once, here, as pure functions over cell accumulators, and
// its callers apply it to every protected cell, totals included.
//
// The rules, in the order they apply:
//
//  1. Frequency rule. A cell built from fewer than K distinct people (or, for
//     resident needs and social-work cases, K needs or cases) is suppressed
//     and published as the symbol "x". K defaults to 10 and is never
//     below 5. Empty cells (nobody) get 0 here; the open-data tables show
//     them as x too (docs/opendata.md: with 0 shown, an x means "at least
//     one", which totals can pin).
//  2. Hours cap. Before hours are summed, each person's verified minutes in a
//     calendar month are capped at HoursCapPerMonth (200 h): a month above the
//     cap is scaled down proportionally, record by record (CapMonth).
//  3. Dominance rule on sums. An hours cell is suppressed when one person
//     contributes more than DominanceShare (60 %) of it, the (1, 60 %)
//     dominance rule, even when it has K people or more.
//  4. Cell-key perturbation. Every published value gets noise derived from a
//     cell key: the sum modulo 2⁶⁴ of the keyed hashes (HMAC-SHA-256 with the
//     release secret) of the contributing record ids — person ids for counts
//     of people, need ids for counts of needs, case ids for counts of
//     social-work cases, service-record ids for hours.
//     This is the ABS cell-key method: the key depends only on which records
//     are in the cell, so the same cell always publishes the same value, in
//     every release and every table, while a cell that differs by one record
//     gets unrelated noise, so differencing two cells (two releases, or two
//     overlapping tables) yields noise rather than the difference. The sum
//     is a set hash that can be accumulated one record at a time, so
//     building never holds the ids of a cell in memory.
//     Counts get noise in {-2,…,+2} with probabilities 1,2,4,2,1 in 10;
//     hours get noise up to ±HoursNoise (50 %) of the largest single
//     person's contribution, from a triangular distribution.
//  5. Rounding. Perturbed counts are rounded to base 5 (half up) and never
//     published below K (rounded up to base 5); hours are rounded to whole
//     hours and never published below zero.
//
// Totals are cells like any other: computed from the raw records and
// protected by the same rules, never summed from published cells. With every
// published value perturbed, a suppressed cell cannot be recovered from its
// row or column total.
package disclosure

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// Parameters of the rules. They are constants rather than settings because
// changing them between releases would let a reader difference two
// differently protected releases; only K may be raised by configuration.
const (
	// DefaultK is the frequency threshold unless configured.
	DefaultK = 10
	// MinK is the smallest threshold accepted.
	MinK = 5
	// RoundBase is the base counts are rounded to.
	RoundBase = 5
	// CountNoiseMax bounds the noise added to counts: −2…+2.
	CountNoiseMax = 2
	// HoursCapPerMonth caps one person's hours in one calendar month.
	HoursCapPerMonth = 200
	// DominanceShare is the largest share one person may hold of an hours cell.
	DominanceShare = 0.60
	// HoursNoise scales the hours noise: at most this fraction of the
	// largest single contribution, so the largest contributor's hours can
	// never be read off a difference.
	HoursNoise = 0.5
	// MinSecretLen is the shortest secret accepted (bytes).
	MinSecretLen = 16
)

// countNoise maps a cell key (mod 10) to the noise of a count: mean 0,
// variance 1.2, symmetric.
var countNoise = [10]int64{-2, -1, -1, 0, 0, 0, 0, 1, 1, 2}

// Namespace separates the id spaces whose record keys are summed, so that a
// person id and a need id with the same number get unrelated keys.
type Namespace string

// The record namespaces.
const (
	NSPerson        Namespace = "person"
	NSServiceRecord Namespace = "service-record"
	NSNeed          Namespace = "need"
	NSCase          Namespace = "case"
)

// Key is a record key or a cell key (a sum of record keys, modulo 2⁶⁴).
type Key uint64

// Rules applies disclosure control with one threshold and one secret.
type Rules struct {
	k      int64
	secret []byte
}

// New returns the rules for threshold k and the release secret. It refuses
// k below MinK and secrets shorter than MinSecretLen.
func New(k int, secret []byte) (*Rules, error) {
	if k < MinK {
		return nil, fmt.Errorf("disclosure: threshold k = %d is below the minimum %d", k, MinK)
	}
	if len(secret) < MinSecretLen {
		return nil, errors.New("disclosure: the cell-key secret must be at least 16 bytes")
	}
	return &Rules{k: int64(k), secret: append([]byte(nil), secret...)}, nil
}

// K is the frequency threshold.
func (r *Rules) K() int { return int(r.k) }

// RecordKey is the keyed hash of one record id: the first 8 bytes of
// HMAC-SHA-256(secret, namespace ":" id).
func (r *Rules) RecordKey(ns Namespace, id int) Key {
	m := hmac.New(sha256.New, r.secret)
	m.Write([]byte(ns))
	m.Write([]byte{':'})
	m.Write(strconv.AppendInt(nil, int64(id), 10))
	return Key(binary.BigEndian.Uint64(m.Sum(nil)[:8]))
}

// draw turns a cell key into 64 uniform bits for one purpose. The cell key
// is already secret (a sum of keyed hashes); hashing it again with the
// purpose keeps the count and hours draws of the same records independent.
func (r *Rules) draw(purpose string, key Key, n int64) uint64 {
	m := hmac.New(sha256.New, r.secret)
	m.Write([]byte("cell:" + purpose + ":"))
	m.Write(binary.BigEndian.AppendUint64(nil, uint64(key)))
	m.Write(binary.BigEndian.AppendUint64(nil, uint64(n)))
	return binary.BigEndian.Uint64(m.Sum(nil)[:8])
}

// Count accumulates a count of distinct people (or needs): add each one once.
type Count struct {
	N   int64
	Key Key
}

// Add counts one person or need with its record key.
func (c *Count) Add(k Key) {
	c.N++
	c.Key += k
}

// Status tells how a cell is published.
type Status uint8

// Cell statuses.
const (
	Published  Status = iota // Value holds the protected value
	Suppressed               // withheld: publish the suppression symbol
)

// Result is a protected cell.
type Result struct {
	Status Status
	Value  int64
}

// Count protects a count of people: frequency rule, perturbation, rounding.
func (r *Rules) Count(c Count) Result {
	return r.protectCount("count", c)
}

// Needs protects a count of resident needs the same way as a count of
// people: needs concern residents, and a small cell could point at one.
func (r *Rules) Needs(c Count) Result {
	return r.protectCount("needs", c)
}

// Cases protects a count of social-work cases (个案) the same way as a count
// of people: every case is about one resident, and a small cell could
// point at them. Its noise is drawn apart from that of people and needs.
func (r *Rules) Cases(c Count) Result {
	return r.protectCount("cases", c)
}

func (r *Rules) protectCount(purpose string, c Count) Result {
	switch {
	case c.N <= 0:
		return Result{Value: 0}
	case c.N < r.k:
		return Result{Status: Suppressed}
	}
	noisy := c.N + countNoise[r.draw(purpose, c.Key, c.N)%10]
	v := roundToBase(noisy, RoundBase)
	if floor := ceilToBase(r.k, RoundBase); v < floor {
		v = floor
	}
	return Result{Value: v}
}

// NoisyCountRange is the interval a published count can lie in for a true
// count n ≥ K, before the floor at K: used by tests and documentation.
func NoisyCountRange(n int64) (lo, hi int64) {
	return roundToBase(n-CountNoiseMax, RoundBase), roundToBase(n+CountNoiseMax, RoundBase)
}

// Sum accumulates an hours cell: one Contribute call per person with the
// person's (capped) minutes in the cell and the sum of the record keys of
// the service records behind them.
type Sum struct {
	People  int64
	Minutes int64
	Top     int64 // the largest single person's minutes
	Key     Key   // sum of service-record keys
}

// Contribute adds one person's minutes in the cell.
func (s *Sum) Contribute(minutes int64, records Key) {
	s.People++
	s.Minutes += minutes
	s.Top = max(s.Top, minutes)
	s.Key += records
}

// Hours protects an hours cell (held in minutes) and returns whole hours:
// frequency rule on the people in it, dominance rule, perturbation scaled by
// the largest contribution, rounding to whole hours.
func (r *Rules) Hours(s Sum) Result {
	switch {
	case s.People <= 0 || s.Minutes <= 0:
		return Result{Value: 0}
	case s.People < r.k:
		return Result{Status: Suppressed}
	case Dominated(s):
		return Result{Status: Suppressed}
	}
	bits := r.draw("hours", s.Key, s.Minutes)
	// Triangular on (−1, 1): the difference of two uniforms from the two
	// halves of the draw. Most noise is small, none exceeds the bound.
	u := float64(bits>>32)/(1<<32) - float64(bits&0xffffffff)/(1<<32)
	noisy := float64(s.Minutes) + u*HoursNoise*float64(s.Top)
	hours := int64(math.Floor(noisy/60 + 0.5))
	return Result{Value: max(hours, 0)}
}

// Dominated reports whether one person holds more than DominanceShare of
// the cell.
func Dominated(s Sum) bool {
	return float64(s.Top) > DominanceShare*float64(s.Minutes)
}

// CapMonth applies the monthly hours cap to one person's records of one
// calendar month, in place: when their minutes add up to more than the cap,
// each record is scaled down by the same factor (rounding down, so the
// capped total never exceeds the cap). Scaling every record, rather than
// dropping the last ones, keeps the result independent of record order.
func CapMonth(minutes []int64) {
	const capMinutes = HoursCapPerMonth * 60
	var total int64
	for _, m := range minutes {
		total += m
	}
	if total <= capMinutes {
		return
	}
	for i, m := range minutes {
		minutes[i] = m * capMinutes / total
	}
}

// roundToBase rounds n to the nearest multiple of base, halves up.
func roundToBase(n, base int64) int64 {
	if n < 0 {
		return -roundToBase(-n, base)
	}
	return (n + base/2) / base * base
}

// ceilToBase rounds n up to a multiple of base.
func ceilToBase(n, base int64) int64 {
	return (n + base - 1) / base * base
}
