package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/pii"
)

type personKind int

const (
	communityVolunteer personKind = iota
	socialWorker
	student
)

// StudentConsentShare is the share of students who consent to their
// university receiving their records (share_with_university).
const StudentConsentShare = 0.8

// personRow is one generated person.
type personRow struct {
	id         int
	idx        int // position in seeder.people
	kind       personKind
	number     string
	name       string
	gender     person.Gender
	birth      time.Time
	phone      string
	skills     []string
	party      bool
	level      person.SocialWorkLevel // social workers only
	cert       string
	university *org
	shares     bool  // students: consented to share records with the university
	town       *town // home town of community volunteers
	agency     *org  // employer of social workers
}

type member struct {
	person       *personRow
	org          *org
	role         membership.Role
	joined, left time.Time // left is zero while a member
}

// active reports whether the membership covered day d.
func (m *member) active(d time.Time) bool {
	return !m.joined.After(d) && (m.left.IsZero() || !m.left.Before(d))
}

// ---- people ----

func (s *seeder) seedPeople() error {
	r := s.rng("people")
	townWeights := make([]int, len(s.towns))
	for i, t := range s.towns {
		townWeights[i] = t.def.Weight
	}
	for i := 0; i < s.scale.CommunityVolunteers; i++ {
		p := s.newPerson(r, communityVolunteer)
		// The first volunteers lead the teams, one each, so every team has
		// a leader from its own town.
		if i < s.teamCount() {
			p.town = s.teamByIndex(i).town
		} else {
			p.town = s.towns[weighted(r, townWeights)]
		}
		p.town.volunteers = append(p.town.volunteers, p)
		s.people = append(s.people, p)
	}
	// Social workers are dealt to the agencies in proportion to their staff.
	for _, a := range agencies {
		for k := 0; k < a.SocialWorkers; k++ {
			p := s.newPerson(r, socialWorker)
			p.agency = s.org(a.Name)
			s.people = append(s.people, p)
		}
	}
	if n := len(s.people) - s.scale.CommunityVolunteers; n != SocialWorkers {
		s.fail("%d social workers, want %d", n, SocialWorkers)
	}
	// Four students in five consent to their university receiving their
	// records (under a pseudonym); the rest count only in its protected
	// aggregates. The draw has its own stream, so it moves nothing else.
	consent := s.rng("consent")
	for i := 0; i < s.scale.Students; i++ {
		p := s.newPerson(r, student)
		// 嘉兴大学 is the larger university: three students in five.
		p.university = s.universities[0]
		if i%5 >= 3 {
			p.university = s.universities[1]
		}
		p.shares = chance(consent, StudentConsentShare)
		s.people = append(s.people, p)
	}

	bs := make([]*ent.PersonCreate, len(s.people))
	usedIDs := make(map[string]bool, len(s.people))
	for i, p := range s.people {
		p.idx = i
		p.number = fmt.Sprintf("ZJ%s%06d", DistrictCode, i+1)
		b := s.tx.Person.Create().SetVolunteerNumber(p.number).SetName(p.name).SetGender(p.gender).
			SetBirthDate(p.birth).SetPhone(p.phone).SetSkills(p.skills).SetPartyMember(p.party)
		if p.level != "" {
			b.SetSocialWorkLevel(p.level).SetSocialWorkCertificate(p.cert)
		}
		if p.university != nil {
			b.SetUniversityID(p.university.id).SetShareWithUniversity(p.shares)
		}
		if s.keys != nil {
			ct, hash, err := s.keys.SealIDNumber(syntheticIDNumber(p.birth, p.gender, i, usedIDs))
			if err != nil {
				return err
			}
			b.SetIDNumberCiphertext(ct).SetIDNumberHash(hash)
		}
		bs[i] = b
	}
	created, err := saveAll[ent.Person](s.ctx, bs, s.tx.Person.CreateBulk)
	if err != nil {
		return err
	}
	for i, c := range created {
		s.people[i].id = c.ID
	}
	return nil
}

