// Package rounds performs the actions users take on remiss rounds. It is the
// one door the starter, the web pages and the API go through: it validates
// the input, stores free text in PostgreSQL, and sends the workflows only
// IDs, hashes and dates.
package rounds

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/internal/validate"
	"github.com/remiss/remiss/workflows"
)

// check validates a request with the workflow's own rules before it is
// sent, so a caller gets the problems by field.
func check(req any) error {
	return remiss.Invalid(rules.Struct(req))
}

// rules checks requests and answers; one validator, so its cache of struct
// rules is built once.
var rules = validate.New(nil)

// Service is the set of round actions.
type Service struct {
	Store     *store.Store
	Temporal  client.Client
	TaskQueue string
	// MaxExtension is how far past a round's svarsdatum anstånd may reach
	// (config.Config.MaxExtension); zero is remiss.DefaultMaxExtension.
	MaxExtension time.Duration
	// Roots are the trust anchors an upload's signatures are verified
	// against when it is stored (internal/keeper).
	Roots *x509.CertPool
	// LinkKey derives the personal links of outside bodies
	// (REMISS_LINK_KEY); without it a launch naming one is refused.
	LinkKey []byte
	// runs are the workflows' runs the Updates reached (runs.go).
	runs runIDs
}

// New returns a Service using the default task queue.
func New(s *store.Store, c client.Client) *Service {
	return &Service{Store: s, Temporal: c, TaskQueue: workflows.TaskQueue}
}

// ValidateLaunch checks a launch against the rules and the known
// organisations, returning remiss.FieldErrors listing every problem.
func (s *Service) ValidateLaunch(ctx context.Context, l remiss.Launch) error {
	codes, err := s.Store.OrgCodes(ctx)
	if err != nil {
		return err
	}
	delete(codes, remiss.KS) // KS does not answer its own remiss
	err = validate.New(func(c string) bool { return codes[c] }).Struct(l)
	if len(l.Recipients) == 0 && len(l.External) == 0 {
		var fields remiss.FieldErrors
		errors.As(err, &fields)
		if fields.For("recipients") == "" {
			fields = append(fields, remiss.FieldError{Field: "recipients", Message: "Ange minst en remissinstans eller en extern remissinstans"})
		}
		return fields
	}
	return err
}

// Plan is a validated launch: the row to store and the workflow's input.
type Plan struct {
	Remiss store.Remiss
	Input  workflows.RemissInput
	// External are the outside bodies answering by link, made
	// organisations when the round starts.
	External []remiss.ExternalRecipient
}

// Prepare validates a launch by a Coordinator and plans the round.
func (s *Service) Prepare(ctx context.Context, actor remiss.Actor, l remiss.Launch) (Plan, error) {
	if err := remiss.MayAct(remiss.ActLaunch, actor, ""); err != nil {
		return Plan{}, err
	}
	if err := s.ValidateLaunch(ctx, l); err != nil {
		return Plan{}, remiss.Invalid(err)
	}
	deadlineAt, err := remiss.DeadlineEnd(l.Deadline)
	if err != nil {
		return Plan{}, remiss.Refuse(remiss.KindInvalid, "%v", err)
	}
	reminders := l.Reminders
	if reminders == nil {
		reminders = remiss.DefaultReminders
	}
	grace := l.Grace
	if grace == "" {
		grace = remiss.DefaultGrace
	}
	recipients, byLink := l.Recipients, []string(nil)
	for i, e := range l.External {
		code := remiss.ExternalCode(e.Email)
		if slices.Contains(recipients, code) {
			return Plan{}, remiss.InvalidField(fmt.Sprintf("external[%d].email", i), "Samma adress får inte förekomma två gånger")
		}
		recipients = append(slices.Clip(recipients), code)
		byLink = append(byLink, code)
	}
	if len(l.External) > 0 && len(s.LinkKey) < remiss.LinkKeySize {
		return Plan{}, remiss.Refuse(remiss.KindInvalid, "externa remissinstanser kan inte nås: servern saknar nyckel för personliga länkar (REMISS_LINK_KEY)")
	}
	id := remiss.RemissID(l.Dnr)
	return Plan{External: l.External,
		Remiss: store.Remiss{
			ID: id, Dnr: strings.TrimSpace(l.Dnr), Title: strings.TrimSpace(l.Title), Description: l.Description,
			Deadline: l.Deadline, DeadlineAt: deadlineAt, Reminders: reminders, Grace: grace,
			Coordinator: actor.User, Recipients: recipients, Digest: l.Digest, Path: l.Path,
			Public: l.Published(),
		},
		Input: workflows.RemissInput{
			RemissID: id, DeadlineAt: deadlineAt, Recipients: recipients, Reminders: reminders, ByLink: byLink,
			EscalateAfter: escalateAfter(grace), Grace: grace, Coordinator: actor, Path: l.Path,
			ExtensionLimit: remiss.ExtensionLimit(deadlineAt, s.MaxExtension),
		},
	}, nil
}

