package pdfupdate_test

import (
	"reflect"
	"testing"

	"github.com/remiss/remiss/internal/pdfupdate"
	"github.com/remiss/remiss/internal/pdfupdate/hostile"
)

func TestActiveContentIsFoundWhereverItIs(t *testing.T) {
	const (
		js     = pdfupdate.ActiveJavaScript
		launch = pdfupdate.ActiveLaunch
		open   = pdfupdate.ActiveOpen
		auto   = pdfupdate.ActiveAuto
		files  = pdfupdate.ActiveEmbedded
		rich   = pdfupdate.ActiveRichMedia
		xfa    = pdfupdate.ActiveXFA
	)
	page := func(extra string) []byte {
		return hostile.Build(catalog, "<</Type /Pages /Kids [3 0 R] /Count 1>>",
			"<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"+extra+">>")
	}
	withCatalog := func(extra string, more ...string) []byte {
		return hostile.Build(append([]string{"<</Type /Catalog /Pages 2 0 R" + extra + ">>", pages}, more...)...)
	}
	for name, c := range map[string]struct {
		raw  []byte
		want []string
	}{
		"plain":                      {page(""), nil},
		"a link":                     {page(" /Annots [<</Subtype /Link /A <</S /URI /URI (https://stockholm.se)>>>>]"), nil},
		"opening at a page":          {withCatalog(" /OpenAction [3 0 R /Fit]"), nil},
		"empty /AA":                  {page(" /AA <<>>"), nil},
		"an empty file tree":         {withCatalog(" /Names <</EmbeddedFiles <</Names []>>>>"), nil},
		"JavaScript when opened":     {withCatalog(" /OpenAction 3 0 R", "<</S /JavaScript /JS (app.alert(1))>>"), []string{js, open}},
		"a JavaScript link":          {page(" /Annots [<</Subtype /Link /A <</S /JavaScript /JS 4 0 R>>>>]"), []string{js}},
		"an escaped name":            {page(" /Annots [<</Subtype /Link /A <</S /Java#53cript /J#53 (x)>>>>]"), []string{js}},
		"a JavaScript name tree":     {withCatalog(" /Names <</JavaScript 3 0 R>>", "<</Names [(a) 4 0 R]>>", "<</S /JavaScript /JS (x)>>"), []string{js}},
		"a program launched":         {page(" /Annots [<</Subtype /Link /A <</S /Launch /F (calc.exe)>>>>]"), []string{launch}},
		"going to a page on opening": {withCatalog(" /OpenAction <</S /GoTo /D [3 0 R /Fit] /Next [<</S /GoTo /D [3 0 R /Fit]>>]>>"), nil},
		"going to a page on view":    {page(" /AA <</O <</S /GoTo /D [3 0 R /Fit]>>>>"), nil},
		"a web page on opening":      {withCatalog(" /OpenAction <</S /URI /URI (https://example.com)>>"), []string{open}},
		"a form sent after going":    {withCatalog(" /OpenAction <</S /GoTo /D [3 0 R /Fit] /Next <</S /SubmitForm /F (https://example.com)>>>>"), []string{open}},
		"an automatic page action":   {page(" /AA <</O <</S /Named /N /Print>>>>"), []string{auto}},
		"an embedded file":           {withCatalog(" /Names <</EmbeddedFiles <</Names [(a.exe) 3 0 R]>>>>", "<</Type /Filespec /F (a.exe) /EF <</F 4 0 R>>>>", "<</Type /EmbeddedFile /Length 0>>\nstream\n\nendstream"), []string{files}},
		"rich media":                 {page(" /Annots [<</Subtype /RichMedia /RichMediaContent <<>>>>]"), []string{rich}},
		"an XFA form":                {withCatalog(" /AcroForm <</Fields [] /XFA 3 0 R>>", "<</Length 0>>\nstream\n\nendstream"), []string{xfa}},
		"JavaScript nothing refers":  {withCatalog("", "<</S /JavaScript /JS (x)>>"), []string{js}},
		"JavaScript in an object stream": {hostile.Packed(map[int]string{1: catalog, 2: pages},
			map[int]string{3: "<</S /JavaScript /JS (x)>>"}), []string{js}},
	} {
		d, err := pdfupdate.Parse(c.raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := pdfupdate.ActiveContent(d)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %q %v, want %q", name, got, err, c.want)
		}
	}
}
