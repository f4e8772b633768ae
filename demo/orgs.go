package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/partnership"
	"github.com/tongxing/tongxing/ent/partybuildinglink"
	"github.com/tongxing/tongxing/ent/region"
)

// ---- regions ----

func (s *seeder) seedRegions() error {
	s.regionByCode = map[string]*division{}
	s.province = &division{code: "33", name: "浙江省"}
	s.city = &division{code: "3304", name: "嘉兴市"}
	s.district = &division{code: DistrictCode, name: "秀洲区"}

	// One bulk statement per level: each level needs its parent's id.
	insert := func(level region.Level, parent *division, ds []*division, parents []*division) error {
		bs := make([]*ent.RegionCreate, len(ds))
		for i, d := range ds {
			p := parent
			if parents != nil {
				p = parents[i]
			}
			b := s.tx.Region.Create().SetCode(d.code).SetName(d.name).SetLevel(level)
			if p != nil {
				b.SetParentID(p.id)
			}
			bs[i] = b
		}
		rs, err := saveAll[ent.Region](s.ctx, bs, s.tx.Region.CreateBulk)
		if err != nil {
			return err
		}
		for i, r := range rs {
			ds[i].id = r.ID
			s.regionByCode[ds[i].code] = ds[i]
		}
		return nil
	}
	if err := insert(region.LevelPROVINCE, nil, []*division{s.province}, nil); err != nil {
		return err
	}
	if err := insert(region.LevelCITY, s.province, []*division{s.city}, nil); err != nil {
		return err
	}
	if err := insert(region.LevelDISTRICT, s.city, []*division{s.district}, nil); err != nil {
		return err
	}
	var townDivs, communities, parents []*division
	for _, def := range towns {
		t := &town{def: def}
		t.div = &division{code: def.Code, name: def.Name, town: t}
		s.towns = append(s.towns, t)
		townDivs = append(townDivs, t.div)
		for _, c := range def.Communities {
			d := &division{code: def.Code + c.Suffix, name: c.Name, town: t}
			t.communities = append(t.communities, d)
			communities = append(communities, d)
			parents = append(parents, t.div)
		}
	}
	if err := insert(region.LevelTOWN, s.district, townDivs, nil); err != nil {
		return err
	}
	return insert(region.LevelCOMMUNITY, nil, communities, parents)
}

// division looks a division up by code.
func (s *seeder) division(code string) *division {
	d, ok := s.regionByCode[code]
	if !ok {
		s.fail("unknown division code %q", code)
		return s.district
	}
	return d
}

// ---- taxonomies ----

func (s *seeder) seedTaxonomies() error {
	s.terms = map[string]int{}
	tbs := make([]*ent.TaxonomyCreate, len(taxonomies))
	for i, t := range taxonomies {
		tbs[i] = s.tx.Taxonomy.Create().SetCode(t.Code).SetName(t.Name).SetNameEn(t.NameEn)
	}
	taxs, err := saveAll[ent.Taxonomy](s.ctx, tbs, s.tx.Taxonomy.CreateBulk)
	if err != nil {
		return err
	}
	// Broader terms first, then the narrower ones that point at them.
	for _, narrower := range []bool{false, true} {
		var bs []*ent.TermCreate
		var keys []string
		for i, t := range taxonomies {
			for _, term := range t.Terms {
				if (term.Parent != "") != narrower {
					continue
				}
				b := s.tx.Term.Create().SetTaxonomyID(taxs[i].ID).SetCode(term.Code).SetName(term.Name).SetNameEn(term.NameEn)
				if narrower {
					b.SetParentID(s.term(t.Code, term.Parent))
				}
				bs = append(bs, b)
				keys = append(keys, t.Code+"/"+term.Code)
			}
		}
		created, err := saveAll[ent.Term](s.ctx, bs, s.tx.Term.CreateBulk)
		if err != nil {
			return err
		}
		for i, c := range created {
			s.terms[keys[i]] = c.ID
		}
	}
	return nil
}

func (s *seeder) term(taxonomy, code string) int {
	id, ok := s.terms[taxonomy+"/"+code]
	if !ok {
		s.fail("unknown term %s/%s", taxonomy, code)
	}
	return id
}

