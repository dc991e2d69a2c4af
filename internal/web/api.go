package web

import (
	"net/http"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/workflows"
)

// route is one API endpoint: the mux pattern, its handler and what the
// OpenAPI document says of it.
type route struct {
	method, path string
	summary      string
	body         string // request schema name, "" for none
	handler      func(*Server) http.HandlerFunc
}

// routes is the API; the OpenAPI document at /api/openapi.json is made
// from the same table.
var routes = []route{
	{"POST", "/api/v1/tokens", "Logga in: ger en bearer-token och dess id", "Login", func(s *Server) http.HandlerFunc { return s.createToken }},
	{"GET", "/api/v1/tokens", "Mina giltiga tokens (id, skapad, senast använd, giltig till; aldrig hemligheten)", "", func(s *Server) http.HandlerFunc { return s.api(s.listTokens) }},
	{"DELETE", "/api/v1/tokens/{id}", "Återkalla en av mina tokens (också den som används: logga ut)", "", func(s *Server) http.HandlerFunc { return s.api(s.revokeToken) }},
	{"GET", "/api/v1/service-accounts", "Organisationens tjänstekonton och deras giltiga tokens, utan hemligheter (administratör)", "", func(s *Server) http.HandlerFunc { return s.api(s.listServiceAccounts) }},
	{"POST", "/api/v1/service-accounts", "Skapa ett tjänstekonto i organisationen (administratör)", "ServiceAccount", func(s *Server) http.HandlerFunc { return s.api(s.createServiceAccount) }},
	{"POST", "/api/v1/service-accounts/{username}/tokens", "Ge tjänstekontot en token med behörigheter (scopes) och giltighetstid; tokenen visas bara i det här svaret (administratör)", "ServiceToken", func(s *Server) http.HandlerFunc { return s.api(s.createServiceToken) }},
	{"DELETE", "/api/v1/service-accounts/{username}/tokens/{id}", "Återkalla en av tjänstekontots tokens (administratör)", "", func(s *Server) http.HandlerFunc { return s.api(s.revokeServiceToken) }},
	{"POST", "/api/v1/remisses", "Skicka ut en remiss (remissamordnare)", "Launch", func(s *Server) http.HandlerFunc { return s.api(s.createRemiss) }},
	{"GET", "/api/v1/remisses/{id}", "En remissomgång och dess remissinstanser", "", func(s *Server) http.HandlerFunc { return s.api(s.getRemiss) }},
	{"POST", "/api/v1/remisses/{id}/documents", "Ladda upp remissunderlaget (PDF)", "PDF", func(s *Server) http.HandlerFunc { return s.api(s.uploadDocument) }},
	{"POST", "/api/v1/remisses/{id}/extensions/{org}", "Besluta om anstånd", "ExtensionDecision", func(s *Server) http.HandlerFunc { return s.api(s.decideExtension) }},
	{"POST", "/api/v1/remisses/{id}/reminders/{org}", "Påminn en remissinstans nu", "", func(s *Server) http.HandlerFunc { return s.api(s.remindNow) }},
	{"POST", "/api/v1/remisses/{id}/close", "Stäng remissomgången", "", func(s *Server) http.HandlerFunc { return s.api(s.closeRemiss) }},
	{"POST", "/api/v1/remisses/{id}/withdraw", "Återkalla remissen", "", func(s *Server) http.HandlerFunc { return s.api(s.withdrawRemiss) }},
	{"GET", "/api/v1/remisses/{id}/archive", "E-arkivpaket (FGS 2.0, ZIP) för remissomgången (kommunstyrelsens registrator, administratör)", "", func(s *Server) http.HandlerFunc { return s.api(s.archiveRemiss) }},
	{"GET", "/api/v1/assignments", "Organisationens uppdrag", "", func(s *Server) http.HandlerFunc { return s.api(s.listAssignments) }},
	{"GET", "/api/v1/assignments/{id}", "Ett uppdrag med texten i dess senaste version (utkast, inskickad eller godkänd)", "", func(s *Server) http.HandlerFunc { return s.api(s.getAssignment) }},
	{"POST", "/api/v1/assignments/{id}/assign", "Fördela till en handläggare", "Assign", func(s *Server) http.HandlerFunc { return s.api(s.assign) }},
	{"PUT", "/api/v1/assignments/{id}/draft", "Spara ett utkast", "Response", func(s *Server) http.HandlerFunc { return s.api(s.draft) }},
	{"POST", "/api/v1/assignments/{id}/submit", "Skicka in yttrandet", "Response", func(s *Server) http.HandlerFunc { return s.api(s.submit) }},
	{"POST", "/api/v1/assignments/{id}/approve", "Godkänn yttrandet", "Approve", func(s *Server) http.HandlerFunc { return s.api(s.approve) }},
	{"POST", "/api/v1/assignments/{id}/return", "Återsänd för komplettering", "Return", func(s *Server) http.HandlerFunc { return s.api(s.returnAssignment) }},
	{"POST", "/api/v1/assignments/{id}/decline", "Avstå från att yttra sig: handläggaren och registratorn föreslår, chefen godkänner", "Decline", func(s *Server) http.HandlerFunc { return s.api(s.decline) }},
	{"POST", "/api/v1/assignments/{id}/attachments", "Ladda upp en bilaga (PDF, ?name=filnamn)", "PDF", func(s *Server) http.HandlerFunc { return s.api(s.uploadAttachment) }},
	{"POST", "/api/v1/assignments/{id}/registration", "Registrera ärendet i organisationens diarium: dess eget diarienummer (registrator)", "Registration", func(s *Server) http.HandlerFunc { return s.api(s.register) }},
	{"POST", "/api/v1/assignments/{id}/extension", "Begär anstånd", "ExtensionRequest", func(s *Server) http.HandlerFunc { return s.api(s.requestExtension) }},
	{"GET", "/api/v1/meetings", "Organisationens sammanträden (?org= för remissamordnaren)", "", func(s *Server) http.HandlerFunc { return s.api(s.listMeetings) }},
	{"POST", "/api/v1/meetings", "Lägg till ett sammanträde (registrator)", "NewMeeting", func(s *Server) http.HandlerFunc { return s.api(s.addMeeting) }},
	{"DELETE", "/api/v1/meetings/{id}", "Ta bort ett sammanträde (registrator)", "", func(s *Server) http.HandlerFunc { return s.api(s.deleteMeeting) }},
	{"PUT", "/api/v1/route", "Organisationens beslutsväg (registrator)", "DefaultRoute", func(s *Server) http.HandlerFunc { return s.api(s.setDefaultRoute) }},
	{"POST", "/api/v1/assignments/{id}/route", "Välj beslutsväg och sammanträde för ett uppdrag", "Route", func(s *Server) http.HandlerFunc { return s.api(s.setRoute) }},
	{"GET", "/api/v1/agenda", "Organisationens ärenden på nämndens dagordning", "", func(s *Server) http.HandlerFunc { return s.api(s.agenda) }},
	{"POST", "/api/v1/assignments/{id}/decision", "Registrera nämndens beslut", "Minutes", func(s *Server) http.HandlerFunc { return s.api(s.recordDecision) }},
	{"GET", "/api/v1/remisses/{id}/decisions", "Registrerade beslut i remissomgången", "", func(s *Server) http.HandlerFunc { return s.api(s.listDecisions) }},
	{"POST", "/api/v1/remisses/{id}/decisions/{step}", "Registrera beslut i beslutsgången (kommunstyrelsens registrator)", "StepDecision", func(s *Server) http.HandlerFunc { return s.api(s.recordStepDecision) }},
	{"GET", "/api/v1/documents", "En remiss dokument (?remiss=ID)", "", func(s *Server) http.HandlerFunc { return s.api(s.listDocuments) }},
	{"GET", "/api/v1/documents/{id}", "Hämta ett dokument (PDF)", "", func(s *Server) http.HandlerFunc { return s.api(s.getDocument) }},
	{"GET", "/api/v1/documents/{id}/verification", "Dokumentets verifiering, gjord när det lagrades, och om kontrollsumman stämmer", "", func(s *Server) http.HandlerFunc { return s.api(s.verifyDocument) }},
	{"GET", "/api/v1/events", "Händelser för diariet (CloudEvents 1.0) efter markören ?after= (next i förra svaret), äldst först, högst ?limit= (100) (kommunstyrelsens registrator, administratör, tjänstekonto med events:read)", "", func(s *Server) http.HandlerFunc { return s.api(s.listEvents) }},
	{"GET", "/api/v1/webhooks", "Organisationens webbkrokar för händelser, utan hemligheter (administratör)", "", func(s *Server) http.HandlerFunc { return s.api(s.listWebhooks) }},
	{"POST", "/api/v1/webhooks", "Lägg till en webbkrok: händelserna skickas signerade (HMAC-SHA256) till adressen; hemligheten visas bara i det här svaret (administratör)", "Webhook", func(s *Server) http.HandlerFunc { return s.api(s.createWebhook) }},
	{"DELETE", "/api/v1/webhooks/{id}", "Ta bort en webbkrok (administratör)", "", func(s *Server) http.HandlerFunc { return s.api(s.deleteWebhook) }},
	{"POST", "/api/v1/documents/{id}/verification", "Verifiera dokumentet igen (med samma gränser) och spara resultatet", "", func(s *Server) http.HandlerFunc { return s.api(s.verifyDocument) }},
	{"POST", "/api/v1/documents/{id}/secrecy", "Sekretessmarkera handlingen eller ändra markeringen (OSL 5 kap. 5 §; registratorn i organisationen som har den, kommunstyrelsens registrator när den kommit in dit)", "Secrecy", func(s *Server) http.HandlerFunc { return s.api(s.markSecrecy) }},
	{"DELETE", "/api/v1/documents/{id}/secrecy", "Ta bort handlingens sekretessmarkering", "", func(s *Server) http.HandlerFunc { return s.api(s.unmarkSecrecy) }},
}

func (s *Server) apiRoutes(mux *http.ServeMux) {
	for _, rt := range routes {
		mux.HandleFunc(rt.method+" "+rt.path, rt.handler(s))
	}
	mux.HandleFunc("GET /api/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(openAPI())
	})
}

// answer replies with an assignment's status after an action, or returns
// the action's error.
func (s *Server) answer(w http.ResponseWriter, st workflows.AssignmentStatus, err error) error {
	if err != nil {
		return err
	}
	var pending any
	if st.Pending != nil {
		pending = map[string]string{"until": st.Pending.Until, "requestedBy": st.Pending.RequestedBy}
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": st.AssignmentID, "org": st.Org, "state": st.State,
		"deadline": remiss.DateOf(st.DeadlineAt), "officer": st.Officer, "late": st.Late, "sha256": st.SHA256,
		"documentId": st.DocumentID, "extension": pending, "route": st.Route, "meeting": st.MeetingID,
		"agendaDeadline": dateOrEmpty(st.AgendaDeadlineAt), "needsExtension": st.NeedsExtension, "minutesId": st.MinutesID})
	return nil
}
