// Package certificates issues, revokes and verifies certificates of
// volunteer hours (志愿服务记录证明, Art. 14–17 of 志愿服务记录与证明出具办法):
// free, truthful proofs that state the service time, the content and the
// recording unit, and that anyone can check through the information system
// (谁记录谁证明). It also serves the public verification page and the
// printable certificate (handler.go).
package certificates

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/certificate"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// NumberPrefix starts every certificate number: 志愿证明.
const NumberPrefix = "ZYZM"

// FallbackIssuerCode stands in the number for an issuer whose division is
// unknown.
const FallbackIssuerCode = "TX"

const (
	maxSequence = 999999 // six digits per issuer code and year
	maxReason   = 500
	// Summary limits: organisations listed, activity titles per organisation.
	maxOrgsInSummary   = 10
	maxTitlesInSummary = 5
)

// IssueInput is the GraphQL IssueCertificateInput.
type IssueInput struct {
	PersonID int
	From     time.Time
	To       time.Time
	// Issuer is, for a volunteer's own request (IssueOwn), the organisation
	// whose records to certify; nil picks the one that recorded most.
	Issuer *int
}

// Hours is minutes as hours with one decimal, as certificates state them.
func Hours(minutes int) float64 { return math.Round(float64(minutes)/6) / 10 }

// FormatHours writes hours without a trailing ".0" (12.5, 3).
func FormatHours(minutes int) string {
	return strconv.FormatFloat(Hours(minutes), 'f', -1, 64)
}

// VerificationPath is where a certificate is checked, relative to the
// server's base URL.
func VerificationPath(code string) string { return "/verify/" + code }

// PrintPath is where the printable certificate is, relative to the
// server's base URL; it needs a key (or the holder's VOLUNTEER credential).
func PrintPath(number string) string { return "/certificates/" + number }

func allow(ctx context.Context) context.Context { return privacy.DecisionContext(ctx, privacy.Allow) }

// Issue certifies a person's VERIFIED service records served from in.From
// to in.To (inclusive). Pending, rejected and superseded records never
// count. The certificate is numbered ZYZM-<issuer's district code>-<year>-
// <six-digit sequence>, the sequence allocated inside the transaction, and
// the issuer is the organisation that organised most of the certified time
// (谁记录谁证明).
//
// Whether the caller may issue is the row rules' decision, asked before
// anything else (policy.MayIssueCertificate): a key that may not issue
// learns nothing about the person or their records, and a person who does
// not exist is refused like one outside the key's scope.
//
// c must be the transactional client of ctx's transaction when there is one
// (a GraphQL mutation); otherwise Issue runs in a transaction of its own.
func Issue(ctx context.Context, c *ent.Client, in IssueInput, now time.Time) (*ent.Certificate, error) {
	if ent.TxFromContext(ctx) != nil {
		cert, err := issue(ctx, c, in, now)
		return audit.Acted(ctx, cert, err)
	}
	tx, err := c.Tx(ctx)
	if err != nil {
		return nil, err
	}
	cert, err := issue(ent.NewTxContext(ctx, tx), tx.Client(), in, now)
	if err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return audit.Acted(ctx, cert.Unwrap(), nil)
}

// IssueOwn certifies a volunteer's own verified records at their request
// (package volunteers, which has established that the caller is the
// person): every organisation's records count, as when the district
// certifies, and the issuer is again the organisation that recorded most
// of the time. ctx must carry the transaction of a GraphQL mutation.
func IssueOwn(ctx context.Context, c *ent.Client, in IssueInput, now time.Time) (*ent.Certificate, error) {
	cert, err := certify(allow(ctx), c, in, now, true)
	return audit.Acted(ctx, cert, err)
}

func issue(ctx context.Context, c *ent.Client, in IssueInput, now time.Time) (*ent.Certificate, error) {
	if err := policy.MayIssueCertificate(ctx, c, in.PersonID); err != nil {
		return nil, err
	}
	return certify(ctx, c, in, now, false)
}

