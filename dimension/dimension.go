// Package dimension holds the value type of an outcome's disaggregation
// (IATI "dimension"): a leaf package so that the generated ent client can
// import it.
package dimension

// Dimension is one name/value pair an outcome is broken down by, such as
// town = 新塍镇 or gender = FEMALE.
type Dimension struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}
