package graph

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/imports"
	"github.com/tongxing/tongxing/sheet"
)

// uploadTransport is gqlgen's multipart transport (the GraphQL multipart
// request specification) behind one gate: a request without a key is
// refused before its parts are read, so nobody spools uploads for free.
// Bearer keys are never sent by a browser on its own, so a cross-site form
// posting multipart/form-data gets no further either.
type uploadTransport struct {
	limits sheet.Limits
}

var _ graphql.Transport = uploadTransport{}

func (uploadTransport) Supports(r *http.Request) bool {
	return r.Method == http.MethodPost && IsMultipart(r)
}

func (u uploadTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	// Only imports take files, and only ADMIN and EDITOR keys import.
	switch err := imports.MayImport(r.Context()); {
	case errors.Is(err, auth.ErrUnauthenticated):
		w.Header().Set("WWW-Authenticate", apierror.Challenge)
		apierror.Write(w, r, http.StatusUnauthorized, apierror.New(apierror.Unauthenticated, apierror.KeyRequiredMessage))
		return
	case err != nil:
		apierror.Write(w, r, http.StatusForbidden, apierror.New(apierror.Forbidden, "只有管理员与编辑密钥可以上传文件 (only ADMIN and EDITOR keys upload files)"))
		return
	}
	max := u.limits.Bytes
	if max == 0 {
		max = sheet.DefaultLimits.Bytes
	}
	cw := &codedErrors{ResponseWriter: w, mediaType: apierror.MediaType(r)}
	transport.MultipartForm{MaxUploadSize: max, MaxMemory: 8 << 20}.Do(cw, r, exec)
	cw.finish(r)
}

// codedErrors holds back an answer the multipart transport refuses a
// request with (a malformed form: "first part must be operations"), whose
// errors carry no extensions.code, and sends it as BAD_USER_INPUT; a
// request it executes passes through untouched.
//
// The answer takes the media type the client's Accept asks for, as the
// other transports' answers do (gqlgen's sets application/json).
type codedErrors struct {
	http.ResponseWriter
	mediaType string
	status    int
	held      []byte
	started   bool
}

func (c *codedErrors) WriteHeader(status int) {
	if status >= 400 {
		c.status = status
		return
	}
	c.start()
	c.ResponseWriter.WriteHeader(status)
}

func (c *codedErrors) Write(b []byte) (int, error) {
	if c.status >= 400 {
		c.held = append(c.held, b...)
		return len(b), nil
	}
	c.start()
	return c.ResponseWriter.Write(b)
}

func (c *codedErrors) start() {
	if !c.started {
		c.started = true
		c.ResponseWriter.Header().Set("Content-Type", c.mediaType)
	}
}

func (c *codedErrors) finish(r *http.Request) {
	if c.status < 400 {
		return
	}
	var body struct {
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	message := "multipart 请求格式错误 (malformed multipart request)"
	if json.Unmarshal(c.held, &body) == nil && len(body.Errors) > 0 && body.Errors[0].Message != "" {
		message += ": " + body.Errors[0].Message
	}
	status := c.status
	if status != http.StatusRequestEntityTooLarge {
		status = http.StatusBadRequest
	}
	apierror.Write(c.ResponseWriter, r, status, apierror.New(apierror.BadUserInput, message))
}

var importKinds = map[string]imports.Kind{
	"ORGANIZATIONS": imports.Organizations,
	"VOLUNTEERS":    imports.Volunteers,
	"ACTIVITIES":    imports.Activities,
	"SERVICE_HOURS": imports.ServiceHours,
}

// importUpload runs importRecords: the key is asked first, then the file
// read; a dry run or a refused file discards the transaction's writes.
func (r *Resolver) importUpload(ctx context.Context, kind string, up graphql.Upload, commit bool) (*imports.Report, error) {
	if err := imports.MayImport(ctx); err != nil {
		return nil, err
	}
	file, size, done, err := readerAt(up)
	if err != nil {
		return nil, err
	}
	defer done()
	rep, err := imports.Upload(ctx, r.clientFrom(ctx), imports.Env{Keys: r.keys, Now: r.now()}, importKinds[kind], up.Filename, file, size, r.uploads, commit)
	if err != nil {
		return nil, err
	}
	if !rep.Committed {
		discardWrites(ctx)
	}
	return rep, nil
}

// readerAt gives random access to an upload: gqlgen's file part already
// has it; a file shared by several variables is copied to a temporary
// file first.
func readerAt(up graphql.Upload) (io.ReaderAt, int64, func(), error) {
	if ra, ok := up.File.(io.ReaderAt); ok {
		return ra, up.Size, func() {}, nil
	}
	tmp, err := os.CreateTemp("", "tongxing-upload-*")
	if err != nil {
		return nil, 0, nil, err
	}
	_ = os.Remove(tmp.Name())
	n, err := io.Copy(tmp, up.File)
	if err != nil {
		tmp.Close()
		return nil, 0, nil, err
	}
	return tmp, n, func() { tmp.Close() }, nil
}
