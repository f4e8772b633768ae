package apierror

import (
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/tongxing/tongxing/requestid"
	"github.com/tongxing/tongxing/requestlog"
)

// InternalMessage is all a client learns of an internal error. The detail
// goes to the server's log, under the request id that the error's
// extensions carry, so the two can be matched when a client reports it.
const InternalMessage = "服务器内部错误，请凭请求编号联系管理员 (internal error; quote the request id when reporting it)"

// Messages that several surfaces give for the same refusal (GraphQL, the
// partner export, the certificate pages), kept here so that they say it
// the same way.
const (
	KeyRequiredMessage = "需要 API 密钥 (an API key is required: Authorization: Bearer <key>)"
	NotFoundMessage    = "记录不存在 (not found)"
)

// Challenge is the WWW-Authenticate value of every 401: API keys are
// Bearer tokens.
const Challenge = `Bearer realm="tongxing"`

// Status is the HTTP status that a request refused with code alone gets.
// Refusals with a more precise status (405, 413, 415) pass it to Write
// themselves.
func Status(code Code) int {
	switch code {
	case Unauthenticated:
		return http.StatusUnauthorized
	case Forbidden:
		return http.StatusForbidden
	case NotFound, PersistedQueryNotFound:
		return http.StatusNotFound
	case Conflict:
		return http.StatusConflict
	case RateLimited:
		return http.StatusTooManyRequests
	case Internal:
		return http.StatusInternalServerError
	default:
		return http.StatusBadRequest
	}
}

// Extensions is what a client finds in extensions for e: the code, the
// input path of a BAD_USER_INPUT error, and, for INTERNAL, the request id of
// ctx (the key to the log line that holds the detail). The GraphQL error
// presenter and the HTTP refusals below give the same extensions.
func Extensions(ctx context.Context, e *Error) map[string]any {
	ext := map[string]any{"code": string(e.Code)}
	if e.Field != "" {
		ext["field"] = e.Field
	}
	if e.Code == Internal {
		ext["requestId"] = requestid.From(ctx)
	}
	return ext
}

// Body is the JSON of a GraphQL response carrying e as its only error:
// {"errors":[{"message":…,"extensions":{"code":…}}]}, without "data", as a
// request error has none. An INTERNAL error always carries InternalMessage,
// whatever e says, so no database or Go error text can reach a client.
func Body(ctx context.Context, e *Error) []byte {
	message := e.Message
	if e.Code == Internal {
		message = InternalMessage
	}
	type gqlError struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	}
	b, err := json.Marshal(struct {
		Errors []gqlError `json:"errors"`
	}{[]gqlError{{Message: message, Extensions: Extensions(ctx, e)}}})
	if err != nil {
		// Unreachable (strings and a map of strings); still, never an
		// empty answer.
		return []byte(`{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}`)
	}
	return append(b, '\n')
}

// Write answers a request that is refused before, or outside, GraphQL
// execution (a bad key, a wrong method, a body too large, a failed export)
// in the shape of a GraphQL error response, so that clients handle every
// refusal the same way. The response is JSON, never cached, and a 401
// names the Bearer scheme (RFC 9110, 11.6.1). The caller logs the detail of
// an internal error before calling Write; Write never sees it.
func Write(w http.ResponseWriter, r *http.Request, status int, e *Error) {
	WriteAs(w, r, status, e, MediaType(r))
}

// The two media types of the GraphQL-over-HTTP specification.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// MediaType is the media type of an answer to r, GraphQL's or a refusal
// before it: the specification's application/graphql-response+json when
// Accept prefers it (or ranks it with application/json, as Apollo Client
// and urql do), application/json otherwise, including for clients that
// send no Accept at all.
func MediaType(r *http.Request) string {
	if PrefersGraphQLResponse(r) {
		return mediaGraphQLResponse + "; charset=utf-8"
	}
	return mediaJSON + "; charset=utf-8"
}

// PrefersGraphQLResponse reports whether r's Accept ranks
// application/graphql-response+json at least as high as application/json.
func PrefersGraphQLResponse(r *http.Request) bool {
	var graphqlQ, jsonQ float64 = -1, -1
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		switch mt {
		case mediaGraphQLResponse:
			graphqlQ = max(graphqlQ, q)
		case mediaJSON:
			jsonQ = max(jsonQ, q)
		}
	}
	return graphqlQ > 0 && graphqlQ >= jsonQ
}

// WriteAs is Write with the response's media type: GraphQL's own transport
// answers application/graphql-response+json to clients that ask for it.
func WriteAs(w http.ResponseWriter, r *http.Request, status int, e *Error, mediaType string) {
	requestlog.From(r.Context()).SetCode(string(e.Code))
	h := w.Header()
	h.Set("Content-Type", mediaType)
	h.Set("Cache-Control", "no-store")
	if status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", Challenge)
	}
	w.WriteHeader(status)
	_, _ = w.Write(Body(r.Context(), e))
}

// WriteInternal answers 500 INTERNAL with the safe message and the request
// id; the caller has logged what went wrong.
func WriteInternal(w http.ResponseWriter, r *http.Request) {
	Write(w, r, http.StatusInternalServerError, New(Internal, InternalMessage))
}
