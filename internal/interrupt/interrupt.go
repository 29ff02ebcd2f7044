// Package interrupt ends a context when the process is asked to stop,
// by SIGINT (Ctrl-C) or SIGTERM, with a cause that carries the exit code
// shells report for the signal: 128 + its number. The work under the
// context stops and cleans up; the program then exits with [Code].
package interrupt

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
)

// Error is the cause of a context ended by a signal.
type Error struct {
	// Code is the exit code for the signal: 130 for SIGINT, 143 for
	// SIGTERM.
	Code int
}

func (*Error) Error() string { return "interrupted" }

// OnSignal returns a context that ends on SIGINT or SIGTERM with an
// [*Error] as its cause, and the function that stops listening for them
// and ends the context.
func OnSignal(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			code := 130 // 128 + SIGINT
			if sig == syscall.SIGTERM {
				code = 143 // 128 + SIGTERM
			}
			cancel(&Error{Code: code})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}

// Code returns the exit code of the signal that ended ctx, and whether
// one did.
func Code(ctx context.Context) (int, bool) {
	var intr *Error
	if errors.As(context.Cause(ctx), &intr) {
		return intr.Code, true
	}
	return 0, false
}
