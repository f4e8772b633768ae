package policy_test

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/competitionapplication"
	"github.com/tongxing/tongxing/ent/competitionaward"
	"github.com/tongxing/tongxing/ent/competitionreview"
	"github.com/tongxing/tongxing/ent/competitionround"
	"github.com/tongxing/tongxing/ent/partycoverage"
	"github.com/tongxing/tongxing/ent/projectparticipation"
	"github.com/tongxing/tongxing/ent/servicepoint"
	"github.com/tongxing/tongxing/ent/servicepointexception"
	"github.com/tongxing/tongxing/ent/servicepointhours"
	"github.com/tongxing/tongxing/policy"
)

// The rules of the registers (register.go) and the competitions
// (competitions.go), on the world of fixture_test.go plus the rows below,
// all written through the system context. The EDITOR key's scope is the
// agency, the team and partyIn; "other" and partyOut are outside it.
//
//	coverage   covA (agency)  covT (team)  covO (other)
//	points     spOp:   operator agency, no lead        (the scope runs it)
//	           spLead: operator other, lead partyIn    (the scope only leads it)
//	           spOut:  operator other, lead partyOut   (outside)
//	           each with one weekly session (h…) and one exception (e…)
//	           spBoth: operator agency, lead partyIn   (the scope runs and leads it)
//	projects   prjU, in which only uni takes part (prjA and prjO each have a participant in the scope)
//	rounds     rdRev (agency, REVIEWING)  rdClosed (agency, CLOSED)  rdO (other, REVIEWING)
//	apps       appRevT    team  → rdRev     review rvRevT, award awRevT
//	           appRevO    other → rdRev     review rvRevO, no award
//	           appClosedT team  → rdClosed  review rvClosed, award awClosed
//	           appOA      agency → rdO      review rvOA, award awOA (its own application, not its round)
//	           appOO      other → rdO       review rvOO, award awOO
type registers struct {
	covA, covT, covO    int
	spOp, spLead, spOut int
	hOp, hLead, hOut    int
	eOp, eLead, eOut    int
	spBoth, prjU        int

	rdRev, rdClosed, rdO                       int
	appRevT, appRevO, appClosedT, appOA, appOO int
	rvRevT, rvRevO, rvClosed, rvOA, rvOO       int
	awRevT, awClosed, awOA, awOO               int
}

func newRegisters(t testing.TB, w *world) *registers {
	t.Helper()
	ctx, c := sys(), w.c
	r := &registers{}
	coverage := func(org, party int) int {
		return mk(c.PartyCoverage.Create().SetOrganizationID(org).SetMethod(partycoverage.MethodOWN_BRANCH).
			SetPartyOrganizationID(party).SetStartedOn(day(0)).SetCategoryID(w.domain).Save(ctx)).ID
	}
	r.covA, r.covT, r.covO = coverage(w.agency, w.partyIn), coverage(w.team, w.partyIn), coverage(w.other, w.partyOut)

	point := func(operator, lead int) int {
		q := c.ServicePoint.Create().SetName("老年食堂").SetKind(servicepoint.KindCANTEEN).SetAddress("新塍镇1号").
			SetLatitude(30.83).SetLongitude(120.62).SetRegionID(w.town.ID).SetOperatorID(operator)
		if lead != 0 {
			q.SetLeadID(lead)
		}
		return mk(q.Save(ctx)).ID
	}
	r.spOp, r.spLead, r.spOut = point(w.agency, 0), point(w.other, w.partyIn), point(w.other, w.partyOut)
	hours := func(p int) int {
		return mk(c.ServicePointHours.Create().SetServicePointID(p).SetWeekday(servicepointhours.WeekdayMONDAY).
			SetOpensAt(660).SetClosesAt(780).Save(ctx)).ID
	}
	r.hOp, r.hLead, r.hOut = hours(r.spOp), hours(r.spLead), hours(r.spOut)
	exception := func(p int) int {
		return mk(c.ServicePointException.Create().SetServicePointID(p).SetDate(day(10)).SetReason("国庆节休息").Save(ctx)).ID
	}
	r.eOp, r.eLead, r.eOut = exception(r.spOp), exception(r.spLead), exception(r.spOut)
	r.spBoth = point(w.agency, w.partyIn)
	r.prjU = mk(c.Project.Create().SetName("高校项目").Save(ctx)).ID
	mk(c.ProjectParticipation.Create().SetProjectID(r.prjU).SetOrganizationID(w.uni).SetRole(projectparticipation.RoleLEAD).Save(ctx))

	round := func(organizer int, status competitionround.Status) int {
		return mk(c.CompetitionRound.Create().SetName("公益创投大赛").SetKind(competitionround.KindVENTURE_PHILANTHROPY).
			SetYear(2025).SetOrganizerID(organizer).SetApplicationsOpenOn(day(0)).SetApplicationsCloseOn(day(20)).
			SetStatus(status).Save(ctx)).ID
	}
	r.rdRev = round(w.agency, competitionround.StatusREVIEWING)
	r.rdClosed = round(w.agency, competitionround.StatusCLOSED)
	r.rdO = round(w.other, competitionround.StatusREVIEWING)
	apply := func(rd, applicant, prj int) int {
		return mk(c.CompetitionApplication.Create().SetRoundID(rd).SetApplicantID(applicant).SetProjectID(prj).
			SetSubmittedOn(day(5)).Save(ctx)).ID
	}
	r.appRevT, r.appRevO = apply(r.rdRev, w.team, w.prjA), apply(r.rdRev, w.other, w.prjO)
	r.appClosedT = apply(r.rdClosed, w.team, w.prjA)
	r.appOA, r.appOO = apply(r.rdO, w.agency, w.prjA), apply(r.rdO, w.other, w.prjO)
	review := func(app int) int {
		return mk(c.CompetitionReview.Create().SetApplicationID(app).SetReviewer("A").SetScore(80).Save(ctx)).ID
	}
	r.rvRevT, r.rvRevO, r.rvClosed, r.rvOA, r.rvOO = review(r.appRevT), review(r.appRevO), review(r.appClosedT), review(r.appOA), review(r.appOO)
	award := func(app int) int {
		return mk(c.CompetitionAward.Create().SetApplicationID(app).SetRank(1).SetPrize("一等奖").SetAmount(50000).Save(ctx)).ID
	}
	r.awRevT, r.awClosed, r.awOA, r.awOO = award(r.appRevT), award(r.appClosedT), award(r.appOA), award(r.appOO)
	return r
}

// otherEditor is an EDITOR key of the outside agency: it organises rdO
// and applied to rdRev.
func (w *world) otherEditor() context.Context {
	return auth.NewContext(context.Background(), &auth.Viewer{KeyID: 8, Name: "other", Role: auth.RoleEditor,
		OrganizationID: w.other, Scope: []int{w.other, w.partyOut}})
}

