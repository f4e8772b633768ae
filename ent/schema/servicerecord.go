package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/tongxing/tongxing/policy"
)

// ServiceRecord (志愿服务记录) is one person's service time at one activity.
// Records are reviewed, never edited in place or deleted: the organiser
// records and the organiser proves (谁组织谁记录，谁记录谁证明).
type ServiceRecord struct {
	ent.Schema
}

// Fields of the ServiceRecord.
func (ServiceRecord) Fields() []ent.Field {
	return []ent.Field{
		field.Int("person_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("activity_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("served_on").
			Immutable().
			Comment("Date of service. 服务日期。").
			Annotations(entgql.Type("Date"), entgql.OrderField("SERVED_ON")),
		field.Int("minutes").
			Immutable().
			Range(1, 1440).
			Comment("Service time in minutes, 1–1440. 服务时长（分钟）。").
			Annotations(entgql.OrderField("MINUTES")),
		field.String("content").
			Optional().
			Immutable().
			MaxLen(500).
			Comment("What the person did. 服务内容。"),
		field.String("recorded_by").
			Immutable().
			NotEmpty().
			MaxLen(100).
			Comment("Who entered the record (API key name). 记录人。"),
		field.Enum("status").
			Values("PENDING", "VERIFIED", "REJECTED").
			Default("PENDING").
			Comment("PENDING 待审核, VERIFIED 已核实, REJECTED 已驳回. 状态。").
			Annotations(entgql.OrderField("STATUS")),
		field.String("reviewed_by").
			Optional().
			MaxLen(100).
			Comment("Who verified or rejected it. 审核人。"),
		field.Time("reviewed_at").
			Optional().
			Nillable().
			Comment("When it was reviewed. 审核时间。"),
		field.String("review_note").
			Optional().
			MaxLen(500).
			Comment("Reviewer's note, required when rejecting. 审核意见。"),
	}
}

// Edges of the ServiceRecord.
func (ServiceRecord) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("person", Person.Type).
			Ref("service_records").
			Field("person_id").
			Unique().
			Required().
			Immutable().
			Comment("The volunteer. 志愿者。"),
		edge.From("activity", Activity.Type).
			Ref("service_records").
			Field("activity_id").
			Unique().
			Required().
			Immutable().
			Comment("The activity served at. 活动。"),
	}
}

// Indexes of the ServiceRecord.
func (ServiceRecord) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("person_id", "served_on"),
		index.Fields("activity_id"),
		index.Fields("status", "served_on"),
	}
}

// Mixin of the ServiceRecord.
func (ServiceRecord) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the ServiceRecord.
func (ServiceRecord) Annotations() []schema.Annotation {
	return []schema.Annotation{
		access("KEY"),
		schema.Comment("A volunteer service record (志愿服务记录): one person's time at one activity (restricted)."),
		entgql.RelayConnection(),
		entgql.QueryField().Description("Volunteer service records (restricted: needs an API key). 志愿服务记录（需授权）。"),
	}
}

// Policy of the ServiceRecord: see package policy.
func (ServiceRecord) Policy() ent.Policy { return policy.ServiceRecord() }
