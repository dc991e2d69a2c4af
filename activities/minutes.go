package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/templates"
)

// MinutesInput asks for the protokollsutdrag of a decision the workflow
// has accepted, and the change it makes.
type MinutesInput struct {
	EventKey   string
	At         time.Time
	DecisionID string
	// For a step of KS's statement's path: where the path goes next,
	// and whether this decision ends it.
	NextStep int  `json:",omitempty"`
	Final    bool `json:",omitempty"`
}

// MinutesDocumentID is the protokollsutdrag of one decision.
func MinutesDocumentID(decisionID string) string { return "minutes." + decisionID }

// RenderMinutes renders, seals and stores the protokollsutdrag of a
// recorded decision and applies what the decision does: a nämnd's final
// decision makes its answer done, an återremiss sends it back to the
// officer, a bordläggning moves it to a later meeting; a step of the
// sammanställning's path moves the path on, and its final decision is sent
// to every recipient. A retry finds the stored document and the recorded
// change and does nothing new.
func (a *Activities) RenderMinutes(ctx context.Context, in MinutesInput) (DocumentResult, error) {
	d, r, err := a.decision(ctx, in.DecisionID)
	if err != nil {
		return DocumentResult{}, err
	}
	var c store.Change
	var doc store.Document
	var plan DecisionPlan
	if d.AssignmentID != "" {
		doc, c, plan, err = a.namndMinutes(ctx, r, d, in)
	} else {
		doc, c, err = a.stepMinutes(ctx, r, d, in)
	}
	if err != nil {
		return DocumentResult{}, err
	}
	c.Recorded = &store.RecordedDecision{ID: d.ID, DocumentID: doc.ID}
	for i := range c.Messages {
		c.Messages[i].DocumentID = doc.ID
	}
	if _, err := a.Store.Apply(ctx, c); err != nil {
		return DocumentResult{}, permanent(err)
	}
	return DocumentResult{DocumentID: doc.ID, SHA256: doc.SHA256, MeetingID: plan.MeetingID,
		AgendaDeadlineAt: plan.AgendaDeadlineAt, NeedsExtension: plan.NeedsExtension}, nil
}

// decision loads a proposed decision and its round.
func (a *Activities) decision(ctx context.Context, id string) (store.Decision, store.Remiss, error) {
	d, err := a.Store.Decision(ctx, id)
	if err != nil {
		return d, store.Remiss{}, nonRetryableIfNotFound(err)
	}
	r, err := a.Store.RemissHead(ctx, d.RemissID)
	return d, r, nonRetryableIfNotFound(err)
}

// minutesDocument renders and stores a protokollsutdrag once.
func (a *Activities) minutesDocument(ctx context.Context, d store.Decision, sealAs, sealName string, data pdf.MinutesData) (store.Document, error) {
	id := MinutesDocumentID(d.ID)
	doc, err := a.Store.Document(ctx, id)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return doc, err
	}
	secretary, err := a.user(ctx, d.RecordedBy)
	if err != nil {
		return doc, err
	}
	data.Secretary = pdf.Signatory{Name: secretary.DisplayName, Title: secretary.Title}
	if data.Secretary.Name == "" {
		data.Secretary.Name = d.RecordedBy
	}
	data.Paragraph, data.MeetingDate = d.Paragraph, d.HeldOn
	data.Reservations, data.Immediate, data.AdjustOn, data.Adjusters = d.Reservations, d.Immediate, d.AdjustOn, d.Adjusters
	body, err := pdf.Minutes(data)
	if err != nil {
		return doc, err
	}
	if body, err = a.seal(sealAs, body, sealName, "Protokollsutdrag "+d.Paragraph+", Dnr "+data.Dnr); err != nil {
		return doc, err
	}
	return a.keep(ctx, store.Document{ID: id, RemissID: d.RemissID, AssignmentID: d.AssignmentID, Kind: "minutes",
		Filename: "protokollsutdrag-" + d.ID + ".pdf", Content: body})
}