type mutation = func(context.Context, *ent.Client) error

func TestPartyCoverageWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		r := newRegisters(t, w)
		record := func(org int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				return saved(c.PartyCoverage.Create().SetOrganizationID(org).SetMethod(partycoverage.MethodINSTRUCTOR).
					SetPartyOrganizationID(w.partyOut).SetStartedOn(day(7)).SetCategoryID(w.domain).Save(ctx))
			}
		}
		end := func(ids ...int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.PartyCoverage.UpdateOneID(ids[0]).SetEndedOn(day(6)).Exec(ctx)
				}
				return c.PartyCoverage.Update().Where(partycoverage.IDIn(ids...)).SetEndedOn(day(6)).Exec(ctx)
			}
		}
		erase := func(id int) mutation {
			return func(ctx context.Context, c *ent.Client) error { return c.PartyCoverage.DeleteOneID(id).Exec(ctx) }
		}
		w.runWrites(t, []writeCase{
			// The Party organisation named is outside the scope (partyOut):
			// only the organisation covered must be within it.
			{"records the coverage of its own organisation", editorKey, record(w.agency), allowed},
			{"records the coverage of a unit in its scope", editorKey, record(w.team), allowed},
			{"records none for an organisation outside its scope", editorKey, record(w.other), forbidden},
			{"records none for a missing organisation", editorKey, record(noID), forbidden},
			{"records none for the parent of its scope", teamEditorKey, record(w.agency), forbidden},
			{"reviewers record no coverage", reviewerKey, record(w.agency), forbidden},
			{"partner keys record no coverage", partnerKey, record(w.uni), forbidden},
			{"an unknown role records nothing", unknownRole, record(w.agency), forbidden},
			{"anonymous callers record nothing", anonymous, record(w.agency), unauthenticated},
			{"ADMIN records any coverage", adminKey, record(w.other), allowed},

			{"ends a coverage of its scope", editorKey, end(r.covA), allowed},
			{"ends a coverage of a unit in its scope", editorKey, end(r.covT), allowed},
			{"ends no coverage outside its scope", editorKey, end(r.covO), forbidden},
			{"ends no coverage of the parent of its scope", teamEditorKey, end(r.covA), forbidden},
			{"reviewers end no coverage", reviewerKey, end(r.covA), forbidden},
			{"bulk change of coverage all in scope", editorKey, end(r.covA, r.covT), allowed},
			{"bulk change with one coverage outside scope", editorKey, end(r.covA, r.covO), forbidden},
			{"bulk change matching no coverage", editorKey, end(noID, noID-1), forbidden},
			{"deletes a coverage of its scope", editorKey, erase(r.covT), allowed},
			{"deletes none outside its scope", editorKey, erase(r.covO), forbidden},
			{"ADMIN changes any coverage", adminKey, end(r.covO), allowed},
		})
	})
}

func TestServicePointWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		r := newRegisters(t, w)
		open := func(operator, lead int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				q := c.ServicePoint.Create().SetName("助残驿站").SetKind(servicepoint.KindDISABILITY_SUPPORT).
					SetAddress("新塍镇2号").SetLatitude(30.8).SetLongitude(120.6).SetRegionID(w.town.ID).SetOperatorID(operator)
				if lead != 0 {
					q.SetLeadID(lead)
				}
				return saved(q.Save(ctx))
			}
		}
		rename := func(ids ...int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.ServicePoint.UpdateOneID(ids[0]).SetName("长者食堂").Exec(ctx)
				}
				return c.ServicePoint.Update().Where(servicepoint.IDIn(ids...)).SetName("长者食堂").Exec(ctx)
			}
		}
		// hand sets the operator and, unless 0, the lead of point id.
		hand := func(id, operator, lead int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				u := c.ServicePoint.UpdateOneID(id)
				if operator != 0 {
					u.SetOperatorID(operator)
				}
				if lead != 0 {
					u.SetLeadID(lead)
				}
				return u.Exec(ctx)
			}
		}
		// unlead clears the lead of point id, setting its operator unless 0.
		unlead := func(id, operator int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				u := c.ServicePoint.UpdateOneID(id).ClearLead()
				if operator != 0 {
					u.SetOperatorID(operator)
				}
				return u.Exec(ctx)
			}
		}
		link := func(id int, projects ...int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				return c.ServicePoint.UpdateOneID(id).AddProjectIDs(projects...).Exec(ctx)
			}
		}
		openFor := func(operator int, projects ...int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				return saved(c.ServicePoint.Create().SetName("康养驿站").SetKind(servicepoint.KindCARE_AND_HEALTH).
					SetAddress("新塍镇4号").SetLatitude(30.8).SetLongitude(120.6).SetRegionID(w.town.ID).
					SetOperatorID(operator).AddProjectIDs(projects...).Save(ctx))
			}
		}
		relead := func(lead int, ids ...int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				return c.ServicePoint.Update().Where(servicepoint.IDIn(ids...)).SetLeadID(lead).Exec(ctx)
			}
		}
		shut := func(operator, lead int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				// The fixture's points have hours; a fresh one run by the
				// same bodies can be deleted without touching them.
				q := c.ServicePoint.Create().SetName("撤点").SetKind(servicepoint.KindOTHER).SetAddress("新塍镇3号").
					SetLatitude(30.8).SetLongitude(120.6).SetRegionID(w.town.ID).SetOperatorID(operator)
				if lead != 0 {
					q.SetLeadID(lead)
				}
				p, err := q.Save(sys())
				if err != nil {
					return err
				}
				return c.ServicePoint.DeleteOneID(p.ID).Exec(ctx)
			}
		}
		w.runWrites(t, []writeCase{
			{"opens a point its organisation runs", editorKey, open(w.agency, 0), allowed},
			{"opens a point a unit in its scope runs, led from outside", editorKey, open(w.team, w.partyOut), allowed},
			{"opens a point an outside body runs and its Party branch leads", editorKey, open(w.other, w.partyIn), allowed},
			{"opens no point an outside body runs with no lead", editorKey, open(w.other, 0), forbidden},
			{"opens no point an outside body runs and another leads", editorKey, open(w.other, w.partyOut), forbidden},
			{"opens no point for the parent of its scope", teamEditorKey, open(w.agency, w.partyIn), forbidden},
			{"reviewers open no point", reviewerKey, open(w.agency, 0), forbidden},
			{"partner keys open no point", partnerKey, open(w.uni, 0), forbidden},
			{"an unknown role opens no point", unknownRole, open(w.agency, 0), forbidden},
			{"anonymous callers open no point", anonymous, open(w.agency, 0), unauthenticated},
			{"ADMIN opens any point", adminKey, open(w.other, 0), allowed},

			{"changes a point its scope runs", editorKey, rename(r.spOp), allowed},
			{"changes a point its scope only leads", editorKey, rename(r.spLead), allowed},
			{"changes no point outside its scope", editorKey, rename(r.spOut), forbidden},
			{"changes no point run by the parent of its scope", teamEditorKey, rename(r.spOp), forbidden},
			{"reviewers change no point", reviewerKey, rename(r.spOp), forbidden},
			// After a write the operator or the lead is within the scope:
			// the side it sets, or one it leaves as it was.
			{"hands a point to another unit of its scope", editorKey, hand(r.spOp, w.team, 0), allowed},
			{"hands no point to an outside operator with no lead of its scope", editorKey, hand(r.spOp, w.other, 0), forbidden},
			{"hands no point to an outside operator and an outside lead", editorKey, hand(r.spOp, w.other, w.partyOut), forbidden},
			{"hands a point to an outside operator while setting its Party branch as lead", editorKey, hand(r.spOp, w.other, w.partyIn), allowed},
			{"hands the operator out of a point it keeps leading", editorKey, hand(r.spBoth, w.other, 0), allowed},
			{"the lead it keeps may change the operator of a point it leads", editorKey, hand(r.spLead, w.uni, 0), allowed},
			{"the lead it sets again may change the operator of a point it leads", editorKey, hand(r.spLead, w.uni, w.partyIn), allowed},
			{"sets an outside lead on a point it runs", editorKey, hand(r.spOp, 0, w.partyOut), allowed},
			{"sets no outside lead on a point it only leads", editorKey, hand(r.spLead, 0, w.partyOut), forbidden},
			{"sets its own operator and an outside lead on a point it only leads", editorKey, hand(r.spLead, w.team, w.partyOut), allowed},
			{"clears the lead of a point it runs", editorKey, unlead(r.spBoth, 0), allowed},
			{"clears no lead that holds an outside-run point in its scope", editorKey, unlead(r.spLead, 0), forbidden},
			{"clears its lead while handing the point to a unit of its scope", editorKey, unlead(r.spLead, w.team), allowed},
			{"clears no lead while handing the point to an outside operator", editorKey, unlead(r.spBoth, w.other), forbidden},
			{"takes over no outside point as operator", editorKey, hand(r.spOut, w.agency, 0), forbidden},
			{"takes over no outside point as lead", editorKey, hand(r.spOut, 0, w.partyIn), forbidden},
			{"clears no lead of an outside point", editorKey, unlead(r.spOut, 0), forbidden},
			{"bulk outside lead on points it runs", editorKey, relead(w.partyOut, r.spOp, r.spBoth), allowed},
			{"bulk outside lead with one point it only leads", editorKey, relead(w.partyOut, r.spOp, r.spLead), forbidden},
			// Projects linked to a point: ones the scope takes part in.
			{"opens a point for a project it leads", editorKey, openFor(w.agency, w.prjA), allowed},
			{"opens a point for a project a unit of its scope is partner in", editorKey, openFor(w.agency, w.prjO), allowed},
			{"opens no point for a project its scope takes no part in", editorKey, openFor(w.agency, r.prjU), forbidden},
			{"links a project its scope takes part in to its point", editorKey, link(r.spOp, w.prjO), allowed},
			{"links no project its scope takes no part in", editorKey, link(r.spOp, r.prjU), forbidden},
			{"links no list with one project its scope takes no part in", editorKey, link(r.spOp, w.prjA, r.prjU), forbidden},
			{"links no project to an outside point", editorKey, link(r.spOut, w.prjA), forbidden},
			{"ADMIN links any project", adminKey, link(r.spOut, r.prjU), allowed},
			{"bulk change of points all in scope", editorKey, rename(r.spOp, r.spLead), allowed},
			{"bulk change with one point outside scope", editorKey, rename(r.spOp, r.spOut), forbidden},
			{"bulk change matching no point", editorKey, rename(noID, noID-1), forbidden},
			{"bulk hand-over of points all in scope to an outside operator", editorKey, func(ctx context.Context, c *ent.Client) error {
				return c.ServicePoint.Update().Where(servicepoint.IDIn(r.spOp, r.spLead)).SetOperatorID(w.other).Exec(ctx)
			}, forbidden},
			{"closes a point its scope runs", editorKey, shut(w.agency, 0), allowed},
			{"closes a point its scope only leads", editorKey, shut(w.other, w.partyIn), allowed},
			{"closes no point outside its scope", editorKey, shut(w.other, w.partyOut), forbidden},
			{"ADMIN changes any point", adminKey, hand(r.spOut, w.uni, 0), allowed},
		})
	})
}

