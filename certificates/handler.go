package certificates

import (
	"bytes"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/certificate"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/policy"
	"github.com/tongxing/tongxing/requestid"
)

// maxNumberLen bounds the number in a URL; real ones are about 25 characters.
const maxNumberLen = 64

// NewHandler serves, under the paths it is mounted at:
//
//	GET /verify/{code}          the public verification page (HTML, or JSON
//	                            with Accept: application/json); 404 for an
//	                            unknown or malformed code
//	GET /certificates/{number}  the printable certificate (A4), for a key
//	                            that may read it and the holder's name;
//	                            401 without a key, 404 otherwise
//
// It expects the caller's viewer in the request context (the server's
// identify middleware). publicBaseURL gives the external base URL that the
// QR code's verification link starts with; nil derives it from the request.
func NewHandler(client *ent.Client, logger *slog.Logger, publicBaseURL func(r *http.Request) string) http.Handler {
	if logger == nil {
		logger = slog.Default()
	}
	if publicBaseURL == nil {
		publicBaseURL = requestBaseURL
	}
	h := &handler{client: client, logger: logger, baseURL: publicBaseURL}
	mux := http.NewServeMux()
	mux.HandleFunc("/verify/{code}", h.verify)
	mux.HandleFunc("/certificates/{number}", h.certificate)
	mux.HandleFunc("/", h.notFound)
	return headers(mux)
}

type handler struct {
	client  *ent.Client
	logger  *slog.Logger
	baseURL func(*http.Request) string
}

// headers: nothing here may be cached (a revocation shows at once, and the
// certificate holds personal data), indexed, framed, or load anything.
func headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Robots-Tag", "noindex, nofollow")
		h.Set("Vary", "Accept, Authorization")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			writeError(w, r, http.StatusMethodNotAllowed, apierror.BadUserInput, "只支持 GET (only GET is supported)")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (h *handler) verify(w http.ResponseWriter, r *http.Request) {
	v, err := Verify(r.Context(), h.client, r.PathValue("code"))
	if err != nil {
		h.internal(w, r, "verify certificate", err)
		return
	}
	if v == nil {
		h.notFound(w, r)
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, verificationJSON(v))
		return
	}
	page := verifyView{
		Number:      v.Number,
		Holder:      v.Holder,
		Hours:       strconv.FormatFloat(v.Hours, 'f', -1, 64),
		PeriodStart: v.PeriodStart.Format(time.DateOnly),
		PeriodEnd:   v.PeriodEnd.Format(time.DateOnly),
		Issuer:      v.Issuer,
		IssuedOn:    v.IssuedAt.In(calendar.Zone).Format(time.DateOnly),
		Valid:       v.Valid,
	}
	if v.RevokedAt != nil {
		page.RevokedOn = v.RevokedAt.In(calendar.Zone).Format(time.DateOnly)
	}
	writeHTML(w, http.StatusOK, verifyPage, page)
}

func (h *handler) certificate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := auth.FromContext(ctx)
	if v == nil {
		// Set here for the HTML page as well; apierror.Write sets it too.
		w.Header().Set("WWW-Authenticate", apierror.Challenge)
		writeError(w, r, http.StatusUnauthorized, apierror.Unauthenticated, apierror.KeyRequiredMessage)
		return
	}
	number := r.PathValue("number")
	if !plausibleNumber(number) {
		h.notFound(w, r)
		return
	}
	// The row rules decide with the caller's viewer: a certificate outside
	// the key's scope is simply not found, like one that does not exist.
	query := h.client.Certificate.Query().Where(certificate.Number(number))
	readAs := ctx
	if v.Volunteer() {
		// A volunteer's own credential prints their own certificates and
		// nobody else's (package volunteers).
		query.Where(certificate.PersonID(v.HolderID))
		readAs = allow(ctx)
	}
	cert, err := query.WithPerson().Only(readAs)
	switch {
	case ent.IsNotFound(err), errorsIsDeny(err):
		h.notFound(w, r)
		return
	case err != nil:
		h.internal(w, r, "read certificate", err)
		return
	case cert.Edges.Person == nil:
		h.notFound(w, r)
		return
	}
	ok, err := v.Volunteer(), error(nil)
	if !ok {
		ok, err = policy.SeesPersonalData(ctx, h.client, v, cert.PersonID)
	}
	if err != nil {
		h.internal(w, r, "check personal-data access", err)
		return
	}
	if !ok {
		h.notFound(w, r)
		return
	}
	verifyURL := strings.TrimRight(h.baseURL(r), "/") + VerificationPath(cert.VerificationCode)
	qr, err := QRSVG(verifyURL)
	if err != nil {
		h.internal(w, r, "draw QR code", err)
		return
	}
	// The page shows the holder's name: like a GraphQL response with
	// personal data, it is not sent without its audit record.
	if err := audit.Record(ctx, h.client, audit.Event{Action: "readPersonalData", EntityType: "Person", EntityID: cert.PersonID, Count: 1}); err != nil {
		h.internal(w, r, "audit personal-data read", err)
		return
	}
	p := cert.Edges.Person
	page := printView{
		Name:            p.Name,
		VolunteerNumber: p.VolunteerNumber,
		Number:          cert.Number,
		From:            cert.PeriodStart.UTC().Format(time.DateOnly),
		To:              cert.PeriodEnd.UTC().Format(time.DateOnly),
		FromZh:          zhDate(cert.PeriodStart.UTC()),
		ToZh:            zhDate(cert.PeriodEnd.UTC()),
		Hours:           FormatHours(cert.Minutes),
		RecordCount:     cert.RecordCount,
		Content:         cert.Content,
		Issuer:          cert.Issuer,
		Issued:          cert.CreatedAt.In(calendar.Zone).Format(time.DateOnly),
		IssuedZh:        zhDate(cert.CreatedAt.In(calendar.Zone)),
		VerifyURL:       verifyURL,
		Code:            GroupCode(cert.VerificationCode),
		QR:              qr,
	}
	if cert.RevokedAt != nil {
		page.Revoked = true
		page.RevokedOn = cert.RevokedAt.In(calendar.Zone).Format(time.DateOnly)
	}
	writeHTML(w, http.StatusOK, printPage, page)
}

