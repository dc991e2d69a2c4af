package rounds

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/workflows"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// assignment loads an assignment and checks the actor may take action on
// it, whatever its state: another organisation's is not found, a wrong role
// is forbidden.
func (s *Service) assignment(ctx context.Context, actor remiss.Actor, id string, action remiss.Action) (store.Assignment, error) {
	asg, err := s.Store.Assignment(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return asg, remiss.Refuse(remiss.KindNotFound, "uppdraget %s finns inte", id)
	}
	if err != nil {
		return asg, err
	}
	if !remiss.MaySeeAssignment(actor, asg.Org) {
		return asg, remiss.Refuse(remiss.KindNotFound, "uppdraget %s finns inte", id)
	}
	if err := remiss.MayAct(action, actor, asg.Org); err != nil {
		return asg, err
	}
	return asg, remiss.PossibleFor(action, asg.Kind)
}

// startGrace is how long an action on a just launched round's assignment
// waits for the assignment's workflow to start: the round's assignments
// are in the inboxes as soon as it is launched, before their workflows
// run. A round to 300 recipients has them all running 12–20 s after launch
// on a two-core machine (cmd/loadgen against make prod-local), so a
// minute leaves room; only an action on a round whose launch failed waits
// that long before it is refused.
const startGrace = time.Minute

func (s *Service) updateAssignment(ctx context.Context, asg store.Assignment, name string, arg any) (workflows.AssignmentStatus, error) {
	var st workflows.AssignmentStatus
	wid := workflows.AssignmentWorkflowID(asg.RemissID, asg.Org)
	deadline := time.Now().Add(startGrace)
	for wait := 50 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		err := s.update(ctx, wid, name, arg, &st)
		if err != errNotRunning || asg.State != remiss.StateSent || time.Now().After(deadline) {
			return st, err
		}
		// Still "sent" in the database: its workflow may not have started.
		// One that exists and is not running has ended.
		if d, derr := s.Temporal.DescribeWorkflowExecution(ctx, wid, ""); derr == nil &&
			d.WorkflowExecutionInfo.Status != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
			return st, err
		}
		select {
		case <-ctx.Done():
			return st, err
		case <-time.After(wait):
		}
	}
}

// Assign gives an assignment to an officer of the same organisation.
func (s *Service) Assign(ctx context.Context, actor remiss.Actor, assignmentID, officer string) (workflows.AssignmentStatus, error) {
	asg, err := s.assignment(ctx, actor, assignmentID, remiss.ActAssign)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	u, err := s.Store.User(ctx, officer)
	if err != nil || u.Org != asg.Org || u.Role != remiss.RoleOfficer {
		return workflows.AssignmentStatus{}, &remiss.Error{Kind: remiss.KindInvalid, Reason: officer + " är inte handläggare vid samma organisation", Fields: remiss.FieldErrors{{Field: "officer", Message: "Ingen handläggare med det namnet vid organisationen"}}}
	}
	return s.updateAssignment(ctx, asg, workflows.UpdateAssign, workflows.AssignRequest{Actor: actor, Officer: officer})
}

// answer stores content as a version of the answer, once the assignment's
// state (in the database, else its workflow's) says the action is possible
// now, and tells the workflow; a version it refuses all the same is
// discarded.
func (s *Service) answer(ctx context.Context, actor remiss.Actor, assignmentID string, action remiss.Action, update string, content remiss.Response) (workflows.AssignmentStatus, error) {
	if asg, v, ok, err := s.answerAtOnce(ctx, actor, assignmentID, action, content); err != nil || ok {
		if err != nil {
			return workflows.AssignmentStatus{}, err
		}
		st, err := s.updateAssignment(ctx, asg, update, workflows.VersionRequest{Actor: actor, VersionID: v.ID, SHA256: v.SHA256})
		return st, discardRefused(ctx, err, s.Store.DiscardResponseVersion, v.ID)
	}
	asg, err := s.assignment(ctx, actor, assignmentID, action)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	if err := checkContent(action, content); err != nil {
		return workflows.AssignmentStatus{}, remiss.Invalid(err)
	}
	// The workflow is asked first only when the assignment's state in the
	// database does not allow the action. The database's state is written
	// before the workflow's (Record runs before the state changes), so when
	// it allows the action the workflow says the same but in a race or a
	// closing round, and its query (a round trip through the Temporal
	// server and a workflow task) would cost about as much as the update
	// that follows. In those cases the update refuses and discardRefused
	// removes the version: a refusal writes nothing lasting. Nothing is
	// refused on the database's word alone.
	if remiss.PossibleIn(action, asg.State) != nil {
		if err := s.precheck(ctx, asg, action, nil); err != nil {
			return workflows.AssignmentStatus{}, err
		}
	}
	v, err := s.Store.SaveResponseVersion(ctx, asg.ID, content, actor.User)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	st, err := s.updateAssignment(ctx, asg, update, workflows.VersionRequest{Actor: actor, VersionID: v.ID, SHA256: v.SHA256})
	return st, discardRefused(ctx, err, s.Store.DiscardResponseVersion, v.ID)
}

