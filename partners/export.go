package partners

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/tongxing/tongxing/metrics"
	"log/slog"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/snappy"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/csvsafe"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
	"github.com/tongxing/tongxing/requestid"
)

// ExportPrefix is where the exports are mounted.
const ExportPrefix = "/partner/export/"

// Export tuning: rows are read in chunks of ChunkRows by keyset pagination
// on (updated_at, id), written and flushed before the next chunk is read,
// so memory does not grow with the row count; Parquet row groups hold
// RowGroupRows rows.
var (
	ChunkRows    = 5000
	RowGroupRows = int64(50_000)
)

// ExportHandler serves GET /partner/export/{dataset}.{csv,parquet} to the
// same keys and with the same scope as the GraphQL partner view, and the
// datasets' schema at GET /partner/export/. Mount it behind the server's
// key middleware (it reads the viewer from the request context).
//
// Query parameters: since (RFC 3339: rows changed after it), cursor (resume
// after a position: X-Next-Cursor of an earlier export, or a GraphQL
// endCursor of the same stream), limit (at most this many rows; then
// X-Has-More says whether more follow), practiceBase (one base's rows),
// university (ADMIN only: whose view).
//
// Rows are ordered by (updated_at, id) and bounded above by the moment the
// export started, so rows changed while it streams are left to the next
// export rather than sent twice; X-Next-Cursor is the position to resume
// from, always sent.
func ExportHandler(c *ent.Client, keys *pii.Keys, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.Default()
	}
	return &exportHandler{client: c, keys: keys, logger: logger, now: time.Now}
}

type exportHandler struct {
	client *ent.Client
	keys   *pii.Keys
	logger *slog.Logger
	now    func() time.Time
}

// exporter is one dataset, whatever its row type.
type exporter interface {
	info() datasetInfo
	export(ctx context.Context, w http.ResponseWriter, rd *Reader, q exportQuery) error
}

type datasetInfo struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Formats     []string `json:"formats"`
	URL         string   `json:"url"`
	Columns     []Column `json:"columns"`
}

type exportQuery struct {
	format string
	filter Filter
	after  *Key
	limit  int
	start  time.Time
}

// spec is a dataset: rows T read from the view, written as R.
type spec[T, R any] struct {
	name, description string
	columns           []Column
	key               func(T) Key
	fetch             func(*Reader, context.Context, Filter, Page) ([]T, error)
	row               func(T) R
	csv               func(R) []string
}

func (s *spec[T, R]) info() datasetInfo {
	return datasetInfo{Name: s.name, Description: s.description, Formats: []string{"csv", "parquet"},
		URL: ExportPrefix + s.name + ".{csv,parquet}", Columns: s.columns}
}

func (h *exportHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeError(w, r, http.StatusMethodNotAllowed, apierror.BadUserInput, "只支持 GET (only GET is supported)")
		return
	}
	name := strings.TrimPrefix(r.URL.Path, ExportPrefix)
	if name == "" {
		h.schema(w)
		return
	}
	base, format, _ := strings.Cut(name, ".")
	ds, ok := datasets[base]
	if !ok || (format != "csv" && format != "parquet") {
		writeError(w, r, http.StatusNotFound, apierror.NotFound,
			"没有这个导出；见 "+ExportPrefix+" (no such export; the list is at "+ExportPrefix+")")
		return
	}
	ctx := r.Context()
	q, university, err := h.parse(r)
	if err != nil {
		writeAPIError(w, r, err)
		return
	}
	u, err := policy.PartnerUniversity(ctx, university)
	if err == nil && u == 0 {
		err = apierror.Invalid("university", "管理员密钥须指定 university (ADMIN keys must name the university: ?university=<ID>)")
	}
	if err != nil {
		writeAPIError(w, r, err)
		return
	}
	rd, err := NewReader(ctx, h.client, h.keys, u)
	if err != nil {
		h.internal(w, r, err)
		return
	}
	if q.filter.Base != 0 && rd.View.Base(q.filter.Base) == nil {
		writeError(w, r, http.StatusNotFound, apierror.NotFound, apierror.NotFoundMessage)
		return
	}
	q.format, q.start = format, h.now()
	if err := ds.export(ctx, w, rd, q); err != nil {
		var ae *apierror.Error
		if errors.As(err, &ae) {
			writeAPIError(w, r, err)
			return
		}
		if errors.Is(err, errStreaming) {
			// Headers are out: the only honest answer left is to break
			// the transfer, so the client cannot take a short file for
			// a complete one.
			h.logger.ErrorContext(ctx, "partner export failed mid-stream", "dataset", base, "error", err)
			panic(http.ErrAbortHandler)
		}
		h.internal(w, r, err)
	}
}

