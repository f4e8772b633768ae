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

// ServicePointHours is one regular session of a service point: a day of
// the week and the times it opens and closes, in the district's time zone
// (Open Referral HSDS schedule: byday, opens_at, closes_at). A day with
// two sessions (lunch and supper) has two rows.
type ServicePointHours struct {
	ent.Schema
}

// Fields of the ServicePointHours.
func (ServicePointHours) Fields() []ent.Field {
	return []ent.Field{
		field.Int("service_point_id").
			Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("weekday").
			Values("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY").
			Immutable().
			Comment("Day of the week. 星期。").
			Annotations(entgql.OrderField("WEEKDAY")),
		field.Int("opens_at").
			Range(0, 24*60-1).
			Immutable().
			Comment("Opening time, minutes after local midnight (660 = 11:00). 开门时间（分钟）。").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("closes_at").
			Range(1, 24*60).
			Immutable().
			Comment("Closing time, minutes after local midnight, after opensAt (1440 = midnight). 关门时间（分钟）。").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges of the ServicePointHours.
func (ServicePointHours) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("service_point", ServicePoint.Type).
			Ref("weekly_hours").
			Field("service_point_id").
			Unique().
			Required().
			Immutable().
			Comment("The service point. 服务点。"),
	}
}

// Indexes of the ServicePointHours.
func (ServicePointHours) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("service_point_id", "weekday", "opens_at").Unique(),
		index.Fields("weekday", "opens_at"),
	}
}

// Annotations of the ServicePointHours.
func (ServicePointHours) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("A regular weekly session of a service point. 每周开放时段。"),
		entgql.RelayConnection(),
	}
}

// Policy of the ServicePointHours: see package policy.
func (ServicePointHours) Policy() ent.Policy { return policy.ServicePointHours() }
