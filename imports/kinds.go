package imports

import (
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/opendata/dataset"
)

// The enumerations a sheet may hold, with the labels staff know them by.
// Their codes are the ent enums'; TestChoicesCoverTheEnums keeps the two
// equal.
var (
	// The register's enumerations carry the labels the open data
	// publishes them under (package dataset): one wording everywhere.
	orgKinds             = choicesOf(dataset.OrgKinds)
	legalForms           = choicesOf(dataset.LegalForms)
	registrationStatuses = choicesOf(dataset.RegistrationStatuses)
	activityKinds        = []Choice{
		{string(activity.KindSERVICE), "服务", "Service"},
		{string(activity.KindTRAINING), "培训", "Training"},
		{string(activity.KindSUPERVISION), "督导", "Supervision"},
		{string(activity.KindPUBLICITY), "宣传", "Publicity"},
		{string(activity.KindLIVESTREAM_SALES), "直播助农", "Livestream sales"},
		{string(activity.KindOTHER), "其他", "Other"},
	}
	memberRoles = []Choice{
		{string(membership.RoleVOLUNTEER), "志愿者", "Volunteer"},
		{string(membership.RoleSOCIAL_WORKER), "社工", "Social worker"},
		{string(membership.RoleLEADER), "负责人", "Leader"},
		{string(membership.RoleSTAFF), "工作人员", "Staff"},
	}
	genders = choicesOf(dataset.Genders)
	yesNo   = []Choice{{"是", "是", "Yes"}, {"否", "否", "No"}}
)

// choicesOf turns the open data's categories into choices, leaving out
// the "all" row of its tables.
func choicesOf(cats []dataset.Category) []Choice {
	var out []Choice
	for _, c := range cats {
		if c.Value != dataset.Total {
			out = append(out, Choice{Code: c.Value, Zh: c.Label.Zh, En: c.Label.En})
		}
	}
	return out
}

// orgColumn names an organisation by credit code or exact name.
func orgColumn(key, zh, en string, required bool) Column {
	return Column{Key: key, Zh: zh, En: en, Required: required, Text: true,
		Note:    "统一社会信用代码，或组织的完整名称（名称须唯一）。Credit code, or the organisation's full name (which must be unique).",
		Example: "91330411MA2B0X0X0X"}
}

