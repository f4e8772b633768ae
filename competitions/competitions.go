// Package competitions runs project competitions (志愿服务项目大赛) and
// venture philanthropy (社会组织公益创投大赛): rounds, applications,
// reviewers' scores and awards. A round is OPEN for applications, then
// REVIEWING while it is scored and awarded, then CLOSED when its results
// are announced; scores, ranking and awards are readable by the public
// only from then (policy.CompetitionResultRounds), so nothing a round
// decides shows before it is announced — not even through a project's
// funding, which an award sets only on closing.
package competitions

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/competitionapplication"
	"github.com/tongxing/tongxing/ent/competitionaward"
	"github.com/tongxing/tongxing/ent/competitionreview"
	"github.com/tongxing/tongxing/ent/competitionround"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/ent/projectparticipation"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// CreateRoundInput is the GraphQL CreateCompetitionRoundInput.
type CreateRoundInput struct {
	Name                string
	Kind                competitionround.Kind
	Year                int
	Budget              *float64
	OrganizerID         int
	ApplicationsOpenOn  time.Time
	ApplicationsCloseOn time.Time
	ThemeIDs            []int
	Description         *string
}

// UpdateRoundInput is the GraphQL UpdateCompetitionRoundInput.
type UpdateRoundInput struct {
	Name                *string
	Budget              graphql.Omittable[*float64]
	ApplicationsOpenOn  *time.Time
	ApplicationsCloseOn *time.Time
	ThemeIDs            []int
	Description         *string
}

// ApplyInput is the GraphQL ApplyToCompetitionInput.
type ApplyInput struct {
	RoundID         int
	ApplicantID     int
	ProjectID       int
	RequestedAmount *float64
	SubmittedOn     *time.Time
	Summary         *string
}

// AwardInput is the GraphQL AwardCompetitionApplicationInput.
type AwardInput struct {
	ApplicationID int
	Rank          int
	Prize         *string
	Amount        float64
	Currency      *string
}

const (
	maxName        = 200
	maxDescription = 10000
	maxPrize       = 50
	maxReviewer    = 20
	maxMoney       = 1e10
)

func checkMoney(f *apierror.Fields, field string, v *float64) {
	if v != nil && (*v < 0 || *v > maxMoney || math.IsNaN(*v)) {
		f.Add(field, "金额应为 0–10000000000 元 (amount must be 0–10,000,000,000)")
	}
}

func checkYear(f *apierror.Fields, y int) {
	f.Check(y >= 2000 && y <= 2100, "year", "年度应为 2000–2100 (year must be 2000–2100)")
}

