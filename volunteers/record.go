package volunteers

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/importedhours"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/opendata/signing"
	"github.com/tongxing/tongxing/policy"
)

// Signed hours records (转移接续): a volunteer's verified hours in this
// district as a document that any platform verifies offline, and that
// another Tongxing district imports. docs/volunteers.md documents the
// format.

// RecordFormat names the format of the document and of its payload.
const RecordFormat = "tongxing-hours-record/1"

// RecordKeyLabel derives the hours-record key from the server's secret.
const RecordKeyLabel = "tongxing/hours-record/signing-key/v1"

// Limits of an imported document.
const (
	maxDocumentBytes = 4 << 20
	maxRecords       = 20000
)

// SignedRecord is the document a volunteer downloads: the payload's exact
// bytes (base64url, as signed), the Ed25519 signature over them, and the
// key that made it.
type SignedRecord struct {
	Format    string `json:"format"`
	Payload   string `json:"payload"`
	Signature string `json:"signature"`
	// Key is the SHA-256 fingerprint of the public key's DER: what a
	// verifier pins.
	Key string `json:"key"`
	// PublicKey is the key as PEM, for convenience: a verifier trusts it
	// only when its fingerprint is one it pinned.
	PublicKey string `json:"publicKey"`
}

// RecordPayload is what the signature covers.
type RecordPayload struct {
	Format       string         `json:"format"`
	Issuer       RecordIssuer   `json:"issuer"`
	IssuedAt     time.Time      `json:"issuedAt"`
	Volunteer    RecordHolder   `json:"volunteer"`
	Records      []RecordedTime `json:"records"`
	TotalMinutes int            `json:"totalMinutes"`
}

// RecordIssuer is the district that signed.
type RecordIssuer struct {
	Name string `json:"name"`
	Key  string `json:"key"`
}

// RecordHolder is the volunteer, by the unified volunteer number that is
// theirs in every district.
type RecordHolder struct {
	VolunteerNumber string `json:"volunteerNumber"`
	Name            string `json:"name"`
}

// RecordedTime is one verified record.
type RecordedTime struct {
	// ID is the record's global ID in the issuing district: with the
	// issuer's key, what keeps an import from counting it twice.
	ID         string     `json:"id"`
	ServedOn   string     `json:"servedOn"`
	Minutes    int        `json:"minutes"`
	Activity   string     `json:"activity"`
	Organiser  string     `json:"organiser"`
	VerifiedAt *time.Time `json:"verifiedAt,omitempty"`
}

