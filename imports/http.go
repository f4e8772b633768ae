package imports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"path"
	"strings"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/metrics"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/requestid"
	"github.com/tongxing/tongxing/sheet"
)

// Paths of the import endpoints.
const (
	Prefix          = "/import/"
	templatesPrefix = "/import/templates/"
)

// XLSXType is the media type of a workbook.
const XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Handler serves the templates (GET /import/templates/{kind}.xlsx, public:
// they hold the public region list and nothing else) and imports (POST
// /import/{kind}[?commit=true], an ADMIN or EDITOR key; the file as the
// body, or as the part "file" of a multipart form). An import answers its
// report as JSON — 200 when no row has a problem, 422 otherwise — or, with
// Accept: XLSXType, the file annotated with its problems.
func Handler(c *ent.Client, keys *pii.Keys, logger *slog.Logger, now func() time.Time, limits sheet.Limits) http.Handler {
	h := &handler{c: c, keys: keys, logger: logger, now: now, limits: limits}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+templatesPrefix+"{file}", h.template)
	mux.HandleFunc("POST "+Prefix+"{kind}", h.importFile)
	mux.HandleFunc(Prefix, func(w http.ResponseWriter, r *http.Request) {
		apierror.Write(w, r, http.StatusNotFound, apierror.New(apierror.NotFound, apierror.NotFoundMessage))
	})
	return mux
}

type handler struct {
	c      *ent.Client
	keys   *pii.Keys
	logger *slog.Logger
	now    func() time.Time
	limits sheet.Limits
}

func (h *handler) template(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	kind, ok := ParseKind(strings.TrimSuffix(name, ".xlsx"))
	if !ok || !strings.HasSuffix(name, ".xlsx") {
		apierror.Write(w, r, http.StatusNotFound, apierror.New(apierror.NotFound, "没有这种模板；可用：organizations、volunteers、activities、service-hours (no such template: organizations, volunteers, activities, service-hours)"))
		return
	}
	body, err := Template(r.Context(), h.c, kind)
	if err != nil {
		h.internal(w, r, "import template", err)
		return
	}
	w.Header().Set("Content-Type", XLSXType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="tongxing-%s-template.xlsx"`, kind))
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(body)
}

// importFile authorises before it reads the body: an anonymous or
// read-only key is refused without the upload being read.
func (h *handler) importFile(w http.ResponseWriter, r *http.Request) {
	switch err := MayImport(r.Context()); {
	case errors.Is(err, auth.ErrUnauthenticated):
		w.Header().Set("WWW-Authenticate", apierror.Challenge)
		apierror.Write(w, r, http.StatusUnauthorized, apierror.New(apierror.Unauthenticated, apierror.KeyRequiredMessage))
		return
	case err != nil:
		apierror.Write(w, r, http.StatusForbidden, apierror.New(apierror.Forbidden, forbiddenMessage))
		return
	}
	kind, ok := ParseKind(r.PathValue("kind"))
	if !ok {
		apierror.Write(w, r, http.StatusNotFound, apierror.New(apierror.NotFound, "没有这种导入；可用：organizations、volunteers、activities、service-hours (no such import: organizations, volunteers, activities, service-hours)"))
		return
	}
	commit := r.URL.Query().Get("commit") == "true" || r.URL.Query().Get("commit") == "1"
	// A key holder may take longer than the server's read and write
	// timeouts (30 s, 120 s) to send 64 MB from a district office or to
	// have 200,000 rows checked; nobody without a key gets this far.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(uploadTime))
	_ = rc.SetWriteDeadline(time.Now().Add(uploadTime + importTime))
	file, name, size, err := spool(r)
	if err != nil {
		var tooLarge *http.MaxBytesError
		var client *apierror.Error
		switch {
		case errors.As(err, &tooLarge):
			apierror.Write(w, r, http.StatusRequestEntityTooLarge, apierror.Invalid("file", fmt.Sprintf("文件超过 %d MB (the file is larger than %d MB)", tooLarge.Limit>>20, tooLarge.Limit>>20)))
		case errors.As(err, &client):
			apierror.Write(w, r, http.StatusBadRequest, client)
		default:
			h.internal(w, r, "import upload", err)
		}
		return
	}
	defer file.Close()
	rep, err := h.run(r, kind, file, name, size, commit)
	var busy *apierror.Error
	switch {
	case errors.As(err, &busy) && busy.Code == apierror.RateLimited:
		metrics.RateLimited("import")
		w.Header().Set("Retry-After", "5")
		apierror.Write(w, r, http.StatusTooManyRequests, busy)
		return
	case database.IsBusy(err):
		// Another writer held SQLite's lock past the busy timeout.
		metrics.RateLimited("database-busy")
		w.Header().Set("Retry-After", "5")
		apierror.Write(w, r, http.StatusTooManyRequests, apierror.New(apierror.RateLimited,
			"数据库正忙，请稍后重试 (the database is busy: retry shortly)"))
		return
	case err != nil:
		h.internal(w, r, "import", err)
		return
	}
	status := http.StatusOK
	if rep.ProblemCount > 0 {
		status = http.StatusUnprocessableEntity
	}
	if wantsWorkbook(r) && !rep.FileRefused {
		body, err := Annotate(name, file, size, rep)
		if err != nil {
			h.internal(w, r, "import annotate", err)
			return
		}
		w.Header().Set("Content-Type", XLSXType)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="tongxing-%s-report.xlsx"`, kind))
		setCounts(w.Header(), rep)
		w.WriteHeader(status)
		_, _ = w.Write(body)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	setCounts(w.Header(), rep)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(rep)
}

