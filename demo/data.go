package demo

import (
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/project"
)

// This file holds the hand-written tables the generator starts from. The
// division codes of the district and its nine towns/streets are the official
// ones; communities, villages, organisation names other than the ones named
// in the news report, and every person are invented.

// ---- divisions ----

type communityDef struct {
	Suffix string // last three digits of the 12-digit code: 0xx 居委会, 2xx 村委会
	Name   string
	// PartyCommittee marks the larger communities that have their own
	// Party committee (社区党委) in the demo.
	PartyCommittee bool
}

type townDef struct {
	Code   string
	Name   string
	Street bool // 街道 rather than 镇: its Party body is a 工作委员会
	// Weight is the town's relative share of volunteers and needs.
	Weight      int
	Road        string // a road for synthetic office addresses
	Communities []communityDef
}

var towns = []townDef{
	{Code: "330411002", Name: "新城街道", Street: true, Weight: 12, Road: "秀园路", Communities: []communityDef{
		{"001", "秀园社区", true}, {"002", "新洲社区", false}, {"003", "运河湾社区", true}, {"004", "洪兴社区", false}, {"005", "紫云社区", false},
	}},
	{Code: "330411003", Name: "嘉北街道", Street: true, Weight: 10, Road: "康和路", Communities: []communityDef{
		{"001", "嘉北社区", true}, {"002", "百合社区", false}, {"003", "平安社区", false}, {"004", "塘桥社区", true},
	}},
	{Code: "330411004", Name: "塘汇街道", Street: true, Weight: 11, Road: "塘汇路", Communities: []communityDef{
		{"001", "塘汇社区", true}, {"002", "大树社区", false}, {"003", "永安社区", false}, {"004", "和睦社区", false}, {"201", "杨柳村", false},
	}},
	{Code: "330411005", Name: "高照街道", Street: true, Weight: 9, Road: "高照路", Communities: []communityDef{
		{"001", "高照社区", true}, {"002", "东方社区", false}, {"003", "丰收社区", false}, {"201", "秀水村", false},
	}},
	{Code: "330411101", Name: "王江泾镇", Weight: 13, Road: "运河路", Communities: []communityDef{
		{"001", "王江泾社区", true}, {"201", "南汇村", false}, {"202", "荷花村", false}, {"203", "双桥村", false}, {"204", "民主村", false}, {"205", "虹阳村", false},
	}},
	{Code: "330411103", Name: "油车港镇", Weight: 10, Road: "麟湖路", Communities: []communityDef{
		{"001", "油车港社区", true}, {"201", "胜丰村", false}, {"202", "麟湖村", false}, {"203", "银杏村", false}, {"204", "正阳村", false},
	}},
	{Code: "330411104", Name: "新塍镇", Weight: 14, Road: "新塍大道", Communities: []communityDef{
		{"001", "新塍社区", true}, {"002", "秀水社区", false}, {"201", "南湖村", true}, {"202", "桃园村", false}, {"203", "横港村", false}, {"204", "洛东村", false},
	}},
	{Code: "330411105", Name: "王店镇", Weight: 12, Road: "梅溪路", Communities: []communityDef{
		{"001", "王店社区", true}, {"002", "梅溪社区", false}, {"201", "庆丰村", false}, {"202", "建林村", false}, {"203", "蚂桥村", false},
	}},
	{Code: "330411106", Name: "洪合镇", Weight: 9, Road: "毛衫路", Communities: []communityDef{
		{"001", "洪合社区", true}, {"201", "泰石村", false}, {"202", "良三村", false}, {"203", "凤桥村", false},
	}},
}

// ---- taxonomies ----

type termDef struct {
	Code, Name, NameEn string
	Parent             string // code of the broader term, if any
}

type taxonomyDef struct {
	Code, Name, NameEn string
	Terms              []termDef
}

const (
	taxDomain       = "service-domain"
	taxCategory     = "org-category"
	taxTarget       = "target-group"
	taxPartyGuide   = "party-building-guide"
	taxPointService = "service-point-service"
)