// namndMinutes lays out a nämnd's decision and the change it makes; for a
// bordläggning, also the plan of the later meeting.
func (a *Activities) namndMinutes(ctx context.Context, r store.Remiss, d store.Decision, in MinutesInput) (store.Document, store.Change, DecisionPlan, error) {
	var plan DecisionPlan
	asg, _, org, err := a.load(ctx, d.AssignmentID)
	if err != nil {
		return store.Document{}, store.Change{}, plan, err
	}
	data := pdf.MinutesData{Body: org.Name, Date: in.At.In(remiss.Stockholm), Dnr: r.Dnr, Title: "Svar på remiss: " + r.Title}
	// A decline the signatory approved is on the agenda as the proposal
	// that the nämnd declines.
	declining := asg.DeclineNoteID != ""
	if declining {
		data.Proposal = []string{org.Name + " avstår från att yttra sig över remissen."}
	} else if asg.ResponseVersionID != "" {
		v, err := a.Store.ResponseVersion(ctx, asg.ResponseVersionID)
		if err != nil {
			return store.Document{}, store.Change{}, plan, nonRetryableIfNotFound(err)
		}
		data.Proposal = v.Content.Proposals
	}
	if asg.DocumentID != "" && !declining {
		if st, err := a.Store.Document(ctx, asg.DocumentID); err == nil {
			data.Documents = []string{org.Kind.Words().Basis + " daterat " + st.CreatedAt.In(remiss.Stockholm).Format(remiss.DateLayout)}
		}
	}
	var next remiss.Meeting
	if d.NextMeetingID != "" {
		if next, err = a.Store.Meeting(ctx, asg.Org, d.NextMeetingID); err != nil {
			return store.Document{}, store.Change{}, plan, nonRetryableIfNotFound(err)
		}
	}
	switch d.Verdict {
	case remiss.VerdictBifall:
		data.Decision = []string{org.Name + " beslutar i enlighet med " + org.Kind.Words().Proposal + " till beslut."}
		if declining {
			data.Decision = []string{org.Name + " avstår från att yttra sig över remissen."}
		}
	case remiss.VerdictAndrat:
		data.Decision = []string{org.Name + " beslutar, med ändring av " + org.Kind.Words().Proposal + ", följande:", d.Wording}
	case remiss.VerdictAterremiss:
		data.Decision = []string{"Ärendet återremitteras till förvaltningen.", "Motivering: " + d.Reason}
	case remiss.VerdictBordlagd:
		data.Decision = []string{"Ärendet bordläggs till sammanträdet " + next.Date + "."}
	default:
		return store.Document{}, store.Change{}, plan, temporal.NewNonRetryableApplicationError("okänt beslut "+string(d.Verdict), "BadInput", nil)
	}
	doc, err := a.minutesDocument(ctx, d, org.Code, org.Name, data)
	if err != nil {
		return doc, store.Change{}, plan, err
	}
	c := store.Change{
		EventKey: in.EventKey, At: in.At, Actor: d.RecordedBy, RemissID: r.ID, AssignmentID: asg.ID, Action: "namnd_decided",
		Detail: map[string]any{"decision": d.ID, "verdict": d.Verdict, "paragraph": d.Paragraph, "meeting": d.MeetingID,
			"document": doc.ID, "sha256": doc.SHA256},
		Assignment: &store.AssignmentPatch{},
	}
	m := a.messages(ctx, r, org, asg, in.EventKey, in.At)
	m.data.Body, m.data.Verdict, m.data.Paragraph, m.data.Meeting = org.Name, d.Verdict.Label(), d.Paragraph, d.HeldOn
	m.data.Decline = declining
	switch d.Verdict {
	case remiss.VerdictBifall, remiss.VerdictAndrat:
		if err := a.decidedAnswer(ctx, r, org, declining, &c, doc, m); err != nil {
			return doc, c, plan, err
		}
	case remiss.VerdictAterremiss:
		state, none := string(remiss.StateDrafting), ""
		c.Assignment.State, c.Assignment.MeetingID = &state, &none
		c.Assignment.DeclineNoteID = &none // a new answer (or decline) is prepared
		to := org.Email
		if asg.Officer != "" {
			officer, err := a.user(ctx, asg.Officer)
			if err != nil {
				return doc, c, plan, err
			}
			to = officer.Email
		}
		m.add("referred_back", to)
	case remiss.VerdictBordlagd:
		plan = meetingPlan(remiss.RouteNamnd, next, asg.Deadline)
		c.Assignment.MeetingID, c.Assignment.NeedsExtension = &next.ID, &plan.NeedsExtension
		c.Detail["nextMeeting"] = next.ID
		m.data.Meeting = next.Date
		m.add("postponed", org.Email)
	}
	c.Messages = m.list
	return doc, c, plan, m.err
}