func (h *handler) run(r *http.Request, kind Kind, file *os.File, name string, size int64, commit bool) (*Report, error) {
	rows, err := sheet.Open(name, file, size, h.limits)
	if err != nil {
		if p, ok := fileProblem(err); ok {
			return (&Report{Kind: kind, DryRun: !commit}).refused(p), nil
		}
		return nil, err
	}
	defer rows.Close()
	return Apply(r.Context(), h.c, Env{Keys: h.keys, Now: h.now()}, kind, rows, commit)
}

// setCounts repeats the report's counts in headers, for clients that ask
// for the workbook.
func setCounts(hd http.Header, rep *Report) {
	hd.Set("Import-Rows", fmt.Sprint(rep.Rows))
	hd.Set("Import-Created", fmt.Sprint(rep.Created))
	hd.Set("Import-Unchanged", fmt.Sprint(rep.Unchanged))
	hd.Set("Import-Problems", fmt.Sprint(rep.ProblemCount))
	hd.Set("Import-Committed", fmt.Sprint(rep.Committed))
}

func wantsWorkbook(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == XLSXType {
			return true
		}
	}
	return false
}

// How long a key holder may take to send a file, and then to have it
// imported.
const (
	uploadTime = 10 * time.Minute
	importTime = 10 * time.Minute
)

// errUploadCut is a body that ended before it was whole: the client's
// doing (a dropped connection), not the server's.
var errUploadCut = apierror.Invalid("file", "上传未完成，请重新上传 (the upload ended before the whole file arrived: send it again)")

// clientReader marks the errors of reading the request, so that spool can
// tell them from errors of writing the temporary file.
type clientReader struct {
	r   io.Reader
	err error
}

func (c *clientReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

// spool copies the upload to a temporary file (removed when closed), so
// the readers can seek in it without holding it in memory: the body
// itself, or the part "file" of a multipart form. The server bounds the
// body's size.
func spool(r *http.Request) (*os.File, string, int64, error) {
	var src io.Reader = r.Body
	name := path.Base(r.URL.Query().Get("name"))
	if mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && mt == "multipart/form-data" {
		mr, err := multipartReader(r, params)
		if err != nil {
			return nil, "", 0, err
		}
		part, err := nextFilePart(mr)
		if err != nil {
			return nil, "", 0, err
		}
		src, name = part, part.FileName()
	}
	tmp, err := os.CreateTemp("", "tongxing-import-*")
	if err != nil {
		return nil, "", 0, err
	}
	// Unlinked at once: the open file lives until closed, and nothing is
	// left behind if the process dies.
	_ = os.Remove(tmp.Name())
	body := &clientReader{r: src}
	n, err := io.Copy(tmp, body)
	if err != nil {
		tmp.Close()
		var tooLarge *http.MaxBytesError
		if body.err != nil && !errors.As(body.err, &tooLarge) {
			return nil, "", 0, errUploadCut
		}
		return nil, "", 0, err
	}
	return tmp, name, n, nil
}

func (h *handler) internal(w http.ResponseWriter, r *http.Request, what string, err error) {
	h.logger.ErrorContext(r.Context(), what, "request_id", requestid.From(r.Context()), "error", err)
	apierror.WriteInternal(w, r)
}

// MayImport is asked before an upload is read: ADMIN and EDITOR keys
// import; anyone else is refused as the API refuses them.
func MayImport(ctx context.Context) error {
	v := auth.FromContext(ctx)
	switch {
	case v == nil:
		return auth.ErrUnauthenticated
	case !v.Admin() && v.Role != auth.RoleEditor:
		return auth.ErrForbidden
	}
	return nil
}

// Upload imports a file sent to the GraphQL mutation, through c, the
// mutation's transactional client; the caller discards the transaction's
// writes unless the report says Committed.
func Upload(ctx context.Context, c *ent.Client, env Env, kind Kind, name string, file io.ReaderAt, size int64, limits sheet.Limits, commit bool) (*Report, error) {
	if err := MayImport(ctx); err != nil {
		return nil, err
	}
	release, err := take()
	if err != nil {
		return nil, err
	}
	defer release()
	rows, err := sheet.Open(name, file, size, limits)
	if err != nil {
		if p, ok := fileProblem(err); ok {
			return (&Report{Kind: kind, DryRun: !commit}).refused(p), nil
		}
		return nil, err
	}
	defer rows.Close()
	return Run(ctx, c, env, kind, rows, commit)
}
