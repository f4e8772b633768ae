// Package volunteers is volunteer self-service (docs/volunteers.md): the
// VOLUNTEER credential and the one-time codes that issue it, recruitment
// and sign-up with a waiting list, check-in and check-out by rotating
// code, the volunteer's own page, the outbox of events that reminds them,
// residents' ratings of resolved needs (评单), and signed hours records
// that travel to another district (转移接续).
//
// A VOLUNTEER credential reads its holder's own service records,
// certificates, sign-ups and outbox through the row rules of package
// policy, and nothing else; "my page" queries as the caller, so whatever a
// query loads with its page meets those rules too. Writes go through this
// package, which authorises them itself (holder, policy.May…) and saves
// under an Allow decision. The GraphQL layer shows that credential only
// public fields and the fields of its own page (graph/access.go) and lets
// it call only the mutations listed in graph/mutationauth.go.
package volunteers

import (
	"context"
	"time"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/hours"
	"github.com/tongxing/tongxing/opendata/signing"
)

// Desk holds what volunteer self-service needs beyond the database: the
// resolvers and the server's sweeper call its methods.
type Desk struct {
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// CodeKey keys the check-in codes' HMAC (DeriveCodeKey).
	CodeKey []byte
	// RecordKey signs hours records (DeriveRecordKey).
	RecordKey *signing.Key
	// Issuer names this district in the hours records it signs.
	Issuer string
	// Trusted are the public keys of other districts whose hours records
	// are imported.
	Trusted []signing.PublicKey
	// Stars are the star tiers of "my page".
	Stars hours.StarScale
	// DeliverInvites, when set, sends each invitation code to the
	// volunteer's phone through the mini-program backend (a signed
	// webhook, InviteEventType) instead of showing it to the editor who
	// issued it: then no member of staff ever holds a code that signs in
	// as the volunteer (TONGXING_INVITE_DELIVERY=webhook).
	DeliverInvites func(ctx context.Context, c *ent.Client, inv InviteDelivery) error
	// Publish hands each outbox event to webhook subscribers; nil
	// publishes nothing (the outbox is still written).
	Publish func(ctx context.Context, c *ent.Client, ev *ent.VolunteerEvent, volunteerNumber string) error
}

func (d *Desk) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// allow runs a query or write under an Allow decision, keeping the
// caller's viewer for audit names: every use narrows the rows itself.
func allow(ctx context.Context) context.Context { return privacy.DecisionContext(ctx, privacy.Allow) }

// holder is the person a VOLUNTEER credential belongs to; every other
// caller is refused, a key without one as unauthenticated.
func holder(ctx context.Context) (int, error) {
	v := auth.FromContext(ctx)
	switch {
	case v == nil:
		return 0, auth.ErrUnauthenticated
	case !v.Volunteer() || v.HolderID == 0:
		return 0, auth.ErrForbidden
	}
	return v.HolderID, nil
}
