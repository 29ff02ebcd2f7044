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
			err := c.call(t.Context(), secret.OSKeyring{Timeout: short})
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
			err := c.call(ctx, secret.OSKeyring{Timeout: time.Hour})
			if !errors.Is(err, context.Canceled) || err.Error() != "waiting for the OS keyring: context canceled" {
				t.Fatalf("err = %v, want the context's end", err)
			}
		})
	}
	t.Run("context ended before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := (secret.OSKeyring{}).Get(ctx, "cakebackup", "nightly"); !errors.Is(err, context.Canceled) || err.Error() != "context canceled" {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
}
