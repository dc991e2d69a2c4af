package pdf

import (
	"fmt"
	"strconv"

	"github.com/remiss/remiss/internal/pdfupdate"
)

// pageRefs lists the pages of doc in order, as fpdf writes them: one
// Pages node whose Kids are the pages.
func pageRefs(doc *pdfupdate.Doc, root pdfupdate.Dict) ([]pdfupdate.Ref, error) {
	pages, err := doc.Dict(root["Pages"])
	if err != nil {
		return nil, err
	}
	kids, err := doc.Resolve(pages["Kids"])
	if err != nil {
		return nil, err
	}
	a, ok := kids.(pdfupdate.Array)
	if !ok || len(a) == 0 {
		return nil, fmt.Errorf("pdf: fpdf wrote no pages")
	}
	out := make([]pdfupdate.Ref, len(a))
	for i, k := range a {
		if out[i], ok = k.(pdfupdate.Ref); !ok {
			return nil, fmt.Errorf("pdf: a page is not an indirect object")
		}
	}
	return out, nil
}

// writeTree writes the structure tree t recorded on pages: its elements,
// the parent tree (page i's StructParents is i-1) and the
// StructTreeRoot, which it returns. Elements hold only names, numbers and
// references, so they are written directly.
func writeTree(u *pdfupdate.Update, t *tagger, pages []pdfupdate.Ref) pdfupdate.Ref {
	treeRoot := u.New()
	var all []*node
	var number func(n *node)
	number = func(n *node) {
		n.num = u.New().Num
		all = append(all, n)
		for _, k := range n.kids {
			if c, ok := k.(*node); ok {
				number(c)
			}
		}
	}
	number(t.root)
	pageRef := make([]string, len(pages)+1)
	for i, p := range pages {
		pageRef[i+1] = strconv.Itoa(p.Num) + " " + strconv.Itoa(p.Gen) + " R"
	}
	ref := func(b []byte, num int) []byte {
		return append(strconv.AppendInt(b, int64(num), 10), " 0 R"...)
	}
	var b []byte
	for _, n := range all {
		b = append(b[:0], "<</Type /StructElem /S /"...)
		b = append(b, n.typ...)
		b = append(b, " /P "...)
		if n.parent == nil {
			b = ref(b, treeRoot.Num)
		} else {
			b = ref(b, n.parent.num)
		}
		pg := 0
		for _, k := range n.kids {
			if m, ok := k.(mcr); ok {
				pg = m.page
				break
			}
		}
		if pg > 0 {
			b = append(append(b, " /Pg "...), pageRef[pg]...)
		}
		switch {
		case n.scope != "":
			b = append(append(append(b, " /A <</O /Table /Scope /"...), n.scope...), ">>"...)
		case n.numbering != "":
			b = append(append(append(b, " /A <</O /List /ListNumbering /"...), n.numbering...), ">>"...)
		}
		b = append(b, " /K ["...)
		for i, k := range n.kids {
			if i > 0 {
				b = append(b, ' ')
			}
			switch k := k.(type) {
			case *node:
				b = ref(b, k.num)
			case mcr:
				if k.page == pg {
					b = strconv.AppendInt(b, int64(k.mcid), 10)
				} else {
					b = append(append(b, "<</Type /MCR /Pg "...), pageRef[k.page]...)
					b = append(strconv.AppendInt(append(b, " /MCID "...), int64(k.mcid), 10), ">>"...)
				}
			}
		}
		b = append(b, "]>>"...)
		u.Begin(pdfupdate.Ref{Num: n.num})
		u.Write(b)
		u.End()
	}
	parents := u.New()
	b = append(b[:0], "<</Nums ["...)
	for p := 1; p <= len(pages); p++ {
		b = append(strconv.AppendInt(append(b, '\n'), int64(p-1), 10), " ["...)
		if p < len(t.mcids) {
			for i, n := range t.mcids[p] {
				if i > 0 {
					b = append(b, ' ')
				}
				b = ref(b, n.num)
			}
		}
		b = append(b, ']')
	}
	b = append(b, "]>>"...)
	u.Begin(parents)
	u.Write(b)
	u.End()
	u.Object(treeRoot, pdfupdate.Dict{"Type": pdfupdate.Name("StructTreeRoot"), "K": pdfupdate.Ref{Num: t.root.num},
		"ParentTree": parents, "ParentTreeNextKey": int64(len(pages))})
	return treeRoot
}
