package disclosure

import (
	"math"
	"math/rand/v2"
	"testing"
)

var secret = []byte("disclosure-test-secret-0123456789")

func rules(t testing.TB, k int) *Rules {
	t.Helper()
	r, err := New(k, secret)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// count builds a count cell from person ids.
func (r *Rules) count(ids ...int) Count {
	var c Count
	for _, id := range ids {
		c.Add(r.RecordKey(NSPerson, id))
	}
	return c
}

func seq(from, n int) []int {
	ids := make([]int, n)
	for i := range ids {
		ids[i] = from + i
	}
	return ids
}

func TestNewRefusesWeakSettings(t *testing.T) {
	if _, err := New(4, secret); err == nil {
		t.Error("k = 4 accepted; the threshold is never below 5")
	}
	if _, err := New(MinK, secret); err != nil {
		t.Errorf("k = %d refused: %v", MinK, err)
	}
	if _, err := New(10, []byte("short")); err == nil {
		t.Error("a 5-byte secret was accepted")
	}
}

func TestFrequencyRule(t *testing.T) {
	for _, k := range []int{5, 7, 10, 20} {
		r := rules(t, k)
		if got := r.Count(Count{}); got.Status != Published || got.Value != 0 {
			t.Errorf("k=%d: empty cell = %+v, want a published 0", k, got)
		}
		for n := 1; n < k; n++ {
			if got := r.Count(r.count(seq(1000, n)...)); got.Status != Suppressed {
				t.Errorf("k=%d: cell of %d people published as %d", k, n, got.Value)
			}
		}
		for n := k; n < k+200; n++ {
			got := r.Count(r.count(seq(5000*n, n)...))
			if got.Status != Published {
				t.Fatalf("k=%d: cell of %d people suppressed", k, n)
			}
			if got.Value < int64(k) {
				t.Errorf("k=%d: cell of %d people published as %d, below k", k, n, got.Value)
			}
			if got.Value%RoundBase != 0 {
				t.Errorf("k=%d: %d published as %d, not a multiple of %d", k, n, got.Value, RoundBase)
			}
			lo, hi := NoisyCountRange(int64(n))
			if got.Value > hi || (got.Value < lo && got.Value != ceilToBase(int64(k), RoundBase)) {
				t.Errorf("k=%d: %d published as %d, outside %d–%d", k, n, got.Value, lo, hi)
			}
		}
	}
}

func TestNeedsFollowTheFrequencyRule(t *testing.T) {
	r := rules(t, 10)
	var c Count
	for id := 1; id <= 9; id++ {
		c.Add(r.RecordKey(NSNeed, id))
	}
	if got := r.Needs(c); got.Status != Suppressed {
		t.Errorf("9 needs published as %d", got.Value)
	}
	c.Add(r.RecordKey(NSNeed, 10))
	if got := r.Needs(c); got.Status != Published || got.Value < 10 {
		t.Errorf("10 needs: %+v", got)
	}
}

// TestCasesFollowTheFrequencyRule: a count of cases is protected exactly
// like a count of people or needs — the same threshold, noise range,
// rounding and floor — with its own record namespace and noise draw.
func TestCasesFollowTheFrequencyRule(t *testing.T) {
	r := rules(t, 10)
	for _, tc := range []struct {
		n       int
		publish bool
	}{{0, true}, {1, false}, {9, false}, {10, true}, {11, true}, {37, true}} {
		var c Count
		for id := 1; id <= tc.n; id++ {
			c.Add(r.RecordKey(NSCase, id))
		}
		got := r.Cases(c)
		switch {
		case !tc.publish:
			if got.Status != Suppressed {
				t.Errorf("%d cases published as %d", tc.n, got.Value)
			}
		case tc.n == 0:
			if got.Status != Published || got.Value != 0 {
				t.Errorf("no cases: %+v", got)
			}
		default:
			lo, hi := NoisyCountRange(int64(tc.n))
			if got.Status != Published || got.Value%RoundBase != 0 || got.Value < 10 || got.Value < lo || got.Value > max(hi, 10) {
				t.Errorf("%d cases: %+v, want a multiple of %d in %d–%d and at least k", tc.n, got, RoundBase, lo, hi)
			}
		}
	}
	if r.RecordKey(NSCase, 7) == r.RecordKey(NSNeed, 7) || r.RecordKey(NSCase, 7) == r.RecordKey(NSPerson, 7) {
		t.Error("case 7 has the key of need or person 7")
	}
}

func TestRounding(t *testing.T) {
	for _, tc := range []struct{ n, want int64 }{{0, 0}, {2, 0}, {3, 5}, {7, 5}, {8, 10}, {12, 10}, {13, 15}, {-3, -5}} {
		if got := roundToBase(tc.n, 5); got != tc.want {
			t.Errorf("roundToBase(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
	if got := ceilToBase(7, 5); got != 10 {
		t.Errorf("ceilToBase(7) = %d", got)
	}
}

// The same cell always publishes the same value, whatever order its records
// are added in: the cell key is a sum.
func TestCellKeyIsDeterministicAndOrderFree(t *testing.T) {
	r := rules(t, 10)
	ids := seq(4242, 37)
	a := r.count(ids...)
	rnd := rand.New(rand.NewPCG(1, 2))
	rnd.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	b := r.count(ids...)
	if a != b || r.Count(a) != r.Count(b) {
		t.Fatalf("shuffled records gave %+v / %+v", r.Count(a), r.Count(b))
	}
	// A rebuilt Rules (a later release) publishes the same value.
	if again := rules(t, 10); again.Count(again.count(ids...)) != r.Count(a) {
		t.Error("the same cell published differently by a second Rules with the same secret")
	}
	// Another secret re-draws the noise: the secret matters.
	other, _ := New(10, []byte("another-secret-another-secret!!"))
	differ := 0
	for n := 10; n < 200; n++ {
		ids := seq(n*1000, n)
		if other.Count(other.count(ids...)) != r.Count(r.count(ids...)) {
			differ++
		}
	}
	if differ == 0 {
		t.Error("the noise does not depend on the secret")
	}
	// Namespaces separate id spaces.
	if r.RecordKey(NSPerson, 7) == r.RecordKey(NSNeed, 7) {
		t.Error("person 7 and need 7 share a record key")
	}
}

func TestCountNoiseIsSmallSymmetricAndUsed(t *testing.T) {
	r := rules(t, 10)
	seen := map[int64]int{}
	var sum int64
	const trials = 20000
	rnd := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < trials; i++ {
		c := Count{N: 100, Key: Key(rnd.Uint64())}
		noise := countNoise[r.draw("count", c.Key, c.N)%10]
		seen[noise]++
		sum += noise
	}
	for n := int64(-CountNoiseMax); n <= CountNoiseMax; n++ {
		if seen[n] == 0 {
			t.Errorf("noise %d never drawn", n)
		}
	}
	if len(seen) != 2*CountNoiseMax+1 {
		t.Errorf("noise values %v", seen)
	}
	if mean := float64(sum) / trials; mean < -0.05 || mean > 0.05 {
		t.Errorf("mean noise %.3f, want about 0", mean)
	}
}

func TestCapMonth(t *testing.T) {
	under := []int64{600, 1200, 3000}
	CapMonth(under)
	if under[0] != 600 || under[1] != 1200 || under[2] != 3000 {
		t.Errorf("a month under the cap changed: %v", under)
	}
	// 300 hours in a month: every record scaled by 200/300.
	over := []int64{6000, 6000, 6000}
	CapMonth(over)
	var total int64
	for _, m := range over {
		total += m
		if m != 4000 {
			t.Errorf("record capped to %d minutes, want 4000", m)
		}
	}
	if total > HoursCapPerMonth*60 {
		t.Errorf("capped month holds %d minutes", total)
	}
	// Proportional: the result does not depend on record order.
	a, b := []int64{480, 9000, 4000, 3000}, []int64{3000, 4000, 9000, 480}
	CapMonth(a)
	CapMonth(b)
	if a[0] != b[3] || a[1] != b[2] || a[2] != b[1] || a[3] != b[0] {
		t.Errorf("capping depends on order: %v vs %v", a, b)
	}
}

func sumCell(r *Rules, minutes map[int]int64, firstRecord int) Sum {
	var s Sum
	rec := firstRecord
	for p := 1; p <= len(minutes); p++ {
		s.Contribute(minutes[p], r.RecordKey(NSServiceRecord, rec))
		rec++
	}
	return s
}

func TestHoursRules(t *testing.T) {
	r := rules(t, 10)
	even := map[int]int64{}
	for p := 1; p <= 9; p++ {
		even[p] = 120
	}
	if got := r.Hours(sumCell(r, even, 1)); got.Status != Suppressed {
		t.Errorf("hours of 9 people published: %d", got.Value)
	}
	even[10] = 120
	got := r.Hours(sumCell(r, even, 1))
	if got.Status != Published || got.Value < 19 || got.Value > 21 {
		t.Errorf("10 people × 2 h = %+v, want 20 ± 1 (noise ≤ half of 2 h)", got)
	}
	// Dominance: one person holds 61 % of the cell.
	dom := map[int]int64{1: 61 * 60}
	for p := 2; p <= 12; p++ {
		dom[p] = 39 * 60 / 11
	}
	s := sumCell(r, dom, 100)
	if !Dominated(s) || r.Hours(s).Status != Suppressed {
		t.Errorf("a cell where one person holds %.0f%% was published", 100*float64(s.Top)/float64(s.Minutes))
	}
	dom[1] = 50 * 60
	if s := sumCell(r, dom, 100); Dominated(s) {
		t.Error("a 50 % contributor counted as dominating")
	}
	if got := r.Hours(Sum{}); got.Status != Published || got.Value != 0 {
		t.Errorf("empty hours cell = %+v", got)
	}
	// The noise never exceeds HoursNoise × the largest contribution.
	rnd := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 5000; i++ {
		s := Sum{People: 20, Minutes: 20 * 600, Top: 900, Key: Key(rnd.Uint64())}
		got := r.Hours(s).Value
		bound := HoursNoise*900/60 + 0.5
		if d := float64(got) - 200; d > bound || d < -bound {
			t.Fatalf("hours noise %.1f h exceeds ±%.1f h", d, bound)
		}
	}
}

// TestDifferencingTwoReleases is the attack the cell-key method defeats: a
// reader who knows one person joined a cell between two releases subtracts
// the two published values. Because the new cell gets an unrelated key, the
// difference is noise: often 0, sometimes 10, never reliably 1.
func TestDifferencingTwoReleases(t *testing.T) {
	r := rules(t, 10)
	diffs := map[int64]int{}
	const trials = 4000
	for i := 0; i < trials; i++ {
		base := seq(1_000_000+i*100, 10+i%60)
		before := r.Count(r.count(base...))
		after := r.Count(r.count(append(base, 999_999_999-i)...))
		// An unchanged cell republishes exactly: no averaging across releases.
		if again := r.Count(r.count(base...)); again != before {
			t.Fatal("an unchanged cell changed between releases")
		}
		diffs[after.Value-before.Value]++
	}
	t.Logf("published differences when one person joins a cell: %v", diffs)
	if diffs[0] < trials/3 {
		t.Errorf("the difference shows the new person in %d of %d cases; want it hidden (0) in at least a third", trials-diffs[0], trials)
	}
	if diffs[-5] == 0 || diffs[5] == 0 {
		t.Errorf("differences %v: noise should push some both ways", diffs)
	}
	// Hours: one extra 2-hour record in a cell of 20 people. The noise
	// scales with the largest contribution (here up to 5 hours), so the
	// difference of two releases spreads over several hours around the
	// record's 2 and hits it only by chance.
	wrong := 0
	var sq float64
	for i := 0; i < trials; i++ {
		var s Sum
		for p := 0; p < 20; p++ {
			s.Contribute(int64(60+(i*7+p*13)%240), r.RecordKey(NSServiceRecord, i*1000+p))
		}
		before := r.Hours(s)
		s2 := s
		s2.Key += r.RecordKey(NSServiceRecord, i*1000+999)
		s2.Minutes += 120
		s2.Top = max(s2.Top, 120) // the record belongs to someone already in the cell
		after := r.Hours(s2)
		d := after.Value - before.Value - 2
		if d != 0 {
			wrong++
		}
		sq += float64(d * d)
	}
	spread := math.Sqrt(sq / trials)
	t.Logf("hours: difference = the record's 2 h in %d of %d cases; error spread (RMS) %.1f h", trials-wrong, trials, spread)
	if wrong < trials*3/5 || spread < 1 {
		t.Errorf("subtracting two releases recovered a 2-hour record in %d of %d cases (RMS error %.1f h)", trials-wrong, trials, spread)
	}
}

// TestDifferencingOverlappingTables: a town's total is published with its
// cells; one cell is suppressed. Subtracting the published cells from the
// published total does not give the suppressed cell back: every value
// carries its own noise and rounding, so the estimate is off more often
// than not, by up to ±(number of cells × (2 + 2.5)).
func TestDifferencingOverlappingTables(t *testing.T) {
	r := rules(t, 10)
	exact, trials := 0, 3000
	errs := map[int64]int{}
	for i := 0; i < trials; i++ {
		next := 10_000_000 + i*1000
		var all []int
		var published int64
		for c := 0; c < 4; c++ {
			ids := seq(next, 12+(i+c*5)%40)
			next += len(ids)
			all = append(all, ids...)
			published += r.Count(r.count(ids...)).Value
		}
		small := seq(next, 1+i%9) // 1–9 people: suppressed
		all = append(all, small...)
		if r.Count(r.count(small...)).Status != Suppressed {
			t.Fatal("small cell published")
		}
		total := r.Count(r.count(all...))
		estimate := total.Value - published
		errs[estimate-int64(len(small))]++
		if estimate == int64(len(small)) {
			exact++
		}
	}
	t.Logf("estimate − true size of the suppressed cell: %v", errs)
	if exact > trials/4 {
		t.Errorf("total minus published cells recovered the suppressed cell exactly in %d of %d cases", exact, trials)
	}
	// And the same cell in two tables publishes one value: nothing to
	// average.
	ids := seq(77_000, 23)
	if r.Count(r.count(ids...)) != r.Count(r.count(ids...)) {
		t.Error("one cell, two values")
	}
}

func BenchmarkRecordKey(b *testing.B) {
	r := rules(b, 10)
	for i := 0; b.Loop(); i++ {
		_ = r.RecordKey(NSServiceRecord, i)
	}
}
