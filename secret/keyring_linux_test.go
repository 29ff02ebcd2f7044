package secret_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/secret"
	"github.com/cakebackup/cakebackup/secret/secrettest"
)

// TestOSKeyringLockedDoesNotHang reads, stores and deletes through the OS
// keyring (go-keyring, over D-Bus) with a Secret Service whose
// collection is locked and whose unlock prompt nobody answers: each call
// returns a *secret.TimeoutError, or its context's error once the
// context ends, where go-keyring alone waits forever.
func TestOSKeyringLockedDoesNotHang(t *testing.T) {
	svc := secrettest.Start(t)
	const short = 100 * time.Millisecond
	calls := []struct {
		name string
		call func(context.Context, secret.Keyring) error
	}{
		{"get", func(ctx context.Context, k secret.Keyring) error {
			_, err := k.Get(ctx, "cakebackup", "nightly")
			return err
		}},
		{"set", func(ctx context.Context, k secret.Keyring) error {
			return k.Set(ctx, "cakebackup", "nightly", "correct horse battery staple")
		}},
		{"delete", func(ctx context.Context, k secret.Keyring) error { return k.Delete(ctx, "cakebackup", "nightly") }},
	}
	for _, c := range calls {
		t.Run(c.name+" times out", func(t *testing.T) {
			err := c.call(t.Context(), &secret.OSKeyring{Timeout: short})
			if !errors.As(err, new(*secret.TimeoutError)) || err.Error() != "the OS keyring did not answer within 100ms (locked, waiting for someone to unlock it?)" {
				t.Fatalf("err = %v, want the keyring's timeout", err)
			}
			<-svc.Shown() // the call did reach the unanswered prompt
		})
		t.Run(c.name+" ends with its context", func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			go func() {
				<-svc.Shown()
				cancel() // as Ctrl-C or a scheduler's stop would, while the prompt waits
			}()
			err := c.call(ctx, &secret.OSKeyring{Timeout: time.Hour})
			if !errors.Is(err, context.Canceled) || err.Error() != "waiting for the OS keyring: context canceled" {
				t.Fatalf("err = %v, want the context's end", err)
			}
		})
	}
	t.Run("context ended before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := (&secret.OSKeyring{}).Get(ctx, "cakebackup", "nightly"); !errors.Is(err, context.Canceled) || err.Error() != "context canceled" {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
}

// TestOSKeyringLockedBlocksOnce asks a locked keyring, whose unlock
// prompt nobody answers, again and again through one OSKeyring, as a
// long-running `schedule run` does at each run of a job: the first call
// gives up and stays blocked in go-keyring (it cannot be stopped), and
// every later call on that entry, a read, store or delete, waits for it
// and gives up in turn, with no second call blocked beside it. Once the
// keyring is unlocked, the blocked call ends and the next calls are
// answered. Blocked reports the blocked call at once while it lasts.
func TestOSKeyringLockedBlocksOnce(t *testing.T) {
	svc := secrettest.Start(t)
	kr := &secret.OSKeyring{Timeout: 20 * time.Millisecond}
	const want = "the OS keyring did not answer within 20ms (locked, waiting for someone to unlock it?)"
	if err := kr.Blocked("cakebackup", "nightly"); err != nil {
		t.Fatalf("Blocked before any call = %v, want nil", err)
	}
	if _, err := kr.Get(t.Context(), "cakebackup", "nightly"); !errors.As(err, new(*secret.TimeoutError)) || err.Error() != want {
		t.Fatalf("first get: err = %v, want the keyring's timeout", err)
	}
	<-svc.Shown() // the call did reach the unanswered prompt, and waits there
	// Blocked tells so at once, for that entry only.
	if err := kr.Blocked("cakebackup", "nightly"); !errors.As(err, new(*secret.TimeoutError)) || err.Error() != want {
		t.Fatalf("Blocked while the call is blocked = %v, want the call's timeout", err)
	}
	if err := kr.Blocked("cakebackup", "weekly"); err != nil {
		t.Fatalf("Blocked on another entry = %v, want nil", err)
	}
	for i := range 10 {
		for _, c := range []struct {
			name string
			call func() error
		}{
			{"get", func() error { _, err := kr.Get(t.Context(), "cakebackup", "nightly"); return err }},
			{"set", func() error { return kr.Set(t.Context(), "cakebackup", "nightly", "correct horse battery staple") }},
			{"delete", func() error { return kr.Delete(t.Context(), "cakebackup", "nightly") }},
		} {
			if err := c.call(); !errors.As(err, new(*secret.TimeoutError)) || err.Error() != want {
				t.Fatalf("%s %d: err = %v, want the keyring's timeout", c.name, i, err)
			}
		}
	}
	if n := secrettest.BlockedCalls(t); n != 1 {
		t.Fatalf("%d calls blocked in go-keyring after 31 calls that timed out, want 1", n)
	}

	svc.Unlock(t)
	kr.Timeout = time.Minute // a bound only: the calls wait for the blocked one to end
	if err := kr.Set(t.Context(), "cakebackup", "nightly", "correct horse battery staple"); err != nil {
		t.Fatalf("set once unlocked: %v", err)
	}
	if err := kr.Blocked("cakebackup", "nightly"); err != nil {
		t.Fatalf("Blocked once unlocked = %v, want nil", err)
	}
	if n := secrettest.BlockedCalls(t); n != 0 {
		t.Fatalf("%d calls blocked in go-keyring once unlocked, want 0", n)
	}
	if got, err := kr.Get(t.Context(), "cakebackup", "nightly"); err != nil || got != "correct horse battery staple" {
		t.Fatalf("get once unlocked = %q, %v; want the secret set", got, err)
	}
	if err := kr.Delete(t.Context(), "cakebackup", "nightly"); err != nil {
		t.Fatalf("delete once unlocked: %v", err)
	}
	if _, err := kr.Get(t.Context(), "cakebackup", "nightly"); !errors.Is(err, secret.ErrNotInKeyring) {
		t.Fatalf("get after delete: err = %v, want ErrNotInKeyring", err)
	}
}

