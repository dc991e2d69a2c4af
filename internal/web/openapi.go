package web

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/remiss/remiss/internal/store"
)

// The OpenAPI 3.1 document of the API (GET /api/openapi.json), made from
// the routes table: for every route its parameters, request body, security
// and each status it can answer with the body's schema (JSON Schema
// 2020-12), with examples in Swedish. tests/e2e validates every response
// its API tests receive against it; a route or status missing here fails
// that test, and TestOpenAPIDescribesEveryRoute fails on a route that has
// no entry in answers.

var (
	str       = map[string]any{"type": "string"}
	integer   = map[string]any{"type": "integer"}
	date      = map[string]any{"type": "string", "format": "date"}
	dateTime  = map[string]any{"type": "string", "format": "date-time"}
	boolean   = map[string]any{"type": "boolean"}
	routeEnum = map[string]any{"type": "string", "enum": []string{"delegation", "namnd"}}
	// dateOrEmpty is a date that is "" until it is known.
	dateOrEmptyS = map[string]any{"type": "string", "anyOf": []any{map[string]any{"format": "date"}, map[string]any{"maxLength": 0}}}
	sha256S      = map[string]any{"type": "string", "pattern": "^([0-9a-f]{64})?$"}
)

func schemaRef(name string) map[string]any {
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// nullable is s or null.
func nullable(s any) map[string]any {
	return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
}

func signatory() map[string]any {
	return obj(map[string]any{"name": str, "title": str, "unit": str}, "name", "title")
}

// responseContent is the stored text of an answer as it is read back: a
// draft may lack what a submission needs.
func responseContent() map[string]any {
	o := obj(map[string]any{"position": map[string]any{"type": "string", "enum": []string{"tillstyrker", "avstyrker", "synpunkter"}}, "proposals": nullable(arr(str)), "summary": str, "background": str, "preparation": str, "opinions": str, "sources": arr(str),
		"signatories": nullable(arr(signatory())), "attachments": arr(str),
		"officerName": str, "officerPhone": str, "officerEmail": str})
	return o
}

var schemas = map[string]any{
	"Login": withExample(obj(map[string]any{"username": str, "password": str}, "username", "password"),
		map[string]any{"username": "farsta.handlaggare", "password": "hemligt-lösenord"}),
	"Launch": withExample(obj(map[string]any{"dnr": str, "title": str, "description": str, "deadline": date,
		"recipients": arr(str), "reminders": arr(str), "grace": str, "digest": boolean, "public": boolean,
		"external": arr(obj(map[string]any{"name": str, "email": str}, "name", "email")),
		"path":     arr(map[string]any{"type": "string", "enum": []string{"slk", "borgarradsberedningen", "ks", "kf"}})}, "dnr", "title", "deadline"),
		map[string]any{"dnr": "KS 2016/171-908", "title": "Strategi för Stockholm som smart och uppkopplad stad", "description": "Remiss av strategi för en smart stad.",
			"deadline": "2027-03-31", "recipients": []string{"farsta", "bromma"}, "reminders": []string{"14d", "3d"}, "grace": "7d"}),
	"Response": withExample(obj(map[string]any{"position": map[string]any{"type": "string", "enum": []string{"tillstyrker", "avstyrker", "synpunkter"}}, "proposals": arr(str), "summary": str, "background": str, "preparation": str, "opinions": str, "sources": arr(str),
		"signatories": arr(signatory()), "attachments": arr(str),
		"officerName": str, "officerPhone": str, "officerEmail": str}, "proposals", "summary", "opinions", "signatories", "officerName"),
		map[string]any{"position": "tillstyrker", "proposals": []string{"Stadsdelsnämnden tillstyrker förslaget.", "Stadsdelsnämnden överlämnar tjänsteutlåtandet som svar på remissen."},
			"summary": "Förvaltningen ser positivt på strategin.", "opinions": "Förvaltningen delar bedömningen att digitala tjänster kan förbättra servicen.",
			"signatories": []any{map[string]any{"name": "Anna Andersson", "title": "Stadsdelsdirektör"}}, "officerName": "Erik Svensson", "officerPhone": "08-508 000 00"}),
	"Registration":      obj(map[string]any{"dnr": map[string]any{"type": "string", "maxLength": 60}}, "dnr"),
	"Assign":            withExample(obj(map[string]any{"officer": str}, "officer"), map[string]any{"officer": "farsta.handlaggare"}),
	"Approve":           obj(map[string]any{"sha256": str}),
	"Return":            withExample(obj(map[string]any{"comment": str}, "comment"), map[string]any{"comment": "Komplettera med en bedömning av kostnaderna."}),
	"Decline":           withExample(obj(map[string]any{"reason": str, "proposal": str}), map[string]any{"reason": "Ärendet berör inte nämnden"}),
	"ExtensionRequest":  withExample(obj(map[string]any{"until": date, "reason": str}, "until", "reason"), map[string]any{"until": "2027-04-30", "reason": "Nämnden sammanträder i april"}),
	"ExtensionDecision": obj(map[string]any{"approve": boolean, "until": date}, "approve"),
	"NewMeeting":        withExample(obj(map[string]any{"date": date, "agendaDeadline": date, "place": str}, "date", "agendaDeadline"), map[string]any{"date": "2027-03-18", "agendaDeadline": "2027-03-04", "place": "Farsta torg 1"}),
	"DefaultRoute":      obj(map[string]any{"route": routeEnum, "delegationRef": str}, "route"),
	"Route":             obj(map[string]any{"route": routeEnum, "meeting": str}, "route"),
	"Minutes": obj(map[string]any{"meeting": str, "paragraph": str,
		"decision": map[string]any{"type": "string", "enum": []string{"bifall", "andrat", "aterremiss", "bordlagd"}},
		"wording":  str, "reason": str, "nextMeeting": str, "immediate": boolean, "adjustOn": date, "adjusters": arr(str),
		"reservations": str}, "meeting", "paragraph", "decision"),
	"StepDecision": obj(map[string]any{"meetingDate": date, "paragraph": str,
		"decision": map[string]any{"type": "string", "enum": []string{"godkanner", "tillstyrker", "avstyrker", "aterremiss", "beslut"}},
		"wording":  str, "immediate": boolean, "adjustOn": date, "adjusters": arr(str)}, "decision"),
	"ServiceAccount": obj(map[string]any{"username": str, "name": str,
		"role": map[string]any{"type": "string", "enum": []string{"coordinator", "registrar", "officer", "signatory"}}}, "username", "name", "role"),
	"ServiceToken": obj(map[string]any{"label": str, "scopes": arr(map[string]any{"type": "string", "enum": scopeNames()}),
		"expiryDays": map[string]any{"type": "integer", "minimum": 1, "maximum": 365}}, "scopes", "expiryDays"),
	"Secrecy": obj(map[string]any{"provision": map[string]any{"type": "string", "maxLength": 100, "example": "OSL 18 kap. 8 §"},
		"publicTitle": map[string]any{"type": "string", "maxLength": 200}}, "provision"),

	"Webhook": obj(map[string]any{"url": map[string]any{"type": "string", "format": "uri", "maxLength": 2000},
		"org": str, "secret": map[string]any{"type": "string", "minLength": 16, "maxLength": 200}}, "url"),
	// What GET /api/v1/events answers, and each webhook's body (one event).
	"EventFeed": obj(map[string]any{"events": arr(map[string]any{"$ref": "#/components/schemas/CloudEvent"}), "next": str}, "events", "next"),
	"CloudEvent": obj(map[string]any{"specversion": str, "id": str, "source": str,
		"type": map[string]any{"type": "string", "enum": store.EventTypes}, "time": map[string]any{"type": "string", "format": "date-time"},
		"subject": str, "datacontenttype": str, "sequence": str,
		"data": map[string]any{"type": "object", "properties": map[string]any{"remissId": str, "dnr": str, "ownDnr": str, "organisation": str,
			"assignmentId": str, "title": str,
			"document": obj(map[string]any{"id": str, "sha256": str, "href": str, "mediaType": str}, "id"),
			"secrecy":  obj(map[string]any{"provision": str}, "provision"),
			"details":  map[string]any{"type": "object"}}}},
		"specversion", "id", "source", "type", "time", "subject", "datacontenttype", "data"),

	// What the API answers.
	"Error": withExample(obj(map[string]any{"error": str, "fields": arr(obj(map[string]any{"field": str, "message": str}, "field", "message"))}, "error"),
		map[string]any{"error": "ogiltiga uppgifter", "fields": []any{map[string]any{"field": "deadline", "message": "Svarsdatum måste vara ett datum efter i dag"}}}),
	"NewToken": withExample(obj(map[string]any{"token": str, "id": str, "expiresAt": dateTime}, "token", "id", "expiresAt"),
		map[string]any{"token": "k3Jx…", "id": "t_4f2a", "expiresAt": "2027-01-15T17:00:00Z"}),
	"Token": obj(map[string]any{"id": str, "createdAt": dateTime, "lastUsedAt": nullable(dateTime), "expiresAt": dateTime, "current": boolean},
		"id", "createdAt", "lastUsedAt", "expiresAt", "current"),
	"ServiceAccountSummary": obj(map[string]any{"username": str, "name": str, "role": str, "tokens": arr(obj(map[string]any{"id": str, "label": str,
		"scopes": nullable(arr(str)), "createdAt": dateTime, "lastUsedAt": nullable(dateTime), "expiresAt": dateTime}, "id", "label", "scopes", "createdAt", "lastUsedAt", "expiresAt"))},
		"username", "name", "role", "tokens"),
	"ServiceAccountCreated": withExample(obj(map[string]any{"username": str, "org": str, "role": str, "name": str}, "username", "org", "role", "name"),
		map[string]any{"username": "farsta.diarium", "org": "farsta", "role": "registrar", "name": "Diariesystemet"}),
	"ServiceTokenCreated": obj(map[string]any{"token": str, "id": str, "scopes": arr(str), "label": str, "expiresAt": dateTime}, "token", "id", "scopes", "label", "expiresAt"),
	"Created":             withExample(obj(map[string]any{"id": str}, "id"), map[string]any{"id": "ks-2016-171-908"}),
	"Upload":              obj(map[string]any{"id": str, "sha256": sha256S}, "id", "sha256"),
	"Attachment":          withExample(obj(map[string]any{"id": str, "filename": str, "sha256": sha256S}, "id", "filename", "sha256"), map[string]any{"id": "bilaga.ks-2016-171-908.farsta.1", "filename": "Kartbilaga.pdf", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}),
	"Recipient": obj(map[string]any{"org": str, "state": str, "deadline": date, "late": boolean, "documentId": str, "route": str, "meeting": str,
		"needsExtension": boolean, "minutesId": str, "ownDnr": str}, "org", "state", "deadline", "late", "needsExtension"),
	"Remiss": withExample(obj(map[string]any{"id": str, "dnr": str, "title": str, "description": str, "state": str, "deadline": date,
		"recipients": nullable(arr(schemaRef("Recipient"))), "path": arr(str), "step": integer, "outcomeId": str,
		"statement": obj(map[string]any{"assignment": str, "state": str, "documentId": str}, "assignment", "state")},
		"id", "dnr", "title", "description", "state", "deadline", "recipients", "path", "step"),
		map[string]any{"id": "ks-2016-171-908", "dnr": "KS 2016/171-908", "title": "Strategi för Stockholm som smart och uppkopplad stad", "description": "",
			"state": "open", "deadline": "2027-03-31", "path": []string{"slk", "borgarradsberedningen", "ks"}, "step": 0,
			"recipients": []any{map[string]any{"org": "farsta", "state": "assigned", "deadline": "2027-03-31", "late": false, "needsExtension": false}}}),
	"AssignmentStatus": withExample(obj(map[string]any{"id": str, "org": str, "state": str, "deadline": date, "officer": str, "late": boolean, "sha256": sha256S,
		"documentId": str, "extension": nullable(obj(map[string]any{"until": date, "requestedBy": str}, "until", "requestedBy")), "route": str, "meeting": str,
		"agendaDeadline": dateOrEmptyS, "needsExtension": boolean, "minutesId": str},
		"id", "org", "state", "deadline", "officer", "late", "sha256", "documentId", "extension", "route", "meeting", "agendaDeadline", "needsExtension", "minutesId"),
		map[string]any{"id": "ks-2016-171-908.farsta", "org": "farsta", "state": "assigned", "deadline": "2027-03-31", "officer": "farsta.handlaggare", "late": false,
			"sha256": "", "documentId": "", "extension": nil, "route": "delegation", "meeting": "", "agendaDeadline": "", "needsExtension": false, "minutesId": ""}),
	"Registered": withExample(obj(map[string]any{"id": str, "org": str, "state": str, "ownDnr": str, "reference": str}, "id", "org", "state", "ownDnr", "reference"),
		map[string]any{"id": "ks-2016-171-908.bromma", "org": "bromma", "state": "sent", "ownDnr": "1.5.1-135-2026", "reference": "KS 2016/171-908"}),
	"WebhookSubscription": obj(map[string]any{"id": str, "org": str, "url": str, "createdBy": str, "createdAt": dateTime},
		"id", "org", "url", "createdBy", "createdAt"),
	"WebhookCreated": withExample(obj(map[string]any{"id": str, "org": str, "url": str, "createdBy": str, "createdAt": dateTime, "secret": str},
		"id", "org", "url", "createdBy", "createdAt", "secret"),
		map[string]any{"id": "wh-3f9a1c2b4d5e6f70", "org": "ks", "url": "https://diarium.example.se/remiss/handelser", "createdBy": "admin",
			"createdAt": "2027-01-15T09:30:00Z", "secret": "en-hemlighet-som-visas-en-gang"}),
	"SecrecyMarking": withExample(obj(map[string]any{"documentId": str, "provision": str, "publicTitle": str, "markedAt": dateTime, "markedBy": str},
		"documentId", "provision", "publicTitle", "markedAt", "markedBy"),
		map[string]any{"documentId": "underlag.ks-2016-171-908.1", "provision": "OSL 18 kap. 8 §", "publicTitle": "Handling med sekretess",
			"markedAt": "2027-01-15T09:30:00Z", "markedBy": "ks.registrator"}),
	"RoundStatus": withExample(obj(map[string]any{"id": str, "state": str, "closing": str}, "id", "state", "closing"),
		map[string]any{"id": "ks-2016-171-908", "state": "open", "closing": "stängd av remissamordnaren"}),
	"Assignment": obj(map[string]any{"id": str, "remissId": str, "dnr": str, "title": str, "kind": str, "org": str, "state": str, "deadline": date,
		"late": boolean, "officer": str, "documentId": str, "route": str, "meeting": str, "needsExtension": boolean, "minutesId": str, "ownDnr": str,
		"content": responseContent(), "version": integer, "sha256": sha256S},
		"id", "remissId", "dnr", "title", "kind", "org", "state", "deadline", "late", "officer", "documentId", "route", "meeting", "needsExtension", "minutesId", "ownDnr"),
	"Meeting": withExample(obj(map[string]any{"id": str, "org": str, "date": date, "agendaDeadline": date, "place": str}, "id", "org", "date", "agendaDeadline"),
		map[string]any{"id": "farsta.2027-03-18", "org": "farsta", "date": "2027-03-18", "agendaDeadline": "2027-03-04", "place": "Farsta torg 1"}),
	"OrgRoute": obj(map[string]any{"org": str, "route": routeEnum, "delegationRef": str}, "org", "route", "delegationRef"),
	"AgendaItem": obj(map[string]any{"id": str, "remissId": str, "dnr": str, "title": str, "org": str, "state": str, "deadline": date,
		"needsExtension": boolean, "meeting": nullable(schemaRef("Meeting"))}, "id", "remissId", "dnr", "title", "org", "state", "deadline", "needsExtension", "meeting"),
	"Decision": obj(map[string]any{"id": str, "body": str, "step": str, "assignmentId": str, "meeting": str, "meetingDate": str, "paragraph": str,
		"decision": str, "wording": str, "reason": str, "nextMeeting": str, "immediate": boolean, "adjustOn": str, "adjusters": arr(str),
		"reservations": str, "delegationRef": str, "documentId": str, "recordedAt": str},
		"id", "body", "step", "assignmentId", "meeting", "meetingDate", "paragraph", "decision", "wording", "reason", "nextMeeting", "immediate",
		"adjustOn", "adjusters", "reservations", "delegationRef", "documentId", "recordedAt"),
	"PathStatus": withExample(obj(map[string]any{"id": str, "path": arr(str), "step": integer, "done": boolean, "decisions": arr(str), "outcomeId": str},
		"id", "path", "step", "done", "decisions", "outcomeId"),
		map[string]any{"id": "ks-2016-171-908", "path": []string{"slk", "borgarradsberedningen", "ks"}, "step": 1, "done": false, "decisions": []string{"beslut.ks-2016-171-908.slk"}, "outcomeId": ""}),
	// A marked document is listed under its public title; its file name
	// is given only to those who may open it.
	"Document": obj(map[string]any{"id": str, "kind": str, "title": str, "filename": str, "sha256": sha256S, "assignmentId": str, "createdAt": dateTime,
		"secrecy": nullable(schemaRef("SecrecyMarking"))},
		"id", "kind", "title", "sha256", "assignmentId", "createdAt", "secrecy"),
	"Verification": withExample(obj(map[string]any{"id": str, "sha256": sha256S, "hashMatches": boolean, "valid": boolean, "problem": str,
		"signatures": nullable(arr(obj(map[string]any{"valid": boolean, "signer": str, "organisation": str, "issuer": str, "signedAt": str, "timestampedAt": str, "problem": str},
			"valid", "signer", "organisation", "issuer", "signedAt"))), "checkedAt": dateTime},
		"id", "sha256", "hashMatches", "valid", "signatures", "checkedAt"),
		map[string]any{"id": "statement.ks-2016-171-908.farsta", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "hashMatches": true, "valid": true,
			"signatures": []any{map[string]any{"valid": true, "signer": "Farsta stadsdelsnämnd", "organisation": "Stockholms stad", "issuer": "Remiss demo-CA", "signedAt": "2027-03-20T10:15:00+01:00"}},
			"checkedAt":  "2027-03-20T09:15:02Z"}),
}

func withExample(s map[string]any, example any) map[string]any {
	s["examples"] = []any{example}
	return s
}

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func arr(items any) map[string]any { return map[string]any{"type": "array", "items": items} }

// answer is what a route answers when it succeeds: the status and the
// body, a schema's name (a list of them when list is set), "PDF" or "ZIP"
// for a file, "" for none.
type answer struct {
	status int
	body   string
	list   bool
}

// answers says, for every route, what it answers on success. The
// refusals each can give follow from the route (refusals).
var answers = map[string]answer{
	"POST /api/v1/documents/{id}/secrecy":                    {200, "SecrecyMarking", false},
	"DELETE /api/v1/documents/{id}/secrecy":                  {204, "", false},
	"GET /api/v1/events":                                     {200, "EventFeed", false},
	"GET /api/v1/webhooks":                                   {200, "WebhookSubscription", true},
	"POST /api/v1/webhooks":                                  {201, "WebhookCreated", false},
	"DELETE /api/v1/webhooks/{id}":                           {204, "", false},
	"POST /api/v1/tokens":                                    {201, "NewToken", false},
	"GET /api/v1/tokens":                                     {200, "Token", true},
	"DELETE /api/v1/tokens/{id}":                             {204, "", false},
	"GET /api/v1/service-accounts":                           {200, "ServiceAccountSummary", true},
	"POST /api/v1/service-accounts":                          {201, "ServiceAccountCreated", false},
	"POST /api/v1/service-accounts/{username}/tokens":        {201, "ServiceTokenCreated", false},
	"DELETE /api/v1/service-accounts/{username}/tokens/{id}": {204, "", false},
	"POST /api/v1/remisses":                                  {201, "Created", false},
	"GET /api/v1/remisses/{id}":                              {200, "Remiss", false},
	"POST /api/v1/remisses/{id}/documents":                   {201, "Upload", false},
	"POST /api/v1/remisses/{id}/extensions/{org}":            {200, "AssignmentStatus", false},
	"POST /api/v1/remisses/{id}/reminders/{org}":             {200, "AssignmentStatus", false},
	"POST /api/v1/remisses/{id}/close":                       {202, "RoundStatus", false},
	"POST /api/v1/remisses/{id}/withdraw":                    {202, "RoundStatus", false},
	"GET /api/v1/remisses/{id}/archive":                      {200, "ZIP", false},
	"GET /api/v1/assignments":                                {200, "Assignment", true},
	"GET /api/v1/assignments/{id}":                           {200, "Assignment", false},
	"POST /api/v1/assignments/{id}/assign":                   {200, "AssignmentStatus", false},
	"PUT /api/v1/assignments/{id}/draft":                     {200, "AssignmentStatus", false},
	"POST /api/v1/assignments/{id}/submit":                   {200, "AssignmentStatus", false},
	"POST /api/v1/assignments/{id}/approve":                  {200, "AssignmentStatus", false},
	"POST /api/v1/assignments/{id}/return":                   {200, "AssignmentStatus", false},
	"POST /api/v1/assignments/{id}/decline":                  {200, "AssignmentStatus", false},
	"POST /api/v1/assignments/{id}/attachments":              {201, "Attachment", false},
	"POST /api/v1/assignments/{id}/registration":             {200, "Registered", false},
	"POST /api/v1/assignments/{id}/extension":                {200, "AssignmentStatus", false},
	"GET /api/v1/meetings":                                   {200, "Meeting", true},
	"POST /api/v1/meetings":                                  {201, "Meeting", false},
	"DELETE /api/v1/meetings/{id}":                           {204, "", false},
	"PUT /api/v1/route":                                      {200, "OrgRoute", false},
	"POST /api/v1/assignments/{id}/route":                    {200, "AssignmentStatus", false},
	"GET /api/v1/agenda":                                     {200, "AgendaItem", true},
	"POST /api/v1/assignments/{id}/decision":                 {200, "AssignmentStatus", false},
	"GET /api/v1/remisses/{id}/decisions":                    {200, "Decision", true},
	"POST /api/v1/remisses/{id}/decisions/{step}":            {200, "PathStatus", false},
	"GET /api/v1/documents":                                  {200, "Document", true},
	"GET /api/v1/documents/{id}":                             {200, "PDF", false},
	"GET /api/v1/documents/{id}/verification":                {200, "Verification", false},
	"POST /api/v1/documents/{id}/verification":               {200, "Verification", false},
}

// refusals are the statuses a route can refuse with, each with the Error
// body: every route may find no such thing or a malformed path (404, 422)
// and fail on our side (500); one that needs a token may be refused it
// (401) or the action (403); one that changes something may find it in
// the wrong state (409) and one with a body may find it too large (413).
func refusals(rt route) []int {
	codes := []int{404, 422, 500}
	if rt.method == "POST" && rt.path == "/api/v1/tokens" {
		return append(codes, 401, 403, 413, 429) // a wrong password, password login off, too many attempts
	}
	codes = append(codes, 401, 403)
	if rt.method != "GET" {
		codes = append(codes, 409)
	}
	if rt.body != "" {
		codes = append(codes, 413)
	}
	slices.Sort(codes)
	return codes
}

var refusalWords = map[int]string{
	401: "Ej inloggad, eller token återkallad eller utgången", 403: "Ingen behörighet", 404: "Finns inte", 409: "Inte möjligt i nuvarande läge",
	413: "För stor", 422: "Ogiltiga uppgifter (felen per fält i fields)", 429: "För många inloggningsförsök; vänta en stund", 500: "Internt fel",
}

// refusalExamples are Swedish examples of the Error body by status.
var refusalExamples = map[int]any{
	401: map[string]any{"error": "logga in först"},
	403: map[string]any{"error": "du har inte behörighet till det här"},
	404: map[string]any{"error": "finns inte"},
	409: map[string]any{"error": "uppdraget är redan godkänt"},
	413: map[string]any{"error": "filen är för stor"},
	422: map[string]any{"error": "ogiltiga uppgifter", "fields": []any{map[string]any{"field": "summary", "message": "Sammanfattning måste fyllas i"}}},
	429: map[string]any{"error": "för många försök; vänta en minut och försök igen"},
	500: map[string]any{"error": "ett internt fel inträffade"},
}

// successResponse is the OpenAPI response object of a route's success.
func successResponse(rt route, a answer) map[string]any {
	resp := map[string]any{"description": rt.summary}
	switch a.body {
	case "":
	case "PDF":
		resp["content"] = map[string]any{"application/pdf": map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": "application/pdf"}}}
		resp["headers"] = map[string]any{"Digest": map[string]any{"description": "sha-256=<dokumentets SHA-256, hex>", "schema": str}}
	case "ZIP":
		resp["content"] = map[string]any{"application/zip": map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": "application/zip"}}}
		resp["headers"] = map[string]any{"Digest": map[string]any{"description": "sha-256=<paketets SHA-256, hex>", "schema": str}}
	default:
		schema := schemaRef(a.body)
		if a.list {
			schema = arr(schema)
		}
		resp["content"] = map[string]any{"application/json": map[string]any{"schema": schema}}
	}
	return resp
}

// openAPI is the OpenAPI 3.1 document of the routes table.
var openAPI = sync.OnceValue(func() []byte {
	paths := map[string]map[string]any{}
	for _, rt := range routes {
		responses := map[string]any{}
		if a, ok := answers[rt.method+" "+rt.path]; ok {
			responses[strconv.Itoa(a.status)] = successResponse(rt, a)
		}
		for _, code := range refusals(rt) {
			responses[strconv.Itoa(code)] = ref(refusalWords[code], refusalExamples[code])
		}
		op := map[string]any{"summary": rt.summary, "operationId": operationID(rt), "responses": responses}
		if rt.method != "POST" || rt.path != "/api/v1/tokens" { // logging in needs no token
			// A person's token, or a service account's with the route's scope.
			sec := []map[string]any{{"bearer": []string{}}}
			if scope, ok := routeScopes[rt.method+" "+rt.path]; ok {
				sec = append(sec, map[string]any{"serviceToken": []string{scope}})
				op["x-scopes"] = []string{scope}
			}
			op["security"] = sec
		}
		var params []map[string]any
		for _, part := range strings.Split(rt.path, "/") {
			if strings.HasPrefix(part, "{") {
				name := strings.Trim(part, "{}")
				params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": str,
					"description": paramWords[name], "example": paramExample(rt.path, name)})
			}
		}
		if rt.path == "/api/v1/documents" && rt.method == "GET" {
			params = append(params, map[string]any{"name": "remiss", "in": "query", "required": true, "schema": str,
				"description": "Remissomgångens ID", "example": "ks-2016-171-908"})
		}
		if rt.path == "/api/v1/events" && rt.method == "GET" {
			params = append(params, map[string]any{"name": "after", "in": "query", "required": false, "schema": str,
				"description": "markören: next ur förra svaret; utan den börjar flödet från början"},
				map[string]any{"name": "limit", "in": "query", "required": false, "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": 500}})
		}
		if rt.path == "/api/v1/meetings" && rt.method == "GET" {
			params = append(params, map[string]any{"name": "org", "in": "query", "required": false, "schema": str,
				"description": "Organisationens kod (remissamordnaren); annars den egna", "example": "farsta"})
		}
		if rt.path == "/api/v1/assignments/{id}/attachments" {
			params = append(params, map[string]any{"name": "name", "in": "query", "required": true, "schema": str,
				"description": "Bilagans filnamn", "example": "Kartbilaga.pdf"})
		}
		if params != nil {
			op["parameters"] = params
		}
		switch rt.body {
		case "":
		case "PDF":
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/pdf": map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": "application/pdf"}}}}
		default:
			// Approving may name no version (the current one is approved).
			op["requestBody"] = map[string]any{"required": rt.body != "Approve", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + rt.body}}}}
		}
		if paths[rt.path] == nil {
			paths[rt.path] = map[string]any{}
		}
		paths[rt.path][strings.ToLower(rt.method)] = op
	}
	doc := map[string]any{
		"openapi":           "3.1.0",
		"jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
		"info":              map[string]any{"title": "Remiss API", "version": "1", "description": "Remissomgångar, uppdrag, yttranden och dokument. Svar och felmeddelanden på svenska."},
		"paths":             paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer",
					"description": "En persons token från POST /api/v1/tokens: det personen får göra enligt sin roll."},
				"serviceToken": map[string]any{"type": "http", "scheme": "bearer",
					"description": "Ett tjänstekontos token (POST /api/v1/service-accounts/{username}/tokens): bara åtgärder inom dess behörigheter (scopes, x-scopes på varje åtgärd), annars 403; återkallad eller utgången ger 401. Behörigheter: " + scopeList() + "."},
			},
		},
	}
	b, _ := json.MarshalIndent(doc, "", "  ")
	return b
})

