package volunteers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/apikeys"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/certificates"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/apikey"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/volunteerevent"
	"github.com/tongxing/tongxing/ent/volunteerinvite"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/policy"
	"github.com/tongxing/tongxing/webhooks"
)

// InviteLifetime is how long an invitation code may be redeemed: long
// enough to read it out and type it, short enough that a lost note is
// harmless.
const InviteLifetime = 30 * time.Minute

// CredentialLifetime is how long a VOLUNTEER credential works before the
// app must be enrolled again; rotation starts a new period.
const CredentialLifetime = 180 * 24 * time.Hour

// Invitation and rating codes are drawn, typed and read back as
// certificate verification codes are (certificates.NewCode: 12 characters
// of an alphabet without 0, 1, I and O, 60 random bits): tried at most as
// fast as the per-address rate limit allows, for half an hour (an
// invitation) or a month (a rating).

// ErrInvalidCode answers every code that cannot be redeemed: unknown,
// expired, used, or its volunteer gone. One answer, so that a guess
// learns nothing.
var ErrInvalidCode = apierror.Invalid("code", "代码无效、已过期或已使用 (the code is invalid, expired or already used)")

// Invite is a new invitation code, shown once — or, when delivered to
// the volunteer's phone (Desk.DeliverInvites), not shown at all.
type Invite struct {
	Code      *string
	ExpiresAt time.Time
	Delivered bool
	invite    *ent.VolunteerInvite
}

// InviteEventType is the webhook event type of invitation codes delivered
// to the mini-program backend.
const InviteEventType = "volunteer.invite"

// InviteDelivery is the data of a volunteer.invite delivery: what the
// backend texts to the phone on record. It is personal data, sent only to
// the subscribers ADMIN registered for this event type.
type InviteDelivery struct {
	VolunteerNumber string    `json:"volunteerNumber"`
	Phone           string    `json:"phone"`
	Code            string    `json:"code"`
	ExpiresAt       time.Time `json:"expiresAt"`
	inviteID        int
}

// PublishInvite hands an invitation to the webhook subscribers of
// InviteEventType, in the invitation's transaction.
func PublishInvite(ctx context.Context, c *ent.Client, inv InviteDelivery) error {
	n, err := webhooks.Publish(ctx, c, webhooks.Event[InviteDelivery]{Type: InviteEventType,
		ID: InviteEventType + ":" + gid.Encode(inv.inviteID), OccurredAt: time.Now(), Payload: inv})
	if err == nil && n == 0 {
		return apierror.New(apierror.Internal, "no subscriber delivers invitation codes (volunteer.invite)")
	}
	return err
}

// AuditEvent names the invitation (package audit).
func (i *Invite) AuditEvent() audit.Event { return audit.EntityEvent(i.invite) }

// IssueInvite makes a one-time code for the person to redeem in the app.
// An EDITOR of an organisation the person belongs to now issues it
// (policy.MayActForVolunteer), asked before anything is read.
func (d *Desk) IssueInvite(ctx context.Context, c *ent.Client, personID int) (*Invite, error) {
	org, err := policy.MayActForVolunteer(ctx, c, personID)
	if err != nil {
		return nil, err
	}
	if org == 0 { // ADMIN, for a person without a current membership
		return nil, apierror.Invalid("personId", "此人目前不属于任何组织 (the person belongs to no organisation now)")
	}
	p, err := c.Person.Query().Where(person.ID(personID)).Select(person.FieldVolunteerNumber, person.FieldPhone).Only(allow(ctx))
	if err != nil || p.VolunteerNumber == "" {
		return nil, apierror.Invalid("personId", "此人没有志愿者编号 (the person has no volunteer number)")
	}
	if d.DeliverInvites != nil && p.Phone == "" {
		return nil, apierror.Invalid("personId", "此人没有登记手机号，邀请码无法发送 (no phone on record to send the code to)")
	}
	code, err := certificates.NewCode()
	if err != nil {
		return nil, err
	}
	now := d.now()
	actor, _ := auth.Actor(ctx)
	inv, err := c.VolunteerInvite.Create().SetPersonID(personID).SetOrganizationID(org).
		SetCodeHash(codeHash(code)).SetIssuedBy(actor).SetExpiresAt(now.Add(InviteLifetime)).
		SetCreatedAt(now).SetUpdatedAt(now).Save(allow(ctx))
	if err != nil {
		return nil, err
	}
	grouped := certificates.GroupCode(code)
	if d.DeliverInvites != nil {
		err := d.DeliverInvites(ctx, c, InviteDelivery{VolunteerNumber: p.VolunteerNumber, Phone: p.Phone, Code: grouped,
			ExpiresAt: inv.ExpiresAt, inviteID: inv.ID})
		if err != nil {
			return nil, err
		}
		return &Invite{ExpiresAt: inv.ExpiresAt, Delivered: true, invite: inv}, nil
	}
	return &Invite{Code: &grouped, ExpiresAt: inv.ExpiresAt, invite: inv}, nil
}

