package httpserve_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/httpserve"
)

// serve runs a server with timeouts t for h on a loopback port and
// returns its address.
func serve(t *testing.T, h http.Handler, tm httpserve.Timeouts) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httpserve.New("", h, tm)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// trickle writes head, then one byte of body every 50 ms until the
// connection fails or stop is closed.
func trickle(t *testing.T, addr, head string, stop <-chan struct{}) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			if _, err := conn.Write([]byte("x")); err != nil {
				return
			}
		}
	}()
	return conn
}

// closedWithin says whether the server closes conn within d (what it
// wrote before closing is read and dropped).
func closedWithin(conn net.Conn, d time.Duration) bool {
	conn.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, conn)
	// EOF (io.Copy reports no error) or a reset: the server closed it, a
	// reset when it closed with the client's trickled bytes unread. Only
	// the deadline passing means it is still open.
	var ne net.Error
	return err == nil || !(errors.As(err, &ne) && ne.Timeout())
}

var short = httpserve.Timeouts{ReadHeader: 200 * time.Millisecond, Read: 500 * time.Millisecond, Write: time.Second, Idle: time.Second}

// TestSlowBodyIsCutOff sends a request's headers, then its body a byte at
// a time: the server stops reading it at the read timeout and closes the
// connection, however long the client goes on.
func TestSlowBodyIsCutOff(t *testing.T) {
	read := make(chan error, 1)
	addr := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		read <- err
	}), short)
	stop := make(chan struct{})
	defer close(stop)
	start := time.Now()
	conn := trickle(t, addr, "POST /remisser HTTP/1.1\r\nHost: remiss\r\nContent-Type: application/pdf\r\nContent-Length: 1000000\r\n\r\n", stop)
	select {
	case err := <-read:
		if err == nil {
			t.Fatal("the whole slow body was read")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a slow body held the handler for 5 s")
	}
	if !closedWithin(conn, 3*time.Second) {
		t.Error("the connection stays open after the read timeout")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("cut off after %v", d)
	}
}

// TestSlowHeadersAreCutOff sends the request line and then headers a byte
// at a time: the server closes the connection at the header timeout.
func TestSlowHeadersAreCutOff(t *testing.T) {
	called := make(chan struct{}, 1)
	addr := serve(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called <- struct{}{} }), short)
	stop := make(chan struct{})
	defer close(stop)
	conn := trickle(t, addr, "GET / HTTP/1.1\r\nX-Slow: ", stop)
	if !closedWithin(conn, 3*time.Second) {
		t.Error("slow headers hold the connection")
	}
	select {
	case <-called:
		t.Error("the handler ran")
	default:
	}
}

// TestIdleConnectionIsClosed keeps a connection alive after one request:
// the server closes it at the idle timeout.
func TestIdleConnectionIsClosed(t *testing.T) {
	addr := serve(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) }), short)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "GET / HTTP/1.1\r\nHost: remiss\r\n\r\n")
	if !closedWithin(conn, 3*time.Second) {
		t.Error("an idle connection stays open")
	}
}

// TestTimeoutsAreSet checks every server the binaries run has all four
// bounds, and that the web's let a 20 MB upload through at 1.5 Mbit/s.
func TestTimeoutsAreSet(t *testing.T) {
	for name, tm := range map[string]httpserve.Timeouts{"web": httpserve.Web, "ops": httpserve.Ops} {
		srv := httpserve.New(":0", http.NotFoundHandler(), tm)
		if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= srv.ReadTimeout || srv.IdleTimeout <= 0 {
			t.Errorf("%s: %+v", name, tm)
		}
	}
	upload, rate := 20<<20, 1.5e6/8 // bytes, bytes per second
	if need := time.Duration(float64(upload) / rate * float64(time.Second)); httpserve.Web.Read < need {
		t.Errorf("a 20 MB upload at 1.5 Mbit/s takes %v, the read timeout is %v", need, httpserve.Web.Read)
	}
}
