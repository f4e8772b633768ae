// Package creditcode validates the Unified Social Credit Code
// (统一社会信用代码, GB 32100-2015) that identifies every registered
// organisation in China.
package creditcode

import (
	"errors"
	"strings"
)

// Charset is the code alphabet: digits and capitals without I, O, S, V, Z;
// a character's value is its index.
const Charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// weights of positions 1–17: 3^(i−1) mod 31.
var weights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// Errors returned by Validate.
var (
	ErrLength   = errors.New("must be 18 characters")
	ErrCharset  = errors.New("contains a character outside 0-9 and A-Y without I, O, S, V, Z")
	ErrChecksum = errors.New("check character does not match")
)

// Normalize upper-cases and trims a code as users type it.
func Normalize(code string) string {
	return strings.ToUpper(strings.TrimSpace(code))
}

// CheckChar returns the check character for the first 17 characters.
func CheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, ErrLength
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(Charset, first17[i])
		if v < 0 {
			return 0, ErrCharset
		}
		sum += v * weights[i]
	}
	return Charset[(31-sum%31)%31], nil
}

// Validate reports whether code is a well-formed credit code with a correct
// check character. Positions 1–8 are not required to be digits: some real
// codes carry letters there.
func Validate(code string) error {
	if len(code) != 18 {
		return ErrLength
	}
	want, err := CheckChar(code[:17])
	if err != nil {
		return err
	}
	if strings.IndexByte(Charset, code[17]) < 0 {
		return ErrCharset
	}
	if code[17] != want {
		return ErrChecksum
	}
	return nil
}