func certify(ctx context.Context, c *ent.Client, in IssueInput, now time.Time, own bool) (*ent.Certificate, error) {
	f := apierror.NewFields("input")
	today := calendar.Date(now)
	input.Reasonable(f, "from", &in.From)
	input.Reasonable(f, "to", &in.To)
	switch {
	case f.Err() != nil:
	case in.To.Before(in.From):
		f.Add("to", "统计期止不能早于统计期起 (to must not be before from)")
	case in.From.After(today):
		f.Add("from", "统计期不能在将来 (the period must not be in the future)")
	case in.To.After(today):
		f.Add("to", "统计期止不能晚于今天 (to must not be after today)")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	// Existence only, across scopes (as for logging hours); the dialect is
	// read off the same query for the sequence lock below.
	var dialectName string
	exists, err := c.Person.Query().
		Where(person.ID(in.PersonID), func(s *entsql.Selector) { dialectName = s.Dialect() }).
		Exist(allow(ctx))
	if err != nil {
		return nil, err
	}
	if !exists {
		return nil, apierror.Invalid("input.personId", "人员不存在 (no such person)")
	}

	// 谁记录谁证明: a certificate proves the records its issuer's scope
	// recorded — the activities its organisations organised. ADMIN (the
	// district) certifies every organisation's. Counting other
	// organisations' records would tell an editor or reviewer where and how
	// long the person served elsewhere, which it may not read
	// (policy.ServiceRecordRows).
	where := []predicate.ServiceRecord{
		servicerecord.PersonID(in.PersonID),
		servicerecord.StatusEQ(servicerecord.StatusVERIFIED),
		servicerecord.ServedOnGTE(in.From),
		servicerecord.ServedOnLTE(in.To),
	}
	if !own {
		rows, err := policy.ServiceRecordRows(auth.FromContext(ctx))
		if err != nil {
			return nil, err
		}
		if rows != nil {
			where = append(where, rows)
		}
	}
	recs, err := c.ServiceRecord.Query().
		Where(where...).
		WithActivity(func(q *ent.ActivityQuery) { q.WithOrganization() }).
		Order(ent.Asc(servicerecord.FieldServedOn), ent.Asc(servicerecord.FieldID)).
		All(allow(ctx))
	if err != nil {
		return nil, err
	}
	if own {
		// 谁记录谁证明 for a volunteer's own request too: one issuer's
		// records, the chosen one's or those of the organisation that
		// recorded most of the time.
		issuer := in.Issuer
		if issuer == nil && len(recs) > 0 {
			issuer = &summarise(recs).issuer.ID
		}
		recs = slices.DeleteFunc(recs, func(r *ent.ServiceRecord) bool { return issuer == nil || r.Edges.Activity.OrganizationID != *issuer })
	}
	if len(recs) == 0 {
		return nil, apierror.Invalid("input.personId",
			"该人员在此期间没有本单位可证明的已核实服务记录 (the person has no verified service records in this period that the issuer recorded)")
	}
	s := summarise(recs)
	if own {
		// Asking again for the same period gives the same certificate, not
		// another number.
		same, err := c.Certificate.Query().Where(certificate.PersonID(in.PersonID), certificate.PeriodStart(in.From),
			certificate.PeriodEnd(in.To), certificate.Issuer(s.issuer.Name), certificate.Minutes(s.minutes),
			certificate.RecordCount(len(recs)), certificate.RevokedAtIsNil()).First(ctx)
		if err == nil {
			return same, nil
		}
		if !ent.IsNotFound(err) {
			return nil, err
		}
	}

	code, err := issuerCode(ctx, c, s.issuer)
	if err != nil {
		return nil, err
	}
	if err := lockSequence(ctx, c, dialectName); err != nil {
		return nil, err
	}
	number, err := nextNumber(ctx, c, code, now.In(calendar.Zone).Year())
	if err != nil {
		return nil, err
	}
	vcode, err := unusedCode(ctx, c)
	if err != nil {
		return nil, err
	}
	actor, _ := auth.Actor(ctx)
	return c.Certificate.Create().
		SetNumber(number).
		SetVerificationCode(vcode).
		SetPersonID(in.PersonID).
		SetPeriodStart(in.From).
		SetPeriodEnd(in.To).
		SetMinutes(s.minutes).
		SetRecordCount(len(recs)).
		SetContent(s.content).
		SetIssuer(s.issuer.Name).
		SetIssuedBy(actor).
		SetCreatedAt(now).
		SetUpdatedAt(now).
		AddRecordIDs(s.recordIDs...).
		Save(ctx)
}

// Revoke withdraws a certificate: from then on it verifies as revoked. The
// certificate itself stays (certificates are never deleted). Revoking twice
// is a CONFLICT. A key that may not revoke it is refused first
// (policy.MayRevokeCertificate), whether the certificate exists or not.
func Revoke(ctx context.Context, c *ent.Client, id int, reason string, now time.Time) (*ent.Certificate, error) {
	if err := policy.MayRevokeCertificate(ctx, c, id); err != nil {
		return nil, err
	}
	f := apierror.NewFields("")
	reason = input.Text(f, "reason", reason, maxReason, true)
	if err := f.Err(); err != nil {
		return nil, err
	}
	cert, err := c.Certificate.Get(ctx, id)
	if err != nil {
		return nil, input.NotFound(err, "证明不存在 (no such certificate)")
	}
	if cert.RevokedAt != nil {
		return nil, alreadyRevoked
	}
	cert, err = c.Certificate.UpdateOneID(id).
		Where(certificate.RevokedAtIsNil()).
		SetRevokedAt(now).
		SetRevocationReason(reason).
		Save(ctx)
	if ent.IsNotFound(err) {
		return nil, alreadyRevoked // revoked concurrently
	}
	return audit.Acted(ctx, cert, err)
}

var alreadyRevoked = apierror.New(apierror.Conflict, "证明已被吊销 (the certificate is already revoked)")

// summary is what the certified records add up to.
type summary struct {
	minutes   int
	recordIDs []int
	issuer    *ent.Organization
	content   string
}

type orgTotal struct {
	org     *ent.Organization
	minutes int
	records int
	titles  []string // distinct, by minutes served, most first
	byTitle map[string]int
}

// summarise totals the records, picks the issuer (the organisation that
// organised most of the time; then most records; then the oldest) and
// writes the content summary from public register data only: organisers
// and activity titles, never the records' free text, which may name
// residents served.
func summarise(recs []*ent.ServiceRecord) summary {
	var s summary
	byOrg := map[int]*orgTotal{}
	for _, r := range recs {
		s.minutes += r.Minutes
		s.recordIDs = append(s.recordIDs, r.ID)
		act := r.Edges.Activity
		t := byOrg[act.OrganizationID]
		if t == nil {
			t = &orgTotal{org: act.Edges.Organization, byTitle: map[string]int{}}
			byOrg[act.OrganizationID] = t
		}
		t.minutes += r.Minutes
		t.records++
		t.byTitle[act.Title] += r.Minutes
	}
	orgs := make([]*orgTotal, 0, len(byOrg))
	for _, t := range byOrg {
		for title := range t.byTitle {
			t.titles = append(t.titles, title)
		}
		sort.Slice(t.titles, func(i, j int) bool {
			a, b := t.titles[i], t.titles[j]
			if t.byTitle[a] != t.byTitle[b] {
				return t.byTitle[a] > t.byTitle[b]
			}
			return a < b
		})
		orgs = append(orgs, t)
	}
	sort.Slice(orgs, func(i, j int) bool {
		a, b := orgs[i], orgs[j]
		switch {
		case a.minutes != b.minutes:
			return a.minutes > b.minutes
		case a.records != b.records:
			return a.records > b.records
		}
		return a.org.ID < b.org.ID
	})
	s.issuer = orgs[0].org

	var parts []string
	for i, t := range orgs {
		if i == maxOrgsInSummary {
			rest := 0
			for _, o := range orgs[i:] {
				rest += o.minutes
			}
			parts = append(parts, fmt.Sprintf("其他 %d 个单位 %s 小时", len(orgs)-i, FormatHours(rest)))
			break
		}
		titles := t.titles
		more := ""
		if len(titles) > maxTitlesInSummary {
			more = fmt.Sprintf("等 %d 项活动", len(titles))
			titles = titles[:maxTitlesInSummary]
		}
		parts = append(parts, fmt.Sprintf("%s：%s%s，%d 次，%s 小时",
			t.org.Name, strings.Join(titles, "、"), more, t.records, FormatHours(t.minutes)))
	}
	s.content = strings.Join(parts, "；")
	return s
}

// issuerCode is the division code in the number: the district the issuing
// organisation is based in (or its own division when that lies above
// district level), FallbackIssuerCode when unknown.
func issuerCode(ctx context.Context, c *ent.Client, org *ent.Organization) (string, error) {
	id := org.RegionID
	var first string
	for depth := 0; depth < 8 && id != 0; depth++ {
		r, err := c.Region.Query().Where(region.ID(id)).Only(allow(ctx))
		if ent.IsNotFound(err) {
			break
		}
		if err != nil {
			return "", err
		}
		if first == "" {
			first = r.Code
		}
		switch r.Level {
		case region.LevelDISTRICT:
			return r.Code, nil
		case region.LevelCITY, region.LevelPROVINCE:
			return first, nil
		}
		if r.ParentID == nil {
			break
		}
		id = *r.ParentID
	}
	if first != "" {
		return first, nil
	}
	return FallbackIssuerCode, nil
}

// sequenceLock is the PostgreSQL advisory lock that serialises number
// allocation ("txcert").
const sequenceLock = 0x7478_6365_7274

// lockSequence makes concurrent issuers take numbers one after the other:
// the lock is held until the transaction ends. SQLite needs none: its write
// transactions are already serialised (BEGIN IMMEDIATE).
func lockSequence(ctx context.Context, c *ent.Client, dialectName string) error {
	if dialectName != dialect.Postgres {
		return nil
	}
	_, err := c.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(sequenceLock))
	return err
}

