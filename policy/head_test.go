package policy_test

import (
	"context"
	"testing"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/policy"
)

// An allow decision in the context (in-process callers: seeding, imports)
// passes the pre-checks as it passes the rules, with or without a viewer;
// a deny decision passes nothing.
func TestPreChecksFollowTheContextDecision(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		allow := privacy.DecisionContext(context.Background(), privacy.Allow)
		if err := policy.MayCreateNeed(allow, db.Client); err != nil {
			t.Errorf("allow decision: %v", err)
		}
		if err := policy.MayCreateNeed(context.Background(), db.Client); err == nil {
			t.Error("no viewer and no decision: allowed")
		}
	})
}
