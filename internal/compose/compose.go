// Package compose lays out a tjänsteutlåtande from what is stored: a
// recipient's answer to the remiss, or kommunstyrelsen's own statement on
// the answers, whose table, bilagor and first draft come from the round.
// The activity that seals a statement and the pages and API that preview a
// draft use the same layout, so the preview is the document.
package compose

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// Statement lays out content as the tjänsteutlåtande of assignment a of
// round rm, by organisation org, dated at.
func Statement(ctx context.Context, st *store.Store, a store.Assignment, rm store.Remiss, org remiss.Org, content remiss.Response, at time.Time) (pdf.StatementData, error) {
	if a.Kind == remiss.KindStatement {
		c, err := Round(ctx, st, rm, org)
		if err != nil {
			return pdf.StatementData{}, err
		}
		return pdf.KSStatementOf(c, content, at), nil
	}
	meeting, err := st.DecidingMeeting(ctx, a, a.Route, remiss.Today(at))
	if err != nil {
		return pdf.StatementData{}, err
	}
	return pdf.StatementOf(pdf.Case{Dnr: rm.Dnr, Title: rm.Title, OwnDnr: a.OwnDnr, Meeting: meeting.Date, Route: a.Route}, org, content, at), nil
}

// answer is one recipient's outcome, as kommunstyrelsen reads it.
type answer struct {
	asg      store.Assignment
	org      remiss.Org
	content  *remiss.Response // an answered recipient's answer
	decision string           // who decided it
	reason   string           // a declining body's reason
}

// answers loads every recipient's outcome in launch order.
func answers(ctx context.Context, st *store.Store, rm store.Remiss) ([]answer, error) {
	asgs, err := st.Assignments(ctx, rm.ID)
	if err != nil {
		return nil, err
	}
	decided, err := DecidedBy(ctx, st, rm.ID)
	if err != nil {
		return nil, err
	}
	out := make([]answer, 0, len(asgs))
	for _, a := range asgs {
		org, err := st.Org(ctx, a.Org)
		if err != nil {
			return nil, err
		}
		x := answer{asg: a, org: org, decision: decided[a.ID]}
		switch a.State {
		case remiss.StateAnswered:
			v, err := st.ResponseVersion(ctx, a.ResponseVersionID)
			if err != nil {
				return nil, err
			}
			x.content = &v.Content
		case remiss.StateDeclined:
			if a.DeclineNoteID != "" {
				if note, err := st.Note(ctx, a.DeclineNoteID); err == nil {
					x.reason = strings.TrimSpace(note.Body)
				}
			}
		}
		out = append(out, x)
	}
	return out, nil
}

// Round is the round as kommunstyrelsen's statement prints it: the table
// of every recipient's stand and the received remissvar as bilagor.
func Round(ctx context.Context, st *store.Store, rm store.Remiss, ks remiss.Org) (pdf.KSCase, error) {
	all, err := answers(ctx, st, rm)
	if err != nil {
		return pdf.KSCase{}, err
	}
	c := pdf.KSCase{Dnr: rm.Dnr, Title: rm.Title, Org: ks}
	for _, x := range all {
		row := pdf.AnswerRow{Org: x.org.Name}
		switch x.asg.State {
		case remiss.StateAnswered:
			row.Position = x.content.Position.Label()
			bilaga := x.org.Name + ", tjänsteutlåtande"
			if x.org.ByLink {
				bilaga = x.org.Name + ", yttrande inkommet med personlig länk"
			}
			if x.asg.OwnDnr != "" {
				bilaga += ", Dnr " + x.asg.OwnDnr
			}
			if x.decision != "" {
				bilaga += ". " + strings.TrimSuffix(x.decision, ".")
			}
			c.Received = append(c.Received, bilaga+".")
		case remiss.StateDeclined:
			row.Position = "Avstår"
		case remiss.StateWithdrawn:
			row.Position = "Återkallad"
		default:
			row.Position = "Har inte svarat"
		}
		if x.asg.SubmittedAt != nil && x.asg.State == remiss.StateAnswered {
			row.Date = x.asg.SubmittedAt.In(remiss.Stockholm).Format(remiss.DateLayout)
		}
		var notes []string
		if x.asg.Deadline != rm.Deadline {
			notes = append(notes, "Anstånd till "+x.asg.Deadline)
		}
		if x.asg.Late {
			notes = append(notes, "Inkom efter svarsdatum")
		}
		row.Note = strings.Join(notes, ". ")
		c.Answers = append(c.Answers, row)
	}
	return c, nil
}

