package dataset

// The registers of the rest of the Xiuzhou model: Party-organisation
// coverage of social organisations, service points, and the awards of the
// project competitions and venture philanthropy. All are public
// registers: counts and lists of organisations and places, no person.

var coverageMethods = []Category{
	{"OWN_BRANCH", Text{"单独建", "Own branch"}},
	{"JOINT_BRANCH", Text{"联合建", "Joint branch"}},
	{"INSTRUCTOR", Text{"选派党建指导员", "Instructor assigned"}},
	{"NOT_COVERED", Text{"未覆盖", "Not covered"}},
}

var pointKinds = []Category{
	{"CANTEEN", Text{"爱心食堂 / 老年食堂", "Community canteen"}},
	{"DISABILITY_SUPPORT", Text{"社区助残", "Disability help"}},
	{"CARE_AND_HEALTH", Text{"康养融合", "Care and health"}},
	{"PARTY_MASS_SERVICE", Text{"党群服务窗口", "Party–mass service desk"}},
	{"OTHER", Text{"其他", "Other"}},
}

var roundKinds = []Category{
	{"VOLUNTEER_PROJECT", Text{"志愿服务项目大赛", "Volunteer project competition"}},
	{"VENTURE_PHILANTHROPY", Text{"社会组织公益创投大赛", "Venture philanthropy"}},
}

var coverageUnit = Text{"个组织", "organisations"}

func coverageCount(name string, title, desc Text) Field {
	return Field{Name: name, Type: Integer, Title: title, Unit: coverageUnit, Description: desc, Required: true}
}

func partyCoverage() *Dataset {
	return &Dataset{
		ID:    PartyCoverage,
		Title: Text{"社会组织党组织覆盖情况", "Party-organisation coverage of social organisations"},
		Description: Text{
			"各镇街社会组织的党的组织覆盖情况（两个覆盖）：社会组织数，单独建、联合建、选派党建指导员和未覆盖的组织数，以及覆盖率；全区一行。各组织的覆盖方式见组织名录及 GraphQL API。",
			"Party-organisation coverage (两个覆盖) of the social organisations of each town: how many there are, how many are covered by their own branch, by a joint branch or by an assigned instructor, how many are not covered, and the coverage rate; one row for the district. Each organisation's coverage is in the register of organisations and the GraphQL API.",
		},
		Unit:       coverageUnit,
		Keywords:   []Text{{"两个覆盖", "Party coverage"}, {"社会组织党建", "Party building in social organisations"}, {"社会组织党建工作指引", "guide to Party building"}},
		PrimaryKey: []string{"town_code"},
		Source:     registerSource,
		Method: Text{
			"按发布参考日统计：登记或备案、在参考日前成立（或成立日期不详）的社会组织和社工机构；覆盖方式取参考日当天有效的记录，无记录计为未覆盖。覆盖率 = 已覆盖数 ÷ 社会组织数，保留 4 位小数。组织数为公开名录的计数，不涉及个人，不作披露控制。",
			"Counted on the release's reference date: social organisations and social-work agencies, registered or filed, founded by then (or of unknown founding date); the coverage in force that day, none counting as not covered. Rate = covered ÷ organisations, to 4 decimals. Counts of a public register, about no person, so not disclosure-controlled.",
		},
		Fields: []Field{
			townCode(townCodeTotal),
			townName,
			coverageCount("social_organizations", Text{"社会组织数", "Social organisations"}, Text{"登记或备案的社会组织和社工机构。", "Registered or filed social organisations and agencies."}),
			coverageCount("own_branch", Text{"单独建", "Own branch"}, Text{"单独建立党组织的组织数。", "Covered by a Party branch of their own."}),
			coverageCount("joint_branch", Text{"联合建", "Joint branch"}, Text{"联合建立党组织覆盖的组织数。", "Covered by a branch shared with other organisations."}),
			coverageCount("instructor", Text{"选派党建指导员", "Instructor"}, Text{"选派党建指导员覆盖的组织数。", "Covered by an assigned Party-building instructor."}),
			coverageCount("not_covered", Text{"未覆盖", "Not covered"}, Text{"未覆盖或无覆盖记录的组织数。", "Not covered, or no coverage recorded."}),
			coverageCount("covered", Text{"已覆盖", "Covered"}, Text{"单独建、联合建与选派党建指导员之和。", "Own branch, joint branch and instructor together."}),
			{Name: "coverage_rate", Type: Number, Title: Text{"覆盖率", "Coverage rate"}, Unit: Text{"比例", "ratio"},
				Description: Text{"已覆盖数 ÷ 社会组织数，0–1；没有社会组织时为空。", "Covered ÷ social organisations, 0–1; empty when there are none."}},
		},
		Chart: Chart{Type: "bar", X: "town_code", XLabel: "town_name", Title: Text{"各镇街党组织覆盖", "Coverage by town"},
			Exclude: map[string]string{"town_code": ""},
			Series: []Series{
				{Field: "own_branch", Title: Text{"单独建", "Own branch"}},
				{Field: "joint_branch", Title: Text{"联合建", "Joint branch"}},
				{Field: "instructor", Title: Text{"选派党建指导员", "Instructor"}},
				{Field: "not_covered", Title: Text{"未覆盖", "Not covered"}},
			}},
	}
}

