package proton

import (
	"context"
	"errors"
)

// LoginLines is LoginAndKeep as proton login says it: the line naming the
// account and where its session is kept (Session.LoggedInLine).
func LoginLines(ctx context.Context, opts Options, given LoginGiven, p Prompter, store SessionStore) ([]string, error) {
	s, err := LoginAndKeep(ctx, opts, given, p, store)
	if err != nil {
		return nil, err
	}
	return []string{s.LoggedInLine(store.Where())}, nil
}

// WhoamiLines is what proton whoami says of the session kept in store: the
// account's line (Account.WhoamiLine) and, when the cache can be read,
// when the session was made and renewed (Session.TimesLine), read after
// asking for the account, which may have renewed it. A renewed session
// that could not be saved back is the error, given with the lines.
func WhoamiLines(ctx context.Context, opts Options, store SessionStore) ([]string, error) {
	d, err := Connect(ctx, opts, store)
	if err != nil {
		return nil, err
	}
	defer d.Close(ctx)
	a, err := d.Account(ctx)
	if err != nil {
		return nil, err
	}
	lines := []string{a.WhoamiLine(store.Where())}
	if s, err := store.Load(ctx); err == nil {
		lines = append(lines, s.TimesLine())
	}
	return lines, d.SaveError()
}

// LogoutLines is Logout as proton logout says it: "Logged out of Proton.",
// or "Not logged in to Proton." when no session was cached, which is no
// error.
func LogoutLines(ctx context.Context, opts Options, store SessionStore) ([]string, error) {
	err := Logout(ctx, opts, store)
	switch {
	case errors.Is(err, ErrNotLoggedIn):
		return []string{"Not logged in to Proton."}, nil
	case err != nil:
		return nil, err
	}
	return []string{"Logged out of Proton."}, nil
}