// ServicePointHours and ServicePointException: the rows of a point in the
// scope, run or led.
func TestServicePointHoursWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		r := newRegisters(t, w)
		session := func(point int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				return saved(c.ServicePointHours.Create().SetServicePointID(point).SetWeekday(servicepointhours.WeekdayFRIDAY).
					SetOpensAt(840).SetClosesAt(960).Save(ctx))
			}
		}
		dropSessions := func(ids ...int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.ServicePointHours.DeleteOneID(ids[0]).Exec(ctx)
				}
				return saved(c.ServicePointHours.Delete().Where(servicepointhours.IDIn(ids...)).Exec(ctx))
			}
		}
		except := func(point int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				return saved(c.ServicePointException.Create().SetServicePointID(point).SetDate(day(11)).
					SetOpensAt(540).SetClosesAt(600).Save(ctx))
			}
		}
		changeExceptions := func(ids ...int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.ServicePointException.UpdateOneID(ids[0]).SetReason("停电").Exec(ctx)
				}
				return c.ServicePointException.Update().Where(servicepointexception.IDIn(ids...)).SetReason("停电").Exec(ctx)
			}
		}
		dropExceptions := func(ids ...int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.ServicePointException.DeleteOneID(ids[0]).Exec(ctx)
				}
				return saved(c.ServicePointException.Delete().Where(servicepointexception.IDIn(ids...)).Exec(ctx))
			}
		}
		w.runWrites(t, []writeCase{
			{"adds hours to a point its scope runs", editorKey, session(r.spOp), allowed},
			{"adds hours to a point its scope leads", editorKey, session(r.spLead), allowed},
			{"adds no hours to a point outside its scope", editorKey, session(r.spOut), forbidden},
			{"adds no hours to a missing point", editorKey, session(noID), forbidden},
			{"adds no hours to a point of the parent of its scope", teamEditorKey, session(r.spOp), forbidden},
			{"reviewers add no hours", reviewerKey, session(r.spOp), forbidden},
			{"partner keys add no hours", partnerKey, session(r.spOp), forbidden},
			{"anonymous callers add no hours", anonymous, session(r.spOp), unauthenticated},
			{"ADMIN adds hours anywhere", adminKey, session(r.spOut), allowed},
			{"removes hours of a point its scope runs", editorKey, dropSessions(r.hOp), allowed},
			{"removes hours of a point its scope leads", editorKey, dropSessions(r.hLead), allowed},
			{"removes no hours of a point outside its scope", editorKey, dropSessions(r.hOut), forbidden},
			{"bulk removal of hours all in scope", editorKey, dropSessions(r.hOp, r.hLead), allowed},
			{"bulk removal with one session outside scope", editorKey, dropSessions(r.hOp, r.hOut), forbidden},
			{"bulk removal matching no session", editorKey, dropSessions(noID, noID-1), forbidden},

			{"adds an exception to a point its scope runs", editorKey, except(r.spOp), allowed},
			{"adds an exception to a point its scope leads", editorKey, except(r.spLead), allowed},
			{"adds no exception to a point outside its scope", editorKey, except(r.spOut), forbidden},
			{"adds no exception to a missing point", editorKey, except(noID), forbidden},
			{"adds no exception to a point of the parent of its scope", teamEditorKey, except(r.spOp), forbidden},
			{"reviewers add no exception", reviewerKey, except(r.spOp), forbidden},
			{"anonymous callers add no exception", anonymous, except(r.spOp), unauthenticated},
			{"changes an exception of its point", editorKey, changeExceptions(r.eOp), allowed},
			{"changes no exception of a point outside its scope", editorKey, changeExceptions(r.eOut), forbidden},
			{"removes an exception of a point its scope runs", editorKey, dropExceptions(r.eOp), allowed},
			{"removes an exception of a point its scope leads", editorKey, dropExceptions(r.eLead), allowed},
			{"removes no exception of a point outside its scope", editorKey, dropExceptions(r.eOut), forbidden},
			{"bulk removal of exceptions all in scope", editorKey, dropExceptions(r.eOp, r.eLead), allowed},
			{"bulk removal with one exception outside scope", editorKey, dropExceptions(r.eOp, r.eOut), forbidden},
			{"bulk removal matching no exception", editorKey, dropExceptions(noID, noID-1), forbidden},
			{"ADMIN removes any exception", adminKey, dropExceptions(r.eOut), allowed},
		})
	})
}

func TestCompetitionRoundWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		r := newRegisters(t, w)
		announce := func(organizer int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				return saved(c.CompetitionRound.Create().SetName("志愿服务项目大赛").SetKind(competitionround.KindVOLUNTEER_PROJECT).
					SetYear(2026).SetOrganizerID(organizer).SetApplicationsOpenOn(day(0)).SetApplicationsCloseOn(day(20)).Save(ctx))
			}
		}
		rename := func(ids ...int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.CompetitionRound.UpdateOneID(ids[0]).SetName("改名").Exec(ctx)
				}
				return c.CompetitionRound.Update().Where(competitionround.IDIn(ids...)).SetName("改名").Exec(ctx)
			}
		}
		move := func(id, organizer int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				return c.CompetitionRound.UpdateOneID(id).SetOrganizerID(organizer).Exec(ctx)
			}
		}
		cancel := func(organizer int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				rd, err := c.CompetitionRound.Create().SetName("取消").SetKind(competitionround.KindVOLUNTEER_PROJECT).
					SetYear(2026).SetOrganizerID(organizer).SetApplicationsOpenOn(day(0)).SetApplicationsCloseOn(day(20)).Save(sys())
				if err != nil {
					return err
				}
				return c.CompetitionRound.DeleteOneID(rd.ID).Exec(ctx)
			}
		}
		w.runWrites(t, []writeCase{
			{"announces a round its organisation organises", editorKey, announce(w.agency), allowed},
			{"announces a round a unit in its scope organises", editorKey, announce(w.team), allowed},
			{"announces none for an outside organiser", editorKey, announce(w.other), forbidden},
			{"announces none for the parent of its scope", teamEditorKey, announce(w.agency), forbidden},
			{"reviewers announce no round", reviewerKey, announce(w.agency), forbidden},
			{"partner keys announce no round", partnerKey, announce(w.uni), forbidden},
			{"an unknown role announces no round", unknownRole, announce(w.agency), forbidden},
			{"anonymous callers announce no round", anonymous, announce(w.agency), unauthenticated},
			{"ADMIN announces any round", adminKey, announce(w.other), allowed},

			{"changes a round its scope organises", editorKey, rename(r.rdRev), allowed},
			{"changes no round organised outside its scope", editorKey, rename(r.rdO), forbidden},
			{"changes no round organised by the parent of its scope", teamEditorKey, rename(r.rdRev), forbidden},
			{"hands a round to another unit of its scope", editorKey, move(r.rdRev, w.team), allowed},
			{"hands no round to an outside organiser", editorKey, move(r.rdRev, w.other), forbidden},
			{"takes over no outside round", editorKey, move(r.rdO, w.agency), forbidden},
			{"bulk change of rounds all in scope", editorKey, rename(r.rdRev, r.rdClosed), allowed},
			{"bulk change with one round outside scope", editorKey, rename(r.rdRev, r.rdO), forbidden},
			{"bulk change matching no round", editorKey, rename(noID, noID-1), forbidden},
			{"bulk hand-over of its rounds to an outside organiser", editorKey, func(ctx context.Context, c *ent.Client) error {
				return c.CompetitionRound.Update().Where(competitionround.IDIn(r.rdRev, r.rdClosed)).SetOrganizerID(w.other).Exec(ctx)
			}, forbidden},
			{"cancels a round its scope organises", editorKey, cancel(w.agency), allowed},
			{"cancels no round organised outside its scope", editorKey, cancel(w.other), forbidden},
			{"ADMIN changes any round", adminKey, move(r.rdO, w.agency), allowed},
		})
	})
}

func TestCompetitionApplicationWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		r := newRegisters(t, w)
		prj := mk(w.c.Project.Create().SetName("新申报项目").Save(sys())).ID
		apply := func(rd, applicant int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				return saved(c.CompetitionApplication.Create().SetRoundID(rd).SetApplicantID(applicant).SetProjectID(prj).
					SetSubmittedOn(day(6)).Save(ctx))
			}
		}
		withdraw := func(ids ...int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.CompetitionApplication.UpdateOneID(ids[0]).SetWithdrawn(true).Exec(ctx)
				}
				return c.CompetitionApplication.Update().Where(competitionapplication.IDIn(ids...)).SetWithdrawn(true).Exec(ctx)
			}
		}
		drop := func(rd, applicant int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				a, err := c.CompetitionApplication.Create().SetRoundID(rd).SetApplicantID(applicant).SetProjectID(prj).
					SetSubmittedOn(day(6)).Save(sys())
				if err != nil {
					return err
				}
				return c.CompetitionApplication.DeleteOneID(a.ID).Exec(ctx)
			}
		}
		w.runWrites(t, []writeCase{
			{"applies to an outside round for its organisation", editorKey, apply(r.rdO, w.agency), allowed},
			{"applies for a unit in its scope", editorKey, apply(r.rdRev, w.team), allowed},
			// Organising a round does not make its applicants the scope's.
			{"applies for no outside organisation, not even to its own round", editorKey, apply(r.rdRev, w.other), forbidden},
			{"applies for no outside organisation to an outside round", editorKey, apply(r.rdO, w.other), forbidden},
			{"applies for nobody for the parent of its scope", teamEditorKey, apply(r.rdO, w.agency), forbidden},
			{"reviewers apply for nobody", reviewerKey, apply(r.rdO, w.agency), forbidden},
			{"partner keys apply for nobody", partnerKey, apply(r.rdO, w.uni), forbidden},
			{"an unknown role applies for nobody", unknownRole, apply(r.rdO, w.agency), forbidden},
			{"anonymous callers apply for nobody", anonymous, apply(r.rdO, w.agency), unauthenticated},
			{"ADMIN applies for anybody", adminKey, apply(r.rdO, w.other), allowed},

			{"withdraws its own application to an outside round", editorKey, withdraw(r.appOA), allowed},
			{"changes an outside applicant's application to a round it organises", editorKey, withdraw(r.appRevO), allowed},
			{"changes no application of an outside applicant to an outside round", editorKey, withdraw(r.appOO), forbidden},
			{"withdraws its own application to a round of its parent", teamEditorKey, withdraw(r.appRevT), allowed},
			{"changes no application to its parent's round that is not its own", teamEditorKey, withdraw(r.appRevO), forbidden},
			{"reviewers withdraw nothing", reviewerKey, withdraw(r.appOA), forbidden},
			{"bulk change of its own and its round's applications", editorKey, withdraw(r.appOA, r.appRevO), allowed},
			{"bulk change with one application of neither", editorKey, withdraw(r.appOA, r.appOO), forbidden},
			{"bulk change matching no application", editorKey, withdraw(noID, noID-1), forbidden},
			{"deletes its own application", editorKey, drop(r.rdO, w.agency), allowed},
			{"deletes an application to a round it organises", editorKey, drop(r.rdRev, w.other), allowed},
			{"deletes no application of neither", editorKey, drop(r.rdO, w.other), forbidden},
			{"ADMIN changes any application", adminKey, withdraw(r.appOO), allowed},
		})
	})
}

// CompetitionReview and CompetitionAward: only the organiser's editors
// judge, never the applicant's.
func TestCompetitionResultWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		r := newRegisters(t, w)
		score := func(app int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				return saved(c.CompetitionReview.Create().SetApplicationID(app).SetReviewer("B").SetScore(91).Save(ctx))
			}
		}
		rescore := func(ids ...int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.CompetitionReview.UpdateOneID(ids[0]).SetScore(60).Exec(ctx)
				}
				return c.CompetitionReview.Update().Where(competitionreview.IDIn(ids...)).SetScore(60).Exec(ctx)
			}
		}
		unscore := func(ids ...int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.CompetitionReview.DeleteOneID(ids[0]).Exec(ctx)
				}
				return saved(c.CompetitionReview.Delete().Where(competitionreview.IDIn(ids...)).Exec(ctx))
			}
		}
		award := func(app int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				return saved(c.CompetitionAward.Create().SetApplicationID(app).SetRank(2).SetAmount(20000).Save(ctx))
			}
		}
		rerank := func(ids ...int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.CompetitionAward.UpdateOneID(ids[0]).SetRank(3).Exec(ctx)
				}
				return c.CompetitionAward.Update().Where(competitionaward.IDIn(ids...)).SetRank(3).Exec(ctx)
			}
		}
		unaward := func(ids ...int) mutation {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.CompetitionAward.DeleteOneID(ids[0]).Exec(ctx)
				}
				return saved(c.CompetitionAward.Delete().Where(competitionaward.IDIn(ids...)).Exec(ctx))
			}
		}
		w.runWrites(t, []writeCase{
			{"scores its scope's application to its round", editorKey, score(r.appRevT), allowed},
			{"scores an outside application to its round", editorKey, score(r.appRevO), allowed},
			{"scores not its own application to an outside round", editorKey, score(r.appOA), forbidden},
			{"scores no application to an outside round", editorKey, score(r.appOO), forbidden},
			{"scores no missing application", editorKey, score(noID), forbidden},
			{"scores not its own application to its parent's round", teamEditorKey, score(r.appRevT), forbidden},
			{"reviewers score nothing", reviewerKey, score(r.appRevT), forbidden},
			{"partner keys score nothing", partnerKey, score(r.appRevT), forbidden},
			{"an unknown role scores nothing", unknownRole, score(r.appRevT), forbidden},
			{"anonymous callers score nothing", anonymous, score(r.appRevT), unauthenticated},
			{"ADMIN scores anything", adminKey, score(r.appOO), allowed},
			{"changes a score of its round", editorKey, rescore(r.rvRevT), allowed},
			{"changes a score of an outside application to its round", editorKey, rescore(r.rvRevO), allowed},
			{"changes no score of its own application to an outside round", editorKey, rescore(r.rvOA), forbidden},
			{"changes no score of an outside round", editorKey, rescore(r.rvOO), forbidden},
			{"changes no score of its own application to its parent's round", teamEditorKey, rescore(r.rvRevT), forbidden},
			{"bulk change of scores all of its rounds", editorKey, rescore(r.rvRevT, r.rvRevO, r.rvClosed), allowed},
			{"bulk change with one score of its own application elsewhere", editorKey, rescore(r.rvRevT, r.rvOA), forbidden},
			{"bulk change matching no score", editorKey, rescore(noID, noID-1), forbidden},
			{"deletes a score of its round", editorKey, unscore(r.rvRevO), allowed},
			{"deletes no score of an outside round", editorKey, unscore(r.rvOO), forbidden},
			{"bulk deletion with one score of an outside round", editorKey, unscore(r.rvRevT, r.rvOO), forbidden},

			{"awards an outside application to its round", editorKey, award(r.appRevO), allowed},
			{"awards not its own application to an outside round", editorKey, award(r.appOA), forbidden},
			{"awards no application to an outside round", editorKey, award(r.appOO), forbidden},
			{"awards no missing application", editorKey, award(noID), forbidden},
			{"awards not its own application to its parent's round", teamEditorKey, award(r.appRevO), forbidden},
			{"reviewers award nothing", reviewerKey, award(r.appRevO), forbidden},
			{"anonymous callers award nothing", anonymous, award(r.appRevO), unauthenticated},
			{"ADMIN awards anything", adminKey, award(r.appRevO), allowed},
			{"changes an award of its round", editorKey, rerank(r.awRevT), allowed},
			{"changes no award of its own application to an outside round", editorKey, rerank(r.awOA), forbidden},
			{"changes no award of an outside round", editorKey, rerank(r.awOO), forbidden},
			{"bulk change of awards all of its rounds", editorKey, rerank(r.awRevT, r.awClosed), allowed},
			{"bulk change with one award of an outside round", editorKey, rerank(r.awRevT, r.awOO), forbidden},
			{"bulk change matching no award", editorKey, rerank(noID, noID-1), forbidden},
			{"withdraws an award of its round", editorKey, unaward(r.awRevT), allowed},
			{"withdraws no award of its own application elsewhere", editorKey, unaward(r.awOA), forbidden},
			{"bulk withdrawal of awards all of its rounds", editorKey, unaward(r.awRevT, r.awClosed), allowed},
			{"bulk withdrawal with one award of an outside round", editorKey, unaward(r.awRevT, r.awOO), forbidden},
			{"bulk withdrawal matching no award", editorKey, unaward(noID, noID-1), forbidden},
			{"ADMIN changes any award", adminKey, rerank(r.awOO), allowed},
		})
	})
}

