package server_test

import (
	"testing"
	"time"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/competitionround"
	"github.com/tongxing/tongxing/ent/partycoverage"
	"github.com/tongxing/tongxing/ent/servicepoint"
	"github.com/tongxing/tongxing/ent/servicepointhours"
	"github.com/tongxing/tongxing/input"
)

// registerWorld is what the tests of the registers (Party coverage,
// service points) and the competitions share, written through the system
// context: the agency's point, coverage and round, and the terms they use.
type registerWorld struct {
	guideCategory, guideSub, otherCategory *ent.Term
	canteenService                         *ent.Term
	point                                  *ent.ServicePoint
	coverage                               *ent.PartyCoverage
	// round is organised by the agency and under review; app is the
	// agency's application to it with fx.project.
	round, openRound *ent.CompetitionRound
	app              *ent.CompetitionApplication
}

func newRegisterWorld(t *testing.T, a *api) *registerWorld {
	t.Helper()
	ctx, c, fx := a.sys(), a.db.Client, a.fx
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w := &registerWorld{}
	guide, err := c.Taxonomy.Create().SetCode(input.TaxonomyPartyGuide).SetName("社会组织党建工作指引分类").Save(ctx)
	must(err)
	w.guideCategory, err = c.Term.Create().SetTaxonomy(guide).SetCode("public-welfare").SetName("公益慈善类").Save(ctx)
	must(err)
	w.guideSub, err = c.Term.Create().SetTaxonomy(guide).SetCode("elderly-service").SetName("养老服务").SetParent(w.guideCategory).Save(ctx)
	must(err)
	w.otherCategory, err = c.Term.Create().SetTaxonomy(guide).SetCode("community-service").SetName("城乡社区服务类").Save(ctx)
	must(err)
	services, err := c.Taxonomy.Create().SetCode(input.TaxonomyPointService).SetName("服务内容").Save(ctx)
	must(err)
	w.canteenService, err = c.Term.Create().SetTaxonomy(services).SetCode("dine-in").SetName("堂食").Save(ctx)
	must(err)

	w.point, err = c.ServicePoint.Create().SetName("新塍社区老年食堂").SetKind(servicepoint.KindCANTEEN).
		SetAddress("嘉兴市秀洲区新塍镇新塍社区1号").SetLatitude(30.8313).SetLongitude(120.6232).
		SetRegion(fx.community).SetOperator(fx.agency).AddServices(w.canteenService).AddProjects(fx.project).Save(ctx)
	must(err)
	for _, d := range []servicepointhours.Weekday{servicepointhours.WeekdayMONDAY, servicepointhours.WeekdayTUESDAY,
		servicepointhours.WeekdayWEDNESDAY, servicepointhours.WeekdayTHURSDAY, servicepointhours.WeekdayFRIDAY} {
		must(c.ServicePointHours.Create().SetServicePoint(w.point).SetWeekday(d).SetOpensAt(11 * 60).SetClosesAt(13 * 60).Exec(ctx))
	}
	since := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	w.coverage, err = c.PartyCoverage.Create().SetOrganization(fx.agency).SetMethod(partycoverage.MethodOWN_BRANCH).
		SetPartyOrganization(fx.party).SetStartedOn(since).SetCategory(w.guideCategory).Save(ctx)
	must(err)

	w.round, err = c.CompetitionRound.Create().SetName("2025年公益创投大赛").SetKind(competitionround.KindVENTURE_PHILANTHROPY).
		SetYear(2025).SetBudget(200000).SetOrganizer(fx.agency).SetApplicationsOpenOn(since).SetApplicationsCloseOn(since.AddDate(0, 2, 0)).
		SetStatus(competitionround.StatusREVIEWING).Save(ctx)
	must(err)
	w.openRound, err = c.CompetitionRound.Create().SetName("2026年志愿服务项目大赛").SetKind(competitionround.KindVOLUNTEER_PROJECT).
		SetYear(2026).SetOrganizer(fx.agency).SetApplicationsOpenOn(since).SetApplicationsCloseOn(time.Now().AddDate(1, 0, 0)).Save(ctx)
	must(err)
	w.app, err = c.CompetitionApplication.Create().SetRound(w.round).SetApplicant(fx.agency).SetProject(fx.project).
		SetSubmittedOn(since.AddDate(0, 1, 0)).SetRequestedAmount(50000).Save(ctx)
	must(err)
	return w
}
