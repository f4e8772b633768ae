package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"github.com/tongxing/tongxing/access"
	"github.com/tongxing/tongxing/policy"
)

// APIKey is a credential. Only a SHA-256 hash of the secret is stored; the
// secret is shown once, when the key is created.
type APIKey struct {
	ent.Schema
}

// Fields of the APIKey.
func (APIKey) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			NotEmpty().
			MaxLen(100).
			Comment("Who or what the key is for. 名称。"),
		field.String("prefix").
			Unique().
			NotEmpty().
			Comment("Public first characters of the key, to tell keys apart in logs. 前缀。"),
		field.String("secret_hash").
			Unique().
			Sensitive().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("role").
			Values("PARTNER", "EDITOR", "REVIEWER", "ADMIN", "VOLUNTEER").
			Default("ADMIN").
			Comment("What the key may do; a VOLUNTEER credential acts as its holder only (docs/volunteers.md). 角色。"),
		field.Int("organization_id").
			Optional().
			Nillable().
			Comment("Organisation the key is scoped to, if any.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("holder_id").
			Optional().
			Nillable().
			Comment("The person the key belongs to, for keys that act as one person (case work).").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("casework").
			Values("NONE", "WORKER", "SUPERVISOR").
			Default("NONE").
			Comment("Case permission of an EDITOR key: WORKER reads the cases its holder is responsible for, SUPERVISOR every case of the key's agency (docs/casework.md). 个案权限。"),
		field.Time("expires_at").
			Optional().
			Nillable().
			Comment("After this the key is refused. 过期时间。"),
		field.Time("revoked_at").
			Optional().
			Nillable().
			Comment("When the key was revoked. 吊销时间。"),
		field.Time("last_used_at").
			Optional().
			Nillable().
			Comment("Last successful use. 最近使用。"),
	}
}

// Mixin of the APIKey.
func (APIKey) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the APIKey.
func (APIKey) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Admin),
		schema.Comment("An API key (the secret itself is never stored). API 密钥。"),
		entgql.Type("ApiKey"),
	}
}

// Policy of the APIKey: see package policy.
func (APIKey) Policy() ent.Policy { return policy.AdminOnly() }
