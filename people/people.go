// Package people registers volunteers and social workers with an
// organisation (a person and their membership, written together) and ends
// memberships. Personal data is validated here and the ID number is sealed
// before it reaches the database.
package people

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
)

// RegisterInput is the GraphQL RegisterVolunteerInput.
type RegisterInput struct {
	OrganizationID        int
	Role                  *membership.Role
	JoinedOn              *time.Time
	Name                  string
	Gender                *person.Gender
	BirthDate             *time.Time
	IDNumber              *string
	Phone                 *string
	Address               *string
	Skills                []string
	PartyMember           *bool
	SocialWorkLevel       *person.SocialWorkLevel
	SocialWorkCertificate *string
	UniversityID          *int
	ShareWithUniversity   *bool
}

var mobile = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

const (
	maxSkills = 20
	maxSkill  = 30
)

// Register creates the person and their membership of the organisation.
//
// Whether the key may register with the organisation is asked first
// (policy.MayRegisterVolunteer), then the input is checked, and only then
// is the ID number looked up among everyone on record. A number already on
// record is a CONFLICT naming the existing volunteer number for a caller
// who may read that person (policy.SeesPerson), so their staff add a
// membership instead of a duplicate. For anyone else it is registered like
// a new number and marked possible_duplicate_of for ADMIN to reconcile:
// the answer must be the same whether the number is on record or not.
func Register(ctx context.Context, c *ent.Client, keys *pii.Keys, in RegisterInput, now time.Time) (*ent.Person, error) {
	if err := policy.MayRegisterVolunteer(ctx, c, in.OrganizationID); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	org, err := input.Organization(ctx, c, f, "organizationId", in.OrganizationID)
	if err != nil {
		return nil, err
	}
	name := input.Text(f, "name", in.Name, 100, true)
	joined := now.UTC().Truncate(24 * time.Hour)
	if in.JoinedOn != nil {
		joined = *in.JoinedOn
		input.Reasonable(f, "joinedOn", in.JoinedOn)
	}
	if in.BirthDate != nil {
		input.Reasonable(f, "birthDate", in.BirthDate)
		f.Check(!in.BirthDate.After(now), "birthDate", "出生日期不能晚于今天 (birthDate is in the future)")
	}
	var idCipher []byte
	var idHash *string
	if in.IDNumber != nil && strings.TrimSpace(*in.IDNumber) != "" {
		id := pii.NormalizeIDNumber(*in.IDNumber)
		if !pii.ValidIDNumber(id) {
			f.Add("idNumber", "居民身份证号码格式或校验位错误 (not a valid 18-character resident ID number)")
		} else {
			ct, h, err := keys.SealIDNumber(id)
			if err != nil {
				return nil, err
			}
			idCipher, idHash = ct, &h
		}
	}
	phone := input.OptionalText(f, "phone", in.Phone, 20)
	if phone != nil && *phone != "" && !mobile.MatchString(*phone) {
		f.Add("phone", "手机号应为 11 位数字 (phone must be an 11-digit mainland mobile number)")
	}
	address := input.OptionalText(f, "address", in.Address, 300)
	cert := input.OptionalText(f, "socialWorkCertificate", in.SocialWorkCertificate, 64)
	if len(in.Skills) > maxSkills {
		f.Add("skills", fmt.Sprintf("最多 %d 项技能 (at most %d skills)", maxSkills, maxSkills))
	}
	skills := make([]string, 0, len(in.Skills))
	for i, s := range in.Skills {
		skills = append(skills, input.Text(f, fmt.Sprintf("skills.%d", i), s, maxSkill, true))
	}
	if in.UniversityID != nil {
		u, err := input.Organization(ctx, c, f, "universityId", *in.UniversityID)
		if err != nil {
			return nil, err
		}
		if u != nil && u.Kind != organization.KindUNIVERSITY {
			f.Add("universityId", "应为高校 (must be a UNIVERSITY)")
		}
	} else if in.ShareWithUniversity != nil && *in.ShareWithUniversity {
		f.Add("shareWithUniversity", "非在校生无需此项 (only students can consent to share with a university)")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	// Duplicates are found across every scope, so one person keeps one
	// record; what the answer says depends on who asks.
	var duplicateOf *int
	if idHash != nil {
		records, err := recordsOf(ctx, c, *idHash)
		if err != nil {
			return nil, err
		}
		// Asked for a new number too (with no records), so that both take
		// the same statements.
		readable, err := policy.PersonalDataReaders(ctx, c, auth.FromContext(ctx), now, records...)
		if err != nil {
			return nil, err
		}
		if len(records) > 0 {
			// A CONFLICT names a volunteer number, so it goes only to a
			// caller who reads the personal data — the ID number — of one
			// of the records: ADMIN, or an editor of an organisation the
			// person belongs to now. For anyone else any answer but the one
			// a new number gets would be an oracle for whole ID numbers,
			// one birth date at a time; so the registration goes through,
			// marked for ADMIN to reconcile. The records include earlier
			// possible duplicates, so registering the same number twice
			// answers alike whether or not it was on record before.
			if len(readable) > 0 {
				dup, err := c.Person.Query().Where(person.ID(readable[0])).Only(privacy.DecisionContext(ctx, privacy.Allow))
				if err != nil {
					return nil, err
				}
				return nil, duplicate(dup)
			}
			duplicateOf, idHash = &records[0], nil
		}
	}
	number, err := nextVolunteerNumber(ctx, c, org)
	if err != nil {
		return nil, err
	}
	p, err := c.Person.Create().
		SetVolunteerNumber(number).
		SetName(name).
		SetNillableGender(in.Gender).
		SetNillableBirthDate(in.BirthDate).
		SetIDNumberCiphertext(idCipher).
		SetNillableIDNumberHash(idHash).
		SetNillablePhone(phone).
		SetNillableAddress(address).
		SetSkills(skills).
		SetNillablePartyMember(in.PartyMember).
		SetNillableSocialWorkLevel(in.SocialWorkLevel).
		SetNillableSocialWorkCertificate(cert).
		SetNillableUniversityID(in.UniversityID).
		SetNillableShareWithUniversity(in.ShareWithUniversity).
		SetNillablePossibleDuplicateOf(duplicateOf).
		Save(ctx)
	if err != nil {
		return nil, err
	}
	role := membership.RoleVOLUNTEER
	if in.Role != nil {
		role = *in.Role
	}
	if err := c.Membership.Create().SetPersonID(p.ID).SetOrganizationID(org.ID).SetRole(role).SetJoinedOn(joined).Exec(ctx); err != nil {
		return nil, err
	}
	return audit.Acted(ctx, p, nil)
}

// recordsOf are the people on record under an ID number's keyed hash: the
// one holding the hash first, then the possible duplicates registered
// against it since (which carry no hash), in id order.
//
// It runs the same statements whether or not the number is on record (the
// second matches nothing for a new number), and Register then asks
// PersonalDataReaders either way: an attack timed the answers, and a
// registration that skipped work for new numbers was measurably faster.
func recordsOf(ctx context.Context, c *ent.Client, hash string) ([]int, error) {
	all := privacy.DecisionContext(ctx, privacy.Allow)
	primary, err := c.Person.Query().Where(person.IDNumberHash(hash)).OnlyID(all)
	found := err == nil
	if err != nil && !ent.IsNotFound(err) {
		return nil, err
	}
	dups, err := c.Person.Query().Where(person.PossibleDuplicateOf(primary)).Order(ent.Asc(person.FieldID)).IDs(all)
	if err != nil || !found {
		return nil, err
	}
	return append([]int{primary}, dups...), nil
}

// duplicate is the CONFLICT for an ID number already on record as dup,
// answered to a caller who may read dup: it names the volunteer number so
// that staff add a membership instead of a second record.
func duplicate(dup *ent.Person) error {
	return &apierror.Error{Code: apierror.Conflict, Field: "input.idNumber",
		Message: fmt.Sprintf("该证件号码已登记，志愿者编号 %s；请为其添加组织关系 (already registered as %s)", dup.VolunteerNumber, dup.VolunteerNumber)}
}

// nextVolunteerNumber issues "ZJ" + the district code of the organisation
// + a six-digit sequence, the next after the highest in use for that prefix.
func nextVolunteerNumber(ctx context.Context, c *ent.Client, org *ent.Organization) (string, error) {
	all := privacy.DecisionContext(ctx, privacy.Allow)
	r, err := c.Region.Query().Where(region.ID(org.RegionID)).Only(all)
	if err != nil {
		return "", err
	}
	district := r.Code
	if len(district) > 6 {
		district = district[:6]
	}
	prefix := "ZJ" + district
	last, err := c.Person.Query().Where(person.VolunteerNumberHasPrefix(prefix)).
		Order(ent.Desc(person.FieldVolunteerNumber)).First(all)
	seq := 0
	switch {
	case ent.IsNotFound(err):
	case err != nil:
		return "", err
	default:
		fmt.Sscanf(strings.TrimPrefix(last.VolunteerNumber, prefix), "%d", &seq)
	}
	return fmt.Sprintf("%s%06d", prefix, seq+1), nil
}

// EndMembership records that a person left an organisation on leftOn:
// authorised first (policy.MayEndMembership), then the date, then the
// membership's state.
func EndMembership(ctx context.Context, c *ent.Client, id int, leftOn time.Time) (*ent.Membership, error) {
	if err := policy.MayEndMembership(ctx, c, id); err != nil {
		return nil, err
	}
	m, err := c.Membership.Get(ctx, id)
	if err != nil {
		return nil, input.NotFound(err, "成员关系不存在 (no such membership)")
	}
	f := apierror.NewFields("")
	input.Reasonable(f, "leftOn", &leftOn)
	input.Order(f, "leftOn", &m.JoinedOn, &leftOn)
	if err := f.Err(); err != nil {
		return nil, err
	}
	if m.LeftOn != nil {
		return nil, apierror.New(apierror.Conflict, "成员关系已结束 (membership already ended)")
	}
	saved, err := m.Update().SetLeftOn(leftOn).Save(ctx)
	return audit.Acted(ctx, saved, err)
}
