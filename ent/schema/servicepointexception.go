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

// ServicePointException replaces a service point's weekly hours on one
// date: closed (a holiday) or open at other times (HSDS schedule
// exceptions; schema.org specialOpeningHoursSpecification).
type ServicePointException struct {
	ent.Schema
}

// Fields of the ServicePointException.
func (ServicePointException) Fields() []ent.Field {
	return []ent.Field{
		field.Int("service_point_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("date").
			Immutable().
			Comment("The local date. 日期。").
			Annotations(entgql.Type("Date"), entgql.OrderField("DATE")),
		field.Int("opens_at").
			Optional().
			Nillable().
			Range(0, 24*60-1).
			Immutable().
			Comment("Opening time that day, minutes after local midnight; null when closed all day. 开门时间（分钟）。").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("closes_at").
			Optional().
			Nillable().
			Range(1, 24*60).
			Immutable().
			Comment("Closing time that day, minutes after local midnight; null when closed all day. 关门时间（分钟）。").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("reason").
			Optional().
			MaxLen(200).
			Comment("Why, e.g. 国庆节休息. 说明。"),
	}
}

// Edges of the ServicePointException.
func (ServicePointException) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("service_point", ServicePoint.Type).
			Ref("exceptions").
			Field("service_point_id").
			Unique().
			Required().
			Immutable().
			Comment("The service point. 服务点。"),
	}
}

// Indexes of the ServicePointException.
func (ServicePointException) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("service_point_id", "date").Unique(),
		index.Fields("date"),
	}
}

// Annotations of the ServicePointException.
func (ServicePointException) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("A date on which a service point's hours differ from its week: closed, or open at other times. 特殊日期安排。"),
		entgql.RelayConnection(),
	}
}

// Policy of the ServicePointException: see package policy.
func (ServicePointException) Policy() ent.Policy { return policy.ServicePointException() }
