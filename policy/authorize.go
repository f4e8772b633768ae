package policy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/tongxing/tongxing/apikeys"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/certificate"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/projectparticipation"
	"github.com/tongxing/tongxing/ent/servicerecord"
)

// Mutations authorise before they read data (docs/security.md, "Mutations:
// authorise before reading data"). Every mutation asks one May… function
// below before it checks its input's shape, and long before checks whose
// answer depends on stored data (duplicates, a day's total, a record's
// state): otherwise the answer to a refused request would tell the caller
// about data it may not read.
//
// The May… functions decide with the same rules as the writes themselves.
// Most evaluate the entity's ent privacy policy (rules.go) on the mutation
// the request would make, built but never saved, so each rule has one home
// and the write passes the same rule again when it is saved. Where a rule
// must see more than one prospective row (service records) both sides call
// one function here.
//
// Each returns nil when the caller may go on, auth.ErrUnauthenticated
// without a key, auth.ErrForbidden when the key may not — the same error
// for a target that does not exist as for one outside the key's scope, so
// a refusal says nothing about what exists — or a database error. ADMIN
// (and system callers) may do everything; for them a missing target is
// reported afterwards, as NOT_FOUND or BAD_USER_INPUT, since they may read
// every row anyway.

// mayWrite evaluates policy p on mutations that are built but not saved.
func mayWrite(ctx context.Context, p ent.Policy, ms ...ent.Mutation) error {
	if done, err := head(ctx); done {
		return err
	}
	for _, m := range ms {
		if err := decision(p.EvalMutation(ctx, m)); err != nil {
			return err
		}
	}
	return nil
}

// head settles the cases every mutation shares: no key, and keys (or an
// earlier decision) that may do everything.
func head(ctx context.Context) (done bool, err error) {
	// DecisionFromContext reports an Allow decision as a nil error.
	if d, ok := privacy.DecisionFromContext(ctx); ok && d == nil {
		return true, nil
	}
	v := auth.FromContext(ctx)
	switch {
	case v == nil:
		return true, auth.ErrUnauthenticated
	case v.Admin():
		return true, nil
	}
	return false, nil
}

// decision turns a policy's verdict into the pre-check's: allowed, the one
// FORBIDDEN (whatever reason the rule gave, which would tell missing from
// out of scope), or a failure to decide.
func decision(err error) error {
	switch {
	case err == nil, errors.Is(err, privacy.Allow):
		return nil
	case errors.Is(err, auth.ErrUnauthenticated):
		return auth.ErrUnauthenticated
	case errors.Is(err, privacy.Deny), errors.Is(err, auth.ErrForbidden):
		return auth.ErrForbidden
	}
	return err
}

func verdict(ok bool, err error) error {
	switch {
	case err != nil:
		return err
	case !ok:
		return auth.ErrForbidden
	}
	return nil
}

// MayCreateOrganization: EDITOR keys create organisations under one within
// their scope (Organization).
func MayCreateOrganization(ctx context.Context, c *ent.Client, parentID *int) error {
	return mayWrite(ctx, Organization(), c.Organization.Create().SetNillableParentID(parentID).Mutation())
}

// MayUpdateOrganization: the organisation, and the new parent when one is
// set, within the scope.
func MayUpdateOrganization(ctx context.Context, c *ent.Client, id int, newParent *int) error {
	return mayWrite(ctx, Organization(), c.Organization.UpdateOneID(id).SetNillableParentID(newParent).Mutation())
}

// MayCreatePartyBuildingLink: either side within the scope.
func MayCreatePartyBuildingLink(ctx context.Context, c *ent.Client, partyID, partnerID int) error {
	return mayWrite(ctx, PartyBuildingLink(), c.PartyBuildingLink.Create().SetPartyOrganizationID(partyID).SetPartnerID(partnerID).Mutation())
}

// MayChangePartyBuildingLink: an existing link with a side within the scope
// (updating and ending it).
func MayChangePartyBuildingLink(ctx context.Context, c *ent.Client, id int) error {
	return mayWrite(ctx, PartyBuildingLink(), c.PartyBuildingLink.UpdateOneID(id).Mutation())
}

// MayCreatePartnership: either side within the scope.
func MayCreatePartnership(ctx context.Context, c *ent.Client, orgID, partnerID int) error {
	return mayWrite(ctx, Partnership(), c.Partnership.Create().SetOrganizationID(orgID).SetPartnerID(partnerID).Mutation())
}

// MayChangePartnership: an existing partnership with a side within the scope.
func MayChangePartnership(ctx context.Context, c *ent.Client, id int) error {
	return mayWrite(ctx, Partnership(), c.Partnership.UpdateOneID(id).Mutation())
}