// nextNumber allocates the next number for an issuer code and year.
func nextNumber(ctx context.Context, c *ent.Client, code string, year int) (string, error) {
	prefix := fmt.Sprintf("%s-%s-%d-", NumberPrefix, code, year)
	last, err := c.Certificate.Query().
		Where(certificate.NumberHasPrefix(prefix)).
		Order(ent.Desc(certificate.FieldNumber)).
		Limit(1).
		Select(certificate.FieldNumber).
		Strings(allow(ctx))
	if err != nil {
		return "", err
	}
	seq := 1
	if len(last) == 1 {
		n, err := strconv.Atoi(strings.TrimPrefix(last[0], prefix))
		if err != nil {
			return "", fmt.Errorf("certificate number %q: %w", last[0], err)
		}
		seq = n + 1
	}
	if seq > maxSequence {
		return "", fmt.Errorf("certificate numbers for %s exhausted", prefix)
	}
	return fmt.Sprintf("%s%06d", prefix, seq), nil
}

// unusedCode draws verification codes until one is not taken (60 random
// bits make a second draw all but impossible).
func unusedCode(ctx context.Context, c *ent.Client) (string, error) {
	for range 5 {
		code, err := NewCode()
		if err != nil {
			return "", err
		}
		taken, err := c.Certificate.Query().Where(certificate.VerificationCode(code)).Exist(allow(ctx))
		if err != nil {
			return "", err
		}
		if !taken {
			return code, nil
		}
	}
	return "", errors.New("no unused verification code")
}