// escalateAfter is when, after the deadline, the Coordinator is told of a
// missing answer: 3 days, or half the grace period when that is shorter, so
// it always comes before the round closes.
func escalateAfter(grace string) string {
	g, err := remiss.ParseDays(grace)
	if err != nil || g/2 >= 3*24*time.Hour {
		return remiss.DefaultEscalateAfter
	}
	return (g / 2).String()
}

// Launch stores a round and starts its workflow. Launching the same Dnr
// again is rejected.
func (s *Service) Launch(ctx context.Context, actor remiss.Actor, l remiss.Launch) (string, error) {
	p, err := s.Prepare(ctx, actor, l)
	if err != nil {
		return "", err
	}
	return p.Remiss.ID, s.Start(ctx, p)
}

// Start stores a planned round and starts its workflow.
func (s *Service) Start(ctx context.Context, p Plan) error {
	dnr := p.Remiss.Dnr
	if err := s.Store.EnsureExternalOrgs(ctx, p.External); err != nil {
		return err
	}
	_, err := s.Store.CreateRound(ctx, p.Remiss)
	if errors.Is(err, store.ErrConflict) {
		return remiss.Refuse(remiss.KindConflict, "det finns redan en remiss med diarienummer %s", dnr)
	}
	if err != nil {
		return err
	}
	if err := s.Store.NameExternalOrgs(ctx, p.External); err != nil {
		return err
	}
	// The links exist before the workflow sends the missiv that carries them.
	links := make(map[string]store.NewLink, len(p.Input.ByLink))
	for _, code := range p.Input.ByLink {
		asg, nonce := remiss.AssignmentID(p.Remiss.ID, code), remiss.NewLinkNonce()
		links[asg] = store.NewLink{Nonce: nonce, Hash: remiss.LinkHash(remiss.LinkToken(s.LinkKey, asg, 1, nonce))}
	}
	if err := s.Store.CreateLinks(ctx, links); err != nil {
		return err
	}
	_, err = s.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.RemissWorkflowID(p.Remiss.ID),
		TaskQueue:                s.TaskQueue,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		// Without this the SDK hands back the running round as if started.
		WorkflowExecutionErrorWhenAlreadyStarted: true,
	}, workflows.RemissWorkflow, p.Input)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		// The row may be from an earlier, interrupted launch of the same
		// round; its workflow running means this Dnr is out already.
		return remiss.Refuse(remiss.KindConflict, "remissen %s är redan utskickad", dnr)
	}
	if err != nil {
		return fmt.Errorf("rounds: start %s: %w", dnr, err)
	}
	return nil
}

// Close closes a round before everyone has answered.
func (s *Service) Close(ctx context.Context, actor remiss.Actor, remissID string) (workflows.RemissStatus, error) {
	return s.roundUpdate(ctx, actor, remissID, remiss.ActClose)
}

// Withdraw withdraws a remiss: every open assignment ends.
func (s *Service) Withdraw(ctx context.Context, actor remiss.Actor, remissID string) (workflows.RemissStatus, error) {
	return s.roundUpdate(ctx, actor, remissID, remiss.ActWithdraw)
}

func (s *Service) roundUpdate(ctx context.Context, actor remiss.Actor, remissID string, action remiss.Action) (workflows.RemissStatus, error) {
	var st workflows.RemissStatus
	if err := remiss.MayAct(action, actor, ""); err != nil {
		return st, err
	}
	if _, err := s.Store.RemissHead(ctx, remissID); errors.Is(err, store.ErrNotFound) {
		return st, remiss.Refuse(remiss.KindNotFound, "remissen %s finns inte", remissID)
	} else if err != nil {
		return st, err
	}
	err := s.update(ctx, workflows.RemissWorkflowID(remissID), string(action), workflows.RoundRequest{Actor: actor}, &st)
	return st, err
}

// Actor loads a user and returns them as an actor.
func (s *Service) Actor(ctx context.Context, username string) (remiss.Actor, error) {
	u, err := s.Store.User(ctx, username)
	if err != nil {
		return remiss.Actor{}, err
	}
	return u.Actor(), nil
}