var taxonomies = []taxonomyDef{
	{Code: taxDomain, Name: "服务领域", NameEn: "Service domains", Terms: []termDef{
		{Code: "elderly-care", Name: "养老", NameEn: "Elderly care"},
		{Code: "childcare", Name: "托育", NameEn: "Childcare"},
		{Code: "disability", Name: "助残", NameEn: "Disability support"},
		{Code: "employment", Name: "就业帮扶", NameEn: "Employment support"},
		{Code: "agriculture", Name: "助农", NameEn: "Support for farmers"},
		{Code: "youth", Name: "青少年", NameEn: "Youth"},
		{Code: "mental-health", Name: "心理", NameEn: "Mental health"},
		{Code: "community-governance", Name: "社区治理", NameEn: "Community governance"},
		{Code: "environment", Name: "环境卫生", NameEn: "Environment and sanitation"},
		{Code: "public-safety", Name: "公共安全", NameEn: "Public safety"},
		{Code: "culture-sports", Name: "文体", NameEn: "Culture and sports"},
		{Code: "education-aid", Name: "助学", NameEn: "Education aid"},
	}},
	{Code: taxCategory, Name: "组织分类", NameEn: "Organisation categories", Terms: []termDef{
		{Code: "life-services", Name: "生活服务类", NameEn: "Daily-life services"},
		{Code: "community-affairs", Name: "社区事务类", NameEn: "Community affairs"},
		{Code: "culture-sports", Name: "文体活动类", NameEn: "Culture and sports activities"},
		{Code: "charity", Name: "公益慈善类", NameEn: "Public welfare and charity"},
		{Code: "trade-association", Name: "行业协会商会类", NameEn: "Trade associations and chambers of commerce"},
		{Code: "science-technology", Name: "科技类", NameEn: "Science and technology"},
		{Code: "community-services", Name: "城乡社区服务类", NameEn: "Urban and rural community services"},
	}},
	// The guide's own list of 4 categories and 17 sub-categories is not
	// in the report; these are the four categories of social organisations
	// that register directly, with illustrative sub-categories that a
	// district replaces with its guide's (docs/registers.md).
	{Code: taxPartyGuide, Name: "社会组织党建工作指引分类", NameEn: "Categories of the guide to Party building in social organisations", Terms: []termDef{
		{Code: "trade", Name: "行业协会商会类", NameEn: "Trade associations and chambers of commerce"},
		{Code: "science", Name: "科技类", NameEn: "Science and technology"},
		{Code: "charity", Name: "公益慈善类", NameEn: "Public welfare and charity"},
		{Code: "community", Name: "城乡社区服务类", NameEn: "Urban and rural community services"},
		{Code: "trade-industry", Name: "行业协会", NameEn: "Industry associations", Parent: "trade"},
		{Code: "trade-chamber", Name: "商会", NameEn: "Chambers of commerce", Parent: "trade"},
		{Code: "trade-professional", Name: "专业协会", NameEn: "Professional associations", Parent: "trade"},
		{Code: "trade-federation", Name: "联合类社团", NameEn: "Federations", Parent: "trade"},
		{Code: "science-academic", Name: "学术类社团", NameEn: "Academic societies", Parent: "science"},
		{Code: "science-popular", Name: "科普类组织", NameEn: "Science popularisation", Parent: "science"},
		{Code: "science-service", Name: "科技服务机构", NameEn: "Technology services", Parent: "science"},
		{Code: "charity-foundation", Name: "慈善组织", NameEn: "Charities and foundations", Parent: "charity"},
		{Code: "charity-social-work", Name: "社会工作服务机构", NameEn: "Social-work agencies", Parent: "charity"},
		{Code: "charity-volunteer", Name: "志愿服务组织", NameEn: "Volunteer organisations", Parent: "charity"},
		{Code: "charity-care", Name: "养老助残服务机构", NameEn: "Elderly and disability care", Parent: "charity"},
		{Code: "charity-culture", Name: "文化体育类社团", NameEn: "Culture and sports associations", Parent: "charity"},
		{Code: "community-life", Name: "社区生活服务类", NameEn: "Community daily-life services", Parent: "community"},
		{Code: "community-affairs", Name: "社区事务类", NameEn: "Community affairs", Parent: "community"},
		{Code: "community-culture", Name: "社区文体活动类", NameEn: "Community culture and sports", Parent: "community"},
		{Code: "community-charity", Name: "社区公益慈善类", NameEn: "Community charity", Parent: "community"},
		{Code: "community-rural", Name: "农村专业经济协会", NameEn: "Rural economic associations", Parent: "community"},
	}},
	{Code: taxPointService, Name: "驻点服务内容", NameEn: "Services at service points", Terms: []termDef{
		{Code: "dine-in", Name: "堂食助餐", NameEn: "Meals served on site"},
		{Code: "meal-delivery", Name: "送餐上门", NameEn: "Meals delivered home"},
		{Code: "health-check", Name: "健康检查", NameEn: "Health checks"},
		{Code: "counselling", Name: "心理咨询", NameEn: "Counselling"},
		{Code: "rehabilitation", Name: "康复训练", NameEn: "Rehabilitation exercise"},
		{Code: "day-care", Name: "日间照料", NameEn: "Day care"},
		{Code: "culture-activities", Name: "文体活动", NameEn: "Cultural and sports activities"},
		{Code: "policy-advice", Name: "政策咨询", NameEn: "Policy advice"},
		{Code: "errands", Name: "代办服务", NameEn: "Errands and paperwork"},
	}},
	{Code: taxTarget, Name: "服务对象", NameEn: "Target groups", Terms: []termDef{
		{Code: "elderly", Name: "老年人", NameEn: "Older people"},
		{Code: "children", Name: "儿童", NameEn: "Children"},
		{Code: "left-behind-children", Name: "留守儿童", NameEn: "Left-behind children", Parent: "children"},
		{Code: "disabled", Name: "残疾人", NameEn: "People with disabilities"},
		{Code: "low-income-families", Name: "困难家庭", NameEn: "Low-income families"},
		{Code: "farmers", Name: "农户", NameEn: "Farming households"},
		{Code: "youth", Name: "青少年", NameEn: "Young people"},
		{Code: "new-residents", Name: "新居民", NameEn: "New residents (migrants)"},
	}},
}

// ---- indicators ----

type indicatorDef struct {
	Code, Name, NameEn, Unit string
	Measure                  string // UNIT or PERCENTAGE
	Ascending                bool
	Description              string
	// Lo and Hi bound a plausible yearly target for one project, used for
	// the synthetic outcomes.
	Lo, Hi float64
}

