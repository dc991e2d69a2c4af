package pdfupdate

// Kinds of active content, as named to the user who uploaded the file.
const (
	ActiveJavaScript = "JavaScript"
	ActiveLaunch     = "start av program (/Launch)"
	ActiveOpen       = "en åtgärd när dokumentet öppnas (/OpenAction)"
	ActiveAuto       = "automatiska åtgärder (/AA)"
	ActiveEmbedded   = "inbäddade filer"
	ActiveRichMedia  = "multimedia (/RichMedia)"
	ActiveXFA        = "XFA-formulär"
)

// ActiveContent reads every object of d and lists the kinds of active
// content it holds: JavaScript, /Launch, /OpenAction or /AA with actions,
// embedded files, rich media, XFA forms. The list is empty for an inert
// document; an error is a file that cannot be read (every object must).
func ActiveContent(d *Doc) ([]string, error) {
	objs, err := d.Objects()
	if err != nil {
		return nil, err
	}
	found := map[string]bool{}
	w := activeWalker{doc: d, found: found}
	if err := w.walk(d.Trailer); err != nil {
		return nil, err
	}
	for _, o := range objs {
		if err := w.walk(o); err != nil {
			return nil, err
		}
	}
	var out []string
	for _, k := range []string{ActiveJavaScript, ActiveLaunch, ActiveOpen, ActiveAuto, ActiveEmbedded, ActiveRichMedia, ActiveXFA} {
		if found[k] {
			out = append(out, k)
		}
	}
	return out, nil
}

type activeWalker struct {
	doc   *Doc
	found map[string]bool
}

// walk looks through o's direct values; each indirect object is walked on
// its own, so references are not followed (but for /OpenAction and /AA,
// whose values say whether they hold actions).
func (w activeWalker) walk(o Object) error {
	if err := w.doc.bud.spend(1); err != nil {
		return err
	}
	switch v := o.(type) {
	case *Stream:
		return w.walk(v.Dict)
	case Array:
		for _, e := range v {
			if err := w.walk(e); err != nil {
				return err
			}
		}
	case Dict:
		if err := w.dict(v); err != nil {
			return err
		}
		for _, e := range v {
			if err := w.walk(e); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w activeWalker) dict(v Dict) error {
	s, _ := v.Name("S")
	typ, _ := v.Name("Type")
	sub, _ := v.Name("Subtype")
	_, js := v["JS"]
	_, jsNames := v["JavaScript"]
	files, err := w.nonEmptyTree(v["EmbeddedFiles"])
	if err != nil {
		return err
	}
	_, ef := v["EF"]
	_, rich := v["RichMediaContent"]
	_, xfa := v["XFA"]
	w.found[ActiveJavaScript] = w.found[ActiveJavaScript] || s == "JavaScript" || js || jsNames
	w.found[ActiveLaunch] = w.found[ActiveLaunch] || s == "Launch"
	w.found[ActiveEmbedded] = w.found[ActiveEmbedded] || s == "GoToE" || typ == "EmbeddedFile" || files || ef
	w.found[ActiveRichMedia] = w.found[ActiveRichMedia] || sub == "RichMedia" || rich
	w.found[ActiveXFA] = w.found[ActiveXFA] || xfa
	if oa, ok := v["OpenAction"]; ok {
		// A destination (an array) only shows a page; a dictionary is an
		// action.
		a, err := w.doc.Resolve(oa)
		if err != nil {
			return err
		}
		if _, isAction := a.(Dict); isAction {
			w.found[ActiveOpen] = true
		}
	}
	if aa, ok := v["AA"]; ok {
		a, err := w.doc.Resolve(aa)
		if err != nil {
			return err
		}
		if ad, ok := a.(Dict); ok && len(ad) > 0 {
			w.found[ActiveAuto] = true
		}
	}
	return nil
}

// nonEmptyTree reports whether o is a name tree with entries: fpdf, for
// one, writes an empty /EmbeddedFiles tree in every file.
func (w activeWalker) nonEmptyTree(o Object) (bool, error) {
	t, err := w.doc.Resolve(o)
	if err != nil {
		return false, err
	}
	d, ok := t.(Dict)
	if !ok {
		return t != nil, nil
	}
	names, _ := w.doc.Resolve(d["Names"])
	kids, _ := w.doc.Resolve(d["Kids"])
	n, _ := names.(Array)
	k, _ := kids.(Array)
	return len(n) > 0 || len(k) > 0, nil
}
