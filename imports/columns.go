package imports

import (
	"fmt"
	"strings"
)

// Column is one column of a kind's sheet: its key (the GraphQL input field
// it fills, and the name the report gives it), its headers in Chinese and
// English, and what the template says of it.
type Column struct {
	Key      string
	Zh, En   string
	Required bool
	// Choices are the values of an enumeration, offered as a drop-down
	// list; Regions marks the region-code column, whose list comes from
	// the database.
	Choices []Choice
	Regions bool
	// Text columns are formatted as text in the template, so that Excel
	// keeps ID numbers, phones and codes as typed (not as 1.2E+17).
	Text    bool
	Note    string
	Example string
}

// Header is the column's heading as the report and the errors column name
// it: "时长（分钟） minutes".
func (c Column) Header() string { return c.Zh + " " + c.Key }

// Choice is one value of an enumeration: the API's code and its label.
type Choice struct {
	Code, Zh, En string
}

// Cell is how the template's drop-down lists offer it: "社会组织 SOCIAL_ORGANIZATION".
func (ch Choice) Cell() string {
	if ch.Code == ch.Zh {
		return ch.Zh
	}
	return ch.Zh + " " + ch.Code
}

// choose reads an enumeration cell: the code, the Chinese label, or the
// drop-down text holding both.
func choose(choices []Choice, cell string) (string, bool) {
	cell = strings.TrimSpace(cell)
	for _, ch := range choices {
		if strings.EqualFold(cell, ch.Code) || cell == ch.Zh || cell == ch.Cell() || strings.EqualFold(cell, ch.En) {
			return ch.Code, true
		}
	}
	return "", false
}

func choiceList(choices []Choice) string {
	parts := make([]string, len(choices))
	for i, ch := range choices {
		parts[i] = ch.Zh + "/" + ch.Code
	}
	return strings.Join(parts, "、")
}

// Problem is one bad cell or row of a file: its row number in the sheet,
// its column (empty when the whole row is at fault), a code and a
// bilingual message.
type Problem struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// layout maps a file's header row onto a kind's columns.
type layout struct {
	index   map[string]int // column key → cell index
	columns []Column
}

// ErrorsColumn is the heading of the column the annotated workbook adds;
// a file that carries it back is read without it.
const ErrorsColumn = "导入问题 Import problems"

// matchHeader reads the header row: every cell must name a column of the
// kind, in Chinese, in English or as both; every required column must be
// there. The English row beneath the Chinese one in the template is
// recognised by isEnglishRow and skipped.
func matchHeader(columns []Column, cells []string) (*layout, []Problem) {
	l := &layout{index: map[string]int{}, columns: columns}
	var problems []Problem
	for i, cell := range cells {
		h := normalizeHeader(cell)
		if h == "" || h == normalizeHeader(ErrorsColumn) {
			continue
		}
		col, ok := findColumn(columns, h)
		if !ok {
			problems = append(problems, Problem{Row: 1, Column: cell, Code: "UNKNOWN_COLUMN",
				Message: fmt.Sprintf("未知的列“%s”，请使用模板的列 (unknown column %q: use the template's columns)", cell, cell)})
			continue
		}
		if _, dup := l.index[col.Key]; dup {
			problems = append(problems, Problem{Row: 1, Column: col.Header(), Code: "DUPLICATE_COLUMN",
				Message: fmt.Sprintf("列“%s”出现两次 (column %s appears twice)", col.Zh, col.Key)})
			continue
		}
		l.index[col.Key] = i
	}
	for _, col := range columns {
		if _, ok := l.index[col.Key]; !ok && col.Required {
			problems = append(problems, Problem{Row: 1, Column: col.Header(), Code: "MISSING_COLUMN",
				Message: fmt.Sprintf("缺少必填列“%s” (required column %s is missing)", col.Zh, col.Key)})
		}
	}
	return l, problems
}

func normalizeHeader(s string) string {
	s = strings.TrimSpace(strings.TrimPrefix(s, "\ufeff"))
	s = strings.TrimSuffix(s, "*")
	return strings.Join(strings.Fields(s), " ")
}

func findColumn(columns []Column, h string) (Column, bool) {
	for _, col := range columns {
		for _, name := range []string{col.Zh, col.En, col.Key, col.Zh + " " + col.En, col.Zh + " " + col.Key} {
			if strings.EqualFold(h, normalizeHeader(name)) {
				return col, true
			}
		}
	}
	return Column{}, false
}

// isEnglishRow reports whether cells are the template's second header row.
func (l *layout) isEnglishRow(cells []string) bool {
	matched := 0
	for _, col := range l.columns {
		i, ok := l.index[col.Key]
		if !ok || i >= len(cells) {
			continue
		}
		if !strings.EqualFold(normalizeHeader(cells[i]), normalizeHeader(col.En)) {
			return false
		}
		matched++
	}
	return matched > 0
}

func (l *layout) columnByKey(key string) Column {
	for _, c := range l.columns {
		if c.Key == key {
			return c
		}
	}
	return Column{Key: key, Zh: key}
}

// value is the cell of column key in cells, trimmed ("" when absent).
func (l *layout) value(cells []string, key string) string {
	i, ok := l.index[key]
	if !ok || i >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[i])
}
