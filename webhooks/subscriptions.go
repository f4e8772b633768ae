package webhooks

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/webhookattempt"
	"github.com/tongxing/tongxing/ent/webhookdelivery"
	"github.com/tongxing/tongxing/ent/webhooksubscription"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
)

// SecretPurpose is the pii.SecretBox purpose of subscription secrets.
const SecretPurpose = "webhook-secret"

// Desk registers and removes subscribers: the GraphQL mutations call it.
type Desk struct {
	// Box seals the signing secrets (pii.NewSecretBox with SecretPurpose);
	// the Worker opens them with a box of the same key.
	Box *pii.SecretBox
	// Events are the event types a subscriber may choose.
	Events []string
	// AllowPrivate accepts URLs of loopback, private and reserved addresses
	// (Config.AllowPrivate).
	AllowPrivate bool
	// Resolver checks where a URL's host points; nil is net.DefaultResolver.
	Resolver Resolver
}

// Limits of a subscription's fields.
const (
	maxURL         = 2000
	maxDescription = 300
	maxEvents      = 20
)

// CreateInput is the GraphQL CreateWebhookSubscriptionInput.
type CreateInput struct {
	URL         string
	Events      []string
	Description *string
}

// Created is a new subscription with its signing secret, which is shown
// this once and never again.
type Created struct {
	Subscription *ent.WebhookSubscription
	Secret       string
}

// AuditEvent names the subscription created (package audit).
func (c *Created) AuditEvent() audit.Event {
	return audit.EntityEvent(c.Subscription)
}

// Create registers a subscriber and returns its secret. ADMIN only, asked
// first (policy.MayManageWebhooks); then the input's shape: a URL CheckURL
// accepts, one or more known event types, a description.
func (d *Desk) Create(ctx context.Context, c *ent.Client, in CreateInput) (*Created, error) {
	if err := policy.MayManageWebhooks(ctx, c); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	raw := input.Text(f, "url", in.URL, maxURL, true)
	if raw != "" && !f.Has("url") {
		if _, msg := CheckURL(ctx, raw, d.AllowPrivate, d.Resolver); msg != "" {
			f.Add("url", msg)
		}
	}
	var events []string
	switch {
	case len(in.Events) == 0:
		f.Add("events", "至少订阅一种事件 (choose at least one event type)")
	case len(in.Events) > maxEvents:
		f.Add("events", fmt.Sprintf("最多 %d 种事件 (at most %d event types)", maxEvents, maxEvents))
	}
	for i, e := range in.Events {
		e = strings.TrimSpace(e)
		switch {
		case !slices.Contains(d.Events, e):
			f.Add(fmt.Sprintf("events.%d", i), "未知的事件类型，可选："+strings.Join(d.Events, "、")+" (unknown event type; known: "+strings.Join(d.Events, ", ")+")")
		case !slices.Contains(events, e):
			events = append(events, e)
		}
	}
	desc := input.OptionalText(f, "description", in.Description, maxDescription)
	if err := f.Err(); err != nil {
		return nil, err
	}
	if d.Box == nil {
		return nil, errors.New("webhooks: no secret box configured")
	}
	secret, err := NewSecret()
	if err != nil {
		return nil, err
	}
	sealed, err := d.Box.Seal([]byte(secret))
	if err != nil {
		return nil, err
	}
	s, err := c.WebhookSubscription.Create().SetURL(raw).SetEvents(events).SetNillableDescription(desc).
		SetSecretCiphertext(sealed).Save(ctx)
	if err != nil {
		return nil, err
	}
	return &Created{Subscription: s, Secret: secret}, nil
}

// Deleted is what deleting a subscription leaves: its id.
type Deleted struct {
	ID int
}

// AuditEvent names the subscription deleted (package audit).
func (d *Deleted) AuditEvent() audit.Event {
	return audit.Event{EntityType: ent.TypeWebhookSubscription, EntityID: d.ID}
}

// Delete removes a subscriber with its deliveries and their log: nothing
// more is sent to it, and its secret is gone. ADMIN only, asked first; a
// missing subscription is NOT_FOUND afterwards (ADMIN reads them all).
func (d *Desk) Delete(ctx context.Context, c *ent.Client, id int) (*Deleted, error) {
	if err := policy.MayManageWebhooks(ctx, c); err != nil {
		return nil, err
	}
	exists, err := c.WebhookSubscription.Query().Where(webhooksubscription.ID(id)).Exist(ctx)
	if err != nil {
		return nil, err
	}
	if !exists {
		return nil, apierror.New(apierror.NotFound, "Webhook 订阅不存在 (no such webhook subscription)")
	}
	if _, err := c.WebhookAttempt.Delete().
		Where(webhookattempt.HasDeliveryWith(webhookdelivery.SubscriptionID(id))).Exec(ctx); err != nil {
		return nil, err
	}
	if _, err := c.WebhookDelivery.Delete().Where(webhookdelivery.SubscriptionID(id)).Exec(ctx); err != nil {
		return nil, err
	}
	if err := c.WebhookSubscription.DeleteOneID(id).Exec(ctx); err != nil {
		return nil, err
	}
	return &Deleted{ID: id}, nil
}
