package dataset

// The dataset identifiers. They appear in URLs and file names and never change.
const (
	DistrictSummary       = "district-summary"
	Organizations         = "organizations"
	PartyBuildingLinks    = "party-building-links"
	Projects              = "projects"
	ProjectOutcomes       = "project-outcomes"
	VolunteerHoursMonthly = "volunteer-hours-monthly"
	VolunteersByTown      = "volunteers-by-town"
	NeedsMonthly          = "needs-monthly"
	PracticeBases         = "practice-bases"
	ChildrenSummary       = "children-summary"
	CaseStatistics        = "case-statistics"
	PartyCoverage         = "party-coverage"
	ServicePoints         = "service-points"
	CompetitionAwards     = "competition-awards"
)

// Shared field definitions.

func townCode(desc Text) Field {
	return Field{Name: "town_code", Type: String, Required: true,
		Title:       Text{"镇街代码", "Town code"},
		Description: desc}
}

var townCodeTotal = Text{
	"镇（街道）统计区划代码（9 位）；行值为区县代码（6 位）时表示全区合计。",
	"Statistical township code (9 digits) of the town or street; the district's own 6-digit code marks the district-wide total.",
}

var townName = Field{Name: "town_name", Type: String, Required: true,
	Title:       Text{"镇街名称", "Town name"},
	Description: Text{"镇（街道）名称；全区合计行为区县名称。", "Name of the town or street; the district's name on district-wide total rows."}}

var monthField = Field{Name: "month", Type: YearMonth, Required: true,
	Title:       Text{"月份", "Month"},
	Description: Text{"统计月份（YYYY-MM，按中国标准时间）。", "Calendar month (YYYY-MM, China Standard Time)."}}

var yearField = Field{Name: "year", Type: Year, Required: true,
	Title:       Text{"年份", "Year"},
	Description: Text{"统计年份；发布当年统计至发布参考日。", "Calendar year; the current year runs to the release's reference date."}}

func domainCode(desc Text) Field {
	return Field{Name: "domain_code", Type: String, Required: true,
		Title: Text{"服务领域代码", "Service domain code"}, Description: desc}
}

var domainName = Field{Name: "domain_name", Type: String, Required: true,
	Title:       Text{"服务领域", "Service domain"},
	Description: Text{"服务领域名称（中文 / English）。", "Service domain name (Chinese / English)."}}

var (
	peopleUnit = Text{"人", "people"}
	hoursUnit  = Text{"小时", "hours"}
	needsUnit  = Text{"件", "needs"}
	casesUnit  = Text{"件", "cases"}
	countUnit  = Text{"个", "count"}
)

func protectedCount(name string, title, desc Text) Field {
	return Field{Name: name, Type: Integer, Title: title, Unit: peopleUnit, Protected: true,
		Description: Text{desc.Zh + "经披露控制：不足 k 人的单元格以 x 表示，其余加确定性扰动后按 5 取整。",
			desc.En + " Disclosure-controlled: cells of fewer than k people are shown as x; others are perturbed deterministically and rounded to base 5."}}
}

func protectedHours(name string, title, desc Text) Field {
	return Field{Name: name, Type: Integer, Title: title, Unit: hoursUnit, Protected: true,
		Description: Text{desc.Zh + "仅计已核实记录；每人每月计入时长设上限；不足 k 人或单人占比过高的单元格以 x 表示；其余加确定性扰动后取整到小时。",
			desc.En + " Verified records only; each person's hours are capped per month; cells of fewer than k people or dominated by one person are shown as x; others are perturbed deterministically and rounded to whole hours."}}
}

func protectedNeeds(name string, title, desc Text) Field {
	return Field{Name: name, Type: Integer, Title: title, Unit: needsUnit, Protected: true,
		Description: Text{desc.Zh + "需求涉及居民：不足 k 件的单元格以 x 表示，其余加确定性扰动后按 5 取整。",
			desc.En + " Needs concern residents: cells of fewer than k needs are shown as x; others are perturbed deterministically and rounded to base 5."}}
}

func protectedCases(name string, title, desc Text) Field {
	return Field{Name: name, Type: Integer, Title: title, Unit: casesUnit, Protected: true,
		Description: Text{desc.Zh + "个案涉及居民：不足 k 件的单元格以 x 表示，其余加确定性扰动后按 5 取整。",
			desc.En + " Cases concern residents: cells of fewer than k cases are shown as x; others are perturbed deterministically and rounded to base 5."}}
}

func publicCount(name string, title, desc Text) Field {
	return Field{Name: name, Type: Integer, Title: title, Unit: countUnit, Description: desc}
}

// Enumerations of the data model, with their labels.
var (
	orgKinds = []Category{
		{"SOCIAL_ORGANIZATION", Text{"社会组织", "Social organisation"}},
		{"SOCIAL_WORK_AGENCY", Text{"社工机构", "Social-work agency"}},
		{"VOLUNTEER_TEAM", Text{"志愿服务队", "Volunteer team"}},
		{"PARTY_ORGANIZATION", Text{"党组织", "Party organisation"}},
		{"PARTY_SERVICE_CENTER", Text{"党群服务中心", "Party-masses service centre"}},
		{"UNIVERSITY", Text{"高校", "University"}},
		{"GOVERNMENT", Text{"政府部门", "Government body"}},
		{"ENTERPRISE", Text{"企业", "Enterprise"}},
		{"OTHER", Text{"其他", "Other"}},
	}
	legalForms = []Category{
		{"SOCIAL_GROUP", Text{"社会团体", "Social group"}},
		{"SOCIAL_SERVICE_AGENCY", Text{"社会服务机构（民办非企业单位）", "Social service agency"}},
		{"FOUNDATION", Text{"基金会", "Foundation"}},
		{"NONE", Text{"无", "None"}},
	}
	registrationStatuses = []Category{
		{"REGISTERED", Text{"登记", "Registered with civil affairs"}},
		{"FILED", Text{"备案", "Filed with the county bureau"}},
		{"UNREGISTERED", Text{"未登记", "Unregistered"}},
	}
	linkTypes = []Category{
		{"JOINT_BUILDING", Text{"联建", "Joint building"}},
		{"PAIRING", Text{"结对", "Pairing"}},
		{"DUAL_REPORTING", Text{"双报到", "Dual reporting"}},
		{"GRID_SERVICE", Text{"网格连心·组团服务", "Grid service"}},
		{"GUIDANCE", Text{"指导", "Guidance"}},
	}
	stages = []Category{
		{"DESIGN", Text{"研发", "Design"}},
		{"SHOWCASE", Text{"展示", "Showcase"}},
		{"IMPLEMENTATION", Text{"实施", "Implementation"}},
		{"EVALUATION", Text{"评估", "Evaluation"}},
		{"CLOSED", Text{"结项", "Closed"}},
	}
	fundingSources = []Category{
		{"VENTURE_PHILANTHROPY", Text{"公益创投", "Venture philanthropy"}},
		{"GOVERNMENT_PURCHASE", Text{"政府购买", "Government purchase"}},
		{"CHARITY", Text{"慈善", "Charity"}},
		{"SELF_FUNDED", Text{"自筹", "Self-funded"}},
		{"OTHER", Text{"其他", "Other"}},
	}
	genders = []Category{
		{"FEMALE", Text{"女", "Female"}},
		{"MALE", Text{"男", "Male"}},
		{"UNSPECIFIED", Text{"未说明", "Unspecified"}},
		{Total, Text{"合计", "Total"}},
	}
	// AgeBands are the age groups of volunteers-by-town, whose population
	// is adults: people under 18 or of unknown age are counted in
	// children-summary only, so no age band of theirs appears in it.
	// caseKinds are the kinds of case-statistics: every kind of the data
	// model but CHILD_PROTECTION, whose cases all concern children and are
	// counted in children-summary only.
	caseKinds = []Category{
		{"FAMILY", Text{"家庭", "Family"}},
		{"ELDERLY", Text{"老年", "Elderly"}},
		{"DISABILITY", Text{"残障", "Disability"}},
		{"MENTAL_HEALTH", Text{"心理健康", "Mental health"}},
		{"HARDSHIP", Text{"困难救助", "Hardship"}},
		{"OTHER", Text{"其他", "Other"}},
		{Total, Text{"全部类别（不含儿童保护）", "All kinds (child protection excepted)"}},
	}
	ageBands = []Category{
		{"18-29", Text{"18–29 岁", "18–29"}},
		{"30-44", Text{"30–44 岁", "30–44"}},
		{"45-59", Text{"45–59 岁", "45–59"}},
		{"60+", Text{"60 岁及以上", "60 and over"}},
		{Total, Text{"合计（18 岁及以上）", "Total (18 and over)"}},
	}
)

