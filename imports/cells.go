package imports

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tongxing/tongxing/calendar"
)

// cells reads one data row's cells by column, collecting a problem for each
// cell that does not parse. Values come back as the domain inputs want
// them: nil for an empty optional cell.
type cells struct {
	l        *layout
	raw      []string
	row      int
	problems []Problem
}

func (c *cells) column(key string) Column { return c.l.columnByKey(key) }

func (c *cells) add(key, code, message string) {
	c.problems = append(c.problems, Problem{Row: c.row, Column: c.column(key).Header(), Code: code, Message: message})
}

func (c *cells) bad(key, zh, en string) {
	col := c.column(key)
	c.add(key, "INVALID_VALUE", fmt.Sprintf("“%s”%s (%s %s)", col.Zh, zh, key, en))
}

// text is the cell, "" when empty; a required empty cell is a problem.
func (c *cells) text(key string) string {
	v := c.l.value(c.raw, key)
	if v == "" && c.column(key).Required {
		col := c.column(key)
		c.add(key, "REQUIRED", fmt.Sprintf("“%s”不能为空 (%s is required)", col.Zh, key))
	}
	return v
}

// code is the leading code of a cell that may carry its label after it,
// as the template's region list offers them ("330411001 新城街道").
func (c *cells) code(key string) string {
	v := c.text(key)
	if i := strings.IndexAny(v, " \t"); i > 0 {
		return v[:i]
	}
	return v
}

func (c *cells) optional(key string) *string {
	if v := c.text(key); v != "" {
		return &v
	}
	return nil
}

func (c *cells) integer(key string) *int {
	v := c.text(key)
	if v == "" {
		return nil
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e9 {
		c.bad(key, "应为整数", "must be a whole number")
		return nil
	}
	n := int(f)
	return &n
}

var yes = map[string]bool{"是": true, "yes": true, "y": true, "true": true, "1": true, "否": false, "no": false, "n": false, "false": false, "0": false}

func (c *cells) boolean(key string) *bool {
	v := c.text(key)
	if v == "" {
		return nil
	}
	b, ok := yes[strings.ToLower(v)]
	if !ok {
		c.bad(key, "应为“是”或“否”", "must be 是 (yes) or 否 (no)")
		return nil
	}
	return &b
}

func (c *cells) enum(key string) *string {
	v := c.text(key)
	if v == "" {
		return nil
	}
	code, ok := choose(c.column(key).Choices, v)
	if !ok {
		c.bad(key, "应为下列之一："+choiceList(c.column(key).Choices), "must be one of the listed values")
		return nil
	}
	return &code
}

// dateLayouts are the ways district staff write a date; Excel's own date
// cells arrive as serial numbers.
var dateLayouts = []string{"2006-01-02", "2006/1/2", "2006.1.2", "2006年1月2日", "20060102", "2006-1-2"}

var dateTimeLayouts = []string{
	time.RFC3339, "2006-01-02 15:04:05", "2006-01-02 15:04", "2006/1/2 15:04:05", "2006/1/2 15:04",
	"2006-1-2 15:04", "2006年1月2日 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04",
}

// date is a calendar date as the domain stores it (midnight UTC).
func (c *cells) date(key string) *time.Time {
	v := c.text(key)
	if v == "" {
		return nil
	}
	if t, ok := serial(v); ok {
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		return &d
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return &t
		}
	}
	c.bad(key, "应为日期，如 2026-10-30", "must be a date such as 2026-10-30")
	return nil
}

// dateTime is an instant; a time without a zone is the district's.
func (c *cells) dateTime(key string) *time.Time {
	v := c.text(key)
	if v == "" {
		return nil
	}
	if t, ok := serial(v); ok {
		local := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, calendar.Zone)
		return &local
	}
	for _, layout := range dateTimeLayouts {
		if t, err := time.ParseInLocation(layout, v, calendar.Zone); err == nil {
			return &t
		}
	}
	c.bad(key, "应为日期时间，如 2026-10-30 09:00", "must be a date and time such as 2026-10-30 09:00")
	return nil
}

// serial reads an Excel date serial number (days since 1899-12-30, the
// fraction the time of day), within the years a register can hold.
func serial(v string) (time.Time, bool) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 1 || f > 2958465 {
		return time.Time{}, false
	}
	t, err := excelize.ExcelDateToTime(f, false)
	if err != nil {
		return time.Time{}, false
	}
	// Rounding to the second undoes the float's error (09:00 is 0.375).
	return t.Round(time.Second), true
}
