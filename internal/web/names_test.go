package web

import (
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/remiss/remiss/internal/remiss"
)

// jsonNames are the JSON names of a struct's fields, and of the fields of
// the structs in its lists under "list.field".
func jsonNames(typ reflect.Type) []string {
	var out []string
	for i := range typ.NumField() {
		f := typ.Field(i)
		if f.Tag.Get("validate") == "isdefault" {
			continue // never set through the API or a form (Response.File)
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		out = append(out, name)
		if f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct {
			for _, sub := range jsonNames(f.Type.Elem()) {
				out = append(out, name+"."+sub)
			}
		}
	}
	slices.Sort(out)
	return out
}

// schemaNames are the property names of an OpenAPI object schema, in the
// same form.
func schemaNames(schema map[string]any) []string {
	var out []string
	for name, prop := range schema["properties"].(map[string]any) {
		out = append(out, name)
		if items, ok := prop.(map[string]any)["items"].(map[string]any); ok && items["type"] == "object" {
			for _, sub := range schemaNames(items) {
				out = append(out, name+"."+sub)
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestOpenAPINamesTheFieldsAsTheAPIReadsThem checks that every request
// body the API decodes into a domain type is documented with that type's
// JSON names, no more and no fewer.
func TestOpenAPINamesTheFieldsAsTheAPIReadsThem(t *testing.T) {
	for schema, v := range map[string]any{"Launch": remiss.Launch{}, "Response": remiss.Response{},
		"NewMeeting": remiss.NewMeeting{}, "Minutes": remiss.Minutes{}, "StepDecision": remiss.StepDecision{}} {
		want, got := jsonNames(reflect.TypeOf(v)), schemaNames(schemas[schema].(map[string]any))
		if !slices.Equal(got, want) {
			t.Errorf("schema %s has %v, the API reads %v", schema, got, want)
		}
	}
}

// TestAnswerFormPostsTheJSONNames checks that the answer form's fields are
// named as in the JSON API and the starter files.
func TestAnswerFormPostsTheJSONNames(t *testing.T) {
	form := url.Values{}
	for _, name := range jsonNames(reflect.TypeOf(remiss.Response{})) {
		if !strings.Contains(name, ".") {
			form.Set(name, "x")
		}
	}
	form.Set("signatories", "Lars Wennberg, direktör")
	r := httptest.NewRequest("POST", "/uppdrag/x/svar", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	got := reflect.ValueOf(formResponse(r))
	for i := range got.NumField() {
		if got.Field(i).IsZero() && got.Type().Field(i).Tag.Get("validate") != "isdefault" {
			t.Errorf("the form does not fill %s", got.Type().Field(i).Name)
		}
	}
}
