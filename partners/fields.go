package partners

import (
	"context"
	"time"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/paging"
	"github.com/tongxing/tongxing/pii"
)

// The partner view's GraphQL fields, one function each, so that their
// resolvers are one call: every function opens the university's reader
// (Open or OpenBase: the caller is authorised there, by package policy),
// then decodes the cursor and the page size (package paging), then reads
// one page. The University… functions serve the Query fields, narrowed by
// the arguments the caller gave (nil: not given); the Base… functions
// serve the fields of a PracticeBase the caller already holds, and
// authorise again on its university, since a base can be reached from
// more than one field.

// openPage opens the view of university (0: the caller's own, or for ADMIN
// none, which is refused) and decodes a keyset page.
func openPage(ctx context.Context, c *ent.Client, keys *pii.Keys, university int, after *Cursor, first *int) (*Reader, *Key, int, error) {
	rd, err := Open(ctx, c, keys, university)
	if err != nil {
		return nil, nil, 0, err
	}
	k, err := KeyOf(after)
	if err != nil {
		return nil, nil, 0, err
	}
	n, err := paging.Size(first)
	if err != nil {
		return nil, nil, 0, err
	}
	return rd, k, n, nil
}

// UniversityBases is Query.practiceBases.
func UniversityBases(ctx context.Context, c *ent.Client, keys *pii.Keys, university *int, since *time.Time,
	after *Cursor, first *int) (*BaseConnection, error) {
	rd, k, n, err := openPage(ctx, c, keys, idOf(university), after, first)
	if err != nil {
		return nil, err
	}
	return rd.BaseConnection(ctx, Filter{Since: since}, k, n)
}

// BaseByID is Query.practiceBase.
func BaseByID(ctx context.Context, c *ent.Client, keys *pii.Keys, id int) (*ent.Partnership, error) {
	_, b, err := OpenBase(ctx, c, keys, 0, id)
	return b, err
}

// UniversityActivities is Query.partnerActivities: a base named must be in
// the university's view (NOT_FOUND otherwise, as any row out of scope).
func UniversityActivities(ctx context.Context, c *ent.Client, keys *pii.Keys, university, base *int, since *time.Time,
	after *Cursor, first *int) (*ActivityConnection, error) {
	rd, k, n, err := openPage(ctx, c, keys, idOf(university), after, first)
	if err != nil {
		return nil, err
	}
	f := Filter{Base: idOf(base), Since: since}
	if f.Base != 0 && rd.View.Base(f.Base) == nil {
		return nil, &ent.NotFoundError{}
	}
	return rd.ActivityConnection(ctx, f, k, n)
}

// UniversityRecords is Query.partnerServiceRecords. With a base named, the
// university comes from the base (ADMIN need not name it; a university
// named must be the base's, see policy.PartnerBase).
func UniversityRecords(ctx context.Context, c *ent.Client, keys *pii.Keys, university, base *int, pseudonym *string,
	since *time.Time, after *Cursor, first *int) (*RecordConnection, error) {
	if base == nil {
		return records(ctx, c, keys, idOf(university), 0, pseudonym, since, after, first)
	}
	_, b, err := OpenBase(ctx, c, keys, idOf(university), *base)
	if err != nil {
		return nil, err
	}
	return records(ctx, c, keys, b.OrganizationID, b.ID, pseudonym, since, after, first)
}

// UniversityChanges is Query.partnerChanges.
func UniversityChanges(ctx context.Context, c *ent.Client, keys *pii.Keys, university *int, since *time.Time,
	after *Cursor, first *int) (*ChangeConnection, error) {
	rd, k, n, err := openPage(ctx, c, keys, idOf(university), after, first)
	if err != nil {
		return nil, err
	}
	return rd.Changes(ctx, since, k, n)
}

// BaseActivities is PracticeBase.activities.
func BaseActivities(ctx context.Context, c *ent.Client, keys *pii.Keys, base *ent.Partnership, since *time.Time,
	after *Cursor, first *int) (*ActivityConnection, error) {
	rd, k, n, err := openPage(ctx, c, keys, base.OrganizationID, after, first)
	if err != nil {
		return nil, err
	}
	return rd.ActivityConnection(ctx, Filter{Base: base.ID, Since: since}, k, n)
}

// BaseRecords is PracticeBase.serviceRecords.
func BaseRecords(ctx context.Context, c *ent.Client, keys *pii.Keys, base *ent.Partnership, pseudonym *string,
	since *time.Time, after *Cursor, first *int) (*RecordConnection, error) {
	return records(ctx, c, keys, base.OrganizationID, base.ID, pseudonym, since, after, first)
}

// BaseStudentMonths is PracticeBase.studentMonths: computed whole, then
// paged in memory (paging.Slice).
func BaseStudentMonths(ctx context.Context, c *ent.Client, keys *pii.Keys, base *ent.Partnership, from, to *time.Time,
	after *Cursor, first *int) (*StudentMonthConnection, error) {
	rd, err := Open(ctx, c, keys, base.OrganizationID)
	if err != nil {
		return nil, err
	}
	all, err := rd.StudentMonths(ctx, base.ID, from, to)
	if err != nil {
		return nil, err
	}
	return StudentMonthPage(all, after, first)
}

// BaseOutcomes is PracticeBase.outcomes.
func BaseOutcomes(ctx context.Context, c *ent.Client, keys *pii.Keys, base *ent.Partnership, since *time.Time,
	after *Cursor, first *int) (*OutcomeConnection, error) {
	rd, k, n, err := openPage(ctx, c, keys, base.OrganizationID, after, first)
	if err != nil {
		return nil, err
	}
	return rd.OutcomeConnection(ctx, Filter{Base: base.ID, Since: since}, k, n)
}

// BaseTerms is PracticeBase.terms.
func BaseTerms(ctx context.Context, c *ent.Client, keys *pii.Keys, base *ent.Partnership, now time.Time) ([]*Figures, error) {
	rd, err := Open(ctx, c, keys, base.OrganizationID)
	if err != nil {
		return nil, err
	}
	terms, _, err := rd.BaseFigures(ctx, base.ID, now)
	return terms, err
}

// BaseTotals is PracticeBase.totals.
func BaseTotals(ctx context.Context, c *ent.Client, keys *pii.Keys, base *ent.Partnership, now time.Time) (*Figures, error) {
	rd, err := Open(ctx, c, keys, base.OrganizationID)
	if err != nil {
		return nil, err
	}
	_, total, err := rd.BaseFigures(ctx, base.ID, now)
	return total, err
}

// records is the records connection of a university's view (ADMIN: the
// university named), of one of its bases when base is not 0 and of one
// pseudonym when pseudonym is given.
func records(ctx context.Context, c *ent.Client, keys *pii.Keys, university, base int, pseudonym *string,
	since *time.Time, after *Cursor, first *int) (*RecordConnection, error) {
	rd, k, n, err := openPage(ctx, c, keys, university, after, first)
	if err != nil {
		return nil, err
	}
	f := Filter{Base: base, Since: since}
	if pseudonym != nil {
		if f.Person, err = rd.PersonOf(ctx, *pseudonym); err != nil {
			return nil, err
		}
		if f.Person == 0 {
			return EmptyRecords(), nil
		}
	}
	return rd.RecordConnection(ctx, f, k, n)
}

// idOf is *id, or 0 when id is nil (an argument not given).
func idOf(id *int) int {
	if id == nil {
		return 0
	}
	return *id
}
