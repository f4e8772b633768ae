package policy

import (
	"context"

	"github.com/tongxing/tongxing/ent"
)

// Pre-checks of the registers' and competitions' mutations (register.go,
// competitions.go): each evaluates the write the mutation would make
// before it reads any data (authorize.go).

// MayRecordPartyCoverage: the organisation within the scope.
func MayRecordPartyCoverage(ctx context.Context, c *ent.Client, orgID int) error {
	return mayWrite(ctx, PartyCoverage(), c.PartyCoverage.Create().SetOrganizationID(orgID).Mutation())
}

// MayCreateServicePoint: the operator or the lead within the scope, and
// the projects it links ones the scope takes part in.
func MayCreateServicePoint(ctx context.Context, c *ent.Client, operatorID int, leadID *int, projectIDs []int) error {
	return mayWrite(ctx, ServicePoint(), c.ServicePoint.Create().SetOperatorID(operatorID).SetNillableLeadID(leadID).
		AddProjectIDs(projectIDs...).Mutation())
}

// MayChangeServicePoint: a point of the scope, left within it. operatorID
// and leadID are the new values the change sets, if any; clearLead that it
// removes the lead; projectIDs the projects it links.
func MayChangeServicePoint(ctx context.Context, c *ent.Client, id int, operatorID, leadID *int, clearLead bool, projectIDs []int) error {
	u := c.ServicePoint.UpdateOneID(id).AddProjectIDs(projectIDs...)
	if operatorID != nil {
		u.SetOperatorID(*operatorID)
	}
	if leadID != nil {
		u.SetLeadID(*leadID)
	}
	if clearLead {
		u.ClearLead()
	}
	return mayWrite(ctx, ServicePoint(), u.Mutation())
}

// MayChangeServicePointHours: hours and exceptions of a point of the scope.
func MayChangeServicePointHours(ctx context.Context, c *ent.Client, pointID int) error {
	return mayWrite(ctx, ServicePointHours(), c.ServicePointHours.Create().SetServicePointID(pointID).Mutation())
}

// MayCreateCompetitionRound: the organiser within the scope.
func MayCreateCompetitionRound(ctx context.Context, c *ent.Client, organizerID int) error {
	return mayWrite(ctx, CompetitionRound(), c.CompetitionRound.Create().SetOrganizerID(organizerID).Mutation())
}

// MayChangeCompetitionRound: a round the scope organises.
func MayChangeCompetitionRound(ctx context.Context, c *ent.Client, id int) error {
	return mayWrite(ctx, CompetitionRound(), c.CompetitionRound.UpdateOneID(id).Mutation())
}

// MayApplyToCompetition: the applicant within the scope.
func MayApplyToCompetition(ctx context.Context, c *ent.Client, applicantID int) error {
	return mayWrite(ctx, CompetitionApplication(), c.CompetitionApplication.Create().SetApplicantID(applicantID).Mutation())
}

// MayChangeCompetitionApplication: an application of the scope, or of a
// round it organises.
func MayChangeCompetitionApplication(ctx context.Context, c *ent.Client, id int) error {
	return mayWrite(ctx, CompetitionApplication(), c.CompetitionApplication.UpdateOneID(id).Mutation())
}

// MayJudgeCompetitionApplication: scores and awards of an application to a
// round the scope organises.
func MayJudgeCompetitionApplication(ctx context.Context, c *ent.Client, applicationID int) error {
	return mayWrite(ctx, CompetitionReview(), c.CompetitionReview.Create().SetApplicationID(applicationID).Mutation())
}
