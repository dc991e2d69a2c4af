package templates

import "embed"

// Web holds the pages (web/*.html), their style sheet (web/remiss.css) and
// the one script (web/remiss.js, which pages work without).
//
//go:embed web/*.html web/remiss.css web/remiss.js web/tillganglighet.md
var Web embed.FS
