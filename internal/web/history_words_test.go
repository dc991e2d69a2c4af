package web

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// auditActions reads the source of the whole module for every action the
// audit trail can hold: the constants of package activities' Action and
// NoticeKind types, and every string written as the Action of a Change.
func auditActions(t *testing.T) map[string]string {
	t.Helper()
	found := map[string]string{} // action → where
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "tests" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				if id, ok := n.Type.(*ast.Ident); ok && f.Name.Name == "activities" && (id.Name == "Action" || id.Name == "NoticeKind") {
					for _, v := range n.Values {
						if lit, ok := v.(*ast.BasicLit); ok {
							s, _ := strconv.Unquote(lit.Value)
							found[s] = fset.Position(lit.Pos()).String()
						}
					}
				}
			case *ast.KeyValueExpr:
				key, ok := n.Key.(*ast.Ident)
				lit, isLit := n.Value.(*ast.BasicLit)
				if ok && key.Name == "Action" && isLit && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					found[s] = fset.Position(lit.Pos()).String()
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestEveryAuditActionHasWords: an action the code can write to the audit
// trail that the history cannot say in Swedish fails here, with where it
// is written.
func TestEveryAuditActionHasWords(t *testing.T) {
	actions := auditActions(t)
	// The reader finds what it must: the constants and the literals.
	for _, must := range []string{"assigned", "extension_decided", "reminder", "escalation", "remiss_sent", "namnd_decided", "digest"} {
		if _, ok := actions[must]; !ok {
			t.Errorf("the source reader missed the action %q", must)
		}
	}
	for a, where := range actions {
		f, ok := auditWords[a]
		if !ok {
			t.Errorf("the audit action %q (%s) has no words in auditWords", a, where)
			continue
		}
		words := f(said{auditDetail: auditDetail{Officer: "anna", Until: "2027-04-30", Verdict: "bifall", Step: "ks", Route: "namnd"},
			OfficerName: "Anna Andersson", Kind: remiss.KindStadsdelsnamnd})
		if words == "" || !unicode.IsUpper([]rune(words)[0]) || strings.Contains(words, "_") {
			t.Errorf("the words of %q: %q (want a Swedish phrase that begins with a capital)", a, words)
		}
	}
	for a := range auditWords {
		if _, ok := actions[a]; !ok {
			t.Errorf("auditWords has words for %q, which no code writes", a)
		}
	}
}

func TestEventWords(t *testing.T) {
	detail := func(v map[string]any) json.RawMessage { b, _ := json.Marshal(v); return b }
	names := map[string]string{"anna": "Anna Andersson"}
	for _, c := range []struct {
		action string
		detail map[string]any
		kind   remiss.OrgKind
		want   string
	}{
		{"assigned", map[string]any{"officer": "anna"}, remiss.KindStadsdelsnamnd, "Uppdraget fördelades till Anna Andersson"},
		{"assigned", map[string]any{"officer": "okand"}, remiss.KindStadsdelsnamnd, "Uppdraget fördelades till okand"},
		{"extension_requested", map[string]any{"until": "2027-04-30"}, remiss.KindFacknamnd, "Anstånd begärdes till 2027-04-30"},
		{"extension_decided", map[string]any{"approved": true, "until": "2027-04-30"}, remiss.KindFacknamnd, "Anstånd beviljades till 2027-04-30"},
		{"extension_decided", map[string]any{"approved": false}, remiss.KindFacknamnd, "Anstånd avslogs"},
		{"declined", nil, remiss.KindBolag, "Bolaget avstod från att yttra sig"},
		{"route_planned", map[string]any{"route": "delegation"}, remiss.KindBolag, "Beslutsväg: beslut av verkställande direktören"},
		{"namnd_decided", map[string]any{"verdict": "aterremiss", "paragraph": "§ 12"}, remiss.KindStadsdelsnamnd, "Beslut i nämnden: återremiss (§ 12)"},
		{"step_decided", map[string]any{"verdict": "tillstyrker", "step": "borgarradsberedningen"}, remiss.KindKS, "Beslut i borgarrådsberedningen: tillstyrker"},
		{"step_approved", map[string]any{"verdict": "godkanner", "step": "slk"}, remiss.KindKS, "Stadsledningskontoret godkände kommunstyrelsens tjänsteutlåtande över remissvaren"},
		{"route_planned", map[string]any{"route": "namnd", "meeting": "bromma.2027-03-18"}, remiss.KindStadsdelsnamnd, "Beslutsväg: beslut i nämnden, sammanträdet 2027-03-18"},
		{"submitted", map[string]any{"late": true}, remiss.KindFacknamnd, "Yttrandet skickades in för godkännande (efter svarsdatum)"},
		{"okänd_åtgärd", nil, remiss.KindFacknamnd, "okänd_åtgärd"},
	} {
		e := store.HistoryEntry{AuditEntry: store.AuditEntry{Action: c.action, Detail: detail(c.detail)}}
		if got := eventWords(e, c.kind, names); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.action, c.detail, got, c.want)
		}
	}
}

func TestWho(t *testing.T) {
	for _, c := range [][3]string{
		{"Anna Andersson", "Bromma stadsdelsnämnd", "Anna Andersson, Bromma stadsdelsnämnd"},
		{"Registrator, Bromma stadsdelsnämnd", "Bromma stadsdelsnämnd", "Registrator, Bromma stadsdelsnämnd"},
		{"Anna Andersson", "", "Anna Andersson"},
	} {
		if got := who(c[0], c[1]); got != c[2] {
			t.Errorf("who(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}
