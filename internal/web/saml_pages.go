package web

import (
	"net/http"
	"time"

	"github.com/remiss/remiss/internal/identity"
)

// SAML 2.0 sign-in (see sso.go): GET /logga-in/saml sends the browser to
// the IdP with an AuthnRequest, the IdP posts its response to POST
// /saml/acs, and our SP metadata is at GET /saml/metadata.

func (s *Server) saml() *identity.SAML {
	if s.SSO == nil {
		return nil
	}
	return s.SSO.SAML
}

// samlMetadata is GET /saml/metadata.
func (s *Server) samlMetadata(w http.ResponseWriter, r *http.Request) {
	sp := s.saml()
	if sp == nil {
		s.notFound(w, r, http.StatusNotFound)
		return
	}
	b, err := sp.Metadata(r.Context())
	if err != nil {
		s.Log.Error("web: saml metadata", "err", err)
		http.Error(w, "SAML-metadata kan inte visas just nu.", http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	w.Write(b)
}

// samlBegin is GET /logga-in/saml.
func (s *Server) samlBegin(w http.ResponseWriter, r *http.Request) {
	sp := s.saml()
	if sp == nil {
		s.notFound(w, r, http.StatusNotFound)
		return
	}
	u, requestID, relay, err := sp.Begin(r.Context())
	if err == nil {
		err = s.Store.SAMLRequest(r.Context(), relay, requestID, s.Now().Add(10*time.Minute))
	}
	if err != nil {
		s.Log.Error("web: saml", "err", err)
		s.render(w, http.StatusBadGateway, "error", page{Title: "Inloggningen nås inte",
			Error: "Kommunens inloggning svarar inte just nu. Försök igen om en stund."})
		return
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
}

// samlACS is POST /saml/acs: the IdP's response, posted by the browser.
// Only answers to our own requests are taken (no IdP-initiated sign-in).
func (s *Server) samlACS(w http.ResponseWriter, r *http.Request) {
	sp := s.saml()
	if sp == nil {
		s.notFound(w, r, http.StatusNotFound)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		s.refuseSignIn(w, r, "", "saml", &identity.Refusal{Code: "form", Reason: "svaret från kommunens inloggning kunde inte läsas"})
		return
	}
	requestID, err := s.Store.SAMLRequestID(r.Context(), r.PostForm.Get("RelayState"))
	if err != nil {
		s.refuseSignIn(w, r, "", "saml", &identity.Refusal{Code: "request", Reason: "svaret från kommunens inloggning hör inte till någon pågående inloggning; börja om"})
		return
	}
	subject, claims, err := sp.Finish(r, requestID)
	if err != nil {
		s.refuseSignIn(w, r, "", "saml", err)
		return
	}
	s.signIn(w, r, subject, "saml", claims)
}
