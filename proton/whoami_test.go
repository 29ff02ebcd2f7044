package proton

import (
	"context"
	"errors"
	"slices"
	"testing"
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