func (h *exportHandler) parse(r *http.Request) (exportQuery, int, error) {
	var q exportQuery
	v := r.URL.Query()
	if s := v.Get("since"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return q, 0, apierror.Invalid("since", "since 应为 RFC 3339 时间，如 2026-10-01T00:00:00+08:00 (since must be an RFC 3339 time)")
		}
		q.filter.Since = &t
	}
	if s := v.Get("cursor"); s != "" {
		var c entgql.Cursor[int]
		if err := c.UnmarshalGQL(s); err != nil {
			return q, 0, apierror.Invalid("cursor", "cursor 无效 (invalid cursor: pass X-Next-Cursor or a GraphQL endCursor)")
		}
		k, err := KeyOf(&c)
		if err != nil || k.Rank != 0 {
			return q, 0, apierror.Invalid("cursor", "cursor 无效 (invalid cursor: pass X-Next-Cursor or a GraphQL endCursor)")
		}
		q.after = k
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return q, 0, apierror.Invalid("limit", "limit 应为正整数 (limit must be a positive integer)")
		}
		q.limit = n
	}
	if s := v.Get("practiceBase"); s != "" {
		id, err := gid.Decode(s)
		if err != nil {
			return q, 0, apierror.Invalid("practiceBase", "ID 无效 (invalid ID)")
		}
		q.filter.Base = id
	}
	university := 0
	if s := v.Get("university"); s != "" {
		id, err := gid.Decode(s)
		if err != nil {
			return q, 0, apierror.Invalid("university", "ID 无效 (invalid ID)")
		}
		university = id
	}
	return q, university, nil
}

// errStreaming marks a failure after the response started.
var errStreaming = errors.New("export interrupted")

