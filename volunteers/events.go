package volunteers

import (
	"context"
	"fmt"
	"time"

	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/certificates"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/apikey"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/volunteerevent"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/webhooks"
)

// EventType is the webhook event type of every outbox entry.
const EventType = "volunteer.event"

// event is one outbox entry to write.
type event struct {
	person   int
	kind     volunteerevent.Kind
	activity *ent.Activity
	message  string
	// dedupe, when set, makes the entry once-only (reminders, automatic
	// check-outs): a second write with the same key writes nothing.
	dedupe string
}

// emit writes outbox entries in the caller's transaction and hands each to
// the webhook publisher. Entries for a person who has no working VOLUNTEER
// credential are written too: the app shows them once it is enrolled.
func (d *Desk) emit(ctx context.Context, c *ent.Client, evs ...event) error {
	now := d.now()
	for _, e := range evs {
		if e.dedupe != "" {
			seen, err := c.VolunteerEvent.Query().Where(volunteerevent.DedupeKey(e.dedupe)).Exist(allow(ctx))
			if err != nil {
				return err
			}
			if seen {
				continue
			}
		}
		create := c.VolunteerEvent.Create().SetPersonID(e.person).SetKind(e.kind).
			SetMessage(clip(e.message, 500)).SetCreatedAt(now).SetUpdatedAt(now)
		if e.activity != nil {
			create.SetActivityID(e.activity.ID)
		}
		if e.dedupe != "" {
			create.SetDedupeKey(e.dedupe)
		}
		saved, err := create.Save(allow(ctx))
		if err != nil {
			return err
		}
		if d.Publish != nil {
			num, err := c.Person.Query().Where(person.ID(e.person)).Select(person.FieldVolunteerNumber).String(allow(ctx))
			if err != nil {
				return err
			}
			if err := d.Publish(ctx, c, saved, num); err != nil {
				return err
			}
		}
	}
	return nil
}

// enrolled narrows people to those with a working VOLUNTEER credential:
// events that only an app can show (hours reviewed) are written for them
// alone, so that a bulk review of records typed in by social workers
// writes no outbox for people who never use the app.
func enrolled(ctx context.Context, c *ent.Client, people []int, now time.Time) ([]int, error) {
	return c.APIKey.Query().Where(apikey.HolderIDIn(people...), apikey.RoleEQ(apikey.RoleVOLUNTEER),
		apikey.RevokedAtIsNil(), apikey.Or(apikey.ExpiresAtIsNil(), apikey.ExpiresAtGT(now))).
		Unique(true).Select(apikey.FieldHolderID).Ints(allow(ctx))
}

func when(t time.Time) string { return t.In(calendar.Zone).Format("2006-01-02 15:04") }

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

func titled(a *ent.Activity) string { return fmt.Sprintf("「%s」(%s)", a.Title, when(a.StartsAt)) }

func hoursText(minutes int) string { return certificates.FormatHours(minutes) }

// WebhookPayload is the data of a volunteer.event delivery: who (by
// volunteer number, the identifier a mini-program backend keys its users
// by), what, and the text to show. No name, phone or other personal data.
type WebhookPayload struct {
	VolunteerNumber string    `json:"volunteerNumber"`
	Kind            string    `json:"kind"`
	ActivityID      string    `json:"activityId,omitempty"`
	Message         string    `json:"message"`
	OccurredAt      time.Time `json:"occurredAt"`
}

// PublishWebhook hands an outbox event to the webhook subscribers of
// EventType, in the event's transaction: signed, retried with back-off
// and logged by package webhooks.
func PublishWebhook(ctx context.Context, c *ent.Client, ev *ent.VolunteerEvent, volunteerNumber string) error {
	p := WebhookPayload{VolunteerNumber: volunteerNumber, Kind: string(ev.Kind), Message: ev.Message, OccurredAt: ev.CreatedAt.UTC()}
	if ev.ActivityID != nil {
		p.ActivityID = gid.Encode(*ev.ActivityID)
	}
	_, err := webhooks.Publish(ctx, c, webhooks.Event[WebhookPayload]{Type: EventType,
		ID: EventType + ":" + gid.Encode(ev.ID), OccurredAt: ev.CreatedAt, Payload: p})
	return err
}