// teamByIndex returns the i-th volunteer team in town order.
func (s *seeder) teamByIndex(i int) *org {
	for _, t := range s.towns {
		if i < len(t.teams) {
			return t.teams[i]
		}
		i -= len(t.teams)
	}
	s.fail("no team %d", i)
	return s.federation
}

func (s *seeder) newPerson(r *rand.Rand, k personKind) *personRow {
	p := &personRow{kind: k}
	var femaleShare, partyShare float64
	switch k {
	case communityVolunteer:
		femaleShare, partyShare = 0.6, 0.15
		// Volunteers skew older: many are retired.
		bands := [][2]int{{1996, 2007}, {1981, 1995}, {1966, 1980}, {1950, 1965}}
		b := bands[weighted(r, []int{15, 25, 30, 30})]
		p.birth = dayBetween(r, date(b[0], 1, 1), date(b[1], 12, 31))
		p.skills = drawSkills(r, skills, between(r, 0, 3))
	case socialWorker:
		femaleShare, partyShare = 0.75, 0.4
		p.birth = dayBetween(r, date(1968, 1, 1), date(2000, 12, 31))
		p.skills = drawSkills(r, []string{"心理咨询", "法律咨询", "教育辅导", "应急救护", "摄影", "电商直播"}, between(r, 1, 2))
		year := between(r, 2012, 2024)
		switch n := r.IntN(100); {
		case n < 60:
			p.level = person.SocialWorkLevelASSISTANT
		case n < 95:
			p.level = person.SocialWorkLevelINTERMEDIATE
			year = between(r, 2010, 2022)
		default:
			p.level = person.SocialWorkLevelSENIOR
			year = between(r, 2012, 2020)
		}
		// Synthetic numbering: year obtained, city, sequence.
		p.cert = fmt.Sprintf("SG%d3304%05d", year, r.IntN(100_000))
	case student:
		femaleShare, partyShare = 0.55, 0.08
		// Aged 18–22 at the reference date.
		p.birth = dayBetween(r, date(2004, 1, 1), date(2008, 6, 30))
		p.skills = drawSkills(r, studentSkills, between(r, 1, 2))
	}
	switch x := r.Float64(); {
	case x < 0.01:
		p.gender = person.GenderUNSPECIFIED
	case x < 0.01+femaleShare:
		p.gender = person.GenderFEMALE
	default:
		p.gender = person.GenderMALE
	}
	p.name = syntheticName(r, p.gender)
	p.party = chance(r, partyShare)
	p.phone = "1" + pick(r, mobilePrefixes) + fmt.Sprintf("%08d", r.IntN(100_000_000))
	return p
}

// syntheticName joins a common surname and one or two given-name
// characters; it names no real person on purpose.
func syntheticName(r *rand.Rand, g person.Gender) string {
	given := givenMale
	if g == person.GenderFEMALE || (g == person.GenderUNSPECIFIED && chance(r, 0.5)) {
		given = givenFemale
	}
	name := pick(r, surnames) + pick(r, given)
	if chance(r, 0.7) {
		name += pick(r, given)
	}
	return name
}

func drawSkills(r *rand.Rand, from []string, n int) []string {
	out := []string{}
	for _, i := range r.Perm(len(from))[:n] {
		out = append(out, from[i])
	}
	return out
}

// ---- memberships ----