// plausibleNumber rejects, before any query, what no certificate number
// looks like (numbers are ASCII letters, digits and hyphens).
func plausibleNumber(s string) bool {
	if s == "" || len(s) > maxNumberLen {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return false
		}
	}
	return true
}

// errorsIsDeny: a refused read is answered like a missing certificate.
func errorsIsDeny(err error) bool {
	return errors.Is(err, privacy.Deny) || errors.Is(err, auth.ErrForbidden) || errors.Is(err, auth.ErrUnauthenticated)
}

func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	if wantsJSON(r) {
		writeError(w, r, http.StatusNotFound, apierror.NotFound, "证明不存在 (certificate not found)")
		return
	}
	writeHTML(w, http.StatusNotFound, notFoundPage, nil)
}

func (h *handler) internal(w http.ResponseWriter, r *http.Request, what string, err error) {
	rid := requestid.From(r.Context())
	h.logger.ErrorContext(r.Context(), what, "request_id", rid, "error", err)
	if wantsJSON(r) {
		apierror.WriteInternal(w, r)
		return
	}
	writeHTML(w, http.StatusInternalServerError, errorPage, rid)
}

// wantsJSON reports whether the client prefers JSON to HTML: Accept ranks
// application/json above text/html (browsers rank HTML first), or
// ?format=json.
func wantsJSON(r *http.Request) bool {
	if r.URL.Query().Get("format") == "json" {
		return true
	}
	jsonQ, htmlQ := -1.0, -1.0
	for i, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				q = f
			}
		}
		q -= float64(i) * 1e-6 // among equals, the first listed wins
		switch mt {
		case "application/json":
			jsonQ = max(jsonQ, q)
		case "text/html", "application/xhtml+xml":
			htmlQ = max(htmlQ, q)
		}
	}
	return jsonQ > 0 && jsonQ > htmlQ
}

// verificationJSON is the JSON form of a verification: the GraphQL field
// names, dates as YYYY-MM-DD, instants in RFC 3339.
func verificationJSON(v *Verification) map[string]any {
	return map[string]any{
		"number":      v.Number,
		"holder":      v.Holder,
		"hours":       v.Hours,
		"periodStart": v.PeriodStart.Format(time.DateOnly),
		"periodEnd":   v.PeriodEnd.Format(time.DateOnly),
		"issuer":      v.Issuer,
		"issuedAt":    v.IssuedAt.Format(time.RFC3339),
		"valid":       v.Valid,
		"revokedAt":   formatOptional(v.RevokedAt),
	}
}

func formatOptional(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Format(time.RFC3339)
}

// writeError answers JSON clients in the API's one error shape
// (apierror.Write); HTML clients get a page.
func writeError(w http.ResponseWriter, r *http.Request, status int, code apierror.Code, message string) {
	if !wantsJSON(r) {
		writeHTML(w, status, messagePage, message)
		return
	}
	apierror.Write(w, r, status, apierror.New(code, message))
}

// writeJSON sends a verification's JSON form; refusals go through writeError.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeHTML(w http.ResponseWriter, status int, t *template.Template, data any) {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// requestBaseURL is the base URL the request came in on, for when no
// public URL is configured.
func requestBaseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func zhDate(t time.Time) string {
	return strconv.Itoa(t.Year()) + "年" + strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日"
}

// GroupCode writes a code in groups of four for reading aloud or typing
// (NormalizeCode accepts it either way).
func GroupCode(code string) string {
	var parts []string
	for len(code) > 4 {
		parts = append(parts, code[:4])
		code = code[4:]
	}
	return strings.Join(append(parts, code), "-")
}
