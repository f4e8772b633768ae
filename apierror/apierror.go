// Package apierror defines the stable error codes every client sees in
// extensions.code, and the errors that domain packages return to say which
// code applies. Anything that is not an *Error becomes INTERNAL at the edge:
// no database or Go error text ever reaches a client.
package apierror

import (
	"errors"
	"strings"
)

// Code is the value of extensions.code.
type Code string

// The codes of the API contract (docs/architecture.md, "Where each rule lives"; README, "Errors").
const (
	BadUserInput    Code = "BAD_USER_INPUT"
	Unauthenticated Code = "UNAUTHENTICATED"
	Forbidden       Code = "FORBIDDEN"
	NotFound        Code = "NOT_FOUND"
	Conflict        Code = "CONFLICT"
	QueryTooComplex Code = "QUERY_TOO_COMPLEX"
	RateLimited     Code = "RATE_LIMITED"
	Internal        Code = "INTERNAL"
	// PersistedQueryNotFound answers a persisted-query hash the server does
	// not hold (yet): the client sends the query text with it again. The
	// name is the one Apollo Client's persisted-queries link looks for.
	PersistedQueryNotFound Code = "PERSISTED_QUERY_NOT_FOUND"
)

// Known reports whether c is one of the codes above: the only values a
// client may find in extensions.code.
func (c Code) Known() bool {
	switch c {
	case BadUserInput, Unauthenticated, Forbidden, NotFound, Conflict, QueryTooComplex, RateLimited, Internal, PersistedQueryNotFound:
		return true
	}
	return false
}

// Error is an error meant for the client: its message is safe to show.
type Error struct {
	Code    Code
	Message string
	// Field is the input path of a BAD_USER_INPUT error, e.g.
	// "input.records.2.minutes".
	Field string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// New returns an error with a code and a client-safe message.
func New(code Code, message string) *Error { return &Error{Code: code, Message: message} }

// Invalid is a BAD_USER_INPUT error about one input field.
func Invalid(field, message string) *Error {
	return &Error{Code: BadUserInput, Message: message, Field: field}
}

// List is several client errors reported together (every invalid field of
// an input, not just the first).
type List []*Error

func (l List) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Fields collects BAD_USER_INPUT errors for one input object.
type Fields struct {
	prefix string
	errs   List
}

// NewFields starts collecting errors for the input at path prefix, e.g. "input".
func NewFields(prefix string) *Fields { return &Fields{prefix: prefix} }

// Add records that field is invalid.
func (f *Fields) Add(field, message string) {
	f.errs = append(f.errs, Invalid(f.path(field), message))
}

// Check records message for field when ok is false.
func (f *Fields) Check(ok bool, field, message string) {
	if !ok {
		f.Add(field, message)
	}
}

// Has reports whether any error was recorded for field.
func (f *Fields) Has(field string) bool {
	p := f.path(field)
	for _, e := range f.errs {
		if e.Field == p {
			return true
		}
	}
	return false
}

// Err returns the collected errors, or nil when there are none.
func (f *Fields) Err() error {
	switch len(f.errs) {
	case 0:
		return nil
	case 1:
		return f.errs[0]
	default:
		return f.errs
	}
}

func (f *Fields) path(field string) string {
	if f.prefix == "" {
		return field
	}
	return f.prefix + "." + field
}

// As returns the client errors inside err, if any.
func As(err error) (List, bool) {
	var l List
	if errors.As(err, &l) {
		return l, true
	}
	var e *Error
	if errors.As(err, &e) {
		return List{e}, true
	}
	return nil, false
}
