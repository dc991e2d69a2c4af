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

// archival makes fpdf's output PDF/A-2b by an incremental update: the Info
// dictionary again with dates that carry their UTC offset (fpdf writes none,
// so readers shift them), XMP metadata that agrees with it, an sRGB output
// intent, and a trailer /ID. The catalog already has /Lang from fpdf.
func archival(raw []byte, m meta) ([]byte, error) {
	doc, err := pdfupdate.Parse(raw)
	if err != nil {
		return nil, err
	}
	root, err := doc.Dict(doc.Root)
	if err != nil {
		return nil, err
	}
	if doc.Info == 0 {
		return nil, fmt.Errorf("pdf: fpdf wrote no Info dictionary")
	}
	u := doc.Update()
	icc, xmp := u.New(), u.New()
	u.Stream(icc, " /N 3 /Alternate /DeviceRGB", srgbProfile())
	packet, err := xmpPacket(m)
	if err != nil {
		return nil, err
	}
	u.Stream(xmp, " /Type /Metadata /Subtype /XML", packet)
	date := pdfupdate.Date(m.Date)
	u.Object(doc.Info, []byte(fmt.Sprintf("<</Title %s /Author %s /Subject %s /Creator %s /Producer %s /CreationDate %s /ModDate %s>>",
		pdfupdate.Text(m.Title), pdfupdate.Text(m.Author), pdfupdate.Text(m.Subject), pdfupdate.Text("Remiss"),
		pdfupdate.Text(producer), date, date)))
	u.Object(doc.Root, pdfupdate.InsertBeforeEnd(root, fmt.Sprintf(
		"/Version /1.7 /Metadata %d 0 R /OutputIntents [<</Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) "+
			"/Info (sRGB IEC61966-2.1) /RegistryName (http://www.color.org) /DestOutputProfile %d 0 R>>]", xmp, icc)))
	return u.Finish(), nil
}

func xmpPacket(m meta) ([]byte, error) {
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
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
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
 </rdf:RDF>
</x:xmpmeta>
`, esc(m.Title), esc(m.Author), esc(m.Subject), date, date, date, esc(producer))
	// Room to edit the packet in place, as the XMP specification suggests.
	b.Write(bytes.Repeat([]byte(" "), 512))
	b.WriteString("\n<?xpacket end=\"w\"?>")
	return b.Bytes(), nil
}
