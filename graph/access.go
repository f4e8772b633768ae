package graph

import (
	"context"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tongxing/tongxing/access"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/needrating"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
)

// AccessTable maps type and field to the declared access level. It is built
// from the schema's @access directives, so the schema is the one place
// where field rules are written.
type AccessTable map[string]map[string]access.Level

// Level is the level of typ.field; structural types (Query, Mutation,
// connections, edges, page info, introspection) carry no data of their own
// and are public, their rows being filtered by the row rules.
func (t AccessTable) Level(typ, field string) access.Level {
	if fields, ok := t[typ]; ok {
		return fields[field]
	}
	if structural(typ) {
		return access.Public
	}
	return access.Private
}

func structural(typ string) bool {
	return typ == "Query" || typ == "Mutation" || typ == "PageInfo" || strings.HasPrefix(typ, "__") ||
		strings.HasSuffix(typ, "Connection") || strings.HasSuffix(typ, "Edge")
}

// NewAccessTable reads the @access declarations of every object type.
func NewAccessTable(schema *ast.Schema) AccessTable {
	t := AccessTable{}
	for name, def := range schema.Types {
		if def.Kind != ast.Object {
			continue
		}
		typeLevel, declared := accessLevel(def.Directives)
		if !declared && structural(name) {
			// Structural types are public, but a field may still ask for
			// more (e.g. a query only keys may run).
			typeLevel = access.Public
		}
		// "" holds the type's own level: what filtering on an edge into
		// the type, or on a field entgql filters but GraphQL hides, needs.
		fields := map[string]access.Level{"": typeLevel}
		for _, f := range def.Fields {
			if l, ok := accessLevel(f.Directives); ok {
				fields[f.Name] = l
			} else {
				fields[f.Name] = typeLevel
			}
		}
		t[name] = fields
	}
	return t
}

func accessLevel(list ast.DirectiveList) (access.Level, bool) {
	d := list.ForName("access")
	if d == nil {
		return access.Private, false
	}
	if a := d.Arguments.ForName("level"); a != nil && a.Value != nil {
		return access.Level(a.Value.Raw), true
	}
	return access.Private, false
}

// readsLevel decides whether v may read values of a level on whatever row
// it is shown: the rule for filters and orderings, which compare values on
// rows the caller never sees. Row-dependent levels (PERSONAL, PHONE, CASE)
// are therefore ADMIN's alone here, although an EDITOR reads them on the
// rows of its own members.
func readsLevel(v *auth.Viewer, level access.Level) error {
	switch {
	case level == access.Public:
		return nil
	case level == access.Private:
		return auth.ErrForbidden
	case v == nil:
		return auth.ErrUnauthenticated
	}
	if v.Volunteer() || level == access.Volunteer {
		// A volunteer's credential filters nothing but public values; its
		// own rows are read through package volunteers, never filtered.
		return auth.ErrForbidden
	}
	partner := v.Role == auth.RolePartner && !v.System
	switch level {
	case access.Key:
		return nil
	case access.Identifier:
		if !partner {
			return nil
		}
	case access.Pseudonym:
		if partner {
			return nil
		}
	default:
		if v.Admin() {
			return nil
		}
	}
	return auth.ErrForbidden
}

// accessControl enforces the table on every field a response contains,
// guards the filters and orderings of every argument list, and records
// reads of personal data in the audit trail.
type accessControl struct {
	table   AccessTable
	filters filterTable
	client  *ent.Client
	keys    *pii.Keys
}

func newAccessControl(schema *ast.Schema, client *ent.Client, keys *pii.Keys) accessControl {
	return accessControl{table: NewAccessTable(schema), filters: newFilterTable(schema), client: client, keys: keys}
}

var _ interface {
	graphql.HandlerExtension
	graphql.FieldInterceptor
	graphql.ResponseInterceptor
} = accessControl{}

func (accessControl) ExtensionName() string                   { return "AccessControl" }
func (accessControl) Validate(graphql.ExecutableSchema) error { return nil }

