package main

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/cakebackup/cakebackup/job"
)

// unshownPasswordError is create's *job.PasswordLostError, each failed
// removal worded with its fix. It is the run's error even though stdout
// failed (see run), as it says more: what became of the backup.
type unshownPasswordError struct{ *job.PasswordLostError }

func (e *unshownPasswordError) Error() string {
	return e.Text(message) + "; run create again (--password-out FILE keeps the password in a file)"
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