// decidedAnswer: the nämnd's decision is its answer, and kommunstyrelsen
// hears of it; a decline it decides is a decline, told as one.
func (a *Activities) decidedAnswer(ctx context.Context, r store.Remiss, org remiss.Org, declining bool, c *store.Change, doc store.Document, m *messageSet) error {
	state := string(remiss.StateAnswered)
	if declining {
		state = string(remiss.StateDeclined)
	}
	c.Assignment.State, c.Assignment.MinutesID = &state, &doc.ID
	coord, err := a.user(ctx, r.Coordinator)
	if err != nil {
		return err
	}
	if declining {
		m.add("declined", coord.Email)
	} else {
		m.add("decided", coord.Email)
	}
	m.add("decided", org.Email)
	return nil
}

// outcomeKind is the message that tells a recipient the final decision:
// with thanks for the answer to those who answered, for their knowledge
// to those who declined or never answered.
func outcomeKind(asg store.Assignment) string {
	if asg.State == remiss.StateAnswered {
		return "outcome"
	}
	return "outcome_notice"
}

// stepDecisionText is what a body that meets decided, its name said once:
// the wording of a final decision or an återremiss follows as its own
// paragraph.
var stepDecisionText = map[remiss.Verdict]string{
	remiss.VerdictTillstyrker: "%s tillstyrker förslaget i kommunstyrelsens tjänsteutlåtande över remissvaren.",
	remiss.VerdictAvstyrker:   "%s avstyrker förslaget i kommunstyrelsens tjänsteutlåtande över remissvaren.",
	remiss.VerdictAterremiss:  "%s återremitterar ärendet till stadsledningskontoret.",
}

// stepDecision is the Beslut section of a step's protokollsutdrag. A
// final decision is its wording, which names the body ("Kommunstyrelsen
// beslutar att …"); the body is not said twice.
func stepDecision(body string, d store.Decision) ([]string, error) {
	if d.Verdict == remiss.VerdictBeslut {
		return []string{d.Wording}, nil
	}
	text, ok := stepDecisionText[d.Verdict]
	if !ok {
		return nil, temporal.NewNonRetryableApplicationError("okänt beslut "+string(d.Verdict), "BadInput", nil)
	}
	out := []string{fmt.Sprintf(text, body)}
	if d.Wording != "" {
		out = append(out, d.Wording)
	}
	return out, nil
}