// draftLimit keeps the drafted Beredning within what an answer's
// Beredning may hold (remiss.Response.Preparation), with room to edit.
const draftLimit = 45000

// Draft is the first draft of kommunstyrelsen's statement on a closed
// round: the remiss as its Ärendet, under Beredning each answer's stand,
// förslag and sammanfattning (a declining body's reason), and a summary
// of the count; the förslag till beslut and the office's synpunkter are
// left for the handläggare to write. A round with so many answers that
// their texts would not fit gives each answer's stand and förslag, and
// if even that is too long, its stand only: the answers themselves are
// the statement's bilagor.
func Draft(ctx context.Context, st *store.Store, rm store.Remiss, closed string) (remiss.Response, error) {
	all, err := answers(ctx, st, rm)
	if err != nil {
		return remiss.Response{}, err
	}
	var answered, declined, missed int
	for _, x := range all {
		switch {
		case x.content != nil:
			answered++
		case x.asg.State == remiss.StateDeclined:
			declined++
		default:
			missed++
		}
	}
	var prep string
	for detail := 2; detail >= 0; detail-- {
		if prep = beredning(all, rm, detail); len(prep) <= draftLimit {
			break
		}
	}
	summary := fmt.Sprintf("Kommunstyrelsen har remitterat ärendet till %s remissinstanser. %s har svarat, %s avstår från att yttra sig och %s har inte svarat. %s",
		remiss.Number(len(all)), remiss.Number(answered), remiss.Number(declined), remiss.Number(missed), closed)
	return remiss.Response{
		Summary:     strings.TrimSpace(summary),
		Background:  rm.Description,
		Preparation: prep,
	}, nil
}

// beredning writes the answers for the draft's Beredning: with detail 2
// each answer's stand, förslag and sammanfattning; 1 its stand and
// förslag; 0 its stand.
func beredning(all []answer, rm store.Remiss, detail int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Ärendet har remitterats till %s remissinstanser med svarsdatum %s.", remiss.Number(len(all)), rm.Deadline)
	if detail < 2 {
		b.WriteString(" Remissvaren i sin helhet är bilagor till tjänsteutlåtandet.")
	}
	for _, x := range all {
		b.WriteString("\n\n")
		b.WriteString(x.org.Name)
		switch {
		case x.content != nil:
			b.WriteString(": " + strings.ToLower(x.content.Position.Label()) + ".")
			if x.decision != "" {
				b.WriteString(" " + remiss.Sentence(x.decision))
			}
			if detail >= 1 {
				b.WriteString("\n")
				for i, p := range x.content.Proposals {
					fmt.Fprintf(&b, "\n%d. %s", i+1, strings.TrimSpace(p))
				}
			}
			if s := strings.TrimSpace(x.content.Summary); s != "" && detail >= 2 {
				b.WriteString("\n\n" + s)
			}
		case x.asg.State == remiss.StateDeclined:
			b.WriteString(": avstår från att yttra sig.")
			if x.reason != "" && detail >= 1 {
				b.WriteString(" " + remiss.Sentence(x.reason))
			}
		default:
			b.WriteString(": har inte svarat.")
		}
	}
	return b.String()
}

// DecidedBy says, per answered assignment of a round, who decided the
// answer: on delegation, or the nämnd at its meeting with its §.
func DecidedBy(ctx context.Context, st *store.Store, remissID string) (map[string]string, error) {
	ds, err := st.Decisions(ctx, remissID)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, d := range ds {
		switch {
		case d.AssignmentID == "":
		case d.Verdict == remiss.VerdictDelegation:
			out[d.AssignmentID] = "Beslut på delegation"
			if d.DelegationRef != "" {
				out[d.AssignmentID] += " (" + d.DelegationRef + ")"
			}
		case d.Verdict.Final():
			text := fmt.Sprintf("Beslut av %s %s, %s: %s", d.Body, d.HeldOn, d.Paragraph, strings.ToLower(d.Verdict.Label()))
			if d.Verdict == remiss.VerdictAndrat {
				text += ". Nämndens beslut: " + d.Wording
			}
			out[d.AssignmentID] = text
		}
	}
	return out, nil
}
