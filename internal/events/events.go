// Package events announces each handling a diarium registers as a
// CloudEvents 1.0 event (structured JSON): read from a pull feed
// (GET /api/v1/events) or delivered to signed webhooks. The events
// themselves are written by the store, in the transaction of the change
// they announce (store.Apply); this package says what a reader sees of
// one (View), signs deliveries (Sign, Verify) and delivers them
// (Deliverer).
package events

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/remiss/remiss/internal/store"
)

// ContentType is the media type of one event in structured mode.
const ContentType = "application/cloudevents+json; charset=utf-8"

// CloudEvent is an event as a reader receives it (CloudEvents 1.0,
// structured mode; "sequence" is the Sequence extension: the feed's
// cursor).
type CloudEvent struct {
	SpecVersion     string    `json:"specversion"`
	ID              string    `json:"id"`
	Source          string    `json:"source"`
	Type            string    `json:"type"`
	Time            time.Time `json:"time"`
	Subject         string    `json:"subject"`
	DataContentType string    `json:"datacontenttype"`
	Sequence        string    `json:"sequence"`
	Data            Data      `json:"data"`
}

// Data is what an event says of the handling.
type Data struct {
	RemissID     string `json:"remissId"`
	Dnr          string `json:"dnr"`              // kommunstyrelsen's
	OwnDnr       string `json:"ownDnr,omitempty"` // the holding organisation's own
	Organisation string `json:"organisation"`     // the organisation holding the handling
	AssignmentID string `json:"assignmentId,omitempty"`
	Title        string `json:"title"`
	// Document is the handling's document; nil when it has none.
	Document *Document `json:"document,omitempty"`
	// Secrecy is set when the handling carries a sekretessmarkering.
	Secrecy *Secrecy `json:"secrecy,omitempty"`
	// Details: verdict, paragraph, step, decisionId, late, declined, ...
	Details map[string]any `json:"details,omitempty"`
}

// Document names a stored document. For a reader outside the holding
// organisation a marked document has neither checksum nor link.
type Document struct {
	ID        string `json:"id"`
	SHA256    string `json:"sha256,omitempty"`
	Href      string `json:"href,omitempty"`
	MediaType string `json:"mediaType,omitempty"`
}

// Secrecy says a handling is marked, under which provision.
type Secrecy struct {
	Provision string `json:"provision"`
}

// View is the event as a reader of viewerOrg sees it, with links under
// baseURL (e.g. "https://remiss.stockholm.se"; "" for relative links).
// It is the one place that decides what a reader sees of a handling: a
// handling with a sekretessmarkering (e.Marking) is shown, outside the
// organisation holding it, under its public title and without its
// checksum or a link to its bytes.
func View(e store.Event, viewerOrg, baseURL string) CloudEvent {
	ce := CloudEvent{
		SpecVersion: "1.0", ID: e.ID, Source: baseURL + "/remisser/" + e.RemissID, Type: e.Type,
		Time: e.At.UTC(), Subject: e.Dnr, DataContentType: "application/json", Sequence: strconv.FormatInt(e.Seq, 10),
		Data: Data{RemissID: e.RemissID, Dnr: e.Dnr, OwnDnr: e.OwnDnr, Organisation: e.Org, AssignmentID: e.AssignmentID,
			Title: e.Title, Details: e.Data},
	}
	if len(ce.Data.Details) == 0 {
		ce.Data.Details = nil
	}
	if e.DocumentID != "" {
		ce.Data.Document = &Document{ID: e.DocumentID, SHA256: e.DocumentSHA256, MediaType: "application/pdf",
			Href: baseURL + "/api/v1/documents/" + e.DocumentID}
	}
	if m := e.Marking; m != nil {
		ce.Data.Secrecy = &Secrecy{Provision: m.Provision}
		if viewerOrg != e.Org {
			ce.Data.Title = m.PublicTitle
			if ce.Data.Document != nil {
				ce.Data.Document = &Document{ID: e.DocumentID}
			}
		}
	}
	return ce
}

// Marshal is the JSON of an event as sent: the same bytes in the feed and
// in a webhook's body.
func Marshal(ce CloudEvent) ([]byte, error) { return json.Marshal(ce) }
