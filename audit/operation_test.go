package audit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/policy"
)

type batch struct{ n int }

func (b batch) AuditEvent() audit.Event { return audit.Event{EntityType: "ServiceRecord", Count: b.n} }

// TestOperationsSayWhatTheyAudit: an operation's note, or a result that
// names its event, is what the transaction middleware writes; nothing
// else decides the entity.
func TestOperationsSayWhatTheyAudit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := policy.SystemContext(context.Background(), "test")
		r, err := db.Client.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		failed := errors.New("save failed")
		cases := []struct {
			name  string
			op    func(ctx context.Context) any
			want  audit.Event
			noted bool
		}{
			{name: "Acted names the entity's ent type and id", noted: true,
				op: func(ctx context.Context) any {
					got, err := audit.Acted(ctx, r, nil)
					if got != r || err != nil {
						t.Errorf("Acted changed its result: %v, %v", got, err)
					}
					return got
				},
				want: audit.Event{EntityType: ent.TypeRegion, EntityID: r.ID}},
			{name: "Acted after an error notes nothing",
				op: func(ctx context.Context) any {
					if _, err := audit.Acted(ctx, (*ent.Region)(nil), failed); err != failed {
						t.Errorf("Acted lost the error: %v", err)
					}
					return nil
				}},
			{name: "Acted with no entity notes nothing",
				op: func(ctx context.Context) any {
					_, _ = audit.Acted(ctx, (*ent.Region)(nil), nil)
					return nil
				}},
			{name: "the latest note wins", noted: true,
				op: func(ctx context.Context) any {
					audit.Note(ctx, audit.Event{EntityType: "Inner", EntityID: 1})
					audit.Note(ctx, audit.Event{EntityType: "Outer", EntityID: 2})
					return nil
				},
				want: audit.Event{EntityType: "Outer", EntityID: 2}},
			{name: "a result that names its event wins over a note", noted: true,
				op: func(ctx context.Context) any {
					audit.Note(ctx, audit.Event{EntityType: "Region", EntityID: r.ID})
					return batch{n: 3}
				},
				want: audit.Event{EntityType: "ServiceRecord", Count: 3}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				cctx, noted := audit.Collect(ctx)
				res := tc.op(cctx)
				if _, ok := noted(); ok != tc.noted {
					t.Errorf("noted = %v, want %v", ok, tc.noted)
				}
				if got := audit.Of(res, noted); got != tc.want {
					t.Errorf("event = %+v, want %+v", got, tc.want)
				}
			})
		}
		// Outside an audited operation (the seeder, a command) a note goes
		// nowhere and costs nothing.
		audit.Note(ctx, audit.Event{EntityType: "Region"})
		if _, err := audit.Acted(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
	})
}