// Age groups outside the adult population: counted in children-summary
// only, never in volunteers-by-town.
const (
	AgeUnder18 = "<18"
	AgeUnknown = "UNKNOWN"
)

// Unclassified is the domain code of activities outside any project.
const Unclassified = "UNCLASSIFIED"

// Label returns the label of a category code, or the code itself.
func Label(cats []Category, code string) Text {
	for _, c := range cats {
		if c.Value == code {
			return c.Label
		}
	}
	return Text{code, code}
}

// Enumeration label lookups for builders.
var (
	OrgKinds             = orgKinds
	LegalForms           = legalForms
	RegistrationStatuses = registrationStatuses
	LinkTypes            = linkTypes
	Stages               = stages
	FundingSources       = fundingSources
	Genders              = genders
	AgeBands             = ageBands
	CaseKinds            = caseKinds
	PointKinds           = pointKinds
	CoverageMethods      = coverageMethods
	RoundKinds           = roundKinds
)

// ChildProtection is the case kind whose cases all concern children: it is
// counted in children-summary only and has no row in case-statistics.
const ChildProtection = "CHILD_PROTECTION"

func nameField(name string, title, desc Text, required bool) Field {
	return Field{Name: name, Type: String, Title: title, Description: desc, Required: required}
}

func coded(name string, title, desc Text, cats []Category, required bool) Field {
	return Field{Name: name, Type: String, Title: title, Description: desc, Categories: cats, Required: required}
}

var registerSource = Text{
	"同行平台公开名录（组织、项目、党建联建），由区民政部门及各组织录入并维护。",
	"The public registers of the Tongxing platform (organisations, projects, Party-building links), entered and maintained by the district civil-affairs bureau and the organisations.",
}

var recordSource = Text{
	"同行平台志愿服务记录（志愿服务记录与证明出具办法：谁组织谁记录，谁记录谁证明），仅计已核实记录。",
	"Volunteer service records on the Tongxing platform (recorded and verified by the organising unit), verified records only.",
}

// All returns the published datasets in their catalogue order: headline
// figures first, then the registers, then the person-derived tables.
func All() []*Dataset {
	return []*Dataset{
		districtSummary(), organizations(), partyBuildingLinks(), projects(), projectOutcomes(),
		volunteerHoursMonthly(), volunteersByTown(), needsMonthly(), caseStatistics(), practiceBases(), childrenSummary(),
		partyCoverage(), servicePoints(), competitionAwards(),
	}
}

// adultsOnly states the population rule in a person-derived dataset's
// method text.
var adultsOnly = Text{
	"本表所有行（含全区行和各合计行）统计同一人群：18 岁及以上的成年人；未满 18 岁或年龄不详者只计入“儿童相关全区年度统计”（children-summary），不计入本表任何一行，因此各行相减得不出儿童的数字。",
	"Every row of this table, district-wide rows and totals included, counts one population: adults, 18 and over; people under 18 or of unknown age count only in children-summary and in no row of this table, so no difference of its rows yields a figure about children.",
}

// with appends sentences to a text, in both languages.
func (t Text) with(more ...Text) Text {
	for _, m := range more {
		t.Zh += m.Zh
		t.En += " " + m.En
	}
	return t
}

// ByID returns the dataset with the given id, or nil.
func ByID(id string) *Dataset {
	for _, d := range All() {
		if d.ID == id {
			return d
		}
	}
	return nil
}

