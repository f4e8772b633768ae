package policy_test

import (
	"context"
	"testing"
	"time"

	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/outcome"
	"github.com/tongxing/tongxing/ent/partnership"
	"github.com/tongxing/tongxing/ent/partybuildinglink"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/ent/projectparticipation"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/ent/servicerecord"
)

// The mutation rules, entity by entity. Each table says, for one rule, who
// may make which write: inside the EDITOR's scope, just outside it (the
// parent of a team key's scope, an unrelated agency), and the writes that
// would widen the scope (moving a row in or out of it). Every write a rule
// checks row by row is also tried in bulk, once with a row outside the scope
// among rows inside it and once matching no row at all.

// noID matches no row: bulk writes "of nothing" are refused by the rules
// that require every touched row to be in scope (there is none to vouch for).
const noID = -1

func TestOrganizationWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		create := func(parent int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				q := c.Organization.Create().SetName("新队").SetKind(organization.KindVOLUNTEER_TEAM).SetRegionID(w.town.ID)
				if parent != 0 {
					q.SetParentID(parent)
				}
				return saved(q.Save(ctx))
			}
		}
		rename := func(ids ...int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.Organization.UpdateOneID(ids[0]).SetDescription("改").Exec(ctx)
				}
				return c.Organization.Update().Where(organization.IDIn(ids...)).SetDescription("改").Exec(ctx)
			}
		}
		move := func(id, parent int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				return c.Organization.UpdateOneID(id).SetParentID(parent).Exec(ctx)
			}
		}
		dissolve := func(id int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				// The scope is the list of ids the key was issued with, so
				// only a fixture organisation can be deleted in scope; its
				// links go first, as the server would refuse the delete
				// (foreign keys) rather than the rule.
				if _, err := c.PartyBuildingLink.Delete().Where(partybuildinglink.Or(
					partybuildinglink.PartyOrganizationID(id), partybuildinglink.PartnerID(id))).Exec(sys()); err != nil {
					return err
				}
				return c.Organization.DeleteOneID(id).Exec(ctx)
			}
		}
		w.runWrites(t, []writeCase{
			{"creates under its own organisation", editorKey, create(w.agency), allowed},
			{"creates under a child in its scope", editorKey, create(w.team), allowed},
			// Mutant (a): an editor creates an organisation under any parent.
			{"creates no organisation under one outside its scope", editorKey, create(w.other), forbidden},
			{"creates nothing under the parent of its scope", teamEditorKey, create(w.agency), forbidden},
			{"creates no top-level organisation", editorKey, create(0), forbidden},
			{"reviewers create no organisation", reviewerKey, create(w.agency), forbidden},
			{"an unknown role creates nothing", unknownRole, create(w.agency), forbidden},
			{"partner keys are read-only", partnerKey, create(w.uni), forbidden},
			{"anonymous callers write nothing", anonymous, create(w.agency), unauthenticated},
			{"ADMIN creates a top-level organisation", adminKey, create(0), allowed},
			{"changes its own organisation", editorKey, rename(w.agency), allowed},
			{"changes a child in its scope", editorKey, rename(w.team), allowed},
			{"changes nothing outside its scope", editorKey, rename(w.other), forbidden},
			{"changes nothing above its scope", teamEditorKey, rename(w.agency), forbidden},
			{"reviewers change no organisation", reviewerKey, rename(w.agency), forbidden},
			{"moves a child within its scope", editorKey, move(w.partyIn, w.team), allowed},
			{"moves no child out of its scope", editorKey, move(w.team, w.other), forbidden},
			{"moves no foreign organisation into its scope", editorKey, move(w.other, w.agency), forbidden},
			{"bulk change of rows all in scope", editorKey, rename(w.team, w.partyIn), allowed},
			{"bulk change with one row outside scope", editorKey, rename(w.team, w.other), forbidden},
			{"bulk change matching no row", editorKey, rename(noID, noID-1), forbidden},
			{"deletes an organisation in its scope", editorKey, dissolve(w.partyIn), allowed},
			{"deletes none outside its scope", editorKey, dissolve(w.partyOut), forbidden},
			{"ADMIN changes any organisation", adminKey, move(w.other, w.agency), allowed},
		})
	})
}