var indicators = []indicatorDef{
	{"households-served", "服务户数", "Households served", "户", "UNIT", true, "项目期内接受服务的家庭户数（去重）。", 20, 120},
	{"household-income-increase", "户均增收", "Average household income increase", "元", "UNIT", true, "受助农户/家庭年均收入较基线的增加额。", 2000, 12000},
	{"children-served", "服务儿童人数", "Children served", "人", "UNIT", true, "接受服务的儿童人数（去重），不按个人公开。", 20, 150},
	{"volunteers-engaged", "参与志愿者人数", "Volunteers engaged", "人", "UNIT", true, "统计期内参与服务的志愿者人数（去重）。", 15, 120},
	{"elderly-meals-served", "老年助餐人次", "Meals served to older people", "人次", "UNIT", true, "爱心食堂堂食与送餐合计人次。", 3000, 20000},
	{"elderly-served", "服务老年人数", "Older people served", "人", "UNIT", true, "接受上门、助餐、健康等服务的老年人数（去重）。", 40, 300},
	{"students-aided", "资助学生人数", "Students aided", "人", "UNIT", true, "获得助学金或结对资助的学生人数。", 10, 80},
	{"satisfaction-rate", "服务对象满意度", "Beneficiary satisfaction rate", "%", "PERCENTAGE", true, "服务对象满意度问卷中“满意”及以上的比例。", 85, 98},
	{"activities-held", "开展活动场次", "Activities held", "场", "UNIT", true, "统计期内开展的服务、宣传、培训等活动场次。", 12, 80},
	{"service-hours", "志愿服务时长", "Volunteer service hours", "小时", "UNIT", true, "经核实的志愿服务记录时长合计。", 300, 3000},
	{"farm-sales", "助农销售额", "Farm produce sales", "元", "UNIT", true, "通过直播带货、供需对接售出的农产品金额。", 50000, 400000},
	{"disabled-served", "服务残疾人数", "People with disabilities served", "人", "UNIT", true, "接受康复、陪伴、就业等服务的残疾人数（去重）。", 15, 80},
	{"problems-solved", "解决治理难题数", "Governance problems solved", "个", "UNIT", true, "小区卫生、公共安全等治理难题的解决个数。", 10, 60},
	{"residents-reached", "覆盖居民人次", "Residents reached", "人次", "UNIT", true, "宣传、文体、科普等活动覆盖的居民人次。", 500, 5000},
	{"counselling-sessions", "心理辅导人次", "Counselling sessions", "人次", "UNIT", true, "个体与团体心理辅导合计人次。", 50, 400},
	{"need-response-days", "需求平均响应天数", "Average days to respond to a need", "天", "UNIT", false, "群众需求从提出到对接的平均天数，越低越好。", 2, 10},
}

// domainIndicator is the indicator a project of each domain reports on.
var domainIndicator = map[string]string{
	"elderly-care":         "elderly-served",
	"childcare":            "children-served",
	"disability":           "disabled-served",
	"employment":           "households-served",
	"agriculture":          "farm-sales",
	"youth":                "children-served",
	"mental-health":        "counselling-sessions",
	"community-governance": "problems-solved",
	"environment":          "problems-solved",
	"public-safety":        "residents-reached",
	"culture-sports":       "residents-reached",
	"education-aid":        "students-aided",
}

// ---- organisations ----

// Names of the bodies the news report names, for tests and callers.
const (
	CivilAffairsBureau = "嘉兴市秀洲区民政局"
	AgencyXiaoci       = "嘉兴市秀洲区孝慈社会工作服务中心"
	AgencyXinyue       = "芯悦社工服务中心"
	AgencyGuanjia      = "管佳社会工作服务社"
	UniversityJiaxing  = "嘉兴大学"
	UniversityNanhu    = "嘉兴南湖学院"
	VolunteerFed       = "嘉兴市秀洲区志愿服务联合会"
	SocialOrgParty     = "中共嘉兴市秀洲区社会组织综合委员会"
	EcommerceCoop      = "嘉兴市秀洲区新塍镇农村电子商务专业合作社"
	PropertyCompany    = "嘉兴秀禾物业服务有限公司"
	CharityFederation  = "嘉兴市秀洲区慈善总会"
)

type agencyDef struct {
	Name, Short, Town, Description string
	Grade                          int
	Founded                        string
	SocialWorkers                  int // certified social workers employed
	VolunteerShare                 int // relative share of agency volunteers
}

var agencies = []agencyDef{
	{AgencyXiaoci, "孝慈社工", "330411002", "全国百强社工机构。开发并实施《志愿服务管理实务手册》，规范志愿服务流程，为志愿者提供“传、帮、带”服务；实施“社工帮”“筑梦规划师”等项目。", 5, "2014-06-18", 35, 5},
	{AgencyXinyue, "芯悦社工", "330411003", "专业社工机构，实施“代理妈妈”“有福“童”享”等困境儿童关爱项目，开展专业社工督导。", 4, "2016-03-09", 25, 3},
	{AgencyGuanjia, "管佳", "330411105", "社会工作服务社，聚焦困难家庭、社区治理和养老服务，实施“种子计划”“社区微动力”等项目。", 3, "2017-11-22", 20, 2},
}

// teams are the volunteer teams under the district federation, by town.
var teams = map[string][]string{
	"330411002": {"新城街道“秀城先锋”党员志愿服务队", "新城街道巾帼志愿服务队", "新城街道“银龄互助”志愿服务队", "新城街道青年志愿服务队"},
	"330411003": {"嘉北街道“红领之家”志愿服务队", "嘉北街道平安志愿巡防队", "嘉北街道“小巷管家”志愿服务队", "嘉北街道新居民志愿服务队"},
	"330411004": {"塘汇街道“大树下”志愿服务队", "塘汇街道文明劝导志愿服务队", "塘汇街道巾帼志愿服务队", "塘汇街道“护河”志愿服务队"},
	"330411005": {"高照街道“阳光助残”志愿服务队", "高照街道乡贤志愿服务队", "高照街道青少年志愿服务队", "高照街道“邻里守望”志愿服务队"},
	"330411101": {"王江泾镇“运河红”志愿服务队", "王江泾镇巾帼志愿服务队", "王江泾镇助农志愿服务队", "王江泾镇“银发生辉”志愿服务队", "王江泾镇平安志愿服务队"},
	"330411103": {"油车港镇“麟湖红”志愿服务队", "油车港镇巾帼志愿服务队", "油车港镇护河志愿服务队", "油车港镇“菱乡”助农志愿服务队", "油车港镇青年志愿服务队"},
	"330411104": {"新塍镇“红心”志愿服务队", "新塍镇巾帼志愿服务队", "新塍镇“暖心食堂”党员志愿服务队", "新塍镇助农志愿服务队", "新塍镇青少年志愿服务队"},
	"330411105": {"王店镇巾帼志愿队", "王店镇“梅里”志愿服务队", "王店镇医护志愿服务队", "王店镇文体志愿服务队", "王店镇“银龄”志愿服务队"},
	"330411106": {"洪合镇“毛衫红”志愿服务队", "洪合镇巾帼志愿服务队", "洪合镇新居民志愿服务队", "洪合镇平安志愿服务队"},
}

