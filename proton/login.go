package proton

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cakebackup/cakebackup/secret"
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

// LoginGiven is what a person gave a login before being asked anything;
// LoginAndKeep asks for what is missing.
type LoginGiven struct {
	// Username and TwoFactorCode are as typed: surrounding spaces are
	// dropped.
	Username, TwoFactorCode string
	// Password is the Proton password itself, as a script's environment
	// gives it, or "".
	Password string
	// PasswordFile and MailboxPasswordFile are files to read the Proton
	// password and the mailbox password from (secret.ReadFile), or "".
	// PasswordFile, when given, is read in place of Password.
	PasswordFile, MailboxPasswordFile string
}

// FileError is a password file given to a login that could not be read.
type FileError struct {
	// Question is what the file was to answer: AskPassword or
	// AskMailboxPassword.
	Question Question
	Err      error
}

// Error implements error.
func (e *FileError) Error() string { return string(e.Question) + " file: " + e.Err.Error() }

// Unwrap returns why the file could not be read.
func (e *FileError) Unwrap() error { return e.Err }

// LoginAndKeep logs in to Proton as given, asking p for the username and
// the password when they are missing, then for the two-factor code and
// the mailbox password when Proton says the account needs them
// (LoginAsking), and keeps the session in store (Keep). A question
// nobody answers is an *AnswerError, a password file that cannot be read
// a *FileError; both come before Proton is asked anything.
func LoginAndKeep(ctx context.Context, opts Options, given LoginGiven, p Prompter, store SessionStore) (Session, error) {
	ask := PromptAsker{P: p}
	cred := Credentials{Username: strings.TrimSpace(given.Username), Password: given.Password, TwoFactorCode: strings.TrimSpace(given.TwoFactorCode)}
	var err error
	if cred.Username == "" {
		if cred.Username, err = ask.Ask(ctx, AskUsername); err != nil {
			return Session{}, err
		}
	}
	switch {
	case given.PasswordFile != "":
		if cred.Password, err = secret.ReadFile(given.PasswordFile); err != nil {
			return Session{}, &FileError{Question: AskPassword, Err: err}
		}
	case cred.Password == "":
		if cred.Password, err = ask.Ask(ctx, AskPassword); err != nil {
			return Session{}, err
		}
	}
	if given.MailboxPasswordFile != "" {
		if cred.MailboxPassword, err = secret.ReadFile(given.MailboxPasswordFile); err != nil {
			return Session{}, &FileError{Question: AskMailboxPassword, Err: err}
		}
	}
	login := func(ctx context.Context, cred Credentials) (Session, error) { return Login(ctx, opts, cred) }
	s, err := LoginAsking(ctx, login, cred, ask)
	if err != nil {
		return Session{}, err
	}
	if err := keep(ctx, store, s); err != nil {
		return Session{}, undoLogin(ctx, opts, store, s, err)
	}
	return s, nil
}

// undoTimeout bounds undoLogin's call to Proton, which is made even after
// ctx ended.
const undoTimeout = 30 * time.Second

// undoLogin ends at Proton the session s of a login that store could not
// keep (notKept), so that no live session is left there that nobody
// holds, and returns the *KeepError that says whether it did. It does so
// even when ctx has ended, as when Ctrl-C gave up on the OS keyring's
// unlock prompt, within undoTimeout. A session store holds after all (in
// the keyring, with a stale file that could not be removed) is left.
func undoLogin(ctx context.Context, opts Options, store SessionStore, s Session, notKept error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), undoTimeout)
	defer cancel()
	e := &KeepError{Err: notKept}
	if kept, err := store.Load(ctx); err == nil && kept.UID == s.UID {
		e.Kept = true
		return e
	}
	// A session Proton no longer accepts is ended already.
	if err := revoke(ctx, opts, s); err != nil && !errors.Is(err, ErrSessionExpired) {
		e.UndoErr = err
	} else {
		e.Undone = true
	}
	return e
}

// Keep saves the session of a new login in store, holding the store's
// lock so that no other cakebackup is saving renewed tokens meanwhile.
// Its error is a *KeepError; LoginAndKeep ends at Proton a session it
// could not keep, Keep does not.
func Keep(ctx context.Context, store SessionStore, s Session) error {
	if err := keep(ctx, store, s); err != nil {
		return &KeepError{Err: err}
	}
	return nil
}

// keep is Keep, returning why the session could not be kept.
func keep(ctx context.Context, store SessionStore, s Session) error {
	unlock, err := store.Lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	return store.Save(ctx, s)
}

// KeepError is a login that worked at Proton whose session could not be
// kept here. LoginAndKeep then ends the session at Proton (Undone), or
// says why it could not (UndoErr): the session may be alive there. When
// the store holds the session after all (Kept), it is left alone.
type KeepError struct {
	// Err is why the session could not be kept.
	Err error
	// Kept: the store holds the session all the same (in the OS keyring,
	// with an older copy in the file it could not remove).
	Kept bool
	// Undone: the session was ended at Proton.
	Undone bool
	// UndoErr is why Proton could not be told to end the session.
	UndoErr error
}

// Error implements error.
func (e *KeepError) Error() string {
	switch {
	case e.Kept:
		return "logged in and the session is kept, but an older copy of it could not be removed: " + e.Err.Error()
	case e.Undone:
		return "logged in, but the session could not be kept, so the login was undone " +
			"(the session is ended at Proton): " + e.Err.Error()
	case e.UndoErr != nil:
		return fmt.Sprintf("logged in, but the session could not be kept (%v), "+
			"and the login could not be undone: Proton could not be told to end the session (%v); "+
			"end it in Proton's web settings under Security, Sessions", e.Err, e.UndoErr)
	}
	return "logged in, but the session could not be kept: " + e.Err.Error()
}

// Unwrap returns why the session could not be kept.
func (e *KeepError) Unwrap() error { return e.Err }

// Logout ends the session cached in store at Proton and forgets it here,
// even when Proton cannot be told: the person asked for it to be gone
// from this machine. It returns an error wrapping ErrNotLoggedIn when no
// session is cached, and a *RevokeError when the session is forgotten
// here but may still be alive at Proton. A record of the sessions logged
// out of that cannot be read changes nothing: the session could not be
// loaded to end it at Proton, and its *LoggedOutRecordError is returned.
func Logout(ctx context.Context, opts Options, store SessionStore) error {
	s, err := store.Load(ctx)
	var record *LoggedOutRecordError
	if errors.Is(err, ErrNotLoggedIn) || errors.As(err, &record) {
		return err
	}
	var revokeErr error
	d, err := Connect(ctx, opts, store)
	if err == nil {
		revokeErr = d.Logout(ctx)
	} else {
		revokeErr = err
	}
	// Recorded as logged out of: a copy saved by another process whose
	// save was under way does not come back (SessionStore.Delete).
	if err := store.Delete(ctx, s.UID); err != nil {
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