func servicePoints() *Dataset {
	return &Dataset{
		ID:    ServicePoints,
		Title: Text{"驻点服务点", "Service points"},
		Description: Text{
			"爱心食堂、老年食堂、社区助残、康养融合、党群服务窗口等驻点服务点：类型、地址、WGS-84 坐标、开放时间、服务内容、服务对象、运营组织、牵头单位和关联项目。另附 schema.org Place 格式的 JSON-LD。",
			"Service points — community canteens, disability help, care-and-health stations, Party–mass service desks: kind, address, WGS-84 coordinates, opening hours, services, target groups, operator, lead body and linked projects. Also offered as schema.org Place JSON-LD.",
		},
		Unit:       Text{"个服务点", "service points"},
		Keywords:   []Text{{"驻点服务", "service points"}, {"爱心食堂", "community canteens"}, {"社区助残", "disability help"}, {"康养融合", "care and health"}},
		PrimaryKey: []string{"service_point_id"},
		Source:     registerSource,
		Method: Text{
			"名录原样公布（当前状态），含已停用的服务点（停用日期非空）。坐标为 WGS-84（GPS），不是 GCJ-02；开放时间为中国标准时间，采用 OpenStreetMap opening_hours 写法，列出每周时段和发布参考日起的特殊日期。",
			"Published as registered (current state), closed points included (closed_on set). Coordinates are WGS-84 (GPS), not GCJ-02; opening hours are China Standard Time in OpenStreetMap opening_hours syntax, with the weekly sessions and the exceptions from the reference date on.",
		},
		Places: true,
		Fields: []Field{
			nameField("service_point_id", Text{"服务点 ID", "Service point ID"}, Text{"稳定标识，与 GraphQL API 中的 ID 相同。", "Stable identifier, the same as the ID in the GraphQL API."}, true),
			nameField("name", Text{"名称", "Name"}, Text{"服务点名称。", "Name of the point."}, true),
			coded("kind", Text{"类型", "Kind"}, Text{"服务点类型代码。", "Kind of point (code)."}, pointKinds, true),
			nameField("kind_name", Text{"类型名称", "Kind (label)"}, Text{"服务点类型中文名称。", "Kind in Chinese."}, true),
			nameField("town_code", Text{"镇街代码", "Town code"}, Text{"所在镇（街道）代码。", "Code of the town or street."}, true),
			nameField("town_name", Text{"镇街名称", "Town name"}, Text{"所在镇（街道）名称。", "Name of the town or street."}, true),
			nameField("region_code", Text{"区划代码", "Division code"}, Text{"所在镇街或村（社区）的统计区划代码。", "Code of the town or community the point is in."}, true),
			nameField("address", Text{"地址", "Address"}, Text{"地址。", "Street address."}, true),
			{Name: "latitude", Type: Number, Required: true, Title: Text{"纬度", "Latitude"}, Unit: Text{"度", "degrees"}, Description: Text{"WGS-84 纬度。", "WGS-84 latitude."}},
			{Name: "longitude", Type: Number, Required: true, Title: Text{"经度", "Longitude"}, Unit: Text{"度", "degrees"}, Description: Text{"WGS-84 经度。", "WGS-84 longitude."}},
			nameField("opening_hours", Text{"开放时间", "Opening hours"}, Text{"OpenStreetMap opening_hours 写法，如“Mo-Fr 10:30-12:30; 2026 Oct 01 off”。", "OpenStreetMap opening_hours syntax, e.g. \"Mo-Fr 10:30-12:30; 2026 Oct 01 off\"."}, false),
			nameField("services", Text{"服务内容", "Services"}, Text{"服务内容词条，多个以“; ”分隔。", "Services offered, separated by \"; \"."}, false),
			nameField("target_groups", Text{"服务对象", "Target groups"}, Text{"服务对象词条，多个以“; ”分隔。", "Groups served, separated by \"; \"."}, false),
			nameField("operator_id", Text{"运营组织 ID", "Operator ID"}, Text{"见组织名录。", "See the register of organisations."}, true),
			nameField("operator", Text{"运营组织", "Operator"}, Text{"运营服务点的组织。", "The organisation running the point."}, true),
			nameField("operator_credit_code", Text{"运营组织统一社会信用代码", "Operator's credit code"}, Text{"运营组织的统一社会信用代码；无则为空。", "The operator's Unified Social Credit Code; empty when none."}, false),
			nameField("lead", Text{"牵头单位", "Lead"}, Text{"牵头单位，通常为党群服务中心；无则为空。", "The leading body, usually a Party service centre; empty when none."}, false),
			nameField("projects", Text{"关联项目", "Projects"}, Text{"在此服务的项目名称，多个以“; ”分隔。", "Projects delivered there, separated by \"; \"."}, false),
			nameField("contact_phone", Text{"联系电话", "Contact phone"}, Text{"服务点公开电话（不是个人电话）。", "The point's public number (never a person's)."}, false),
			{Name: "opened_on", Type: Date, Title: Text{"启用日期", "Opened on"}, Description: Text{"启用日期；不详为空。", "First day of service; empty when unknown."}},
			{Name: "closed_on", Type: Date, Title: Text{"停用日期", "Closed on"}, Description: Text{"停用日期；仍在服务为空。", "Last day of service; empty while it runs."}},
		},
		Chart: Chart{Type: "scatter", X: "longitude", Y: "latitude", XLabel: "name", GroupBy: "kind", GroupLabel: "kind_name",
			Title: Text{"服务点分布（经纬度）", "Service points by coordinates"}},
	}
}

