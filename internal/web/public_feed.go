package web

import (
	"encoding/xml"
	"net/http"
	"sort"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// The public Atom feed (RFC 4287) of new remisser and the answers
// registered: a reader follows it instead of visiting the page.

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
	Summary string     `xml:"summary"`
	at      time.Time
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (s *Server) baseURL() string {
	if s.BaseURL == "" {
		return "http://localhost:8080"
	}
	return s.BaseURL
}

func (s *Server) publicFeed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	base := s.baseURL()
	rounds, _, err := s.Store.PublicRounds(ctx, store.PublicCursor{}, feedSize)
	if err != nil {
		s.failFeed(w, r, err)
		return
	}
	answers, err := s.Store.LatestAnswers(ctx, feedSize)
	if err != nil {
		s.failFeed(w, r, err)
		return
	}
	var entries []atomEntry
	for _, rd := range rounds {
		link := base + "/offentligt/remisser/" + rd.ID
		entries = append(entries, atomEntry{ID: link, Title: "Ny remiss: " + rd.Title, Updated: atomTime(rd.CreatedAt), at: rd.CreatedAt,
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: link}},
			Summary: "Kommunstyrelsen har skickat ut remissen " + rd.Title + " (" + rd.Dnr + ") med svarsdatum " + rd.Deadline + "."})
	}
	for _, d := range answers {
		if !d.Public() { // a sekretessmarkering
			continue
		}
		round := base + "/offentligt/remisser/" + d.RemissID
		doc := base + "/offentligt/dokument/" + d.ID
		entries = append(entries, atomEntry{ID: doc, Title: "Svar från " + d.OrgName + ": " + d.Title, Updated: atomTime(d.CreatedAt), at: d.CreatedAt,
			Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: round}, {Rel: "enclosure", Type: "application/pdf", Href: doc}},
			Summary: d.OrgName + " har svarat på remissen " + d.Title + " (" + d.Dnr + "). Svaret registrerades " +
				d.CreatedAt.In(remiss.Stockholm).Format(remiss.DateLayout) + "."})
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].at.After(entries[j].at) })
	if len(entries) > feedSize {
		entries = entries[:feedSize]
	}
	updated := time.Unix(0, 0)
	if len(entries) > 0 {
		updated = entries[0].at
	}
	feed := atomFeed{ID: base + "/offentligt", Title: "Remisser från Stockholms stad", Updated: atomTime(updated),
		Author: atomPerson{Name: "Stockholms stad, kommunstyrelsen"},
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: base + "/offentligt/flode.atom"},
			{Rel: "alternate", Type: "text/html", Href: base + "/offentligt"}},
		Entries: entries}
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		s.failFeed(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Write([]byte(xml.Header))
	w.Write(out)
	w.Write([]byte("\n"))
}

func (s *Server) failFeed(w http.ResponseWriter, r *http.Request, err error) {
	s.Log.Error("web: feed", "path", r.URL.Path, "err", err)
	http.Error(w, "Flödet kan inte visas just nu.", http.StatusInternalServerError)
}