// PartyBuildingLink and Partnership: a write is the editor's when either
// side of the link is within its scope.
func TestLinkWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		link := func(party, partner int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				return saved(c.PartyBuildingLink.Create().SetPartyOrganizationID(party).SetPartnerID(partner).
					SetLinkType("JOINT_BUILDING").SetStartedOn(day(0)).Save(ctx))
			}
		}
		changeLinks := func(ids ...int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.PartyBuildingLink.UpdateOneID(ids[0]).SetAgreementSummary("共建").Exec(ctx)
				}
				return c.PartyBuildingLink.Update().Where(partybuildinglink.IDIn(ids...)).SetAgreementSummary("共建").Exec(ctx)
			}
		}
		deleteLink := func(id int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error { return c.PartyBuildingLink.DeleteOneID(id).Exec(ctx) }
		}
		ship := func(org, partner int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				return saved(c.Partnership.Create().SetOrganizationID(org).SetPartnerID(partner).
					SetKind("SUPERVISION").SetStartedOn(day(0)).Save(ctx))
			}
		}
		changeShips := func(ids ...int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.Partnership.UpdateOneID(ids[0]).SetDescription("督导").Exec(ctx)
				}
				return c.Partnership.Update().Where(partnership.IDIn(ids...)).SetDescription("督导").Exec(ctx)
			}
		}
		w.runWrites(t, []writeCase{
			// Mutant (b): an editor links any Party organisation.
			{"links its Party branch to an outside partner", editorKey, link(w.partyIn, w.other), allowed},
			{"links an outside Party organisation to its own unit", editorKey, link(w.partyOut, w.team), allowed},
			{"links its Party branch to its own unit", editorKey, link(w.partyIn, w.agency), allowed},
			{"links no two organisations both outside its scope", editorKey, link(w.partyOut, w.other), forbidden},
			{"links nothing for a Party branch above its scope", teamEditorKey, link(w.partyIn, w.other), forbidden},
			{"reviewers link nothing", reviewerKey, link(w.partyIn, w.agency), forbidden},
			{"partner keys link nothing", partnerKey, link(w.partyOut, w.uni), forbidden},
			{"anonymous callers link nothing", anonymous, link(w.partyIn, w.agency), unauthenticated},
			{"ADMIN links any two", adminKey, link(w.partyOut, w.other), allowed},
			{"changes a link whose Party side is in scope", editorKey, changeLinks(w.linkPartyIn), allowed},
			{"changes a link whose partner side is in scope", editorKey, changeLinks(w.linkPartnerIn), allowed},
			{"changes no link with neither side in scope", editorKey, changeLinks(w.linkOut), forbidden},
			{"bulk change of links all in scope", editorKey, changeLinks(w.linkPartyIn, w.linkPartnerIn), allowed},
			{"bulk change with one link outside scope", editorKey, changeLinks(w.linkPartyIn, w.linkOut), forbidden},
			{"bulk change matching no link", editorKey, changeLinks(noID, noID-1), forbidden},
			{"ends a link of its scope", editorKey, deleteLink(w.linkPartnerIn), allowed},
			{"ends no link outside its scope", editorKey, deleteLink(w.linkOut), forbidden},

			{"partnership led from its scope with an outside partner", editorKey, ship(w.agency, w.other), allowed},
			{"partnership with its unit as the partner", editorKey, ship(w.uni, w.team), allowed},
			{"no partnership between two outside organisations", editorKey, ship(w.other, w.uni), forbidden},
			{"no partnership for the parent of its scope", teamEditorKey, ship(w.agency, w.other), forbidden},
			{"reviewers make no partnership", reviewerKey, ship(w.agency, w.other), forbidden},
			{"partner keys make no partnership", partnerKey, ship(w.uni, w.team), forbidden},
			{"anonymous callers make no partnership", anonymous, ship(w.agency, w.other), unauthenticated},
			{"changes a partnership led from its scope", editorKey, changeShips(w.shipOrgIn), allowed},
			{"changes a partnership its unit is partner in", editorKey, changeShips(w.shipPartnerIn), allowed},
			{"changes no partnership outside its scope", editorKey, changeShips(w.shipOut), forbidden},
			{"bulk change of partnerships all in scope", editorKey, changeShips(w.shipOrgIn, w.shipPartnerIn), allowed},
			{"bulk change with one partnership outside scope", editorKey, changeShips(w.shipOrgIn, w.shipOut), forbidden},
			{"bulk change matching no partnership", editorKey, changeShips(noID, noID-1), forbidden},
			{"ADMIN changes any partnership", adminKey, changeShips(w.shipOut), allowed},
		})
	})
}

