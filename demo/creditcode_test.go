package demo

import (
	"math/rand/v2"
	"testing"

	"github.com/tongxing/tongxing/creditcode"
)

func TestCreditCheckChar(t *testing.T) {
	// Published examples from reference/standards.md.
	for _, code := range []string{"91110000600037341L", "913304007429141869", "121200004013590816"} {
		if !ValidCreditCode(code) {
			t.Errorf("%s should verify", code)
		}
	}
	for _, code := range []string{"91110000600037341M", "9111000060003734", "91110000600037341I", "O1110000600037341L"} {
		if ValidCreditCode(code) {
			t.Errorf("%s should not verify", code)
		}
	}
}

func TestGeneratedCreditCodes(t *testing.T) {
	g := creditCodes{rng: rand.New(rand.NewPCG(1, 2)), used: map[string]bool{}}
	for _, prefix := range []string{"51330411", "52330411", "91330411", "93330411"} {
		for i := 0; i < 2000; i++ {
			code := g.next(prefix)
			// The API's own validator must accept them too.
			if !ValidCreditCode(code) || creditcode.Validate(code) != nil || code[:8] != prefix {
				t.Fatalf("generated %s does not verify", code)
			}
			if c := orgCodeCheck(code[8:16]); c != code[16] {
				t.Fatalf("%s: organisation code check %c, want %c", code, code[16], c)
			}
		}
	}
	if len(g.used) != 8000 {
		t.Errorf("%d distinct codes, want 8000", len(g.used))
	}
}
