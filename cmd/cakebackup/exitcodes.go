package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/cliargs"
	"github.com/cakebackup/cakebackup/internal/didyoumean"
	"github.com/cakebackup/cakebackup/internal/interrupt"
)

// Exit codes, distinct so scripts and timers can tell failures apart.
const (
	exitOK            = 0
	exitFailure       = 1 // anything else: I/O, network, destination errors
	exitUsage         = 2 // bad flags or arguments
	exitWrongPassword = 3 // the password does not open the backup
	exitDamaged       = 4 // the backup file is damaged or not a backup
)

// codedError carries the exit code an error should end the process with.
type codedError struct {
	code int
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

// usageError marks err as a command-line usage mistake (exit code 2).
func usageError(err error) error { return &codedError{code: exitUsage, err: err} }

// withCode marks err with an exit code.
func withCode(code int, err error) error { return &codedError{code: code, err: err} }

// exitCode returns the exit code for err: the one it was given, or
// exitUsage for a mistake in the command line (cliargs.UsageError).
func exitCode(err error) int {
	var ce *codedError
	switch {
	case errors.As(err, &ce):
		return ce.code
	case errors.As(err, new(*cliargs.UsageError)):
		return exitUsage
	}
	return exitFailure
}

// explain gives mistakes that libraries report, and that are the user's to
// fix, the usage exit code and a suggestion: a destination kind that is
// not one (`--dest downlaods`, `--dest Downloads`, `ls backups` for the
// folder backups here), an argument that cannot be right (`--dest
// folder:`), a destination that is empty (`check ""`).
func (e *env) explain(err error) error {
	if argErr := (*destinations.ArgError)(nil); errors.As(err, &argErr) || errors.Is(err, destinations.ErrEmptySpec) {
		return usageError(err)
	}
	var kind *destinations.KindError
	if errors.As(err, &kind) {
		known := kind.Known
		if known == nil {
			known = e.registry().Schemes()
		}
		hint := didyoumean.Hint(kind.Kind, known)
		if fi, statErr := os.Stat(kind.Spec); statErr == nil && fi.IsDir() {
			// A folder here, named as rclone and restic take a bare
			// path: say how to write it.
			hint += fmt.Sprintf(" (for the folder %s here, write folder:%s)", kind.Spec, kind.Spec)
		}
		return usageError(fmt.Errorf("%w%s", err, hint))
	}
	return err
}

// withSignalCode gives err the exit code of the signal that ended ctx,
// when one did: a part of the result (one file of send) stopped by it
// reports the code the process ends with.
func withSignalCode(ctx context.Context, err error) error {
	if code, ok := interrupt.Code(ctx); ok && err != nil {
		return withCode(code, err)
	}
	return err
}

// backupExit gives errors from reading or verifying a backup the exit code
// that tells a wrong password from a damaged file (backup.VerdictOf).
func backupExit(err error) error {
	if exitCode(err) != exitFailure {
		return err
	}
	switch backup.VerdictOf(err) {
	case backup.WrongPassword:
		return withCode(exitWrongPassword, err)
	case backup.Damaged:
		return withCode(exitDamaged, err)
	}
	return err
}
