package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/schedule"
	"github.com/cakebackup/cakebackup/secret"
)

// restoreHint is how a backup the app cannot import is restored, in the
// words job.Kind puts into its description of such a backup.
const restoreHint = "restore it with `cakebackup restore`"

// hintedError is an error worded for the command line; errors.Is still
// finds its cause.
type hintedError struct {
	msg string
	err error
}

func (h *hintedError) Error() string { return h.msg }
func (h *hintedError) Unwrap() error { return h.err }

// protonHint words the Proton errors a user fixes with a flag or a
// command as the one line that says which; other errors get their fix
// from withFix (config as there).
func protonHint(err error, config string) error {
	switch {
	case errors.Is(err, proton.ErrAppVersionRefused):
		return withCode(exitCode(err), &hintedError{msg: "Proton no longer accepts this version of cakebackup: update it (or set --proton-app-version)", err: err})
	case errors.Is(err, proton.ErrSessionExpired):
		return withCode(exitCode(err), &hintedError{msg: "Proton session expired: run `cakebackup proton login`", err: err})
	}
	var fe *proton.FolderError
	if errors.As(err, &fe) {
		return withCode(exitCode(err), &hintedError{msg: err.Error() + "; use a folder cakebackup makes itself, such as proton:/cakebackup" + fe.Wanted, err: err})
	}
	return withFix(err, config)
}

// fixOf returns the command or flag that fixes err, if cakebackup knows
// one, and the error in err's chain whose words it follows; the commands
// it names that work on a config's jobs are given config (as
// env.configArg).
func fixOf(err error, config string) (fix string, after error) {
	const login = "`cakebackup proton login`"
	var session *proton.SessionError
	var noKeyring *schedule.NotInKeyringError
	var noTimers *schedule.NoTimersError
	var locked *schedule.JobLockedError
	var keyringSilent *secret.TimeoutError
	switch {
	case errors.As(err, &session) && session.Exposed:
		return ": delete it and run " + login, session
	case errors.As(err, &session):
		return ": run " + login + " again", session
	case errors.Is(err, proton.ErrNotLoggedIn):
		return ": run " + login, proton.ErrNotLoggedIn
	case errors.Is(err, proton.ErrSessionExpired):
		return ": run " + login + " again", proton.ErrSessionExpired
	case errors.Is(err, proton.ErrKeysLocked):
		return ", or run " + login + " again if the password changed", proton.ErrKeysLocked
	case errors.Is(err, proton.ErrHumanVerification):
		return ", then run " + login + " again", proton.ErrHumanVerification
	case errors.Is(err, proton.ErrTwoFactorRequired):
		return ": give it with --proton-2fa or at the prompt", proton.ErrTwoFactorRequired
	case errors.As(err, &locked):
		return "; wait for it to end and try again (`cakebackup schedule status" + config + "` shows its last run)", locked
	case errors.As(err, &noTimers):
		return ": run `cakebackup schedule run` from your own service manager", noTimers
	case errors.As(err, &noKeyring):
		return fmt.Sprintf(": run `cakebackup schedule set-password%s %s`", config, noKeyring.Job), noKeyring
	case errors.As(err, &keyringSilent):
		return "; for runs outside a desktop session, use a password_file (mode 0600) instead of password_keyring", keyringSilent
	}
	return "", nil
}

// withFix adds to err's message, right after the words of the error it
// fixes, the command or flag that fixes it (fixOf, given config).
// Libraries say what is wrong; how to fix it with cakebackup is said
// here.
func withFix(err error, config string) error {
	fix, after := fixOf(err, config)
	if after == nil {
		return err
	}
	words := after.Error()
	msg := err.Error()
	if strings.Contains(msg, words+fix) {
		return err // said already (a job's password error, fixed where it is read)
	}
	if i := strings.Index(msg, words); i >= 0 {
		msg = msg[:i+len(words)] + fix + msg[i+len(words):]
	} else {
		msg += fix
	}
	return &hintedError{msg: msg, err: err}
}

// message is err's one line for people, with its fix.
func message(err error) string { return errloc.OneLine(withFix(err, "").Error()) }