// The read rule of scores and awards (CompetitionResultRounds): those of
// CLOSED rounds are public; before then only ADMIN (and system callers)
// and the organiser's EDITORs read them — not the applicant's, not a
// REVIEWER of the organiser, whatever path the query takes.
func TestCompetitionResultsRead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		r := newRegisters(t, w)
		reviewsOf := map[int][]int{r.appRevT: {r.rvRevT}, r.appRevO: {r.rvRevO}, r.appClosedT: {r.rvClosed}, r.appOA: {r.rvOA}, r.appOO: {r.rvOO}}
		awardOf := map[int]int{r.appRevT: r.awRevT, r.appClosedT: r.awClosed, r.appOA: r.awOA, r.appOO: r.awOO}
		allReviews := []int{r.rvRevT, r.rvRevO, r.rvClosed, r.rvOA, r.rvOO}
		allAwards := []int{r.awRevT, r.awClosed, r.awOA, r.awOO}
		for _, tc := range []struct {
			name            string
			ctx             context.Context
			reviews, awards []int
		}{
			{"anonymous", w.as(anonymous), []int{r.rvClosed}, []int{r.awClosed}},
			{"PARTNER", w.as(partnerKey), []int{r.rvClosed}, []int{r.awClosed}},
			// Same scope as the organiser's EDITOR, but not an EDITOR.
			{"REVIEWER of the organiser", w.as(reviewerKey), []int{r.rvClosed}, []int{r.awClosed}},
			{"unknown role", w.as(unknownRole), []int{r.rvClosed}, []int{r.awClosed}},
			{"EDITOR of an applicant only", w.as(teamEditorKey), []int{r.rvClosed}, []int{r.awClosed}},
			{"EDITOR with an empty scope", w.as(scopeless), []int{r.rvClosed}, []int{r.awClosed}},
			// The agency organises rdRev and rdClosed and applied to rdO.
			{"EDITOR of the organiser", w.as(editorKey), []int{r.rvRevT, r.rvRevO, r.rvClosed}, []int{r.awRevT, r.awClosed}},
			// Other organises rdO and applied to rdRev.
			{"EDITOR of the other organiser", w.otherEditor(), []int{r.rvClosed, r.rvOA, r.rvOO}, []int{r.awClosed, r.awOA, r.awOO}},
			{"ADMIN", w.as(adminKey), allReviews, allAwards},
			{"operator", w.as(operator), allReviews, allAwards},
		} {
			t.Run(tc.name, func(t *testing.T) {
				ctx := tc.ctx
				n, err := w.c.CompetitionReview.Query().Count(ctx)
				if err != nil || n != len(tc.reviews) {
					t.Fatalf("review count %d, %v; want %d", n, err, len(tc.reviews))
				}
				ids, err := w.c.CompetitionReview.Query().IDs(ctx)
				if err != nil {
					t.Fatal(err)
				}
				sameIDs(t, ids, tc.reviews)
				awards, err := w.c.CompetitionAward.Query().All(ctx)
				if err != nil {
					t.Fatal(err)
				}
				ids = nil
				for _, a := range awards {
					ids = append(ids, a.ID)
				}
				sameIDs(t, ids, tc.awards)

				// From each application (applications are public), by edge
				// and by eager loading, the same rows.
				visible := func(of []int, seen []int) []int {
					var out []int
					for _, id := range of {
						if slices.Contains(seen, id) {
							out = append(out, id)
						}
					}
					return out
				}
				apps, err := w.c.CompetitionApplication.Query().All(ctx)
				if err != nil || len(apps) != len(reviewsOf) {
					t.Fatalf("%d applications, %v; want all %d", len(apps), err, len(reviewsOf))
				}
				for _, app := range apps {
					want := visible(reviewsOf[app.ID], tc.reviews)
					got, err := app.QueryReviews().IDs(ctx)
					if err != nil {
						t.Fatal(err)
					}
					sameIDs(t, got, want)
					n, err := app.QueryReviews().Count(ctx)
					if err != nil || n != len(want) {
						t.Fatalf("application %d: %d reviews, %v; want %d", app.ID, n, err, len(want))
					}
					wantAward := visible([]int{awardOf[app.ID]}, tc.awards)
					got, err = app.QueryAward().IDs(ctx)
					if err != nil {
						t.Fatal(err)
					}
					sameIDs(t, got, wantAward)
				}
				loaded, err := w.c.CompetitionApplication.Query().WithReviews().WithAward().All(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, app := range loaded {
					var got []int
					for _, rv := range app.Edges.Reviews {
						got = append(got, rv.ID)
					}
					sameIDs(t, got, visible(reviewsOf[app.ID], tc.reviews))
					got = nil
					if app.Edges.Award != nil {
						got = append(got, app.Edges.Award.ID)
					}
					sameIDs(t, got, visible([]int{awardOf[app.ID]}, tc.awards))
				}
				// And from a round, down the edges.
				rd, err := w.c.CompetitionRound.Get(ctx, r.rdRev)
				if err != nil {
					t.Fatal(err)
				}
				got, err := rd.QueryApplications().QueryReviews().IDs(ctx)
				if err != nil {
					t.Fatal(err)
				}
				sameIDs(t, got, visible([]int{r.rvRevT, r.rvRevO}, tc.reviews))
			})
		}

		// An edge predicate is a subquery that no query rule sees: asked
		// directly of ent, HasAward counts the awards of rounds still
		// under review even for an anonymous caller. The API therefore
		// leaves the score and award edges out of every where input
		// (notFilterable), and this test fails if one is added.
		n, err := w.c.CompetitionApplication.Query().Where(competitionapplication.HasAward()).Count(w.as(anonymous))
		if err != nil || n != len(allAwards) {
			t.Fatalf("HasAward as anonymous: %d, %v; want the unfiltered %d", n, err, len(allAwards))
		}
		for typ, hidden := range map[reflect.Type][]string{
			reflect.TypeFor[ent.CompetitionApplicationWhereInput](): {"HasReviews", "HasReviewsWith", "HasAward", "HasAwardWith"},
			reflect.TypeFor[ent.CompetitionReviewWhereInput]():      {"HasApplication", "HasApplicationWith"},
			reflect.TypeFor[ent.CompetitionAwardWhereInput]():       {"HasApplication", "HasApplicationWith"},
		} {
			for _, f := range hidden {
				if _, ok := typ.FieldByName(f); ok {
					t.Errorf("%s.%s: the API filters on a result edge, which the read rule does not narrow", typ.Name(), f)
				}
			}
		}
	})
}

