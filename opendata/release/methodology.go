package release

import (
	"fmt"
	"strconv"

	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/opendata/dataset"
)

// Methodology explains the disclosure rules in plain words, one paragraph
// each, for the portal's methodology page and the XLSX notes sheet.
func Methodology(k int) []dataset.Text {
	ks := strconv.Itoa(k)
	hoursCap := strconv.Itoa(disclosure.HoursCapPerMonth)
	dom := strconv.Itoa(int(disclosure.DominanceShare * 100))
	return []dataset.Text{
		{
			Zh: "只公布固定的汇总表，不提供对个人数据的任意查询。组织、项目和党建联建是公开名录，按清单公布，其中不含任何个人。",
			En: "Only fixed, predefined tables are published; there is no ad-hoc query on personal data. Organisations, projects and Party-building links are public registers, published as lists that name no person.",
		},
		{
			Zh: "频数规则：由少于 " + ks + " 人（群众需求和个案统计为少于 " + ks + " 件）构成的单元格不公布，以 x 表示。没有人的单元格同样以 x 表示：每张表的行都是固定的（全部月份或年份 × 全区和每个镇街 × 全部领域、年龄段、性别、实践基地），不论有无数据，所以一行是否出现、是否为 x，都说明不了有没有人。若已公布的合计与其他分项足以把某个隐去格推算到 ±1 人以内，则在其旁再隐去一个公布值最小的格（次级隐去），因此 x 也可能代表 k 人或以上。",
			En: "Frequency rule: a cell made up of fewer than " + ks + " people (fewer than " + ks + " needs or cases in the needs and case tables) is not published and shows x. A cell with nobody in it shows x too: every table's rows are fixed (every month or year of the coverage × the district and each town × every domain, age band, gender or practice base), whatever the data, so neither a row nor an x says whether anyone is there. Where the published totals and other parts would confine a withheld cell to within ±1 person, the smallest published cell beside it is withheld too (secondary suppression), so an x may also stand for k or more.",
		},
		{
			Zh: "时长上限与优势规则：每人每月计入的服务时长最多 " + hoursCap + " 小时（超出时按比例缩减），再行加总；若某一格中一个人的时长超过该格合计的 " + dom + "%，该格不公布。",
			En: "Hours cap and dominance rule: each person's hours count for at most " + hoursCap + " hours a month (scaled down proportionally beyond that) before they are added up; if one person accounts for more than " + dom + "% of a cell's hours, the cell is not published.",
		},
		{
			Zh: "确定性扰动：每个公布的人数和时长都加了一个小的随机偏差。偏差由参与该格的记录编号经密钥散列后确定，所以同一格在每次发布、每张表中都得到同一个值；而相差一条记录的两个格的偏差互不相关，用两张表或两次发布相减得到的只是噪声，推算不出任何一个人。人数偏差在 −2 到 +2 之间，时长偏差不超过该格最大个人贡献的一半。",
			En: "Deterministic perturbation: every published count of people and every sum of hours carries a small random offset. The offset is derived from a keyed hash of the ids of the records in the cell, so the same cell always publishes the same value, in every release and every table, while two cells that differ by one record get unrelated offsets: subtracting two tables or two releases yields noise, not a person. Counts move by −2 to +2; hours by at most half of the largest single person's contribution to the cell.",
		},
		{
			Zh: "取整：扰动后的人数按 5 取整（四舍五入），且公布的人数不小于 " + fmt.Sprint(k) + "；时长取整到小时。因此各行之和与合计行可能略有出入——合计由原始数据单独计算、同样处理，而不是由公布值相加，这样任何被隐去的格都无法从其所在行或列的合计中反推出来。",
			En: "Rounding: perturbed counts are rounded to the nearest 5 and no published count of people is below " + fmt.Sprint(k) + "; hours are rounded to whole hours. Rows may therefore not add up exactly to their totals — totals are computed from the raw data and protected the same way, not added up from published cells, so no withheld cell can be worked out from its row or column.",
		},
		{
			Zh: "每张表只统计一个人群：除儿童表外，各表的所有行——镇街行、全区行和合计行——都只统计 18 岁及以上的成年人、儿童相关领域以外的需求和成年服务对象的个案（不含儿童保护个案），所以全区减镇街、合计减分项、两行或两表相减都得不出儿童的数字。未满 18 岁（或年龄不详）的志愿者及其时长、与儿童相关领域（托育、青少年、助学）的群众需求、未成年人的个案（开案时未满 18 岁者的个案和全部儿童保护个案），只在“儿童相关全区年度统计”（children-summary）中按全区、按年公布；该表每次发布每年都有一行，不足 " + ks + "（包括 0）一律以 x 表示，因此一行是否出现、是否为 x 都说明不了有没有儿童。项目成效中计人数（含儿童人数）的值不足 " + ks + " 时以 x 表示。",
			En: "One population per table: apart from the children's table, every row of every table — town rows, district rows and totals alike — counts adults (18 and over), needs outside child-related domains and cases of adult residents (child protection excepted) only, so no district-minus-towns, total-minus-parts, row-minus-row or table-minus-table difference yields a figure about children. Volunteers under 18 (or of unknown age) and their hours, resident needs in child-related domains (childcare, youth, education aid), and cases of children (the resident under 18 when the case opened, and every child-protection case) are published only in children-summary, district-wide and by year; that table has a row for every year in every release, and any value below " + ks + ", zero included, shows x, so neither a row nor an x says whether any child took part. Project outcome values that count people (children included) below " + ks + " show x.",
		},
		{
			Zh: "个案统计的行固定：个案很少，若只在有个案时才有一行，一行出现本身就说明该镇街该季度有个案，前后两次发布一比就知道是哪一天。因此个案统计（case-statistics）每次发布都包含全部的行——覆盖期内每个季度 × 全区和每个镇街 × 每个类别及合计——不论有无个案，不足 " + ks + " 件（包括 0）一律以 x 表示；覆盖期从其他各表的第一年第一季度到参考日所在季度，不由个案决定。所以一行是否出现、是否为 x，都说明不了某镇街某季度有没有个案。",
			En: "Fixed rows in the case table: cases are rare, so if a row existed only when a case was in it, its mere presence would say that a case opened or closed in that town that quarter — and comparing two daily releases would date it to the day. case-statistics therefore has every row — every quarter of its coverage × the district and each town × each kind and the total — in every release, whether or not there are cases, and every count below " + ks + ", zero included, shows x; the coverage runs from the first quarter of the other tables' first year to the reference date's quarter and is not decided by the cases. So neither a row nor an x says whether any case opened or closed in a town and quarter.",
		},
		{
			Zh: "口径：只计已核实的志愿服务记录；个案只读取区划、类别、是否未成年和开结案日期，已清除的个案照常计入；统计截至发布参考日（中国标准时间），年龄和“近 12 个月”按参考日计算。同一数据库、同一参考日重复生成，结果逐字节相同。",
			En: "Scope: only verified service records count; of a social-work case only its division, kind, minor flag and dates are read, and purged cases still count; figures run to the release's reference date (China Standard Time), and ages and \"the last 12 months\" are taken on that date. Rebuilding from the same database for the same date gives byte-identical files.",
		},
	}
}
