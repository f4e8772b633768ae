package policy

import (
	"context"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/privacy"
)

// Webhooks is the policy of webhook subscriptions, their deliveries and
// the delivery log: ADMIN registers and removes subscribers and reads the
// log; no other key reads or writes any of it. The delivery worker and the
// open-data publisher write deliveries and attempts as system callers
// (SystemContext), which every rule allows.
//
// A subscription holds a sealed signing secret and a receiver's address,
// and the log tells when a receiver failed: credentials and infrastructure,
// the district's to see, like the API keys (AdminOnly).
func Webhooks() ent.Policy {
	return privacy.Policy{
		Mutation: writes(),
		Query:    privacy.QueryPolicy{adminRead()},
	}
}

// MayManageWebhooks: only ADMIN registers or removes webhook subscribers
// (Webhooks). Asked before the input is looked at, so a refused caller
// learns nothing about the subscriptions or the address it sent.
func MayManageWebhooks(ctx context.Context, c *ent.Client) error {
	return mayWrite(ctx, Webhooks(), c.WebhookSubscription.Create().Mutation())
}
