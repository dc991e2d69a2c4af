package earchive

import (
	"encoding/xml"

	"github.com/remiss/remiss/internal/remiss"
)

var stockholm = remiss.Stockholm

// The namespaces and values of E-ARK CSIP 2.2 and SIP 2.2.
const (
	nsMETS                 = "http://www.loc.gov/METS/"
	nsCSIP                 = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
	nsSIP                  = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
	nsXlink                = "http://www.w3.org/1999/xlink"
	nsXSI                  = "http://www.w3.org/2001/XMLSchema-instance"
	ProfileSIP             = "https://earksip.dilcis.eu/profile/E-ARK-SIP-v2-2-0.xml"
	ContentInformationType = "citserms_v3_0"
)

// A METS document, written with METS as the default namespace and the
// csip, sip and xlink attributes prefixed. The element order follows
// mets.xsd.
type metsDoc struct {
	XMLName        xml.Name `xml:"mets"`
	Xmlns          string   `xml:"xmlns,attr"`
	XmlnsXlink     string   `xml:"xmlns:xlink,attr"`
	XmlnsCSIP      string   `xml:"xmlns:csip,attr"`
	XmlnsSIP       string   `xml:"xmlns:sip,attr"`
	XmlnsXSI       string   `xml:"xmlns:xsi,attr"`
	SchemaLocation string   `xml:"xsi:schemaLocation,attr"`
	OBJID          string   `xml:"OBJID,attr"`
	Label          string   `xml:"LABEL,attr"`
	Type           string   `xml:"TYPE,attr"`
	OtherType      string   `xml:"csip:OTHERTYPE,attr"`
	ContentType    string   `xml:"csip:CONTENTINFORMATIONTYPE,attr"`
	Profile        string   `xml:"PROFILE,attr"`
	Hdr            metsHdr  `xml:"metsHdr"`
	DmdSecs        []dmdSec `xml:"dmdSec"`
	FileSec        fileSec  `xml:"fileSec"`
	StructMap      struct {
		ID    string  `xml:"ID,attr"`
		Type  string  `xml:"TYPE,attr"`
		Label string  `xml:"LABEL,attr"`
		Div   metsDiv `xml:"div"`
	} `xml:"structMap"`
}

type metsHdr struct {
	CreateDate   string      `xml:"CREATEDATE,attr"`
	RecordStatus string      `xml:"RECORDSTATUS,attr"`
	PackageType  string      `xml:"csip:OAISPACKAGETYPE,attr"`
	Agents       []metsAgent `xml:"agent"`
}

type metsAgent struct {
	Role      string    `xml:"ROLE,attr"`
	Type      string    `xml:"TYPE,attr"`
	OtherType string    `xml:"OTHERTYPE,attr,omitempty"`
	Name      string    `xml:"name"`
	Note      *metsNote `xml:"note"`
}

type metsNote struct {
	Type  string `xml:"csip:NOTETYPE,attr,omitempty"`
	Value string `xml:",chardata"`
}

type dmdSec struct {
	ID      string `xml:"ID,attr"`
	Created string `xml:"CREATED,attr"`
	Status  string `xml:"STATUS,attr"`
	MdRef   mdRef  `xml:"mdRef"`
}

type mdRef struct {
	LocType      string `xml:"LOCTYPE,attr"`
	XlinkType    string `xml:"xlink:type,attr"`
	Href         string `xml:"xlink:href,attr"`
	MDType       string `xml:"MDTYPE,attr"`
	OtherMDType  string `xml:"OTHERMDTYPE,attr"`
	MimeType     string `xml:"MIMETYPE,attr"`
	Size         int    `xml:"SIZE,attr"`
	Created      string `xml:"CREATED,attr"`
	Checksum     string `xml:"CHECKSUM,attr"`
	ChecksumType string `xml:"CHECKSUMTYPE,attr"`
}

type fileSec struct {
	ID     string    `xml:"ID,attr"`
	Groups []fileGrp `xml:"fileGrp"`
}

type fileGrp struct {
	ID          string     `xml:"ID,attr"`
	Use         string     `xml:"USE,attr"`
	ContentType string     `xml:"csip:CONTENTINFORMATIONTYPE,attr,omitempty"`
	Files       []metsFile `xml:"file"`
}

type metsFile struct {
	ID           string `xml:"ID,attr"`
	MimeType     string `xml:"MIMETYPE,attr"`
	Size         int    `xml:"SIZE,attr"`
	Created      string `xml:"CREATED,attr"`
	Checksum     string `xml:"CHECKSUM,attr"`
	ChecksumType string `xml:"CHECKSUMTYPE,attr"`
	FormatName   string `xml:"sip:FILEFORMATNAME,attr,omitempty"`
	FLocat       struct {
		LocType   string `xml:"LOCTYPE,attr"`
		XlinkType string `xml:"xlink:type,attr"`
		Href      string `xml:"xlink:href,attr"`
	} `xml:"FLocat"`
}

type metsDiv struct {
	ID    string    `xml:"ID,attr"`
	Label string    `xml:"LABEL,attr"`
	DMDID string    `xml:"DMDID,attr,omitempty"`
	Fptr  []fptr    `xml:"fptr"`
	Mptr  *mptr     `xml:"mptr"`
	Divs  []metsDiv `xml:"div"`
}

type fptr struct {
	FileID string `xml:"FILEID,attr"`
}

type mptr struct {
	LocType   string `xml:"LOCTYPE,attr"`
	XlinkType string `xml:"xlink:type,attr"`
	Href      string `xml:"xlink:href,attr"`
	Title     string `xml:"xlink:title,attr"`
}

// newMETS is a METS document with the header every METS file of a package
// shares: the software that made it, the archival creator, the
// submitting organisation and the person who made the package.
func newMETS(objID, label string, c Case, schemas string) metsDoc {
	m := metsDoc{Xmlns: nsMETS, XmlnsXlink: nsXlink, XmlnsCSIP: nsCSIP, XmlnsSIP: nsSIP, XmlnsXSI: nsXSI,
		SchemaLocation: nsMETS + " " + schemas + "mets.xsd " + nsXlink + " " + schemas + "xlink.xsd " +
			nsCSIP + " " + schemas + "DILCISExtensionMETS.xsd " + nsSIP + " " + schemas + "DILCISExtensionSIPMETS.xsd",
		OBJID: objID, Label: label, Type: "OTHER", OtherType: "Ärendeakt", ContentType: ContentInformationType, Profile: ProfileSIP,
		Hdr: metsHdr{CreateDate: dateTime(c.ExportedAt), RecordStatus: "NEW", PackageType: "SIP", Agents: []metsAgent{
			{Role: "CREATOR", Type: "OTHER", OtherType: "SOFTWARE", Name: "Remiss", Note: &metsNote{Type: "SOFTWARE VERSION", Value: Version()}},
			{Role: "ARCHIVIST", Type: "ORGANIZATION", Name: c.Owner.Name},
			{Role: "CREATOR", Type: "ORGANIZATION", Name: c.Owner.Name},
			{Role: "CREATOR", Type: "INDIVIDUAL", Name: c.ExportedBy.Name},
		}},
	}
	return m
}

func file(id, mime, href string, e entry, format string) metsFile {
	f := metsFile{ID: id, MimeType: mime, Size: len(e.data), Created: dateTime(e.created), Checksum: e.sha256(),
		ChecksumType: "SHA-256", FormatName: format}
	f.FLocat.LocType, f.FLocat.XlinkType, f.FLocat.Href = "URL", "simple", href
	return f
}