// registeredOrgDef is a social organisation registered (登记) with civil
// affairs. Town "" means district-wide.
type registeredOrgDef struct {
	Name     string
	Form     organization.LegalForm
	Category string // org-category term code
	Town     string
}

const (
	socialGroup   = organization.LegalFormSOCIAL_GROUP
	serviceAgency = organization.LegalFormSOCIAL_SERVICE_AGENCY
)

var registeredOrgs = []registeredOrgDef{
	{"嘉兴市秀洲区社会工作协会", socialGroup, "trade-association", ""},
	{CharityFederation, socialGroup, "charity", ""},
	{"嘉兴市秀洲区老年人体育协会", socialGroup, "culture-sports", ""},
	{"嘉兴市秀洲区摄影家协会", socialGroup, "culture-sports", ""},
	{"嘉兴市秀洲区农村电子商务协会", socialGroup, "trade-association", "330411104"},
	{"嘉兴市秀洲区科普志愿者协会", socialGroup, "science-technology", ""},
	{"嘉兴市秀洲区阳光家园残疾人服务中心", serviceAgency, "charity", "330411005"},
	{"嘉兴市秀洲区心晴心理健康服务中心", serviceAgency, "community-services", "330411002"},
	{"嘉兴市秀洲区新塍镇居家养老服务中心", serviceAgency, "life-services", "330411104"},
	{"嘉兴市秀洲区王店镇居家养老服务中心", serviceAgency, "life-services", "330411105"},
	{"嘉兴市秀洲区禾苗托育服务中心", serviceAgency, "life-services", "330411002"},
	{"嘉兴市秀洲区王江泾镇商会", socialGroup, "trade-association", "330411101"},
	{"嘉兴市秀洲区洪合镇毛衫行业协会", socialGroup, "trade-association", "330411106"},
	{"嘉兴市秀洲区油车港镇乡贤参事会", socialGroup, "community-affairs", "330411103"},
	{"嘉兴市秀洲区和事佬人民调解服务中心", serviceAgency, "community-affairs", "330411003"},
	{"嘉兴市秀洲区青少年发展服务中心", serviceAgency, "community-services", "330411004"},
	{"嘉兴市秀洲区新居民服务中心", serviceAgency, "community-services", "330411106"},
	{"嘉兴市秀洲区益心公益服务中心", serviceAgency, "charity", "330411004"},
	{"嘉兴市秀洲区书法家协会", socialGroup, "culture-sports", ""},
	{"嘉兴市秀洲区应急救援志愿者协会", socialGroup, "charity", ""},
}

// filedOrgKinds are the shapes of community social organisations filed
// (备案) with the bureau; one is placed in each community in turn.
var filedOrgKinds = []struct {
	Suffix   string
	Form     organization.LegalForm
	Category string
}{
	{"老年协会", socialGroup, "life-services"},
	{"邻里互助会", socialGroup, "community-affairs"},
	{"排舞队", socialGroup, "culture-sports"},
	{"睦邻服务社", serviceAgency, "life-services"},
	{"和事佬调解会", socialGroup, "community-affairs"},
	{"爱心帮帮团", socialGroup, "charity"},
	{"读书会", socialGroup, "culture-sports"},
	{"四点半课堂服务社", serviceAgency, "life-services"},
	{"助残服务社", serviceAgency, "charity"},
	{"平安巡防协会", socialGroup, "community-affairs"},
}

// ---- projects ----

// Names of the projects the news report names.
const (
	ProjectShegongbang = "社工帮"
	ProjectDailimama   = "代理妈妈"
	ProjectZhongzi     = "种子计划"
	ProjectYoufu       = "有福“童”享"
	ProjectWeidongli   = "社区微动力"
	ProjectZhumeng     = "筑梦规划师"
	ProjectHongxin56   = "红心56圆梦助学"
	ProjectQinzi       = "“1+1”亲子课堂"
	ProjectNuanxinfan  = "一口暖心饭"
	Brand              = "嘉禾有爱·秀愿同行"
)

// Figures published for the named projects (see reference/xiuzhou-news-report.txt).
const (
	ShegongbangHouseholds     = 86    // 帮助 86 户农户
	ShegongbangIncomeIncrease = 10157 // 平均增收 10157 元
	ShegongbangEvents         = 370   // 370 多场宣传活动以及带货服务
	ShegongbangVolunteers     = 800   // 超 800 人的稳定助农服务志愿服务团队
	DailimamaVolunteers       = 98    // 项目团队已发展到 98 人
	DailimamaChildren         = 136   // 为 136 个孩子…
)

type participantDef struct {
	Org  string
	Role string // PARTNER, MENTOR, FUNDER
}

type projectDef struct {
	Name, Parent, Description string
	Domains, Targets          []string // term codes
	Lead                      string   // organisation name
	Others                    []participantDef
	Regions                   []string // division codes
	Stage                     project.Stage
	Start, End                string // YYYY-MM-DD; "" when not yet fixed
	Funding                   project.FundingSource
	Amount                    float64
	Awards                    []string
	// Phrases name the project's service activities and Places are where
	// they happen (suffixes such as 老年食堂); sub-projects inherit them.
	// Without them the domain's generic ones are used.
	Phrases, Places []string
	// Weight is the project's relative share of activities while it runs.
	Weight int
	// Published marks projects whose outcomes are the published figures;
	// they get no synthetic outcomes.
	Published bool
}

