// Package randomids gives the rows of chosen tables random ids within their
// global-id range, where an id in order would be a counter that tells
// someone what they may not know.
package randomids

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"

	entsqlschema "entgo.io/ent/dialect/sql/schema"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/casecrisis"
	"github.com/tongxing/tongxing/ent/casefile"
	"github.com/tongxing/tongxing/ent/casegoal"
	"github.com/tongxing/tongxing/ent/casereferral"
	"github.com/tongxing/tongxing/ent/caseresident"
	"github.com/tongxing/tongxing/ent/casesession"
	"github.com/tongxing/tongxing/ent/casevolunteer"
	"github.com/tongxing/tongxing/ent/competitionaward"
	"github.com/tongxing/tongxing/ent/competitionreview"
	"github.com/tongxing/tongxing/ent/hook"
	"github.com/tongxing/tongxing/ent/migrate"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/privacy"
)

// Ent numbers the rows of each table in order within the table's range,
// and an id in order is a counter. Every table of case work takes random
// ids: whoever opens a case, reports a crisis or records a session would
// read, in the id they get back, how many the district has — every
// agency's, not just their own — and by opening two, how many opened in
// between. So do needs: the public list of needs leaves out those about
// children (policy.NeedRows), and the gaps in a sequence of public ids
// would count them, and date each one between its neighbours. A random id
// within the same range keeps global ids working (ent resolves the type
// from the range) and tells nothing. So do competition scores and awards:
// an editor who runs a round of its own would read, in the ids it is
// given, how many scores and awards the rounds still under review hold,
// which stay sealed until announced (policy.CompetitionResultRounds).

// Register adds the hooks that give each new row of those tables a random
// id; database.Open calls it for every client it makes.
func Register(c *ent.Client) {
	c.Need.Use(randomID(migrate.NeedsTable, func(ctx context.Context, m *ent.NeedMutation, id int) (bool, error) {
		return m.Client().Need.Query().Where(need.ID(id)).Exist(ctx)
	}))
	c.CaseFile.Use(randomID(migrate.CaseFilesTable, func(ctx context.Context, m *ent.CaseFileMutation, id int) (bool, error) {
		return m.Client().CaseFile.Query().Where(casefile.ID(id)).Exist(ctx)
	}))
	c.CaseResident.Use(randomID(migrate.CaseResidentsTable, func(ctx context.Context, m *ent.CaseResidentMutation, id int) (bool, error) {
		return m.Client().CaseResident.Query().Where(caseresident.ID(id)).Exist(ctx)
	}))
	c.CaseGoal.Use(randomID(migrate.CaseGoalsTable, func(ctx context.Context, m *ent.CaseGoalMutation, id int) (bool, error) {
		return m.Client().CaseGoal.Query().Where(casegoal.ID(id)).Exist(ctx)
	}))
	c.CaseSession.Use(randomID(migrate.CaseSessionsTable, func(ctx context.Context, m *ent.CaseSessionMutation, id int) (bool, error) {
		return m.Client().CaseSession.Query().Where(casesession.ID(id)).Exist(ctx)
	}))
	c.CaseCrisis.Use(randomID(migrate.CaseCrisesTable, func(ctx context.Context, m *ent.CaseCrisisMutation, id int) (bool, error) {
		return m.Client().CaseCrisis.Query().Where(casecrisis.ID(id)).Exist(ctx)
	}))
	c.CaseVolunteer.Use(randomID(migrate.CaseVolunteersTable, func(ctx context.Context, m *ent.CaseVolunteerMutation, id int) (bool, error) {
		return m.Client().CaseVolunteer.Query().Where(casevolunteer.ID(id)).Exist(ctx)
	}))
	c.CaseReferral.Use(randomID(migrate.CaseReferralsTable, func(ctx context.Context, m *ent.CaseReferralMutation, id int) (bool, error) {
		return m.Client().CaseReferral.Query().Where(casereferral.ID(id)).Exist(ctx)
	}))
	c.CompetitionReview.Use(randomID(migrate.CompetitionReviewsTable, func(ctx context.Context, m *ent.CompetitionReviewMutation, id int) (bool, error) {
		return m.Client().CompetitionReview.Query().Where(competitionreview.ID(id)).Exist(ctx)
	}))
	c.CompetitionAward.Use(randomID(migrate.CompetitionAwardsTable, func(ctx context.Context, m *ent.CompetitionAwardMutation, id int) (bool, error) {
		return m.Client().CompetitionAward.Query().Where(competitionaward.ID(id)).Exist(ctx)
	}))
}

// idRange is the size of each table's id range under ent's global ids.
const idRange = 1 << 32

// randomID draws, for each create, ids in the table's range until one is
// free (the first almost always is: a table of a million rows takes one
// in four thousand of its range).
func randomID[M interface {
	ent.Mutation
	SetID(int)
	ID() (int, bool)
}](table *entsqlschema.Table, exists func(context.Context, M, int) (bool, error)) ent.Hook {
	base := 0
	if table.Annotation != nil && table.Annotation.IncrementStart != nil {
		base = *table.Annotation.IncrementStart
	}
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			tm, ok := m.(M)
			if !ok {
				return nil, fmt.Errorf("random ids: unexpected mutation %T", m)
			}
			if _, set := tm.ID(); !set {
				id, err := freeID(privacy.DecisionContext(ctx, privacy.Allow), base, func(ctx context.Context, id int) (bool, error) {
					return exists(ctx, tm, id)
				})
				if err != nil {
					return nil, err
				}
				tm.SetID(id)
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)
}

var errNoFreeID = errors.New("random ids: no free id found")

func freeID(ctx context.Context, base int, exists func(context.Context, int) (bool, error)) (int, error) {
	for range 16 {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return 0, err
		}
		// 1 … idRange-1: never the range's first value (which is the
		// previous table's last plus one, and zero for the first table).
		id := base + 1 + int(binary.BigEndian.Uint64(b[:])%(idRange-1))
		taken, err := exists(ctx, id)
		if err != nil {
			return 0, err
		}
		if !taken {
			return id, nil
		}
	}
	return 0, errNoFreeID
}
