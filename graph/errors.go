package graph

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/graph/scalar"
	"github.com/tongxing/tongxing/requestid"
)

// presentError is the one place where an error becomes what a client sees:
// a known code and a safe message. Anything unexpected is logged with the
// request id and answered as INTERNAL without its text.
func presentError(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		out := graphql.DefaultErrorPresenter(ctx, err)
		code, message, field := classify(ctx, err)
		// The extensions and the internal message are the ones every HTTP
		// refusal carries too (apierror.Write).
		out.Extensions = apierror.Extensions(ctx, &apierror.Error{Code: code, Field: field})
		if code == apierror.Internal {
			logger.ErrorContext(ctx, "internal error", "request_id", requestid.From(ctx), "path", out.Path.String(), "error", err)
			out.Message = apierror.InternalMessage
			return out
		}
		out.Message = message
		reason := ""
		if ge, ok := err.(*gqlerror.Error); ok {
			if c := codeOf(ge.Extensions); c != "" && c != string(code) {
				reason = c
			}
		}
		if reason != "" {
			out.Extensions["reason"] = reason
		}
		return out
	}
}

// gqlgenCodes maps the codes gqlgen and its extensions set to the API's,
// with the Chinese that goes before gqlparser's English message.
var gqlgenCodes = map[string]struct {
	code   apierror.Code
	prefix string
}{
	"GRAPHQL_PARSE_FAILED":      {apierror.BadUserInput, "查询语法错误 (syntax error): "},
	"GRAPHQL_VALIDATION_FAILED": {apierror.BadUserInput, "查询未通过校验 (validation failed): "},
	"COMPLEXITY_LIMIT_EXCEEDED": {apierror.QueryTooComplex, "查询过于复杂 (query too complex): "},
}

// persistedQueryMessages are the automatic-persisted-query refusals, which
// gqlgen gives without a code. An unknown hash keeps gqlgen's message
// "PersistedQueryNotFound" unchanged: Apollo's clients (Kotlin and iOS
// among them) match that exact text, and Apollo Client the code, to send
// the query again with its text.
var persistedQueryMessages = map[string]struct {
	code    apierror.Code
	message string
}{
	"PersistedQueryNotFound":                 {apierror.PersistedQueryNotFound, "PersistedQueryNotFound"},
	"invalid APQ extension data":             {apierror.BadUserInput, "persistedQuery 扩展格式错误 (malformed persistedQuery extension: {\"version\": 1, \"sha256Hash\": \"…\"})"},
	"unsupported APQ version":                {apierror.BadUserInput, "不支持的持久化查询版本，只支持 version 1 (unsupported persisted-query version: only version 1 is supported)"},
	"provided APQ hash does not match query": {apierror.BadUserInput, "持久化查询的哈希与查询文本不符 (the persisted-query hash does not match the query text)"},
}

// busyMessage answers a write that found SQLite's write lock held past
// its busy timeout (a long import): a retry will do.
const busyMessage = "数据库正忙（可能有导入在进行），请稍后重试 (the database is busy, perhaps with an import: retry shortly)"

