package pdfupdate_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/pdfupdate"
	"github.com/remiss/remiss/internal/pdfupdate/hostile"
	"github.com/remiss/remiss/internal/sign"
)

// fuzzLimits are the default limits with less work and smaller streams,
// so that the fuzzer spends its time on many inputs.
var fuzzLimits = func() pdfupdate.Limits {
	l := pdfupdate.DefaultLimits
	l.MaxWork, l.MaxStream = 2_000_000, 8<<20
	return l
}()

// seeds are the hostile files and files we produce: a rendered statement,
// the same sealed, one with the injection title, the reference
// bomb, the overflowing /ByteRange, and hand-made files with streams.
func seeds(f *testing.F) {
	k, err := sign.EnsureDev(f.TempDir(), nil)
	if err != nil {
		f.Fatal(err)
	}
	seal, _ := k.For("default")
	plain := statement(f, "Strategi")
	sealed, err := seal.SignPDF(plain, sign.Options{At: time.Now(), Name: "Bromma", Reason: "Prov", Location: "Stockholm"})
	if err != nil {
		f.Fatal(err)
	}
	injected, err := seal.SignPDF(statement(f, ") /AA <</S/JavaScript>> (\n5 0 obj"), sign.Options{At: time.Now(), Name: "Bromma"})
	if err != nil {
		f.Fatal(err)
	}
	packed := hostile.Packed(map[int]string{1: catalog, 2: pages, 3: "<</Length 4 0 R>>\nstream\nabcd\nendstream"},
		map[int]string{4: "4", 5: "<</S /JavaScript /JS (x)>>"})
	for _, b := range [][]byte{plain, sealed, injected, hostile.RefBomb(16 << 10), hostile.ByteRangeOverflow(), packed,
		hostile.Build(catalog, pages, "<</Title (\n3 0 obj <</AA <</S /JavaScript>>>> endobj\n)>>")} {
		f.Add(b)
	}
}

func readError(t *testing.T, err error) {
	t.Helper()
	var e *pdfupdate.Error
	if err != nil && !errors.As(err, &e) {
		t.Fatalf("an error that is not a pdfupdate.Error: %v", err)
	}
}

// FuzzRead parses, reads every object, looks for active content, and
// writes every object out and reads it back unchanged.
func FuzzRead(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		d, err := pdfupdate.Open(context.Background(), raw, fuzzLimits)
		readError(t, err)
		if err != nil {
			return
		}
		objs, err := d.Objects()
		readError(t, err)
		_, aerr := pdfupdate.ActiveContent(d)
		readError(t, aerr)
		if err != nil {
			return
		}
		checked := 0
		for n, o := range objs {
			if s, ok := o.(*pdfupdate.Stream); ok {
				o = s.Dict
			}
			if checked++; checked > 20 {
				break
			}
			enc, err := pdfupdate.AppendObject(nil, o)
			if err != nil {
				t.Fatalf("object %d (%#v) cannot be written: %v", n, o, err)
			}
			again := objects(t, hostile.Build(catalog, pages, string(enc)))[3]
			if !reflect.DeepEqual(again, o) {
				t.Fatalf("object %d: %#v written as %s reads as %#v", n, o, enc, again)
			}
		}
	})
}

// FuzzUpdate appends an update (a new object with text from the input, a
// stream, a changed catalog) and reads the result: the old bytes are kept,
// the new objects read back as written, and every other object as before.
func FuzzUpdate(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		d, err := pdfupdate.Open(context.Background(), raw, fuzzLimits)
		if err != nil {
			return
		}
		before, beforeErr := d.Objects()
		root, err := d.Catalog()
		if err != nil {
			return
		}
		text := string(raw[:min(len(raw), 80)])
		u := d.Update()
		n, s := u.New(), u.New()
		u.Object(n, pdfupdate.Dict{"Title": pdfupdate.TextString(text)})
		u.Stream(s, pdfupdate.Dict{}, raw[:min(len(raw), 300)])
		root = root.Clone()
		root["RemissTest"] = n
		u.Object(d.Root, root)
		out, err := u.Finish()
		if d.Encrypted {
			if err == nil {
				t.Fatal("an encrypted file was updated")
			}
			return
		}
		if err != nil {
			t.Fatalf("finish: %v", err)
		}
		if !bytes.HasPrefix(out, raw) {
			t.Fatal("the update rewrote the file")
		}
		d2, err := pdfupdate.Open(context.Background(), out, fuzzLimits)
		if errors.Is(err, pdfupdate.ErrBudget) {
			return // one revision or object more than the limits allow
		}
		if err != nil {
			t.Fatalf("the updated file does not read: %v", err)
		}
		checkUpdate(t, d, d2, n, s, text, raw[:min(len(raw), 300)])
		if beforeErr != nil {
			return
		}
		after, err := d2.Objects()
		if errors.Is(err, pdfupdate.ErrBudget) {
			return
		}
		if err != nil {
			t.Fatalf("the updated file's objects: %v", err)
		}
		for num, o := range before {
			if num != d.Root.Num && !reflect.DeepEqual(after[num], o) {
				t.Fatalf("object %d changed: %#v, was %#v", num, after[num], o)
			}
		}
	})
}

func checkUpdate(t *testing.T, d, d2 *pdfupdate.Doc, n, s pdfupdate.Ref, text string, data []byte) {
	t.Helper()
	root, err := d2.Catalog()
	if err != nil || d2.Root != d.Root || root["RemissTest"] != n {
		t.Fatalf("catalog %v %v", root, err)
	}
	o, err := d2.Dict(n)
	if err != nil {
		t.Fatal(err)
	}
	if got := o["Title"].(pdfupdate.String).Text(); got != string([]rune(text)) {
		t.Fatalf("title %q, want %q", got, text)
	}
	st, err := d2.Resolve(s)
	if err != nil || !bytes.Equal(st.(*pdfupdate.Stream).Raw, data) {
		t.Fatal(fmt.Sprint("stream ", st, err))
	}
}
