package secret

import (
	"context"
	"fmt"
	"sync"
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
//
// A call that gave up may still be blocked in the OS keyring (see
// bounded); while it is, a later call on the same service and account
// through the same OSKeyring waits for it, within its own Timeout and
// context, rather than start another that would block beside it. So a
// process that keeps one OSKeyring, as a long-running `schedule run`
// does, holds at most one blocked call per service and account, however
// many times a locked keyring is asked. A caller with somewhere else to
// keep its secret asks Blocked first, and need not wait at all while the
// keyring has not answered the call that gave up. A delete that gave up
// waiting for a blocked call, or was left to DeleteWhenAnswered, is done
// once that call returns, so that a blocked save landing later does not
// bring back a secret deleted after it. Its zero value is ready to use;
// it is used through a pointer and must not be copied.
type OSKeyring struct {
	// Timeout bounds each call, with its wait for a blocked one; zero
	// means DefaultKeyringTimeout.
	Timeout time.Duration

	mu sync.Mutex
	// running has the call running on each entry (answered or not).
	running map[entry]*keyringCall
}

// keyringCall is a call running on an entry.
type keyringCall struct {
	// done is closed when the call returns.
	done chan struct{}
	// gaveUp, once a caller gave up on the call (or on waiting for it)
	// after its timeout, is that timeout: the call is blocked.
	gaveUp time.Duration
	// thenDelete: a delete of the entry came while the call was blocked
	// and could not wait for it; it is done when the call returns.
	thenDelete bool
}

// entry is one secret's place in the keyring.
type entry struct{ service, account string }

// Get implements Keyring.
func (k *OSKeyring) Get(ctx context.Context, service, account string) (string, error) {
	return bounded(ctx, k, entry{service, account}, false, func() (string, error) { return keyring.Get(service, account) })
}

// Set implements Keyring.
func (k *OSKeyring) Set(ctx context.Context, service, account, secret string) error {
	_, err := bounded(ctx, k, entry{service, account}, false, func() (struct{}, error) { return struct{}{}, keyring.Set(service, account, secret) })
	return err
}

// Delete implements Keyring. A delete that gives up waiting for a
// blocked call on the entry is done when that call returns.
func (k *OSKeyring) Delete(ctx context.Context, service, account string) error {
	_, err := bounded(ctx, k, entry{service, account}, true, func() (struct{}, error) { return struct{}{}, keyring.Delete(service, account) })
	return err
}

// DeleteWhenAnswered is Delete for a caller that will not wait for a
// blocked call (see Blocked): while a call on service and account is
// blocked, it has the entry deleted once that call returns and returns
// the call's *TimeoutError at once; otherwise it returns nil and does
// nothing, and the caller deletes as usual.
func (k *OSKeyring) DeleteWhenAnswered(service, account string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if c, ok := k.running[entry{service, account}]; ok && c.gaveUp > 0 {
		c.thenDelete = true
		return &TimeoutError{After: c.gaveUp}
	}
	return nil
}

func (k *OSKeyring) timeout() time.Duration {
	if k.Timeout > 0 {
		return k.Timeout
	}
	return DefaultKeyringTimeout
}

// Blocked returns at once, without asking the OS keyring, the
// *TimeoutError of a call on service and account that was given up on
// (after Timeout, see bounded) and is still blocked in the OS keyring,
// and nil when there is none. A call now on that entry would wait for the
// blocked one and most likely give up in turn; a caller that has
// somewhere else to keep the secret, as the Proton session store has its
// file, goes there instead of waiting. Once the blocked call ends
// (someone unlocked the keyring, or dismissed its prompt), Blocked
// returns nil again.
func (k *OSKeyring) Blocked(service, account string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if c, ok := k.running[entry{service, account}]; ok && c.gaveUp > 0 {
		return &TimeoutError{After: c.gaveUp}
	}
	return nil
}

// claim makes e's running call the caller's and returns it, to release
// when it returns, or, when another call is running on e, returns nil
// and that call.
func (k *OSKeyring) claim(e entry) (mine, other *keyringCall) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if other, ok := k.running[e]; ok {
		return nil, other
	}
	if k.running == nil {
		k.running = make(map[entry]*keyringCall)
	}
	mine = &keyringCall{done: make(chan struct{})}
	k.running[e] = mine
	return mine, nil
}

// release ends e's running call, claimed as mine, once the delete that
// came while it was blocked, if any, is done: no other call on e runs
// between the two.
func (k *OSKeyring) release(e entry, mine *keyringCall) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for mine.thenDelete {
		mine.thenDelete = false
		k.mu.Unlock()
		// Nobody waits for this answer; gone already is what was wanted.
		_ = keyring.Delete(e.service, e.account)
		k.mu.Lock()
	}
	delete(k.running, e)
	close(mine.done)
}

// giveUp records that a caller gave up on c, e's call, or on waiting for
// it, after timeout: c is blocked (see Blocked), and a delete (del) is to
// be done when c returns. It returns the caller's error, or nil when c
// returned as the timeout came: a delete marked on it then would never
// be done.
func (k *OSKeyring) giveUp(e entry, c *keyringCall, timeout time.Duration, del bool) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.running[e] != c {
		return nil
	}
	if c.gaveUp == 0 {
		c.gaveUp = timeout
	}
	c.thenDelete = c.thenDelete || del
	return &TimeoutError{After: timeout}
}

// bounded runs call on e, which takes no context (go-keyring's calls
// take none), once no other call of k runs on e, and returns its result,
// or a *TimeoutError after k's timeout (waiting for the other call
// included), or ctx's error when ctx ends first. go-keyring's Secret
// Service code waits with no limit for the Completed signal of the
// unlock prompt a locked collection answers with; the spec
// (specifications.freedesktop.org/secret-service, "Prompts and
// Prompting") leaves that prompt to the user, and without a desktop
// session nobody sees it. Such a call cannot be stopped: its goroutine is
// left blocked until the keyring answers it. The calls that come after
// it on e wait for it instead of blocking beside it, so k holds at most
// one such goroutine per entry; k.Blocked reports it. A delete (del)
// that gives up waiting for such a call is done when the call returns.
func bounded[T any](ctx context.Context, k *OSKeyring, e entry, del bool, call func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	timeout := k.timeout()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	mine, other := k.claim(e)
	for mine == nil {
		select {
		case <-other.done:
			mine, other = k.claim(e)
		case <-timer.C:
			if err := k.giveUp(e, other, timeout, del); err != nil {
				return zero, err
			}
			// The other call returned as the timeout came: e is free.
			timer.Reset(timeout)
			mine, other = k.claim(e)
		case <-ctx.Done():
			return zero, fmt.Errorf("waiting for the OS keyring: %w", ctx.Err())
		}
	}
	done := make(chan result, 1) // buffered: a late answer never blocks the abandoned call
	go func() {
		v, err := call()
		k.release(e, mine)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-timer.C:
		if err := k.giveUp(e, mine, timeout, false); err != nil {
			return zero, err
		}
		r := <-done // it returned as the timeout came: its answer is on its way
		return r.v, r.err
	case <-ctx.Done():
		return zero, fmt.Errorf("waiting for the OS keyring: %w", ctx.Err())
	}
}
