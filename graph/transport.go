package graph

import (
	"bufio"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/requestlog"
)

// The HTTP transports are our own rather than gqlgen's so that a request
// that cannot even be decoded still gets a coded error, and never has the
// decoder's message or the body echoed back (gqlgen's POST does both).

// postTransport serves POST /graphql with a JSON body.
type postTransport struct{}

func (postTransport) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" || r.Method != http.MethodPost {
		return false
	}
	return HasJSONBody(r)
}

// IsMultipart reports whether r is a GraphQL multipart request (an upload,
// github.com/jaydenseric/graphql-multipart-request-spec).
func IsMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// HasJSONBody reports whether r declares a body that the POST transport
// decodes: application/json, or application/graphql-response+json, which
// some clients send as the request's type too. It is the one statement of
// that rule: the server's gate refuses every other POST with 415 before
// any work, and the transport claims the same requests.
func HasJSONBody(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && (mt == "application/json" || mt == "application/graphql-response+json")
}

func (postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	w.Header().Set("Content-Type", apierror.MediaType(r))
	start := graphql.Now()
	var params graphql.RawParams
	body := bufio.NewReader(r.Body)
	if isBatch(body) {
		refuseRequest(w, r, http.StatusBadRequest, batchMessage)
		return
	}
	dec := json.NewDecoder(body)
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			refuseRequest(w, r, http.StatusRequestEntityTooLarge, "请求体过大 (request body too large)")
			return
		}
		refuseRequest(w, r, http.StatusBadRequest, "请求体不是有效的 JSON：应为 {\"query\": …, \"variables\": {…}} (request body is not a valid GraphQL JSON request)")
		return
	}
	if dec.More() {
		refuseRequest(w, r, http.StatusBadRequest, "请求体在请求之后还有内容；"+batchMessage)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	execute(w, r, exec, &params, false)
}

// getTransport serves GET /graphql?query=… for queries (cacheable reads).
type getTransport struct{}

func (getTransport) Supports(r *http.Request) bool {
	return r.Header.Get("Upgrade") == "" && r.Method == http.MethodGet
}

func (getTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	w.Header().Set("Content-Type", apierror.MediaType(r))
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		refuseRequest(w, r, http.StatusBadRequest, "查询字符串格式错误 (malformed query string)")
		return
	}
	params := graphql.RawParams{
		Query:         q.Get("query"),
		OperationName: q.Get("operationName"),
		Headers:       r.Header,
	}
	params.ReadTime.Start = graphql.Now()
	for name, dst := range map[string]*map[string]any{"variables": &params.Variables, "extensions": &params.Extensions} {
		if v := q.Get(name); v != "" {
			dec := json.NewDecoder(strings.NewReader(v))
			dec.UseNumber()
			if err := dec.Decode(dst); err != nil {
				refuseRequest(w, r, http.StatusBadRequest, name+" 不是有效的 JSON 对象 ("+name+" is not a valid JSON object)")
				return
			}
		}
	}
	params.ReadTime.End = graphql.Now()
	execute(w, r, exec, &params, true)
}

func execute(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, params *graphql.RawParams, queriesOnly bool) {
	ctx := r.Context()
	rc, opErr := exec.CreateOperationContext(ctx, params)
	if opErr != nil {
		// A request error: execution never started, so the answer has no
		// "data" entry. Its status follows the GraphQL-over-HTTP
		// specification: 200 under application/json, which clients read
		// as a GraphQL answer whatever it holds; the error's own 4xx under
		// application/graphql-response+json.
		rsp := exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr)
		if len(rsp.Errors) > 0 {
			requestlog.From(ctx).SetCode(codeOf(rsp.Errors[0].Extensions))
		}
		if apierror.PrefersGraphQLResponse(r) {
			status := http.StatusBadRequest
			if len(rsp.Errors) > 0 {
				status = apierror.Status(apierror.Code(codeOf(rsp.Errors[0].Extensions)))
			}
			if status == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", apierror.Challenge)
			}
			w.WriteHeader(status)
		}
		writeRequestError(w, r, rsp)
		return
	}
	if queriesOnly && rc.Operation.Operation != ast.Query {
		w.Header().Set("Allow", "POST")
		refuseRequest(w, r, http.StatusMethodNotAllowed, "GET 只能用于查询，写操作请用 POST (GET allows queries only; send mutations with POST)")
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	writeResponse(w, r, responses(ctx))
}

// batchMessage refuses a JSON array of operations: each request carries one.
const batchMessage = "不支持批量请求，请每个请求发送一个操作 (batched requests are not supported: send one operation per request)"

// isBatch reports whether the body starts, after white space, with a JSON
// array: a batch of operations, which this server does not take.
func isBatch(body *bufio.Reader) bool {
	for {
		b, err := body.ReadByte()
		if err != nil {
			return false
		}
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		}
		_ = body.UnreadByte()
		return b == '['
	}
}

// refuseRequest answers a request that cannot be executed at all, in the
// API's one error shape (apierror.Write), with the media type the client
// asked for.
func refuseRequest(w http.ResponseWriter, r *http.Request, status int, message string) {
	apierror.Write(w, r, status, apierror.New(apierror.BadUserInput, message))
}

// writeRequestError writes the errors of a request that never executed:
// without "data" (gqlgen's Response always writes it, as null).
func writeRequestError(w http.ResponseWriter, r *http.Request, rsp *graphql.Response) {
	writeJSON(w, r, struct {
		Errors     gqlerror.List  `json:"errors"`
		Extensions map[string]any `json:"extensions,omitempty"`
	}{rsp.Errors, rsp.Extensions})
}

func writeResponse(w http.ResponseWriter, r *http.Request, rsp *graphql.Response) {
	writeJSON(w, r, rsp)
}

func writeJSON(w http.ResponseWriter, r *http.Request, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Not expected (a response holds JSON values only); the client
		// still gets a coded answer with the request id, never the text.
		b = apierror.Body(r.Context(), apierror.New(apierror.Internal, ""))
	}
	_, _ = w.Write(b)
}
