package mail

import "github.com/remiss/remiss/internal/config"

// FromConfig is the SMTP setting of a configuration.
func FromConfig(c config.Config) SMTPConfig {
	return SMTPConfig{Addr: c.SMTPAddr, Security: c.SMTPSecurity, Username: c.SMTPUsername, Password: c.SMTPPassword, From: c.SMTPFrom}
}
