package volunteers

import (
	"context"
	"encoding/json"
	"time"

	"entgo.io/contrib/entgql"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/certificates"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/certificate"
	"github.com/tongxing/tongxing/ent/importedhours"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/ent/signup"
	"github.com/tongxing/tongxing/ent/volunteerevent"
	"github.com/tongxing/tongxing/hours"
	"github.com/tongxing/tongxing/opendata/signing"
	"github.com/tongxing/tongxing/paging"
	"github.com/tongxing/tongxing/policy"
)

// Me is the caller's own person: the root of "my page".
func (d *Desk) Me(ctx context.Context, c *ent.Client) (*ent.Person, error) {
	pid, err := holder(ctx)
	if err != nil {
		return nil, err
	}
	return c.Person.Get(allow(ctx), pid)
}

// The connections of "my page" run as the caller, not under an Allow
// decision: entgql loads the edges a query selects together with the page
// (an activity's service records, its organisation's memberships…), and
// those must meet the row rules as the VOLUNTEER credential, which reads
// its own rows and nothing else (policy.ServiceRecordRows and the rest).
// The explicit holder filter repeats the rule.

// Page is one page of a connection: Relay arguments.
type Page struct {
	After *entgql.Cursor[int]
	First *int
}

// first is the page size: paging's default and maximum, as everywhere.
func (p Page) first() (*int, error) {
	n, err := paging.Size(p.First)
	return &n, err
}

// SignUps are the caller's sign-ups, newest first.
func (d *Desk) SignUps(ctx context.Context, c *ent.Client, p Page) (*ent.SignUpConnection, error) {
	pid, first, err := paged(ctx, p)
	if err != nil {
		return nil, err
	}
	return c.SignUp.Query().Where(signup.PersonID(pid)).
		Paginate(ctx, p.After, first, nil, nil,
			ent.WithSignUpOrder(&ent.SignUpOrder{Direction: entgql.OrderDirectionDesc, Field: ent.SignUpOrderFieldCreatedAt}))
}

// Records are the caller's service records, newest service first,
// optionally of one status.
func (d *Desk) Records(ctx context.Context, c *ent.Client, p Page, status *servicerecord.Status) (*ent.ServiceRecordConnection, error) {
	pid, first, err := paged(ctx, p)
	if err != nil {
		return nil, err
	}
	q := c.ServiceRecord.Query().Where(servicerecord.PersonID(pid))
	if status != nil {
		q.Where(servicerecord.StatusEQ(*status))
	}
	return q.Paginate(ctx, p.After, first, nil, nil,
		ent.WithServiceRecordOrder(&ent.ServiceRecordOrder{Direction: entgql.OrderDirectionDesc, Field: ent.ServiceRecordOrderFieldServedOn}))
}

// Certificates are the caller's certificates, newest first.
func (d *Desk) Certificates(ctx context.Context, c *ent.Client, p Page) (*ent.CertificateConnection, error) {
	pid, first, err := paged(ctx, p)
	if err != nil {
		return nil, err
	}
	return c.Certificate.Query().Where(certificate.PersonID(pid)).
		Paginate(ctx, p.After, first, nil, nil,
			ent.WithCertificateOrder(&ent.CertificateOrder{Direction: entgql.OrderDirectionDesc, Field: ent.CertificateOrderFieldCreatedAt}))
}

// Events are the caller's outbox, oldest first: an app keeps the cursor
// of the last one it showed and asks for what came after.
func (d *Desk) Events(ctx context.Context, c *ent.Client, p Page) (*ent.VolunteerEventConnection, error) {
	pid, first, err := paged(ctx, p)
	if err != nil {
		return nil, err
	}
	return c.VolunteerEvent.Query().Where(volunteerevent.PersonID(pid)).Paginate(ctx, p.After, first, nil, nil)
}

func paged(ctx context.Context, p Page) (int, *int, error) {
	pid, err := holder(ctx)
	if err != nil {
		return 0, nil, err
	}
	first, err := p.first()
	return pid, first, err
}

// Hours is the caller's time by status, and their star level.
type Hours struct {
	VerifiedMinutes int
	PendingMinutes  int
	RejectedMinutes int
	// ImportedMinutes came from other districts' signed hours records.
	ImportedMinutes int
	// StarLevel counts verified and imported hours on the scale of the
	// volunteer's home division.
	StarLevel int
	// NextStarHours is the total the next star needs; nil at five stars.
	NextStarHours *float64
	// HoursToNextStar is what is missing to it; nil at five stars.
	HoursToNextStar *float64
}