// Credential is a VOLUNTEER credential's secret, shown once.
type Credential struct {
	Token           string
	ExpiresAt       time.Time
	VolunteerNumber string
	key             *ent.APIKey
}

// AuditEvent names the key created (package audit).
func (cr *Credential) AuditEvent() audit.Event { return audit.EntityEvent(cr.key) }

// Redeem turns an invitation code into a credential. Anyone may call it:
// the code is the authority, and every code that cannot be redeemed gets
// the one ErrInvalidCode.
func (d *Desk) Redeem(ctx context.Context, c *ent.Client, code string) (*Credential, error) {
	norm, ok := certificates.NormalizeCode(code)
	if !ok {
		return nil, ErrInvalidCode
	}
	now := d.now()
	inv, err := c.VolunteerInvite.Query().Where(volunteerinvite.CodeHash(codeHash(norm))).Only(allow(ctx))
	switch {
	case ent.IsNotFound(err):
		return nil, ErrInvalidCode
	case err != nil:
		return nil, err
	case inv.RedeemedAt != nil || !now.Before(inv.ExpiresAt):
		return nil, ErrInvalidCode
	}
	// Spend the code first, conditionally: of two redemptions at once one
	// updates the row and the other finds it spent.
	n, err := c.VolunteerInvite.Update().Where(volunteerinvite.ID(inv.ID), volunteerinvite.RedeemedAtIsNil()).
		SetRedeemedAt(now).Save(allow(ctx))
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, ErrInvalidCode
	}
	cred, err := d.issue(ctx, c, inv.PersonID, inv.OrganizationID, now)
	if apikeys.IsHolderError(err) {
		return nil, ErrInvalidCode // the volunteer left the organisation meanwhile
	}
	if err != nil {
		return nil, err
	}
	if err := c.VolunteerInvite.UpdateOneID(inv.ID).SetKeyID(cred.key.ID).Exec(allow(ctx)); err != nil {
		return nil, err
	}
	// The volunteer's other devices, and the backend, are told: a
	// credential someone else redeemed does not go unnoticed.
	if err := d.emit(ctx, c, event{person: inv.PersonID, kind: volunteerevent.KindCREDENTIAL_ISSUED,
		message: "您的志愿者账号在新设备上登录（" + when(now) + "）；如非本人操作，请联系所在组织吊销 (a new device signed in to your account: if it was not you, ask your organisation to revoke it)"}); err != nil {
		return nil, err
	}
	return cred, nil
}

