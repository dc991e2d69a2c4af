package activities

import (
	"context"

	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// DelegationListInput asks for the PDF of an anmälan av delegationsbeslut
// the registrator has stored.
type DelegationListInput struct {
	Org      string
	ReportID string
}

// DelegationListDocumentID is the list of one report.
func DelegationListDocumentID(reportID string) string { return "delegation_list." + reportID }

// RenderDelegationList renders, seals and stores the list of decisions on
// delegation reported at a meeting, and names it on the report. Done
// once: a report that has its document is left as it is.
func (a *Activities) RenderDelegationList(ctx context.Context, in DelegationListInput) (DocumentResult, error) {
	rep, err := a.Store.DelegationReport(ctx, in.Org, in.ReportID)
	if err != nil {
		return DocumentResult{}, nonRetryableIfNotFound(err)
	}
	if rep.DocumentID != "" {
		doc, err := a.Store.Document(ctx, rep.DocumentID)
		return DocumentResult{DocumentID: doc.ID, SHA256: doc.SHA256}, err
	}
	org, err := a.Store.Org(ctx, in.Org)
	if err != nil {
		return DocumentResult{}, nonRetryableIfNotFound(err)
	}
	decided, err := a.Store.DelegatedDecisions(ctx, in.Org, rep.ID)
	if err != nil {
		return DocumentResult{}, err
	}
	data := pdf.DelegationListData{Body: org.Name, Date: rep.ReportedAt.In(remiss.Stockholm), MeetingDate: rep.HeldOn, Paragraph: rep.Paragraph}
	for _, d := range decided {
		data.Decisions = append(data.Decisions, pdf.DelegatedDecision{Dnr: d.Dnr, Title: d.Title,
			Date: d.DecidedOn(), Delegation: d.DelegationRef,
			DecidedBy: pdf.Signatory{Name: orName(d.DecidedByName, d.RecordedBy), Title: d.DecidedByTitle}})
	}
	registrar, err := a.user(ctx, rep.ReportedBy)
	if err != nil {
		return DocumentResult{}, err
	}
	data.Registrar = pdf.Signatory{Name: orName(registrar.DisplayName, rep.ReportedBy), Title: registrar.Title}
	doc, err := a.delegationDocument(ctx, org, rep, data)
	if err != nil {
		return DocumentResult{}, err
	}
	if err := a.Store.SetDelegationReportDocument(ctx, rep.ID, doc.ID); err != nil {
		return DocumentResult{}, err
	}
	return DocumentResult{DocumentID: doc.ID, SHA256: doc.SHA256}, nil
}

func (a *Activities) delegationDocument(ctx context.Context, org remiss.Org, rep store.DelegationReport, data pdf.DelegationListData) (store.Document, error) {
	body, err := pdf.DelegationList(data)
	if err != nil {
		return store.Document{}, err
	}
	if body, err = a.seal(org.Code, body, org.Name, "Anmälan av delegationsbeslut "+rep.HeldOn+" "+rep.Paragraph); err != nil {
		return store.Document{}, err
	}
	return a.keep(ctx, store.Document{ID: DelegationListDocumentID(rep.ID), Kind: "delegation_list",
		Filename: "delegationsbeslut-" + org.Code + "-" + rep.HeldOn + ".pdf", Content: body})
}

// orName is a person's name, or their username when the name is unknown.
func orName(name, username string) string {
	if name == "" {
		return username
	}
	return name
}