func districtSummary() *Dataset {
	return &Dataset{
		ID:    DistrictSummary,
		Title: Text{"全区年度概况", "District headline figures by year"},
		Description: Text{
			"按年统计的全区“专业社工 + 志愿服务”主要指标：登记和备案的社会组织、志愿服务队、注册和活跃志愿者、持证社工、已核实志愿服务时长、活动场次、项目数量与阶段、群众需求的提出与解决。组织和活动数量来自公开名录；涉及个人的数字只计成年人（未满 18 岁或年龄不详的志愿者、儿童相关领域的需求见 children-summary），并经披露控制（不足 k 人以 x 表示，加扰动并取整），因此与其他表的合计可能略有出入。",
			"Headline figures of the district's \"professional social work + volunteer service\" programme per year: registered and filed social organisations, volunteer teams, registered and active volunteers, certified social workers, verified volunteer hours, activities, projects and their stages, resident needs opened and resolved. Organisation and activity counts come from the public registers; figures about people count adults only (volunteers under 18 or of unknown age, and needs in child-related domains, are in children-summary) and are disclosure-controlled (fewer than k shown as x, perturbed and rounded), so they may differ slightly from totals of other tables.",
		},
		Unit:          Text{"个、人、小时、件", "count, people, hours, needs"},
		Keywords:      []Text{{"志愿服务", "volunteering"}, {"社会工作", "social work"}, {"社会组织", "social organisations"}, {"年度统计", "annual statistics"}},
		PersonDerived: true,
		PrimaryKey:    []string{"year"},
		Source:        Text{registerSource.Zh + recordSource.Zh, registerSource.En + " " + recordSource.En},
		Method: Text{
			"组织数为当年年末（当年为参考日）已成立的组织，按当前登记状态计；注册志愿者为年末在任一组织担任志愿者或队长的人数；活跃志愿者为当年至少有一条已核实服务记录的人数；持证社工为持有社会工作职业资格且年末在组织任职的人数；项目阶段仅在参考年度给出（系统不保存阶段历史）。",
			"Organisations counted are those founded by the end of the year (the reference date for the current year), by their current registration status; registered volunteers are people who were volunteers or team leaders of an organisation at the end of the year; active volunteers had at least one verified service record in the year; certified social workers hold a social-work certificate and belonged to an organisation at the end of the year; project stages are given for the reference year only (stage history is not kept).",
		}.with(adultsOnly, Text{"需求只计儿童相关领域以外的需求。", "Needs count those outside child-related domains."}),
		Fields: []Field{
			yearField,
			publicCount("registered_organizations", Text{"登记社会组织", "Registered organisations"}, Text{"年末已成立、在民政部门登记的组织数。", "Organisations registered with civil affairs and founded by the end of the year."}),
			publicCount("filed_organizations", Text{"备案社区社会组织", "Filed organisations"}, Text{"年末已成立、向县级民政部门备案的社区社会组织数。", "Community social organisations filed with the county bureau and founded by the end of the year."}),
			publicCount("volunteer_teams", Text{"志愿服务队", "Volunteer teams"}, Text{"年末已成立的志愿服务队数。", "Volunteer teams founded by the end of the year."}),
			protectedCount("registered_volunteers", Text{"注册志愿者", "Registered volunteers"}, Text{"年末年满 18 岁、在任一组织担任志愿者或队长的人数（去重）。", "Distinct adults who were volunteers or team leaders of an organisation at the end of the year."}),
			protectedCount("active_volunteers", Text{"活跃志愿者", "Active volunteers"}, Text{"当年至少有一条成年后的已核实服务记录的人数（去重）。", "Distinct people with at least one verified service record served as an adult in the year."}),
			protectedCount("certified_social_workers", Text{"持证社工", "Certified social workers"}, Text{"持有社会工作职业资格（助理社会工作师及以上）且年末在组织任职的人数。", "People holding a social-work certificate (assistant social worker or above) who belonged to an organisation at the end of the year."}),
			protectedHours("verified_hours", Text{"已核实志愿服务时长", "Verified volunteer hours"}, Text{"当年成年志愿者已核实的志愿服务时长合计。", "Total verified volunteer service hours of adults in the year."}),
			publicCount("activities", Text{"活动场次", "Activities"}, Text{"当年开展的活动场次（服务、培训、督导、宣传等）。", "Activities held in the year (service, training, supervision, publicity and other)."}),
			publicCount("projects_started", Text{"当年启动项目", "Projects started"}, Text{"开始日期在当年的项目数。", "Projects whose start date falls in the year."}),
			publicCount("projects_running", Text{"在实施项目", "Projects running"}, Text{"当年任一时间处于开始与结束日期之间的项目数。", "Projects whose start–end period overlaps the year."}),
			publicCount("projects_design", Text{"研发阶段项目", "Projects in design"}, Text{"参考日处于研发阶段的项目数；仅参考年度有值。", "Projects in the design stage on the reference date; reference year only."}),
			publicCount("projects_showcase", Text{"展示阶段项目", "Projects in showcase"}, Text{"参考日处于展示阶段的项目数；仅参考年度有值。", "Projects in the showcase stage on the reference date; reference year only."}),
			publicCount("projects_implementation", Text{"实施阶段项目", "Projects in implementation"}, Text{"参考日处于实施阶段的项目数；仅参考年度有值。", "Projects in the implementation stage on the reference date; reference year only."}),
			publicCount("projects_evaluation", Text{"评估阶段项目", "Projects in evaluation"}, Text{"参考日处于评估阶段的项目数；仅参考年度有值。", "Projects in the evaluation stage on the reference date; reference year only."}),
			publicCount("projects_closed", Text{"已结项项目", "Projects closed"}, Text{"参考日已结项的项目数；仅参考年度有值。", "Projects closed by the reference date; reference year only."}),
			protectedNeeds("needs_opened", Text{"群众需求提出", "Needs opened"}, Text{"当年提出的群众需求件数（儿童相关领域除外）。", "Resident needs submitted in the year (child-related domains excepted)."}),
			protectedNeeds("needs_resolved", Text{"群众需求解决", "Needs resolved"}, Text{"当年解决（状态为已解决）的群众需求件数（儿童相关领域除外）。", "Resident needs resolved in the year (status RESOLVED; child-related domains excepted)."}),
		},
		Chart: Chart{Type: "bar", X: "year", Title: Text{"已核实志愿服务时长与活跃志愿者", "Verified hours and active volunteers"},
			Series: []Series{
				{Field: "verified_hours", Title: Text{"已核实时长（小时）", "Verified hours"}},
				{Field: "active_volunteers", Title: Text{"活跃志愿者（人）", "Active volunteers"}, Axis: 1},
			}},
	}
}

func organizations() *Dataset {
	return &Dataset{
		ID:    Organizations,
		Title: Text{"组织名录", "Register of organisations"},
		Description: Text{
			"公开组织名录：社会组织、社工机构、志愿服务队、党组织、党群服务中心、高校等，含类型、法人形式、登记状态、统一社会信用代码、分类、所在镇街、成立年份和评估等级。名录不含任何个人信息。",
			"The public register of organisations — social organisations, social-work agencies, volunteer teams, Party organisations, Party-masses service centres, universities and others — with kind, legal form, registration status, Unified Social Credit Code, categories, town, year founded and assessment grade. It holds no personal data.",
		},
		Unit:       Text{"组织", "organisations"},
		Keywords:   []Text{{"社会组织", "social organisations"}, {"名录", "register"}, {"统一社会信用代码", "credit code"}},
		PrimaryKey: []string{"organization_id"},
		Source:     registerSource,
		Method:     Text{"名录原样公布（当前状态）；所在镇街由组织所在区划向上归到镇（街道），区级及区外组织镇街为空。", "Published as registered (current state); the town is the town or street the organisation's division lies in, empty for district-level bodies and bodies outside the district."},
		Fields: []Field{
			nameField("organization_id", Text{"组织 ID", "Organisation ID"}, Text{"稳定标识，与 GraphQL API 中的 ID 相同。", "Stable identifier, the same as the ID in the GraphQL API."}, true),
			nameField("name", Text{"组织名称", "Name"}, Text{"登记名称或通用名称。", "Registered or common name."}, true),
			coded("kind", Text{"组织类型", "Kind"}, Text{"组织类型代码。", "Kind of body (code)."}, orgKinds, true),
			nameField("kind_name", Text{"组织类型名称", "Kind (label)"}, Text{"组织类型的中文名称。", "Kind in Chinese."}, true),
			coded("legal_form", Text{"法人形式", "Legal form"}, Text{"社会团体、社会服务机构、基金会或无。", "Social group, social service agency, foundation or none."}, legalForms, true),
			coded("registration_status", Text{"登记状态", "Registration status"}, Text{"登记（民政部门）、备案（县级民政部门）或未登记。", "Registered with civil affairs, filed with the county bureau, or unregistered."}, registrationStatuses, true),
			nameField("credit_code", Text{"统一社会信用代码", "Unified Social Credit Code"}, Text{"GB 32100-2015 代码（已校验）；无则为空。", "GB 32100-2015 code (check character verified); empty when none."}, false),
			nameField("categories", Text{"分类", "Categories"}, Text{"分类词条名称，多个以“; ”分隔。", "Category terms, separated by \"; \"."}, false),
			nameField("town_code", Text{"镇街代码", "Town code"}, Text{"所在镇（街道）代码；区级或区外组织为空。", "Code of the town or street; empty for district-level bodies and bodies outside the district."}, false),
			nameField("town_name", Text{"镇街名称", "Town name"}, Text{"所在镇（街道）名称。", "Name of the town or street."}, false),
			{Name: "founded_year", Type: Year, Title: Text{"成立年份", "Year founded"}, Description: Text{"成立或登记年份。", "Year founded or registered."}},
			coded("assessment_grade", Text{"评估等级", "Assessment grade"}, Text{"民政部门社会组织评估等级 1A–5A；未评估为空。", "Civil-affairs assessment grade 1A–5A; empty when not assessed."},
				[]Category{{"1A", Text{"1A", "1A"}}, {"2A", Text{"2A", "2A"}}, {"3A", Text{"3A", "3A"}}, {"4A", Text{"4A", "4A"}}, {"5A", Text{"5A", "5A"}}}, false),
		},
		Chart: Chart{Type: "bar", X: "town_code", XLabel: "town_name", CountBy: &Text{"组织数", "Organisations"},
			Title: Text{"各镇街组织数量", "Organisations by town"}, Exclude: map[string]string{"town_code": ""}},
	}
}

