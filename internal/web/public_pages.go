package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/remiss/remiss/internal/keeper"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/sign"
	"github.com/remiss/remiss/internal/store"
)

// The public pages (issue 19), for anyone, without login: the remisser KS
// has published, each with its underlag, its recipients and the answers
// registered; their public documents; an Atom feed; the check of a
// document anyone has; and the tillgänglighetsredogörelse. What is public
// is decided by remiss.MayPublish alone (through store.DocumentFacts).

const (
	// publicPageSize is how many rounds a page of the public list shows.
	publicPageSize = 50
	// feedSize is how many rounds and how many answers the feed carries.
	feedSize = 50
	// maxVerifyUpload bounds the file the public verification takes (as
	// an underlag: "20 MB" on the pages).
	maxVerifyUpload = rounds.MaxUpload
	// verifyPerMinute is how many checks one client address may ask for
	// in a minute.
	verifyPerMinute = 10
)

func (s *Server) publicRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /offentligt", s.public(s.publicRoundsPage))
	mux.HandleFunc("GET /offentligt/remisser/{id}", s.public(s.publicRoundPage))
	mux.HandleFunc("GET /offentligt/dokument/{id}", s.public(s.publicDocument))
	mux.HandleFunc("GET /offentligt/flode.atom", s.publicFeed)
	mux.HandleFunc("GET /offentligt/verifiera", s.public(s.publicVerifyPage))
	mux.HandleFunc("POST /offentligt/verifiera", s.public(s.postPublicVerify))
	mux.HandleFunc("GET /tillganglighet", s.public(s.accessibilityPage))
	s.linkRoutes(mux)
}

// PublicPaths are the paths served without login (besides the login
// itself, /static/ and /healthz): tests/e2e's access matrix tries each.
var PublicPaths = []string{"/offentligt", "/offentligt/remisser/{id}", "/offentligt/dokument/{id}", "/offentligt/flode.atom",
	"/offentligt/verifiera", "/tillganglighet", "/svar/{token}", "/svar/{token}/dokument/{id}"}

// public serves a page to anyone. A logged-in reader is not asked for
// anything and gets the same page (with the public menu).
func (s *Server) public(h pageHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := page{Public: true, Path: r.URL.Path, Form: map[string]string{}, Crumbs: []crumb{}}
		if err := h(w, r, p); err != nil {
			code, body := status(err)
			if code == http.StatusInternalServerError {
				s.Log.Error("web", "path", r.URL.Path, "err", err)
			}
			if body.Error == "finns inte" {
				body.Error = "Det du sökte finns inte, eller så är det inte offentligt."
			}
			s.render(w, code, "error", page{Public: true, Title: errorTitle(code), Error: body.Error, Crumbs: []crumb{{"Offentliga remisser", "/offentligt"}}})
		}
	}
}

var publicCrumbs = []crumb{{"Offentliga remisser", "/offentligt"}}

type publicRow struct {
	store.PublicRound
	SentOn string
}

// cursorPattern is a page's place in the public list: the last round's
// time (microseconds since 1970) and ID.
var cursorPattern = regexp.MustCompile(`^([0-9]{1,19})~([a-z0-9-]{1,120})$`)

func parseCursor(v string) (store.PublicCursor, error) {
	if v == "" {
		return store.PublicCursor{}, nil
	}
	m := cursorPattern.FindStringSubmatch(v)
	if m == nil {
		return store.PublicCursor{}, remiss.Refuse(remiss.KindInvalid, "sidhänvisningen är ogiltig; börja om från de nyaste remisserna")
	}
	us, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return store.PublicCursor{}, remiss.Refuse(remiss.KindInvalid, "sidhänvisningen är ogiltig; börja om från de nyaste remisserna")
	}
	return store.PublicCursor{At: time.UnixMicro(us), ID: m[2]}, nil
}

func formatCursor(r store.PublicRound) string {
	return strconv.FormatInt(r.CreatedAt.UnixMicro(), 10) + "~" + r.ID
}

func (s *Server) publicRoundsPage(w http.ResponseWriter, r *http.Request, p page) error {
	after, err := parseCursor(r.URL.Query().Get("efter"))
	if err != nil {
		return err
	}
	rounds, more, err := s.Store.PublicRounds(r.Context(), after, publicPageSize)
	if err != nil {
		return err
	}
	rows := make([]publicRow, len(rounds))
	for i, rd := range rounds {
		rows[i] = publicRow{rd, rd.CreatedAt.In(remiss.Stockholm).Format(remiss.DateLayout)}
	}
	next := ""
	if more {
		next = formatCursor(rounds[len(rounds)-1])
	}
	p.Title = "Offentliga remisser"
	p.Data = map[string]any{"Rows": rows, "Next": next, "First": after.ID != ""}
	s.render(w, http.StatusOK, "public_rounds", p)
	return nil
}

type publicDoc struct {
	store.DocumentFacts
	Label string
}

type publicAnswer struct {
	OrgName, At string
	Docs        []publicDoc
}

