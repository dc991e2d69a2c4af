package templates

import "embed"

// Web holds the pages (web/*.html) and their style sheet (web/remiss.css).
//
//go:embed web/*.html web/remiss.css
var Web embed.FS
