package imports

import (
	"context"
	"fmt"
	"strings"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/people"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
)

// volunteerRows registers volunteers with an organisation through
// people.Register. A row's key is its ID number: a person the caller may
// read who is already a current member of the organisation under that
// number is left unchanged, so the same roster imports once.
type volunteerRows struct {
	c    *ent.Client
	env  Env
	rep  *Report
	orgs orgResolver
	seen map[string]int
}

func (v *volunteerRows) add(ctx context.Context, row *cells) error {
	org, ok, err := v.orgs.resolve(ctx, row, "organization")
	if err != nil {
		return err
	}
	in := people.RegisterInput{
		OrganizationID: org,
		Name:           row.text("name"),
		BirthDate:      row.date("birthDate"),
		Phone:          row.optional("phone"),
		Address:        row.optional("address"),
		PartyMember:    row.boolean("partyMember"),
		JoinedOn:       row.date("joinedOn"),
	}
	id := row.text("idNumber")
	in.IDNumber = &id
	if g := row.enum("gender"); g != nil {
		gender := person.Gender(*g)
		in.Gender = &gender
	}
	if r := row.enum("role"); r != nil {
		role := membership.Role(*r)
		in.Role = &role
	}
	if s := row.text("skills"); s != "" {
		in.Skills = strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("、,，;；", r) })
	}
	if !ok || len(row.problems) > 0 {
		v.rep.problem(row.problems...)
		return nil
	}
	// Authorise before reading anything about people: the key check below
	// reads personal data (docs/security.md, "Mutations: authorise before
	// reading data").
	if err := policy.MayRegisterVolunteer(ctx, v.c, org); err != nil {
		return v.rep.outcome(err, row, map[string]string{"organizationId": "organization"})
	}
	number := pii.NormalizeIDNumber(id)
	if pii.ValidIDNumber(number) {
		key := fmt.Sprintf("%d|%s", org, v.env.Keys.IDNumberHash(number))
		if first, dup := v.seen[key]; dup {
			v.rep.problem(Problem{Row: row.row, Column: row.column("idNumber").Header(), Code: "DUPLICATE_ROW",
				Message: fmt.Sprintf("与第 %d 行是同一人 (the same person as row %d)", first, first)})
			return nil
		}
		v.seen[key] = row.row
		member, err := v.isMember(ctx, org, v.env.Keys.IDNumberHash(number))
		if err != nil {
			return err
		}
		if member {
			v.rep.Unchanged++
			return nil
		}
	}
	_, err = people.Register(ctx, v.c, v.env.Keys, in, v.env.Now)
	return v.rep.outcome(err, row, map[string]string{"organizationId": "organization"})
}

// isMember reports whether someone the caller may read, registered under
// hash (or as a possible duplicate of the one who is), is a current member
// of org. The search for the holder of the hash runs whoever asks, so the
// work does not depend on whether the number is on record; only people the
// caller may read can make the answer true, and those are its own members.
func (v *volunteerRows) isMember(ctx context.Context, org int, hash string) (bool, error) {
	holders, err := v.c.Person.Query().Where(person.IDNumberHash(hash)).IDs(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return false, err
	}
	return v.c.Person.Query().
		Where(person.Or(person.IDNumberHash(hash), person.PossibleDuplicateOfIn(holders...)),
			person.HasMembershipsWith(membership.OrganizationID(org), membership.LeftOnIsNil())).
		Exist(ctx)
}

func (v *volunteerRows) flush(context.Context) error { return nil }