// answerAtOnce is answer's usual path, when the actor's role may take the
// action in their own organisation and the content is whole: the
// assignment is read and the version saved in one statement, which saves
// only when the assignment is the actor's organisation's and its kind and
// state (in the database) allow the action, as s.assignment and answer
// check. ok=false, having written nothing, sends answer the long way,
// which says why not (or saves after a race).
func (s *Service) answerAtOnce(ctx context.Context, actor remiss.Actor, assignmentID string, action remiss.Action, content remiss.Response) (store.Assignment, store.ResponseVersion, bool, error) {
	if remiss.MayAct(action, actor, actor.Org) != nil || checkContent(action, content) != nil {
		return store.Assignment{}, store.ResponseVersion{}, false, nil
	}
	kinds := []remiss.AssignmentKind{remiss.KindAnswer}
	if remiss.PossibleFor(action, remiss.KindStatement) == nil {
		kinds = append(kinds, remiss.KindStatement)
	}
	states := slices.DeleteFunc(slices.Clone(remiss.ActionStates(action)), remiss.AssignmentState.Done)
	asg, v, ok, err := s.Store.SaveResponseVersionIf(ctx, assignmentID, actor.Org, kinds, states, content, actor.User)
	if err != nil || !ok {
		return asg, v, false, err
	}
	// What the statement guarded, checked again as the long way checks it.
	if err := errors.Join(remiss.MayAct(action, actor, asg.Org), remiss.PossibleFor(action, asg.Kind), remiss.PossibleIn(action, asg.State)); err != nil {
		return asg, v, false, errors.Join(fmt.Errorf("rounds: %s %s passed the statement's guard: %w", action, asg.ID, err),
			s.Store.DiscardResponseVersion(ctx, v.ID))
	}
	return asg, v, true, nil
}

// checkContent checks an answer's content for action: half an answer may
// be saved as a draft; submit asks for the whole.
func checkContent(action remiss.Action, content remiss.Response) error {
	if action == remiss.ActSaveDraft {
		return rules.Draft(content)
	}
	return rules.Struct(content)
}

// SaveDraft stores a draft and records it on the assignment.
func (s *Service) SaveDraft(ctx context.Context, actor remiss.Actor, assignmentID string, content remiss.Response) (workflows.AssignmentStatus, error) {
	return s.answer(ctx, actor, assignmentID, remiss.ActSaveDraft, workflows.UpdateSaveDraft, content)
}

// Submit stores the answer as a new version and submits it for approval.
func (s *Service) Submit(ctx context.Context, actor remiss.Actor, assignmentID string, content remiss.Response) (workflows.AssignmentStatus, error) {
	return s.answer(ctx, actor, assignmentID, remiss.ActSubmit, workflows.UpdateSubmit, content)
}

// noteText checks the free text of an action. field is the text's name in
// the request (the API's and the form's), by which a problem is reported.
func noteText(field, text string, required bool) (string, error) {
	text = strings.TrimSpace(text)
	if required && text == "" {
		return "", &remiss.Error{Kind: remiss.KindInvalid, Reason: "ange en motivering", Fields: remiss.FieldErrors{{Field: field, Message: "Får inte vara tomt"}}}
	}
	var body struct {
		Text string `json:"text" validate:"max=5000,nocontrolml"`
	}
	body.Text = text
	if err := rules.Struct(body); err != nil {
		var fields remiss.FieldErrors
		if errors.As(err, &fields) {
			for i := range fields {
				fields[i].Field = field
			}
		}
		return "", remiss.Invalid(err)
	}
	return text, nil
}

