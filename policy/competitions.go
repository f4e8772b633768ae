package policy

import (
	"context"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/competitionapplication"
	"github.com/tongxing/tongxing/ent/competitionaward"
	"github.com/tongxing/tongxing/ent/competitionreview"
	"github.com/tongxing/tongxing/ent/competitionround"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/privacy"
)

// Competitions (docs/registers.md, "Competitions"): the organiser's editors
// run a round, applicants' editors apply and withdraw, the organiser's
// editors record scores and awards. Rounds and applications are public;
// scores and awards are public once the round is CLOSED, and before that
// readable only by ADMIN and the organiser's editors.

// CompetitionResultRounds: the rounds whose results v reads: all for
// ADMIN (nil), closed ones and, for an editor, the rounds its scope
// organises.
func CompetitionResultRounds(v *auth.Viewer) predicate.CompetitionRound {
	switch {
	case v != nil && (v.Admin() || v.System):
		return nil
	case v != nil && v.Role == auth.RoleEditor:
		return competitionround.Or(competitionround.StatusEQ(competitionround.StatusCLOSED), competitionround.OrganizerIDIn(v.Scope...))
	}
	return competitionround.StatusEQ(competitionround.StatusCLOSED)
}

// CompetitionRound: an editor runs the rounds its scope organises.
func CompetitionRound() ent.Policy {
	return privacy.Policy{Mutation: writes(editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
		rm := m.(*ent.CompetitionRoundMutation)
		if org, ok := rm.OrganizerID(); ok && !v.InScope(org) {
			return false, nil
		}
		if rm.Op().Is(ent.OpCreate) {
			return true, nil
		}
		return everyRow(ctx, rm, func(ctx context.Context, ids []int) (int, error) {
			return rm.Client().CompetitionRound.Query().Where(competitionround.IDIn(ids...), competitionround.OrganizerIDIn(v.Scope...)).Count(ctx)
		})
	}))}
}

// CompetitionApplication: an editor applies for its scope's organisations,
// and changes (withdraws) its own applications; the organiser's editors
// change any of their round.
func CompetitionApplication() ent.Policy {
	return privacy.Policy{Mutation: writes(editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
		am := m.(*ent.CompetitionApplicationMutation)
		if am.Op().Is(ent.OpCreate) {
			applicant, ok := am.ApplicantID()
			return ok && v.InScope(applicant), nil
		}
		return everyRow(ctx, am, func(ctx context.Context, ids []int) (int, error) {
			return am.Client().CompetitionApplication.Query().Where(competitionapplication.IDIn(ids...), competitionapplication.Or(
				competitionapplication.ApplicantIDIn(v.Scope...),
				competitionapplication.HasRoundWith(competitionround.OrganizerIDIn(v.Scope...)),
			)).Count(ctx)
		})
	}))}
}

// organisedInScope: the applications of rounds the editor's scope organises.
func organisedInScope(v *auth.Viewer) predicate.CompetitionApplication {
	return competitionapplication.HasRoundWith(competitionround.OrganizerIDIn(v.Scope...))
}

// CompetitionReview: the organiser's editors score; results are read as
// CompetitionResultRounds says.
func CompetitionReview() ent.Policy {
	return privacy.Policy{
		Mutation: writes(editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
			rm := m.(*ent.CompetitionReviewMutation)
			if rm.Op().Is(ent.OpCreate) {
				app, _ := rm.ApplicationID()
				return rm.Client().CompetitionApplication.Query().Where(competitionapplication.ID(app), organisedInScope(v)).Exist(allowAll(ctx))
			}
			return everyRow(ctx, rm, func(ctx context.Context, ids []int) (int, error) {
				return rm.Client().CompetitionReview.Query().Where(competitionreview.IDIn(ids...),
					competitionreview.HasApplicationWith(organisedInScope(v))).Count(ctx)
			})
		})),
		Query: privacy.QueryPolicy{resultsRule(func(q ent.Query, rounds predicate.CompetitionRound) {
			q.(*ent.CompetitionReviewQuery).Where(competitionreview.HasApplicationWith(competitionapplication.HasRoundWith(rounds)))
		})},
	}
}

// CompetitionAward: the organiser's editors award; read as
// CompetitionResultRounds says.
func CompetitionAward() ent.Policy {
	return privacy.Policy{
		Mutation: writes(editor(func(ctx context.Context, v *auth.Viewer, m ent.Mutation) (bool, error) {
			am := m.(*ent.CompetitionAwardMutation)
			if am.Op().Is(ent.OpCreate) {
				app, _ := am.ApplicationID()
				return am.Client().CompetitionApplication.Query().Where(competitionapplication.ID(app), organisedInScope(v)).Exist(allowAll(ctx))
			}
			return everyRow(ctx, am, func(ctx context.Context, ids []int) (int, error) {
				return am.Client().CompetitionAward.Query().Where(competitionaward.IDIn(ids...),
					competitionaward.HasApplicationWith(organisedInScope(v))).Count(ctx)
			})
		})),
		Query: privacy.QueryPolicy{resultsRule(func(q ent.Query, rounds predicate.CompetitionRound) {
			q.(*ent.CompetitionAwardQuery).Where(competitionaward.HasApplicationWith(competitionapplication.HasRoundWith(rounds)))
		})},
	}
}

// resultsRule narrows a query of results to the rounds the viewer may
// read them of. Anonymous callers are not refused: closed rounds' results
// are public.
func resultsRule(where func(ent.Query, predicate.CompetitionRound)) privacy.QueryRule {
	return privacy.QueryRuleFunc(func(ctx context.Context, q ent.Query) error {
		rounds := CompetitionResultRounds(auth.FromContext(ctx))
		if rounds == nil {
			return privacy.Allow
		}
		where(q, rounds)
		return privacy.Skip
	})
}
