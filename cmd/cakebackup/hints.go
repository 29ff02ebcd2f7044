package main

import (
	"errors"
	"fmt"

	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/schedule"
	"github.com/cakebackup/cakebackup/secret"
)

// restoreHint is how a backup the app cannot import is restored, in the
// words job.Kind puts into its description of such a backup.
const restoreHint = "restore it with `cakebackup restore`"

// protonHint says the Proton errors a flag or command fixes as the one
// line that says which; other errors get withFix's.
func protonHint(err error, config string) error {
	fe, folder := errors.AsType[*proton.FolderError](err)
	switch {
	case errors.Is(err, proton.ErrAppVersionRefused):
		return errloc.Explain(err, "Proton no longer accepts this version of cakebackup: update it (or set --proton-app-version)")
	case errors.Is(err, proton.ErrSessionExpired):
		return errloc.Explain(err, "Proton session expired: run `cakebackup proton login`")
	case folder:
		return errloc.Explain(err, err.Error()+"; use a folder cakebackup makes itself, such as proton:/cakebackup"+fe.Wanted)
	}
	return withFix(err, config)
}

// fixOf returns the command or flag that fixes err, if there is one, and
// the error in err's chain it follows; config is env.configArg, for the
// commands named that work on a config's jobs.
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

// withFix adds fixOf's fix to err's line, right after the words of the
// error it fixes: libraries say what is wrong, cmd how to fix it.
func withFix(err error, config string) error {
	if fix, after := fixOf(err, config); after != nil {
		return errloc.After(err, after, fix)
	}
	return err
}

// message is err's one line for people, with its fix.
func message(err error) string { return errloc.OneLine(withFix(err, "").Error()) }
