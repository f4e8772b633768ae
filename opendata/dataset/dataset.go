// Package dataset holds the fixed definitions of the published open-data
// datasets — identifiers, titles and descriptions in Chinese and English,
// Table Schemas with typed and described fields — and the in-memory table
// (rows of typed values) that builders fill and writers write.
//
// Only these predefined tables are ever published: there is no ad-hoc query
// on personal data (docs/opendata.md, "Disclosure control").
package dataset

import (
	"github.com/tongxing/tongxing/disclosure"

	"fmt"
	"math"
	"strconv"
)

// Text is a user-facing string in Chinese (first) and English.
type Text struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// String joins both languages, Chinese first, for places that hold one string.
func (t Text) String() string {
	switch {
	case t.Zh == "":
		return t.En
	case t.En == "":
		return t.Zh
	}
	return t.Zh + " / " + t.En
}

// Type is a Frictionless Table Schema field type.
type Type string

// The field types the datasets use.
const (
	String    Type = "string"
	Integer   Type = "integer"
	Number    Type = "number"
	Date      Type = "date"      // YYYY-MM-DD
	Year      Type = "year"      // YYYY, held as an integer value
	YearMonth Type = "yearmonth" // YYYY-MM, held as a string value
)

// Symbols written in place of a value. Both are declared in every Table
// Schema's missingValues.
const (
	// SymbolSuppressed marks a value withheld by disclosure control: fewer
	// than k people (or needs) in the cell, or one person dominating a sum.
	SymbolSuppressed = "x"
	// SymbolNone marks a value that does not exist (not applicable, not
	// reported, or not known).
	SymbolNone = ""
)

// MissingValue is a symbol written in place of a value, with what it means.
type MissingValue struct {
	Symbol string
	Label  Text
}

// MissingValues are both symbols with their labels, in the order every Table
// Schema declares them. Data Package readers see the symbols as plain
// strings in missingValues (what v1 and v2 readers both accept); the labels
// go into the field descriptions, the data dictionary and the Table Schema's
// own property tongxing:missingValueLabels (docs/opendata.md, "Frictionless
// readers").
var MissingValues = []MissingValue{
	{SymbolNone, Text{"无此值（不适用、未填报或未知）", "no value (not applicable, not reported or not known)"}},
	{SymbolSuppressed, Text{"依披露控制规则隐去", "withheld by disclosure control"}},
}

// MissingValues are the symbols that may stand in this field's cells: none
// in a required field, the suppression symbol only in a protected one.
func (f Field) MissingValues() []MissingValue {
	var out []MissingValue
	if f.Required {
		return out
	}
	for _, mv := range MissingValues {
		if mv.Symbol == SymbolSuppressed && !f.Protected {
			continue
		}
		out = append(out, mv)
	}
	return out
}

// Total is the code a dimension column holds in a row that totals over that
// dimension (all towns are instead totalled under the district's own code).
const Total = "ALL"

// Category is one allowed value of a coded field with its label.
type Category struct {
	Value string
	Label Text
}

// Field is one column of a dataset.
type Field struct {
	Name        string
	Type        Type
	Title       Text
	Description Text
	// Unit of a measure, e.g. "人 people" or "小时 hours"; empty for dimensions.
	Unit Text
	// Protected fields pass disclosure control and may hold SymbolSuppressed.
	Protected bool
	// Categories list the allowed codes of a coded field, with labels.
	Categories []Category
	// Required fields never hold a missing value (primary-key columns).
	Required bool
}

// Chart says how the portal charts a dataset. The builder evaluates it on
// the published table (so a chart never shows more than the files do).
type Chart struct {
	// Type is "line", "bar" or "scatter" (X and Y are coordinates, one
	// series per GroupBy value, XLabel names each point).
	Type string
	// X is the field on the category axis. With CountBy set, rows are
	// counted per value of X instead of plotting Series.
	X string
	// Y is the field on the value axis of a scatter chart.
	Y string
	// XLabel, when set, is the field whose value labels X (e.g. town_name).
	XLabel string
	// Series are the measures plotted against X.
	Series []Series
	// Where keeps only rows whose fields hold these values (e.g. the
	// district-wide, all-domain rows of a monthly table).
	Where map[string]string
	// Exclude drops rows whose fields hold these values.
	Exclude map[string]string
	// CountBy counts rows per X value (register lists); its title names the bar.
	CountBy *Text
	// GroupBy splits one measure into series by this field's value (e.g. one
	// line per university); the series title is taken from GroupLabel.
	GroupBy, GroupLabel string
	Title               Text
}

// Series is one plotted measure.
type Series struct {
	Field string
	Title Text
	// Axis 1 plots on a second y axis (for a measure with another unit).
	Axis int
}