// MyHours sums the caller's records by status. Superseded records (a
// correction replaced them) count nowhere.
func (d *Desk) MyHours(ctx context.Context, c *ent.Client) (*Hours, error) {
	pid, err := holder(ctx)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Status servicerecord.Status `json:"status"`
		Sum    int                  `json:"sum"`
	}
	err = c.ServiceRecord.Query().Where(servicerecord.PersonID(pid)).GroupBy(servicerecord.FieldStatus).
		Aggregate(ent.Sum(servicerecord.FieldMinutes)).Scan(allow(ctx), &rows)
	if err != nil {
		return nil, err
	}
	h := &Hours{}
	for _, r := range rows {
		switch r.Status {
		case servicerecord.StatusVERIFIED:
			h.VerifiedMinutes = r.Sum
		case servicerecord.StatusPENDING:
			h.PendingMinutes = r.Sum
		case servicerecord.StatusREJECTED:
			h.RejectedMinutes = r.Sum
		}
	}
	imported, err := c.ImportedHours.Query().Where(importedhours.PersonID(pid)).Aggregate(ent.Sum(importedhours.FieldMinutes)).Int(allow(ctx))
	if err != nil {
		// Sum over no rows is NULL, which Int refuses.
		if n, cerr := c.ImportedHours.Query().Where(importedhours.PersonID(pid)).Count(allow(ctx)); cerr != nil || n > 0 {
			return nil, err
		}
		imported = 0
	}
	h.ImportedMinutes = imported
	region, err := hours.HomeRegion(ctx, c, pid)
	if err != nil {
		return nil, err
	}
	tiers := d.Stars.For(region)
	total := float64(h.VerifiedMinutes+h.ImportedMinutes) / 60
	h.StarLevel = tiers.Stars(total)
	if h.StarLevel < len(tiers) {
		next := tiers[h.StarLevel]
		missing := next - total
		h.NextStarHours, h.HoursToNextStar = &next, &missing
	}
	return h, nil
}

// RequestCertificate certifies the caller's verified hours of a period
// recorded by one organisation (谁记录谁证明): the one named, or the one
// that recorded most of the time (certificates.IssueOwn). Asking again
// gives the same certificate.
func (d *Desk) RequestCertificate(ctx context.Context, c *ent.Client, from, to time.Time, issuer *int) (*ent.Certificate, error) {
	pid, err := holder(ctx)
	if err != nil {
		return nil, err
	}
	return certificates.IssueOwn(ctx, c, certificates.IssueInput{PersonID: pid, From: from, To: to, Issuer: issuer}, d.now())
}

// volunteerNumber of the caller, for documents about them.
func volunteerNumber(ctx context.Context, c *ent.Client, pid int) (string, error) {
	n, err := c.Person.Query().Where(person.ID(pid)).Select(person.FieldVolunteerNumber).String(allow(ctx))
	if err != nil || n == "" {
		return "", apierror.New(apierror.Forbidden, "没有志愿者编号 (no volunteer number on record)")
	}
	return n, nil
}

// RecordOf is the service record a sign-up's check-out made, read as the
// sign-up's holder.
func (d *Desk) RecordOf(ctx context.Context, c *ent.Client, su *ent.SignUp) (*ent.ServiceRecord, error) {
	pid, err := holder(ctx)
	if err != nil {
		return nil, err
	}
	if su.RecordID == nil || su.PersonID != pid {
		return nil, nil
	}
	return c.ServiceRecord.Query().Where(servicerecord.ID(*su.RecordID), servicerecord.PersonID(pid)).Only(allow(ctx))
}

// PublicKey is the key hours records are signed with.
func (d *Desk) PublicKey() (signing.PublicKey, error) {
	if d.RecordKey == nil {
		return nil, apierror.New(apierror.Internal, "hours records are not configured")
	}
	return d.RecordKey.Public(), nil
}

// Document is the whole signed record as one JSON text: the file a
// volunteer downloads and another platform verifies.
func (s *SignedRecord) Document() (string, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	return string(b), err
}

// RecordGuardianConsent records whether a volunteer's guardian consented
// to their volunteering: personal data, written by an EDITOR of one of the
// person's organisations (policy.MayActForVolunteer).
func (d *Desk) RecordGuardianConsent(ctx context.Context, c *ent.Client, personID int, given bool) error {
	if _, err := policy.MayActForVolunteer(ctx, c, personID); err != nil {
		return err
	}
	// The editor reads this person's personal data (a current member of
	// its scope, the rule just asked): the age decides.
	birth, err := c.Person.Query().Where(person.ID(personID)).Select(person.FieldBirthDate).Only(allow(ctx))
	if err != nil {
		return err
	}
	switch {
	case birth.BirthDate == nil:
		return apierror.Invalid("personId", "此人出生日期未登记，无法确认是否未成年 (the birth date is not on record: age unknown)")
	case ageOn(*birth.BirthDate, calendar.Date(d.now())) >= adultAge:
		return apierror.Invalid("personId", "此人已满18岁，无需监护人同意 (the person is 18 or over: no guardian's consent applies)")
	}
	p, err := c.Person.UpdateOneID(personID).SetGuardianConsent(given).Save(allow(ctx))
	_, err = audit.Acted(ctx, p, err)
	return err
}

// SpotsLeft is how many places of a recruitment are free now: public, as
// on every recruiting platform; who took them is not.
func (d *Desk) SpotsLeft(ctx context.Context, c *ent.Client, r *ent.Recruitment) (int, error) {
	n, err := c.SignUp.Query().Where(signup.ActivityID(r.ActivityID), signup.StatusEQ(signup.StatusCONFIRMED)).Count(allow(ctx))
	if err != nil {
		return 0, err
	}
	return max(r.Capacity-n, 0), nil
}

// Open reports whether a volunteer could sign up now: within the window,
// not cancelled, a place or a waiting-list place left.
func (d *Desk) Open(ctx context.Context, c *ent.Client, r *ent.Recruitment) (bool, error) {
	now := d.now()
	if r.CancelledAt != nil || now.Before(r.OpensAt) || !now.Before(r.ClosesAt) {
		return false, nil
	}
	n, err := c.SignUp.Query().Where(signup.ActivityID(r.ActivityID),
		signup.StatusIn(signup.StatusCONFIRMED, signup.StatusWAITLISTED)).Count(allow(ctx))
	return n < r.Capacity+r.Waitlist, err
}