// MayCreateProject: the project, and a LEAD participation for each
// organisation given as lead, which must lie within the scope. Partners
// need no check of their own: once the scope leads the project it may add
// any (ProjectParticipation).
func MayCreateProject(ctx context.Context, c *ent.Client, leads []int) error {
	if err := mayWrite(ctx, Project(), c.Project.Create().Mutation()); err != nil {
		return err
	}
	return mayLead(ctx, c, leads)
}

// mayLead is the LEAD half of MayCreateProject and MayUpdateProject: every
// organisation named lead within the scope.
func mayLead(ctx context.Context, c *ent.Client, leads []int) error {
	ms := make([]ent.Mutation, len(leads))
	for i, org := range leads {
		ms[i] = c.ProjectParticipation.Create().SetOrganizationID(org).SetRole(projectparticipation.RoleLEAD).Mutation()
	}
	return mayWrite(ctx, ProjectParticipation(), ms...)
}

// MayUpdateProject: a project the scope leads; when participants are
// replaced (leads non-nil), every new lead within the scope too.
func MayUpdateProject(ctx context.Context, c *ent.Client, id int, leads []int) error {
	if err := mayWrite(ctx, Project(), c.Project.UpdateOneID(id).Mutation()); err != nil {
		return err
	}
	return mayLead(ctx, c, leads)
}

// MayCreateActivity: organised by an organisation within the scope.
func MayCreateActivity(ctx context.Context, c *ent.Client, orgID int) error {
	return mayWrite(ctx, Activity(), c.Activity.Create().SetOrganizationID(orgID).Mutation())
}

// MayUpdateActivity: an activity organised within the scope.
func MayUpdateActivity(ctx context.Context, c *ent.Client, id int) error {
	return mayWrite(ctx, Activity(), c.Activity.UpdateOneID(id).Mutation())
}

// MayCreateOutcome: of a project the scope leads.
func MayCreateOutcome(ctx context.Context, c *ent.Client, projectID int) error {
	return mayWrite(ctx, Outcome(), c.Outcome.Create().SetProjectID(projectID).Mutation())
}

// MayUpdateOutcome: an outcome of a project the scope leads.
func MayUpdateOutcome(ctx context.Context, c *ent.Client, id int) error {
	return mayWrite(ctx, Outcome(), c.Outcome.UpdateOneID(id).Mutation())
}

// MayDefineIndicators: indicators are a register only ADMIN maintains
// (Public).
func MayDefineIndicators(ctx context.Context, c *ent.Client) error {
	return mayWrite(ctx, Public(), c.Indicator.Create().Mutation())
}

// MayCreateNeed: EDITOR keys record needs.
func MayCreateNeed(ctx context.Context, c *ent.Client) error {
	return mayWrite(ctx, Need(), c.Need.Create().Mutation())
}

// MayUpdateNeed: a need not yet matched or matched to the scope; a new
// match (matchedOrg non-nil) within the scope (Need).
func MayUpdateNeed(ctx context.Context, c *ent.Client, id int, matchedOrg *int) error {
	return mayWrite(ctx, Need(), c.Need.UpdateOneID(id).SetNillableMatchedOrganizationID(matchedOrg).Mutation())
}

// MayRegisterVolunteer: a person and their membership of an organisation
// within the scope (Person, Membership).
func MayRegisterVolunteer(ctx context.Context, c *ent.Client, orgID int) error {
	if err := mayWrite(ctx, Person(), c.Person.Create().Mutation()); err != nil {
		return err
	}
	return mayWrite(ctx, Membership(), c.Membership.Create().SetOrganizationID(orgID).Mutation())
}

// MayEndMembership: a membership of an organisation within the scope.
func MayEndMembership(ctx context.Context, c *ent.Client, id int) error {
	return mayWrite(ctx, Membership(), c.Membership.UpdateOneID(id).Mutation())
}

// MayIssueCertificate: a person who belongs to an organisation within the
// scope of an EDITOR or REVIEWER key (Certificate).
func MayIssueCertificate(ctx context.Context, c *ent.Client, personID int) error {
	return mayWrite(ctx, Certificate(), c.Certificate.Create().SetPersonID(personID).Mutation())
}

// MayRevokeCertificate: an existing certificate of such a person. The
// existence test is here because the certificate rule lets an update of
// no row through (it changes nothing), which would tell a missing
// certificate (NOT_FOUND later) from one out of scope (FORBIDDEN).
func MayRevokeCertificate(ctx context.Context, c *ent.Client, id int) error {
	if done, err := head(ctx); done {
		return err
	}
	ok, err := c.Certificate.Query().Where(certificate.ID(id)).Exist(allowAll(ctx))
	if err := verdict(ok, err); err != nil {
		return err
	}
	return mayWrite(ctx, Certificate(), c.Certificate.UpdateOneID(id).Mutation())
}