func partyBuildingLinks() *Dataset {
	return &Dataset{
		ID:    PartyBuildingLinks,
		Title: Text{"党建联建关系", "Party-building links"},
		Description: Text{
			"党组织与社会组织、志愿服务队等之间的党建联建（联建、结对、双报到、网格连心·组团服务、指导）关系，含开始和结束日期。已结束的关系保留，历史可查。",
			"Party-building links (党建联建: joint building, pairing, dual reporting, grid service, guidance) between Party organisations and partner organisations, with start and end dates. Ended links stay in the list so the history is public.",
		},
		Unit:       Text{"对", "links"},
		Keywords:   []Text{{"党建联建", "Party building"}, {"党组织", "Party organisations"}},
		PrimaryKey: []string{"link_id"},
		Source:     registerSource,
		Method:     Text{"名录原样公布。", "Published as registered."},
		Fields: []Field{
			nameField("link_id", Text{"联建 ID", "Link ID"}, Text{"稳定标识，与 GraphQL API 中的 ID 相同。", "Stable identifier, the same as the ID in the GraphQL API."}, true),
			nameField("party_organization_id", Text{"党组织 ID", "Party organisation ID"}, Text{"见组织名录。", "See the register of organisations."}, true),
			nameField("party_organization", Text{"党组织", "Party organisation"}, Text{"党组织名称。", "Name of the Party organisation."}, true),
			nameField("partner_id", Text{"联建单位 ID", "Partner ID"}, Text{"见组织名录。", "See the register of organisations."}, true),
			nameField("partner", Text{"联建单位", "Partner organisation"}, Text{"联建单位名称。", "Name of the partner organisation."}, true),
			coded("link_type", Text{"联建类型", "Link type"}, Text{"联建类型代码。", "Link type (code)."}, linkTypes, true),
			nameField("link_type_name", Text{"联建类型名称", "Link type (label)"}, Text{"联建类型中文名称。", "Link type in Chinese."}, true),
			{Name: "since", Type: Date, Required: true, Title: Text{"开始日期", "Since"}, Description: Text{"联建开始日期。", "First day of the link."}},
			{Name: "until", Type: Date, Title: Text{"结束日期", "Until"}, Description: Text{"联建结束日期；仍在进行为空。", "Last day of the link; empty while it runs."}},
		},
		Chart: Chart{Type: "bar", X: "link_type", XLabel: "link_type_name", CountBy: &Text{"联建数", "Links"},
			Title: Text{"各类型联建数量", "Links by type"}},
	}
}

func projects() *Dataset {
	return &Dataset{
		ID:    Projects,
		Title: Text{"服务项目", "Service projects"},
		Description: Text{
			"志愿服务和专业社工服务项目名录：项目名称、牵头组织、服务领域、服务对象、阶段、起止年份、服务镇街、资金来源和金额、已公布的成效；参与志愿者人数和已核实时长为经披露控制的汇总数。",
			"The register of volunteer and social-work service projects: name, lead organisation, service domains, target groups, stage, start and end year, towns served, funding source and amount, published outcomes; the number of volunteers and verified hours are disclosure-controlled aggregates.",
		},
		Unit:          Text{"个项目；人；小时", "projects; people; hours"},
		Keywords:      []Text{{"服务项目", "projects"}, {"公益创投", "venture philanthropy"}, {"志愿服务", "volunteering"}},
		PersonDerived: true,
		PrimaryKey:    []string{"project_id"},
		Source:        Text{registerSource.Zh + recordSource.Zh, registerSource.En + " " + recordSource.En},
		Method: Text{
			"名录字段原样公布；参与志愿者为在项目活动中有已核实记录的成年人数（去重，项目全周期），时长同口径；子项目单独统计，不并入上级项目。",
			"Register fields are published as registered; volunteers are distinct adults with verified records at the project's activities over its whole life, hours likewise; sub-projects are counted on their own, not in their parent.",
		}.with(adultsOnly),
		Fields: []Field{
			nameField("project_id", Text{"项目 ID", "Project ID"}, Text{"稳定标识，与 GraphQL API 中的 ID 相同。", "Stable identifier, the same as the ID in the GraphQL API."}, true),
			nameField("name", Text{"项目名称", "Name"}, Text{"项目名称。", "Project name."}, true),
			nameField("parent_project_id", Text{"上级项目 ID", "Parent project ID"}, Text{"子项目的上级项目；无则为空。", "Parent of a sub-project; empty when none."}, false),
			nameField("lead_organization_id", Text{"牵头组织 ID", "Lead organisation ID"}, Text{"见组织名录。", "See the register of organisations."}, false),
			nameField("lead_organization", Text{"牵头组织", "Lead organisation"}, Text{"牵头组织名称。", "Name of the lead organisation."}, false),
			nameField("domains", Text{"服务领域", "Service domains"}, Text{"服务领域名称，多个以“; ”分隔（第一个为主领域）。", "Service domains, separated by \"; \" (the first is the primary domain)."}, false),
			nameField("target_groups", Text{"服务对象", "Target groups"}, Text{"服务对象类别，多个以“; ”分隔。", "Groups served, separated by \"; \"."}, false),
			coded("stage", Text{"阶段", "Stage"}, Text{"研发 → 展示 → 实施 → 评估 → 结项。", "DESIGN → SHOWCASE → IMPLEMENTATION → EVALUATION → CLOSED."}, stages, true),
			nameField("stage_name", Text{"阶段名称", "Stage (label)"}, Text{"阶段中文名称。", "Stage in Chinese."}, true),
			{Name: "start_year", Type: Year, Title: Text{"开始年份", "Start year"}, Description: Text{"项目开始年份；未定为空。", "Year the project starts; empty when not fixed."}},
			{Name: "end_year", Type: Year, Title: Text{"结束年份", "End year"}, Description: Text{"项目结束年份；未定为空。", "Year the project ends; empty when not fixed."}},
			nameField("town_codes", Text{"服务镇街代码", "Town codes"}, Text{"服务区域所在镇（街道）代码，多个以“; ”分隔。", "Codes of the towns or streets served, separated by \"; \"."}, false),
			nameField("towns", Text{"服务镇街", "Towns"}, Text{"服务区域所在镇（街道）名称，多个以“; ”分隔。", "Towns or streets served, separated by \"; \"."}, false),
			coded("funding_source", Text{"资金来源", "Funding source"}, Text{"公益创投、政府购买、慈善、自筹或其他。", "Venture philanthropy, government purchase, charity, self-funded or other."}, fundingSources, false),
			{Name: "funding_yuan", Type: Number, Title: Text{"资金（元）", "Funding (yuan)"}, Unit: Text{"元", "yuan"}, Description: Text{"项目资金金额。", "Funding amount."}},
			nameField("outcomes", Text{"已公布成效", "Published outcomes"}, Text{"各指标最近一期实际值摘要，详见“项目成效”数据集。", "Latest actual value per indicator; see the project-outcomes dataset for details."}, false),
			protectedCount("volunteers", Text{"参与志愿者", "Volunteers"}, Text{"在项目活动中有已核实记录的成年人数（去重）。", "Distinct adults with verified records at the project's activities."}),
			protectedHours("verified_hours", Text{"已核实时长", "Verified hours"}, Text{"项目活动已核实志愿服务时长合计。", "Verified volunteer hours at the project's activities."}),
		},
		Chart: Chart{Type: "bar", X: "stage", XLabel: "stage_name", CountBy: &Text{"项目数", "Projects"},
			Title: Text{"各阶段项目数量", "Projects by stage"}},
	}
}

