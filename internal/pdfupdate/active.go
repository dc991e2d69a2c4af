package pdfupdate

// Kinds of active content, as named to the user who uploaded the file.
const (
	ActiveJavaScript = "JavaScript"
	ActiveLaunch     = "start av program (/Launch)"
	ActiveOpen       = "en åtgärd när dokumentet öppnas (/OpenAction)"
	ActiveAuto       = "automatiska åtgärder (/AA)"
	// (An /OpenAction or /AA that only goes to a page is no active content.)
	ActiveEmbedded  = "inbäddade filer"
	ActiveRichMedia = "multimedia (/RichMedia)"
	ActiveXFA       = "XFA-formulär"
)

// ActiveContent reads every object of d and lists the kinds of active
// content it holds: JavaScript, /Launch, /OpenAction or /AA with actions
// other than going to a page of the document, embedded files, rich media,
// XFA forms. The list is empty for an inert
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
		// A destination (an array), or an action that only goes to a page
		// (as LaTeX's hyperref writes), shows a page; any other runs.
		nav, err := w.navigation(oa, 0)
		if err != nil {
			return err
		}
		w.found[ActiveOpen] = w.found[ActiveOpen] || !nav
	}
	if aa, ok := v["AA"]; ok {
		a, err := w.doc.Resolve(aa)
		if err != nil {
			return err
		}
		ad, _ := a.(Dict)
		for _, action := range ad {
			nav, err := w.navigation(action, 0)
			if err != nil {
				return err
			}
			w.found[ActiveAuto] = w.found[ActiveAuto] || !nav
		}
	}
	return nil
}

// navigation reports whether o is a destination, or a chain (/Next) of
// GoTo actions within the document.
func (w activeWalker) navigation(o Object, depth int) (bool, error) {
	if depth > 8 {
		return false, nil
	}
	a, err := w.doc.Resolve(o)
	if err != nil {
		return false, err
	}
	switch v := a.(type) {
	case nil, String, Name:
		return true, nil // no action, or a named destination
	case Array:
		if depth == 0 || len(v) == 0 {
			return true, nil // an explicit destination
		}
		for _, next := range v { // /Next as an array of actions
			if nav, err := w.navigation(next, depth+1); err != nil || !nav {
				return false, err
			}
		}
		return true, nil
	case Dict:
		if s, _ := v.Name("S"); s != "GoTo" {
			return false, nil
		}
		next, ok := v["Next"]
		if !ok {
			return true, nil
		}
		if arr, isArr := next.(Array); isArr && len(arr) == 0 {
			return true, nil
		}
		return w.navigation(next, depth+1)
	}
	return false, nil
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