func (s *seeder) seedMemberships() error {
	r := s.rng("memberships")
	var ms []*member
	join := func(p *personRow, o *org, role membership.Role, joined time.Time) *member {
		if o.founded.After(joined) {
			// Nobody joins before the organisation exists.
			joined = dayBetween(r, o.founded, o.founded.AddDate(1, 0, 0))
		}
		m := &member{person: p, org: o, role: role, joined: joined}
		o.members = append(o.members, m)
		ms = append(ms, m)
		return m
	}
	anyDay := func() time.Time { return dayBetween(r, date(2018, 1, 1), date(2025, 12, 31)) }
	agencyWeights := make([]int, len(agencies))
	for i, a := range agencies {
		agencyWeights[i] = a.VolunteerShare
	}

	for i, p := range s.people {
		switch p.kind {
		case communityVolunteer:
			if i < s.teamCount() {
				// Founding leaders joined early.
				join(p, s.teamByIndex(i), membership.RoleLEADER, dayBetween(r, date(2018, 1, 1), date(2019, 6, 30)))
			} else {
				join(p, pick(r, p.town.teams), membership.RoleVOLUNTEER, anyDay())
			}
			if chance(r, 0.25) {
				join(p, s.agencies[weighted(r, agencyWeights)], membership.RoleVOLUNTEER, anyDay())
			}
			if chance(r, 0.3) && len(p.town.socialOrgs) > 0 {
				join(p, pick(r, p.town.socialOrgs), membership.RoleVOLUNTEER, anyDay())
			}
		case socialWorker:
			join(p, p.agency, membership.RoleSOCIAL_WORKER, anyDay())
			if chance(r, 0.1) {
				// Some social workers also serve in a team they mentor.
				join(p, pick(r, pick(r, s.towns).teams), membership.RoleVOLUNTEER, anyDay())
			}
		case student:
			host := pick(r, s.hosts[p.university])
			// Students join their practice base once at university (18+).
			from := p.birth.AddDate(18, 0, 0)
			if from.Before(date(2022, 9, 1)) {
				from = date(2022, 9, 1)
			}
			m := join(p, host, membership.RoleVOLUNTEER, dayBetween(r, from, ReferenceDate.AddDate(0, -1, 0)))
			// The oldest graduated in the summer of the reference year.
			if p.birth.Year() == 2004 && m.joined.Before(date(2023, 7, 1)) {
				m.left = date(2026, 6, 30)
			}
		}
	}
	// Staff of the Party service centres, the federation and the bureau
	// come from the towns' volunteers.
	for _, t := range s.towns {
		for k := 0; k < 2; k++ {
			join(pick(r, t.volunteers), t.psc, membership.RoleSTAFF, anyDay())
		}
	}
	for k := 0; k < 3; k++ {
		join(s.people[s.teamCount()+r.IntN(s.scale.CommunityVolunteers-s.teamCount())], s.federation, membership.RoleSTAFF, anyDay())
	}
	for k := 0; k < 2; k++ {
		join(s.people[s.teamCount()+r.IntN(s.scale.CommunityVolunteers-s.teamCount())], s.bureau, membership.RoleSTAFF, anyDay())
	}
	// A few volunteers moved away or stopped.
	for _, m := range ms {
		if m.role == membership.RoleVOLUNTEER && m.left.IsZero() && chance(r, 0.04) {
			left := m.joined.AddDate(0, 0, between(r, 180, 1500))
			if left.Before(ReferenceDate) {
				m.left = left
			}
		}
	}

	bs := make([]*ent.MembershipCreate, len(ms))
	for i, m := range ms {
		b := s.tx.Membership.Create().SetPersonID(m.person.id).SetOrganizationID(m.org.id).
			SetRole(m.role).SetJoinedOn(m.joined)
		if !m.left.IsZero() {
			b.SetLeftOn(m.left)
		}
		bs[i] = b
	}
	_, err := saveAll[ent.Membership](s.ctx, bs, s.tx.Membership.CreateBulk)
	return err
}

// syntheticIDNumber builds a well-formed resident ID number (GB 11643) for a
// synthetic person: the district's code, the birth date, a sequence whose
// parity follows the gender, and the check character. The sequence comes
// from the person's index, so no two people share a number; the numbers
// belong to no real person.
func syntheticIDNumber(birth time.Time, gender person.Gender, i int, used map[string]bool) string {
	seq := (i*2 + 1) % 1000
	if gender == person.GenderFEMALE {
		seq = (i * 2) % 1000
	}
	// A district's people share birthdays: the next free sequence number of
	// the same parity (odd men, even women), as a registry would issue it.
	for k := 0; k < 500; k++ {
		first17 := fmt.Sprintf("%s%s%03d", DistrictCode, birth.Format("20060102"), (seq+2*k)%1000)
		check, _ := pii.IDNumberCheck(first17)
		if id := first17 + string(check); !used[id] {
			used[id] = true
			return id
		}
	}
	panic("demo: more than 500 people of one gender born on " + birth.Format(time.DateOnly))
}
