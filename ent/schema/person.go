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

// Person is a volunteer, social worker or staff member. Everything here but
// the volunteer number is personal data: it is never public and never
// appears in open data.
type Person struct {
	ent.Schema
}

// Fields of the Person.
func (Person) Fields() []ent.Field {
	return []ent.Field{
		// Fields a viewer may not see resolve to null, so every personal
		// field is nullable in GraphQL (Optional) even where it is required
		// on write.
		field.String("volunteer_number").
			Unique().
			NotEmpty().
			MaxLen(32).
			Optional().
			Comment("Unified volunteer number: the identifier shown outside the person's organisation; null for PARTNER keys. 志愿者编号。").
			Annotations(entgql.OrderField("VOLUNTEER_NUMBER"), accessLevel(access.Identifier)),
		field.String("name").
			NotEmpty().
			MaxLen(100).
			Optional().
			Comment("Full name (personal data). 姓名。").
			Annotations(accessLevel(access.Personal)),
		field.Enum("gender").
			Values("MALE", "FEMALE", "UNSPECIFIED").
			Default("UNSPECIFIED").
			Optional().
			Comment("Gender (personal data). 性别。").
			Annotations(accessLevel(access.Personal)),
		field.Time("birth_date").
			Optional().
			Nillable().
			Comment("Birth date (personal data). 出生日期。").
			Annotations(entgql.Type("Date"), accessLevel(access.Personal)),
		field.Bytes("id_number_ciphertext").
			Optional().
			Sensitive().
			Comment("ID document number, AES-GCM encrypted.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("id_number_hash").
			Optional().
			Nillable().
			Unique().
			Sensitive().
			Comment("Keyed hash of the ID document number, for de-duplication.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("phone").
			Optional().
			MaxLen(20).
			Comment("Mobile phone (personal data); masked as 138****1234 for keys that may see the person but not the number. 手机号。").
			Annotations(accessLevel(access.Phone)),
		field.String("address").
			Optional().
			MaxLen(300).
			Comment("Residence (personal data). 居住地址。").
			Annotations(accessLevel(access.Personal)),
		field.JSON("skills", []string{}).
			Optional().
			Comment("Skills the person offers, e.g. 心理咨询. 技能。"),
		field.Bool("party_member").
			Default(false).
			Optional().
			Comment("Member of the Communist Party of China (personal data). 是否党员。").
			Annotations(accessLevel(access.Personal)),
		field.Enum("social_work_level").
			Values("ASSISTANT", "INTERMEDIATE", "SENIOR").
			Optional().
			Nillable().
			Comment("Social-work certificate: ASSISTANT 助理社会工作师, INTERMEDIATE 社会工作师, SENIOR 高级社会工作师. 社工职业资格。"),
		field.String("social_work_certificate").
			Optional().
			MaxLen(64).
			Comment("Certificate number (personal data). 证书编号。").
			Annotations(accessLevel(access.Personal)),
		field.Bool("guardian_consent").
			Default(false).
			Optional().
			Comment("For a volunteer under 18: a guardian's consent to volunteering is on record with an organisation (personal data). 监护人同意。").
			Annotations(accessLevel(access.Personal), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Bool("share_with_university").
			Default(false).
			Comment("The student consented to their university receiving their records under a pseudonym; without it they count only in protected aggregates. 同意向高校提供记录。"),
		field.Int("university_id").
			Optional().
			Nillable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		// Set when an editor registered an ID number already on record for
		// someone it may not read: the registration goes through as for a
		// new number (the answer must not say whether the number is on
		// record) and ADMIN reconciles the two (Query.possibleDuplicates).
		// Such a record carries no id_number_hash, which stays unique.
		field.Int("possible_duplicate_of").
			Optional().
			Nillable().
			Comment("The person already on record under the same ID number.").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges of the Person.
func (Person) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("university", Organization.Type).
			Ref("students").
			Field("university_id").
			Unique().
			Comment("University the person studies at, if a student. 就读高校。"),
		edge.To("memberships", Membership.Type).
			Comment("Organisations the person belongs to. 所属组织。").
			Annotations(entgql.RelayConnection()),
		edge.To("service_records", ServiceRecord.Type).
			Comment("Volunteer service records. 志愿服务记录。").
			Annotations(entgql.RelayConnection()),
		edge.To("certificates", Certificate.Type).
			Comment("Hour certificates issued to the person. 时长证明。").
			Annotations(entgql.RelayConnection()),
		edge.To("sign_ups", SignUp.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of the Person.
func (Person) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("university_id"),
	}
}

// Mixin of the Person.
func (Person) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Annotations of the Person.
func (Person) Annotations() []schema.Annotation {
	return []schema.Annotation{
		accessLevel(access.Key),
		schema.Comment("A volunteer, social worker or staff member. Personal data: readable only with an authorised key. 人员（个人信息，受限）。"),
		entgql.RelayConnection(),
		entgql.QueryField("people").Description("People (restricted: needs an API key). 人员（需授权）。"),
	}
}

// Policy of the Person: see package policy.
func (Person) Policy() ent.Policy { return policy.Person() }
