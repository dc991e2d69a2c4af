package templates

import (
	"strings"
	"testing"

	"github.com/remiss/remiss/internal/remiss"
)

func TestEveryMailNamesTheDnrAndTitle(t *testing.T) {
	d := MailData{Org: "Farsta stadsdelsnämnd", Dnr: "KS 2016/171-908", Title: "Smart stad",
		Deadline: "2027-01-15", Until: "2027-02-15", Link: "http://localhost:8080/uppdrag/x",
		Recipient: "x@example.se", Detail: "Påminnelse", Reason: "550 no such user",
		Items: []string{"Farsta stadsdelsnämnd"}, Events: []string{"Bromma avstår"}}
	if len(Kinds()) < 14 {
		t.Fatalf("kinds %v", Kinds())
	}
	for _, kind := range Kinds() {
		subject, body, err := Mail(kind, d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(subject, "KS 2016/171-908 Smart stad") || strings.ContainsAny(subject, "\r\n") {
			t.Errorf("%s: subject %q", kind, subject)
		}
		if !strings.Contains(body, "Diarienummer: KS 2016/171-908") || !strings.Contains(body, d.Link) || strings.Contains(body, "{{") {
			t.Errorf("%s: body %q", kind, body)
		}
	}
	subject, body, _ := Mail("reminder", MailData{Dnr: "KS 1/2016", Title: "<script>alert(1)</script>", Link: "http://x/y"})
	html, err := HTML(subject, body, MailData{Dnr: "KS 1/2016", Title: "<script>alert(1)</script>", Link: "http://x/y"})
	if err != nil || strings.Contains(html, "<script>") || !strings.Contains(html, `href="http://x/y"`) {
		t.Errorf("html %v:\n%s", err, html)
	}
	d.OwnDnr = "1.5.1-135-2027"
	subject, body, _ = Mail("reminder", d)
	html, _ = HTML(subject, body, d)
	if !strings.Contains(body, "Diarienummer: KS 2016/171-908\nDiarienummer hos Farsta stadsdelsnämnd: 1.5.1-135-2027") ||
		!strings.Contains(html, "Diarienummer hos Farsta stadsdelsnämnd</th><td>1.5.1-135-2027") {
		t.Errorf("a message to a body that has registered the remiss lacks its own Dnr:\n%s\n%s", body, html)
	}
	if _, _, err := Mail("no-such-kind", d); err == nil {
		t.Error("unknown kind rendered")
	}
}

// TestMessagesNameWhoDecides checks that a message speaks of the body
// that decides for the recipient's kind of organisation, and of the
// organisation as what it is: a bolag's styrelse decides, the bolag
// declines, and its answer is a yttrande.
func TestMessagesNameWhoDecides(t *testing.T) {
	d := MailData{Org: "AB Stokab", OrgKind: remiss.KindBolag, Dnr: "KS 2016/171-908", Title: "Smart stad", Deadline: "2027-01-15",
		Meeting: "2027-01-10", AgendaDeadline: "2027-01-03", Link: "http://x/y", Body: "AB Stokab", Paragraph: "§ 3", Verdict: "Bifall till förslaget"}
	for kind, want := range map[string]string{
		"reminder":        "Styrelsen beslutar om svaret vid sammanträdet 2027-01-10",
		"remiss_sent":     "meddela att bolaget avstår",
		"on_agenda":       "Ärendet på styrelsens dagordning",
		"decided":         "Styrelsens beslut",
		"statement_ready": "Yttrandet är bifogat",
	} {
		subject, body, err := Mail(kind, d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(subject+"\n"+body, want) || strings.Contains(subject+body, "nämnd") {
			t.Errorf("%s to a bolag:\n%s\n%s", kind, subject, body)
		}
	}
	d.OrgKind = remiss.KindRad
	if _, body, _ := Mail("reminder", d); !strings.Contains(body, "Rådet beslutar") || !strings.Contains(body, "meddela att rådet avstår") {
		t.Errorf("reminder to a råd:\n%s", body)
	}
	d.OrgKind, d.Meeting = remiss.KindOffice, ""
	if _, body, _ := Mail("remiss_sent", d); !strings.Contains(body, "meddela att kontoret avstår") {
		t.Errorf("remiss to an office:\n%s", body)
	}
	d.OrgKind, d.Items = remiss.KindStadsdelsnamnd, make([]string, 1200)
	if _, body, _ := Mail("digest", d); !strings.Contains(body, "(1\u00a0200)") {
		t.Errorf("digest of 1 200 recipients:\n%s", body[:200])
	}
}

// TestNoMessageToABolagOrRadSpeaksOfANamnd renders every message for an
// organisation of each kind but a nämnd's, with every field filled and
// every branch taken: none says "nämnd" or "förvaltningen", nor calls
// the answer a tjänsteutlåtande when the kind answers with a yttrande.
func TestNoMessageToABolagOrRadSpeaksOfANamnd(t *testing.T) {
	for _, k := range []remiss.OrgKind{remiss.KindBolag, remiss.KindRad, remiss.KindOffice, remiss.KindExternal} {
		for _, variant := range []MailData{
			{Meeting: "2027-01-10", AgendaDeadline: "2027-01-03", Decline: true, Approved: true},
			{Meeting: "2027-01-10", AgendaDeadline: "2027-01-03"},
			{},
		} {
			d := variant
			d.Org, d.OrgKind, d.Dnr, d.Title, d.Deadline, d.RoundDeadline, d.Until = "Mottagaren", k, "KS/2026:77", "Smart stad", "2027-01-15", "2027-01-15", "2027-02-15"
			d.Link, d.Body, d.Paragraph, d.Verdict, d.Items, d.Events = "http://x/y", "Mottagaren", "§ 3", "Bifall till förslaget", []string{"Mottagaren"}, []string{"Mottagaren avstår"}
			d.Recipient, d.Detail, d.Reason = "x@example.se", "Påminnelse", "550"
			for _, kind := range Kinds() {
				if kind == "step_decided" || kind == "statement_drafted" || kind == "statement_approved" {
					continue // kommunstyrelsens own statement and decision path, not a recipient's
				}
				subject, body, err := Mail(kind, d)
				if err != nil {
					t.Fatal(err)
				}
				text := strings.ToLower(subject + "\n" + body)
				if strings.Contains(text, "nämnd") || strings.Contains(text, "förvaltningen") {
					t.Errorf("%s to a %s speaks of a nämnd or förvaltning:\n%s\n%s", kind, k, subject, body)
				}
				// Kommunstyrelsen's own tjänsteutlåtande is named as it is.
				if k.Words().Document == "Yttrande" && strings.Contains(strings.ReplaceAll(text, "kommunstyrelsens tjänsteutlåtande", ""), "tjänsteutlåtande") {
					t.Errorf("%s to a %s calls its yttrande a tjänsteutlåtande:\n%s\n%s", kind, k, subject, body)
				}
			}
		}
	}
}