func projectOutcomes() *Dataset {
	return &Dataset{
		ID:    ProjectOutcomes,
		Title: Text{"项目成效", "Project outcomes"},
		Description: Text{
			"按 IATI 成果框架记录的项目成效：项目、指标、统计期、基线值、目标值、实际值和单位。数值由项目填报并核实；计人数的指标（含儿童人数），不足 k 的数值以 x 表示。",
			"Project outcomes in the IATI results framework: project, indicator, period, baseline, target, actual and unit. Values are reported by the projects and verified; for indicators that count people (children included), values below k are shown as x.",
		},
		Unit:          Text{"见 unit 字段", "see the unit field"},
		Keywords:      []Text{{"项目成效", "outcomes"}, {"成果框架", "results framework"}, {"IATI", "IATI"}},
		PersonDerived: true,
		PrimaryKey:    []string{"outcome_id"},
		Source:        Text{"项目填报的成效记录（含佐证材料与核实人，佐证与核实人不公开）。", "Outcome records reported by the projects (with evidence and verifier, which are not published)."},
		Method:        Text{"原样公布；计人数的指标（单位为“人”，或配置为儿童人数的指标），基线值和实际值在 0 至 k−1 之间时隐去。", "Published as reported; for indicators that count people (unit 人, or configured as counting children) baseline and actual values from 0 to k−1 are withheld."},
		Fields: []Field{
			nameField("outcome_id", Text{"成效记录 ID", "Outcome ID"}, Text{"稳定标识，与 GraphQL API 中的 ID 相同。", "Stable identifier, the same as the ID in the GraphQL API."}, true),
			nameField("project_id", Text{"项目 ID", "Project ID"}, Text{"见服务项目数据集。", "See the projects dataset."}, true),
			nameField("project", Text{"项目", "Project"}, Text{"项目名称。", "Project name."}, true),
			nameField("indicator_code", Text{"指标代码", "Indicator code"}, Text{"稳定的指标代码。", "Stable indicator code."}, true),
			nameField("indicator", Text{"指标", "Indicator"}, Text{"指标名称（中文 / English）。", "Indicator name (Chinese / English)."}, true),
			{Name: "period_start", Type: Date, Required: true, Title: Text{"统计期起", "Period start"}, Description: Text{"统计期第一天。", "First day of the period."}},
			{Name: "period_end", Type: Date, Required: true, Title: Text{"统计期止", "Period end"}, Description: Text{"统计期最后一天。", "Last day of the period."}},
			{Name: "baseline", Type: Number, Protected: true, Title: Text{"基线值", "Baseline"}, Description: Text{"项目开始前的值；无则为空；计人数且不足 k 时为 x。", "Value before the project; empty when none; x when it counts fewer than k people."}},
			{Name: "target", Type: Number, Title: Text{"目标值", "Target"}, Description: Text{"目标值；无则为空。", "Value aimed for; empty when none."}},
			{Name: "actual", Type: Number, Protected: true, Title: Text{"实际值", "Actual"}, Description: Text{"实际达到的值；统计期未结束为空；计人数（单位为人，或儿童人数指标）且不足 k 时为 x。", "Value reached; empty while the period is open; x when it counts fewer than k people (unit 人, or an indicator counting children)."}},
			nameField("unit", Text{"单位", "Unit"}, Text{"数值单位，如 户、元、人、%。", "Unit of the values, e.g. households, yuan, people, %."}, false),
		},
		Chart: Chart{Type: "bar", X: "indicator_code", XLabel: "indicator", CountBy: &Text{"成效记录数", "Outcome records"},
			Title: Text{"各指标成效记录数", "Outcome records by indicator"}},
	}
}

func volunteerHoursMonthly() *Dataset {
	return &Dataset{
		ID:    VolunteerHoursMonthly,
		Title: Text{"分镇街分月志愿服务", "Volunteer service by town and month"},
		Description: Text{
			"按镇街、月份和服务领域统计的成年（18 岁及以上）参与志愿者人数、已核实志愿服务时长和活动场次。含各镇街的全部领域合计（domain_code = ALL）和全区合计（town_code 为区县代码）；合计由原始数据独立计算并同样经披露控制，不是已公布单元格之和。未满 18 岁或年龄不详的志愿者见 children-summary。",
			"Distinct adult (18 and over) volunteers, verified volunteer hours and activities by town, month and service domain. Includes all-domain totals per town (domain_code = ALL) and district-wide totals (town_code = the district's code); totals are computed from the raw data and disclosure-controlled the same way, not summed from published cells. Volunteers under 18 or of unknown age are in children-summary.",
		},
		Unit:          Text{"人；小时；场", "people; hours; activities"},
		Keywords:      []Text{{"志愿服务时长", "volunteer hours"}, {"月度统计", "monthly statistics"}, {"镇街", "towns"}},
		PersonDerived: true,
		ZeroWithout:   "activities",
		PrimaryKey:    []string{"month", "town_code", "domain_code"},
		Source:        recordSource,
		Method: Text{
			"服务领域取活动所属项目的主领域，项目外活动记为“未归类”；镇街取活动地点所在镇（街道）；全区行还包括在区级（不属任何镇街）开展的活动。",
			"The domain is the primary domain of the activity's project (activities outside projects are UNCLASSIFIED); the town is where the activity took place; district rows also include activities held at district level (in no town).",
		}.with(adultsOnly),
		Fields: []Field{
			monthField,
			townCode(townCodeTotal),
			townName,
			domainCode(Text{"服务领域代码；ALL 表示全部领域合计；UNCLASSIFIED 表示项目外活动。", "Service domain code; ALL totals every domain; UNCLASSIFIED marks activities outside any project."}),
			domainName,
			protectedCount("volunteers", Text{"参与志愿者", "Volunteers"}, Text{"当月在该镇街、该领域有已核实服务记录的成年人数（去重）。", "Distinct adults with verified service records in the town, month and domain."}),
			protectedHours("verified_hours", Text{"已核实时长", "Verified hours"}, Text{"成年志愿者已核实志愿服务时长合计。", "Total verified volunteer hours of adults."}),
			publicCount("activities", Text{"活动场次", "Activities"}, Text{"当月在该镇街、该领域开展的活动场次（活动为公开信息，不作扰动）。", "Activities held in the town, month and domain (activities are public and not perturbed)."}),
		},
		Chart: Chart{Type: "line", X: "month", Title: Text{"全区每月已核实志愿服务时长", "Verified volunteer hours per month, district-wide"},
			Where: map[string]string{"domain_code": Total, "town_code": "{district}"},
			Series: []Series{
				{Field: "verified_hours", Title: Text{"已核实时长（小时）", "Verified hours"}},
				{Field: "volunteers", Title: Text{"参与志愿者（人）", "Volunteers"}, Axis: 1},
			}},
	}
}

