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

// ServicePoint is a place where a service is delivered on site (驻点服务):
// a community canteen, a disability-help point, a care-and-health station,
// a Party–mass service desk. A public register, like the organisations.
type ServicePoint struct {
	ent.Schema
}

// Fields of the ServicePoint.
func (ServicePoint) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			NotEmpty().
			MaxLen(200).
			Comment("Name shown to residents, e.g. 新塍社区老年食堂. 名称。").
			Annotations(entgql.OrderField("NAME")),
		field.Enum("kind").
			Values("CANTEEN", "DISABILITY_SUPPORT", "CARE_AND_HEALTH", "PARTY_MASS_SERVICE", "OTHER").
			Comment("CANTEEN 爱心食堂 / 老年食堂, DISABILITY_SUPPORT 社区助残, CARE_AND_HEALTH 康养融合, PARTY_MASS_SERVICE 党群服务窗口, OTHER. 类型。").
			Annotations(entgql.OrderField("KIND")),
		field.Text("description").
			Optional().
			Comment("What the point offers and how to use it. 简介。"),
		field.String("address").
			NotEmpty().
			MaxLen(300).
			Comment("Street address. 地址。"),
		field.Float("latitude").
			Range(-90, 90).
			Comment("WGS-84 latitude in degrees (not GCJ-02). 纬度（WGS-84）。"),
		field.Float("longitude").
			Range(-180, 180).
			Comment("WGS-84 longitude in degrees (not GCJ-02). 经度（WGS-84）。"),
		field.String("contact_phone").
			Optional().
			MaxLen(40).
			Comment("The point's public number (never a person's private phone). 公开电话。"),
		field.Int("region_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("operator_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("lead_id").
			Optional().
			Nillable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		dateField("opened_on", "First day of service. 启用日期。"),
		dateField("closed_on", "Last day of service; null while it runs. 停用日期。"),
	}
}

// Edges of the ServicePoint.
func (ServicePoint) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("region", Region.Type).
			Ref("service_points").
			Field("region_id").
			Unique().
			Required().
			Comment("Division the point is in (a town or a community). 所在区划。"),
		edge.From("operator", Organization.Type).
			Ref("operated_points").
			Field("operator_id").
			Unique().
			Required().
			Comment("The organisation that runs the point. 运营组织。"),
		edge.From("lead", Organization.Type).
			Ref("led_points").
			Field("lead_id").
			Unique().
			Comment("The body leading it, usually a community Party service centre (党群服务中心牵头). 牵头单位。"),
		edge.To("services", Term.Type).
			Comment("Services offered (taxonomy service-point-service), e.g. 堂食, 送餐. 服务内容。").
			Annotations(entgql.RelayConnection()),
		edge.To("target_groups", Term.Type).
			Comment("Groups served (taxonomy target-group). 服务对象。").
			Annotations(entgql.RelayConnection()),
		edge.To("projects", Project.Type).
			Comment("Projects delivered at the point. 关联项目。").
			Annotations(entgql.RelayConnection()),
		edge.To("weekly_hours", ServicePointHours.Type).
			Comment("Regular opening hours, one row per day and session. 每周开放时间。").
			Annotations(entgql.RelayConnection()),
		edge.To("exceptions", ServicePointException.Type).
			Comment("Dates whose hours differ from the week's: closures and special openings. 特殊日期。").
			Annotations(entgql.RelayConnection()),
	}
}

// Indexes of the ServicePoint.
func (ServicePoint) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("region_id"),
		index.Fields("operator_id"),
		index.Fields("lead_id"),
		index.Fields("kind"),
	}
}

// Mixin of the ServicePoint.
func (ServicePoint) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the ServicePoint.
func (ServicePoint) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("A place where a service is delivered on site (驻点服务): canteen, disability help, care-and-health station, Party–mass service desk. 驻点服务点。"),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}
}

// Policy of the ServicePoint: see package policy.
func (ServicePoint) Policy() ent.Policy { return policy.ServicePoint() }