func competitionAwards() *Dataset {
	return &Dataset{
		ID:    CompetitionAwards,
		Title: Text{"项目大赛与公益创投获奖资助", "Competition and venture-philanthropy awards"},
		Description: Text{
			"已公布结果的志愿服务项目大赛和社会组织公益创投大赛的获奖与资助：获奖组织及其统一社会信用代码、金额、币种、公布日期、项目、赛事、名次、奖项和评审平均分。字段对应资助数据发布常用的格式（如 360Giving）。评审中的赛事不列入，直至公布。",
			"Awards of the volunteer-project competitions and venture-philanthropy rounds whose results are announced: recipient organisation and its credit code, amount, currency, award date, project, round, rank, prize and the reviewers' mean score. The fields follow the shape grant-data publishers use (e.g. 360Giving). Rounds under review are left out until announced.",
		},
		Unit:       Text{"元", "yuan"},
		Keywords:   []Text{{"公益创投", "venture philanthropy"}, {"志愿服务项目大赛", "project competition"}, {"资助", "grants"}},
		PrimaryKey: []string{"award_id"},
		Source: Text{"同行平台赛事登记：主办单位录入申报、评分和获奖，公布后公开。",
			"The Tongxing platform's competition register: the organiser records applications, scores and awards, public once announced."},
		Method: Text{
			"仅含已公布（CLOSED）的赛事；名次、评分和金额以公布时为准，公布后不再修改。评审平均分为评审席位评分的算术平均，保留 2 位小数。",
			"Announced (CLOSED) rounds only; rank, scores and amounts as announced, never changed afterwards. The mean score is the arithmetic mean of the panel seats' scores, to 2 decimals.",
		},
		Fields: []Field{
			nameField("award_id", Text{"奖项 ID", "Award ID"}, Text{"稳定标识，与 GraphQL API 中的 ID 相同。", "Stable identifier, the same as the ID in the GraphQL API."}, true),
			nameField("title", Text{"项目名称", "Title"}, Text{"获奖项目名称。", "Name of the funded project."}, true),
			nameField("project_id", Text{"项目 ID", "Project ID"}, Text{"见服务项目。", "See the service projects."}, true),
			nameField("recipient_org_id", Text{"获奖组织 ID", "Recipient ID"}, Text{"见组织名录。", "See the register of organisations."}, true),
			nameField("recipient_org_name", Text{"获奖组织", "Recipient"}, Text{"申报并获奖的组织。", "The applying organisation."}, true),
			nameField("recipient_org_credit_code", Text{"获奖组织统一社会信用代码", "Recipient's credit code"}, Text{"无则为空。", "Empty when none."}, false),
			{Name: "amount_awarded", Type: Number, Required: true, Title: Text{"资助金额", "Amount awarded"}, Unit: Text{"元", "yuan"}, Description: Text{"获奖资助金额。", "Money granted."}},
			nameField("currency", Text{"币种", "Currency"}, Text{"ISO 4217 代码。", "ISO 4217 code."}, true),
			{Name: "award_date", Type: Date, Required: true, Title: Text{"公布日期", "Award date"}, Description: Text{"赛事结果公布日期。", "Day the round's results were announced."}},
			nameField("funding_org_name", Text{"主办单位", "Funding organisation"}, Text{"主办赛事的单位。", "The body running the round."}, true),
			nameField("round_id", Text{"赛事 ID", "Round ID"}, Text{"稳定标识。", "Stable identifier."}, true),
			nameField("round_name", Text{"赛事名称", "Round"}, Text{"赛事名称。", "Name of the round."}, true),
			{Name: "round_year", Type: Year, Required: true, Title: Text{"年度", "Year"}, Description: Text{"赛事年度。", "The round's year."}},
			coded("round_kind", Text{"赛事类型", "Round kind"}, Text{"赛事类型代码。", "Kind of round (code)."}, roundKinds, true),
			{Name: "rank", Type: Integer, Required: true, Title: Text{"名次", "Rank"}, Description: Text{"在本赛事中的名次，1 为第一。", "Place in the round, 1 first."}},
			nameField("prize", Text{"奖项", "Prize"}, Text{"奖项等级，如一等奖。", "Prize level, e.g. 一等奖."}, false),
			{Name: "mean_score", Type: Number, Title: Text{"评审平均分", "Mean score"}, Unit: Text{"分", "points"}, Description: Text{"评审评分（百分制）的平均；无评分为空。", "Mean of the reviewers' scores out of 100; empty when none."}},
		},
		Chart: Chart{Type: "bar", X: "round_name", CountBy: &Text{"获奖数", "Awards"}, Title: Text{"各赛事获奖数量", "Awards by round"}},
	}
}
