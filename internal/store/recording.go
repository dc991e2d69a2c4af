package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/remiss/remiss/internal/remiss"
)

// RecordQuery names what recording an action on an assignment reads
// beside the assignment, its round and its organisation.
type RecordQuery struct {
	AssignmentID string
	// VersionID and NoteID, when set, are looked up for their owner (and
	// the version's hash), which the action must be the assignment's.
	VersionID, NoteID string
	// Role, when set, asks for the organisation's users in that role.
	Role remiss.Role
	// User asks for a user by username; Officer for the assignment's
	// officer and Coordinator for the round's Coordinator, whose names the
	// caller does not know before the read.
	User                 string
	Officer, Coordinator bool
}

// RecordContext is what Store.RecordContext reads for recording an action.
type RecordContext struct {
	Assignment Assignment
	Remiss     Remiss // without its recipients
	Org        remiss.Org
	// Version is the version asked for, nil when it does not exist (or
	// none was asked for).
	Version *VersionHead
	// Note is the note asked for without its text, nil when it does not
	// exist (or none was asked for).
	Note *Note
	// Link is, for an assignment of an organisation answering by link,
	// what LinkOf would say of its link: nil when it has one, ErrNotFound
	// when not.
	Link error
	// WithRole are the organisation's users in the role asked for, by
	// username.
	WithRole []User
	// Users are the users asked for that exist, by username.
	Users map[string]User
}

// recordStatement is the statement that reads, in one round trip, an
// assignment with its round and organisation (as AssignmentInRound), the
// owner of a version and of a note (as VersionHead and Note), whether an
// assignment by link has its link, and users as JSON arrays of
// userColumns: the organisation's in a role, and up to three by name (the
// one given, the officer, the Coordinator), each its own lookup by primary
// key. Its columns are always the same; a part not asked for is NULL in
// the text, not a parameter: PostgreSQL plans a prepared statement anew on
// every run while a plan for its parameters (a custom plan) promises to be
// cheaper than one for any (a generic plan), and a parameter that switches
// a part off would make it promise that, costing more than the reading.
// So each combination of parts is a text of its own, at most 64 of them,
// each built once (building it took a seventh of Record's processor time).
func recordStatement(q RecordQuery) (string, []any) {
	args := []any{q.AssignmentID}
	for _, v := range []string{q.VersionID, q.NoteID, string(q.Role), q.User} {
		if v != "" {
			args = append(args, v)
		}
	}
	shape := recordShape{q.VersionID != "", q.NoteID != "", q.Role != "", q.User != "", q.Officer, q.Coordinator}
	if text, ok := recordStatements.Load(shape); ok {
		return text.(string), args
	}
	text, _ := recordStatements.LoadOrStore(shape, buildRecordStatement(q))
	return text.(string), args
}

// recordShape is which parts a RecordQuery asks for.
type recordShape struct{ version, note, role, user, officer, coordinator bool }

// recordStatements are the texts built, by shape.
var recordStatements sync.Map