func (s *seeder) termIDs(taxonomy string, codes []string) []int {
	ids := make([]int, len(codes))
	for i, c := range codes {
		ids[i] = s.term(taxonomy, c)
	}
	return ids
}

// ---- organisations ----

type org struct {
	id          int
	name        string
	kind        organization.Kind
	legalForm   organization.LegalForm
	status      organization.RegistrationStatus
	creditCode  string
	region      *division
	town        *town // nil for district- or city-wide bodies
	parent      *org
	founded     time.Time
	grade       int
	phone       string
	address     string
	description string
	categories  []string // org-category term codes

	// members and partners feed the volunteer pools of activities.
	members  []*member
	partners []*org
}

func (s *seeder) addOrg(o *org) *org {
	if o.legalForm == "" {
		o.legalForm = organization.LegalFormNONE
	}
	if o.status == "" {
		o.status = organization.RegistrationStatusUNREGISTERED
	}
	if o.region != nil {
		o.town = o.region.town
	}
	if _, dup := s.orgByName[o.name]; dup {
		s.fail("duplicate organisation name %q", o.name)
	}
	s.orgs = append(s.orgs, o)
	s.orgByName[o.name] = o
	return o
}

// org looks an organisation up by its exact name.
func (s *seeder) org(name string) *org {
	o, ok := s.orgByName[name]
	if !ok {
		s.fail("unknown organisation %q", name)
		return s.bureau
	}
	return o
}

// phone is a synthetic 8-digit Jiaxing landline (area code 0573).
func officePhone(r *rand.Rand) string { return fmt.Sprintf("0573-8%07d", r.IntN(10_000_000)) }

func (s *seeder) address(r *rand.Rand, t *town) string {
	if t == nil {
		return fmt.Sprintf("嘉兴市秀洲区秀洲大道%d号", between(r, 1, 1200))
	}
	return fmt.Sprintf("嘉兴市秀洲区%s%s%d号", t.def.Name, t.def.Road, between(r, 1, 600))
}

// creditPrefix is positions 1–8 of a code registered in the district:
// authority 5 (civil affairs), type 1 社会团体 or 2 社会服务机构.
func creditPrefix(f organization.LegalForm) string {
	if f == organization.LegalFormSOCIAL_GROUP {
		return "51" + DistrictCode
	}
	return "52" + DistrictCode
}