const (
	stDesign = project.StageDESIGN
	stShow   = project.StageSHOWCASE
	stImpl   = project.StageIMPLEMENTATION
	stEval   = project.StageEVALUATION
	stClosed = project.StageCLOSED

	fVenture = project.FundingSourceVENTURE_PHILANTHROPY
	fGov     = project.FundingSourceGOVERNMENT_PURCHASE
	fCharity = project.FundingSourceCHARITY
	fSelf    = project.FundingSourceSELF_FUNDED
)

func partners(names ...string) []participantDef {
	ps := make([]participantDef, len(names))
	for i, n := range names {
		ps[i] = participantDef{n, "PARTNER"}
	}
	return ps
}

// namedProjects are the report's projects, with sub-projects after their
// parent. Leads not stated in the report are assumptions.
var namedProjects = []projectDef{
	{
		Name:        ProjectShegongbang,
		Phrases:     []string{"田间农技指导", "农产品供需对接", "困难农户走访", "农产品分拣包装"},
		Places:      []string{"家庭农场", "农产品展销点", "党群服务站"},
		Description: "“造血式”助农帮扶：围绕个人、家庭、社会三个层面，通过农技专长志愿者开展指导培训、城乡供需对接、直播带货等举措，帮助困难农户解决低产、滞销问题，促进可持续增收；培养“社推官”“带货官”稳定助农志愿服务团队。" + Brand + "志愿服务品牌项目。",
		Domains:     []string{"agriculture", "employment"}, Targets: []string{"farmers", "low-income-families"},
		Lead:    AgencyXiaoci,
		Others:  append(partners(EcommerceCoop, "新塍镇助农志愿服务队", "王江泾镇助农志愿服务队"), participantDef{CivilAffairsBureau, "FUNDER"}),
		Regions: []string{"330411104", "330411101", "330411103", "330411105"},
		Stage:   stImpl, Start: "2020-01-01", End: "2026-12-31", Funding: fVenture, Amount: 180000,
		Weight: 8, Published: true,
	},
	{
		Name: "社工帮·助农直播间", Parent: ProjectShegongbang,
		Description: "“社工帮”子项目：社工带领“带货官”志愿者为困难农户直播销售农产品。",
		Domains:     []string{"agriculture"}, Targets: []string{"farmers"},
		Lead: AgencyXiaoci, Others: partners(EcommerceCoop),
		Regions: []string{"330411104"}, Stage: stImpl, Start: "2021-06-01", End: "2026-12-31", Funding: fSelf, Amount: 30000, Weight: 4,
	},
	{
		Name: "社工帮·田间农技课堂", Parent: ProjectShegongbang,
		Description: "“社工帮”子项目：农技专长志愿者入户、下田开展种养技术指导培训。",
		Domains:     []string{"agriculture"}, Targets: []string{"farmers"},
		Lead: AgencyXiaoci, Others: partners("王江泾镇助农志愿服务队"),
		Regions: []string{"330411101", "330411103"}, Stage: stClosed, Start: "2020-03-01", End: "2023-12-31", Funding: fVenture, Amount: 40000, Weight: 2,
	},
	{
		Name:        ProjectDailimama,
		Phrases:     []string{"“代理妈妈”上门慰问", "“代理妈妈”作业辅导", "“代理妈妈”小组活动"},
		Places:      []string{"儿童之家", "党群服务站"},
		Description: "由医护人员、心理咨询师、检察官、律师、社工等各行各业的志愿者组成“代理妈妈”团队，通过上门慰问、作业辅导、小组活动等一对一结对关怀，为困境儿童提供全方位的关爱和帮助。",
		Domains:     []string{"youth", "mental-health"}, Targets: []string{"left-behind-children", "children"},
		Lead: AgencyXinyue, Others: partners("王店镇巾帼志愿队", "洪合镇巾帼志愿服务队"),
		Regions: []string{"330411105", "330411106", "330411103"},
		Stage:   stImpl, Start: "2020-01-01", End: "2026-12-31", Funding: fCharity, Amount: 90000,
		Weight: 4, Published: true,
	},
	{
		Name:        ProjectZhongzi,
		Phrases:     []string{"困难家庭入户评估", "就业技能培训", "创业资源对接"},
		Description: "为困难家庭量身定制的自我造血帮扶项目：评估家庭优势与需求，链接就业、技能培训和小额创业资源。",
		Domains:     []string{"employment"}, Targets: []string{"low-income-families"},
		Lead: AgencyGuanjia, Others: []participantDef{{CivilAffairsBureau, "FUNDER"}},
		Regions: []string{"330411105", "330411106"},
		Stage:   stEval, Start: "2021-04-01", End: "2026-03-31", Funding: fGov, Amount: 120000, Weight: 3,
	},
	{
		Name:        ProjectYoufu,
		Phrases:     []string{"困境儿童家访", "儿童权益保护宣讲", "成长陪伴小组"},
		Places:      []string{"儿童之家", "党群服务站"},
		Description: "为困境儿童撑起保护伞：建立困境儿童关爱档案，开展监护评估、成长陪伴和权益保护。",
		Domains:     []string{"youth"}, Targets: []string{"children", "low-income-families"},
		Lead: AgencyXinyue, Others: append(partners("嘉北街道新居民志愿服务队"), participantDef{CharityFederation, "FUNDER"}),
		Regions: []string{"330411003", "330411004"},
		Stage:   stImpl, Start: "2022-01-01", End: "2026-12-31", Funding: fCharity, Amount: 80000, Weight: 3,
	},
	{
		Name:        ProjectWeidongli,
		Phrases:     []string{"居民议事会", "微项目路演", "楼道自治骨干培训"},
		Description: "“社区微动力”自治家园项目：培育居民骨干和社区社会组织，以微项目推动小区自治和社区治理创新。",
		Domains:     []string{"community-governance"}, Targets: []string{"new-residents"},
		Lead: AgencyGuanjia, Others: partners("新城街道“秀城先锋”党员志愿服务队", "高照街道乡贤志愿服务队"),
		Regions: []string{"330411002", "330411003", "330411005"},
		Stage:   stImpl, Start: "2021-06-01", End: "2027-05-31", Funding: fVenture, Amount: 100000, Weight: 3,
	},
	{
		Name:        ProjectZhumeng,
		Phrases:     []string{"学业辅导", "生涯规划小组", "心理支持陪伴"},
		Places:      []string{"儿童之家", "党群服务站"},
		Description: "帮助低保、低收入家庭儿童健康成长：社工与志愿者“筑梦规划师”结对，开展学业辅导、生涯规划和心理支持。",
		Domains:     []string{"youth", "education-aid"}, Targets: []string{"children", "low-income-families"},
		Lead: AgencyXiaoci, Others: partners("高照街道青少年志愿服务队"),
		Regions: []string{"330411005", "330411004"},
		Stage:   stClosed, Start: "2022-03-01", End: "2025-06-30", Funding: fGov, Amount: 60000, Weight: 3,
	},
	{
		Name:        ProjectHongxin56,
		Phrases:     []string{"助学金发放", "圆梦微心愿", "学业陪伴"},
		Description: "“红心56”圆梦助学：志愿者结对资助困难家庭学生，开展助学金发放、学业陪伴和圆梦微心愿活动。志愿服务项目大赛培育项目。",
		Domains:     []string{"education-aid"}, Targets: []string{"youth", "low-income-families"},
		Lead: "新塍镇“红心”志愿服务队", Others: []participantDef{{AgencyXiaoci, "MENTOR"}, {CharityFederation, "FUNDER"}},
		Regions: []string{"330411104"},
		Stage:   stImpl, Start: "2019-09-01", End: "2026-12-31", Funding: fCharity, Amount: 56000,
		Awards: []string{"秀洲区志愿服务项目大赛培育项目"}, Weight: 2,
	},
	{
		Name:        ProjectQinzi,
		Phrases:     []string{"亲子阅读课堂", "家庭教育指导", "亲子互动课堂"},
		Places:      []string{"儿童之家", "文化礼堂"},
		Description: "“1+1”亲子课堂志愿服务项目：一名志愿者带一个家庭，开展亲子阅读、家庭教育指导和亲子互动课堂。",
		Domains:     []string{"childcare", "youth"}, Targets: []string{"children"},
		Lead: "新城街道巾帼志愿服务队", Others: []participantDef{{AgencyXinyue, "MENTOR"}},
		Regions: []string{"330411002"},
		Stage:   stImpl, Start: "2021-09-01", End: "2026-12-31", Funding: fVenture, Amount: 30000,
		Awards: []string{"秀洲区志愿服务项目大赛培育项目"}, Weight: 2,
	},
	{
		Name:        ProjectNuanxinfan,
		Phrases:     []string{"爱心助餐", "爱心助餐", "高龄老人送餐上门", "食堂志愿者轮值"},
		Places:      []string{"老年食堂", "爱心食堂"},
		Description: "“一口暖心饭”爱心食堂党员志愿服务项目：由镇党群服务中心牵头，党员志愿者在社区老年食堂为老人提供助餐、送餐服务，让老人吃上便捷、温馨的热饭。" + Brand + "志愿服务品牌项目。",
		Domains:     []string{"elderly-care"}, Targets: []string{"elderly"},
		Lead: "新塍镇党群服务中心",
		Others: append(partners("新塍镇“暖心食堂”党员志愿服务队", "嘉兴市秀洲区新塍镇居家养老服务中心"),
			participantDef{AgencyGuanjia, "MENTOR"}, participantDef{CivilAffairsBureau, "FUNDER"}),
		Regions: []string{"330411104", "330411104001", "330411104201"},
		Stage:   stImpl, Start: "2021-05-01", End: "2026-12-31", Funding: fGov, Amount: 200000,
		Awards: []string{"秀洲区志愿服务项目大赛培育项目"}, Weight: 4,
	},
	{
		Name: "一口暖心饭·新塍社区爱心食堂", Parent: ProjectNuanxinfan,
		Description: "“一口暖心饭”新塍社区老年食堂点位：工作日午餐堂食和高龄老人送餐。",
		Domains:     []string{"elderly-care"}, Targets: []string{"elderly"},
		Lead: "新塍镇党群服务中心", Others: partners("新塍镇“暖心食堂”党员志愿服务队"),
		Regions: []string{"330411104001"}, Stage: stImpl, Start: "2021-05-01", End: "2026-12-31", Funding: fGov, Amount: 80000, Weight: 3,
	},
	{
		Name: "一口暖心饭·南湖村爱心食堂", Parent: ProjectNuanxinfan,
		Description: "“一口暖心饭”南湖村爱心食堂点位：村老年食堂助餐，党员志愿者轮值。",
		Domains:     []string{"elderly-care"}, Targets: []string{"elderly"},
		Lead: "新塍镇党群服务中心", Others: partners("新塍镇巾帼志愿服务队"),
		Regions: []string{"330411104201"}, Stage: stImpl, Start: "2022-03-01", End: "2026-12-31", Funding: fGov, Amount: 60000, Weight: 2,
	},
}

