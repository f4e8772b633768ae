package creditcode

import (
	"errors"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		code string
		want error
	}{
		{"91110000600037341L", nil},
		{"913304007429141869", nil},
		{"121200004013590816", nil},
		{"913304007429141868", ErrChecksum},
		{"91330400742914186", ErrLength},
		{"9133040074291418690", ErrLength},
		{"", ErrLength},
		{"91330400742914186I", ErrCharset},
		{"9133040O7429141869", ErrCharset},
		{"91330400742914186a", ErrCharset},
		{"９１３３０４００７４２９１４１８６", ErrLength}, // full-width digits are multi-byte
	}
	for _, tt := range tests {
		if got := Validate(tt.code); !errors.Is(got, tt.want) {
			t.Errorf("Validate(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

func TestCheckCharCompletesEveryPrefix(t *testing.T) {
	for _, prefix := range []string{"52330411MJ0000000", "51330411MJA12345X", "91330400742914186"} {
		c, err := CheckChar(prefix)
		if err != nil {
			t.Fatalf("CheckChar(%q): %v", prefix, err)
		}
		if err := Validate(prefix + string(c)); err != nil {
			t.Errorf("Validate(%q+%q) = %v", prefix, c, err)
		}
	}
}

func FuzzValidate(f *testing.F) {
	f.Add("913304007429141869")
	f.Add("91110000600037341L")
	f.Add("\xff\xfe")
	f.Fuzz(func(t *testing.T, code string) {
		err := Validate(code)
		if err != nil {
			return
		}
		// Anything accepted must be 18 charset characters whose last one is
		// the computed check character.
		c, cerr := CheckChar(code[:17])
		if cerr != nil || c != code[17] {
			t.Fatalf("Validate accepted %q", code)
		}
	})
}