type publicRecipient struct{ Name, Label string }

// publicLabel is a recipient's state as the public is told it: answered,
// declined, not answered, or still to answer (the stages inside an
// organisation are its own).
func publicLabel(st remiss.AssignmentState) string {
	switch st {
	case remiss.StateAnswered:
		return "Har svarat"
	case remiss.StateDeclined:
		return "Avstår från att svara"
	case remiss.StateMissed:
		return "Svarade inte"
	case remiss.StateWithdrawn:
		return "Remissen återkallades"
	}
	return "Svar väntas"
}

func (s *Server) publicRoundPage(w http.ResponseWriter, r *http.Request, p page) error {
	ctx := r.Context()
	rm, err := s.Store.PublicRemiss(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	recips, err := s.Store.PublicRecipients(ctx, rm.ID)
	if err != nil {
		return err
	}
	docs, err := s.Store.RoundDocumentFacts(ctx, rm.ID)
	if err != nil {
		return err
	}
	var underlag []publicDoc
	byAsg := map[string][]publicDoc{}
	at := map[string]time.Time{}
	for _, d := range docs {
		if !d.Public() {
			continue
		}
		if d.AssignmentID == "" {
			underlag = append(underlag, publicDoc{d, docLabel(d.Kind)})
			continue
		}
		label := "Yttrande från " + d.OrgName
		if d.Kind == "bilaga" {
			label = "Bilaga: " + d.Filename
		}
		byAsg[d.AssignmentID] = append(byAsg[d.AssignmentID], publicDoc{d, label})
		if d.Kind == "statement" {
			at[d.AssignmentID] = d.CreatedAt
		}
	}
	var answers []publicAnswer
	rows := make([]publicRecipient, len(recips))
	for i, rc := range recips {
		rows[i] = publicRecipient{rc.Name, publicLabel(rc.State)}
		asg := remiss.AssignmentID(rm.ID, rc.Org)
		if ds := byAsg[asg]; len(ds) > 0 {
			answers = append(answers, publicAnswer{OrgName: rc.Name, At: at[asg].In(remiss.Stockholm).Format(remiss.DateLayout), Docs: ds})
		}
	}
	p.Title, p.Crumbs = rm.Title, publicCrumbs
	p.Data = map[string]any{"Remiss": rm, "Underlag": underlag, "Recipients": rows, "Answers": answers}
	s.render(w, http.StatusOK, "public_round", p)
	return nil
}

func (s *Server) publicDocument(w http.ResponseWriter, r *http.Request, p page) error {
	d, err := s.Store.PublicDocument(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	servePDF(w, d)
	return nil
}

func (s *Server) accessibilityPage(w http.ResponseWriter, r *http.Request, p page) error {
	p.Title, p.Data = "Tillgänglighetsredogörelse", s.statement()
	s.render(w, http.StatusOK, "accessibility", p)
	return nil
}

// The public verification: anyone uploads a PDF and is told whether it is
// one this system sealed and stored.

func (s *Server) publicVerifyPage(w http.ResponseWriter, r *http.Request, p page) error {
	p.Title, p.Crumbs = "Kontrollera en handling", publicCrumbs
	s.render(w, http.StatusOK, "public_verify", p)
	return nil
}

// verdict is what the public verification says of a file.
type verdict struct {
	Filename string
	Size     int
	SHA256   string
	// Stored: these very bytes are a document we sealed and stored.
	// Added: a document we stored, with bytes added after its seal.
	Stored, Added bool
	// Public: the stored document is public, so what it is may be told;
	// otherwise only that it is authentic.
	Public bool
	Doc    publicDoc
	// Signed: the file carries a signature; SealValid: every signature's
	// integrity, signature and chain hold.
	Signed, SealValid bool
	Seals             []sign.Result
	Problem           string
}

func (s *Server) postPublicVerify(w http.ResponseWriter, r *http.Request, p page) error {
	p.Title, p.Crumbs = "Kontrollera en handling", publicCrumbs
	if !s.verifyThrottle.allow(clientAddress(r), time.Now(), verifyPerMinute, time.Minute) {
		p.Error = "Du har gjort för många kontroller på kort tid. Vänta en minut och försök igen."
		s.render(w, http.StatusTooManyRequests, "public_verify", p)
		return nil
	}
	content, name, err := readUpload(w, r, "dokument", maxVerifyUpload)
	if err != nil {
		if rej := rejected(err); rej != nil {
			p.Errors = remiss.FieldErrors{{Field: "dokument", Message: rej.Reason}}
			p.Error = "Handlingen kunde inte kontrolleras"
			s.render(w, kindStatus[rej.Kind], "public_verify", p)
			return nil
		}
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), keeper.Budget)
	defer cancel()
	v, err := s.verdict(ctx, content)
	if err != nil {
		return err
	}
	v.Filename = name
	p.Data = v
	s.render(w, http.StatusOK, "public_verify", p)
	return nil
}

// verdict checks content: found among the stored documents by its
// SHA-256 (or, when bytes were added after a seal, by the SHA-256 of the
// sealed revision), and its signatures verified with the same bounded
// verification as every stored document, as of when it was stored.
func (s *Server) verdict(ctx context.Context, content []byte) (verdict, error) {
	sum := sha256.Sum256(content)
	v := verdict{Size: len(content), SHA256: hex.EncodeToString(sum[:])}
	found, err := s.Store.DocumentsBySHA256(ctx, v.SHA256)
	if err != nil {
		return v, err
	}
	at := time.Now()
	if len(found) > 0 {
		at = found[0].CreatedAt
	}
	res, verr := sign.VerifyAt(ctx, content, s.Roots, at)
	switch {
	case ctx.Err() != nil:
		v.Problem = "kontrollen tog för lång tid; filen kan inte kontrolleras"
	case verr != nil:
		v.Problem = verr.Error()
	}
	v.Signed, v.SealValid, v.Seals = len(res) > 0, len(res) > 0, res
	for _, r := range res {
		v.SealValid = v.SealValid && r.Valid
	}
	if len(found) == 0 {
		// Bytes added after a valid seal: the sealed revision may be ours.
		for _, r := range res {
			if !r.RevisionValid || r.WholeFile || r.SignedLength <= 0 {
				continue
			}
			prefix := sha256.Sum256(content[:r.SignedLength])
			if found, err = s.Store.DocumentsBySHA256(ctx, hex.EncodeToString(prefix[:])); err != nil {
				return v, err
			}
			if len(found) > 0 {
				v.Added = true
				break
			}
		}
	}
	if len(found) == 0 {
		return v, nil
	}
	v.Stored = !v.Added
	// The same bytes may be stored twice (a bilaga sent again): told as
	// public if any of them is.
	for _, d := range found {
		if d.Public() {
			v.Public, v.Doc = true, publicDoc{d, docLabel(d.Kind)}
			if d.Kind == "statement" && d.OrgName != "" {
				v.Doc.Label = "Yttrande från " + d.OrgName
			}
			break
		}
	}
	if !v.Public {
		// Nothing of a document that is not public: not what it is, not
		// whose seal it bears.
		v.Seals = nil
	}
	return v, nil
}

var errUploadTooLarge = remiss.Refuse(remiss.KindTooLarge, "filen är för stor: högst 20 MB")

// readUpload reads the file field of a multipart form, at most limit
// bytes, without keeping anything on disk.
func readUpload(w http.ResponseWriter, r *http.Request, field string, limit int64) ([]byte, string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", remiss.Refuse(remiss.KindInvalid, "välj en PDF-fil att kontrollera")
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, "", remiss.Refuse(remiss.KindInvalid, "välj en PDF-fil att kontrollera")
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, "", errUploadTooLarge
		}
		if err != nil {
			return nil, "", remiss.Refuse(remiss.KindInvalid, "formuläret kunde inte läsas; välj filen och försök igen")
		}
		if part.FormName() != field {
			part.Close()
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, limit+1))
		switch {
		case errors.As(err, &tooBig) || int64(len(b)) > limit:
			return nil, "", errUploadTooLarge
		case err != nil:
			return nil, "", remiss.Refuse(remiss.KindInvalid, "filen kunde inte läsas; försök igen")
		case len(b) == 0:
			return nil, "", remiss.Refuse(remiss.KindInvalid, "välj en PDF-fil att kontrollera")
		case !strings.Contains(string(b[:min(len(b), 1024)]), "%PDF-"):
			return nil, "", remiss.Refuse(remiss.KindInvalid, "filen är inte en PDF")
		}
		return b, cleanFilename(part.FileName()), nil
	}
}

