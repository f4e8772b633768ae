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

// Membership places a person in an organisation with a role for a period.
type Membership struct {
	ent.Schema
}

// Fields of the Membership.
func (Membership) Fields() []ent.Field {
	return []ent.Field{
		field.Int("person_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("organization_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("role").
			Values("VOLUNTEER", "SOCIAL_WORKER", "LEADER", "STAFF").
			Comment("Role in the organisation. 角色。").
			Annotations(entgql.OrderField("ROLE")),
		field.Time("joined_on").
			Comment("Date joined. 加入日期。").
			Annotations(entgql.Type("Date"), entgql.OrderField("JOINED_ON")),
		dateField("left_on", "Date left; null while a member. 离开日期。"),
	}
}

// Edges of the Membership.
func (Membership) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("person", Person.Type).
			Ref("memberships").
			Field("person_id").
			Unique().
			Required().
			Comment("The member. 成员。"),
		edge.From("organization", Organization.Type).
			Ref("memberships").
			Field("organization_id").
			Unique().
			Required().
			Comment("The organisation. 组织。"),
	}
}

// Indexes of the Membership.
func (Membership) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("organization_id", "role"),
		index.Fields("person_id"),
	}
}

// Mixin of the Membership.
func (Membership) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the Membership.
func (Membership) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Key),
		schema.Comment("A person's membership of an organisation (restricted). 组织成员关系（受限）。"),
		entgql.RelayConnection(),
	}
}

// Policy of the Membership: see package policy.
func (Membership) Policy() ent.Policy { return policy.Membership() }
