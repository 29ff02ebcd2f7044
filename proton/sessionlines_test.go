package proton

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/secret"
)

// TestWhoamiAndLogoutLines: whoami's two lines name the account and the
// store, with the cached session's times; logout says it logged out, then
// that nobody is logged in, after which whoami is ErrNotLoggedIn.
func TestWhoamiAndLogoutLines(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFakeProton(t)
	a, err := f.connect(t).Account(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := WhoamiLines(ctx, f.opts, f.store)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.store.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{a.WhoamiLine(f.store.Where()), s.TimesLine()}
	if a.Username != fakeUser || !slices.Equal(lines, want) {
		t.Fatalf("WhoamiLines = %q, want %q for %s", lines, want, fakeUser)
	}
	for _, want := range []string{"Logged out of Proton.", "Not logged in to Proton."} {
		if lines, err := LogoutLines(ctx, f.opts, f.store); err != nil || !slices.Equal(lines, []string{want}) {
			t.Fatalf("LogoutLines = %q, %v; want %q", lines, err, want)
		}
	}
	if lines, err := WhoamiLines(ctx, f.opts, f.store); !errors.Is(err, ErrNotLoggedIn) || lines != nil {
		t.Fatalf("WhoamiLines after logout = %q, %v; want ErrNotLoggedIn", lines, err)
	}
}

// TestLoginLines: a login says who logged in and where the session is
// kept; a login that failed says nothing.
func TestLoginLines(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFakeProton(t)
	env := map[string]string{"XDG_CONFIG_HOME": t.TempDir(), SessionEnv: "file"}
	store := NewSessionStore(func(k string) string { return env[k] }, nil)
	ask := secret.NewPrompter(strings.NewReader(""), io.Discard)
	want := []string{"Logged in to Proton Drive as " + fakeUser + "; the session is kept in " + store.Where() + "."}
	if lines, err := LoginLines(ctx, f.opts, LoginGiven{Username: fakeUser, Password: fakePassword}, ask, store); err != nil || !slices.Equal(lines, want) {
		t.Fatalf("LoginLines = %q, %v; want %q", lines, err, want)
	}
	if lines, err := LoginLines(ctx, f.opts, LoginGiven{Username: fakeUser}, ask, store); lines != nil || err == nil || err.Error() != "proton password needed" {
		t.Fatalf("LoginLines with no password = %q, %v; want proton password needed", lines, err)
	}
}
