package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/lib/pq"

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
	// Users asks for users by username; Officer adds the assignment's
	// officer and Coordinator the round's Coordinator, whose names the
	// caller does not know before the read.
	Users                []string
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
	// Users are the users asked for by name that exist.
	Users map[string]User
}

// recordQuery reads, in one statement, an assignment with its round and
// organisation (as AssignmentInRound), the owner of a version and of a
// note (as VersionHead and Note), whether an assignment by link has its
// link, and users: the organisation's in a role, and some by name, as JSON
// arrays of userColumns. A parameter not asked for is ” or false, which
// the planner turns into a filter that reads nothing.
var recordQuery = `
	SELECT ` + prefixed("a", assignmentColumns) + `, ` + prefixed("r", remissColumns) + `,
		o.code, o.name, o.kind, o.forvaltning, o.email, o.dnr_rule, o.by_link,
		v.assignment_id, v.sha256, n.assignment_id,
		o.by_link AND EXISTS (SELECT 1 FROM answer_links l WHERE l.assignment_id = a.id),
		(SELECT json_agg(json_build_array(` + prefixed("u", userColumns) + `) ORDER BY u.username)
			FROM users u WHERE $4 <> '' AND u.org_code = o.code AND u.role = $4),
		(SELECT json_agg(json_build_array(` + prefixed("u", userColumns) + `))
			FROM users u WHERE u.username = ANY ($5::text[] || CASE WHEN $6 THEN a.officer END || CASE WHEN $7 THEN r.coordinator END))
	FROM assignments a JOIN remisses r ON r.id = a.remiss_id JOIN orgs o ON o.code = a.org_code
		LEFT JOIN response_versions v ON $2 <> '' AND v.id = $2
		LEFT JOIN notes n ON $3 <> '' AND n.id = $3
	WHERE a.id = $1`

// RecordContext reads what recording an action on an assignment needs, in
// one round trip: the activity that records an answer would otherwise make
// four, each costing the server and the worker more than the reading.
func (s *Store) RecordContext(ctx context.Context, q RecordQuery) (RecordContext, error) {
	var c RecordContext
	var x remissScan
	var kind string
	var versionOwner, versionSHA, noteOwner sql.NullString
	var hasLink bool
	var withRole, users []byte
	users0 := q.Users
	if users0 == nil {
		users0 = []string{} // an empty array, not NULL
	}
	o := &c.Org
	a, err := scanAssignment(s.queryRowPrepared(ctx, recordQuery, q.AssignmentID, q.VersionID, q.NoteID, string(q.Role),
		pq.Array(users0), q.Officer, q.Coordinator),
		append(x.targets(), &o.Code, &o.Name, &kind, &o.Forvaltning, &o.Email, &o.DnrRule, &o.ByLink,
			&versionOwner, &versionSHA, &noteOwner, &hasLink, &withRole, &users)...)
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
	named, err := usersJSON(users)
	if err != nil {
		return c, fmt.Errorf("store: assignment %s: users: %w", a.ID, err)
	}
	c.Users = make(map[string]User, len(named))
	for _, u := range named {
		c.Users[u.Username] = u
	}
	return c, nil
}

// usersJSON reads users as json_build_array of userColumns makes them; no
// users is NULL.
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
		out[i] = User{Username: f[0], Org: f[1], Role: remiss.Role(f[2]), DisplayName: f[3], Title: f[4], Email: f[5], Phone: f[6]}
	}
	return out, nil
}