// CreateRound validates in and opens the round.
func CreateRound(ctx context.Context, c *ent.Client, in CreateRoundInput) (*ent.CompetitionRound, error) {
	if err := policy.MayCreateCompetitionRound(ctx, c, in.OrganizerID); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	name := input.Text(f, "name", in.Name, maxName, true)
	checkYear(f, in.Year)
	checkMoney(f, "budget", in.Budget)
	if err := input.OrganizationExists(ctx, c, f, "organizerId", in.OrganizerID); err != nil {
		return nil, err
	}
	input.Reasonable(f, "applicationsOpenOn", &in.ApplicationsOpenOn)
	input.Reasonable(f, "applicationsCloseOn", &in.ApplicationsCloseOn)
	input.Order(f, "applicationsCloseOn", &in.ApplicationsOpenOn, &in.ApplicationsCloseOn)
	themes, err := input.Terms(ctx, c, f, "themeIds", input.TaxonomyServiceDomain, in.ThemeIDs)
	if err != nil {
		return nil, err
	}
	desc := input.OptionalText(f, "description", in.Description, maxDescription)
	if err := f.Err(); err != nil {
		return nil, err
	}
	saved, err := c.CompetitionRound.Create().
		SetName(name).
		SetKind(in.Kind).
		SetYear(in.Year).
		SetNillableBudget(in.Budget).
		SetOrganizerID(in.OrganizerID).
		SetApplicationsOpenOn(in.ApplicationsOpenOn).
		SetApplicationsCloseOn(in.ApplicationsCloseOn).
		AddThemeIDs(themes...).
		SetNillableDescription(desc).
		Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// round loads round id for a change, refusing a closed one: its results
// are published and stay as announced.
func round(ctx context.Context, c *ent.Client, id int) (*ent.CompetitionRound, error) {
	r, err := c.CompetitionRound.Get(ctx, id)
	if err != nil {
		return nil, input.NotFound(err, "赛事不存在 (no such competition round)")
	}
	if r.Status == competitionround.StatusCLOSED {
		return nil, apierror.New(apierror.Conflict, "赛事已公布结果，不能再修改 (the round is closed: its results stand as announced)")
	}
	return r, nil
}

// UpdateRound validates in and applies it to round id.
func UpdateRound(ctx context.Context, c *ent.Client, id int, in UpdateRoundInput) (*ent.CompetitionRound, error) {
	if err := policy.MayChangeCompetitionRound(ctx, c, id); err != nil {
		return nil, err
	}
	r, err := round(ctx, c, id)
	if err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	u := r.Update()
	if in.Name != nil {
		u.SetName(input.Text(f, "name", *in.Name, maxName, true))
	}
	if v, set := in.Budget.ValueOK(); set {
		checkMoney(f, "budget", v)
		if v != nil {
			awarded, err := awardedIn(ctx, c, id)
			if err != nil {
				return nil, err
			}
			f.Check(awarded <= *v+0.005, "budget", fmt.Sprintf("已授奖金 %.2f 元超出新预算 (awards already total %.2f, above the new budget)", awarded, awarded))
		}
		if v == nil {
			u.ClearBudget()
		} else {
			u.SetBudget(*v)
		}
	}
	open, closes := r.ApplicationsOpenOn, r.ApplicationsCloseOn
	if in.ApplicationsOpenOn != nil {
		input.Reasonable(f, "applicationsOpenOn", in.ApplicationsOpenOn)
		open = *in.ApplicationsOpenOn
		u.SetApplicationsOpenOn(open)
	}
	if in.ApplicationsCloseOn != nil {
		input.Reasonable(f, "applicationsCloseOn", in.ApplicationsCloseOn)
		closes = *in.ApplicationsCloseOn
		u.SetApplicationsCloseOn(closes)
	}
	input.Order(f, "applicationsCloseOn", &open, &closes)
	if in.ThemeIDs != nil {
		themes, err := input.Terms(ctx, c, f, "themeIds", input.TaxonomyServiceDomain, in.ThemeIDs)
		if err != nil {
			return nil, err
		}
		u.ClearThemes().AddThemeIDs(themes...)
	}
	if v := input.OptionalText(f, "description", in.Description, maxDescription); v != nil {
		u.SetDescription(*v)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	saved, err := u.Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// StartReview moves round id from OPEN to REVIEWING.
func StartReview(ctx context.Context, c *ent.Client, id int) (*ent.CompetitionRound, error) {
	if err := policy.MayChangeCompetitionRound(ctx, c, id); err != nil {
		return nil, err
	}
	r, err := round(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if r.Status != competitionround.StatusOPEN {
		return nil, apierror.New(apierror.Conflict, "赛事已在评审中 (the round is already under review)")
	}
	saved, err := r.Update().SetStatus(competitionround.StatusREVIEWING).Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// Close announces round id's results on announcedOn: the round becomes
// CLOSED, and each award of a venture-philanthropy round funds its
// project.
func Close(ctx context.Context, c *ent.Client, id int, announcedOn time.Time) (*ent.CompetitionRound, error) {
	if err := policy.MayChangeCompetitionRound(ctx, c, id); err != nil {
		return nil, err
	}
	r, err := round(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if r.Status != competitionround.StatusREVIEWING {
		return nil, apierror.New(apierror.Conflict, "赛事尚未进入评审 (the round is not under review yet)")
	}
	f := apierror.NewFields("")
	input.Reasonable(f, "announcedOn", &announcedOn)
	f.Check(!announcedOn.Before(r.ApplicationsCloseOn), "announcedOn", "公布日期不能早于申报截止日期 (must not be before applicationsCloseOn)")
	f.Check(!announcedOn.After(calendar.Date(time.Now())), "announcedOn", "公布日期不能晚于今天 (must not be in the future)")
	if err := f.Err(); err != nil {
		return nil, err
	}
	saved, err := r.Update().SetStatus(competitionround.StatusCLOSED).SetAnnouncedOn(announcedOn).Save(ctx)
	if err != nil {
		return nil, err
	}
	if r.Kind == competitionround.KindVENTURE_PHILANTHROPY {
		if err := fund(ctx, c, id); err != nil {
			return nil, err
		}
	}
	return audit.Acted(ctx, saved, nil)
}

// fund marks each awarded project of round id as funded by venture
// philanthropy and adds the award to its funding. The organiser's editor
// may close the round without leading the winners' projects: announcing an
// award is what funds them, so the write is the round's, decided by the
// round's rule above, and made beyond the projects' own rule on purpose.
func fund(ctx context.Context, c *ent.Client, roundID int) error {
	awards, err := c.CompetitionAward.Query().
		Where(competitionaward.HasApplicationWith(competitionapplication.RoundID(roundID), competitionapplication.Withdrawn(false))).
		WithApplication().All(ctx)
	if err != nil {
		return err
	}
	decided := privacy.DecisionContext(ctx, privacy.Allow)
	for _, a := range awards {
		p, err := c.Project.Get(decided, a.Edges.Application.ProjectID)
		if err != nil {
			return err
		}
		amount := a.Amount
		if p.FundingSource != nil && *p.FundingSource == project.FundingSourceVENTURE_PHILANTHROPY && p.FundingAmount != nil {
			amount += *p.FundingAmount
		}
		if err := p.Update().SetFundingSource(project.FundingSourceVENTURE_PHILANTHROPY).SetFundingAmount(amount).Exec(decided); err != nil {
			return err
		}
	}
	return nil
}

// Apply validates in and records the application.
func Apply(ctx context.Context, c *ent.Client, in ApplyInput) (*ent.CompetitionApplication, error) {
	if err := policy.MayApplyToCompetition(ctx, c, in.ApplicantID); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	r, err := c.CompetitionRound.Get(ctx, in.RoundID)
	if ent.IsNotFound(err) {
		f.Add("roundId", "赛事不存在 (no such competition round)")
	} else if err != nil {
		return nil, err
	}
	if err := input.OrganizationExists(ctx, c, f, "applicantId", in.ApplicantID); err != nil {
		return nil, err
	}
	p, err := c.Project.Get(ctx, in.ProjectID)
	switch {
	case ent.IsNotFound(err):
		f.Add("projectId", "项目不存在 (no such project)")
	case err != nil:
		return nil, err
	case p.Stage == project.StageCLOSED:
		f.Add("projectId", "项目已结项 (the project is closed)")
	default:
		leads, err := c.ProjectParticipation.Query().Where(projectparticipation.ProjectID(in.ProjectID),
			projectparticipation.OrganizationID(in.ApplicantID), projectparticipation.RoleEQ(projectparticipation.RoleLEAD)).Exist(ctx)
		if err != nil {
			return nil, err
		}
		f.Check(leads, "projectId", "申报项目应由申报组织牵头 (the applicant must lead the project)")
	}
	checkMoney(f, "requestedAmount", in.RequestedAmount)
	submitted := calendar.Date(time.Now())
	if in.SubmittedOn != nil {
		input.Reasonable(f, "submittedOn", in.SubmittedOn)
		f.Check(!in.SubmittedOn.After(submitted), "submittedOn", "申报日期不能晚于今天 (must not be in the future)")
		submitted = *in.SubmittedOn
	}
	summary := input.OptionalText(f, "summary", in.Summary, maxDescription)
	if r != nil {
		if r.Status != competitionround.StatusOPEN {
			return nil, apierror.New(apierror.Conflict, "赛事已截止申报 (the round no longer takes applications)")
		}
		f.Check(!submitted.Before(r.ApplicationsOpenOn) && !submitted.After(r.ApplicationsCloseOn), "submittedOn",
			"申报日期应在申报期内 "+r.ApplicationsOpenOn.Format(time.DateOnly)+" – "+r.ApplicationsCloseOn.Format(time.DateOnly)+
				" (must be within the round's application window)")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	dup, err := c.CompetitionApplication.Query().Where(competitionapplication.RoundID(in.RoundID), competitionapplication.ProjectID(in.ProjectID)).Exist(ctx)
	if err != nil {
		return nil, err
	}
	if dup {
		return nil, apierror.New(apierror.Conflict, "该项目已申报本赛事 (the project has already applied to this round)")
	}
	saved, err := c.CompetitionApplication.Create().
		SetRoundID(in.RoundID).
		SetApplicantID(in.ApplicantID).
		SetProjectID(in.ProjectID).
		SetNillableRequestedAmount(in.RequestedAmount).
		SetSubmittedOn(submitted).
		SetNillableSummary(summary).
		Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// application loads application id with its round for a change, refusing
// one of a closed round.
func application(ctx context.Context, c *ent.Client, id int) (*ent.CompetitionApplication, error) {
	a, err := c.CompetitionApplication.Query().Where(competitionapplication.ID(id)).WithRound().Only(ctx)
	if err != nil {
		return nil, input.NotFound(err, "申报不存在 (no such application)")
	}
	if a.Edges.Round.Status == competitionround.StatusCLOSED {
		return nil, apierror.New(apierror.Conflict, "赛事已公布结果，不能再修改 (the round is closed: its results stand as announced)")
	}
	return a, nil
}

// Withdraw withdraws application id; an award it had is removed with it.
func Withdraw(ctx context.Context, c *ent.Client, id int) (*ent.CompetitionApplication, error) {
	if err := policy.MayChangeCompetitionApplication(ctx, c, id); err != nil {
		return nil, err
	}
	a, err := application(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if a.Withdrawn {
		return nil, apierror.New(apierror.Conflict, "申报已撤回 (already withdrawn)")
	}
	// The applicant's editor may not read its award before the round
	// closes, nor delete it by its own rule: the withdrawal removes it as
	// part of the application's change.
	if _, err := c.CompetitionAward.Delete().Where(competitionaward.ApplicationID(id)).Exec(privacy.DecisionContext(ctx, privacy.Allow)); err != nil {
		return nil, err
	}
	saved, err := a.Update().SetWithdrawn(true).Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// judgeable loads an application to score or award: of a round under
// review, not withdrawn. Reported on field.
func judgeable(ctx context.Context, c *ent.Client, f *apierror.Fields, field string, id int) (*ent.CompetitionApplication, error) {
	a, err := c.CompetitionApplication.Query().Where(competitionapplication.ID(id)).WithRound().Only(ctx)
	if ent.IsNotFound(err) {
		f.Add(field, "申报不存在 (no such application)")
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	switch {
	case a.Edges.Round.Status != competitionround.StatusREVIEWING:
		return nil, apierror.New(apierror.Conflict, "只能在评审阶段评分、评奖 (scores and awards are recorded while the round is REVIEWING)")
	case a.Withdrawn:
		return nil, apierror.New(apierror.Conflict, "申报已撤回 (the application was withdrawn)")
	}
	return a, nil
}

// Score records or changes reviewer's score of application id.
func Score(ctx context.Context, c *ent.Client, applicationID int, reviewer string, score float64) (*ent.CompetitionReview, error) {
	if err := policy.MayJudgeCompetitionApplication(ctx, c, applicationID); err != nil {
		return nil, err
	}
	f := apierror.NewFields("")
	seat := strings.ToUpper(input.Text(f, "reviewer", reviewer, maxReviewer, true))
	f.Check(score >= 0 && score <= 100 && !math.IsNaN(score), "score", "评分应为 0–100 (score must be 0–100)")
	a, err := judgeable(ctx, c, f, "applicationId", applicationID)
	if err != nil {
		return nil, err
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	existing, err := c.CompetitionReview.Query().Where(competitionreview.ApplicationID(a.ID), competitionreview.Reviewer(seat)).Only(ctx)
	var saved *ent.CompetitionReview
	switch {
	case ent.IsNotFound(err):
		saved, err = c.CompetitionReview.Create().SetApplicationID(a.ID).SetReviewer(seat).SetScore(score).Save(ctx)
	case err == nil:
		saved, err = existing.Update().SetScore(score).Save(ctx)
	}
	return audit.Acted(ctx, saved, err)
}

// Award records or changes the award of an application.
func Award(ctx context.Context, c *ent.Client, in AwardInput) (*ent.CompetitionAward, error) {
	if err := policy.MayJudgeCompetitionApplication(ctx, c, in.ApplicationID); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	f.Check(in.Rank >= 1 && in.Rank <= 10000, "rank", "名次应为 1–10000 (rank must be 1–10000)")
	checkMoney(f, "amount", &in.Amount)
	prize := input.OptionalText(f, "prize", in.Prize, maxPrize)
	currency := "CNY"
	if in.Currency != nil {
		currency = strings.ToUpper(strings.TrimSpace(*in.Currency))
		f.Check(isCurrencyCode(currency), "currency", "应为 ISO 4217 三位字母代码，如 CNY (must be an ISO 4217 code such as CNY)")
	}
	a, err := judgeable(ctx, c, f, "applicationId", in.ApplicationID)
	if err != nil {
		return nil, err
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	others, err := c.CompetitionAward.Query().Where(competitionaward.HasApplicationWith(competitionapplication.RoundID(a.RoundID)),
		competitionaward.ApplicationIDNEQ(a.ID)).All(ctx)
	if err != nil {
		return nil, err
	}
	total := in.Amount
	for _, o := range others {
		if o.Rank == in.Rank {
			f.Add("rank", fmt.Sprintf("名次 %d 已授予另一申报 (rank %d is held by another application)", in.Rank, in.Rank))
		}
		total += o.Amount
	}
	if b := a.Edges.Round.Budget; b != nil && total > *b+0.005 {
		f.Add("amount", fmt.Sprintf("本赛事奖金合计 %.2f 元将超出预算 %.2f 元 (the round's awards would exceed its budget)", total, *b))
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	existing, err := c.CompetitionAward.Query().Where(competitionaward.ApplicationID(a.ID)).Only(ctx)
	var saved *ent.CompetitionAward
	switch {
	case ent.IsNotFound(err):
		saved, err = c.CompetitionAward.Create().SetApplicationID(a.ID).SetRank(in.Rank).SetNillablePrize(prize).
			SetAmount(in.Amount).SetCurrency(currency).Save(ctx)
	case err == nil:
		u := existing.Update().SetRank(in.Rank).SetAmount(in.Amount).SetCurrency(currency)
		if prize != nil {
			u.SetPrize(*prize)
		} else {
			u.ClearPrize()
		}
		saved, err = u.Save(ctx)
	}
	return audit.Acted(ctx, saved, err)
}

// RemoveAward removes the award of application id.
func RemoveAward(ctx context.Context, c *ent.Client, applicationID int) (*ent.CompetitionApplication, error) {
	if err := policy.MayJudgeCompetitionApplication(ctx, c, applicationID); err != nil {
		return nil, err
	}
	f := apierror.NewFields("")
	a, err := judgeable(ctx, c, f, "applicationId", applicationID)
	if err != nil {
		return nil, err
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	n, err := c.CompetitionAward.Delete().Where(competitionaward.ApplicationID(a.ID)).Exec(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, apierror.New(apierror.NotFound, "该申报没有奖项 (the application has no award)")
	}
	return audit.Acted(ctx, a, nil)
}

func isCurrencyCode(s string) bool {
	return len(s) == 3 && !slices.ContainsFunc([]byte(s), func(b byte) bool { return b < 'A' || b > 'Z' })
}

// AverageScore is the mean of the scores of application id that the
// caller may read (none before the round closes, for most), to two
// decimals; nil when there are none.
func AverageScore(ctx context.Context, c *ent.Client, id int) (*float64, error) {
	scores, err := c.CompetitionReview.Query().Where(competitionreview.ApplicationID(id)).
		Select(competitionreview.FieldScore).Float64s(ctx)
	if err != nil || len(scores) == 0 {
		return nil, err
	}
	var sum float64
	for _, s := range scores {
		sum += s
	}
	mean := math.Round(sum/float64(len(scores))*100) / 100
	return &mean, nil
}

// FundingAward is the latest award of a closed venture-philanthropy round
// to project id, nil when none.
func FundingAward(ctx context.Context, c *ent.Client, projectID int) (*ent.CompetitionAward, error) {
	a, err := c.CompetitionAward.Query().
		Where(competitionaward.HasApplicationWith(competitionapplication.ProjectID(projectID), competitionapplication.Withdrawn(false),
			competitionapplication.HasRoundWith(competitionround.KindEQ(competitionround.KindVENTURE_PHILANTHROPY),
				competitionround.StatusEQ(competitionround.StatusCLOSED)))).
		Order(ent.Desc(competitionaward.FieldCreatedAt), ent.Desc(competitionaward.FieldID)).First(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return a, err
}

// AwardedOn is the day award a was announced: its round's announcement.
func AwardedOn(ctx context.Context, c *ent.Client, a *ent.CompetitionAward) (*time.Time, error) {
	r, err := c.CompetitionRound.Query().Where(competitionround.HasApplicationsWith(competitionapplication.ID(a.ApplicationID))).Only(ctx)
	if err != nil {
		return nil, err
	}
	return r.AnnouncedOn, nil
}

// awardedIn sums the awards of round id.
func awardedIn(ctx context.Context, c *ent.Client, id int) (float64, error) {
	amounts, err := c.CompetitionAward.Query().Where(competitionaward.HasApplicationWith(competitionapplication.RoundID(id))).
		Select(competitionaward.FieldAmount).Float64s(ctx)
	var sum float64
	for _, a := range amounts {
		sum += a
	}
	return sum, err
}