// The pre-checks of the registers and competitions (authorize_registers.go)
// agree with the write rules above; a missing id is refused like an
// outside one.
func TestRegistersPreChecks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		r := newRegisters(t, w)
		c := w.c
		ptr := func(id int) *int { return &id }
		for _, tc := range []struct {
			name string
			who  who
			call func(ctx context.Context) error
			want error
		}{
			{"records coverage in its scope", editorKey, func(ctx context.Context) error { return policy.MayRecordPartyCoverage(ctx, c, w.team) }, nil},
			{"records no coverage outside its scope", editorKey, func(ctx context.Context) error { return policy.MayRecordPartyCoverage(ctx, c, w.other) }, auth.ErrForbidden},
			{"a missing organisation is refused like an outside one", editorKey, func(ctx context.Context) error { return policy.MayRecordPartyCoverage(ctx, c, noID) }, auth.ErrForbidden},
			{"reviewers record no coverage", reviewerKey, func(ctx context.Context) error { return policy.MayRecordPartyCoverage(ctx, c, w.agency) }, auth.ErrForbidden},
			{"partner keys record no coverage", partnerKey, func(ctx context.Context) error { return policy.MayRecordPartyCoverage(ctx, c, w.uni) }, auth.ErrForbidden},
			{"anonymous callers record no coverage", anonymous, func(ctx context.Context) error { return policy.MayRecordPartyCoverage(ctx, c, w.agency) }, auth.ErrUnauthenticated},
			{"ADMIN records any coverage", adminKey, func(ctx context.Context) error { return policy.MayRecordPartyCoverage(ctx, c, w.other) }, nil},

			{"opens a point it runs", editorKey, func(ctx context.Context) error { return policy.MayCreateServicePoint(ctx, c, w.agency, nil, nil) }, nil},
			{"opens a point it leads", editorKey, func(ctx context.Context) error {
				return policy.MayCreateServicePoint(ctx, c, w.other, ptr(w.partyIn), nil)
			}, nil},
			{"opens no outside point", editorKey, func(ctx context.Context) error { return policy.MayCreateServicePoint(ctx, c, w.other, nil, nil) }, auth.ErrForbidden},
			{"opens no point run and led from outside", editorKey, func(ctx context.Context) error {
				return policy.MayCreateServicePoint(ctx, c, w.other, ptr(w.partyOut), nil)
			}, auth.ErrForbidden},
			{"a missing operator is refused like an outside one", editorKey, func(ctx context.Context) error { return policy.MayCreateServicePoint(ctx, c, noID, nil, nil) }, auth.ErrForbidden},
			{"anonymous callers open no point", anonymous, func(ctx context.Context) error { return policy.MayCreateServicePoint(ctx, c, w.agency, nil, nil) }, auth.ErrUnauthenticated},
			{"changes a point it runs", editorKey, func(ctx context.Context) error {
				return policy.MayChangeServicePoint(ctx, c, r.spOp, nil, nil, false, nil)
			}, nil},
			{"changes a point it leads", editorKey, func(ctx context.Context) error {
				return policy.MayChangeServicePoint(ctx, c, r.spLead, nil, nil, false, nil)
			}, nil},
			{"changes no outside point", editorKey, func(ctx context.Context) error {
				return policy.MayChangeServicePoint(ctx, c, r.spOut, nil, nil, false, nil)
			}, auth.ErrForbidden},
			{"a missing point is refused like an outside one", editorKey, func(ctx context.Context) error {
				return policy.MayChangeServicePoint(ctx, c, noID, nil, nil, false, nil)
			}, auth.ErrForbidden},
			{"hands no point to an outside operator alone", editorKey, func(ctx context.Context) error {
				return policy.MayChangeServicePoint(ctx, c, r.spOp, ptr(w.other), nil, false, nil)
			}, auth.ErrForbidden},
			{"hands a point to an outside operator with its lead", editorKey, func(ctx context.Context) error {
				return policy.MayChangeServicePoint(ctx, c, r.spOp, ptr(w.other), ptr(w.partyIn), false, nil)
			}, nil},
			{"hands no point to an outside operator and lead", editorKey, func(ctx context.Context) error {
				return policy.MayChangeServicePoint(ctx, c, r.spOp, ptr(w.other), ptr(w.partyOut), false, nil)
			}, auth.ErrForbidden},
			{"takes over no outside point", editorKey, func(ctx context.Context) error {
				return policy.MayChangeServicePoint(ctx, c, r.spOut, ptr(w.agency), ptr(w.partyIn), false, nil)
			}, auth.ErrForbidden},
			{"sets an outside lead on a point it runs", editorKey, func(ctx context.Context) error {
				return policy.MayChangeServicePoint(ctx, c, r.spOp, nil, ptr(w.partyOut), false, nil)
			}, nil},
			{"hands the operator out of a point it keeps leading", editorKey, func(ctx context.Context) error {
				return policy.MayChangeServicePoint(ctx, c, r.spBoth, ptr(w.other), nil, false, nil)
			}, nil},
			{"clears the lead of a point it runs", editorKey, func(ctx context.Context) error {
				return policy.MayChangeServicePoint(ctx, c, r.spBoth, nil, nil, true, nil)
			}, nil},
			{"clears no lead that holds an outside-run point in its scope", editorKey, func(ctx context.Context) error {
				return policy.MayChangeServicePoint(ctx, c, r.spLead, nil, nil, true, nil)
			}, auth.ErrForbidden},
			{"opens a point for a project its scope takes part in", editorKey, func(ctx context.Context) error {
				return policy.MayCreateServicePoint(ctx, c, w.agency, nil, []int{w.prjA})
			}, nil},
			{"links a project its scope takes part in to a point it runs", editorKey, func(ctx context.Context) error {
				return policy.MayChangeServicePoint(ctx, c, r.spOp, nil, nil, false, []int{w.prjA})
			}, nil},
			{"links no project its scope takes no part in", editorKey, func(ctx context.Context) error {
				return policy.MayChangeServicePoint(ctx, c, r.spOp, nil, nil, false, []int{r.prjU})
			}, auth.ErrForbidden},
			{"links no list with one project its scope takes no part in", editorKey, func(ctx context.Context) error {
				return policy.MayCreateServicePoint(ctx, c, w.agency, nil, []int{w.prjA, r.prjU})
			}, auth.ErrForbidden},
			{"a missing project is refused like an outside one", editorKey, func(ctx context.Context) error {
				return policy.MayCreateServicePoint(ctx, c, w.agency, nil, []int{noID})
			}, auth.ErrForbidden},
			{"anonymous callers link no project", anonymous, func(ctx context.Context) error {
				return policy.MayChangeServicePoint(ctx, c, r.spOp, nil, nil, false, []int{w.prjA})
			}, auth.ErrUnauthenticated},
			{"ADMIN links any project", adminKey, func(ctx context.Context) error {
				return policy.MayChangeServicePoint(ctx, c, r.spOut, nil, nil, false, []int{r.prjU})
			}, nil},
			{"keeps the hours of a point it runs", editorKey, func(ctx context.Context) error { return policy.MayChangeServicePointHours(ctx, c, r.spOp) }, nil},
			{"keeps the hours of a point it leads", editorKey, func(ctx context.Context) error { return policy.MayChangeServicePointHours(ctx, c, r.spLead) }, nil},
			{"keeps no hours of an outside point", editorKey, func(ctx context.Context) error { return policy.MayChangeServicePointHours(ctx, c, r.spOut) }, auth.ErrForbidden},
			{"a missing point's hours are refused like an outside one's", editorKey, func(ctx context.Context) error { return policy.MayChangeServicePointHours(ctx, c, noID) }, auth.ErrForbidden},
			{"reviewers keep no hours", reviewerKey, func(ctx context.Context) error { return policy.MayChangeServicePointHours(ctx, c, r.spOp) }, auth.ErrForbidden},

			{"announces a round it organises", editorKey, func(ctx context.Context) error { return policy.MayCreateCompetitionRound(ctx, c, w.agency) }, nil},
			{"announces no round for an outside organiser", editorKey, func(ctx context.Context) error { return policy.MayCreateCompetitionRound(ctx, c, w.other) }, auth.ErrForbidden},
			{"a missing organiser is refused like an outside one", editorKey, func(ctx context.Context) error { return policy.MayCreateCompetitionRound(ctx, c, noID) }, auth.ErrForbidden},
			{"changes a round it organises", editorKey, func(ctx context.Context) error { return policy.MayChangeCompetitionRound(ctx, c, r.rdRev) }, nil},
			{"changes no outside round", editorKey, func(ctx context.Context) error { return policy.MayChangeCompetitionRound(ctx, c, r.rdO) }, auth.ErrForbidden},
			{"a missing round is refused like an outside one", editorKey, func(ctx context.Context) error { return policy.MayChangeCompetitionRound(ctx, c, noID) }, auth.ErrForbidden},
			{"anonymous callers change no round", anonymous, func(ctx context.Context) error { return policy.MayChangeCompetitionRound(ctx, c, r.rdRev) }, auth.ErrUnauthenticated},
			{"ADMIN changes any round", adminKey, func(ctx context.Context) error { return policy.MayChangeCompetitionRound(ctx, c, r.rdO) }, nil},
			{"applies for its scope", editorKey, func(ctx context.Context) error { return policy.MayApplyToCompetition(ctx, c, w.team) }, nil},
			{"applies for no outside organisation", editorKey, func(ctx context.Context) error { return policy.MayApplyToCompetition(ctx, c, w.other) }, auth.ErrForbidden},
			{"a missing applicant is refused like an outside one", editorKey, func(ctx context.Context) error { return policy.MayApplyToCompetition(ctx, c, noID) }, auth.ErrForbidden},
			{"changes its own application", editorKey, func(ctx context.Context) error { return policy.MayChangeCompetitionApplication(ctx, c, r.appOA) }, nil},
			{"changes an application to its round", editorKey, func(ctx context.Context) error { return policy.MayChangeCompetitionApplication(ctx, c, r.appRevO) }, nil},
			{"changes no application of neither", editorKey, func(ctx context.Context) error { return policy.MayChangeCompetitionApplication(ctx, c, r.appOO) }, auth.ErrForbidden},
			{"a missing application is refused like an outside one", editorKey, func(ctx context.Context) error { return policy.MayChangeCompetitionApplication(ctx, c, noID) }, auth.ErrForbidden},
			{"judges an application to its round", editorKey, func(ctx context.Context) error { return policy.MayJudgeCompetitionApplication(ctx, c, r.appRevO) }, nil},
			{"judges not its own application to an outside round", editorKey, func(ctx context.Context) error { return policy.MayJudgeCompetitionApplication(ctx, c, r.appOA) }, auth.ErrForbidden},
			{"judges no application to an outside round", editorKey, func(ctx context.Context) error { return policy.MayJudgeCompetitionApplication(ctx, c, r.appOO) }, auth.ErrForbidden},
			{"a missing application is refused like an outside one in judging", editorKey, func(ctx context.Context) error { return policy.MayJudgeCompetitionApplication(ctx, c, noID) }, auth.ErrForbidden},
			{"reviewers judge nothing", reviewerKey, func(ctx context.Context) error { return policy.MayJudgeCompetitionApplication(ctx, c, r.appRevO) }, auth.ErrForbidden},
			{"anonymous callers judge nothing", anonymous, func(ctx context.Context) error { return policy.MayJudgeCompetitionApplication(ctx, c, r.appRevO) }, auth.ErrUnauthenticated},
			{"ADMIN judges anything", adminKey, func(ctx context.Context) error { return policy.MayJudgeCompetitionApplication(ctx, c, r.appOO) }, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				// The bare sentinel, as authorize_test.go checks.
				if err := tc.call(w.as(tc.who)); err != tc.want {
					t.Fatalf("%s: %v, want %v", tc.who, err, tc.want)
				}
			})
		}
	})
}
