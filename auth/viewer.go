// Package auth carries the identity of the caller (the viewer) through a
// request. It knows nothing of storage: keys are looked up in package
// apikeys, and what a viewer may do is decided in package policy.
package auth

import (
	"context"
	"errors"
)

// Role is what a key may do. The values mirror the ApiKey role enum.
type Role string

// Roles, from the least to the most powerful.
const (
	RolePartner  Role = "PARTNER"
	RoleEditor   Role = "EDITOR"
	RoleReviewer Role = "REVIEWER"
	RoleAdmin    Role = "ADMIN"
)

// Viewer is an authenticated caller: an API key, or a system process such as
// the seeder or the open-data builder.
type Viewer struct {
	// KeyID is the database id of the API key; zero for system processes.
	KeyID int
	// Name is the key's name, or the system process's name. It is what audit
	// events and service records show as the actor.
	Name string
	Role Role
	// OrganizationID scopes the key to one organisation; zero means unscoped.
	OrganizationID int
	// System is set for in-process callers that bypass row rules.
	System bool
}

// ErrUnauthenticated means the operation needs a key and none was given.
var ErrUnauthenticated = errors.New("authentication required")

// ErrForbidden means the key was valid but may not do this.
var ErrForbidden = errors.New("forbidden")

type viewerKey struct{}

// NewContext returns ctx carrying v.
func NewContext(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// FromContext returns the viewer of ctx, or nil for an anonymous caller.
func FromContext(ctx context.Context) *Viewer {
	v, _ := ctx.Value(viewerKey{}).(*Viewer)
	return v
}

// Actor names the caller for audit trails: the key name, or "anonymous".
func Actor(ctx context.Context) (name string, keyID *int) {
	v := FromContext(ctx)
	if v == nil {
		return "anonymous", nil
	}
	if v.KeyID == 0 {
		return v.Name, nil
	}
	id := v.KeyID
	return v.Name, &id
}
