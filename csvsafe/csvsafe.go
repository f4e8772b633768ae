// Package csvsafe keeps CSV files the server writes from running as
// spreadsheet formulas when opened in Excel, WPS or LibreOffice (CSV or
// "formula" injection, CWE-1236).
//
// A spreadsheet treats a cell that starts with =, +, - or @ as a formula,
// and some also act on a leading tab or carriage return; an organisation
// named =HYPERLINK("http://x","y") would otherwise become a live link in
// every download. Text prefixed with an apostrophe is shown as text and
// the apostrophe itself is hidden, which is the mitigation OWASP
// recommends.
//
// Text applies to TEXT cells only. The server's own numbers (a negative
// count or amount in a numeric column) are data, not formulas, and must
// stay numbers for every tool that reads the file; callers therefore
// neutralise only cells of string columns, where any value may have come
// from a user. A string column holding "-1+1" is neutralised: in a text
// column the reader expects text, and "-1+1" would be evaluated.
package csvsafe

// Text returns s, with a leading apostrophe when a spreadsheet would
// evaluate it: when it starts with '=', '+', '-', '@', a tab or a carriage
// return. Everything else, the empty string included, is returned as is.
func Text(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
