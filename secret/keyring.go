package secret

import (
	"context"
	"fmt"
	"time"

	"github.com/zalando/go-keyring"
)

// Keyring is a store of secrets by service and account: the OS keyring,
// or an in-memory one in tests, since CI machines have no keyring daemon.
// Each call ends when ctx does, with ctx's error.
type Keyring interface {
	// Get returns the secret, or an error wrapping ErrNotInKeyring when
	// the keyring holds none for service and account.
	Get(ctx context.Context, service, account string) (string, error)
	// Set stores secret, replacing any other.
	Set(ctx context.Context, service, account, secret string) error
	// Delete removes the secret; one that is not there is an error
	// wrapping ErrNotInKeyring.
	Delete(ctx context.Context, service, account string) error
}

// ErrNotInKeyring is the error of a keyring that works but holds no such
// secret; any other error means there is no usable keyring.
var ErrNotInKeyring = keyring.ErrNotFound

// DefaultKeyringTimeout is how long OSKeyring waits for the OS keyring
// to answer when its Timeout is zero. A keyring that is there answers in
// milliseconds; a locked one waits for someone to unlock it, which at a
// desktop is a person typing the keyring's password into its prompt
// (given this long), and in a run outside a desktop session never
// happens.
const DefaultKeyringTimeout = time.Minute

// TimeoutError is the error of an OS keyring that did not answer in
// time: most often a locked one (the Secret Service's "login" collection
// not unlocked at login) waiting on an unlock prompt that nobody sees,
// as in a run started by a timer outside a desktop session.
type TimeoutError struct {
	// After is how long the call was given.
	After time.Duration
}

// Error implements error.
func (e *TimeoutError) Error() string {
	return fmt.Sprintf("the OS keyring did not answer within %v (locked, waiting for someone to unlock it?)", e.After)
}

// Timeout reports that the error is a timeout, as net.Error does.
func (e *TimeoutError) Timeout() bool { return true }

// OSKeyring is the operating system's keyring: the Secret Service over
// D-Bus on Linux, the Keychain on macOS, the Credential Manager on
// Windows. Every call gives up after Timeout, or when its context ends.
type OSKeyring struct {
	// Timeout bounds each call; zero means DefaultKeyringTimeout.
	Timeout time.Duration
}

// Get implements Keyring.
func (k OSKeyring) Get(ctx context.Context, service, account string) (string, error) {
	return bounded(ctx, k.timeout(), func() (string, error) { return keyring.Get(service, account) })
}

// Set implements Keyring.
func (k OSKeyring) Set(ctx context.Context, service, account, secret string) error {
	_, err := bounded(ctx, k.timeout(), func() (struct{}, error) { return struct{}{}, keyring.Set(service, account, secret) })
	return err
}

// Delete implements Keyring.
func (k OSKeyring) Delete(ctx context.Context, service, account string) error {
	_, err := bounded(ctx, k.timeout(), func() (struct{}, error) { return struct{}{}, keyring.Delete(service, account) })
	return err
}

func (k OSKeyring) timeout() time.Duration {
	if k.Timeout > 0 {
		return k.Timeout
	}
	return DefaultKeyringTimeout
}

// bounded runs call, which takes no context (go-keyring's calls take
// none), and returns its result, or a *TimeoutError after timeout, or
// ctx's error when ctx ends first. go-keyring's Secret Service code waits
// with no limit for the Completed signal of the unlock prompt a locked
// collection answers with; the spec
// (specifications.freedesktop.org/secret-service, "Prompts and
// Prompting") leaves that prompt to the user, and without a desktop
// session nobody sees it. Such a call cannot be stopped: its goroutine is
// left blocked. The leak is bounded to that one call: cakebackup gives up
// on the keyring and the process, a command or a scheduled run, ends
// soon after (a long-running `schedule run` keeps one such goroutine per
// read that timed out, until the keyring answers it).
func bounded[T any](ctx context.Context, timeout time.Duration, call func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	done := make(chan result, 1) // buffered: a late answer never blocks the abandoned call
	go func() {
		v, err := call()
		done <- result{v, err}
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.v, r.err
	case <-timer.C:
		return zero, &TimeoutError{After: timeout}
	case <-ctx.Done():
		return zero, fmt.Errorf("waiting for the OS keyring: %w", ctx.Err())
	}
}