// noted is an action with a note of kind: once the workflow has said the
// action is possible now (and more, when set, has passed its status), the
// note is stored and send tells the workflow its ID; a note of an action
// the workflow refuses all the same is discarded.
func (s *Service) noted(ctx context.Context, actor remiss.Actor, asg store.Assignment, action remiss.Action, kind, text string,
	more func(workflows.AssignmentStatus) error, send func(noteID string) (workflows.AssignmentStatus, error)) (workflows.AssignmentStatus, error) {
	if err := s.precheck(ctx, asg, action, more); err != nil {
		return workflows.AssignmentStatus{}, err
	}
	id, err := s.Store.AddNote(ctx, asg.ID, kind, text, actor.User)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	st, err := send(id)
	return st, discardRefused(ctx, err, s.Store.DiscardNote, id)
}

// Return sends a submitted answer back to the officer with a comment.
func (s *Service) Return(ctx context.Context, actor remiss.Actor, assignmentID, comment string) (workflows.AssignmentStatus, error) {
	asg, err := s.assignment(ctx, actor, assignmentID, remiss.ActReturn)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	text, err := noteText("comment", comment, true)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	return s.noted(ctx, actor, asg, remiss.ActReturn, "return", text, nil, func(id string) (workflows.AssignmentStatus, error) {
		return s.updateAssignment(ctx, asg, workflows.UpdateReturn, workflows.NoteRequest{Actor: actor, NoteID: id})
	})
}

// Approve approves the submitted version whose hash the signatory read;
// an empty hash means the version currently submitted.
func (s *Service) Approve(ctx context.Context, actor remiss.Actor, assignmentID, sha256 string) (workflows.AssignmentStatus, error) {
	asg, err := s.assignment(ctx, actor, assignmentID, remiss.ActApprove)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	if sha256 == "" {
		st, err := s.AssignmentStatus(ctx, asg.ID)
		if err != nil {
			return st, err
		}
		if st.State != remiss.StateSubmitted {
			return st, remiss.Refuse(remiss.KindConflict, "det finns inget inskickat yttrande att godkänna (%s)", st.State.Label())
		}
		sha256 = st.SHA256
	}
	return s.updateAssignment(ctx, asg, workflows.UpdateApprove, workflows.ApproveRequest{Actor: actor, SHA256: sha256})
}

// Decline is the one door by which a body says it "avstår från att yttra
// sig": an officer or the registrator proposes it, with a reason, for the
// signatory's approval; the signatory declines at once, with a reason, or
// approves the proposal that waits, with its reason. proposal is the note
// of the proposal the signatory read ("" for the one that waits now).
func (s *Service) Decline(ctx context.Context, actor remiss.Actor, assignmentID, reason, proposal string) (workflows.AssignmentStatus, error) {
	action := remiss.DeclineAction(actor)
	asg, err := s.assignment(ctx, actor, assignmentID, action)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	if action == remiss.ActDecline && (proposal != "" || asg.State == remiss.StateDeclineProposed) {
		return s.approveDecline(ctx, actor, asg, reason, proposal)
	}
	text, err := noteText("reason", reason, true)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	update := workflows.UpdateProposeDecline
	if action == remiss.ActDecline {
		update = workflows.UpdateDecline
	}
	return s.noted(ctx, actor, asg, action, "decline", text, nil, func(id string) (workflows.AssignmentStatus, error) {
		return s.updateAssignment(ctx, asg, update, workflows.NoteRequest{Actor: actor, NoteID: id})
	})
}

// approveDecline is the signatory's approval of a proposed decline: its
// reason is the proposal's.
func (s *Service) approveDecline(ctx context.Context, actor remiss.Actor, asg store.Assignment, reason, proposal string) (workflows.AssignmentStatus, error) {
	if strings.TrimSpace(reason) != "" {
		return workflows.AssignmentStatus{}, remiss.InvalidField("reason", "Motiveringen är förslagets; återsänd förslaget om den ska ändras")
	}
	if err := check(struct {
		Proposal string `json:"proposal" validate:"omitempty,max=200,id"`
	}{proposal}); err != nil {
		return workflows.AssignmentStatus{}, err
	}
	st, err := s.AssignmentStatus(ctx, asg.ID)
	if err != nil {
		return st, err
	}
	if st.State != remiss.StateDeclineProposed {
		return st, remiss.Refuse(remiss.KindConflict, "det finns inget förslag att avstå att godkänna (%s)", st.State.Label())
	}
	if proposal == "" {
		proposal = st.DeclineNoteID
	}
	return s.updateAssignment(ctx, asg, workflows.UpdateDecline, workflows.NoteRequest{Actor: actor, NoteID: proposal})
}

