package input

import (
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/taxonomy"
)

// Codes of the taxonomies that inputs refer to. The terms themselves are
// data (a district adds its own); only these vocabularies are fixed.
const (
	TaxonomyServiceDomain = "service-domain"
	TaxonomyOrgCategory   = "org-category"
	TaxonomyTargetGroup   = "target-group"
	// TaxonomyPartyGuide holds the categories (top-level terms) and
	// sub-categories of the district's guide to Party building in social
	// organisations (《社会组织党建工作指引》).
	TaxonomyPartyGuide = "party-building-guide"
	// TaxonomyPointService holds what service points offer (堂食, 送餐 …).
	TaxonomyPointService = "service-point-service"
)

func taxonomyCodeIs(code string) predicate.Taxonomy { return taxonomy.Code(code) }