func volunteersByTown() *Dataset {
	return &Dataset{
		ID:    VolunteersByTown,
		Title: Text{"分镇街志愿者构成", "Volunteers by town, age and gender"},
		Description: Text{
			"参考日按镇街、年龄段和性别统计的成年（18 岁及以上）注册志愿者人数，以及其中近 12 个月有已核实服务记录的活跃志愿者人数。含各维度合计（ALL）和全区合计；未满 18 岁和年龄不详者不计入本表，见 children-summary。",
			"Registered adult (18 and over) volunteers on the reference date by town, age band and gender, and how many of them were active (a verified service record in the last 12 months). Includes totals for each dimension (ALL) and district-wide totals; people under 18 or of unknown age are not in this table but in children-summary.",
		},
		Unit:          peopleUnit,
		Keywords:      []Text{{"志愿者", "volunteers"}, {"年龄", "age"}, {"性别", "gender"}, {"镇街", "towns"}},
		PersonDerived: true,
		PrimaryKey:    []string{"town_code", "age_band", "gender"},
		Source:        Text{"同行平台人员与组织成员关系、志愿服务记录。", "People, memberships and volunteer service records on the Tongxing platform."},
		Method: Text{
			"注册志愿者：参考日在任一组织担任志愿者或队长；所属镇街：这些成员关系中最早加入、且组织位于镇街内的那一个；年龄按参考日计算。",
			"Registered volunteer: a volunteer or team leader of an organisation on the reference date; town: the town of the earliest-joined such membership whose organisation lies in a town; age on the reference date.",
		}.with(adultsOnly),
		Fields: []Field{
			townCode(townCodeTotal),
			townName,
			coded("age_band", Text{"年龄段", "Age band"}, Text{"参考日年龄段；ALL 为 18 岁及以上合计。", "Age band on the reference date; ALL is the total of all adults (18 and over)."}, ageBands, true),
			coded("gender", Text{"性别", "Gender"}, Text{"FEMALE 女、MALE 男、UNSPECIFIED 未说明；ALL 为合计。", "FEMALE, MALE, UNSPECIFIED; ALL is the total."}, genders, true),
			protectedCount("registered_volunteers", Text{"注册志愿者", "Registered volunteers"}, Text{"参考日的注册志愿者人数。", "Registered volunteers on the reference date."}),
			protectedCount("active_volunteers", Text{"活跃志愿者", "Active volunteers"}, Text{"其中参考日前 12 个月内有已核实服务记录的人数。", "Of whom had a verified service record in the 12 months to the reference date."}),
		},
		Chart: Chart{Type: "bar", X: "town_code", XLabel: "town_name", Title: Text{"各镇街注册与活跃志愿者", "Registered and active volunteers by town"},
			Where:   map[string]string{"age_band": Total, "gender": Total},
			Exclude: map[string]string{"town_code": "{district}"},
			Series: []Series{
				{Field: "registered_volunteers", Title: Text{"注册志愿者", "Registered"}},
				{Field: "active_volunteers", Title: Text{"活跃志愿者", "Active"}},
			}},
	}
}

func needsMonthly() *Dataset {
	return &Dataset{
		ID:    NeedsMonthly,
		Title: Text{"群众需求月度统计", "Resident needs by town and month"},
		Description: Text{
			"按镇街、月份和服务领域统计的群众需求提出件数、解决件数和解决所需天数中位数。需求涉及居民，件数同样适用频数规则（不足 k 件以 x 表示）；与儿童相关领域的需求不计入本表任何一行（含全区行和 ALL 合计），只在 children-summary 中按年公布全区数。",
			"Resident needs opened and resolved, and the median days to resolve, by town, month and service domain. Needs concern residents, so counts follow the frequency rule too (fewer than k needs shown as x); needs in child-related domains count in no row of this table (district rows and ALL totals included) and are published district-wide by year in children-summary.",
		},
		Unit:          Text{"件；天", "needs; days"},
		Keywords:      []Text{{"群众需求", "resident needs"}, {"基层治理", "community governance"}},
		PersonDerived: true,
		PrimaryKey:    []string{"month", "town_code", "domain_code"},
		Source:        Text{"同行平台群众需求登记（不含需求描述和联系人）。", "Resident needs registered on the Tongxing platform (descriptions and contacts are never used)."},
		Method: Text{
			"提出件数按提出月份计；解决件数和天数中位数按解决月份计，仅计状态为已解决的需求；天数中位数在解决件数不足 k 时隐去。居民评价（评单）随所评需求计入其解决月份；评价件数不足 k 时隐去平均评分。",
			"Needs opened count by the month submitted; needs resolved and the median days count by the month resolved, status RESOLVED only; the median is withheld when fewer than k needs were resolved. Ratings (评单) count with the need they rate, in its month of resolution; the mean is withheld when fewer than k were rated.",
		}.with(Text{"本表所有行统计同一类需求：儿童相关领域以外的需求。", "Every row counts one population: needs outside child-related domains."}),
		Fields: []Field{
			monthField,
			townCode(townCodeTotal),
			townName,
			domainCode(Text{"服务领域代码；ALL 表示全部领域合计。", "Service domain code; ALL totals every domain."}),
			domainName,
			protectedNeeds("needs_opened", Text{"提出件数", "Needs opened"}, Text{"当月提出的需求件数。", "Needs submitted in the month."}),
			protectedNeeds("needs_resolved", Text{"解决件数", "Needs resolved"}, Text{"当月解决的需求件数。", "Needs resolved in the month."}),
			{Name: "median_days_to_resolve", Type: Number, Protected: true, Unit: Text{"天", "days"},
				Title:       Text{"解决天数中位数", "Median days to resolve"},
				Description: Text{"当月解决的需求从提出到解决的天数中位数（保留一位小数）；解决件数不足 k 时为 x，无解决为空。", "Median days from submission to resolution of the needs resolved in the month (one decimal); x when fewer than k were resolved, empty when none."}},
			protectedNeeds("needs_rated", Text{"居民评价件数", "Needs rated"}, Text{"当月解决的需求中，提出需求的居民通过评价码给出评分（评单）的件数。", "Needs resolved in the month that the resident who raised them rated with their one-time rating code (评单)."}),
			{Name: "mean_rating", Type: Number, Protected: true, Unit: Text{"分（1–5）", "points (1–5)"},
				Title:       Text{"居民平均评分", "Mean resident rating"},
				Description: Text{"当月解决且已评价需求的平均评分（1 非常不满意至 5 非常满意，保留一位小数）；评价件数不足 k 时为 x，无解决为空。只用评分，不用评价文字。", "Mean score of the rated needs resolved in the month (1 very dissatisfied to 5 very satisfied, one decimal); x when fewer than k were rated, empty when none was resolved. Scores only; the residents' words are never used."}},
		},
		Chart: Chart{Type: "line", X: "month", Title: Text{"全区每月群众需求", "Resident needs per month, district-wide"},
			Where: map[string]string{"domain_code": Total, "town_code": "{district}"},
			Series: []Series{
				{Field: "needs_opened", Title: Text{"提出", "Opened"}},
				{Field: "needs_resolved", Title: Text{"解决", "Resolved"}},
			}},
	}
}