// SeesPerson reports whether the caller may read the person's row (and so
// its volunteer number): ADMIN, or an EDITOR or REVIEWER key whose scope
// holds the person (PeopleRows). Mutations ask it before an answer would
// name a person, e.g. the existing volunteer of a duplicate ID number.
func SeesPerson(ctx context.Context, c *ent.Client, personID int) (bool, error) {
	v := auth.FromContext(ctx)
	if v.Admin() {
		return true, nil
	}
	rows, err := PeopleRows(v)
	if err != nil {
		return false, nil // reads no people at all
	}
	return c.Person.Query().Where(person.ID(personID), rows).Exist(allowAll(ctx))
}

// RecordTarget is one person and day a service record would be written for.
type RecordTarget struct {
	PersonID int
	ServedOn time.Time
}

// MayLogHours: an EDITOR key records hours at an activity organised within
// its scope, for members of that organisation or one under it, each
// membership not ended before the day served (mayRecord). ADMIN records for
// anyone.
func MayLogHours(ctx context.Context, c *ent.Client, activityID int, targets []RecordTarget) error {
	if done, err := head(ctx); done {
		return err
	}
	v := auth.FromContext(ctx)
	if v.Role != auth.RoleEditor {
		return auth.ErrForbidden
	}
	return verdict(mayRecord(ctx, c, v, activityID, targets))
}

// LogTarget is one batch of MayLogHoursMany: an activity and the people
// and days it would record there.
type LogTarget struct {
	ActivityID int
	Targets    []RecordTarget
}

// MayLogHoursMany is MayLogHours for many batches at once, as an import
// asks it: the same rule (mayRecord), its data read in a few statements
// for all of them. The answer for batch i is in answers[i]; err is a
// failure to decide.
func MayLogHoursMany(ctx context.Context, c *ent.Client, batches []LogTarget) (answers []error, err error) {
	answers = make([]error, len(batches))
	if done, err := head(ctx); done {
		for i := range answers {
			answers[i] = err
		}
		return answers, nil
	}
	v := auth.FromContext(ctx)
	if v.Role != auth.RoleEditor {
		for i := range answers {
			answers[i] = auth.ErrForbidden
		}
		return answers, nil
	}
	oks, err := mayRecordMany(ctx, c, v, batches)
	if err != nil {
		return nil, err
	}
	for i, ok := range oks {
		answers[i] = verdict(ok, nil)
	}
	return answers, nil
}

// MayCorrectRecord: a correction is a new record for the same person at the
// same activity, on the corrected day (servedOn, or the original's when
// nil), so it obeys the same rule as logging hours.
func MayCorrectRecord(ctx context.Context, c *ent.Client, recordID int, servedOn *time.Time) error {
	if done, err := head(ctx); done {
		return err
	}
	v := auth.FromContext(ctx)
	if v.Role != auth.RoleEditor {
		return auth.ErrForbidden
	}
	rec, err := c.ServiceRecord.Query().Where(servicerecord.ID(recordID)).
		Select(servicerecord.FieldPersonID, servicerecord.FieldActivityID, servicerecord.FieldServedOn).
		Only(allowAll(ctx))
	if ent.IsNotFound(err) {
		return auth.ErrForbidden
	}
	if err != nil {
		return err
	}
	day := rec.ServedOn
	if servedOn != nil {
		day = *servedOn
	}
	return verdict(mayRecord(ctx, c, v, rec.ActivityID, []RecordTarget{{PersonID: rec.PersonID, ServedOn: day}}))
}

// MayReviewRecords: a REVIEWER key verifies or rejects records of
// activities within its scope, every one of them existing (editors record,
// reviewers verify: separation of duties).
func MayReviewRecords(ctx context.Context, c *ent.Client, ids []int) error {
	if done, err := head(ctx); done {
		return err
	}
	v := auth.FromContext(ctx)
	if v.Role != auth.RoleReviewer {
		return auth.ErrForbidden
	}
	if len(ids) == 0 {
		return nil // nothing to authorise; the input check refuses an empty list
	}
	return verdict(recordsInScope(ctx, c, v, uniq(ids)))
}

// chunk bounds the ids in one IN (…) list: SQLite and PostgreSQL both cap
// the parameters of a statement, and a request may name many ids before
// its batch size is checked.
const chunk = 500

func chunks(ids []int, fn func([]int) (bool, error)) (bool, error) {
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		ok, err := fn(ids[:n])
		if err != nil || !ok {
			return false, err
		}
		ids = ids[n:]
	}
	return true, nil
}