func (s *seeder) seedOrganizations() error {
	r := s.rng("organizations")
	s.orgByName = map[string]*org{}
	reg := organization.RegistrationStatusREGISTERED

	s.bureau = s.addOrg(&org{name: CivilAffairsBureau, kind: organization.KindGOVERNMENT, region: s.district,
		phone: officePhone(r), address: s.address(r, nil),
		description: "区民政局：社会组织登记管理、社会工作和志愿服务的主管部门。"})

	for _, a := range agencies {
		t := s.division(a.Town)
		o := s.addOrg(&org{name: a.Name, kind: organization.KindSOCIAL_WORK_AGENCY,
			legalForm: organization.LegalFormSOCIAL_SERVICE_AGENCY, status: reg,
			creditCode: s.codes.next(creditPrefix(organization.LegalFormSOCIAL_SERVICE_AGENCY)),
			region:     t, founded: mustDate(a.Founded), grade: a.Grade,
			phone: officePhone(r), address: s.address(r, t.town), description: a.Short + "：" + a.Description,
			categories: []string{"community-services", "charity"}})
		s.agencies = append(s.agencies, o)
	}

	for _, name := range []string{UniversityJiaxing, UniversityNanhu} {
		// Both campuses lie outside the district, so they sit at city level.
		s.universities = append(s.universities, s.addOrg(&org{name: name, kind: organization.KindUNIVERSITY, region: s.city,
			description: "高校：与区内社工机构、党群服务中心共建志愿服务实践基地，为社会组织储备志愿服务骨干人才。"}))
	}

	s.federation = s.addOrg(&org{name: VolunteerFed, kind: organization.KindSOCIAL_ORGANIZATION,
		legalForm: organization.LegalFormSOCIAL_GROUP, status: reg,
		creditCode: s.codes.next(creditPrefix(organization.LegalFormSOCIAL_GROUP)),
		region:     s.district, founded: date(2015, 12, 5), grade: 4,
		phone: officePhone(r), address: s.address(r, nil), categories: []string{"charity"},
		description: "区志愿服务联合会：联系全区志愿服务队伍，统筹“" + Brand + "”志愿服务品牌。"})

	s.partyOrg = s.addOrg(&org{name: SocialOrgParty, kind: organization.KindPARTY_ORGANIZATION, region: s.district,
		description: "区社会组织综合党委：依据《社会组织党建工作指引》指导社会组织党的建设。"})

	for _, t := range s.towns {
		name := "中共" + t.def.Name + "委员会"
		if t.def.Street {
			name = "中共" + t.def.Name + "工作委员会"
		}
		t.party = s.addOrg(&org{name: name, kind: organization.KindPARTY_ORGANIZATION, region: t.div,
			description: "镇（街道）党委：构建“社区党委+”党建模式，统筹辖区党建联建。"})
		t.psc = s.addOrg(&org{name: t.def.Name + "党群服务中心", kind: organization.KindPARTY_SERVICE_CENTER, region: t.div,
			phone: officePhone(r), address: s.address(r, t),
			description: "党群服务中心：牵头爱心食堂、社区助残、康养融合等驻点服务，组织党员“双报到、双服务”。"})
	}
	for _, t := range s.towns {
		for i, c := range t.def.Communities {
			if c.PartyCommittee {
				s.addOrg(&org{name: "中共" + t.def.Name + c.Name + "委员会", kind: organization.KindPARTY_ORGANIZATION,
					region: t.communities[i], description: "社区党委：融合社区党建与“两新组织”党建，推动党建联建。"})
			}
		}
	}

	for _, d := range registeredOrgs {
		where := s.district
		if d.Town != "" {
			where = s.division(d.Town)
		}
		o := s.addOrg(&org{name: d.Name, kind: organization.KindSOCIAL_ORGANIZATION, legalForm: d.Form, status: reg,
			creditCode: s.codes.next(creditPrefix(d.Form)), region: where,
			founded: dayBetween(r, date(2008, 1, 1), date(2018, 12, 31)),
			phone:   officePhone(r), address: s.address(r, where.town), categories: []string{d.Category},
			description: "登记社会组织，业务范围见章程。"})
		if chance(r, 0.5) {
			o.grade = between(r, 2, 4)
		}
		s.socialOrgs = append(s.socialOrgs, o)
	}

	// Filed community organisations: one per community, taking the towns
	// in turn so every town gets some.
	filed := 0
	for round := 0; filed < OtherSocialOrganizations-RegisteredOthers; round++ {
		for _, t := range s.towns {
			if round >= len(t.communities) || filed == OtherSocialOrganizations-RegisteredOthers {
				continue
			}
			c := t.communities[round]
			k := filedOrgKinds[filed%len(filedOrgKinds)]
			o := s.addOrg(&org{name: t.def.Name + c.name + k.Suffix, kind: organization.KindSOCIAL_ORGANIZATION,
				legalForm: k.Form, status: organization.RegistrationStatusFILED, region: c,
				founded: dayBetween(r, date(2012, 1, 1), date(2024, 12, 31)),
				address: "嘉兴市秀洲区" + t.def.Name + c.name + "党群服务站", categories: []string{k.Category},
				description: "备案社区社会组织，由" + t.def.Name + "指导管理，扎根社区开展服务。"})
			s.socialOrgs = append(s.socialOrgs, o)
			filed++
		}
	}
	s.addExtraSocialOrganizations()
	for _, o := range s.socialOrgs {
		if o.town != nil {
			o.town.socialOrgs = append(o.town.socialOrgs, o)
		}
	}

	s.addOrg(&org{name: EcommerceCoop, kind: organization.KindENTERPRISE, creditCode: s.codes.next("93" + DistrictCode),
		region: s.division("330411104"), founded: date(2019, 3, 12), phone: officePhone(r), address: s.address(r, s.towns[6]),
		description: "农民专业合作社：农产品电商销售，与“社工帮”共建助农直播间。"})
	s.addOrg(&org{name: PropertyCompany, kind: organization.KindENTERPRISE, creditCode: s.codes.next("91" + DistrictCode),
		region: s.division("330411002"), founded: date(2011, 8, 30), phone: officePhone(r), address: s.address(r, s.towns[0]),
		description: "物业服务企业：参与小区共建共治。"})
	s.addPartyBranches()

	// Volunteer teams last: they point at the federation as parent.
	for _, t := range s.towns {
		for _, name := range teams[t.def.Code] {
			o := &org{name: name, kind: organization.KindVOLUNTEER_TEAM, region: t.div, parent: s.federation,
				status: organization.RegistrationStatusFILED,
				// Teams predate the demo period: they run the activities from 2020.
				founded:     dayBetween(r, date(2012, 1, 1), date(2017, 12, 31)),
				description: t.def.Name + "志愿服务队伍，隶属区志愿服务联合会，“" + Brand + "”品牌成员队伍。"}
			if chance(r, 0.3) {
				o.status = organization.RegistrationStatusUNREGISTERED
			}
			t.teams = append(t.teams, s.addOrg(o))
		}
	}
	s.addExtraTeams()
	if n := len(s.orgs) - len(s.orgsWithoutParent()); n != s.teamCount() {
		s.fail("%d volunteer teams, want %d", n, s.teamCount())
	}
	if err := s.insertOrgs(s.orgsWithoutParent()); err != nil {
		return err
	}
	return s.insertOrgs(s.orgs[len(s.orgsWithoutParent()):])
}

