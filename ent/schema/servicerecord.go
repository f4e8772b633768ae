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
			Values("PENDING", "VERIFIED", "REJECTED", "SUPERSEDED").
			Default("PENDING").
			Comment("PENDING 待审核, VERIFIED 已核实, REJECTED 已驳回, SUPERSEDED 已被更正（见 corrections）. 状态。").
			Annotations(entgql.OrderField("STATUS")),
		field.Bool("late").
			Default(false).
			Immutable().
			Comment("Entered more than 10 working days after the activity (Art. 11): needs two different reviewers to verify. 逾期补录。"),
		field.String("first_verified_by").
			Optional().
			MaxLen(100).
			Comment("For a LATE record: the first of its two verifiers. 首位核实人。"),
		field.Time("first_verified_at").
			Optional().
			Nillable().
			Comment("For a LATE record: when the first verifier verified it. 首次核实时间。"),
		field.Int("corrects_id").
			Optional().
			Nillable().
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("correction_reason").
			Optional().
			Immutable().
			MaxLen(500).
			Comment("For a correction: why the original is wrong (reported by the volunteer, Art. 13). 更正理由。"),
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
		edge.To("corrections", ServiceRecord.Type).
			Comment("Corrections requested for this record, oldest first; the original stays as it was. 更正记录。").
			Annotations(entgql.RelayConnection()).
			From("corrects").
			Field("corrects_id").
			Unique().
			Immutable().
			Comment("For a correction: the record it corrects. 被更正的原记录。"),
		edge.To("certificates", Certificate.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of the ServiceRecord.
func (ServiceRecord) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("person_id", "served_on"),
		index.Fields("activity_id"),
		index.Fields("status", "served_on"),
		index.Fields("corrects_id"),
	}
}

// Mixin of the ServiceRecord.
func (ServiceRecord) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the ServiceRecord.
func (ServiceRecord) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Key),
		schema.Comment("A volunteer service record (志愿服务记录): one person's time at one activity (restricted)."),
		entgql.RelayConnection(),
		entgql.QueryField().Description("Volunteer service records (restricted: needs an API key). 志愿服务记录（需授权）。"),
	}
}

// Policy of the ServiceRecord: see package policy.
func (ServiceRecord) Policy() ent.Policy { return policy.ServiceRecord() }
