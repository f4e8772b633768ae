// Package input holds the checks shared by every mutation: text fields,
// dates, and references to other records given by id or code. Checks add to
// an apierror.Fields so a client learns about every bad field at once.
package input

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/ent/term"
)

// Text trims s and checks it: required means not blank; max counts
// characters, not bytes. It returns the trimmed value.
func Text(f *apierror.Fields, field, s string, max int, required bool) string {
	s = strings.TrimSpace(s)
	switch {
	case required && s == "":
		f.Add(field, "不能为空 (must not be blank)")
	case !utf8.ValidString(s):
		f.Add(field, "不是有效的 UTF-8 文本 (not valid UTF-8 text)")
	case utf8.RuneCountInString(s) > max:
		f.Add(field, fmt.Sprintf("不能超过 %d 个字符 (at most %d characters)", max, max))
	case strings.ContainsRune(s, 0):
		f.Add(field, "含有非法字符 (contains a NUL character)")
	}
	return s
}

// OptionalText is Text for an optional field: nil stays nil.
func OptionalText(f *apierror.Fields, field string, s *string, max int) *string {
	if s == nil {
		return nil
	}
	v := Text(f, field, *s, max, false)
	return &v
}

// Order checks that end is not before start, reporting on endField.
func Order(f *apierror.Fields, endField string, start, end *time.Time) {
	if start != nil && end != nil && end.Before(*start) {
		f.Add(endField, "结束不能早于开始 (end must not be before start)")
	}
}

// Reasonable reports on field when t is outside the years the programme can
// have data for; it catches typos like 0202-05-01.
func Reasonable(f *apierror.Fields, field string, t *time.Time) {
	if t != nil && (t.Year() < 1900 || t.Year() > 2100) {
		f.Add(field, "日期超出合理范围 1900–2100 (date outside 1900–2100)")
	}
}

// RegionID resolves a division code. An unknown code is reported on field.
func RegionID(ctx context.Context, c *ent.Client, f *apierror.Fields, field, code string) (int, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		f.Add(field, "区划代码不能为空 (region code must not be blank)")
		return 0, nil
	}
	id, err := c.Region.Query().Where(region.Code(code)).OnlyID(ctx)
	if ent.IsNotFound(err) {
		f.Add(field, fmt.Sprintf("未知的区划代码 %q (unknown region code)", code))
		return 0, nil
	}
	return id, err
}

// RegionIDs resolves a list of division codes, reporting unknown ones by index.
func RegionIDs(ctx context.Context, c *ent.Client, f *apierror.Fields, field string, codes []string) ([]int, error) {
	ids := make([]int, 0, len(codes))
	seen := map[int]bool{}
	for i, code := range codes {
		id, err := RegionID(ctx, c, f, fmt.Sprintf("%s.%d", field, i), code)
		if err != nil {
			return nil, err
		}
		if id != 0 && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// Organization loads an organisation, reporting a missing one on field.
func Organization(ctx context.Context, c *ent.Client, f *apierror.Fields, field string, id int) (*ent.Organization, error) {
	o, err := c.Organization.Get(ctx, id)
	if ent.IsNotFound(err) {
		f.Add(field, "组织不存在 (no such organization)")
		return nil, nil
	}
	return o, err
}

// OrganizationExists reports a missing organisation on field.
func OrganizationExists(ctx context.Context, c *ent.Client, f *apierror.Fields, field string, id int) error {
	ok, err := c.Organization.Query().Where(organization.ID(id)).Exist(ctx)
	if err == nil && !ok {
		f.Add(field, "组织不存在 (no such organization)")
	}
	return err
}

// ProjectExists reports a missing project on field.
func ProjectExists(ctx context.Context, c *ent.Client, f *apierror.Fields, field string, id int) error {
	ok, err := c.Project.Query().Where(project.ID(id)).Exist(ctx)
	if err == nil && !ok {
		f.Add(field, "项目不存在 (no such project)")
	}
	return err
}

// Terms checks that every id names a term of the taxonomy with code
// taxonomyCode, reporting bad ones by index, and returns the ids deduplicated.
func Terms(ctx context.Context, c *ent.Client, f *apierror.Fields, field, taxonomyCode string, ids []int) ([]int, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	found, err := c.Term.Query().
		Where(term.IDIn(ids...), term.HasTaxonomyWith(taxonomyCodeIs(taxonomyCode))).
		IDs(ctx)
	if err != nil {
		return nil, err
	}
	ok := make(map[int]bool, len(found))
	for _, id := range found {
		ok[id] = true
	}
	out := make([]int, 0, len(ids))
	seen := map[int]bool{}
	for i, id := range ids {
		if !ok[id] {
			f.Add(fmt.Sprintf("%s.%d", field, i), fmt.Sprintf("不是“%s”分类中的词条 (not a term of taxonomy %s)", taxonomyCode, taxonomyCode))
			continue
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// NotFound turns ent's not-found for the record a mutation acts on into the
// API's NOT_FOUND with message; other errors pass through.
func NotFound(err error, message string) error {
	if ent.IsNotFound(err) {
		return apierror.New(apierror.NotFound, message)
	}
	return err
}