// Project, ProjectParticipation and Outcome turn on which organisation
// LEADs a project: prjA is the agency's, prjO is other's with the team as a
// mere PARTNER.
func TestProjectWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		start := func(ctx context.Context, c *ent.Client) error {
			return saved(c.Project.Create().SetName("新项目").Save(ctx))
		}
		changeProjects := func(ids ...int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.Project.UpdateOneID(ids[0]).SetDescription("改").Exec(ctx)
				}
				return c.Project.Update().Where(project.IDIn(ids...)).SetDescription("改").Exec(ctx)
			}
		}
		join := func(prj, org int, role projectparticipation.Role) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				return saved(c.ProjectParticipation.Create().SetProjectID(prj).SetOrganizationID(org).SetRole(role).Save(ctx))
			}
		}
		changeParts := func(ids ...int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.ProjectParticipation.UpdateOneID(ids[0]).SetRole(projectparticipation.RoleMENTOR).Exec(ctx)
				}
				return c.ProjectParticipation.Update().Where(projectparticipation.IDIn(ids...)).
					SetRole(projectparticipation.RoleMENTOR).Exec(ctx)
			}
		}
		leave := func(id int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				return c.ProjectParticipation.DeleteOneID(id).Exec(ctx)
			}
		}
		measure := func(prj int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				return saved(c.Outcome.Create().SetProjectID(prj).SetIndicatorID(w.indicator).
					SetPeriodStart(day(0)).SetPeriodEnd(day(30)).SetActual(12).Save(ctx))
			}
		}
		changeOutcomes := func(ids ...int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.Outcome.UpdateOneID(ids[0]).SetActual(40).Exec(ctx)
				}
				return c.Outcome.Update().Where(outcome.IDIn(ids...)).SetActual(40).Exec(ctx)
			}
		}
		w.runWrites(t, []writeCase{
			// A sub-project counts in its parent's progress.
			{"hangs a sub-project under a project it leads", editorKey, func(ctx context.Context, c *ent.Client) error {
				return saved(c.Project.Create().SetName("子项目").SetParentID(w.prjA).Save(ctx))
			}, allowed},
			{"hangs no sub-project under a project it does not lead", editorKey, func(ctx context.Context, c *ent.Client) error {
				return saved(c.Project.Create().SetName("子项目").SetParentID(w.prjO).Save(ctx))
			}, forbidden},
			// Starting a project is open to editors: what makes it theirs
			// is the LEAD participation, checked below.
			{"starts a project", editorKey, start, allowed},
			// Naming itself LEAD of a project another organisation leads
			// would take it over; a project with no lead yet is one being
			// started.
			{"takes over no project another organisation leads", editorKey, join(w.prjO, w.agency, projectparticipation.RoleLEAD), forbidden},
			{"leads a project it starts", editorKey, func(ctx context.Context, c *ent.Client) error {
				prj, err := c.Project.Create().SetName("新项目").Save(sys())
				if err != nil {
					return err
				}
				return saved(c.ProjectParticipation.Create().SetProjectID(prj.ID).SetOrganizationID(w.agency).SetRole(projectparticipation.RoleLEAD).Save(ctx))
			}, allowed},
			{"makes no participant of a project it leads a LEAD for an outside organisation", editorKey, func(ctx context.Context, c *ent.Client) error {
				return c.ProjectParticipation.UpdateOneID(w.partnerOnA).SetRole(projectparticipation.RoleLEAD).Exec(ctx)
			}, forbidden},
			{"moves no participation to a project it does not lead", editorKey, func(ctx context.Context, c *ent.Client) error {
				return c.ProjectParticipation.UpdateOneID(w.partnerOnA).SetProjectID(w.prjO).Exec(ctx)
			}, forbidden},
			{"moves no outcome to a project it does not lead", editorKey, func(ctx context.Context, c *ent.Client) error {
				return c.Outcome.UpdateOneID(w.oA1).SetProjectID(w.prjO).Exec(ctx)
			}, forbidden},
			{"a team editor starts a project", teamEditorKey, start, allowed},
			{"reviewers start no project", reviewerKey, start, forbidden},
			{"partner keys start no project", partnerKey, start, forbidden},
			{"anonymous callers start no project", anonymous, start, unauthenticated},
			{"changes a project its scope leads", editorKey, changeProjects(w.prjA), allowed},
			{"changes no project its scope only takes part in", editorKey, changeProjects(w.prjO), forbidden},
			{"changes no project led above its scope", teamEditorKey, changeProjects(w.prjA), forbidden},
			{"bulk change with one project led outside scope", editorKey, changeProjects(w.prjA, w.prjO), forbidden},
			{"bulk change matching no project", editorKey, changeProjects(noID, noID-1), forbidden},
			{"ADMIN changes any project", adminKey, changeProjects(w.prjO), allowed},

			{"makes its own organisation LEAD", editorKey, join(w.prjA, w.team, projectparticipation.RoleLEAD), allowed},
			{"makes no outside organisation LEAD, even of its own project", editorKey, join(w.prjA, w.uni, projectparticipation.RoleLEAD), forbidden},
			{"adds its own organisation as a partner anywhere", editorKey, join(w.prjO, w.agency, projectparticipation.RolePARTNER), allowed},
			{"adds an outside organisation to a project it leads", editorKey, join(w.prjA, w.uni, projectparticipation.RoleFUNDER), allowed},
			{"adds no outside organisation to a project it does not lead", editorKey, join(w.prjO, w.uni, projectparticipation.RoleFUNDER), forbidden},
			{"adds no outside organisation to a project led above its scope", teamEditorKey, join(w.prjA, w.uni, projectparticipation.RoleFUNDER), forbidden},
			{"reviewers add no participant", reviewerKey, join(w.prjA, w.agency, projectparticipation.RolePARTNER), forbidden},
			{"changes a participant of a project it leads", editorKey, changeParts(w.partnerOnA), allowed},
			{"changes no participation in a project it does not lead, its own included", editorKey, changeParts(w.teamOnO), forbidden},
			{"bulk change of two participations of one project it leads", editorKey, changeParts(w.leadA, w.partnerOnA), allowed},
			{"bulk change with one participation of a project it does not lead", editorKey, changeParts(w.partnerOnA, w.teamOnO), forbidden},
			// Like every other rule: a write that touches no row is nobody's to allow.
			{"bulk change matching no participation", editorKey, changeParts(noID, noID-1), forbidden},
			{"removes a participant of a project it leads", editorKey, leave(w.partnerOnA), allowed},
			{"leaves no project it does not lead", editorKey, leave(w.teamOnO), forbidden},

			{"records an outcome of a project it leads", editorKey, measure(w.prjA), allowed},
			{"records no outcome of a project it only takes part in", editorKey, measure(w.prjO), forbidden},
			{"records no outcome of a project led above its scope", teamEditorKey, measure(w.prjA), forbidden},
			{"reviewers record no outcome", reviewerKey, measure(w.prjA), forbidden},
			{"changes an outcome of a project it leads", editorKey, changeOutcomes(w.oA1), allowed},
			{"changes no outcome of a project it does not lead", editorKey, changeOutcomes(w.oO), forbidden},
			{"bulk change of two outcomes of one project it leads", editorKey, changeOutcomes(w.oA1, w.oA2), allowed},
			{"bulk change with one outcome of a project it does not lead", editorKey, changeOutcomes(w.oA1, w.oO), forbidden},
			{"bulk change matching no outcome", editorKey, changeOutcomes(noID, noID-1), forbidden},
			{"ADMIN changes any outcome", adminKey, changeOutcomes(w.oO), allowed},
		})
	})
}

func TestActivityAndNeedWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		organise := func(org int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				return saved(c.Activity.Create().SetTitle("义诊").SetOrganizationID(org).SetRegionID(w.town.ID).
					SetStartsAt(day(2)).SetEndsAt(day(2).Add(2 * time.Hour)).Save(ctx))
			}
		}
		changeActivities := func(ids ...int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.Activity.UpdateOneID(ids[0]).SetPlace("文化礼堂").Exec(ctx)
				}
				return c.Activity.Update().Where(activity.IDIn(ids...)).SetPlace("文化礼堂").Exec(ctx)
			}
		}
		handOver := func(id, org int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				return c.Activity.UpdateOneID(id).SetOrganizationID(org).Exec(ctx)
			}
		}
		cancel := func(id int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				// The fixture's activities carry records; a fresh one of the
				// same organiser can be deleted without touching them.
				org := mk(c.Activity.Get(sys(), id)).OrganizationID
				a := mk(c.Activity.Create().SetTitle("取消").SetOrganizationID(org).SetRegionID(w.town.ID).
					SetStartsAt(day(3)).SetEndsAt(day(3)).Save(sys()))
				return c.Activity.DeleteOneID(a.ID).Exec(ctx)
			}
		}
		record := func(matched int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				q := c.Need.Create().SetTitle("助浴").SetDomainID(w.domain).SetRegionID(w.town.ID).SetOpenedAt(day(0))
				if matched != 0 {
					q.SetMatchedOrganizationID(matched)
				}
				return saved(q.Save(ctx))
			}
		}
		work := func(ids ...int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.Need.UpdateOneID(ids[0]).SetUrgency(need.UrgencyHIGH).Exec(ctx)
				}
				return c.Need.Update().Where(need.IDIn(ids...)).SetUrgency(need.UrgencyHIGH).Exec(ctx)
			}
		}
		match := func(id, org int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				return c.Need.UpdateOneID(id).SetMatchedOrganizationID(org).Exec(ctx)
			}
		}
		w.runWrites(t, []writeCase{
			// Activities and needs count in a project's figures: only
			// organisations taking part in the project attach them to it.
			{"adds an activity to a project its scope takes part in", editorKey, func(ctx context.Context, c *ent.Client) error {
				return saved(c.Activity.Create().SetTitle("义诊").SetOrganizationID(w.agency).SetProjectID(w.prjA).SetRegionID(w.town.ID).
					SetStartsAt(day(2)).SetEndsAt(day(2).Add(2 * time.Hour)).Save(ctx))
			}, allowed},
			{"adds no activity to a project its scope takes no part in", teamEditorKey, func(ctx context.Context, c *ent.Client) error {
				return saved(c.Activity.Create().SetTitle("义诊").SetOrganizationID(w.team).SetProjectID(w.prjA).SetRegionID(w.town.ID).
					SetStartsAt(day(2)).SetEndsAt(day(2).Add(2 * time.Hour)).Save(ctx))
			}, forbidden},
			{"moves no activity into a project its scope takes no part in", teamEditorKey, func(ctx context.Context, c *ent.Client) error {
				return c.Activity.UpdateOneID(w.actT).SetProjectID(w.prjA).Exec(ctx)
			}, forbidden},
			{"matches no need to a project its scope takes no part in", teamEditorKey, func(ctx context.Context, c *ent.Client) error {
				return saved(c.Need.Create().SetTitle("助餐").SetDomainID(w.domain).SetRegionID(w.town.ID).
					SetOpenedAt(day(1)).SetMatchedProjectID(w.prjA).Save(ctx))
			}, forbidden},
			{"organises an activity for a unit in its scope", editorKey, organise(w.team), allowed},
			{"organises none for an organisation outside its scope", editorKey, organise(w.other), forbidden},
			{"organises none for the parent of its scope", teamEditorKey, organise(w.agency), forbidden},
			{"reviewers organise nothing", reviewerKey, organise(w.agency), forbidden},
			{"partner keys organise nothing", partnerKey, organise(w.agency), forbidden},
			{"anonymous callers organise nothing", anonymous, organise(w.agency), unauthenticated},
			{"changes an activity of its scope", editorKey, changeActivities(w.actT), allowed},
			{"changes no activity outside its scope", editorKey, changeActivities(w.actO), forbidden},
			{"hands an activity over within its scope", editorKey, handOver(w.actT, w.agency), allowed},
			{"hands no activity out of its scope", editorKey, handOver(w.actA, w.other), forbidden},
			{"takes over no outside activity", editorKey, handOver(w.actO, w.agency), forbidden},
			{"bulk change of activities all in scope", editorKey, changeActivities(w.actA, w.actT), allowed},
			{"bulk change with one activity outside scope", editorKey, changeActivities(w.actA, w.actO), forbidden},
			{"bulk change matching no activity", editorKey, changeActivities(noID, noID-1), forbidden},
			{"cancels an activity of its scope", editorKey, cancel(w.actA), allowed},
			{"cancels none outside its scope", editorKey, cancel(w.actO), forbidden},
			{"ADMIN changes any activity", adminKey, handOver(w.actO, w.agency), allowed},

			{"records an unmatched need", editorKey, record(0), allowed},
			{"records a need matched to its scope", editorKey, record(w.team), allowed},
			{"records no need matched outside its scope", editorKey, record(w.other), forbidden},
			{"reviewers record no need", reviewerKey, record(0), forbidden},
			{"partner keys record no need", partnerKey, record(0), forbidden},
			{"anonymous callers record no need through the API rules", anonymous, record(0), unauthenticated},
			{"works on a need matched to its scope", editorKey, work(w.nT), allowed},
			{"works on an unmatched need", editorKey, work(w.nOpen), allowed},
			{"works on no need matched outside its scope", editorKey, work(w.nO), forbidden},
			{"works on no need matched above its scope", teamEditorKey, work(w.nA), forbidden},
			{"matches an open need to its scope", editorKey, match(w.nOpen, w.agency), allowed},
			{"matches no need to an outside organisation", editorKey, match(w.nOpen, w.other), forbidden},
			{"hands no need of its scope to an outside organisation", editorKey, match(w.nA, w.other), forbidden},
			{"takes over no need matched outside its scope", editorKey, match(w.nO, w.agency), forbidden},
			{"bulk work on needs of its scope and unmatched ones", editorKey, work(w.nA, w.nOpen), allowed},
			{"bulk work with one need matched outside scope", editorKey, work(w.nA, w.nO), forbidden},
			{"bulk work matching no need", editorKey, work(noID, noID-1), forbidden},
			{"ADMIN works on any need", adminKey, match(w.nO, w.agency), allowed},
		})
	})
}

