package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/remiss/remiss/internal/remiss"
	"gopkg.in/yaml.v3"
)

// reject reports a file's validation errors by field.
func reject(err error) error {
	if e, ok := remiss.AsError(remiss.Invalid(err)); ok && e.Kind == remiss.KindInvalid && len(e.Fields) > 0 {
		e.Reason = "filen innehåller fel"
		return e
	}
	return err
}

// maxYAML bounds a file the starter reads: a launch, an answer or an
// installation's directory is far smaller.
const maxYAML = 1 << 20

// maxYAMLDepth bounds how deeply a file's values nest; ours nest three
// levels.
const maxYAMLDepth = 50

func readYAML(path string, v any) error {
	if path == "" {
		return errors.New("ange en fil med -f")
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	body, err := io.ReadAll(io.LimitReader(f, maxYAML+1))
	if err != nil {
		return err
	}
	return decodeYAML(path, body, v)
}

// decodeYAML reads the one YAML document in body into v, refusing fields
// v does not have, more than one document, aliases (a file of ours needs
// none, and aliases can make a small file a huge value) and binary values
// (they would put bytes that are not text into a text field).
func decodeYAML(name string, body []byte, v any) error {
	if len(body) > maxYAML {
		return fmt.Errorf("%s är för stor: högst %d kB", name, maxYAML>>10)
	}
	dec := yaml.NewDecoder(bytes.NewReader(body))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return yamlError(name, err)
	}
	if err := plainYAML(&doc, 0); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := dec.Decode(new(yaml.Node)); err != io.EOF {
		return fmt.Errorf("%s innehåller mer än ett YAML-dokument", name)
	}
	strict := yaml.NewDecoder(bytes.NewReader(body))
	strict.KnownFields(true)
	if err := strict.Decode(v); err != nil {
		return yamlError(name, err)
	}
	return nil
}

// plainYAML refuses aliases, binary values and values nested deeper than
// maxYAMLDepth.
func plainYAML(n *yaml.Node, depth int) error {
	switch {
	case depth > maxYAMLDepth:
		return fmt.Errorf("värdena är nästlade djupare än %d nivåer (rad %d)", maxYAMLDepth, n.Line)
	case n.Kind == yaml.AliasNode:
		return fmt.Errorf("alias (*%s, rad %d) används inte i filen; skriv ut värdet", n.Value, n.Line)
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!binary":
		return fmt.Errorf("binärdata (!!binary, rad %d) används inte i filen; skriv texten", n.Line)
	}
	for _, c := range n.Content {
		if err := plainYAML(c, depth+1); err != nil {
			return err
		}
	}
	return nil
}

var (
	reUnknownField = regexp.MustCompile(`^line (\d+): field (.*) not found in type`)
	reWrongType    = regexp.MustCompile(`^line (\d+): cannot unmarshal .* into (\S+)`)
	reSyntax       = regexp.MustCompile(`line (\d+)`)
)

// yamlError lists a file's YAML problems by field, in Swedish.
func yamlError(path string, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		line := ""
		if m := reSyntax.FindStringSubmatch(err.Error()); m != nil {
			line = " (rad " + m[1] + ")"
		}
		return fmt.Errorf("%s är inte giltig YAML%s", path, line)
	}
	var fields remiss.FieldErrors
	for _, e := range te.Errors {
		switch m := reUnknownField.FindStringSubmatch(e); {
		case m != nil:
			name := m[2]
			switch {
			case strings.TrimSpace(name) == "":
				name = "rad " + m[1] // a field without a name
			case !utf8.ValidString(name) || strings.ContainsFunc(name, func(r rune) bool { return !unicode.IsGraphic(r) }):
				// A name from the file with a tab, a control character or
				// broken UTF-8 is shown escaped, as it would be typed.
				name = strconv.QuoteToGraphic(name)
			}
			fields = append(fields, remiss.FieldError{Field: name, Message: "Okänt fält (rad " + m[1] + ")"})
		default:
			if m := reWrongType.FindStringSubmatch(e); m != nil {
				msg := "Fel typ av värde"
				if strings.HasPrefix(m[2], "[]") {
					msg += "; här väntas en lista"
				}
				fields = append(fields, remiss.FieldError{Field: "rad " + m[1], Message: msg})
			} else {
				// Whatever else the YAML library says is in English.
				msg := "Kan inte läsas"
				if m := reSyntax.FindStringSubmatch(e); m != nil {
					msg += " (rad " + m[1] + ")"
				}
				fields = append(fields, remiss.FieldError{Field: "fil", Message: msg})
			}
		}
	}
	return &remiss.Error{Kind: remiss.KindInvalid, Reason: path + " innehåller fel", Fields: fields}
}
