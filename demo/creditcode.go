package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// creditCharset is the alphabet of the Unified Social Credit Code
// (GB 32100-2015): digits and the capitals without I, O, S, V, Z, valued 0–30.
const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are 3^(i-1) mod 31 for positions 1–17.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// creditCheckChar computes the 18th character of a credit code from its
// first 17. ok is false when the input is not 17 charset characters.
func creditCheckChar(first17 string) (c byte, ok bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCharset, first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * creditWeights[i]
	}
	return creditCharset[(31-sum%31)%31], true
}

// ValidCreditCode reports whether code is a well-formed Unified Social
// Credit Code whose check character verifies.
func ValidCreditCode(code string) bool {
	if len(code) != 18 {
		return false
	}
	c, ok := creditCheckChar(code[:17])
	return ok && c == code[17]
}

// orgCodeWeights are the GB 11714 weights of the 8-character organisation
// code body, whose own check character is position 17 of the credit code.
var orgCodeWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// orgCodeCheck computes the GB 11714 check character of an 8-digit body:
// 11 − (Σ value·weight mod 11), with 10 written X and 11 written 0.
func orgCodeCheck(body string) byte {
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(body[i]-'0') * orgCodeWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// creditCodes hands out synthetic, valid and unique credit codes.
type creditCodes struct {
	rng  *rand.Rand
	used map[string]bool
}

// next returns a code for prefix (positions 1–8: authority, type and the
// registering division, e.g. "52330411" for a 社会服务机构 registered in
// 秀洲区). Positions 9–17 are a random 8-digit organisation code body with
// its GB 11714 check, so the whole code looks like a real one, and 18 is
// the GB 32100 check character.
func (g *creditCodes) next(prefix string) string {
	if len(prefix) != 8 {
		panic(fmt.Sprintf("demo: credit code prefix %q is not 8 characters", prefix))
	}
	for {
		body := fmt.Sprintf("%08d", g.rng.IntN(100_000_000))
		first17 := prefix + body + string(orgCodeCheck(body))
		c, ok := creditCheckChar(first17)
		if !ok {
			panic(fmt.Sprintf("demo: credit code prefix %q has characters outside the charset", prefix))
		}
		code := first17 + string(c)
		if !g.used[code] {
			g.used[code] = true
			return code
		}
	}
}