func (s *seeder) orgsWithoutParent() []*org {
	for i, o := range s.orgs {
		if o.parent != nil {
			return s.orgs[:i]
		}
	}
	return s.orgs
}

func (s *seeder) insertOrgs(os []*org) error {
	bs := make([]*ent.OrganizationCreate, len(os))
	for i, o := range os {
		b := s.tx.Organization.Create().
			SetName(o.name).SetKind(o.kind).SetLegalForm(o.legalForm).SetRegistrationStatus(o.status).
			SetRegionID(o.region.id).SetDescription(o.description)
		if o.creditCode != "" {
			b.SetCreditCode(o.creditCode)
		}
		if o.parent != nil {
			b.SetParentID(o.parent.id)
		}
		if !o.founded.IsZero() {
			b.SetFoundedOn(o.founded)
		}
		if o.grade > 0 {
			b.SetAssessmentGrade(o.grade)
		}
		if o.phone != "" {
			b.SetContactPhone(o.phone)
		}
		if o.address != "" {
			b.SetAddress(o.address)
		}
		if len(o.categories) > 0 {
			b.AddCategoryIDs(s.termIDs(taxCategory, o.categories)...)
		}
		bs[i] = b
	}
	created, err := saveAll[ent.Organization](s.ctx, bs, s.tx.Organization.CreateBulk)
	if err != nil {
		return err
	}
	for i, c := range created {
		os[i].id = c.ID
	}
	return nil
}

// ---- Party-building links ----

var linkSummaries = map[partybuildinglink.LinkType][]string{
	partybuildinglink.LinkTypeJOINT_BUILDING: {
		"党建联建：共商辖区服务需求清单，社工机构承接专业服务项目，党组织统筹阵地与资源。",
		"联建共建：双方党员共同参与“专业社工+志愿服务”融合项目，定期召开联席会议。",
	},
	partybuildinglink.LinkTypePAIRING: {
		"结对共建：社区党委指导社会组织党建，社会组织为社区提供常态化志愿服务。",
		"党建结对：共享党群服务阵地，联合开展主题党日和为民服务活动。",
	},
	partybuildinglink.LinkTypeDUAL_REPORTING: {
		"“双报到、双服务”：队伍中的党员向社区报到，认领社区服务岗位。",
		"流动党员、新就业群体党员就近报到，加入社区志愿服务。",
	},
	partybuildinglink.LinkTypeGRID_SERVICE: {
		"“网格连心·组团服务”：志愿服务队伍编入网格服务团队，定期走访、收集群众需求。",
		"网格党建：队伍按网格认领楼道和片区，开展巡查与帮扶。",
	},
	partybuildinglink.LinkTypeGUIDANCE: {
		"党建指导：依据《社会组织党建工作指引》开展党组织标准化建设指导。",
		"党建工作指导员联系指导，推动党的工作融入组织运行和发展全过程。",
	},
}

type linkPlan struct {
	party, partner *org
	kind           partybuildinglink.LinkType
}