func (d *Desk) issue(ctx context.Context, c *ent.Client, personID, orgID int, now time.Time) (*Credential, error) {
	num, err := c.Person.Query().Where(person.ID(personID)).Select(person.FieldVolunteerNumber).String(allow(ctx))
	if err != nil {
		return nil, err
	}
	expires := now.Add(CredentialLifetime)
	secret, k, err := apikeys.Create(allow(ctx), c, "volunteer "+num, apikeys.CreateOptions{
		Role: apikey.RoleVOLUNTEER, OrganizationID: &orgID, HolderID: &personID, ExpiresAt: &expires,
	})
	if err != nil {
		return nil, err
	}
	return &Credential{Token: secret, ExpiresAt: expires, VolunteerNumber: num, key: k}, nil
}

// Rotate replaces the caller's credential with a new one and revokes the
// old at once: the app stores the new token before it forgets the old.
func (d *Desk) Rotate(ctx context.Context, c *ent.Client) (*Credential, error) {
	pid, err := holder(ctx)
	if err != nil {
		return nil, err
	}
	v := auth.FromContext(ctx)
	k, err := c.APIKey.Get(allow(ctx), v.KeyID)
	if err != nil {
		return nil, err
	}
	now := d.now()
	// Conditional: of rotations sent at once with one token, one revokes it
	// and gets the new credential; the others find it revoked.
	n, err := c.APIKey.Update().Where(apikey.ID(k.ID), apikey.RevokedAtIsNil()).SetRevokedAt(now).Save(allow(ctx))
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, auth.ErrUnauthenticated
	}
	org := 0
	if k.OrganizationID != nil {
		org = *k.OrganizationID
	}
	cred, err := d.issue(ctx, c, pid, org, now)
	if apikeys.IsHolderError(err) {
		return nil, apierror.New(apierror.Forbidden, "签发组织已不再包括您，请向所在组织重新领取邀请码 (you no longer belong to the issuing organisation: ask yours for a new invitation code)")
	}
	return cred, err
}

// Revoked is the result of a revocation: how many credentials stopped
// working.
type Revoked struct {
	Count int
	IDs   []int
}

// AuditEvent names the keys revoked (package audit).
func (r *Revoked) AuditEvent() audit.Event { return audit.Event{EntityType: "APIKey", Count: r.Count} }

// SignOut revokes the caller's own credential.
func (d *Desk) SignOut(ctx context.Context, c *ent.Client) (*Revoked, error) {
	if _, err := holder(ctx); err != nil {
		return nil, err
	}
	id := auth.FromContext(ctx).KeyID
	if err := c.APIKey.UpdateOneID(id).SetRevokedAt(d.now()).Exec(allow(ctx)); err != nil {
		return nil, err
	}
	r := &Revoked{Count: 1, IDs: []int{id}}
	audit.Note(ctx, r.AuditEvent()) // the mutation answers a Boolean
	return r, nil
}

// RevokeFor revokes every working credential of a volunteer: an editor of
// one of the person's organisations does it when a phone is lost or the
// person leaves (policy.MayActForVolunteer).
func (d *Desk) RevokeFor(ctx context.Context, c *ent.Client, personID int) (*Revoked, error) {
	if _, err := policy.MayActForVolunteer(ctx, c, personID); err != nil {
		return nil, err
	}
	now := d.now()
	ids, err := c.APIKey.Query().Where(apikey.HolderID(personID), apikey.RoleEQ(apikey.RoleVOLUNTEER),
		apikey.RevokedAtIsNil()).IDs(allow(ctx))
	if err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		if err := c.APIKey.Update().Where(apikey.IDIn(ids...)).SetRevokedAt(now).Exec(allow(ctx)); err != nil {
			return nil, err
		}
	}
	// An invitation not yet redeemed (in the lost phone's messages) is
	// spent too: revocation closes every way in.
	if err := c.VolunteerInvite.Update().Where(volunteerinvite.PersonID(personID), volunteerinvite.RedeemedAtIsNil()).
		SetRedeemedAt(now).Exec(allow(ctx)); err != nil {
		return nil, err
	}
	return &Revoked{Count: len(ids), IDs: ids}, nil
}

func codeHash(code string) string {
	sum := sha256.Sum256([]byte(code))
	return hex.EncodeToString(sum[:])
}
