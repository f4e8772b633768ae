// Package scalar holds the custom GraphQL scalars of the API.
package scalar

import (
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// DateLayout is the wire format of the Date scalar (ISO 8601 calendar date).
const DateLayout = "2006-01-02"

// ErrInvalidDate is returned for a Date that is not YYYY-MM-DD.
var ErrInvalidDate = errors.New("invalid date: use YYYY-MM-DD (日期格式应为 YYYY-MM-DD)")

// MarshalDate writes a calendar date as "YYYY-MM-DD".
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.UTC().Format(DateLayout)))
	})
}

// UnmarshalDate reads "YYYY-MM-DD" into midnight UTC of that day.
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, ErrInvalidDate
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, ErrInvalidDate
	}
	return t, nil
}
