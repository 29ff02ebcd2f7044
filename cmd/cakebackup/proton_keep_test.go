package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/internal/interrupt"
	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/secret"
)

// interruptingKeyring is an OS keyring holding nothing whose Set is
// where Ctrl-C comes: it ends the run's context with the signal, as a
// person giving up on an unlock prompt nobody sees does, and fails.
type interruptingKeyring struct {
	cancel context.CancelCauseFunc
}

func (k interruptingKeyring) Get(context.Context, string, string) (string, error) {
	return "", secret.ErrNotInKeyring
}

func (k interruptingKeyring) Set(context.Context, string, string, string) error {
	k.cancel(&interrupt.Error{Code: 130})
	return errors.New("the keyring's unlock prompt was given up on")
}

func (k interruptingKeyring) Delete(context.Context, string, string) error { return nil }

// TestProtonLoginInterruptedWhileKeeping: Ctrl-C while a new login's
// session is being kept (the keyring's unlock prompt) leaves the session
// kept nowhere, and login ends it at Proton (proton.KeepError). When
// Proton cannot be told, the one line says so and where to end the
// session, not only "interrupted": a live session nobody holds is left
// at Proton. The exit code is the signal's.
func TestProtonLoginInterruptedWhileKeeping(t *testing.T) {
	t.Parallel()
	c, srv := newProtonCLI(t)
	delete(c.vars, proton.SessionEnv) // keyring, else the file
	c.vars[protonPasswordEnv] = protonTestPassword
	for _, tc := range []struct {
		name        string
		revokeFails bool
		want        string
	}{
		{"undone", false, "cakebackup: logged in, but the session could not be kept, so the login was undone"},
		{"Proton not told", true, "end it in Proton's web settings under Security, Sessions"},
	} {
		t.Run(tc.name, func(t *testing.T) { // not parallel: FailNext is the server's
			if tc.revokeFails {
				srv.FailNext("DELETE /auth/v4", 1, 500, 0)
			}
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			c.keyring = interruptingKeyring{cancel}
			code := c.runContext(ctx, "proton", "login", "--proton-user", protonTestUser)
			msg := c.stderr.String()
			if code != 130 || !strings.Contains(msg, tc.want) || strings.Count(msg, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want 130 and one line saying %q", code, msg, tc.want)
			}
		})
	}
}
