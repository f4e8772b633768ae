package partners

import (
	"strconv"
	"strings"
	"time"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/gid"
)

// Column describes one column of an export: the stated schema, served at
// /partner/export/ and listed in docs/partners.md.
type Column struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Nullable    bool   `json:"nullable,omitempty"`
	Description string `json:"description"`
}

// RecordRow is one row of the service-records dataset: the GraphQL
// PartnerServiceRecord, flattened. Nothing in it names a person.
type RecordRow struct {
	ID               string    `parquet:"id"`
	Pseudonym        string    `parquet:"pseudonym"`
	PracticeBaseID   string    `parquet:"practice_base_id"`
	HostOrganization string    `parquet:"host_organization"`
	ActivityID       string    `parquet:"activity_id"`
	ActivityTitle    string    `parquet:"activity_title"`
	ActivityStartsAt time.Time `parquet:"activity_starts_at,timestamp(nanosecond)"`
	ServedOn         int32     `parquet:"served_on,date"`
	Month            string    `parquet:"month"`
	Term             string    `parquet:"term"`
	Minutes          int32     `parquet:"minutes"`
	Status           string    `parquet:"status"`
	CorrectsID       *string   `parquet:"corrects_id,optional"`
	UpdatedAt        time.Time `parquet:"updated_at,timestamp(nanosecond)"`
}

var recordColumns = []Column{
	{"id", "string", false, "Record ID (the GraphQL PartnerServiceRecord.id). 记录 ID。"},
	{"pseudonym", "string", false, "The student's pseudonym for this university: P- and 16 characters, stable, unrelated to other universities'. 学生假名。"},
	{"practice_base_id", "string", false, "Practice base the activity counts for. 所属基地 ID。"},
	{"host_organization", "string", false, "The host organisation's name. 基地依托单位。"},
	{"activity_id", "string", false, "Activity ID. 活动 ID。"},
	{"activity_title", "string", false, "Activity title. 活动名称。"},
	{"activity_starts_at", "timestamp (RFC 3339, UTC in CSV; ns in Parquet)", false, "When the activity started. 活动开始时间。"},
	{"served_on", "date (YYYY-MM-DD in CSV; DATE, days since 1970-01-01, in Parquet)", false, "Date served. 服务日期。"},
	{"month", "string (YYYY-MM)", false, "Month served. 服务月份。"},
	{"term", "string (YYYY-YYYY-1 autumn, -2 spring)", false, "Academic term served. 学期。"},
	{"minutes", "int32", false, "Verified service minutes. 服务时长（分钟）。"},
	{"status", "string", false, "Always VERIFIED. 状态。"},
	{"corrects_id", "string", true, "For a correction, the record it replaced. 被更正的原记录 ID。"},
	{"updated_at", "timestamp (RFC 3339, UTC in CSV; ns in Parquet)", false, "When the record last changed; exports are ordered by (updated_at, id). 最后修改时间。"},
}

func recordRow(s *ServiceRecord) RecordRow {
	row := RecordRow{
		ID: gid.Encode(s.ID), Pseudonym: s.Pseudonym, PracticeBaseID: gid.Encode(s.PracticeBaseID), ActivityID: gid.Encode(s.ActivityID),
		ServedOn: Days(s.ServedOn), Month: s.Month(), Term: s.Term(), Minutes: int32(s.Minutes), Status: string(s.Status),
		UpdatedAt: s.UpdatedAt.UTC(),
	}
	if a := s.Activity; a != nil {
		row.ActivityTitle, row.ActivityStartsAt = a.Title, a.StartsAt.UTC()
		if a.Edges.Organization != nil {
			row.HostOrganization = a.Edges.Organization.Name
		}
	}
	if s.CorrectsID != nil {
		id := gid.Encode(*s.CorrectsID)
		row.CorrectsID = &id
	}
	return row
}

func (r RecordRow) csv() []string {
	return []string{r.ID, r.Pseudonym, r.PracticeBaseID, r.HostOrganization, r.ActivityID, r.ActivityTitle, instant(r.ActivityStartsAt),
		DayOf(r.ServedOn), r.Month, r.Term, strconv.Itoa(int(r.Minutes)), r.Status, opt(r.CorrectsID), instant(r.UpdatedAt)}
}

