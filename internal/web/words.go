package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// The words of the pages: the names of documents, how numbers, sizes and
// times are written, the confirmations after an action, and the error
// pages, all in Swedish.

// docKinds name the kinds of stored documents as the city does.
var docKinds = map[string]string{
	"statement":       "Tjänsteutlåtande",
	"minutes":         "Protokollsutdrag",
	"delegation_list": "Anmälan av delegationsbeslut",
	"missiv":          "Missiv",
	"underlag":        "Remissunderlag",
	"bilaga":          "Bilaga",
}

// docLabel is the Swedish name of a document kind ("Dokument" for one
// without a name).
func docLabel(kind string) string {
	if l, ok := docKinds[kind]; ok {
		return l
	}
	return "Dokument"
}

// moment writes a time for the pages: a time.Time, or a string as
// RFC 3339 (as verification reports keep them), in TimeLayout; any other
// string as it is.
func moment(v any) string {
	switch t := v.(type) {
	case time.Time:
		return remiss.FormatTime(t)
	case *time.Time:
		if t != nil {
			return remiss.FormatTime(*t)
		}
	case string:
		if at, err := time.Parse(time.RFC3339, t); err == nil {
			return remiss.FormatTime(at)
		}
		return t
	}
	return ""
}

// flashes are the fixed confirmations a redirect may show, in the words of
// the reader's organisation's kind (remiss.KindWords): "{self}" stands for
// the organisation ("Bolaget"), "{document}" for its answer's document
// ("yttrandet").
var flashes = map[string]string{
	"skickad": "Remissen är utskickad.", "sparad": "Utkastet är sparat.", "inskickad": "Yttrandet är inskickat för godkännande.",
	"godkand": "Yttrandet är godkänt; {document} förseglas.", "atersand": "Yttrandet är återsänt till handläggaren.",
	"avstar": "{self} avstår från att yttra sig.", "avstar_forslag": "Förslaget att avstå är skickat till chefen för godkännande.",
	"avstar_dagordning": "Avståendet är godkänt och sätts på dagordningen för beslut.", "anstand": "Begäran om anstånd är skickad.", "beslut": "Beslutet om anstånd är registrerat.",
	"fordelad": "Uppdraget är fördelat.", "paminnelse": "En påminnelse är skickad.", "bilaga": "Bilagan är uppladdad.", "ny-lank": "En ny personlig länk är skickad; den tidigare gäller inte längre.", "stangs": "Remissomgången stängs; utkastet till kommunstyrelsens tjänsteutlåtande upprättas.", "aterkallas": "Remissen återkallas.",
	"sammantrade": "Sammanträdet är tillagt.", "borttaget": "Sammanträdet är borttaget.", "beslutsvag": "Beslutsvägen är sparad.",
	"protokoll": "Beslutet är registrerat; protokollsutdraget upprättas.", "stegbeslut": "Beslutet i beslutsgången är registrerat.", "anmalda": "Delegationsbesluten är anmälda; listan förseglas.",
	"diarienummer": "Diarienumret är sparat.",
	"sekretess":    "Handlingen är sekretessmarkerad.", "sekretess_andrad": "Sekretessmarkeringen är ändrad.", "sekretess_borttagen": "Sekretessmarkeringen är borttagen.",
}

// flash is the confirmation named key for u, in u's organisation's words.
func (s *Server) flash(ctx context.Context, u store.User, key string) string {
	text := flashes[key]
	if !strings.Contains(text, "{") {
		return text
	}
	w := s.orgKind(ctx, u.Org).Words()
	return strings.NewReplacer("{self}", remiss.Capital(w.Self), "{document}", w.TheDocument).Replace(text)
}

// orgKind is the kind of organisation code; a nämnd when it cannot be
// read (the words default to a nämnd's).
func (s *Server) orgKind(ctx context.Context, code string) remiss.OrgKind {
	o, err := s.Store.Org(ctx, code)
	if err != nil {
		return remiss.KindFacknamnd
	}
	return o.Kind
}

// errorTitles head the error page of each status.
var errorTitles = map[int]string{
	http.StatusNotFound:              "Sidan finns inte",
	http.StatusMethodNotAllowed:      "Sidan finns inte",
	http.StatusForbidden:             "Du har inte behörighet",
	http.StatusConflict:              "Det går inte att göra nu",
	http.StatusUnprocessableEntity:   "Uppgifterna kunde inte tas emot",
	http.StatusRequestEntityTooLarge: "För mycket på en gång",
	http.StatusUnauthorized:          "Logga in först",
	http.StatusTooManyRequests:       "Vänta en stund",
}

// errorTitle is the heading of an error page with status code.
func errorTitle(code int) string {
	if t, ok := errorTitles[code]; ok {
		return t
	}
	return "Något gick fel"
}

// notFound answers a path nothing is served at, or a method a path does
// not take: in JSON under /api/, else as a page in Swedish.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request, code int) {
	reason := "finns inte"
	if code == http.StatusMethodNotAllowed {
		reason = "metoden stöds inte här"
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeJSON(w, code, apiError{Error: reason})
		return
	}
	p := page{}
	if c, err := r.Cookie(sessionCookie); err == nil {
		if sess, err := s.Store.WebSession(r.Context(), c.Value, s.sessionIdle()); err == nil {
			p.User, p.CSRF = sess.User, sess.CSRF
		}
	}
	p.Title, p.Error = errorTitle(code), "Sidan du sökte finns inte. Kontrollera adressen eller gå till startsidan."
	s.render(w, code, "error", p)
}

// routed serves what mux has a route for and answers the rest with
// notFound, so no request meets the mux's own English "404 page not
// found" or "Method Not Allowed".
func (s *Server) routed(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		// The mux's answer without a route: its status and Allow header,
		// then ours in its place.
		rec := &statusOnly{header: http.Header{}, code: http.StatusOK}
		h.ServeHTTP(rec, r)
		if allow := rec.header.Get("Allow"); allow != "" {
			w.Header().Set("Allow", allow)
		}
		code := rec.code
		if code != http.StatusMethodNotAllowed {
			code = http.StatusNotFound
		}
		s.notFound(w, r, code)
	})
}

// statusOnly keeps the status and headers a handler writes and drops its
// body.
type statusOnly struct {
	header http.Header
	code   int
}

func (s *statusOnly) Header() http.Header         { return s.header }
func (s *statusOnly) Write(b []byte) (int, error) { return len(b), nil }
func (s *statusOnly) WriteHeader(code int)        { s.code = code }
