// Package apikeys issues, checks and revokes API keys. A key's secret is
// shown once, when it is created; only its SHA-256 hash is stored, so a
// database leak does not leak usable keys.
package apikeys

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/apikey"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/organization"
)

// SecretPrefix starts every key, so that leaked keys are easy to recognise
// (and to scan for in repositories).
const SecretPrefix = "tx_"

// prefixLen is how many characters of a key are stored in clear to tell
// keys apart in listings and logs.
const prefixLen = len(SecretPrefix) + 8

// lastUsedGranularity limits last-used bookkeeping to one write per key
// per minute.
const lastUsedGranularity = time.Minute

// ErrInvalidKey covers unknown, malformed, expired and revoked keys alike,
// so a caller cannot probe which keys exist.
var ErrInvalidKey = errors.New("invalid, expired or revoked API key")

// CreateOptions are the optional properties of a new key.
type CreateOptions struct {
	Role           apikey.Role
	OrganizationID *int
	ExpiresAt      *time.Time
	// HolderID is the person the key belongs to. Case keys need one
	// (docs/casework.md): a current member of the key's organisation.
	HolderID *int
	// Casework is the key's case permission; only EDITOR keys scoped to an
	// organisation carry one.
	Casework apikey.Casework
}

// ErrCaseKey is the answer to a case permission on a key that cannot carry
// it.
var ErrCaseKey = errors.New("a case permission (WORKER or SUPERVISOR) needs an EDITOR key scoped to an organisation, held by a current member of it")

// ErrVolunteerKey is the answer to a VOLUNTEER key without a holder: the
// credential is one person's (docs/volunteers.md), issued through an
// invitation code.
var ErrVolunteerKey = errors.New("a VOLUNTEER key belongs to one person: issue it with an invitation code (docs/volunteers.md)")

// IsHolderError reports whether err refused a key's holder: not a current
// member of the key's organisation, or missing.
func IsHolderError(err error) bool {
	return errors.Is(err, ErrCaseKey) || errors.Is(err, ErrVolunteerKey)
}

// Create stores a new key and returns its secret, which is never shown again.
func Create(ctx context.Context, c *ent.Client, name string, opts CreateOptions) (string, *ent.APIKey, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", nil, errors.New("key name must not be blank")
	}
	if opts.Casework != "" && opts.Casework != apikey.CaseworkNONE {
		if opts.Role != apikey.RoleEDITOR || opts.OrganizationID == nil || opts.HolderID == nil {
			return "", nil, ErrCaseKey
		}
	}
	if opts.HolderID != nil {
		if opts.OrganizationID == nil {
			return "", nil, ErrCaseKey
		}
		member, err := c.Membership.Query().Where(membership.PersonID(*opts.HolderID),
			membership.OrganizationID(*opts.OrganizationID),
			membership.Or(membership.LeftOnIsNil(), membership.LeftOnGT(calendar.Date(time.Now())))).Exist(ctx)
		if err != nil {
			return "", nil, err
		}
		if !member {
			return "", nil, ErrCaseKey
		}
	}
	if opts.Role == apikey.RoleVOLUNTEER && opts.HolderID == nil {
		return "", nil, ErrVolunteerKey
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", nil, err
	}
	secret := SecretPrefix + base64.RawURLEncoding.EncodeToString(buf)
	create := c.APIKey.Create().
		SetName(name).
		SetPrefix(secret[:prefixLen]).
		SetSecretHash(hash(secret)).
		SetNillableOrganizationID(opts.OrganizationID).
		SetNillableExpiresAt(opts.ExpiresAt).
		SetNillableHolderID(opts.HolderID)
	if opts.Casework != "" {
		create.SetCasework(opts.Casework)
	}
	if opts.Role != "" {
		create.SetRole(opts.Role)
	}
	k, err := create.Save(ctx)
	if err != nil {
		return "", nil, err
	}
	return secret, k, nil
}

// Authenticate returns the viewer a secret stands for. ctx must allow
// reading keys (a system context): the caller is not yet known.
func Authenticate(ctx context.Context, c *ent.Client, secret string, now time.Time) (*auth.Viewer, error) {
	if !strings.HasPrefix(secret, SecretPrefix) || len(secret) < prefixLen || len(secret) > 200 {
		return nil, ErrInvalidKey
	}
	k, err := c.APIKey.Query().Where(apikey.SecretHash(hash(secret))).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrInvalidKey
	}
	if err != nil {
		return nil, err
	}
	if k.RevokedAt != nil || (k.ExpiresAt != nil && !now.Before(*k.ExpiresAt)) {
		return nil, ErrInvalidKey
	}
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= lastUsedGranularity {
		// Best effort: a busy database must not turn a valid key away.
		_ = c.APIKey.UpdateOneID(k.ID).SetLastUsedAt(now).Exec(ctx)
	}
	v := &auth.Viewer{KeyID: k.ID, Name: k.Name, Role: auth.Role(k.Role), Casework: auth.CaseAccess(k.Casework)}
	if k.HolderID != nil {
		v.HolderID = *k.HolderID
	}
	if v.Role == auth.RoleVolunteer {
		// One person's own credential: no organisation's scope, whatever
		// organisation issued it (auth.RoleVolunteer).
		return v, nil
	}
	if k.OrganizationID != nil {
		v.OrganizationID = *k.OrganizationID
		if v.Scope, err = Subtree(ctx, c, *k.OrganizationID); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// Subtree returns organisation root and every organisation below it.
func Subtree(ctx context.Context, c *ent.Client, root int) ([]int, error) {
	ids := []int{root}
	seen := map[int]bool{root: true}
	for frontier := ids; len(frontier) > 0; {
		children, err := c.Organization.Query().Where(organization.ParentIDIn(frontier...)).IDs(ctx)
		if err != nil {
			return nil, err
		}
		frontier = frontier[:0:0]
		for _, id := range children {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
				frontier = append(frontier, id)
			}
		}
	}
	return ids, nil
}

// List returns every key, newest first.
func List(ctx context.Context, c *ent.Client) ([]*ent.APIKey, error) {
	return c.APIKey.Query().Order(ent.Desc(apikey.FieldID)).All(ctx)
}

// Revoke stops key id from working from now on; revoking twice is harmless.
func Revoke(ctx context.Context, c *ent.Client, id int, now time.Time) error {
	k, err := c.APIKey.Get(ctx, id)
	if err != nil {
		return err
	}
	if k.RevokedAt != nil {
		return nil
	}
	return k.Update().SetRevokedAt(now).Exec(ctx)
}

func hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
