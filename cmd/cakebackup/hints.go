package main

import (
	"errors"
	"fmt"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/schedule"
	"github.com/cakebackup/cakebackup/secret"
)

// restoreHint is how a backup the app cannot import is restored, in the
// words job.Kind puts into its description of such a backup.
const restoreHint = "restore it with `cakebackup restore`"

// explain words err for the run's last line: a whole line for a Proton error a flag or command fixes, withFix
// for others; a spec that cannot be right, is empty or of no kind (with a suggestion) is a usage error.
func (e *env) explain(err error) error {
	fe, folder := errors.AsType[*proton.FolderError](err)
	switch {
	case errors.Is(err, proton.ErrAppVersionRefused):
		err = errloc.Explain(err, "Proton no longer accepts this version of cakebackup: update it (or set --proton-app-version)")
	case errors.Is(err, proton.ErrSessionExpired):
		err = errloc.Explain(err, "Proton session expired: run `cakebackup proton login`")
	case folder:
		err = errloc.Explain(err, err.Error()+"; use a folder cakebackup makes itself, such as proton:/cakebackup"+fe.Wanted)
	default:
		err = withFix(err, e.configArg)
	}
	if errors.As(err, new(*destinations.ArgError)) || errors.Is(err, destinations.ErrEmptySpec) {
		return usageError(err)
	}
	if kind, ok := errors.AsType[*destinations.KindError](err); ok {
		return usageError(fmt.Errorf("%w%s", err, kind.Suggestion(e.registry().Schemes())))
	}
	return err
}

// withFix adds the command or flag that fixes err right after the words of the error it fixes (libraries
// say what is wrong, cmd how to fix it); config is env.configArg, for commands on a config's jobs.
func withFix(err error, config string) error {
	const login = "`cakebackup proton login`"
	var session *proton.SessionError
	var noKeyring *schedule.NotInKeyringError
	var noTimers *schedule.NoTimersError
	var locked *schedule.JobLockedError
	var keyringSilent *secret.TimeoutError
	var record *proton.LoggedOutRecordError
	switch {
	case errors.As(err, &session) && session.Exposed:
		return errloc.After(err, session, ": delete it and run "+login)
	case errors.As(err, &session):
		return errloc.After(err, session, ": run "+login+" again")
	case errors.Is(err, proton.ErrNotLoggedIn):
		return errloc.After(err, proton.ErrNotLoggedIn, ": run "+login)
	case errors.Is(err, proton.ErrSessionExpired):
		return errloc.After(err, proton.ErrSessionExpired, ": run "+login+" again")
	case errors.Is(err, proton.ErrKeysLocked):
		return errloc.After(err, proton.ErrKeysLocked, ", or run "+login+" again if the password changed")
	case errors.Is(err, proton.ErrHumanVerification):
		return errloc.After(err, proton.ErrHumanVerification, ", then run "+login+" again")
	case errors.As(err, &record): // it only lists sessions ended at Proton
		return errloc.After(err, record, "; delete that file and try again")
	case errors.Is(err, proton.ErrTwoFactorRequired):
		return errloc.After(err, proton.ErrTwoFactorRequired, ": give it with --proton-2fa or at the prompt")
	case errors.As(err, &locked):
		return errloc.After(err, locked,
			"; wait for it to end and try again (`cakebackup schedule status"+config+"` shows its last run)")
	case errors.As(err, &noTimers):
		return errloc.After(err, noTimers, ": run `cakebackup schedule run` from your own service manager")
	case errors.As(err, &noKeyring):
		return errloc.After(err, noKeyring,
			fmt.Sprintf(": run `cakebackup schedule set-password%s %s`", config, noKeyring.Job))
	case errors.As(err, &keyringSilent):
		return errloc.After(err, keyringSilent,
			"; for runs outside a desktop session, use a password_file (mode 0600) instead of password_keyring")
	}
	return err
}

// message is err's one line for people, with its fix.
func message(err error) string { return errloc.OneLine(withFix(err, "").Error()) }