// recordsInScope reports whether every id (distinct) is a service record
// of an activity organised within v's scope. The reviewer's write rule
// (ServiceRecord) and MayReviewRecords share it.
func recordsInScope(ctx context.Context, c *ent.Client, v *auth.Viewer, ids []int) (bool, error) {
	if len(ids) == 0 {
		return false, nil
	}
	return chunks(ids, func(ids []int) (bool, error) {
		n, err := c.ServiceRecord.Query().Where(servicerecord.IDIn(ids...),
			servicerecord.HasActivityWith(activity.OrganizationIDIn(v.Scope...))).Count(allowAll(ctx))
		return n == len(ids), err
	})
}

// mayRecord is the rule for writing service records, shared by the
// EDITOR's create rule (ServiceRecord) and the pre-checks of logging hours
// and corrections: the activity is organised within v's scope, and each
// person holds a membership of the activity's organisation or of one under
// it that had not ended before the day served. Without the second half an
// editor could record an hour for anyone in the district and so bring
// them into its scope (PeopleRows counts the volunteers at its
// activities). When the membership began does not matter: volunteers are
// often registered on the day they first serve, or after it.
func mayRecord(ctx context.Context, c *ent.Client, v *auth.Viewer, activityID int, targets []RecordTarget) (bool, error) {
	oks, err := mayRecordMany(ctx, c, v, []LogTarget{{ActivityID: activityID, Targets: targets}})
	if err != nil {
		return false, err
	}
	return oks[0], nil
}

// mayRecordMany is mayRecord for each batch, reading the activities'
// organisations, their subtrees (memoised per key) and the people's
// memberships in those subtrees once for all batches.
func mayRecordMany(ctx context.Context, c *ent.Client, v *auth.Viewer, batches []LogTarget) ([]bool, error) {
	oks := make([]bool, len(batches))
	activityIDs := make([]int, 0, len(batches))
	for _, b := range batches {
		activityIDs = append(activityIDs, b.ActivityID)
	}
	orgOf := map[int]int{}
	if _, err := chunks(slices.Compact(slices.Sorted(slices.Values(activityIDs))), func(ids []int) (bool, error) {
		acts, err := c.Activity.Query().Where(activity.IDIn(ids...), activity.OrganizationIDIn(v.Scope...)).
			Select(activity.FieldID, activity.FieldOrganizationID).All(allowAll(ctx))
		for _, a := range acts {
			orgOf[a.ID] = a.OrganizationID
		}
		return true, err
	}); err != nil {
		return nil, err
	}
	subtrees := map[int]map[int]bool{} // organisation → its subtree
	var people []int
	seen := map[int]bool{}
	for _, b := range batches {
		org, ok := orgOf[b.ActivityID]
		if !ok {
			continue // not an activity in scope
		}
		if _, done := subtrees[org]; !done {
			subtree, err := v.Memo(fmt.Sprintf("subtree-%d", org), func() (any, error) {
				return apikeys.Subtree(allowAll(ctx), c, org)
			})
			if err != nil {
				return nil, err
			}
			set := map[int]bool{}
			for _, id := range subtree.([]int) {
				set[id] = true
			}
			subtrees[org] = set
		}
		for _, t := range b.Targets {
			if !seen[t.PersonID] {
				seen[t.PersonID] = true
				people = append(people, t.PersonID)
			}
		}
	}
	var orgs []int
	for _, set := range subtrees {
		for id := range set {
			orgs = append(orgs, id)
		}
	}
	memberships := map[int][]*ent.Membership{}
	if _, err := chunks(people, func(ids []int) (bool, error) {
		ms, err := c.Membership.Query().
			Where(membership.PersonIDIn(ids...), membership.OrganizationIDIn(orgs...)).
			Select(membership.FieldPersonID, membership.FieldOrganizationID, membership.FieldLeftOn).
			All(allowAll(ctx))
		for _, m := range ms {
			memberships[m.PersonID] = append(memberships[m.PersonID], m)
		}
		return true, err
	}); err != nil {
		return nil, err
	}
	for i, b := range batches {
		org, ok := orgOf[b.ActivityID]
		if !ok {
			continue
		}
		oks[i] = true
		for _, t := range b.Targets {
			if !memberOn(memberships[t.PersonID], subtrees[org], t.PersonID, t.ServedOn) {
				oks[i] = false
				break
			}
		}
	}
	return oks, nil
}

// memberOn reports whether one of ms is person's and had not ended before
// day. Dates are compared as calendar dates in the zone each value came
// in: the Date scalar and both databases' date columns carry no zone of
// their own.
func memberOn(ms []*ent.Membership, orgs map[int]bool, personID int, day time.Time) bool {
	for _, m := range ms {
		if m.PersonID == personID && orgs[m.OrganizationID] && (m.LeftOn == nil || !dateIn(*m.LeftOn).Before(dateIn(day))) {
			return true
		}
	}
	return false
}

// dateIn is t's date in its own zone, as midnight UTC.
func dateIn(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