// TestOSKeyringDeleteBehindBlockedSet stores a secret while the keyring
// is locked and nobody answers its unlock prompt, so the set stays
// blocked, then deletes it through the same OSKeyring, as a logout does:
// the delete times out waiting behind the set, or, by DeleteWhenAnswered,
// does not wait at all. Once the keyring is unlocked the blocked set
// lands, and the delete, done after it, wins: the entry is absent. A set
// made after that is kept.
func TestOSKeyringDeleteBehindBlockedSet(t *testing.T) {
	const want = "the OS keyring did not answer within 20ms (locked, waiting for someone to unlock it?)"
	for _, tc := range []struct {
		name   string
		delete func(*secret.OSKeyring) error
	}{
		{"delete times out", func(kr *secret.OSKeyring) error { return kr.Delete(t.Context(), "cakebackup", "proton") }},
		{"DeleteWhenAnswered", func(kr *secret.OSKeyring) error { return kr.DeleteWhenAnswered("cakebackup", "proton") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc := secrettest.Start(t) // sets DBUS_SESSION_BUS_ADDRESS: not parallel
			kr := &secret.OSKeyring{Timeout: 20 * time.Millisecond}
			if err := kr.DeleteWhenAnswered("cakebackup", "proton"); err != nil {
				t.Fatalf("DeleteWhenAnswered with nothing blocked = %v, want nil", err)
			}
			if err := kr.Set(t.Context(), "cakebackup", "proton", "a session logged out of"); err == nil || err.Error() != want {
				t.Fatalf("set while locked: err = %v, want the keyring's timeout", err)
			}
			<-svc.Shown() // the set waits on the unanswered prompt
			if err := tc.delete(kr); !errors.As(err, new(*secret.TimeoutError)) || err.Error() != want {
				t.Fatalf("delete behind the blocked set: err = %v, want the keyring's timeout", err)
			}

			svc.Unlock(t)
			kr.Timeout = time.Minute // a bound only: the get waits for the blocked set to end
			if got, err := kr.Get(t.Context(), "cakebackup", "proton"); !errors.Is(err, secret.ErrNotInKeyring) {
				t.Fatalf("get once unlocked = %q, %v; want ErrNotInKeyring: the delete came after the set", got, err)
			}
			if n := secrettest.BlockedCalls(t); n != 0 {
				t.Fatalf("%d calls blocked in go-keyring once unlocked, want 0", n)
			}
			if err := kr.Set(t.Context(), "cakebackup", "proton", "a new session"); err != nil {
				t.Fatalf("set after the delete: %v", err)
			}
			if got, err := kr.Get(t.Context(), "cakebackup", "proton"); err != nil || got != "a new session" {
				t.Fatalf("get after a new set = %q, %v; want the new session", got, err)
			}
		})
	}
}
