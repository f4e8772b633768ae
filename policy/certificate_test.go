package policy_test

import (
	"context"
	"testing"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/certificate"
)

// Certificate: 谁记录谁证明 — an EDITOR or REVIEWER certifies members of its
// scope; a visitor who merely served at one of its activities is certified
// by their own organisation. Certificates are revoked, never deleted.
func TestCertificateWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		issue := func(p int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error { return saved(certificateFor(c, p).Save(ctx)) }
		}
		revoke := func(ids ...int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.Certificate.UpdateOneID(ids[0]).SetRevokedAt(day(9)).SetRevocationReason("错发").Exec(ctx)
				}
				return c.Certificate.Update().Where(certificate.IDIn(ids...)).SetRevokedAt(day(9)).Exec(ctx)
			}
		}
		erase := func(id int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error { return c.Certificate.DeleteOneID(id).Exec(ctx) }
		}
		w.runWrites(t, []writeCase{
			{"certifies a member of its own organisation", editorKey, issue(w.pA), allowed},
			{"certifies a member of a unit in its scope", editorKey, issue(w.pT), allowed},
			{"certifies no visitor who is not a member", editorKey, issue(w.pV), forbidden},
			{"certifies no member of an outside organisation", editorKey, issue(w.pO), forbidden},
			{"certifies no member of the parent of its scope", teamEditorKey, issue(w.pA), forbidden},
			{"certifies nobody unnamed", editorKey, issue(0), forbidden},
			{"reviewers certify members of their scope", reviewerKey, issue(w.pT), allowed},
			{"reviewers certify no member of an outside organisation", reviewerKey, issue(w.pO), forbidden},
			{"an unknown role certifies nobody", unknownRole, issue(w.pA), forbidden},
			{"partner keys certify nobody", partnerKey, issue(w.pU), forbidden},
			{"anonymous callers certify nobody", anonymous, issue(w.pA), unauthenticated},
			{"ADMIN certifies anybody", adminKey, issue(w.pN), allowed},
			{"revokes a certificate of a member", editorKey, revoke(w.cA1), allowed},
			{"reviewers revoke a certificate of a member", reviewerKey, revoke(w.cT), allowed},
			{"revokes no certificate of a visitor", editorKey, revoke(w.cV), forbidden},
			// Nobody to vouch for: a missing certificate is refused like one
			// out of scope, so the answer tells nothing.
			{"revokes no certificate that does not exist", editorKey, revoke(noID), forbidden},
			{"revokes no certificate of an outside member", reviewerKey, revoke(w.cO), forbidden},
			{"revokes no certificate proving another organisation's records, of its own member", editorKey, revoke(w.cMixed), forbidden},
			// Two certificates of one person: the person is counted once.
			{"bulk revocation of one member's certificates", editorKey, revoke(w.cA1, w.cA2), allowed},
			{"bulk revocation of members' certificates", editorKey, revoke(w.cA1, w.cA2, w.cT), allowed},
			{"bulk revocation with one certificate outside scope", editorKey, revoke(w.cA1, w.cO), forbidden},
			{"bulk revocation matching no certificate", editorKey, revoke(noID, noID-1), forbidden},
			{"ADMIN revokes any certificate", adminKey, revoke(w.cO), allowed},
			{"ADMIN deletes no certificate", adminKey, erase(w.cO), forbidden},
			{"editors delete no certificate of their scope", editorKey, erase(w.cA1), forbidden},
			{"anonymous callers delete no certificate", anonymous, erase(w.cA1), forbidden},
			{"the operator deletes certificates (maintenance)", operator, erase(w.cO), allowed},
		})
	})
}