// ServiceRecord: the organiser records (谁组织谁记录), the reviewer proves;
// records are evidence and are never deleted, not even by ADMIN.
func TestServiceRecordWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		logOn := func(p, act int, served time.Time) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				return saved(c.ServiceRecord.Create().SetPersonID(p).SetActivityID(act).SetServedOn(served).
					SetMinutes(90).SetRecordedBy("editor").Save(ctx))
			}
		}
		log := func(p, act int) func(context.Context, *ent.Client) error { return logOn(p, act, day(1)) }
		review := func(ids ...int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.ServiceRecord.UpdateOneID(ids[0]).SetStatus(servicerecord.StatusVERIFIED).SetReviewedBy("r").Exec(ctx)
				}
				return c.ServiceRecord.Update().Where(servicerecord.IDIn(ids...)).
					SetStatus(servicerecord.StatusVERIFIED).SetReviewedBy("r").Exec(ctx)
			}
		}
		erase := func(id int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error { return c.ServiceRecord.DeleteOneID(id).Exec(ctx) }
		}
		// leftThenLog ends the agency member's membership on left, then
		// logs their hours at the agency's activity on served.
		leftThenLog := func(left, served time.Time) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				if err := c.Membership.UpdateOneID(w.mA).SetLeftOn(left).Exec(sys()); err != nil {
					return err
				}
				return saved(c.ServiceRecord.Create().SetPersonID(w.pA).SetActivityID(w.actA).SetServedOn(served).
					SetMinutes(60).SetRecordedBy("editor").Save(ctx))
			}
		}
		left := time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC)
		beijing := calendar.Zone
		eraseAll := func(ctx context.Context, c *ent.Client) error {
			return saved(c.ServiceRecord.Delete().Where(servicerecord.ActivityID(w.actO)).Exec(ctx))
		}
		w.runWrites(t, []writeCase{
			{"logs a member's hours at an activity of its own", editorKey, log(w.pA, w.actA), allowed},
			{"logs a member's hours at an activity of a unit in its scope", editorKey, log(w.pT, w.actT), allowed},
			// Hours only for members of the activity's organisation or of
			// one under it: logging must not bring people into the scope.
			{"logs a team member's hours at the agency's activity (the team is under it)", editorKey, log(w.pT, w.actA), allowed},
			{"logs no hours of the agency's member at the team's activity", editorKey, log(w.pA, w.actT), forbidden},
			{"logs no hours for a visitor who is nobody's member", editorKey, log(w.pN, w.actA), forbidden},
			{"logs no more hours for a visitor who is not a member", editorKey, log(w.pV, w.actA), forbidden},
			{"logs no hours for an outside member at its activity", editorKey, log(w.pO, w.actA), forbidden},
			{"logs no hours for a member who left the day before", editorKey, leftThenLog(left, left.AddDate(0, 0, 1)), forbidden},
			{"logs hours for a member on the day they left", editorKey, leftThenLog(left, left.Add(20*time.Hour)), allowed},
			{"logs hours served before the member left", editorKey, leftThenLog(left, left.AddDate(0, 0, -3)), allowed},
			// Volunteers are often registered after they first served.
			{"logs hours served before the membership began", editorKey, logOn(w.pA, w.actA, day(-3)), allowed},
			// Days are calendar dates in the zone each value came in.
			{"the day served is its calendar date where it was given (still the day left)", editorKey,
				leftThenLog(left, time.Date(2025, 3, 4, 23, 0, 0, 0, beijing)), allowed},
			{"the day served is its calendar date where it was given (the day after)", editorKey,
				leftThenLog(left, time.Date(2025, 3, 5, 1, 0, 0, 0, beijing)), forbidden},
			{"logs nothing at an activity outside its scope", editorKey, log(w.pO, w.actO), forbidden},
			{"logs nothing at an activity above its scope", teamEditorKey, log(w.pA, w.actA), forbidden},
			{"logs nothing at an activity that does not exist", editorKey, log(w.pA, noID), forbidden},
			{"reviewers log no hours", reviewerKey, log(w.pA, w.actA), forbidden},
			{"partner keys log no hours", partnerKey, log(w.pU, w.actO), forbidden},
			{"anonymous callers log no hours", anonymous, log(w.pA, w.actA), unauthenticated},
			{"ADMIN logs hours anywhere", adminKey, log(w.pO, w.actO), allowed},
			{"editors review nothing, not even in their scope", editorKey, review(w.rA), forbidden},
			{"reviews a record of its scope", reviewerKey, review(w.rA), allowed},
			{"reviews a record of a unit in its scope", reviewerKey, review(w.rT), allowed},
			{"reviews no record outside its scope", reviewerKey, review(w.rO), forbidden},
			{"bulk review of records all in scope", reviewerKey, review(w.rA, w.rV), allowed},
			{"bulk review with one record outside scope", reviewerKey, review(w.rA, w.rO), forbidden},
			{"bulk review matching no record", reviewerKey, review(noID, noID-1), forbidden},
			{"partner keys review nothing", partnerKey, review(w.rU), forbidden},
			{"ADMIN reviews any record", adminKey, review(w.rO), allowed},
			// neverDeleted comes before everything, so even an anonymous
			// caller hears FORBIDDEN: there is nothing a key could change.
			{"ADMIN deletes no record", adminKey, erase(w.rO), forbidden},
			{"ADMIN deletes no records in bulk", adminKey, eraseAll, forbidden},
			{"editors delete no record of their scope", editorKey, erase(w.rA), forbidden},
			{"reviewers delete no record of their scope", reviewerKey, erase(w.rA), forbidden},
			{"anonymous callers delete no record", anonymous, erase(w.rA), forbidden},
			{"the operator deletes records (maintenance)", operator, erase(w.rO), allowed},
		})
	})
}