// cleanFilename is an upload's name as the page may show it: its last
// part, printable, at most 200 characters.
func cleanFilename(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0xfffd {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	if r := []rune(name); len(r) > 200 {
		name = string(r[:200])
	}
	return name
}

// clientAddress is the address a request came from, for throttling.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// throttle counts events per key in a sliding window; its zero value is
// ready. It is per process: behind several web servers a client gets
// the limit at each.
type throttle struct {
	mu   sync.Mutex
	hits map[string][]time.Time
}

// maxThrottleKeys bounds the memory a flood of addresses can take: past
// it, the keys with no event in the window are dropped.
const maxThrottleKeys = 100_000

// allow records an event for key at now and reports whether it is within
// n events in the window before now.
func (t *throttle) allow(key string, now time.Time, n int, window time.Duration) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.hits == nil {
		t.hits = map[string][]time.Time{}
	}
	since := now.Add(-window)
	if len(t.hits) >= maxThrottleKeys {
		for k, hs := range t.hits {
			if len(hs) == 0 || hs[len(hs)-1].Before(since) {
				delete(t.hits, k)
			}
		}
	}
	hs := t.hits[key]
	i := 0
	for i < len(hs) && hs[i].Before(since) {
		i++
	}
	hs = hs[i:]
	if len(hs) >= n {
		t.hits[key] = hs
		return false
	}
	t.hits[key] = append(hs, now)
	return true
}