// syntheticProjects fill out the register. Partners, mentors, funders,
// funding and awards are drawn by the generator.
var syntheticProjects = []projectDef{
	{Name: "银龄互助·居家养老上门服务", Domains: []string{"elderly-care"}, Targets: []string{"elderly"}, Lead: "嘉兴市秀洲区王店镇居家养老服务中心", Regions: []string{"330411105"}, Stage: stImpl, Start: "2022-03-01", End: "2027-02-28"},
	{Name: "阳光助残·康复陪伴计划", Domains: []string{"disability"}, Targets: []string{"disabled"}, Lead: "嘉兴市秀洲区阳光家园残疾人服务中心", Regions: []string{"330411005"}, Stage: stImpl, Start: "2021-07-01", End: "2026-12-31"},
	{Name: "四点半课堂", Domains: []string{"youth", "education-aid"}, Targets: []string{"children", "left-behind-children"}, Lead: AgencyXinyue, Regions: []string{"330411106", "330411103"}, Stage: stImpl, Start: "2020-09-01", End: "2026-12-31"},
	{Name: "护河有我·河道志愿巡查", Domains: []string{"environment"}, Lead: "塘汇街道“护河”志愿服务队", Regions: []string{"330411004"}, Stage: stImpl, Start: "2020-04-01", End: "2027-03-31"},
	{Name: "垃圾分类·桶边督导", Domains: []string{"environment"}, Targets: []string{"new-residents"}, Lead: "嘉北街道“小巷管家”志愿服务队", Regions: []string{"330411003"}, Stage: stClosed, Start: "2020-05-01", End: "2022-12-31"},
	{Name: "反诈宣传进万家", Domains: []string{"public-safety"}, Targets: []string{"elderly", "new-residents"}, Lead: "嘉北街道平安志愿巡防队", Regions: []string{"330411003", "330411002"}, Stage: stImpl, Start: "2022-01-01", End: "2026-12-31"},
	{Name: "电动自行车安全充电劝导", Domains: []string{"public-safety"}, Targets: []string{"new-residents"}, Lead: "洪合镇平安志愿服务队", Regions: []string{"330411106"}, Stage: stEval, Start: "2023-03-01", End: "2026-06-30"},
	{Name: "新居民融入·同心家园", Domains: []string{"community-governance"}, Targets: []string{"new-residents"}, Lead: "嘉兴市秀洲区新居民服务中心", Regions: []string{"330411106"}, Stage: stImpl, Start: "2021-03-01", End: "2026-12-31"},
	{Name: "心晴驿站·社区心理服务", Domains: []string{"mental-health"}, Targets: []string{"youth", "elderly"}, Lead: "嘉兴市秀洲区心晴心理健康服务中心", Regions: []string{"330411002", "330411004"}, Stage: stImpl, Start: "2022-06-01", End: "2027-05-31"},
	{Name: "青春护航·校园心理健康", Domains: []string{"mental-health", "youth"}, Targets: []string{"youth"}, Lead: AgencyXiaoci, Regions: []string{"330411101"}, Stage: stClosed, Start: "2020-09-01", End: "2023-07-31"},
	{Name: "巾帼护苗·儿童安全教育", Domains: []string{"youth", "public-safety"}, Targets: []string{"children"}, Lead: "王店镇巾帼志愿队", Regions: []string{"330411105"}, Stage: stEval, Start: "2023-01-01", End: "2026-08-31"},
	{Name: "和事佬·邻里纠纷调解", Domains: []string{"community-governance"}, Lead: "嘉兴市秀洲区和事佬人民调解服务中心", Regions: []string{"330411003"}, Stage: stImpl, Start: "2019-06-01", End: "2026-12-31"},
	{Name: "小区微治理·楼道革命", Domains: []string{"community-governance", "environment"}, Lead: AgencyGuanjia, Regions: []string{"330411002"}, Stage: stClosed, Start: "2020-03-01", End: "2022-06-30"},
	{Name: "乡贤助村·共富工坊", Domains: []string{"employment", "agriculture"}, Targets: []string{"farmers", "low-income-families"}, Lead: "嘉兴市秀洲区油车港镇乡贤参事会", Regions: []string{"330411103"}, Stage: stImpl, Start: "2022-04-01", End: "2026-12-31"},
	{Name: "菱乡助农·农技服务", Domains: []string{"agriculture"}, Targets: []string{"farmers"}, Lead: "油车港镇“菱乡”助农志愿服务队", Regions: []string{"330411103"}, Stage: stEval, Start: "2021-04-01", End: "2026-03-31"},
	{Name: "毛衫共富·技能培训", Domains: []string{"employment"}, Targets: []string{"new-residents", "low-income-families"}, Lead: "嘉兴市秀洲区洪合镇毛衫行业协会", Regions: []string{"330411106"}, Stage: stImpl, Start: "2023-03-01", End: "2027-02-28"},
	{Name: "禾苗托育·婴幼儿照护指导", Domains: []string{"childcare"}, Targets: []string{"children"}, Lead: "嘉兴市秀洲区禾苗托育服务中心", Regions: []string{"330411002"}, Stage: stImpl, Start: "2022-09-01", End: "2026-12-31"},
	{Name: "暑期爱心托管班", Domains: []string{"childcare", "youth"}, Targets: []string{"children", "left-behind-children"}, Lead: "王江泾镇巾帼志愿服务队", Regions: []string{"330411101"}, Stage: stClosed, Start: "2021-07-01", End: "2024-08-31"},
	{Name: "全民健身·银龄运动会", Domains: []string{"culture-sports"}, Targets: []string{"elderly"}, Lead: "嘉兴市秀洲区老年人体育协会", Regions: []string{"330411002", "330411105", "330411104"}, Stage: stClosed, Start: "2019-04-01", End: "2023-10-31"},
	{Name: "文化礼堂·乡村文艺轻骑兵", Domains: []string{"culture-sports"}, Targets: []string{"farmers", "elderly"}, Lead: "王店镇文体志愿服务队", Regions: []string{"330411105"}, Stage: stImpl, Start: "2021-05-01", End: "2026-12-31"},
	{Name: "运河记忆·影像志愿服务", Domains: []string{"culture-sports"}, Lead: "嘉兴市秀洲区摄影家协会", Regions: []string{"330411101"}, Stage: stEval, Start: "2023-05-01", End: "2026-04-30"},
	{Name: "科普进社区", Domains: []string{"culture-sports", "youth"}, Targets: []string{"youth", "elderly"}, Lead: "嘉兴市秀洲区科普志愿者协会", Regions: []string{"330411005", "330411004"}, Stage: stImpl, Start: "2022-03-01", End: "2026-12-31"},
	{Name: "应急救护培训进村社", Domains: []string{"public-safety"}, Lead: "嘉兴市秀洲区应急救援志愿者协会", Regions: []string{"330411103", "330411104", "330411101"}, Stage: stImpl, Start: "2023-01-01", End: "2027-12-31"},
	{Name: "益心助学·结对帮扶", Domains: []string{"education-aid"}, Targets: []string{"youth", "low-income-families"}, Lead: "嘉兴市秀洲区益心公益服务中心", Regions: []string{"330411004"}, Stage: stClosed, Start: "2019-09-01", End: "2022-07-31"},
	{Name: "青少年成长驿站", Domains: []string{"youth"}, Targets: []string{"youth"}, Lead: "嘉兴市秀洲区青少年发展服务中心", Regions: []string{"330411004"}, Stage: stEval, Start: "2022-09-01", End: "2026-07-31"},
	{Name: "就业直通车·困难家庭就业帮扶", Domains: []string{"employment"}, Targets: []string{"low-income-families"}, Lead: AgencyXiaoci, Regions: []string{"330411002", "330411003"}, Stage: stImpl, Start: "2023-06-01", End: "2026-12-31"},
	{Name: "邻里守望·独居老人探访", Domains: []string{"elderly-care"}, Targets: []string{"elderly"}, Lead: "高照街道“邻里守望”志愿服务队", Regions: []string{"330411005"}, Stage: stImpl, Start: "2021-01-01", End: "2026-12-31"},
	{Name: "王店镇老年健康驿站", Domains: []string{"elderly-care", "mental-health"}, Targets: []string{"elderly"}, Lead: "王店镇医护志愿服务队", Regions: []string{"330411105"}, Stage: stImpl, Start: "2022-05-01", End: "2026-12-31"},
	{Name: "智慧助老·跨越数字鸿沟", Domains: []string{"elderly-care"}, Targets: []string{"elderly"}, Lead: "新城街道青年志愿服务队", Regions: []string{"330411002"}, Stage: stShow, Start: "2026-12-01", End: "2027-11-30"},
	{Name: "困境儿童“护苗”个案管理", Domains: []string{"youth", "mental-health"}, Targets: []string{"children", "left-behind-children"}, Lead: AgencyXinyue, Regions: []string{"330411105"}, Stage: stShow, Start: "2027-01-01", End: "2027-12-31"},
	{Name: "银发生辉·老党员宣讲团", Domains: []string{"community-governance"}, Targets: []string{"elderly"}, Lead: "王江泾镇“银发生辉”志愿服务队", Regions: []string{"330411101"}, Stage: stShow, Start: "2026-11-15", End: "2027-11-14"},
	{Name: "残健融合·庇护工场", Domains: []string{"disability", "employment"}, Targets: []string{"disabled"}, Lead: AgencyGuanjia, Regions: []string{"330411105"}, Stage: stDesign},
	{Name: "乡村振兴·村播学院", Domains: []string{"agriculture"}, Targets: []string{"farmers"}, Lead: "嘉兴市秀洲区农村电子商务协会", Regions: []string{"330411104"}, Stage: stDesign},
	{Name: "社区应急志愿者储备库", Domains: []string{"public-safety"}, Lead: "嘉北街道“红领之家”志愿服务队", Regions: []string{"330411003"}, Stage: stDesign},
}

