// Package auth carries the identity of the caller (the viewer) through a
// request. It knows nothing of storage: keys are looked up in package
// apikeys, and what a viewer may do is decided in package policy.
package auth

import (
	"context"
	"errors"
	"sync"
)

// Role is what a key may do. The values mirror the ApiKey role enum.
type Role string

// Roles, from the least to the most powerful.
const (
	RolePartner  Role = "PARTNER"
	RoleEditor   Role = "EDITOR"
	RoleReviewer Role = "REVIEWER"
	RoleAdmin    Role = "ADMIN"
	// RoleVolunteer is one person's own credential (docs/volunteers.md):
	// it reads and changes only what is its holder's, through package
	// volunteers, and is anonymous to everything else.
	RoleVolunteer Role = "VOLUNTEER"
)

// CaseAccess is an EDITOR key's permission on its agency's case files. The
// values mirror the ApiKey casework enum.
type CaseAccess string

// Case permissions: none; the cases the key's holder is responsible for;
// every case of the key's organisation.
const (
	CaseNone       CaseAccess = "NONE"
	CaseWorker     CaseAccess = "WORKER"
	CaseSupervisor CaseAccess = "SUPERVISOR"
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
	// Scope is OrganizationID and every organisation below it: what an
	// EDITOR or REVIEWER key may act on.
	Scope []int
	// HolderID is the person the key belongs to; zero for keys that stand
	// for an organisation rather than one person.
	HolderID int
	// Casework is an EDITOR key's case permission (policy.CaseRows).
	Casework CaseAccess
	// System is set for in-process callers that bypass row rules.
	System bool

	memo sync.Map
}

// Admin reports whether the viewer may do everything.
func (v *Viewer) Admin() bool { return v != nil && (v.System || v.Role == RoleAdmin) }

// Volunteer reports whether the viewer is a volunteer's own credential.
func (v *Viewer) Volunteer() bool { return v != nil && !v.System && v.Role == RoleVolunteer }

// InScope reports whether organisation id is within the viewer's scope.
func (v *Viewer) InScope(id int) bool {
	if v == nil {
		return false
	}
	for _, s := range v.Scope {
		if s == id {
			return true
		}
	}
	return false
}

// Memo returns the value fn computes, once per viewer (that is, per
// request): for look-ups that many field checks of one response share.
func (v *Viewer) Memo(key string, fn func() (any, error)) (any, error) {
	if got, ok := v.memo.Load(key); ok {
		return got, nil
	}
	val, err := fn()
	if err != nil {
		return nil, err
	}
	v.memo.Store(key, val)
	return val, nil
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

type clientKey struct{}

// WithClient returns ctx carrying the network the request came from (the
// client's address, or its IPv6 /64, after trusted proxies): what tells
// anonymous callers apart where state is kept per caller, as persisted
// queries are.
func WithClient(ctx context.Context, client string) context.Context {
	return context.WithValue(ctx, clientKey{}, client)
}

// Client is the request's client as WithClient set it, or "".
func Client(ctx context.Context) string {
	c, _ := ctx.Value(clientKey{}).(string)
	return c
}