// ActivityRow is one row of the activities dataset: the GraphQL
// PartnerActivity, flattened.
type ActivityRow struct {
	ID                 string    `parquet:"id"`
	PracticeBaseID     string    `parquet:"practice_base_id"`
	HostOrganizationID string    `parquet:"host_organization_id"`
	HostOrganization   string    `parquet:"host_organization"`
	ProjectID          *string   `parquet:"project_id,optional"`
	Project            *string   `parquet:"project,optional"`
	Title              string    `parquet:"title"`
	Kind               string    `parquet:"kind"`
	StartsAt           time.Time `parquet:"starts_at,timestamp(nanosecond)"`
	EndsAt             time.Time `parquet:"ends_at,timestamp(nanosecond)"`
	Place              string    `parquet:"place"`
	RegionCode         string    `parquet:"region_code"`
	Region             string    `parquet:"region"`
	Beneficiaries      int32     `parquet:"beneficiaries"`
	UpdatedAt          time.Time `parquet:"updated_at,timestamp(nanosecond)"`
}

var activityColumns = []Column{
	{"id", "string", false, "Activity ID (the GraphQL PartnerActivity.id). 活动 ID。"},
	{"practice_base_id", "string", false, "Practice base it counts for. 所属基地 ID。"},
	{"host_organization_id", "string", false, "Organiser (the base's host) ID. 组织单位 ID。"},
	{"host_organization", "string", false, "Organiser's name. 组织单位。"},
	{"project_id", "string", true, "Project ID, if any. 所属项目 ID。"},
	{"project", "string", true, "Project name, if any. 所属项目。"},
	{"title", "string", false, "Title. 活动名称。"},
	{"kind", "string", false, "SERVICE, TRAINING, SUPERVISION, PUBLICITY, LIVESTREAM_SALES or OTHER. 活动类型。"},
	{"starts_at", "timestamp", false, "Start. 开始时间。"},
	{"ends_at", "timestamp", false, "End. 结束时间。"},
	{"place", "string", false, "Place (may be empty). 地点。"},
	{"region_code", "string", false, "Division code (GB/T 2260 / township code). 区划代码。"},
	{"region", "string", false, "Division name. 区划。"},
	{"beneficiaries", "int32", false, "People served (a count). 受益人次。"},
	{"updated_at", "timestamp", false, "When the activity last changed. 最后修改时间。"},
}

func activityRow(a *Activity) ActivityRow {
	row := ActivityRow{
		ID: gid.Encode(a.ID), PracticeBaseID: gid.Encode(a.PracticeBaseID), HostOrganizationID: gid.Encode(a.OrganizationID),
		Title: a.Title, Kind: string(a.Kind), StartsAt: a.StartsAt.UTC(), EndsAt: a.EndsAt.UTC(), Place: a.Place,
		Beneficiaries: int32(a.Beneficiaries), UpdatedAt: a.UpdatedAt.UTC(),
	}
	if a.Organization != nil {
		row.HostOrganization = a.Organization.Name
	}
	if a.ProjectID != nil {
		id := gid.Encode(*a.ProjectID)
		row.ProjectID = &id
		if a.Project != nil {
			row.Project = &a.Project.Name
		}
	}
	if a.Region != nil {
		row.RegionCode, row.Region = a.Region.Code, a.Region.Name
	}
	return row
}

func (r ActivityRow) csv() []string {
	return []string{r.ID, r.PracticeBaseID, r.HostOrganizationID, r.HostOrganization, opt(r.ProjectID), opt(r.Project), r.Title, r.Kind,
		instant(r.StartsAt), instant(r.EndsAt), r.Place, r.RegionCode, r.Region, strconv.Itoa(int(r.Beneficiaries)), instant(r.UpdatedAt)}
}

// BaseRow is one row of the practice-bases dataset.
type BaseRow struct {
	ID                 string    `parquet:"id"`
	UniversityID       string    `parquet:"university_id"`
	University         string    `parquet:"university"`
	HostOrganizationID string    `parquet:"host_organization_id"`
	HostOrganization   string    `parquet:"host_organization"`
	StartedOn          int32     `parquet:"started_on,date"`
	EndedOn            *int32    `parquet:"ended_on,date"`
	Capacity           *int32    `parquet:"capacity,optional"`
	Programmes         string    `parquet:"programmes"`
	Description        string    `parquet:"description"`
	UpdatedAt          time.Time `parquet:"updated_at,timestamp(nanosecond)"`
}

