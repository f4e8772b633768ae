package graph

import "github.com/tongxing/tongxing/servicepoints"

// deref copies a list of gqlgen's input pointers into values; gqlgen
// never passes nil elements for a list of non-null inputs.
func deref[T any](in []*T) []T {
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = *v
	}
	return out
}

// clockOrNil writes minutes after midnight as HH:MM, nil as nil.
func clockOrNil(minutes *int) *string {
	if minutes == nil {
		return nil
	}
	s := servicepoints.Clock(*minutes)
	return &s
}