var columnsOf = map[Kind][]Column{
	Organizations: {
		{Key: "name", Zh: "组织名称", En: "Name", Required: true, Note: "至多 200 字。At most 200 characters.", Example: "新城街道邻里守望志愿服务队"},
		{Key: "kind", Zh: "组织类型", En: "Kind", Required: true, Choices: orgKinds, Example: orgKinds[2].Cell()},
		{Key: "legalForm", Zh: "法人形式", En: "Legal form", Choices: legalForms},
		{Key: "registrationStatus", Zh: "登记状态", En: "Registration status", Choices: registrationStatuses, Example: registrationStatuses[1].Cell(),
			Note: "登记的组织须有统一社会信用代码。A REGISTERED organisation needs a credit code."},
		{Key: "creditCode", Zh: "统一社会信用代码", En: "Credit code", Text: true,
			Note: "18 位，校验位按 GB 32100-2015 检查；有代码的行以代码为导入键，无代码的以“名称 + 区划”为键。18 characters, check digit per GB 32100-2015. Rows are keyed by it, or by name and region when there is none."},
		{Key: "regionCode", Zh: "所在区划代码", En: "Region code", Required: true, Regions: true, Text: true, Example: "330411001"},
		orgColumn("parent", "上级组织", "Parent organisation", false),
		{Key: "foundedOn", Zh: "成立日期", En: "Founded on", Example: "2019-05-01"},
		{Key: "assessmentGrade", Zh: "评估等级", En: "Assessment grade", Note: "1–5（A 至 5A）。1 to 5 (A to 5A)."},
		{Key: "contactPhone", Zh: "联系电话", En: "Contact phone", Text: true},
		{Key: "address", Zh: "地址", En: "Address"},
		{Key: "description", Zh: "简介", En: "Description"},
	},
	Volunteers: {
		orgColumn("organization", "所属组织", "Organisation", true),
		{Key: "name", Zh: "姓名", En: "Name", Required: true, Example: "张三"},
		{Key: "idNumber", Zh: "公民身份号码", En: "ID number", Required: true, Text: true,
			Note:    "18 位居民身份证号码，校验位按 GB 11643 检查；加密保存，并作导入键：已在本组织的人员不重复登记。18-character resident ID number; stored encrypted and used as the row's key: people already members are not registered twice.",
			Example: "330411199001011234"},
		{Key: "gender", Zh: "性别", En: "Gender", Choices: genders},
		{Key: "birthDate", Zh: "出生日期", En: "Birth date"},
		{Key: "phone", Zh: "手机号", En: "Mobile phone", Text: true, Note: "11 位手机号。11-digit mainland mobile number."},
		{Key: "address", Zh: "住址", En: "Address"},
		{Key: "skills", Zh: "技能", En: "Skills", Note: "多项以顿号、逗号或分号分隔，至多 20 项。Several separated by 、 , or ; (at most 20)."},
		{Key: "partyMember", Zh: "中共党员", En: "Party member", Choices: yesNo},
		{Key: "role", Zh: "角色", En: "Role", Choices: memberRoles, Note: "默认志愿者。VOLUNTEER when empty."},
		{Key: "joinedOn", Zh: "加入日期", En: "Joined on", Note: "默认今天。Today when empty."},
	},
	Activities: {
		orgColumn("organization", "组织单位", "Organisation", true),
		{Key: "title", Zh: "活动名称", En: "Title", Required: true, Example: "重阳节敬老志愿服务"},
		{Key: "kind", Zh: "活动类型", En: "Kind", Choices: activityKinds, Note: "默认服务。SERVICE when empty."},
		{Key: "regionCode", Zh: "活动区划代码", En: "Region code", Required: true, Regions: true, Text: true, Example: "330411001"},
		{Key: "place", Zh: "地点", En: "Place"},
		{Key: "startsAt", Zh: "开始时间", En: "Starts at", Required: true, Example: "2026-10-29 09:00",
			Note: "北京时间。China Standard Time. 组织、名称与开始时间相同的活动视为同一活动（导入键）。Rows with the same organisation, title and start are one activity (the key)."},
		{Key: "endsAt", Zh: "结束时间", En: "Ends at", Required: true, Example: "2026-10-29 11:30", Note: "至多 7 天。At most 7 days after the start."},
		{Key: "beneficiaries", Zh: "受益人数", En: "Beneficiaries"},
		{Key: "description", Zh: "说明", En: "Description"},
	},
	ServiceHours: {
		{Key: "activityId", Zh: "活动编号", En: "Activity ID", Required: true, Text: true,
			Note: "活动的 API 编号（活动列表的 id）。The activity's API id (id in the activities list)."},
		{Key: "volunteerNumber", Zh: "志愿者编号", En: "Volunteer number", Text: true,
			Note: "志愿者编号或公民身份号码，二者填一。The volunteer number or the ID number: one of the two."},
		{Key: "idNumber", Zh: "公民身份号码", En: "ID number", Text: true},
		{Key: "servedOn", Zh: "服务日期", En: "Served on", Required: true, Example: "2026-10-29",
			Note: "在活动日期之内，不晚于今天；活动结束 10 个工作日后录入的记为补录。Within the activity's dates and not in the future; entered more than 10 working days after the activity, it is marked LATE."},
		{Key: "minutes", Zh: "服务时长（分钟）", En: "Minutes", Required: true, Example: "150",
			Note: "1–1440；同一人一天合计不超过 1440 分钟。1 to 1440; one person's day totals at most 1440."},
		{Key: "content", Zh: "服务内容", En: "Content"},
	},
}
