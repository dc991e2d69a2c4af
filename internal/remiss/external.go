package remiss

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// External remissinstanser: bodies outside the city (regionen,
// länsstyrelsen, föreningar, företag) that have no accounts. Each is an
// organisation of kind external marked "by link"; it gets the missiv by
// e-mail with a personal link that opens its assignment without login.

// ExternalRecipient is one outside body a launch names: its name and the
// address its missiv, reminders and receipt go to.
type ExternalRecipient struct {
	Name  string `json:"name" yaml:"name" validate:"required,notblank,max=200,nocontrol"`
	Email string `json:"email" yaml:"email" validate:"required,max=200,email"`
}

// ExternalCode is the organisation code of the outside body at email: the
// same address is the same remissinstans from round to round.
func ExternalCode(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return "extern-" + hex.EncodeToString(sum[:6])
}

// LinkKeySize is the least length of the key personal links are derived
// with (REMISS_LINK_KEY).
const LinkKeySize = 32

// LinkNonceSize is the length of a link's random nonce.
const LinkNonceSize = 16

// LinkToken is the secret in an external recipient's personal link to
// assignment: 256 bits, HMAC-SHA256 under the server's random key of the
// assignment, the link's generation (a replaced link has the next) and
// the link's random nonce (stored with it). Only the token's hash is
// stored (LinkHash); the token is derived again when a message carries
// the link, so no table holds it, and neither the database nor the key
// alone gives one.
func LinkToken(key []byte, assignmentID string, generation int, nonce []byte) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "remiss-link\x00%s\x00%d\x00", assignmentID, generation)
	m.Write(nonce)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// NewLinkNonce is a fresh random nonce for a link.
func NewLinkNonce() []byte {
	n := make([]byte, LinkNonceSize)
	if _, err := rand.Read(n); err != nil {
		panic(err) // crypto/rand does not fail on a supported platform
	}
	return n
}

// LinkHash is what is stored of a token and looked up when a link is
// opened.
func LinkHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// LinkTokenLen is the length of every token LinkToken makes: anything
// else is refused before a lookup.
const LinkTokenLen = 43

// LinkMarker stands for the token in a message's stored text: the mail
// sender puts the live token in its place as it sends (no stored text
// holds a token), so a message queued before a link was replaced carries
// the new one. Validated text from outside never holds a control
// character, so it cannot carry the marker.
const LinkMarker = "\x1aLINK\x1a"

// LinkActor is the actor of an action taken through the personal link of
// organisation org.
func LinkActor(org string) Actor { return Actor{User: "extern", Org: org, Role: RoleExternal} }

// ExternalAnswer is what an outside body sends through its link: who
// answers and for whom, its stand, and the text of its answer unless it
// uploads it as a PDF.
type ExternalAnswer struct {
	Name     string   `json:"name" validate:"required,notblank,max=100,nocontrol"` // who answers
	Title    string   `json:"title" validate:"max=100,nocontrol"`                  // their title
	For      string   `json:"for" validate:"required,notblank,max=200,nocontrol"`  // on whose behalf
	Email    string   `json:"email" validate:"omitempty,max=200,email"`            // for questions
	Position Position `json:"position" validate:"omitempty,oneof=tillstyrker avstyrker synpunkter"`
	Summary  string   `json:"summary" validate:"max=5000,nocontrolml"`
	Text     string   `json:"text" validate:"required_without=File,excluded_with=File,max=50000,nocontrolml"` // the answer
	// File is the uploaded PDF that is the answer, by its stored
	// document's ID, when the text is not given.
	File string `json:"file" validate:"omitempty,max=200,id"`
}

// Response is the answer as it is stored and laid out: a text answer
// becomes a yttrande with the outside body's words; an uploaded one is
// kept as received and this records who sent it.
func (e ExternalAnswer) Response() Response {
	r := Response{
		Summary: strings.TrimSpace(e.Summary), Opinions: strings.TrimSpace(e.Text), Position: e.Position,
		Signatories: []Signatory{{Name: strings.TrimSpace(e.Name), Title: strings.TrimSpace(e.Title), Unit: strings.TrimSpace(e.For)}},
		OfficerName: strings.TrimSpace(e.Name), OfficerEmail: strings.TrimSpace(e.Email), File: e.File,
	}
	return r
}
