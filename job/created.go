package job

import (
	"errors"
	"io"
	"strings"

	"github.com/cakebackup/cakebackup/backup"
)

// CreatedResult is what create --json prints of a made backup.
type CreatedResult struct {
	MadeResult
	// Password is set only when cakebackup generated it: this is the one
	// time it is shown.
	Password string `json:"generated_password,omitempty"`
}

// Created returns m as create's result, with word turning a destination's
// error into its text and the generated password, to show this once; a
// backup saved nowhere gets none (see Saved).
func (m *Made) Created(password string, word func(error) string) CreatedResult {
	out := CreatedResult{MadeResult: m.Result(word)}
	if m.Saved() {
		out.Password = password
	}
	return out
}

// WriteCreated writes what create says of m: the generated password, to
// show this once (backup.PasswordNotice; a backup saved nowhere gets
// none), each destination's line (WriteText), then, unless quiet or saved
// nowhere, that it is a snapshot, so nobody takes it for an export the
// app can import. A failed write of the password is a *PasswordLostError.
func (m *Made) WriteCreated(w io.Writer, password string, quiet bool, restoreWith string, word func(error) string) error {
	if password != "" && m.Saved() {
		if _, err := io.WriteString(w, backup.PasswordNotice(password)); err != nil {
			return &PasswordLostError{Err: err}
		}
	}
	if err := m.WriteText(w, word); err != nil || quiet || !m.Saved() {
		return err
	}
	_, err := io.WriteString(w, "This backup was "+SnapshotKind(restoreWith)+".\n")
	return err
}

// PasswordLostError is a made backup whose generated password never
// reached its owner: the write that was to show it, the one time it is
// shown, failed (Err). Nobody can ever open the backup, and left among its
// owner's backups it would pass for one (check and verify without the
// password find it sound) until the day it is needed; so its copies are
// removed (Discard), as the file of a password is when its backup is
// saved nowhere. Discarded is what became of each.
type PasswordLostError struct {
	Err       error
	Discarded []Discarded
}

// Error implements error.
func (e *PasswordLostError) Error() string { return e.Text(error.Error) }

// Text says what was lost and what became of each copy, with word
// turning a failed removal's error into its text.
func (e *PasswordLostError) Text(word func(error) string) string {
	var removed []string
	var failed, changed string
	for _, d := range e.Discarded {
		switch {
		case errors.Is(d.Err, ErrReplaced):
			changed += "; " + d.Location + " is no longer the copy it stored (changed or replaced since): left as it is"
		case d.Err != nil:
			failed += "; could not remove it from " + d.Location + " (" + word(d.Err) + "): delete it, nobody can open it"
		default:
			removed = append(removed, d.Location)
		}
	}
	msg := "the generated password could not be shown (" + e.Err.Error() + ") and the backup cannot be opened without it"
	if len(removed) > 0 {
		msg += ", so it was removed from " + strings.Join(removed, " and ")
	}
	return msg + failed + changed
}

// Unwrap returns the write's error.
func (e *PasswordLostError) Unwrap() error { return e.Err }