// Dataset is one published dataset.
type Dataset struct {
	ID          string
	Title       Text
	Description Text
	// Unit summarises the units of the measures.
	Unit     Text
	Keywords []Text
	// PersonDerived datasets are aggregated from personal data and pass
	// disclosure control; the others are public registers published as lists.
	PersonDerived bool
	// Children datasets publish the children's population (volunteers
	// under 18 or of unknown age, child-related needs, children's cases),
	// district-wide only; every other person-derived dataset counts adults
	// only. The release gate holds the tables to it.
	Children bool
	// ZeroWithout names a public count field: where it is 0, anyone can
	// tell that the row's protected cells hold nobody (volunteer hours
	// need an activity, and the activity register is public). The release
	// gate's interval audit takes those cells as 0, as a reader would.
	ZeroWithout string
	// Places datasets list places (name, address, latitude, longitude,
	// opening_hours): each release adds their schema.org Place JSON-LD.
	Places     bool
	Fields     []Field
	PrimaryKey []string
	// Source says where the figures come from; Method how they are computed.
	Source, Method Text
	Chart          Chart
}

// FieldIndex returns the position of the named field, or -1.
func (d *Dataset) FieldIndex(name string) int {
	for i, f := range d.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// Kind tells what a Value holds.
type Kind uint8

// Value kinds.
const (
	KindNone       Kind = iota // no value: written as SymbolNone
	KindSuppressed             // withheld: written as SymbolSuppressed
	KindInt
	KindNumber
	KindString
)

// Value is one cell of a table.
type Value struct {
	Kind Kind
	Int  int64
	Num  float64
	Str  string
	// Truth is the confidential cell a protected value was computed from,
	// for the release gate (package opendata/attack); nil for everything
	// else. No writer reads it.
	Truth *disclosure.Cell
}

// None is the empty (not applicable) value.
func None() Value { return Value{} }

// Suppressed is a value withheld by disclosure control.
func Suppressed() Value { return Value{Kind: KindSuppressed} }

// Int is an integer (also used for year fields).
func Int(n int64) Value { return Value{Kind: KindInt, Int: n} }

// Num is a decimal number; NaN and infinities become None.
func Num(f float64) Value {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return None()
	}
	return Value{Kind: KindNumber, Num: f}
}

// Str is a string (also used for date and yearmonth fields); "" is None.
func Str(s string) Value {
	if s == "" {
		return None()
	}
	return Value{Kind: KindString, Str: s}
}

// IntPtr is Int(*p), or None when p is nil.
func IntPtr(p *int) Value {
	if p == nil {
		return None()
	}
	return Int(int64(*p))
}

// NumPtr is Num(*p), or None when p is nil.
func NumPtr(p *float64) Value {
	if p == nil {
		return None()
	}
	return Num(*p)
}

// Missing reports whether the value is None or Suppressed.
func (v Value) Missing() bool { return v.Kind == KindNone || v.Kind == KindSuppressed }

// Text is the value as written in CSV: the symbols for missing values,
// integers in decimal, numbers in the shortest exact decimal form.
func (v Value) Text() string {
	switch v.Kind {
	case KindSuppressed:
		return SymbolSuppressed
	case KindInt:
		return strconv.FormatInt(v.Int, 10)
	case KindNumber:
		return strconv.FormatFloat(v.Num, 'f', -1, 64)
	case KindString:
		return v.Str
	}
	return SymbolNone
}

// Float is the numeric value (0 for missing or string values).
func (v Value) Float() float64 {
	switch v.Kind {
	case KindInt:
		return float64(v.Int)
	case KindNumber:
		return v.Num
	}
	return 0
}

// Row is one row of a table, in the dataset's field order.
type Row []Value

// Table is a dataset's published rows, in their published order.
type Table struct {
	Dataset *Dataset
	Rows    []Row
}

// Check verifies every row has one value per field and that required
// fields are present; builders call it before anything is written.
func (t *Table) Check() error {
	n := len(t.Dataset.Fields)
	for i, r := range t.Rows {
		if len(r) != n {
			return fmt.Errorf("dataset %s row %d: %d values for %d fields", t.Dataset.ID, i, len(r), n)
		}
		for j, f := range t.Dataset.Fields {
			if f.Required && r[j].Missing() {
				return fmt.Errorf("dataset %s row %d: required field %s is missing", t.Dataset.ID, i, f.Name)
			}
			if r[j].Kind == KindSuppressed && !f.Protected {
				return fmt.Errorf("dataset %s row %d: field %s is suppressed but not a protected field", t.Dataset.ID, i, f.Name)
			}
		}
	}
	return nil
}

// The licence of every dataset.
var (
	LicenseURL  = "https://creativecommons.org/licenses/by/4.0/"
	LicenseID   = "CC-BY-4.0"
	LicenseName = Text{"知识共享署名 4.0 国际许可协议（CC BY 4.0）", "Creative Commons Attribution 4.0 International (CC BY 4.0)"}
)