// Person and Membership: editors register people and enrol them in their
// scope; they change only people who are members of it.
func TestPersonAndMembershipWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		register := func(ctx context.Context, c *ent.Client) error {
			return saved(c.Person.Create().SetName("王五").SetVolunteerNumber("NEW1").Save(ctx))
		}
		changePeople := func(ids ...int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.Person.UpdateOneID(ids[0]).SetPhone("13800001234").Exec(ctx)
				}
				return c.Person.Update().Where(person.IDIn(ids...)).SetPhone("13800001234").Exec(ctx)
			}
		}
		enrol := func(p, org int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				return saved(c.Membership.Create().SetPersonID(p).SetOrganizationID(org).SetRole("STAFF").
					SetJoinedOn(day(5)).Save(ctx))
			}
		}
		changeMemberships := func(ids ...int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				if len(ids) == 1 {
					return c.Membership.UpdateOneID(ids[0]).SetLeftOn(day(9)).Exec(ctx)
				}
				return c.Membership.Update().Where(membership.IDIn(ids...)).SetLeftOn(day(9)).Exec(ctx)
			}
		}
		transfer := func(id, org int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error {
				return c.Membership.UpdateOneID(id).SetOrganizationID(org).Exec(ctx)
			}
		}
		expel := func(id int) func(context.Context, *ent.Client) error {
			return func(ctx context.Context, c *ent.Client) error { return c.Membership.DeleteOneID(id).Exec(ctx) }
		}
		w.runWrites(t, []writeCase{
			{"registers a person", editorKey, register, allowed},
			{"reviewers register nobody", reviewerKey, register, forbidden},
			{"partner keys register nobody", partnerKey, register, forbidden},
			{"anonymous callers register nobody", anonymous, register, unauthenticated},
			{"changes a member of its own organisation", editorKey, changePeople(w.pA), allowed},
			{"changes a member of a unit in its scope", editorKey, changePeople(w.pT), allowed},
			// The visitor is visible (PeopleRows) but belongs elsewhere.
			{"changes no visitor who only served at its activity", editorKey, changePeople(w.pV), forbidden},
			{"changes no member of an outside organisation", editorKey, changePeople(w.pO), forbidden},
			{"changes no member of the parent of its scope", teamEditorKey, changePeople(w.pA), forbidden},
			{"reviewers change nobody", reviewerKey, changePeople(w.pA), forbidden},
			{"bulk change of members all in scope", editorKey, changePeople(w.pA, w.pT), allowed},
			{"bulk change with one person outside scope", editorKey, changePeople(w.pA, w.pO), forbidden},
			{"bulk change matching nobody", editorKey, changePeople(noID, noID-1), forbidden},
			{"ADMIN changes anybody", adminKey, changePeople(w.pN), allowed},

			{"enrols a person in its own organisation", editorKey, enrol(w.pN, w.agency), allowed},
			// Enrolling is reading: a person who belongs to an outside
			// organisation (or belonged to its own) is joined by ADMIN.
			{"enrols nobody who belongs to an outside organisation", editorKey, enrol(w.pO, w.agency), forbidden},
			{"enrols its own member in another unit of its scope", editorKey, enrol(w.pA, w.team), allowed},
			{"moves no outside person into its membership", editorKey, func(ctx context.Context, c *ent.Client) error {
				return c.Membership.UpdateOneID(w.mA).SetPersonID(w.pO).Exec(ctx)
			}, forbidden},
			{"ADMIN enrols anybody", adminKey, enrol(w.pO, w.agency), allowed},
			{"enrols nobody in an outside organisation", editorKey, enrol(w.pA, w.other), forbidden},
			{"enrols nobody in the parent of its scope", teamEditorKey, enrol(w.pT, w.agency), forbidden},
			{"reviewers enrol nobody", reviewerKey, enrol(w.pN, w.agency), forbidden},
			{"changes a membership of its scope", editorKey, changeMemberships(w.mT), allowed},
			{"changes no membership outside its scope", editorKey, changeMemberships(w.mO), forbidden},
			{"transfers a membership within its scope", editorKey, transfer(w.mA, w.team), allowed},
			{"transfers no membership out of its scope", editorKey, transfer(w.mA, w.other), forbidden},
			{"takes over no outside membership", editorKey, transfer(w.mO, w.agency), forbidden},
			{"bulk change of memberships all in scope", editorKey, changeMemberships(w.mA, w.mT), allowed},
			{"bulk change with one membership outside scope", editorKey, changeMemberships(w.mA, w.mO), forbidden},
			{"bulk change matching no membership", editorKey, changeMemberships(noID, noID-1), forbidden},
			{"ends a membership of its scope", editorKey, expel(w.mT), allowed},
			{"ends no membership outside its scope", editorKey, expel(w.mO), forbidden},
			{"ADMIN changes any membership", adminKey, transfer(w.mO, w.agency), allowed},
		})
	})
}

