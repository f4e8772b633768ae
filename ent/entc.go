//go:build ignore

// Command entc generates the ent client and the entgql GraphQL schema
// (graph/ent.graphql) from ent/schema. Run through `go generate ./ent`.
package main

import (
	"encoding/json"
	"log"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	entschema "entgo.io/ent/schema"
	"github.com/vektah/gqlparser/v2/ast"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithConfigPath("../gqlgen.yml"),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("../graph/ent.graphql"),
		entgql.WithWhereInputs(true),
		entgql.WithSchemaHook(describeTypes),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	err = entc.Generate("./schema", &gen.Config{
		Features: []gen.Feature{
			gen.FeatureVersionedMigration,
			gen.FeatureIntercept,
			gen.FeatureGlobalID,
			gen.FeaturePrivacy,
			gen.FeatureEntQL,
			gen.FeatureSnapshot,
			gen.FeatureExecQuery,
		},
	}, entc.Extensions(ex))
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}

// describeTypes copies schema.Comment of each ent type onto its GraphQL type,
// and edge comments onto connection fields, which entgql leaves undescribed,
// so that every type and field in graph/schema.graphql carries a description.
func describeTypes(g *gen.Graph, s *ast.Schema) error {
	for _, node := range g.Nodes {
		name := node.Name
		if raw, ok := node.Annotations[entgql.Annotation{}.Name()]; ok {
			var ant entgql.Annotation
			if b, err := json.Marshal(raw); err == nil && json.Unmarshal(b, &ant) == nil && ant.Type != "" {
				name = ant.Type
			}
		}
		def := s.Types[name]
		if def == nil {
			continue
		}
		if raw, ok := node.Annotations[(&entschema.CommentAnnotation{}).Name()]; ok {
			var c entschema.CommentAnnotation
			if b, err := json.Marshal(raw); err == nil && json.Unmarshal(b, &c) == nil && def.Description == "" {
				def.Description = c.Text
			}
		}
		for _, e := range node.Edges {
			if e.Comment() == "" {
				continue
			}
			if f := def.Fields.ForName(camel(e.Name)); f != nil && f.Description == "" {
				f.Description = e.Comment()
			}
		}
	}
	return nil
}

func camel(snake string) string {
	out := make([]byte, 0, len(snake))
	upper := false
	for i := 0; i < len(snake); i++ {
		c := snake[i]
		switch {
		case c == '_':
			upper = true
		case upper && c >= 'a' && c <= 'z':
			out = append(out, c-'a'+'A')
			upper = false
		default:
			out = append(out, c)
			upper = false
		}
	}
	return string(out)
}
