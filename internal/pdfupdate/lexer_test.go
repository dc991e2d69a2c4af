package pdfupdate

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func lex(s string) *lexer {
	return &lexer{b: []byte(s), bud: newBudget(context.Background(), 1<<20), maxDepth: 8}
}

func TestObjectsAreReadAsPDFWritesThem(t *testing.T) {
	for in, want := range map[string]Object{
		"42":                   int64(42),
		"-17":                  int64(-17),
		"+3":                   int64(3),
		"3.25":                 3.25,
		"-.5":                  -0.5,
		"4.":                   4.0,
		"99999999999999999999": 1e20,
		"true":                 true,
		"null":                 nil,
		"/Name":                Name("Name"),
		"/J#53":                Name("JS"),
		"/":                    Name(""),
		"/A;B":                 Name("A;B"),
		"(a (nested) string)":  String("a (nested) string"),
		`(esc \( \) \\ \n \r \t \b \f \101\60x \8)`: String("esc ( ) \\ \n \r \t \b \f A0x 8"),
		"(line\\\ncontinued)":                       String("linecontinued"),
		"(cr\r\nlf\rcr)":                            String("cr\nlf\ncr"),
		"<48 65 6C6c 6>":                            String("Hell`"),
		"<>":                                        String(""),
		"[1 2 R 3]":                                 Array{Ref{1, 2}, int64(3)},
		"[1 0 R 2 3 4 0 R]":                         Array{Ref{1, 0}, int64(2), int64(3), Ref{4, 0}},
		"<</A 1 0 R/B[/C(x)]>>":                     Dict{"A": Ref{1, 0}, "B": Array{Name("C"), String("x")}},
		"<</A 1 0 R /A 1 0 R>>":                     Dict{"A": Ref{1, 0}},
		"% a comment [ ( <<\n7":                     int64(7),
		"(a %not a comment)":                        String("a %not a comment"),
		"(\\\n3 0 obj <</AA 5 0 R>> endobj)":        String("3 0 obj <</AA 5 0 R>> endobj"),
	} {
		got, err := lex(in).object(0)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %#v, want %#v", in, got, want)
		}
	}
}

func TestMalformedObjectsAreRefused(t *testing.T) {
	for _, in := range []string{
		"(unterminated", "<4G>", "<48", "<</A>>", "<</A 1 /A 2>>", "<</A 1 /B 2 /A 1.0>>", "<<1 2>>", "[1 2", "/A#4", "/A#GG",
		"1e5", "1.2.3", "--1", "[R]", "[1 -2 R]", "endobj", ")", "{", "]", ">>", "",
	} {
		_, err := lex(in).object(0)
		var e *Error
		if !errors.As(err, &e) || !strings.HasPrefix(err.Error(), "PDF-filen kunde inte läsas: ") {
			t.Errorf("%q: %v, want a malformed-file error", in, err)
		}
	}
}

func TestNestingIsBounded(t *testing.T) {
	deep := strings.Repeat("[", 9) + strings.Repeat("]", 9)
	if _, err := lex(deep).object(0); !errors.Is(err, ErrBudget) {
		t.Errorf("nine levels with a limit of eight: %v", err)
	}
	if _, err := lex(deep[1 : len(deep)-1]).object(0); err != nil {
		t.Errorf("eight levels: %v", err)
	}
	huge := strings.Repeat("<</A ", 100000)
	if _, err := lex(huge).object(0); !errors.Is(err, ErrBudget) {
		t.Errorf("100000 levels: %v", err)
	}
}

func TestWorkIsBounded(t *testing.T) {
	l := lex("[" + strings.Repeat("1 ", 1000) + "]")
	l.bud = newBudget(context.Background(), 500)
	if _, err := l.object(0); !errors.Is(err, ErrBudget) {
		t.Errorf("a thousand tokens with a budget of 500: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	l = lex("[" + strings.Repeat("1 ", 10000) + "]")
	l.bud = newBudget(ctx, 1<<20)
	if _, err := l.object(0); !errors.Is(err, context.Canceled) {
		t.Errorf("with a cancelled context: %v", err)
	}
}

func TestTextStringsRoundTrip(t *testing.T) {
	for _, s := range []string{"", "Plain ASCII", "Å ä ö é ” –", ") /AA <</S/JavaScript>> (", "\n3 0 obj", "emoji 🙂", "nul\x00"} {
		enc, err := AppendObject(nil, TextString(s))
		if err != nil {
			t.Fatal(err)
		}
		if enc[0] != '<' || strings.ContainsAny(string(enc[1:len(enc)-1]), "()<>/\n\\ ") {
			t.Errorf("%q is written as %q, not as a bare hex string", s, enc)
		}
		o, err := lex(string(enc)).object(0)
		if err != nil || o.(String).Text() != s {
			t.Errorf("%q: read back %v %v", s, o, err)
		}
	}
}

func TestObjectsRoundTrip(t *testing.T) {
	in := Dict{"Type": Name("Catalog"), "Odd name/#(x)": Name("a b#c"), "K": Array{int64(-1), 2.5, true, nil,
		Ref{7, 2}, String("(\\"), Dict{}}, "F": 0.000001}
	b, err := AppendObject(nil, in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := lex(string(b)).object(0)
	if err != nil || !reflect.DeepEqual(in, out) {
		t.Errorf("%s: %#v %v", b, out, err)
	}
	for _, bad := range []Object{math.Inf(1), math.NaN(), &Stream{}, struct{}{}} {
		if _, err := AppendObject(nil, Array{bad}); err == nil {
			t.Errorf("%#v written", bad)
		}
	}
}
