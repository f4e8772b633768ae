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
)

func taxonomyCodeIs(code string) predicate.Taxonomy { return taxonomy.Code(code) }
