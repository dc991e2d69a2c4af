package earchive

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// node is an element of a parsed XML file, with its namespace resolved.
type node struct {
	space, local string
	attrs        []xml.Attr
	children     []*node
	text         string
}

// parseXML reads an XML file into a tree: its root element. It refuses a
// DOCTYPE (no entities are expanded).
func parseXML(data []byte) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var stack []*node
	var root *node
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{space: t.Name.Space, local: t.Name.Local, attrs: t.Attr}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else if root == nil {
				root = n
			} else {
				return nil, errors.New("mer än ett rotelement")
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		case xml.Directive:
			return nil, errors.New("DOCTYPE och andra direktiv tillåts inte")
		}
	}
	if root == nil {
		return nil, errors.New("inget rotelement")
	}
	return root, nil
}

// attr is the attribute space:local ("" when missing); ok says whether it
// is there at all.
func (n *node) attr(space, local string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Local == local && a.Name.Space == space {
			return a.Value, true
		}
	}
	return "", false
}

// a is an attribute without a namespace, or one of METS's extension
// namespaces given as "csip:NAME", "sip:NAME" or "xlink:NAME".
func (n *node) a(name string) string {
	space := ""
	if p, local, ok := strings.Cut(name, ":"); ok {
		space, name = map[string]string{"csip": nsCSIP, "sip": nsSIP, "xlink": nsXlink}[p], local
	}
	v, _ := n.attr(space, name)
	return v
}

// has reports whether the attribute is there and not blank.
func (n *node) has(name string) bool { return strings.TrimSpace(n.a(name)) != "" }

// kids are n's METS children named local.
func (n *node) kids(local string) []*node {
	var out []*node
	for _, c := range n.children {
		if c.space == nsMETS && c.local == local {
			out = append(out, c)
		}
	}
	return out
}

// path is every METS element reached from n by the element names in p,
// separated by "/"; "" is n itself.
func (n *node) path(p string) []*node {
	cur := []*node{n}
	if p == "" {
		return cur
	}
	for _, step := range strings.Split(p, "/") {
		var next []*node
		for _, c := range cur {
			next = append(next, c.kids(step)...)
		}
		cur = next
	}
	return cur
}

// label names an element for a message: its name and ID, if it has one.
func (n *node) label() string {
	if id := n.a("ID"); id != "" {
		return n.local + " " + id
	}
	return n.local
}
