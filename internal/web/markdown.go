package web

import (
	"fmt"
	"html"
	"html/template"
	"os"
	"regexp"
	"strings"
)

// The tillgänglighetsredogörelse is the municipality's own text, kept in a
// file it edits (REMISS_ACCESSIBILITY_STATEMENT). It is written in a small
// subset of Markdown and every character of it is escaped: it can give the
// page headings, paragraphs, lists, emphasis and links (https, http or
// mailto), and nothing else: no HTML, no script, no style.

// maxStatement bounds the file.
const maxStatement = 256 << 10

var (
	mdLink   = regexp.MustCompile(`\[([^\]]+)\]\(((?:https?://|mailto:)[^\s()<>"']+)\)`)
	mdStrong = regexp.MustCompile(`\*\*([^*]+)\*\*`)
)

// LoadAccessibilityStatement reads the municipality's statement from
// path; "" keeps the default text.
func (s *Server) LoadAccessibilityStatement(path string) error {
	src := defaultStatement
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("web: tillgänglighetsredogörelsen: %w", err)
		}
		if len(b) > maxStatement {
			return fmt.Errorf("web: tillgänglighetsredogörelsen %s är större än %d byte", path, maxStatement)
		}
		src = string(b)
	}
	s.accessibility = renderMarkdown(src)
	return nil
}

// statement is the tillgänglighetsredogörelse to show.
func (s *Server) statement() template.HTML {
	if s.accessibility == "" {
		return renderMarkdown(defaultStatement)
	}
	return s.accessibility
}

var defaultStatement = string(static("web/tillganglighet.md"))

// renderMarkdown renders the subset: "#", "##" and "###" headings (a
// level below the page's own h1), "- " list items, blank lines between
// paragraphs, **strong** and [text](url) links, all text escaped.
func renderMarkdown(src string) template.HTML {
	var b strings.Builder
	var para []string
	inList := false
	flush := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + inline(strings.Join(para, " ")) + "</p>\n")
			para = nil
		}
	}
	endList := func() {
		if inList {
			b.WriteString("</ul>\n")
			inList = false
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			flush()
			endList()
		case strings.HasPrefix(t, "#"):
			flush()
			endList()
			level := len(t) - len(strings.TrimLeft(t, "#"))
			if level > 3 {
				level = 3
			}
			fmt.Fprintf(&b, "<h%d>%s</h%d>\n", level+1, inline(strings.TrimSpace(strings.TrimLeft(t, "#"))), level+1)
		case strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* "):
			flush()
			if !inList {
				b.WriteString("<ul>\n")
				inList = true
			}
			b.WriteString("<li>" + inline(strings.TrimSpace(t[2:])) + "</li>\n")
		default:
			if inList {
				endList()
			}
			para = append(para, t)
		}
	}
	flush()
	endList()
	return template.HTML(b.String()) // every piece of text was escaped by inline
}

// inline escapes text, then turns its links and strong emphasis into
// elements. The link's address is matched after escaping, and may hold
// no quote, space or angle bracket, so it cannot leave its attribute.
func inline(text string) string {
	esc := html.EscapeString(text)
	esc = mdLink.ReplaceAllString(esc, `<a href="$2">$1</a>`)
	return mdStrong.ReplaceAllString(esc, `<strong>$1</strong>`)
}
