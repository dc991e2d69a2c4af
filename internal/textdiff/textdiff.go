// Package textdiff tells what changed between two versions of a text, by
// paragraph and, inside a changed paragraph, by word: a longest common
// subsequence, first of the paragraphs, then of the words of each pair of
// paragraphs that took each other's place. It returns plain pieces of
// text; whoever shows them escapes them.
package textdiff

import (
	"regexp"
	"strings"
)

// Kind is what happened to a piece of text.
type Kind int

const (
	Same    Kind = iota // in both versions
	Added               // only in the new
	Removed             // only in the old
	Changed             // a paragraph with words added and removed
)

// Name is the kind in one word, for templates: same, added, removed or
// changed.
func (k Kind) Name() string {
	return [...]string{"same", "added", "removed", "changed"}[k]
}

// Span is a run of text of one kind.
type Span struct {
	Kind Kind
	Text string
}

// Paragraph is one paragraph of the comparison: the same in both, added,
// removed, or changed with its words marked.
type Paragraph struct {
	Kind  Kind
	Spans []Span
}

// MaxCells bounds the work of one comparison (old tokens times new): past
// it, the two are shown as one removed and one added whole, which is still
// true, only coarser.
const MaxCells = 1 << 22

// Paragraphs compares old and new paragraph by paragraph (a paragraph is a
// line with text; blank lines separate nothing more), and word by word
// inside the paragraphs that changed.
func Paragraphs(old, new string) []Paragraph {
	a, b := splitParagraphs(old), splitParagraphs(new)
	var out []Paragraph
	var removed, added []string
	flush := func() {
		n := min(len(removed), len(added))
		for i := 0; i < n; i++ {
			out = append(out, Paragraph{Kind: Changed, Spans: Words(removed[i], added[i])})
		}
		for _, p := range removed[n:] {
			out = append(out, Paragraph{Kind: Removed, Spans: []Span{{Removed, p}}})
		}
		for _, p := range added[n:] {
			out = append(out, Paragraph{Kind: Added, Spans: []Span{{Added, p}}})
		}
		removed, added = nil, nil
	}
	for _, s := range lcs(a, b) {
		switch s.Kind {
		case Removed:
			removed = append(removed, s.Text)
		case Added:
			added = append(added, s.Text)
		default:
			flush()
			out = append(out, Paragraph{Kind: Same, Spans: []Span{s}})
		}
	}
	flush()
	return out
}

// Changes reports whether a comparison found anything added or removed.
func Changes(ps []Paragraph) bool {
	for _, p := range ps {
		if p.Kind != Same {
			return true
		}
	}
	return false
}

func splitParagraphs(s string) []string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// token is a word (letters and digits), a run of white space, or any
// other single character (punctuation).
var token = regexp.MustCompile(`[\p{L}\p{N}\p{M}]+|\s+|.`)

// Words compares two texts word by word; runs of one kind are joined.
func Words(old, new string) []Span {
	return join(lcs(token.FindAllString(old, -1), token.FindAllString(new, -1)))
}

// join merges neighbouring spans of one kind, and lets a space between two
// changes of the same kind belong to them, so that "a b" replaced reads as
// one removal and one addition.
func join(spans []Span) []Span {
	var out []Span
	for i, s := range spans {
		if s.Kind == Same && strings.TrimSpace(s.Text) == "" && i > 0 && i+1 < len(spans) &&
			spans[i-1].Kind != Same && spans[i+1].Kind != Same {
			out = append(out, Span{Removed, s.Text}, Span{Added, s.Text})
			continue
		}
		out = append(out, s)
	}
	return merge(reorder(out))
}

// reorder puts, within each run of changes, what was removed before what
// was added.
func reorder(spans []Span) []Span {
	out := make([]Span, 0, len(spans))
	for i := 0; i < len(spans); {
		if spans[i].Kind == Same {
			out = append(out, spans[i])
			i++
			continue
		}
		j := i
		var added []Span
		for ; j < len(spans) && spans[j].Kind != Same; j++ {
			if spans[j].Kind == Removed {
				out = append(out, spans[j])
			} else {
				added = append(added, spans[j])
			}
		}
		out = append(out, added...)
		i = j
	}
	return out
}

func merge(spans []Span) []Span {
	var out []Span
	for _, s := range spans {
		if n := len(out); n > 0 && out[n-1].Kind == s.Kind {
			out[n-1].Text += s.Text
			continue
		}
		out = append(out, s)
	}
	return out
}

// lcs lists a and b as one sequence: what both keep (Same, from b), what
// only a has (Removed) and what only b has (Added), in order.
func lcs(a, b []string) []Span {
	// What both begin and end with needs no table.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var out []Span
	for _, t := range b[:pre] {
		out = append(out, Span{Same, t})
	}
	out = append(out, table(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for _, t := range b[len(b)-suf:] {
		out = append(out, Span{Same, t})
	}
	return out
}

// table is the dynamic programme of the longest common subsequence,
// walked from the start.
func table(a, b []string) []Span {
	var out []Span
	if len(a)*len(b) > MaxCells {
		for _, t := range a {
			out = append(out, Span{Removed, t})
		}
		for _, t := range b {
			out = append(out, Span{Added, t})
		}
		return out
	}
	// n[i][j] is the length of the LCS of a[i:] and b[j:].
	w := len(b) + 1
	n := make([]int32, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				n[i*w+j] = n[(i+1)*w+j+1] + 1
			} else {
				n[i*w+j] = max(n[(i+1)*w+j], n[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, Span{Same, b[j]})
			i, j = i+1, j+1
		case n[(i+1)*w+j] >= n[i*w+j+1]:
			out = append(out, Span{Removed, a[i]})
			i++
		default:
			out = append(out, Span{Added, b[j]})
			j++
		}
	}
	for ; i < len(a); i++ {
		out = append(out, Span{Removed, a[i]})
	}
	for ; j < len(b); j++ {
		out = append(out, Span{Added, b[j]})
	}
	return out
}
