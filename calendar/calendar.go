// Package calendar is the district's calendar: the time zone in which
// instants become dates, and the way the API represents a date. Every
// package that turns a time into a day asks here, so that an activity, its
// records, a certificate's period and an open-data month all fall on the
// same day.
package calendar

import "time"

// Zone is China Standard Time (UTC+8, no daylight saving since 1991; China
// has one time zone). A fixed zone needs no tzdata on the host.
var Zone = time.FixedZone("CST", 8*3600)

// Date is the calendar date of t in Zone, as midnight UTC: the
// representation of the GraphQL Date scalar and of date columns.
func Date(t time.Time) time.Time {
	y, m, d := t.In(Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
