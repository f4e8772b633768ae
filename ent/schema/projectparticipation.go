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

// ProjectParticipation is the edge schema between Project and Organization
// that carries the organisation's role in the project.
type ProjectParticipation struct {
	ent.Schema
}

// Fields of the ProjectParticipation.
func (ProjectParticipation) Fields() []ent.Field {
	return []ent.Field{
		field.Int("project_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("organization_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("role").
			Values("LEAD", "PARTNER", "MENTOR", "FUNDER").
			Comment("LEAD 牵头, PARTNER 合作, MENTOR 督导/指导, FUNDER 出资. 角色。"),
	}
}

// Edges of the ProjectParticipation.
func (ProjectParticipation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("project", Project.Type).
			Field("project_id").
			Unique().
			Required().
			Comment("The project."),
		edge.To("organization", Organization.Type).
			Field("organization_id").
			Unique().
			Required().
			Comment("The participating organisation."),
	}
}

// Indexes of the ProjectParticipation.
func (ProjectParticipation) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("project_id", "organization_id").Unique(),
		index.Fields("organization_id", "role"),
	}
}

// Mixin of the ProjectParticipation.
func (ProjectParticipation) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Annotations of the ProjectParticipation.
func (ProjectParticipation) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("An organisation's role in a project. 项目参与方。"),
		entgql.RelayConnection(),
	}
}

// Policy of the ProjectParticipation: see package policy.
func (ProjectParticipation) Policy() ent.Policy { return policy.ProjectParticipation() }
