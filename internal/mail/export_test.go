package mail

// CrashAfterAccept makes s stop after the server accepts message id and
// before it is marked sent: a sender killed in that window.
func CrashAfterAccept(s *Sender, crash func(id string) bool) { s.crashAfterAccept = crash }