func (s *seeder) seedPartyLinks() error {
	r := s.rng("party-links")
	var plans []linkPlan
	add := func(party, partner *org, k partybuildinglink.LinkType) {
		plans = append(plans, linkPlan{party, partner, k})
	}
	// Town Party committees build links with the agencies and the towns'
	// own volunteer teams.
	for i, t := range s.towns {
		add(t.party, s.agencies[i%len(s.agencies)], partybuildinglink.LinkTypeJOINT_BUILDING)
		add(t.party, t.teams[0], partybuildinglink.LinkTypeGRID_SERVICE)
	}
	// Community Party committees pair with a community organisation nearby
	// and take the reports of a town team's Party members.
	i := 0
	for _, o := range s.orgs {
		if o.kind != organization.KindPARTY_ORGANIZATION || o.region.town == nil || o.region == o.town.div {
			continue
		}
		partner := o.town.teams[len(o.town.teams)-1]
		for _, so := range o.town.socialOrgs {
			if so.region == o.region {
				partner = so
				break
			}
		}
		add(o, partner, partybuildinglink.LinkTypePAIRING)
		if i%2 == 0 {
			add(o, o.town.teams[1], partybuildinglink.LinkTypeDUAL_REPORTING)
		}
		i++
	}
	// The social-organisation Party committee guides the agencies and some
	// registered organisations.
	for _, a := range s.agencies {
		add(s.partyOrg, a, partybuildinglink.LinkTypeGUIDANCE)
	}
	add(s.partyOrg, s.federation, partybuildinglink.LinkTypeGUIDANCE)
	for _, so := range s.socialOrgs[:RegisteredOthers:RegisteredOthers] {
		if so.legalForm == organization.LegalFormSOCIAL_SERVICE_AGENCY && chance(r, 0.4) {
			add(s.partyOrg, so, partybuildinglink.LinkTypeGUIDANCE)
		}
	}

	bs := make([]*ent.PartyBuildingLinkCreate, len(plans))
	for i, p := range plans {
		start := startAfter(r, date(2019, 1, 1), date(2024, 12, 31), p.partner)
		b := s.tx.PartyBuildingLink.Create().
			SetPartyOrganizationID(p.party.id).SetPartnerID(p.partner.id).SetLinkType(p.kind).
			SetStartedOn(start).SetAgreementSummary(pick(r, linkSummaries[p.kind]))
		// Some links ran their agreed term and were ended, never deleted.
		if earliest := start.AddDate(1, 0, 0); chance(r, 0.15) && earliest.Before(ReferenceDate) {
			b.SetEndedOn(dayBetween(r, earliest, ReferenceDate.AddDate(0, -1, 0)))
		}
		bs[i] = b
	}
	_, err := saveAll[ent.PartyBuildingLink](s.ctx, bs, s.tx.PartyBuildingLink.CreateBulk)
	return err
}

// startAfter draws a start date in [from, to] that is not before any of
// the organisations was founded (a link cannot predate its partner).
func startAfter(r *rand.Rand, from, to time.Time, os ...*org) time.Time {
	for _, o := range os {
		if o.founded.After(from) {
			from = o.founded.AddDate(0, 1, 0)
		}
	}
	if from.After(to) {
		to = from.AddDate(0, 6, 0)
	}
	return dayBetween(r, from, to)
}

// ---- partnerships ----

type partnershipPlan struct {
	lead, partner *org
	kind          partnership.Kind
	capacity      int
	description   string
}

