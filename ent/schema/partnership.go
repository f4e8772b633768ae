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

// Partnership is a working relation between two organisations: an agency
// mentoring a team, supervision, a university practice base, co-building.
type Partnership struct {
	ent.Schema
}

// Fields of the Partnership.
func (Partnership) Fields() []ent.Field {
	return []ent.Field{
		field.Int("organization_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("partner_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("kind").
			Values("MENTORING", "SUPERVISION", "PRACTICE_BASE", "CO_BUILDING").
			Comment("MENTORING 牵手成长 (the organisation guides the partner), SUPERVISION 督导, PRACTICE_BASE 实践基地 (university → host), CO_BUILDING 共建. 合作类型。").
			Annotations(entgql.OrderField("KIND")),
		field.Time("started_on").
			Comment("First day. 开始日期。").
			Annotations(entgql.Type("Date"), entgql.OrderField("STARTED_ON")),
		dateField("ended_on", "Last day; null while it runs. 结束日期。"),
		field.Int("capacity").
			Optional().
			Nillable().
			NonNegative().
			Comment("For practice bases: students the host can take at once. 容量。"),
		field.JSON("programmes", []string{}).
			Optional().
			Comment("For practice bases: the study programmes served, e.g. 社会工作. 服务专业。"),
		field.Text("description").
			Optional().
			Comment("What the partnership covers. 说明。"),
	}
}

// Edges of the Partnership.
func (Partnership) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("organization", Organization.Type).
			Ref("partnerships").
			Field("organization_id").
			Unique().
			Required().
			Comment("The leading side: mentor, supervisor, or the university of a practice base. 主导方。"),
		edge.From("partner", Organization.Type).
			Ref("partner_partnerships").
			Field("partner_id").
			Unique().
			Required().
			Comment("The other side: mentored team, supervised agency, or host organisation. 合作方。"),
	}
}

// Indexes of the Partnership.
func (Partnership) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("organization_id"),
		index.Fields("partner_id"),
		index.Fields("kind"),
	}
}

// Mixin of the Partnership.
func (Partnership) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the Partnership.
func (Partnership) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Public),
		schema.Comment("A working relation between two organisations (mentoring, supervision, practice base, co-building). 合作关系。"),
		entgql.RelayConnection(),
		entgql.QueryField().Description("Partnerships between organisations. 合作关系。"),
	}
}

// Policy of the Partnership: see package policy.
func (Partnership) Policy() ent.Policy { return policy.Partnership() }