// RequestExtension asks the Coordinator for anstånd until a date, no later
// than the round's limit.
func (s *Service) RequestExtension(ctx context.Context, actor remiss.Actor, assignmentID, until, reason string) (workflows.AssignmentStatus, error) {
	asg, err := s.assignment(ctx, actor, assignmentID, remiss.ActRequestExtension)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	if err := check(struct {
		Until string `json:"until" validate:"required,date,futuredate"`
	}{until}); err != nil {
		return workflows.AssignmentStatus{}, err
	}
	text, err := noteText("reason", reason, true)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	limit, err := s.extensionLimit(ctx, asg)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	if err := remiss.CheckExtensionUntil(until, asg.DeadlineAt, limit); err != nil {
		return workflows.AssignmentStatus{}, err
	}
	pending := func(st workflows.AssignmentStatus) error {
		if st.Pending != nil {
			return remiss.ExtensionPending()
		}
		return remiss.CheckExtensionUntil(until, st.DeadlineAt, limit)
	}
	return s.noted(ctx, actor, asg, remiss.ActRequestExtension, "extension", text, pending, func(id string) (workflows.AssignmentStatus, error) {
		return s.updateAssignment(ctx, asg, workflows.UpdateRequestExtension, workflows.ExtensionRequest{Actor: actor, Until: until, NoteID: id})
	})
}

// DecideExtension grants or refuses a pending anstånd request; a date it
// grants is no later than the round's limit.
func (s *Service) DecideExtension(ctx context.Context, actor remiss.Actor, assignmentID string, approve bool, until string) (workflows.AssignmentStatus, error) {
	asg, err := s.assignment(ctx, actor, assignmentID, remiss.ActDecideExtension)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	if err := check(struct {
		Until string `json:"until" validate:"omitempty,date"`
	}{until}); err != nil {
		return workflows.AssignmentStatus{}, err
	}
	if approve && until != "" {
		limit, err := s.extensionLimit(ctx, asg)
		if err != nil {
			return workflows.AssignmentStatus{}, err
		}
		if err := remiss.CheckExtensionUntil(until, asg.DeadlineAt, limit); err != nil {
			return workflows.AssignmentStatus{}, err
		}
	}
	return s.updateAssignment(ctx, asg, workflows.UpdateDecideExtension, workflows.ExtensionDecision{Actor: actor, Approve: approve, Until: until})
}

// RemindNow sends a reminder to a recipient at once (Coordinator).
func (s *Service) RemindNow(ctx context.Context, actor remiss.Actor, assignmentID string) (workflows.AssignmentStatus, error) {
	asg, err := s.assignment(ctx, actor, assignmentID, remiss.ActRemindNow)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	return s.updateAssignment(ctx, asg, workflows.UpdateRemindNow, workflows.RemindRequest{Actor: actor})
}

// AssignmentStatus asks the assignment's workflow for its live state.
func (s *Service) AssignmentStatus(ctx context.Context, assignmentID string) (workflows.AssignmentStatus, error) {
	asg, err := s.Store.Assignment(ctx, assignmentID)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	var st workflows.AssignmentStatus
	v, err := s.Temporal.QueryWorkflow(ctx, workflows.AssignmentWorkflowID(asg.RemissID, asg.Org), "", workflows.QueryStatus)
	if err != nil {
		return st, fmt.Errorf("rounds: status %s: %w", assignmentID, err)
	}
	return st, v.Get(&st)
}

// fromWorkflow is a workflow's refusal as the domain error it was, or
// nil when err is not one.
func fromWorkflow(err error) error {
	if e, ok := workflows.Refusal(err); ok {
		return e
	}
	return nil
}

func (s *Service) update(ctx context.Context, workflowID, name string, arg any, out any) error {
	send := func(runID string) error {
		h, err := s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID:   workflowID,
			RunID:        runID,
			UpdateName:   name,
			Args:         []any{arg},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err != nil {
			return err
		}
		s.runs.put(workflowID, h.RunID())
		return h.Get(ctx, out)
	}
	var notFound *serviceerror.NotFound
	runID := s.runs.get(workflowID)
	err := send(runID)
	if runID != "" && errors.As(err, &notFound) {
		// The run remembered has ended or was replaced: ask for the
		// workflow's current one.
		s.runs.forget(workflowID)
		err = send("")
	}
	if err == nil {
		return nil
	}
	if rej := fromWorkflow(err); rej != nil {
		return rej
	}
	if errors.As(err, &notFound) {
		return errNotRunning
	}
	return fmt.Errorf("rounds: %s %s: %w", name, workflowID, err)
}

// errNotRunning: the workflow has ended, or has not started yet.
var errNotRunning = remiss.Refuse(remiss.KindConflict, "ärendet är avslutat och tar inte emot fler åtgärder")
