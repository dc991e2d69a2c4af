package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

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

func readYAML(path string, v any) error {
	if path == "" {
		return errors.New("ange en fil med -f")
	}
	body, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(body))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return yamlError(path, err)
	}
	return nil
}

var (
	reUnknownField = regexp.MustCompile(`^line (\d+): field (\S+) not found`)
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
			fields = append(fields, remiss.FieldError{Field: m[2], Message: "Okänt fält (rad " + m[1] + ")"})
		default:
			if m := reWrongType.FindStringSubmatch(e); m != nil {
				msg := "Fel typ av värde"
				if strings.HasPrefix(m[2], "[]") {
					msg += "; här väntas en lista"
				}
				fields = append(fields, remiss.FieldError{Field: "rad " + m[1], Message: msg})
			} else {
				fields = append(fields, remiss.FieldError{Field: "fil", Message: e})
			}
		}
	}
	return &remiss.Error{Kind: remiss.KindInvalid, Reason: path + " innehåller fel", Fields: fields}
}
