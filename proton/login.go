package proton

import (
	"context"
	"errors"
	"fmt"
)

// Asker answers what a login may need beyond the username and password,
// once Proton has said the account needs it.
type Asker interface {
	// TwoFactorCode returns the account's current two-factor code.
	TwoFactorCode(ctx context.Context) (string, error)
	// MailboxPassword returns the second password of a two-password
	// account.
	MailboxPassword(ctx context.Context) (string, error)
}

// LoginFunc logs in with cred; Login with fixed Options is one.
type LoginFunc func(ctx context.Context, cred Credentials) (Session, error)

// LoginAsking logs in with login, asking ask for the two-factor code and
// the mailbox password when Proton says the account needs them and cred
// does not hold them. A code or password that Proton refuses is not asked
// for again: the refusal is returned.
func LoginAsking(ctx context.Context, login LoginFunc, cred Credentials, ask Asker) (Session, error) {
	for {
		s, err := login(ctx, cred)
		switch {
		case err == nil:
			return s, nil
		case errors.Is(err, ErrTwoFactorRequired) && cred.TwoFactorCode == "":
			if cred.TwoFactorCode, err = ask.TwoFactorCode(ctx); err != nil {
				return Session{}, err
			}
		case errors.Is(err, ErrMailboxPasswordRequired) && cred.MailboxPassword == "":
			if cred.MailboxPassword, err = ask.MailboxPassword(ctx); err != nil {
				return Session{}, err
			}
		default:
			return Session{}, err
		}
	}
}

// Keep saves the session of a new login in store, holding the store's
// lock so that no other cakebackup is saving renewed tokens meanwhile.
func Keep(ctx context.Context, store SessionStore, s Session) error {
	unlock, err := store.Lock(ctx)
	if err != nil {
		return fmt.Errorf("logged in, but the session could not be kept: %w", err)
	}
	err = store.Save(ctx, s)
	unlock()
	if err != nil {
		return fmt.Errorf("logged in, but the session could not be kept: %w", err)
	}
	return nil
}

// Logout ends the session cached in store at Proton and forgets it here,
// even when Proton cannot be told: the person asked for it to be gone
// from this machine. It returns an error wrapping ErrNotLoggedIn when no
// session is cached, and a *RevokeError when the session is forgotten
// here but may still be alive at Proton.
func Logout(ctx context.Context, opts Options, store SessionStore) error {
	if _, err := store.Load(ctx); errors.Is(err, ErrNotLoggedIn) {
		return err
	}
	var revokeErr error
	d, err := Connect(ctx, opts, store)
	if err == nil {
		revokeErr = d.Logout(ctx)
	} else {
		revokeErr = err
	}
	if err := store.Delete(ctx); err != nil {
		return err
	}
	// A session Proton no longer accepts is ended already.
	if revokeErr != nil && !errors.Is(revokeErr, ErrSessionExpired) {
		return &RevokeError{Err: revokeErr}
	}
	return nil
}

// RevokeError: Logout forgot the session here, but Proton could not be
// told to end it.
type RevokeError struct{ Err error }

// Error implements error.
func (e *RevokeError) Error() string {
	return fmt.Sprintf("the session is forgotten here, but Proton could not be told to end it (%v); end it in Proton's web settings under Security, Sessions", e.Err)
}

// Unwrap returns why Proton could not be told.
func (e *RevokeError) Unwrap() error { return e.Err }
