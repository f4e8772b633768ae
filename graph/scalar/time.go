package scalar

import (
	"errors"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// ErrInvalidTime is returned for a Time that is not RFC 3339.
var ErrInvalidTime = errors.New("invalid time: use RFC 3339, e.g. 2026-05-01T09:30:00+08:00 (时间格式应为 RFC 3339)")

// MarshalTime writes an instant in RFC 3339.
func MarshalTime(t time.Time) graphql.Marshaler { return graphql.MarshalTime(t) }

// UnmarshalTime reads an RFC 3339 instant.
func UnmarshalTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, ErrInvalidTime
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, ErrInvalidTime
	}
	return t, nil
}