// syntheticAwards are given to some synthetic projects.
var syntheticAwards = []string{
	"秀洲区志愿服务项目大赛金奖",
	"秀洲区志愿服务项目大赛银奖",
	"秀洲区社会组织公益创投优秀项目",
	"嘉兴市优秀志愿服务项目",
	"秀洲区“最美志愿服务项目”",
}

// ---- people ----

// surnames are weighted towards those common in northern Zhejiang; each
// appears as often as it is listed.
var surnames = []string{
	"王", "王", "王", "李", "李", "张", "张", "刘", "陈", "陈", "陈", "杨", "黄", "赵", "吴", "吴", "周", "周",
	"徐", "徐", "沈", "沈", "沈", "钱", "钱", "朱", "朱", "顾", "陆", "陆", "姚", "孙", "马", "胡", "郭", "何",
	"高", "林", "金", "蒋", "许", "曹", "冯", "费", "俞", "褚", "屠", "范", "施", "邱",
}

var givenMale = []string{"伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "建", "华", "国", "平", "志", "文", "浩", "宇", "俊", "晨", "峰", "鑫", "海", "林", "荣", "栋", "凯", "亮", "新", "良"}

var givenFemale = []string{"芳", "娟", "敏", "静", "丽", "艳", "燕", "霞", "萍", "玲", "婷", "雪", "慧", "琴", "红", "梅", "英", "佳", "颖", "倩", "洁", "琳", "丹", "晓", "悦", "雯", "欣", "菊", "月", "蓉"}

var skills = []string{
	"心理咨询", "医疗护理", "法律咨询", "摄影", "驾驶", "电商直播", "教育辅导", "烹饪",
	"农技指导", "文艺表演", "应急救护", "家电维修", "书法", "手语", "外语翻译", "理发",
}

// studentSkills are what students typically offer.
var studentSkills = []string{"教育辅导", "摄影", "电商直播", "外语翻译", "文艺表演", "心理咨询", "应急救护"}

// mobilePrefixes are the second and third digits of mainland mobile numbers.
var mobilePrefixes = []string{"38", "39", "35", "36", "37", "50", "51", "52", "57", "58", "59", "87", "88", "33", "53", "80", "89", "77", "73", "99"}