func classify(ctx context.Context, err error) (code apierror.Code, message, field string) {
	if list, ok := apierror.As(err); ok {
		e := list[0]
		return e.Code, e.Message, e.Field
	}
	switch {
	case errors.Is(err, auth.ErrUnauthenticated):
		return apierror.Unauthenticated, apierror.KeyRequiredMessage, ""
	case errors.Is(err, auth.ErrForbidden), errors.Is(err, privacy.Deny):
		if auth.FromContext(ctx) == nil {
			return apierror.Unauthenticated, apierror.KeyRequiredMessage, ""
		}
		return apierror.Forbidden, "无权执行此操作 (not allowed for this key)", ""
	case errors.Is(err, gid.ErrInvalid):
		return apierror.BadUserInput, "ID 无效 (invalid ID)", argumentPath(err)
	case errors.Is(err, scalar.ErrInvalidDate), errors.Is(err, scalar.ErrInvalidTime):
		return apierror.BadUserInput, unwrapMessage(err), argumentPath(err)
	case ent.IsNotFound(err):
		// Before the gqlerror case: entgql's node-not-found message shows
		// the raw database id.
		return apierror.NotFound, apierror.NotFoundMessage, ""
	case ent.IsConstraintError(err):
		return apierror.Conflict, "与现有记录冲突 (conflicts with an existing record)", ""
	case ent.IsValidationError(err):
		var ve *ent.ValidationError
		if errors.As(err, &ve) {
			return apierror.BadUserInput, "字段取值不合法 (invalid value for " + ve.Name + ")", "input." + ve.Name
		}
	case errors.Is(err, context.DeadlineExceeded):
		return apierror.Internal, "", ""
	case database.IsBusy(err):
		return apierror.RateLimited, busyMessage, ""
	case database.IsStatementTimeout(err) && ctx.Err() == nil:
		// The database's statement_timeout, below the request timeout,
		// stopped the statement (when the request's own deadline passed,
		// lib/pq cancels with the same SQLSTATE; that stays INTERNAL).
		return apierror.QueryTooComplex, "查询超过数据库语句时限而被中止，请缩小筛选范围或减小分页 (the query ran past the database's statement time limit and was stopped; narrow the filter or ask for smaller pages)", ""
	case isCursorMismatch(err):
		return apierror.BadUserInput, "分页游标与排序方式不符：请使用同一排序下上一页的 endCursor 或 startCursor (the cursor does not fit the ordering: pass the endCursor or startCursor of a page with the same orderBy)", ""
	case isEmptyPredicate(err):
		// The limits refuse empty nested filters before any resolver; this
		// is the guard for a filter built some other way.
		return apierror.BadUserInput, "空的筛选条件：请写出条件或省略该字段 (an empty filter: give a condition or leave the field out)", ""
	}
	var ge *gqlerror.Error
	if errors.As(err, &ge) && ge.Err == nil {
		if pq, ok := persistedQueryMessages[ge.Message]; ok && (codeOf(ge.Extensions) == "" || codeOf(ge.Extensions) == string(apierror.PersistedQueryNotFound)) {
			return pq.code, pq.message, ""
		}
		if c := codeOf(ge.Extensions); c == string(apierror.NotFound) {
			// entgql's "Could not resolve to a node with the global id of
			// '<database id>'" (nodes, node): the code without the text.
			return apierror.NotFound, apierror.NotFoundMessage, ""
		}
		if c := codeOf(ge.Extensions); c != "" {
			if mapped, ok := gqlgenCodes[c]; ok {
				return mapped.code, mapped.prefix + ge.Message, ""
			}
			if apierror.Code(c).Known() {
				f, _ := ge.Extensions["field"].(string)
				return apierror.Code(c), ge.Message, f
			}
		}
	}
	if isArgumentError(ctx) {
		return apierror.BadUserInput, "参数格式不正确 (malformed argument)", argumentPath(err)
	}
	return apierror.Internal, "", ""
}

// isCursorMismatch reports whether err is entgql's refusal of a cursor
// that decodes but was not made for the ordering asked (a cursor of one
// order field given with several, or the reverse): the caller's mistake,
// which entgql reports as a plain error.
func isCursorMismatch(err error) bool {
	msg := unwrapMessage(err)
	return strings.HasPrefix(msg, "cursor ") && (strings.HasSuffix(msg, " is not a slice") || strings.Contains(msg, "do not match orderBy fields length"))
}

// isEmptyPredicate reports whether err is ent's refusal of a where input
// with no condition (ErrEmpty…WhereInput, one per type; all share the text
// of entgql's template).
func isEmptyPredicate(err error) bool {
	for ; err != nil; err = errors.Unwrap(err) {
		if strings.HasPrefix(err.Error(), "ent: empty predicate ") {
			return true
		}
	}
	return false
}

// isArgumentError reports whether err arose while gqlgen decoded the field's
// arguments (for instance a malformed cursor): gqlgen leaves Args unset then.
func isArgumentError(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	return fc != nil && fc.Field.Field != nil && len(fc.Field.Arguments) > 0 && fc.Args == nil
}

// argumentPath is the input path gqlgen recorded for an argument error.
func argumentPath(err error) string {
	var ge *gqlerror.Error
	if errors.As(err, &ge) && len(ge.Path) > 0 {
		return ge.Path.String()
	}
	return ""
}

func unwrapMessage(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err.Error()
		}
		err = u
	}
}

// normalizeCodes is the last guard on a response: every error leaves with
// one of the API's codes (an error built outside the presenter included).
func normalizeCodes(errs gqlerror.List) {
	for _, e := range errs {
		// gqlparser's validation rules suggest field names even with
		// suggestions disabled; with introspection off they would describe
		// the schema to anyone who guesses near it.
		if i := strings.Index(e.Message, " Did you mean "); i >= 0 {
			e.Message = e.Message[:i]
		}
		code := codeOf(e.Extensions)
		switch {
		case apierror.Code(code).Known():
			continue
		case code == "":
			if e.Extensions == nil {
				e.Extensions = map[string]any{}
			}
			e.Extensions["code"] = string(apierror.Internal)
		default:
			e.Extensions["reason"] = code
			e.Extensions["code"] = string(apierror.BadUserInput)
		}
	}
}

// codeOf reads extensions.code whether it was stored as a string or as an
// apierror.Code.
func codeOf(ext map[string]any) string {
	switch c := ext["code"].(type) {
	case string:
		return c
	case apierror.Code:
		return string(c)
	}
	return ""
}