func (s *seeder) seedPartnerships() error {
	r := s.rng("partnerships")
	var plans []partnershipPlan
	add := func(lead, partner *org, k partnership.Kind, capacity int, desc string) {
		plans = append(plans, partnershipPlan{lead, partner, k, capacity, desc})
		if k != partnership.KindPRACTICE_BASE {
			lead.partners = append(lead.partners, partner)
			partner.partners = append(partner.partners, lead)
		}
	}

	// 牵手成长计划: each agency mentors several teams, spread over the towns
	// by dealing the shuffled teams out in turn, and a filed organisation.
	var allTeams []*org
	for _, t := range s.towns {
		allTeams = append(allTeams, t.teams...)
	}
	r.Shuffle(len(allTeams), func(i, j int) { allTeams[i], allTeams[j] = allTeams[j], allTeams[i] })
	mentored := []int{6, 5, 4}
	next := 0
	for i, a := range s.agencies {
		for k := 0; k < mentored[i]; k++ {
			add(a, allTeams[next], partnership.KindMENTORING, 0, "牵手成长计划：社工机构以结对共建、项目帮带方式培育志愿服务队伍，提供专业督导和骨干培训。")
			next++
		}
		add(a, s.socialOrgs[RegisteredOthers+i*7], partnership.KindMENTORING, 0, "牵手成长计划：以社育社，孵化培育社区社会组织。")
	}
	// 督导: the senior agency supervises the youngest and some organisations.
	add(s.agencies[0], s.agencies[2], partnership.KindSUPERVISION, 0, "专业社工督导：个案、小组工作督导与项目管理指导。")
	for _, name := range []string{"嘉兴市秀洲区阳光家园残疾人服务中心", "嘉兴市秀洲区新居民服务中心", "嘉兴市秀洲区青少年发展服务中心"} {
		add(s.agencies[0], s.org(name), partnership.KindSUPERVISION, 0, "专业社工督导：服务流程规范与志愿者管理督导。")
	}
	for _, name := range []string{"嘉兴市秀洲区心晴心理健康服务中心", "嘉兴市秀洲区禾苗托育服务中心"} {
		add(s.agencies[1], s.org(name), partnership.KindSUPERVISION, 0, "专业社工督导：儿童与心理服务个案督导。")
	}
	// Practice bases (志愿服务实践基地) of the two universities.
	s.hosts = map[*org][]*org{}
	bases := map[string][]string{
		UniversityJiaxing: {AgencyXiaoci, AgencyXinyue, "新塍镇党群服务中心", "嘉兴市秀洲区心晴心理健康服务中心"},
		UniversityNanhu:   {AgencyGuanjia, AgencyXiaoci, "王店镇党群服务中心"},
	}
	for _, u := range s.universities {
		for _, h := range bases[u.name] {
			host := s.org(h)
			add(u, host, partnership.KindPRACTICE_BASE, between(r, 2, 8)*5, "志愿服务实践基地：学生在基地参与项目服务和社会工作实习，为社会组织储备志愿服务骨干。")
			s.hosts[u] = append(s.hosts[u], host)
		}
	}
	// 共建.
	add(s.agencies[0], s.org(EcommerceCoop), partnership.KindCO_BUILDING, 0, "共建助农直播间：合作社提供货源与物流，社工机构组织“带货官”志愿者直播销售。")
	add(s.agencies[1], s.towns[7].psc, partnership.KindCO_BUILDING, 0, "共建党群服务中心驻点服务：困境儿童关爱与心理咨询。")
	add(s.agencies[2], s.towns[6].psc, partnership.KindCO_BUILDING, 0, "共建爱心食堂：社工机构协助运营与志愿者排班。")
	add(s.org(PropertyCompany), s.towns[0].teams[0], partnership.KindCO_BUILDING, 0, "物业与党员志愿服务队共建小区微治理。")
	add(s.org(CharityFederation), s.federation, partnership.KindCO_BUILDING, 0, "慈善资金支持志愿服务项目，联合开展“"+Brand+"”品牌活动。")

	bs := make([]*ent.PartnershipCreate, len(plans))
	for i, p := range plans {
		start := startAfter(r, date(2019, 6, 1), date(2024, 6, 30), p.lead, p.partner)
		b := s.tx.Partnership.Create().
			SetOrganizationID(p.lead.id).SetPartnerID(p.partner.id).SetKind(p.kind).
			SetStartedOn(start).SetDescription(p.description)
		if p.capacity > 0 {
			b.SetCapacity(p.capacity)
		}
		earliest := start.AddDate(2, 0, 0)
		if p.kind == partnership.KindMENTORING && chance(r, 0.15) && earliest.Before(ReferenceDate) {
			// A mentored team that has grown up no longer needs the agency.
			b.SetEndedOn(dayBetween(r, earliest, ReferenceDate.AddDate(0, -1, 0)))
		}
		bs[i] = b
	}
	_, err := saveAll[ent.Partnership](s.ctx, bs, s.tx.Partnership.CreateBulk)
	return err
}