// Public registers, credentials, the audit trail and change markers.
func TestAdministrativeWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		addRegion := func(ctx context.Context, c *ent.Client) error {
			return saved(c.Region.Create().SetCode("330411105").SetName("王店镇").SetLevel(region.LevelTOWN).
				SetParentID(w.district.ID).Save(ctx))
		}
		renameRegion := func(ctx context.Context, c *ent.Client) error {
			return c.Region.UpdateOneID(w.town.ID).SetName("新塍").Exec(ctx)
		}
		issueKey := func(ctx context.Context, c *ent.Client) error {
			return saved(c.APIKey.Create().SetName("new").SetPrefix("tx_fixture2").SetSecretHash("h2").Save(ctx))
		}
		revokeKey := func(ctx context.Context, c *ent.Client) error {
			return c.APIKey.UpdateOneID(w.key).SetRevokedAt(day(9)).Exec(ctx)
		}
		appendEvent := func(ctx context.Context, c *ent.Client) error {
			return saved(c.AuditEvent.Create().SetActor("k").SetAction("updateNeed").SetEntityType("Need").
				SetEntityID("9").Save(ctx))
		}
		rewriteEvent := func(ctx context.Context, c *ent.Client) error {
			// Every field of an event is immutable: an empty update still asks the rule.
			return c.AuditEvent.UpdateOneID(w.event).Exec(ctx)
		}
		eraseEvent := func(ctx context.Context, c *ent.Client) error {
			return c.AuditEvent.DeleteOneID(w.event).Exec(ctx)
		}
		mark := func(ctx context.Context, c *ent.Client) error {
			return saved(c.Tombstone.Create().SetUniversityID(w.uni).SetEntity("ACTIVITY").SetEntityID(w.actO).
				SetReason("DELETED").Save(ctx))
		}
		prune := func(ctx context.Context, c *ent.Client) error {
			return c.Tombstone.DeleteOneID(w.tombU).Exec(ctx)
		}
		w.runWrites(t, []writeCase{
			{"ADMIN maintains the public registers", adminKey, addRegion, allowed},
			{"ADMIN renames a division", adminKey, renameRegion, allowed},
			{"editors maintain no public register", editorKey, addRegion, forbidden},
			{"editors rename no division, not even their own", editorKey, renameRegion, forbidden},
			{"reviewers maintain no public register", reviewerKey, addRegion, forbidden},
			{"partner keys maintain no public register", partnerKey, addRegion, forbidden},
			{"anonymous callers maintain no public register", anonymous, addRegion, unauthenticated},

			{"ADMIN issues keys", adminKey, issueKey, allowed},
			{"ADMIN revokes keys", adminKey, revokeKey, allowed},
			{"editors issue no key", editorKey, issueKey, forbidden},
			{"editors revoke no key", editorKey, revokeKey, forbidden},
			{"partner keys issue no key", partnerKey, issueKey, forbidden},
			{"anonymous callers issue no key", anonymous, issueKey, unauthenticated},

			{"any key appends to the audit trail", editorKey, appendEvent, allowed},
			{"partner keys' reads append to the audit trail too", partnerKey, appendEvent, allowed},
			{"anonymous callers append nothing", anonymous, appendEvent, unauthenticated},
			{"ADMIN rewrites no audit event", adminKey, rewriteEvent, forbidden},
			{"ADMIN deletes no audit event", adminKey, eraseEvent, forbidden},
			{"the operator rewrites no audit event", operator, rewriteEvent, forbidden},
			{"editors delete no audit event", editorKey, eraseEvent, forbidden},
			{"anonymous callers are asked for a key first", anonymous, rewriteEvent, unauthenticated},

			// Tombstones are written by the partners package's hooks under
			// their own allow decision; no key writes one, and an anonymous
			// caller is refused as FORBIDDEN like everyone else.
			{"the operator writes change markers", operator, mark, allowed},
			{"the operator prunes change markers", operator, prune, allowed},
			{"ADMIN writes no change marker", adminKey, mark, forbidden},
			{"ADMIN prunes no change marker", adminKey, prune, forbidden},
			{"partner keys write no change marker", partnerKey, mark, forbidden},
			{"editors write no change marker", editorKey, mark, forbidden},
			{"anonymous callers write no change marker", anonymous, mark, forbidden},
		})
	})
}
