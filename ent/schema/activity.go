package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/tongxing/tongxing/access"
	"github.com/tongxing/tongxing/policy"
)

// Activity is a dated service event, organised by one organisation, usually
// within a project. Volunteer hours are recorded against activities.
type Activity struct {
	ent.Schema
}

// Fields of the Activity.
func (Activity) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").
			NotEmpty().
			MaxLen(200).
			Comment("Activity name. 活动名称。").
			Annotations(entgql.OrderField("TITLE")),
		field.Enum("kind").
			Values("SERVICE", "TRAINING", "SUPERVISION", "PUBLICITY", "LIVESTREAM_SALES", "OTHER").
			Default("SERVICE").
			Comment("SERVICE 服务, TRAINING 培训, SUPERVISION 督导, PUBLICITY 宣传, LIVESTREAM_SALES 直播带货, OTHER. 活动类型。").
			Annotations(entgql.OrderField("KIND")),
		field.Int("organization_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("project_id").
			Optional().
			Nillable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("region_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("place").
			Optional().
			MaxLen(200).
			Comment("Where it took place. 活动地点。"),
		field.Time("starts_at").
			Comment("Start time. 开始时间。").
			Annotations(entgql.OrderField("STARTS_AT")),
		field.Time("ends_at").
			Comment("End time. 结束时间。").
			Annotations(entgql.OrderField("ENDS_AT")),
		field.Int("beneficiaries").
			Default(0).
			NonNegative().
			Comment("People served (a count; no identities). 受益人次。"),
		field.Text("description").
			Optional().
			Comment("What was done. 活动内容。"),
	}
}

// Edges of the Activity.
func (Activity) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("organization", Organization.Type).
			Ref("activities").
			Field("organization_id").
			Unique().
			Required().
			Comment("Organising unit (谁组织谁记录). 组织单位。"),
		edge.From("project", Project.Type).
			Ref("activities").
			Field("project_id").
			Unique().
			Comment("Project the activity belongs to, if any. 所属项目。"),
		edge.From("region", Region.Type).
			Ref("activities").
			Field("region_id").
			Unique().
			Required().
			Comment("Division where it took place. 活动区域。"),
		edge.To("service_records", ServiceRecord.Type).
			Comment("Volunteer service records (restricted). 志愿服务记录。").
			Annotations(entgql.RelayConnection(), notFilterable()),
		edge.To("recruitment", Recruitment.Type).
			Unique().
			Comment("Recruitment of volunteers, if the activity takes sign-ups. 志愿者招募。"),
		edge.To("sign_ups", SignUp.Type).
			Comment("The roster: volunteers signed up (restricted: the organiser's editors and reviewers). 报名名单。").
			Annotations(entgql.RelayConnection(), notFilterable()),
	}
}

// Indexes of the Activity.
func (Activity) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("organization_id"),
		index.Fields("project_id"),
		index.Fields("region_id"),
		index.Fields("starts_at"),
		index.Fields("kind"),
	}
}

// Mixin of the Activity.
func (Activity) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the Activity.
func (Activity) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("A dated service event of a project or organisation. 活动。"),
		entgql.RelayConnection(),
		entgql.QueryField().Description("Activities. 活动。"),
	}
}

// Policy of the Activity: see package policy.
func (Activity) Policy() ent.Policy { return policy.Activity() }