// paramWords describe the path parameters.
var paramWords = map[string]string{
	"id":       "Resursens ID (remissomgång, uppdrag, dokument, sammanträde eller token)",
	"username": "Tjänstekontots användarnamn",
	"org":      "Remissinstansens (organisationens) kod",
	"step":     "Steget i beslutsgången (slk, borgarradsberedningen, ks, kf)",
}

// paramExample is a Swedish example of a path parameter.
func paramExample(path, name string) string {
	switch {
	case name == "username":
		return "farsta.diarium"
	case name == "org":
		return "farsta"
	case name == "step":
		return "ks"
	case strings.HasPrefix(path, "/api/v1/remisses/"):
		return "ks-2016-171-908"
	case strings.HasPrefix(path, "/api/v1/assignments/"):
		return "ks-2016-171-908.farsta"
	case strings.HasPrefix(path, "/api/v1/documents/"):
		return "statement.ks-2016-171-908.farsta"
	case strings.HasPrefix(path, "/api/v1/webhooks/"):
		return "wh-3f9a1c2b4d5e6f70"
	case strings.HasPrefix(path, "/api/v1/meetings/"):
		return "farsta.2027-03-18"
	}
	return "t_4f2a"
}

func ref(desc string, example any) map[string]any {
	return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{
		"schema": schemaRef("Error"), "examples": map[string]any{"exempel": map[string]any{"value": example}}}}}
}

// operationID is a route's name for generated clients: the method and the
// path's words, e.g. postApiV1AssignmentsIdSubmit.
func operationID(rt route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.method))
	for _, part := range strings.FieldsFunc(rt.path, func(r rune) bool { return r == '/' || r == '{' || r == '}' || r == '-' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// scopeNames are the service tokens' scopes, sorted.
func scopeNames() []string {
	out := make([]string, 0, len(scopes))
	for k := range scopes {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// scopeList says what each scope opens.
func scopeList() string {
	var parts []string
	for _, k := range scopeNames() {
		parts = append(parts, k+" ("+scopes[k]+")")
	}
	return strings.Join(parts, ", ")
}
