package csvsafe

import "testing"

func TestText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"+86 138", "'+86 138"},
		{"-1+1", "'-1+1"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"", ""},
		{"'already", "'already"},
		{"秀洲区", "秀洲区"},
		{"<18", "<18"},
		{"x", "x"},
		{"a=b", "a=b"},
		{" =1", " =1"}, // a leading space is not evaluated
		{"2026-01", "2026-01"},
	} {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