func (a *Activities) stepMinutes(ctx context.Context, r store.Remiss, d store.Decision, in MinutesInput) (store.Document, store.Change, error) {
	body := remiss.StepName(d.Step)
	if !remiss.StepRule(d.Step).Meets {
		return store.Document{}, store.Change{}, temporal.NewNonRetryableApplicationError(body+" håller inga sammanträden och utfärdar inget protokollsutdrag", "BadInput", nil)
	}
	decision, err := stepDecision(body, d)
	if err != nil {
		return store.Document{}, store.Change{}, err
	}
	data := pdf.MinutesData{Body: body, Date: in.At.In(remiss.Stockholm), Dnr: r.Dnr, Title: r.Title, Decision: decision}
	if r.SummaryID != "" {
		if statement, err := a.Store.Document(ctx, r.SummaryID); err == nil {
			data.Documents = []string{"Kommunstyrelsens tjänsteutlåtande daterat " + statement.CreatedAt.In(remiss.Stockholm).Format(remiss.DateLayout)}
		}
	}
	doc, err := a.minutesDocument(ctx, d, remiss.KS, body, data) // the city's seal, in the name of the body that decided
	if err != nil {
		return doc, store.Change{}, err
	}
	c, err := a.stepChange(ctx, r, d, in, store.Change{Action: "step_decided"}, doc)
	return doc, c, err
}

// RecordApproval records an office's approval of the tjänsteutlåtande at
// its step of the decision path: no protokollsutdrag, the approval is kept
// in the audit trail and the path moves on. A retry finds the recorded
// change and does nothing new.
func (a *Activities) RecordApproval(ctx context.Context, in MinutesInput) (DocumentResult, error) {
	d, r, err := a.decision(ctx, in.DecisionID)
	if err != nil {
		return DocumentResult{}, err
	}
	if d.Verdict != remiss.VerdictGodkanner || remiss.StepRule(d.Step).Meets {
		return DocumentResult{}, temporal.NewNonRetryableApplicationError("ett godkännande bara av ett kontor, inte "+string(d.Verdict)+" i "+d.Step, "BadInput", nil)
	}
	c, err := a.stepChange(ctx, r, d, in, store.Change{Action: "step_approved"}, store.Document{})
	if err != nil {
		return DocumentResult{}, err
	}
	c.Recorded = &store.RecordedDecision{ID: d.ID}
	if _, err := a.Store.Apply(ctx, c); err != nil {
		return DocumentResult{}, permanent(err)
	}
	return DocumentResult{}, nil
}

// stepChange completes c, the change of a step's decision (with its
// protokollsutdrag doc, if the body meets): the path moves on and the
// coordinator is told; the final decision is sent to every recipient.
func (a *Activities) stepChange(ctx context.Context, r store.Remiss, d store.Decision, in MinutesInput, c store.Change, doc store.Document) (store.Change, error) {
	body, step := remiss.StepName(d.Step), in.NextStep
	c.EventKey, c.At, c.Actor, c.RemissID = in.EventKey, in.At, d.RecordedBy, r.ID
	c.Detail = map[string]any{"decision": d.ID, "step": d.Step, "verdict": d.Verdict, "final": in.Final}
	c.Remiss = &store.RemissPatch{Step: &step}
	if doc.ID != "" {
		c.Detail["paragraph"], c.Detail["document"], c.Detail["sha256"] = d.Paragraph, doc.ID, doc.SHA256
	}
	coord, err := a.user(ctx, r.Coordinator)
	if err != nil {
		return c, err
	}
	m := a.messages(ctx, r, remiss.Org{}, store.Assignment{}, in.EventKey+".coordinator", in.At)
	m.data.Body, m.data.Verdict, m.data.Paragraph = body, d.Verdict.Label(), d.Paragraph
	m.add("step_decided", coord.Email)
	if m.err != nil {
		return c, m.err
	}
	c.Messages = m.list
	if in.Final {
		at := in.At
		c.Remiss.DecidedAt, c.Remiss.OutcomeID = &at, &doc.ID
		msgs, err := a.toRecipients(ctx, r, outcomeKind, in.EventKey, in.At, func(md *templates.MailData) {
			md.Body, md.Paragraph = body, d.Paragraph
		})
		if err != nil {
			return c, err
		}
		c.Messages = append(c.Messages, msgs...)
	}
	return c, nil
}