// quarterField is the period of case-statistics. Table Schema has no
// quarter type, so it is a string of a fixed form that sorts in time order.
var quarterField = Field{Name: "quarter", Type: String, Required: true,
	Title:       Text{"季度", "Quarter"},
	Description: Text{"统计季度（YYYYQn，如 2026Q3，按中国标准时间）；发布当季统计至发布参考日。", "Calendar quarter (YYYYQn, e.g. 2026Q3, China Standard Time); the current quarter runs to the release's reference date."}}

// casesAdultsOnly states the population rule of case-statistics.
var casesAdultsOnly = Text{
	"本表所有行（含全区行和各合计行）统计同一类个案：开案时服务对象已满 18 岁、且不属儿童保护类的个案；开案时未满 18 岁者的个案和全部儿童保护个案只计入“儿童相关全区年度统计”（children-summary，全区、按年），不计入本表任何一行，因此全区减各镇街、合计减各类别得到的只是噪声和区级个案，得不出儿童的数字。",
	"Every row of this table, district-wide rows and totals included, counts one population: cases whose resident was 18 or over when the case opened, child protection excepted; cases of residents under 18 and every child-protection case count only in children-summary (district-wide, by year) and in no row of this table, so district − Σ towns and ALL − Σ kinds yield noise and district-level cases, never a figure about children.",
}

func caseStatistics() *Dataset {
	return &Dataset{
		ID:    CaseStatistics,
		Title: Text{"个案统计", "Case statistics"},
		Description: Text{
			"按季度、镇街和个案类别统计的社会工作个案开案数和结案数（成年服务对象的个案）。含各镇街的全部类别合计（kind = ALL）和全区合计（town_code 为区县代码）；合计由原始数据独立计算并同样经披露控制，不是已公布单元格之和。开案时未满 18 岁者的个案和全部儿童保护个案不计入本表任何一行（含全区行），只在 children-summary 中按全区、按年公布。每次发布都包含覆盖期内每个季度 × 全区和每个镇街 × 每个类别及合计的全部行，不论有无个案；个案涉及居民，不足 k 件（包括 0）一律以 x 表示，所以一行是否出现、是否为 x 都说明不了有没有个案。",
			"Social-work cases (个案) opened and closed per quarter by town and broad kind, for cases of adult residents. Includes all-kind totals per town (kind = ALL) and district-wide totals (town_code = the district's code); totals are computed from the raw data and disclosure-controlled the same way, not summed from published cells. Cases of residents under 18 when the case opened, and every child-protection case, count in no row of this table (district rows included): they are published district-wide by year in children-summary. Every release has a row for every quarter of the coverage × the district and each town × each kind and ALL, whether or not there are cases; cases concern residents, so fewer than k cases — zero included — show x, and neither a row nor an x says whether there was a case.",
		},
		Unit:          casesUnit,
		Keywords:      []Text{{"个案", "casework"}, {"社会工作", "social work"}, {"季度统计", "quarterly statistics"}, {"镇街", "towns"}},
		PersonDerived: true,
		PrimaryKey:    []string{"quarter", "town_code", "kind"},
		Source: Text{
			"同行平台社会工作个案（只读取服务对象所在区划、个案类别、是否未成年、开案和结案日期；从不读取机构、社工、服务对象本人和任何文字）。",
			"Social-work case files on the Tongxing platform (only the resident's division, the case kind, the minor flag and the opening and closing dates are read — never the agency, the social worker, the resident or any text).",
		},
		Method: Text{
			"开案数按开案日期所在季度计，结案数按结案日期所在季度计；服务对象居住在村（社区）的个案计入其所在镇（街道）；登记在区级（不属任何镇街）的个案只计入全区行。已清除的个案（PURGED）保留区划、类别、是否未成年和开结案所在季度，照常计入，所以清除不改变任何已公布的数字。覆盖期从其他各表的第一年（活动和成年人需求的最早年份，不由个案决定）第一季度到参考日所在季度，行的集合只取决于覆盖期、本区镇街和个案类别，不取决于个案；覆盖期以前的开案、结案不公布。",
			"Cases opened count by the quarter of the opening date, cases closed by the quarter of the closing date; a case whose resident lives in a village or community counts in its town; a case registered at district level (in no town) counts in the district rows only. Purged cases keep their division, kind, minor flag and the quarters they opened and closed in, and are counted as before, so purging changes no published figure. The coverage runs from the first quarter of the other tables' first year (the earliest year of activities and adults' needs, never decided by the cases) to the reference date's quarter; the set of rows depends only on the coverage, the district's towns and the case kinds, never on the cases, and openings or closings before the coverage are not published.",
		}.with(casesAdultsOnly),
		Fields: []Field{
			quarterField,
			townCode(townCodeTotal),
			townName,
			coded("kind", Text{"个案类别", "Case kind"}, Text{"个案大类；ALL 为全部类别合计。儿童保护（CHILD_PROTECTION）个案都涉及儿童，不在本表，见 children-summary。", "Broad kind of the case; ALL totals every kind. Child-protection (CHILD_PROTECTION) cases all concern children and are not in this table but in children-summary."}, caseKinds, true),
			nameField("kind_name", Text{"个案类别名称", "Case kind (label)"}, Text{"类别名称（中文 / English）。", "Kind name (Chinese / English)."}, true),
			protectedCases("cases_opened", Text{"开案数", "Cases opened"}, Text{"当季开案的个案数；不足 k（包括 0）时为 x。", "Cases opened in the quarter; x below k, zero included."}),
			protectedCases("cases_closed", Text{"结案数", "Cases closed"}, Text{"当季结案的个案数（含此后已清除的个案）；不足 k（包括 0）时为 x。", "Cases closed in the quarter (cases purged since included); x below k, zero included."}),
		},
		Chart: Chart{Type: "line", X: "quarter", Title: Text{"全区每季度个案（成年服务对象）", "Cases per quarter, district-wide (adult residents)"},
			Where: map[string]string{"kind": Total, "town_code": "{district}"},
			Series: []Series{
				{Field: "cases_opened", Title: Text{"开案", "Opened"}},
				{Field: "cases_closed", Title: Text{"结案", "Closed"}},
			}},
	}
}

func practiceBases() *Dataset {
	return &Dataset{
		ID:    PracticeBases,
		Title: Text{"高校志愿服务实践基地", "University practice bases"},
		Description: Text{
			"按高校、实践基地（接收组织）和年份统计的学生志愿者人数和已核实志愿服务时长，含各高校合计（host_id = ALL）和总计（university_id = ALL）。",
			"Student volunteers and verified volunteer hours by university, practice base (host organisation) and year, with per-university totals (host_id = ALL) and a grand total (university_id = ALL).",
		},
		Unit:          Text{"人；小时", "people; hours"},
		Keywords:      []Text{{"实践基地", "practice bases"}, {"高校", "universities"}, {"学生志愿者", "student volunteers"}},
		PersonDerived: true,
		PrimaryKey:    []string{"year", "university_id", "host_id"},
		Source:        recordSource,
		Method: Text{
			"学生：登记了就读高校的人员；实践基地：服务当日学生所在、且与其高校有实践基地合作关系的组织（无则只计入高校合计）。",
			"Students are people with a university on record; the practice base is the organisation the student belonged to on the day of service that has a practice-base partnership with their university (otherwise the hours count only in the university total).",
		}.with(adultsOnly),
		Fields: []Field{
			yearField,
			nameField("university_id", Text{"高校 ID", "University ID"}, Text{"见组织名录；ALL 为总计。", "See the register of organisations; ALL is the grand total."}, true),
			nameField("university", Text{"高校", "University"}, Text{"高校名称。", "Name of the university."}, true),
			nameField("host_id", Text{"实践基地 ID", "Host ID"}, Text{"接收学生的组织，见组织名录；ALL 为该高校合计。", "The host organisation, see the register of organisations; ALL is the university's total."}, true),
			nameField("host", Text{"实践基地", "Host organisation"}, Text{"接收组织名称。", "Name of the host organisation."}, true),
			protectedCount("student_volunteers", Text{"学生志愿者", "Student volunteers"}, Text{"当年在该基地有已核实服务记录的学生人数（去重）。", "Distinct students with verified service records at the base in the year."}),
			protectedHours("verified_hours", Text{"已核实时长", "Verified hours"}, Text{"学生已核实志愿服务时长合计。", "Total verified volunteer hours of the students."}),
		},
		Chart: Chart{Type: "bar", X: "year", Title: Text{"各高校学生志愿服务时长", "Student volunteer hours by university"},
			Where:   map[string]string{"host_id": Total},
			Exclude: map[string]string{"university_id": Total},
			GroupBy: "university_id", GroupLabel: "university",
			Series: []Series{{Field: "verified_hours", Title: Text{"已核实时长（小时）", "Verified hours"}}}},
	}
}

