package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
)

// TestFileFieldsAreSpelledAsInJSON checks that every field a starter file
// may hold has the same name in YAML as in the JSON API, where the
// validation messages name it.
func TestFileFieldsAreSpelledAsInJSON(t *testing.T) {
	for _, v := range []any{remiss.Launch{}, remiss.Response{}, rounds.Directory{}, renderFile{}} {
		sameNames(t, reflect.TypeOf(v), map[reflect.Type]bool{})
	}
}

func sameNames(t *testing.T, typ reflect.Type, seen map[reflect.Type]bool) {
	t.Helper()
	for typ.Kind() == reflect.Slice || typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if typ.Kind() != reflect.Struct || seen[typ] {
		return
	}
	seen[typ] = true
	for i := range typ.NumField() {
		f := typ.Field(i)
		yamlName, yamlOpts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		jsonName, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case yamlOpts == "inline":
		case yamlName == "":
			t.Errorf("%s.%s has no yaml name", typ, f.Name)
		case yamlName != jsonName:
			t.Errorf("%s.%s is %q in YAML and %q in JSON", typ, f.Name, yamlName, jsonName)
		}
		sameNames(t, f.Type, seen)
	}
}
