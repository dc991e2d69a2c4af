package pdf

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"time"

	"github.com/remiss/remiss/internal/pdfupdate"
)

// producer names what made the file, identically in Info and XMP.
const producer = "Remiss (codeberg.org/go-pdf/fpdf)"

// meta is a document's metadata, written identically into the Info
// dictionary and the XMP packet, as PDF/A requires.
type meta struct {
	Title, Author, Subject string
	Date                   time.Time
}

// archival makes fpdf's output PDF/A-2a and PDF/UA-1 by an incremental
// update: the Info dictionary with the document's metadata (fpdf is given
// none, so no text of ours passes through its writer) and dates that carry
// their UTC offset, XMP metadata that agrees with it and declares both
// conformances, an sRGB output intent, and a trailer /ID; and the tagging
// (tags.go): the structure tree recorded while drawing, each page's
// /StructParents and /Tabs /S, /MarkInfo, and the title as the window's.
// The catalog already has /Lang from fpdf. Every string is written in hex,
// and XMP text is XML-escaped, so no title can be taken for structure.
func archival(raw []byte, m meta, tags *tagger) ([]byte, error) {
	doc, err := pdfupdate.Parse(raw)
	if err != nil {
		return nil, err
	}
	root, err := doc.Catalog()
	if err != nil {
		return nil, err
	}
	if doc.Info.Num == 0 {
		return nil, fmt.Errorf("pdf: fpdf wrote no Info dictionary")
	}
	pages, err := pageRefs(doc, root)
	if err != nil {
		return nil, err
	}
	// About what the update writes: each element of the structure tree
	// and its entry in the parent tree, each page, the profile, the
	// metadata.
	u := doc.UpdateWithRoom(128*tags.nodes + 128*len(pages) + len(srgbCompressed()) + 8<<10)
	tree := writeTree(u, tags, pages)
	for i, ref := range pages {
		page, err := doc.Dict(ref)
		if err != nil {
			return nil, err
		}
		page = page.Clone()
		page["StructParents"], page["Tabs"] = int64(i), pdfupdate.Name("S")
		u.Object(ref, page)
	}
	icc, xmp := u.New(), u.New()
	u.Stream(icc, pdfupdate.Dict{"N": int64(3), "Alternate": pdfupdate.Name("DeviceRGB"), "Filter": pdfupdate.Name("FlateDecode")},
		srgbCompressed())
	u.Stream(xmp, pdfupdate.Dict{"Type": pdfupdate.Name("Metadata"), "Subtype": pdfupdate.Name("XML")}, xmpPacket(m))
	date := pdfupdate.Date(m.Date)
	u.Object(doc.Info, pdfupdate.Dict{"Title": pdfupdate.TextString(m.Title), "Author": pdfupdate.TextString(m.Author),
		"Subject": pdfupdate.TextString(m.Subject), "Creator": pdfupdate.TextString("Remiss"),
		"Producer": pdfupdate.TextString(producer), "CreationDate": date, "ModDate": date})
	srgb := pdfupdate.TextString("sRGB IEC61966-2.1")
	root = root.Clone()
	root["Version"], root["Metadata"] = pdfupdate.Name("1.7"), xmp
	root["StructTreeRoot"], root["MarkInfo"] = tree, pdfupdate.Dict{"Marked": true}
	root["ViewerPreferences"] = pdfupdate.Dict{"DisplayDocTitle": true}
	root["OutputIntents"] = pdfupdate.Array{pdfupdate.Dict{"Type": pdfupdate.Name("OutputIntent"), "S": pdfupdate.Name("GTS_PDFA1"),
		"OutputConditionIdentifier": srgb, "Info": srgb, "RegistryName": pdfupdate.TextString("http://www.color.org"),
		"DestOutputProfile": icc}}
	u.Object(doc.Root, root)
	return u.Finish()
}

// pdfuaExtension describes the pdfuaid schema, which XMP does not
// predefine, as PDF/A requires of every schema it does not know.
const pdfuaExtension = `  <rdf:Description rdf:about=""
    xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
    xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   <pdfaExtension:schemas>
    <rdf:Bag>
     <rdf:li rdf:parseType="Resource">
      <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
      <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
      <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
      <pdfaSchema:property>
       <rdf:Seq>
        <rdf:li rdf:parseType="Resource">
         <pdfaProperty:name>part</pdfaProperty:name>
         <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
         <pdfaProperty:category>internal</pdfaProperty:category>
         <pdfaProperty:description>Indicates which part of ISO 14289 the document conforms to</pdfaProperty:description>
        </rdf:li>
       </rdf:Seq>
      </pdfaSchema:property>
     </rdf:li>
    </rdf:Bag>
   </pdfaExtension:schemas>
  </rdf:Description>`

func xmpPacket(m meta) []byte {
	esc := func(s string) string {
		var b bytes.Buffer
		xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	date := m.Date.Format("2006-01-02T15:04:05-07:00")
	var b bytes.Buffer
	b.WriteString("<?xpacket begin=\"\ufeff\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n")
	fmt.Fprintf(&b, `<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>A</pdfaid:conformance>
   <pdfuaid:part>1</pdfuaid:part>
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">%s</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>%s</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">%s</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>sv-SE</rdf:li></rdf:Bag></dc:language>
   <xmp:CreatorTool>Remiss</xmp:CreatorTool>
   <xmp:CreateDate>%s</xmp:CreateDate>
   <xmp:ModifyDate>%s</xmp:ModifyDate>
   <xmp:MetadataDate>%s</xmp:MetadataDate>
   <pdf:Producer>%s</pdf:Producer>
  </rdf:Description>
`+pdfuaExtension+`
 </rdf:RDF>
</x:xmpmeta>
`, esc(m.Title), esc(m.Author), esc(m.Subject), date, date, date, esc(producer))
	// Room to edit the packet in place, as the XMP specification suggests.
	b.Write(bytes.Repeat([]byte(" "), 512))
	b.WriteString("\n<?xpacket end=\"w\"?>")
	return b.Bytes()
}
