package web

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"github.com/remiss/remiss/internal/store"
)

var (
	str       = map[string]any{"type": "string"}
	date      = map[string]any{"type": "string", "format": "date"}
	boolean   = map[string]any{"type": "boolean"}
	routeEnum = map[string]any{"type": "string", "enum": []string{"delegation", "namnd"}}
)

var schemas = map[string]any{
	"Login": obj(map[string]any{"username": str, "password": str}, "username", "password"),
	"Launch": obj(map[string]any{"dnr": str, "title": str, "description": str, "deadline": map[string]any{"type": "string", "format": "date"},
		"recipients": arr(str), "reminders": arr(str), "grace": str, "digest": boolean, "public": boolean,
		"path": arr(map[string]any{"type": "string", "enum": []string{"slk", "borgarradsberedningen", "ks", "kf"}})}, "dnr", "title", "deadline", "recipients"),
	"Response": obj(map[string]any{"position": map[string]any{"type": "string", "enum": []string{"tillstyrker", "avstyrker", "synpunkter"}}, "proposals": arr(str), "summary": str, "background": str, "preparation": str, "opinions": str, "sources": arr(str),
		"signatories": arr(obj(map[string]any{"name": str, "title": str, "unit": str}, "name", "title")), "attachments": arr(str),
		"officerName": str, "officerPhone": str, "officerEmail": str}, "proposals", "summary", "opinions", "signatories", "officerName"),
	"Registration":      obj(map[string]any{"dnr": map[string]any{"type": "string", "maxLength": 60}}, "dnr"),
	"Assign":            obj(map[string]any{"officer": str}, "officer"),
	"Approve":           obj(map[string]any{"sha256": str}),
	"Return":            obj(map[string]any{"comment": str}, "comment"),
	"Decline":           obj(map[string]any{"reason": str, "proposal": str}),
	"ExtensionRequest":  obj(map[string]any{"until": map[string]any{"type": "string", "format": "date"}, "reason": str}, "until", "reason"),
	"ExtensionDecision": obj(map[string]any{"approve": map[string]any{"type": "boolean"}, "until": map[string]any{"type": "string", "format": "date"}}, "approve"),
	"NewMeeting":        obj(map[string]any{"date": date, "agendaDeadline": date, "place": str}, "date", "agendaDeadline"),
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
	"Error": obj(map[string]any{"error": str, "fields": arr(obj(map[string]any{"field": str, "message": str}, "field", "message"))}, "error"),
}

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func arr(items any) map[string]any { return map[string]any{"type": "array", "items": items} }

// openAPI is the OpenAPI 3 document of the routes table.
var openAPI = sync.OnceValue(func() []byte {
	paths := map[string]map[string]any{}
	for _, rt := range routes {
		ok := "200"
		if rt.method == "DELETE" {
			ok = "204" // no body
		}
		op := map[string]any{"summary": rt.summary, "responses": map[string]any{
			ok:    map[string]any{"description": "OK"},
			"401": ref("Ej inloggad"), "403": ref("Ingen behörighet"), "404": ref("Finns inte"),
			"409": ref("Inte möjligt i nuvarande läge"), "413": ref("För stor"), "422": ref("Ogiltiga uppgifter"),
		}}
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
				params = append(params, map[string]any{"name": strings.Trim(part, "{}"), "in": "path", "required": true, "schema": str})
			}
		}
		if rt.path == "/api/v1/documents" && rt.method == "GET" {
			params = append(params, map[string]any{"name": "remiss", "in": "query", "required": true, "schema": str})
		}
		if rt.path == "/api/v1/events" && rt.method == "GET" {
			params = append(params, map[string]any{"name": "after", "in": "query", "required": false, "schema": str,
				"description": "markören: next ur förra svaret; utan den börjar flödet från början"},
				map[string]any{"name": "limit", "in": "query", "required": false, "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": 500}})
			op["responses"].(map[string]any)["200"] = map[string]any{"description": "OK", "content": map[string]any{
				"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/EventFeed"}}}}
		}
		if rt.path == "/api/v1/meetings" && rt.method == "GET" {
			params = append(params, map[string]any{"name": "org", "in": "query", "required": false, "schema": str})
		}
		if params != nil {
			op["parameters"] = params
		}
		switch rt.body {
		case "":
		case "PDF":
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/pdf": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}}
		default:
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + rt.body}}}}
		}
		if paths[rt.path] == nil {
			paths[rt.path] = map[string]any{}
		}
		paths[rt.path][strings.ToLower(rt.method)] = op
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "Remiss API", "version": "1", "description": "Remissomgångar, uppdrag, yttranden och dokument. Svar och felmeddelanden på svenska."},
		"paths":   paths,
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

func ref(desc string) map[string]any {
	return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
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
