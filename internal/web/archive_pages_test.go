package web

import (
	"mime"
	"net/http/httptest"
	"testing"

	"github.com/remiss/remiss/internal/store"
)

// TestServePDFKeepsTheFilenameAParameter: an uploaded file's name with
// quotes, a semicolon or letters outside ASCII stays one parameter of the
// header, read back as it was.
func TestServePDFKeepsTheFilenameAParameter(t *testing.T) {
	for _, name := range []string{`bilaga.pdf`, `a"; filename="evil.html`, `Yttrande – Älvsjö.pdf`} {
		w := httptest.NewRecorder()
		servePDF(w, store.Document{Filename: name, Content: []byte("%PDF-1.7")})
		kind, params, err := mime.ParseMediaType(w.Header().Get("Content-Disposition"))
		if err != nil || kind != "attachment" || params["filename"] != name || len(params) != 1 {
			t.Errorf("%q: %q gives %s %v %v", name, w.Header().Get("Content-Disposition"), kind, params, err)
		}
	}
}
