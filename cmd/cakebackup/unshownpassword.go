package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cakebackup/cakebackup/job"
)

// unshownPasswordError is create's *job.PasswordLostError, each failed
// removal worded with its fix. It is the run's error even though stdout
// failed (see run), as it says more: what became of the backup.
type unshownPasswordError struct{ *job.PasswordLostError }

func (e *unshownPasswordError) Error() string {
	return e.Text(message) + "; run create again (--password-out FILE keeps the password in a file)"
}

// discardUnopenable removes every copy of made, whose password was lost
// (job.Discard), even once ctx has ended: Ctrl-C reaches a whole pipeline
// (cakebackup create --json | jq), and an interrupted run cleans up what
// it leaves. A minute bounds it then: a destination that does not answer
// (Proton Drive, its network gone) must not hold the process forever.
func discardUnopenable(ctx context.Context, open job.Opener, made *job.Made, lost *job.PasswordLostError) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	lost.Discarded = job.Discard(ctx, open, made.Stores)
	return &unshownPasswordError{lost}
}

// catchBrokenPipe makes a write on stdout whose reader is gone fail with
// EPIPE until the returned func is called, where Go's runtime would end
// the process by SIGPIPE: create, showing a generated password, must learn
// that it was not shown (cakebackup create --json | true). Every other
// write dies by SIGPIPE, the quiet end `cakebackup ls | head -1` expects.
func catchBrokenPipe() (release func()) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGPIPE)
	return func() { signal.Stop(c) }
}