// HoursRecord signs the caller's verified records of this district (not
// those imported from elsewhere, which their own district vouches for).
func (d *Desk) HoursRecord(ctx context.Context, c *ent.Client) (*SignedRecord, error) {
	pid, err := holder(ctx)
	if err != nil {
		return nil, err
	}
	if d.RecordKey == nil {
		return nil, apierror.New(apierror.Internal, "hours records are not configured")
	}
	p, err := c.Person.Get(allow(ctx), pid)
	if err != nil {
		return nil, err
	}
	if p.VolunteerNumber == "" {
		return nil, apierror.New(apierror.Forbidden, "没有志愿者编号 (no volunteer number on record)")
	}
	recs, err := c.ServiceRecord.Query().Where(servicerecord.PersonID(pid), servicerecord.StatusEQ(servicerecord.StatusVERIFIED)).
		WithActivity(func(q *ent.ActivityQuery) { q.WithOrganization() }).
		Order(ent.Asc(servicerecord.FieldServedOn), ent.Asc(servicerecord.FieldID)).All(allow(ctx))
	if err != nil {
		return nil, err
	}
	issuer, err := d.issuerName(ctx, c)
	if err != nil {
		return nil, err
	}
	fp := d.RecordKey.Public().Fingerprint()
	payload := RecordPayload{Format: RecordFormat, Issuer: RecordIssuer{Name: issuer, Key: fp},
		IssuedAt: d.now().UTC().Truncate(time.Second), Volunteer: RecordHolder{VolunteerNumber: p.VolunteerNumber, Name: p.Name},
		Records: make([]RecordedTime, 0, len(recs))}
	for _, r := range recs {
		payload.Records = append(payload.Records, RecordedTime{ID: gid.Encode(r.ID), ServedOn: r.ServedOn.Format(time.DateOnly),
			Minutes: r.Minutes, Activity: r.Edges.Activity.Title, Organiser: r.Edges.Activity.Edges.Organization.Name,
			VerifiedAt: r.ReviewedAt})
		payload.TotalMinutes += r.Minutes
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	return &SignedRecord{Format: RecordFormat, Payload: base64.RawURLEncoding.EncodeToString(body),
		Signature: base64.StdEncoding.EncodeToString(d.RecordKey.Sign(body)), Key: fp,
		PublicKey: string(d.RecordKey.Public().PEM())}, nil
}

// issuerName is the district's name in the records it signs: the
// configured publisher, else the district's own name.
func (d *Desk) issuerName(ctx context.Context, c *ent.Client) (string, error) {
	if d.Issuer != "" {
		return d.Issuer, nil
	}
	name, err := c.Region.Query().Where(region.LevelEQ(region.LevelDISTRICT)).Order(ent.Asc(region.FieldID)).
		Select(region.FieldName).First(allow(ctx))
	if ent.IsNotFound(err) {
		return "同行 Tongxing", nil
	}
	if err != nil {
		return "", err
	}
	return name.Name + " 同行 Tongxing", nil
}

// VerifyRecord checks a document against the trusted keys and returns its
// payload: what another platform does offline, in Go.
func VerifyRecord(document []byte, trusted []signing.PublicKey) (*RecordPayload, signing.PublicKey, error) {
	bad := func(msg string) error { return apierror.Invalid("document", msg) }
	if len(document) > maxDocumentBytes {
		return nil, nil, bad("文件过大 (the document is too large)")
	}
	var env SignedRecord
	if err := json.Unmarshal(document, &env); err != nil || env.Format != RecordFormat {
		return nil, nil, bad("不是同行时长记录 (not a " + RecordFormat + " document)")
	}
	var key signing.PublicKey
	for _, k := range trusted {
		if k.Fingerprint() == env.Key {
			key = k
		}
	}
	if key == nil {
		return nil, nil, bad("签发方不在信任列表中 (the issuer's key is not trusted here)")
	}
	body, err1 := base64.RawURLEncoding.DecodeString(env.Payload)
	sig, err2 := base64.StdEncoding.DecodeString(env.Signature)
	if err1 != nil || err2 != nil || !key.Verify(body, sig) {
		return nil, nil, bad("签名无效 (the signature does not verify)")
	}
	var p RecordPayload
	if err := json.Unmarshal(body, &p); err != nil || p.Format != RecordFormat || p.Issuer.Key != env.Key {
		return nil, nil, bad("记录内容无效 (the payload is malformed)")
	}
	if len(p.Records) > maxRecords {
		return nil, nil, bad("记录条数过多 (too many records)")
	}
	return &p, key, nil
}

// Imported is what an import did.
type Imported struct {
	Issuer   string
	Imported int
	// Skipped were imported before (the same issuer's record id).
	Skipped int
	Minutes int
	person  int
}

// AuditEvent names the import (package audit).
func (i *Imported) AuditEvent() audit.Event {
	return audit.Event{EntityType: "ImportedHours", EntityID: i.person, Count: i.Imported}
}

// ImportRecord adds the verified hours of another district's signed
// record to a volunteer's: the volunteer themselves (personID nil), or an
// EDITOR of one of their organisations. Records imported before, from
// the same issuer, are skipped; records this district signed are refused,
// since they are counted here already.
func (d *Desk) ImportRecord(ctx context.Context, c *ent.Client, personID *int, document string) (*Imported, error) {
	var pid int
	if v := auth.FromContext(ctx); v.Volunteer() {
		if personID != nil && *personID != v.HolderID {
			return nil, auth.ErrForbidden
		}
		pid = v.HolderID
	} else {
		if personID == nil {
			return nil, apierror.Invalid("personId", "请指定志愿者 (personId is required)")
		}
		if _, err := policy.MayActForVolunteer(ctx, c, *personID); err != nil {
			return nil, err
		}
		pid = *personID
	}
	if d.RecordKey != nil {
		var env SignedRecord
		if json.Unmarshal([]byte(document), &env) == nil && env.Key == d.RecordKey.Public().Fingerprint() {
			return nil, apierror.Invalid("document", "这是本区签发的记录，时长已计入 (this district signed it: the hours count here already)")
		}
	}
	p, key, err := VerifyRecord([]byte(document), d.Trusted)
	if err != nil {
		return nil, err
	}
	num, err := volunteerNumber(ctx, c, pid)
	if err != nil {
		return nil, err
	}
	if p.Volunteer.VolunteerNumber != num {
		return nil, apierror.Invalid("document", "记录的志愿者编号与本人不符 (the record is another volunteer's)")
	}
	fp := key.Fingerprint()
	ids := make([]string, 0, len(p.Records))
	for _, r := range p.Records {
		ids = append(ids, r.ID)
	}
	seen := map[string]bool{}
	for start := 0; start < len(ids); start += 1000 {
		chunk := ids[start:min(start+1000, len(ids))]
		old, err := c.ImportedHours.Query().Where(importedhours.IssuerKey(fp), importedhours.SourceRecordIn(chunk...)).
			Select(importedhours.FieldSourceRecord).Strings(allow(ctx))
		if err != nil {
			return nil, err
		}
		for _, s := range old {
			seen[s] = true
		}
	}
	actor, _ := auth.Actor(ctx)
	now := d.now()
	out := &Imported{Issuer: p.Issuer.Name, person: pid}
	var creates []*ent.ImportedHoursCreate
	for i, r := range p.Records {
		day, err := time.Parse(time.DateOnly, r.ServedOn)
		if err != nil || r.Minutes < 1 || r.Minutes > 1440 || r.ID == "" || len(r.ID) > 100 {
			return nil, apierror.Invalid("document", "第 "+strconv.Itoa(i+1)+" 条记录无效 (record "+strconv.Itoa(i+1)+" is malformed)")
		}
		if seen[r.ID] {
			out.Skipped++
			continue
		}
		seen[r.ID] = true
		creates = append(creates, c.ImportedHours.Create().SetPersonID(pid).SetIssuer(clip(p.Issuer.Name, 200)).
			SetIssuerKey(fp).SetSourceRecord(r.ID).SetServedOn(day).SetMinutes(r.Minutes).
			SetActivity(clip(r.Activity, 200)).SetOrganiser(clip(r.Organiser, 200)).SetImportedBy(actor).
			SetCreatedAt(now).SetUpdatedAt(now))
		out.Imported++
		out.Minutes += r.Minutes
	}
	for start := 0; start < len(creates); start += 500 {
		if err := c.ImportedHours.CreateBulk(creates[start:min(start+500, len(creates))]...).Exec(allow(ctx)); err != nil {
			return nil, err
		}
	}
	return out, nil
}
