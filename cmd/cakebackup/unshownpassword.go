package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/cakebackup/cakebackup/job"
)

// unshownPasswordError is create's failure to show the generated
// password of the backup it made, the one time it is shown: the write
// on stdout that carried it failed. It is the run's error even though
// stdout failed (see run), as it says more: what became of the backup.
type unshownPasswordError struct {
	err error // the write's, a *stdoutError
	// removed are the locations the backup was removed from;
	// notRemoved says, of each location it could not be removed
	// from, where and why; changed are the locations that no longer
	// hold the copy stored there, left alone.
	removed, notRemoved, changed []string
}

func (e *unshownPasswordError) Error() string {
	msg := "the generated password could not be shown (" + e.err.Error() + ") and the backup cannot be opened without it"
	if len(e.removed) > 0 {
		msg += ", so it was removed from " + strings.Join(e.removed, " and ")
	}
	for _, why := range e.notRemoved {
		msg += "; could not remove it from " + why + ": delete it, nobody can open it"
	}
	for _, loc := range e.changed {
		msg += "; " + loc + " is no longer the copy it stored (changed or replaced since): left as it is"
	}
	return msg + "; run create again (--password-out FILE keeps the password in a file)"
}

func (e *unshownPasswordError) Unwrap() error { return e.err }

// discardUnopenable removes every copy of made, a backup whose generated
// password could not be shown and is gone with this process
// (job.Discard): nobody can ever open it, and left among its owner's
// backups it would pass for one (check and verify without the password
// find it sound), until the day it is needed. As create removes the
// --password-out file of a backup saved nowhere, it removes the backup
// of a password shown nowhere. It returns unshown with what became of
// each copy.
//
// It removes them even once ctx has ended: Ctrl-C reaches a whole
// pipeline (cakebackup create --json | jq), so the reader of the
// password may be gone because the run was interrupted, and an
// interrupted run cleans up what it leaves. removalTime bounds it then.
func discardUnopenable(ctx context.Context, open job.Opener, made *job.Made, unshown *unshownPasswordError) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), removalTime)
	defer cancel()
	for _, d := range job.Discard(ctx, open, made.Stores) {
		switch {
		case errors.Is(d.Err, job.ErrReplaced):
			unshown.changed = append(unshown.changed, d.Location)
		case d.Err != nil:
			unshown.notRemoved = append(unshown.notRemoved, d.Location+" ("+message(d.Err)+")")
		default:
			unshown.removed = append(unshown.removed, d.Location)
		}
	}
	return unshown
}

// removalTime bounds discardUnopenable's removals, which an interrupt
// does not end: a destination that does not answer (Proton Drive, its
// network gone) must not hold the process forever.
const removalTime = time.Minute

// catchBrokenPipe makes a write on stdout whose reader is gone fail with
// EPIPE until the returned func is called, where Go's runtime would end
// the process by SIGPIPE at once: create, showing a generated password,
// must learn that it was not shown (cakebackup create --json | true)
// and not leave behind a backup that nobody can open. Every other write
// dies by SIGPIPE as ever, the quiet end that `cakebackup ls | head -1`
// expects.
func catchBrokenPipe() (release func()) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGPIPE)
	return func() { signal.Stop(c) }
}
