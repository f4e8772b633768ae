package people

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/policy"
)

// SearchInput is what staff know of a person they look for.
type SearchInput struct {
	Name            *string
	Phone           *string
	VolunteerNumber *string
}

// Search finds people by name, phone or volunteer number: the one door to
// the values that filters do not offer (docs/security.md, "Filters are
// reads"). Each criterion is open only to those who read the value it
// compares, over the people whose value they read:
//
//   - name and phone: ADMIN (everyone), EDITOR (current members of organisations in
//     its scope, whose personal data it reads);
//   - volunteer number: ADMIN, EDITOR and REVIEWER, over the people of their
//     scope (policy.PeopleRows).
//
// Every search is written to the audit trail (who, which criteria, how many
// found), before anything is returned; the values searched for are not,
// since they are personal data themselves.
func Search(ctx context.Context, c *ent.Client, in SearchInput) (*ent.PersonQuery, error) {
	v := auth.FromContext(ctx)
	rows, err := policy.PeopleRows(v)
	if err != nil {
		return nil, err
	}
	personal := in.Name != nil || in.Phone != nil
	if personal && !v.Admin() && v.Role != auth.RoleEditor {
		return nil, auth.ErrForbidden
	}
	f := apierror.NewFields("")
	var where []func(*ent.PersonQuery)
	var criteria []string
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		if name == "" || utf8.RuneCountInString(name) > 100 {
			f.Add("name", "姓名应为 1–100 个字符 (name must be 1–100 characters)")
		}
		where = append(where, func(q *ent.PersonQuery) { q.Where(person.NameHasPrefix(name)) })
		criteria = append(criteria, "name")
	}
	if in.Phone != nil {
		phone := strings.TrimSpace(*in.Phone)
		if !mobile.MatchString(phone) {
			f.Add("phone", "手机号应为 11 位数字 (phone must be an 11-digit mainland mobile number)")
		}
		where = append(where, func(q *ent.PersonQuery) { q.Where(person.Phone(phone)) })
		criteria = append(criteria, "phone")
	}
	if in.VolunteerNumber != nil {
		number := strings.TrimSpace(*in.VolunteerNumber)
		if number == "" || len(number) > 32 {
			f.Add("volunteerNumber", "志愿者编号应为 1–32 个字符 (volunteerNumber must be 1–32 characters)")
		}
		where = append(where, func(q *ent.PersonQuery) { q.Where(person.VolunteerNumber(number)) })
		criteria = append(criteria, "volunteerNumber")
	}
	if len(criteria) == 0 {
		f.Add("name", "请至少提供姓名、手机号或志愿者编号之一 (give a name, a phone or a volunteer number)")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	q := c.Person.Query()
	if rows != nil {
		q.Where(rows)
	}
	if personal && !v.Admin() {
		q.Where(person.HasMembershipsWith(membership.OrganizationIDIn(v.Scope...), policy.CurrentMembership(time.Now())))
	}
	for _, w := range where {
		w(q)
	}
	n, err := q.Clone().Count(ctx)
	if err != nil {
		return nil, err
	}
	ev := audit.Event{Action: "searchPeople:" + strings.Join(criteria, ","), EntityType: "Person", Count: n}
	if err := audit.Record(ctx, c, ev); err != nil {
		return nil, err
	}
	return q, nil
}

// PossibleDuplicates lists the people registered under an ID number already
// on record by an editor who may not read the person on record (Register),
// oldest first. The API offers it to ADMIN only.
func PossibleDuplicates(c *ent.Client) *ent.PersonQuery {
	return c.Person.Query().Where(person.PossibleDuplicateOfNotNil())
}

// PossibleDuplicateOf is the person on record that id may duplicate, or
// nil. The column is looked up, not read off a loaded person: queries
// select only the columns a request asks for.
func PossibleDuplicateOf(ctx context.Context, c *ent.Client, id int) (*ent.Person, error) {
	p, err := c.Person.Query().Where(person.ID(id), person.PossibleDuplicateOfNotNil()).
		Select(person.FieldPossibleDuplicateOf).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return c.Person.Get(ctx, *p.PossibleDuplicateOf)
}
