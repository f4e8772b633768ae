package hours_test

import (
	"testing"

	"github.com/tongxing/tongxing/database/dbtest"
)

// TestServiceRecordHooksAreKnown: hours.insertRecords writes service
// records without ent's hooks, carrying by hand what they do on creation
// (the row rule, asked first by policy.MayLogHours; the timestamps). A
// hook added to service records, in the schema or by a client's Use,
// changes this count: look at what it does on creation and carry it into
// insertRecords before updating the number.
func TestServiceRecordHooksAreKnown(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	// The privacy policy, partners.TrackRecordDeletes (deletes only) and
	// the roll-ups' (records created VERIFIED; insertRecords writes PENDING).
	if got := len(db.Client.ServiceRecord.Hooks()); got != 3 {
		t.Errorf("service records have %d hooks, insertRecords knows of 3", got)
	}
}