func (s *spec[T, R]) export(ctx context.Context, w http.ResponseWriter, rd *Reader, q exportQuery) error {
	// The upper bound: the moment the export started. Rows changed from
	// then on belong to the next export.
	end := &Key{At: q.start, ID: math.MaxInt64}
	more := false
	if q.limit > 0 {
		last, err := s.fetch(rd, ctx, q.filter, Page{After: q.after, UpTo: end, Offset: q.limit - 1, Limit: 1})
		if err != nil {
			return err
		}
		if len(last) == 1 {
			k := s.key(last[0])
			next, err := s.fetch(rd, ctx, q.filter, Page{After: &k, UpTo: end, Limit: 1})
			if err != nil {
				return err
			}
			end, more = &k, len(next) > 0
		}
	}

	h := w.Header()
	stamp := q.start.UTC().Format("20060102T150405Z")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="tongxing-%s-%s.%s"`, s.name, stamp, q.format))
	h.Set("X-Next-Cursor", mustCursor(end.Cursor()))
	h.Set("X-Has-More", strconv.FormatBool(more))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	var out sink[R]
	if q.format == "csv" {
		h.Set("Content-Type", "text/csv; charset=utf-8")
		out = newCSVSink(w, s.columns, s.csv)
	} else {
		h.Set("Content-Type", "application/vnd.apache.parquet")
		out = newParquetSink[R](w, s.name)
	}
	w.WriteHeader(http.StatusOK)

	flush := http.NewResponseController(w)
	after := q.after
	rows := make([]R, 0, ChunkRows)
	for {
		chunk, err := s.fetch(rd, ctx, q.filter, Page{After: after, UpTo: end, Limit: ChunkRows})
		if err != nil {
			return fmt.Errorf("%w: %w", errStreaming, err)
		}
		rows = rows[:0]
		for _, t := range chunk {
			rows = append(rows, s.row(t))
		}
		if err := out.write(rows); err != nil {
			return fmt.Errorf("%w: %w", errStreaming, err)
		}
		metrics.ExportedRows(s.name, len(rows))
		_ = flush.Flush()
		if len(chunk) < ChunkRows {
			break
		}
		k := s.key(chunk[len(chunk)-1])
		after = &k
	}
	if err := out.close(); err != nil {
		return fmt.Errorf("%w: %w", errStreaming, err)
	}
	return nil
}

func mustCursor(c Cursor) string {
	var b strings.Builder
	c.MarshalGQL(&b)
	s, err := strconv.Unquote(b.String())
	if err != nil {
		return b.String()
	}
	return s
}

// sink writes rows in one format.
type sink[R any] interface {
	write([]R) error
	close() error
}

type csvSink[R any] struct {
	w      *csv.Writer
	record func(R) []string
	// text marks the string columns, whose cells are made
	// spreadsheet-safe: names and titles come from users.
	text []bool
}

func newCSVSink[R any](w http.ResponseWriter, columns []Column, record func(R) []string) *csvSink[R] {
	cw := csv.NewWriter(w)
	header := make([]string, len(columns))
	text := make([]bool, len(columns))
	for i, c := range columns {
		header[i] = c.Name
		text[i] = textColumn(c)
	}
	_ = cw.Write(header)
	return &csvSink[R]{w: cw, record: record, text: text}
}

// textColumn reports whether a column holds text (its stated type is
// "string…"). Only text cells are neutralised: the numbers, dates and
// timestamps the server writes are data and must stay readable as such.
func textColumn(c Column) bool { return strings.HasPrefix(c.Type, "string") }

func (s *csvSink[R]) write(rows []R) error {
	for _, r := range rows {
		rec := s.record(r)
		for i, v := range rec {
			if i < len(s.text) && s.text[i] {
				rec[i] = csvsafe.Text(v)
			}
		}
		if err := s.w.Write(rec); err != nil {
			return err
		}
	}
	s.w.Flush()
	return s.w.Error()
}

func (s *csvSink[R]) close() error {
	s.w.Flush()
	return s.w.Error()
}

type parquetSink[R any] struct {
	w *parquet.GenericWriter[R]
}

func newParquetSink[R any](w http.ResponseWriter, dataset string) *parquetSink[R] {
	return &parquetSink[R]{w: parquet.NewGenericWriter[R](w,
		parquet.Compression(&snappy.Codec{}),
		parquet.MaxRowsPerRowGroup(RowGroupRows),
		parquet.CreatedBy("tongxing", "", ""),
		parquet.KeyValueMetadata("tongxing.dataset", dataset),
	)}
}

func (s *parquetSink[R]) write(rows []R) error {
	_, err := s.w.Write(rows)
	return err
}

func (s *parquetSink[R]) close() error { return s.w.Close() }

func (h *exportHandler) schema(w http.ResponseWriter) {
	var list []datasetInfo
	for _, ds := range datasets {
		list = append(list, ds.info())
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"datasets": list,
		"parameters": map[string]string{
			"since":        "RFC 3339 time: rows changed after it",
			"cursor":       "resume after this position: X-Next-Cursor of an earlier export, or a GraphQL endCursor of the same rows",
			"limit":        "at most this many rows; X-Has-More tells whether more follow",
			"practiceBase": "one practice base's rows (its ID)",
			"university":   "ADMIN keys only: the university (its ID)",
		},
		"order": "updated_at, id",
	})
}

func (h *exportHandler) internal(w http.ResponseWriter, r *http.Request, err error) {
	h.logger.ErrorContext(r.Context(), "partner export", "request_id", requestid.From(r.Context()), "path", r.URL.Path, "error", err)
	apierror.WriteInternal(w, r)
}

// writeAPIError answers a refusal in the API's one error shape
// (apierror.Write).
func writeAPIError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apierror.Error
	switch {
	case errors.As(err, &ae):
		apierror.Write(w, r, apierror.Status(ae.Code), ae)
	case errors.Is(err, auth.ErrUnauthenticated):
		writeError(w, r, http.StatusUnauthorized, apierror.Unauthenticated, apierror.KeyRequiredMessage)
	default:
		writeError(w, r, http.StatusForbidden, apierror.Forbidden, "此密钥不能导出合作方数据 (this key may not export partner data)")
	}
}

func writeError(w http.ResponseWriter, r *http.Request, status int, code apierror.Code, message string) {
	apierror.Write(w, r, status, apierror.New(code, message))
}