// buildRecordStatement writes the text for q's shape; its parameters are
// numbered in the order recordStatement passes the values.
func buildRecordStatement(q RecordQuery) string {
	n := 1 // $1 is the assignment
	arg := func(string) string {
		n++
		return "$" + strconv.Itoa(n)
	}
	var b strings.Builder
	b.WriteString(`
	SELECT ` + prefixed("a", assignmentColumns) + `, ` + prefixed("r", remissColumns) + `,
		o.code, o.name, o.kind, o.forvaltning, o.email, o.dnr_rule, o.by_link,
		o.by_link AND EXISTS (SELECT 1 FROM answer_links l WHERE l.assignment_id = a.id)`)
	joins := ""
	if q.VersionID != "" {
		b.WriteString(`, v.assignment_id, v.sha256`)
		joins += ` LEFT JOIN response_versions v ON v.id = ` + arg(q.VersionID)
	} else {
		b.WriteString(`, NULL, NULL`)
	}
	if q.NoteID != "" {
		b.WriteString(`, n.assignment_id`)
		joins += ` LEFT JOIN notes n ON n.id = ` + arg(q.NoteID)
	} else {
		b.WriteString(`, NULL`)
	}
	if q.Role != "" {
		b.WriteString(`, (SELECT json_agg(` + userJSON + ` ORDER BY u.username) FROM users u WHERE u.org_code = o.code AND u.role = ` + arg(string(q.Role)) + `)`)
	} else {
		b.WriteString(`, NULL`)
	}
	byName := func(name string) string {
		return `, (SELECT ` + userJSON + ` FROM users u WHERE u.username = ` + name + `)`
	}
	if q.User != "" {
		b.WriteString(byName(arg(q.User)))
	} else {
		b.WriteString(`, NULL`)
	}
	if q.Officer {
		b.WriteString(byName("a.officer"))
	} else {
		b.WriteString(`, NULL`)
	}
	if q.Coordinator {
		b.WriteString(byName("r.coordinator"))
	} else {
		b.WriteString(`, NULL`)
	}
	b.WriteString(`
	FROM assignments a JOIN remisses r ON r.id = a.remiss_id JOIN orgs o ON o.code = a.org_code` + joins + `
	WHERE a.id = $1`)
	return b.String()
}

// userJSON is a user u's userColumns as a JSON array.
var userJSON = `json_build_array(` + prefixed("u", userColumns) + `)`

// RecordContext reads what recording an action on an assignment needs, in
// one round trip: Record made up to four, and a round trip costs the server
// and the worker more than most of these reads.
func (s *Store) RecordContext(ctx context.Context, q RecordQuery) (RecordContext, error) {
	var c RecordContext
	var x remissScan
	var kind string
	var versionOwner, versionSHA, noteOwner sql.NullString
	var hasLink bool
	var withRole []byte
	var named [3][]byte
	o := &c.Org
	query, args := recordStatement(q)
	a, err := scanAssignment(s.queryRowPrepared(ctx, query, args...),
		append(x.targets(), &o.Code, &o.Name, &kind, &o.Forvaltning, &o.Email, &o.DnrRule, &o.ByLink,
			&hasLink, &versionOwner, &versionSHA, &noteOwner, &withRole, &named[0], &named[1], &named[2])...)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("store: assignment %s: %w", q.AssignmentID, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("store: assignment %s: %w", q.AssignmentID, err)
	}
	o.Kind = remiss.OrgKind(kind)
	c.Assignment, c.Remiss = a, x.done()
	if versionOwner.Valid {
		c.Version = &VersionHead{ID: q.VersionID, AssignmentID: versionOwner.String, SHA256: versionSHA.String}
	}
	if noteOwner.Valid {
		c.Note = &Note{AssignmentID: noteOwner.String}
	}
	if o.ByLink && !hasLink {
		c.Link = fmt.Errorf("store: link of %s: %w", a.ID, ErrNotFound)
	}
	if c.WithRole, err = usersJSON(withRole); err != nil {
		return c, fmt.Errorf("store: assignment %s: users of %s: %w", a.ID, o.Code, err)
	}
	c.Users = make(map[string]User, len(named))
	for _, b := range named {
		if len(b) == 0 {
			continue
		}
		u, err := userFromJSON(b)
		if err != nil {
			return c, fmt.Errorf("store: assignment %s: users: %w", a.ID, err)
		}
		c.Users[u.Username] = u
	}
	return c, nil
}

// usersJSON reads a JSON array of users as userJSON makes them; no users
// is NULL.
func usersJSON(b []byte) ([]User, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var rows [][7]string
	if err := json.Unmarshal(b, &rows); err != nil {
		return nil, err
	}
	out := make([]User, len(rows))
	for i, f := range rows {
		out[i] = userOf(f)
	}
	return out, nil
}

// userFromJSON reads one user as userJSON makes it.
func userFromJSON(b []byte) (User, error) {
	var f [7]string
	err := json.Unmarshal(b, &f)
	return userOf(f), err
}

func userOf(f [7]string) User {
	return User{Username: f[0], Org: f[1], Role: remiss.Role(f[2]), DisplayName: f[3], Title: f[4], Email: f[5], Phone: f[6]}
}
