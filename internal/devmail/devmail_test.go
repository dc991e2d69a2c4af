package devmail

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"
)

func TestCatcherKeepsAndListsMessages(t *testing.T) {
	c, err := Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	raw := "From: a@example.se\r\nTo: b@example.se\r\nSubject: =?utf-8?q?P=C3=A5minnelse?=\r\nMessage-ID: <1@x>\r\n\r\nHej\r\n"
	client, err := smtp.Dial(c.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if err := client.SendMail("a@example.se", []string{"b@example.se"}, strings.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	client.Quit()
	got := c.Messages()
	if len(got) != 1 || got[0].Subject != "Påminnelse" || got[0].MessageID != "<1@x>" {
		t.Fatalf("%+v", got)
	}
	h := c.Handler()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/dev/mail.json", nil)
	req.RemoteAddr = "127.0.0.1:5555"
	h.ServeHTTP(rec, req)
	var list []Message
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || len(list) != 1 {
		t.Errorf("json %q: %v", rec.Body.String(), err)
	}
	for _, path := range []string{"/dev/mail", "/dev/mail/0"} {
		rec = httptest.NewRecorder()
		req = httptest.NewRequest("GET", path, nil)
		req.RemoteAddr = "127.0.0.1:5555"
		h.ServeHTTP(rec, req)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "P") {
			t.Errorf("%s: %d", path, rec.Code)
		}
	}
	req = httptest.NewRequest("GET", "/dev/mail.json", nil)
	req.RemoteAddr = "192.0.2.7:5555"
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("a non-loopback client got %d", rec.Code)
	}
}