func (a accessControl) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return next(ctx)
	}
	if err := a.guardFilters(ctx, fc); err != nil {
		return nil, err
	}
	level := a.table.Level(fc.Object, fc.Field.Name)
	if level == access.Public {
		return next(ctx)
	}
	v := auth.FromContext(ctx)
	switch {
	case level == access.Private:
		return nil, auth.ErrForbidden
	case v == nil && level == access.Case:
		return nil, nil // on a public row: the row shows, the case stays hidden
	case v == nil:
		return nil, auth.ErrUnauthenticated
	}
	if v.Volunteer() != (level == access.Volunteer) {
		// A volunteer's credential is anonymous to everything but its own
		// page (docs/volunteers.md); its own page is nobody else's.
		if level == access.Case && v.Volunteer() {
			return nil, nil
		}
		return nil, auth.ErrForbidden
	}
	if level == access.Volunteer {
		return next(ctx)
	}
	partner := v.Role == auth.RolePartner && !v.System
	switch level {
	case access.Key:
		return next(ctx)
	case access.Admin:
		if v.Admin() {
			return next(ctx)
		}
		return nil, auth.ErrForbidden
	case access.Identifier:
		if partner {
			return nil, nil
		}
		return next(ctx)
	case access.Pseudonym:
		if !partner {
			return nil, nil
		}
		return next(ctx)
	case access.Personal, access.Phone:
		p, ok := parentAs[*ent.Person](fc)
		if !ok {
			return nil, auth.ErrForbidden
		}
		full, err := policy.SeesPersonalData(ctx, a.clientFor(ctx), v, p.ID)
		if err != nil {
			return nil, err
		}
		if full {
			readLogFrom(ctx).add(p.ID)
			return next(ctx)
		}
		if level == access.Phone && !partner {
			res, err := next(ctx)
			if s, ok := res.(string); ok && err == nil && s != "" {
				return pii.MaskPhone(s), nil
			}
			return nil, err
		}
		return nil, nil
	case access.Case:
		needID, err := a.caseNeed(ctx, fc)
		if err != nil {
			return nil, err
		}
		ok, err := policy.HandlesCase(ctx, a.clientFor(ctx), v, needID)
		if err != nil {
			return nil, err
		}
		if ok {
			return next(ctx)
		}
		return nil, nil
	}
	return nil, auth.ErrForbidden
}

// clientFor is the mutation's transactional client when there is one, so
// that rows the mutation just wrote count (another connection would not see
// them before commit).
func (a accessControl) clientFor(ctx context.Context) *ent.Client {
	if c := ent.FromContext(ctx); c != nil {
		return c
	}
	return a.client
}

// caseNeed is the need whose case a CASE field belongs to: the need
// itself, or the need a resident's rating rates (looked up: a query
// selects only the columns a request asks for, so the loaded rating may
// lack it).
func (a accessControl) caseNeed(ctx context.Context, fc *graphql.FieldContext) (int, error) {
	if n, ok := parentAs[*ent.Need](fc); ok {
		return n.ID, nil
	}
	if r, ok := parentAs[*ent.NeedRating](fc); ok {
		return a.clientFor(ctx).NeedRating.Query().Where(needrating.ID(r.ID)).Select(needrating.FieldNeedID).
			Int(privacy.DecisionContext(ctx, privacy.Allow))
	}
	return 0, auth.ErrForbidden
}

// parentAs finds the object whose field is being resolved.
func parentAs[T any](fc *graphql.FieldContext) (T, bool) {
	var zero T
	for p := fc.Parent; p != nil; p = p.Parent {
		switch r := p.Result.(type) {
		case T:
			return r, true
		case *T:
			if r != nil {
				return *r, true
			}
		case *ent.Noder:
			if r != nil {
				if t, ok := (*r).(T); ok {
					return t, true
				}
			}
		}
		if p.Index == nil && p.Result != nil {
			// Only list elements sit between an object and its fields.
			break
		}
	}
	return zero, false
}

// readLog collects the people whose personal data one response revealed.
type readLog struct {
	mu  sync.Mutex
	ids map[int]bool
}

type readLogKey struct{}

func readLogFrom(ctx context.Context) *readLog {
	l, _ := ctx.Value(readLogKey{}).(*readLog)
	if l == nil {
		return &readLog{ids: map[int]bool{}}
	}
	return l
}

func (l *readLog) add(id int) {
	l.mu.Lock()
	l.ids[id] = true
	l.mu.Unlock()
}

// InterceptResponse writes one audit event per response that revealed
// personal data to a key: who, when, how many people (and which one, when
// it was one).
func (a accessControl) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	log := &readLog{ids: map[int]bool{}}
	rsp := next(context.WithValue(ctx, readLogKey{}, log))
	v := auth.FromContext(ctx)
	if len(log.ids) == 0 || v == nil || v.System || rsp == nil || rsp.Data == nil {
		return rsp
	}
	ev := audit.Event{Action: "readPersonalData", EntityType: "Person", Count: len(log.ids)}
	if len(log.ids) == 1 {
		for id := range log.ids {
			ev.EntityID = id
		}
	}
	c := ent.FromContext(ctx)
	if c == nil {
		c = a.client
	}
	if err := audit.Record(ctx, c, ev); err != nil {
		// Personal data must not leave without its audit record.
		return &graphql.Response{Errors: gqlerror.List{graphql.DefaultErrorPresenter(ctx, err)}}
	}
	return rsp
}
