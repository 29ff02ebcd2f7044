package main

import (
	"context"
	"errors"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/internal/cliargs"
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
	if ce, ok := errors.AsType[*codedError](err); ok {
		return ce.code
	}
	if errors.As(err, new(*cliargs.UsageError)) {
		return exitUsage
	}
	return exitFailure
}

// withSignalCode gives err the exit code of the signal that ended ctx, if
// one did, for a part of the result (one file of send) it stopped.
func withSignalCode(ctx context.Context, err error) error {
	if code, ok := interrupt.Code(ctx); ok && err != nil {
		return withCode(code, err)
	}
	return err
}

// backupExit gives errors from reading or verifying a backup the exit code
// that tells a wrong password from a damaged file (backup.VerdictOf).
func backupExit(err error) error {
	codes := map[backup.Verdict]int{backup.WrongPassword: exitWrongPassword, backup.Damaged: exitDamaged}
	if code, ok := codes[backup.VerdictOf(err)]; ok && exitCode(err) == exitFailure {
		return withCode(code, err)
	}
	return err
}