func childrenSummary() *Dataset {
	return &Dataset{
		ID:    ChildrenSummary,
		Title: Text{"儿童相关全区年度统计", "Children: district-wide figures by year"},
		Description: Text{
			"按年统计的全区未满 18 岁（或年龄不详）的注册志愿者、活跃志愿者及其已核实服务时长，与儿童相关领域（托育、青少年、助学）的群众需求，以及未成年人的社会工作个案（开案时未满 18 岁者的个案和全部儿童保护个案）。这些人、需求和个案不计入其他任何表，只在本表按全区、按年公布；每次发布每年都有一行，人数或件数不足 k（包括为 0）时以 x 表示，因此某一行出现与否、是否为 x 都说明不了具体的人。",
			"Registered and active volunteers under 18 (or of unknown age) and their verified hours, resident needs in child-related domains (childcare, youth, education aid), and social-work cases of children (cases whose resident was under 18 when the case opened, and every child-protection case), district-wide, per year. These people, needs and cases count in no other table: they are published here only, for the whole district and by year. Every release has a row for every year, and a value of fewer than k people, needs or cases — zero included — shows x, so neither a row nor an x says anything about a particular child.",
		},
		Unit:          Text{"人；小时；件", "people; hours; needs; cases"},
		Keywords:      []Text{{"儿童", "children"}, {"未成年志愿者", "young volunteers"}, {"儿童保护", "child protection"}, {"年度统计", "annual statistics"}},
		PersonDerived: true,
		Children:      true,
		PrimaryKey:    []string{"year"},
		Source:        Text{recordSource.Zh + "群众需求登记（不含需求描述和联系人）。社会工作个案（只读取类别、是否未成年和开结案日期）。", recordSource.En + " Resident needs (descriptions and contacts are never used). Social-work case files (only the kind, the minor flag and the opening and closing dates are read)."},
		Method: Text{
			"本表是未满 18 岁或年龄不详者（按服务当日或年末年龄）、儿童相关领域需求和未成年人个案的唯一去处，其余各表只计成年人、其他领域的需求和成年人的个案，所以任何两行或两表相减都得不出本表的数字。注册志愿者按年末（当年为参考日）计；活跃志愿者和时长只计其未满 18 岁期间的已核实记录；需求提出按提出年份、解决按解决年份计；个案开案按开案年份、结案按结案年份计（已清除的个案照常计入），“未成年人个案”指开案时服务对象未满 18 岁的个案，以及不论年龄的全部儿童保护个案。所有人数、件数和时长经同样的披露控制（阈值 k、每人每月时长上限、优势规则、确定性扰动、取整），且不足 k 时（包括 0）一律以 x 表示。",
			"This table is the only place people under 18 or of unknown age (on the day served, or at the end of the year), needs in child-related domains and cases of children are counted; every other table counts adults, other needs and adults' cases only, so no difference of two rows or two tables yields a figure of this table. Registered volunteers are counted at the end of the year (the reference date for the current year); active volunteers and hours count verified records served while under 18; needs opened count by the year submitted, needs resolved by the year resolved; cases opened count by the year opened, cases closed by the year closed (purged cases included), a case of a child being one whose resident was under 18 when it opened, and every child-protection case whatever the age. Every count and sum passes the same disclosure control (threshold k, monthly hours cap, dominance rule, deterministic perturbation, rounding), and any value below k, zero included, shows x.",
		},
		Fields: []Field{
			yearField,
			protectedCount("registered_volunteers", Text{"未成年注册志愿者", "Registered volunteers under 18"}, Text{"年末未满 18 岁（或年龄不详）、在任一组织担任志愿者或队长的人数（去重）；不足 k（包括 0）时为 x。", "Distinct people under 18 (or of unknown age) who were volunteers or team leaders of an organisation at the end of the year; x below k, zero included."}),
			protectedCount("active_volunteers", Text{"未成年活跃志愿者", "Active volunteers under 18"}, Text{"当年在未满 18 岁（或年龄不详）时有已核实服务记录的人数（去重）；不足 k（包括 0）时为 x。", "Distinct people with a verified service record in the year served while under 18 (or of unknown age); x below k, zero included."}),
			protectedHours("verified_hours", Text{"未成年志愿者已核实时长", "Verified hours under 18"}, Text{"上述记录的已核实时长合计；不足 k 人（包括 0）时为 x。", "Total verified hours of those records; x below k people, zero included."}),
			protectedNeeds("needs_opened", Text{"儿童相关需求提出", "Child-related needs opened"}, Text{"当年提出的儿童相关领域群众需求件数；不足 k（包括 0）时为 x。", "Resident needs in child-related domains submitted in the year; x below k, zero included."}),
			protectedNeeds("needs_resolved", Text{"儿童相关需求解决", "Child-related needs resolved"}, Text{"当年解决的儿童相关领域群众需求件数；不足 k（包括 0）时为 x。", "Resident needs in child-related domains resolved in the year; x below k, zero included."}),
			protectedCases("cases_opened", Text{"未成年人个案开案", "Cases of children opened"}, Text{"当年开案的未成年人个案数（开案时未满 18 岁者的个案和全部儿童保护个案，全区）；不足 k（包括 0）时为 x。", "Cases of children opened in the year (cases whose resident was under 18 when the case opened, and every child-protection case; district-wide); x below k, zero included."}),
			protectedCases("cases_closed", Text{"未成年人个案结案", "Cases of children closed"}, Text{"当年结案的未成年人个案数（含此后已清除的个案）；不足 k（包括 0）时为 x。", "Cases of children closed in the year (cases purged since included); x below k, zero included."}),
		},
		Chart: Chart{Type: "bar", X: "year", Title: Text{"儿童相关需求与未成年志愿者（全区）", "Child-related needs and volunteers under 18, district-wide"},
			Series: []Series{
				{Field: "needs_opened", Title: Text{"儿童相关需求提出（件）", "Child-related needs opened"}},
				{Field: "active_volunteers", Title: Text{"未成年活跃志愿者（人）", "Active volunteers under 18"}, Axis: 1},
			}},
	}
}
