package job

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"time"

	"github.com/cakebackup/cakebackup/backup"
)

// Create makes b (Make) and, once it is produced, hands it to show, which
// says where each copy stands and shows the generated password, if any,
// this once.
// When no destination holds the backup, passwordFile (where its generated
// password was saved, or "") is removed: written down, that password would
// only be taken for the next backup's. It returns Make's error (a
// destination that failed), which says more than show's, or else show's.
// When show fails with a *PasswordLostError and no passwordFile holds the
// password, every copy is removed and that error, saying what became of
// each, is returned first; with passwordFile, show's error is the write's
// alone.
func Create(ctx context.Context, open Opener, b Backup, passwordFile string, show func(*Made) error) error {
	made, err := Make(ctx, open, b)
	if passwordFile != "" && !made.Saved() {
		os.Remove(passwordFile)
	}
	if made == nil {
		return err
	}
	var lost *PasswordLostError
	switch showErr := show(made); {
	case errors.As(showErr, &lost) && passwordFile == "":
		lost.Discarded = discardLost(ctx, open, made)
		return lost
	case err != nil:
		return err // a destination that failed says more than a result unshown
	case errors.As(showErr, &lost):
		return lost.Err
	default:
		return showErr
	}
}

// discardLost removes every copy of made, whose password was lost
// (Discard), even once ctx has ended: an interrupt reaches a whole
// pipeline (cakebackup create --json | jq), so the password's reader may
// be gone because the run was interrupted, and an interrupted run cleans
// up what it leaves. A minute bounds it then: a destination that does not
// answer (Proton Drive, its network gone) must not hold the process
// forever.
func discardLost(ctx context.Context, open Opener, made *Made) []Discarded {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	return Discard(ctx, open, made.Stores)
}

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
// show this once (backup.PasswordNotice), or else where it was saved,
// passwordFile (backup.PasswordSavedNotice), each only for a backup saved
// somewhere; each destination's line (WriteText); then, unless quiet or
// saved nowhere, that it is a snapshot, so nobody takes it for an export
// the app can import. A failed write of the password is a
// *PasswordLostError.
func (m *Made) WriteCreated(w io.Writer, password, passwordFile string, quiet bool, restoreWith string,
	word func(error) string) error {
	switch {
	case password != "" && m.Saved():
		if _, err := io.WriteString(w, backup.PasswordNotice(password)); err != nil {
			return &PasswordLostError{Err: err}
		}
	case passwordFile != "" && m.Saved():
		if _, err := io.WriteString(w, backup.PasswordSavedNotice(passwordFile)); err != nil {
			return err
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