var baseColumns = []Column{
	{"id", "string", false, "Practice base ID (= the partnership's ID). 基地 ID。"},
	{"university_id", "string", false, "University ID. 高校 ID。"},
	{"university", "string", false, "University name. 高校。"},
	{"host_organization_id", "string", false, "Host organisation ID. 依托单位 ID。"},
	{"host_organization", "string", false, "Host organisation name. 依托单位。"},
	{"started_on", "date (YYYY-MM-DD in CSV; DATE in Parquet)", false, "First day of the agreement. 协议开始日期。"},
	{"ended_on", "date (YYYY-MM-DD in CSV; DATE in Parquet)", true, "Last day of the agreement; empty while it runs. 协议结束日期。"},
	{"capacity", "int32", true, "Students the host can take at once. 容量。"},
	{"programmes", "string", false, "Study programmes served, separated by \"; \". 服务专业。"},
	{"description", "string", false, "What the agreement covers. 说明。"},
	{"updated_at", "timestamp", false, "When the base's record last changed. 最后修改时间。"},
}

func baseRow(b *ent.Partnership) BaseRow {
	row := BaseRow{
		ID: gid.Encode(b.ID), UniversityID: gid.Encode(b.OrganizationID), HostOrganizationID: gid.Encode(b.PartnerID),
		StartedOn: Days(b.StartedOn), Programmes: strings.Join(b.Programmes, "; "), Description: b.Description, UpdatedAt: b.UpdatedAt.UTC(),
	}
	if o := b.Edges.Organization; o != nil {
		row.University = o.Name
	}
	if o := b.Edges.Partner; o != nil {
		row.HostOrganization = o.Name
	}
	if b.EndedOn != nil {
		e := Days(*b.EndedOn)
		row.EndedOn = &e
	}
	if b.Capacity != nil {
		c := int32(*b.Capacity)
		row.Capacity = &c
	}
	return row
}

func (r BaseRow) csv() []string {
	ended, capacity := "", ""
	if r.EndedOn != nil {
		ended = DayOf(*r.EndedOn)
	}
	if r.Capacity != nil {
		capacity = strconv.Itoa(int(*r.Capacity))
	}
	return []string{r.ID, r.UniversityID, r.University, r.HostOrganizationID, r.HostOrganization, DayOf(r.StartedOn), ended, capacity,
		r.Programmes, r.Description, instant(r.UpdatedAt)}
}

func instant(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Days is a calendar date as Parquet's DATE holds it: days since
// 1970-01-01.
func Days(d time.Time) int32 {
	return int32(d.UTC().Truncate(24*time.Hour).Unix() / 86400)
}

// DayOf is the date of a Parquet DATE, YYYY-MM-DD.
func DayOf(days int32) string {
	return time.Unix(int64(days)*86400, 0).UTC().Format(time.DateOnly)
}

func opt(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// datasets are the exports, by name.
var datasets = map[string]exporter{
	"service-records": &spec[*ServiceRecord, RecordRow]{
		name: "service-records", columns: recordColumns,
		description: "Verified service records of the university's consenting students at its practice bases. 学生服务记录（假名）。",
		key:         func(s *ServiceRecord) Key { return Key{At: s.UpdatedAt, ID: s.ID} },
		fetch:       (*Reader).Records, row: recordRow, csv: RecordRow.csv,
	},
	"activities": &spec[*Activity, ActivityRow]{
		name: "activities", columns: activityColumns,
		description: "Activities the hosts organised during the agreements. 基地活动。",
		key:         func(a *Activity) Key { return Key{At: a.UpdatedAt, ID: a.ID} },
		fetch:       (*Reader).Activities, row: activityRow, csv: ActivityRow.csv,
	},
	"practice-bases": &spec[*ent.Partnership, BaseRow]{
		name: "practice-bases", columns: baseColumns,
		description: "The university's practice bases. 实践基地。",
		key:         func(b *ent.Partnership) Key { return Key{At: b.UpdatedAt, ID: b.ID} },
		fetch:       (*Reader).Bases, row: baseRow, csv: BaseRow.csv,
	},
}
