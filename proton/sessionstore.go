package proton

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cakebackup/cakebackup/secret"
)

// ErrNotLoggedIn is wrapped by errors for a command that needs a Proton
// session when none is cached.
var ErrNotLoggedIn = errors.New("not logged in to Proton")

// SessionError is a cached session that cannot be used: made for another
// Proton API, damaged, or in a file other users can read. A new login
// replaces it.
type SessionError struct {
	// Problem says what is wrong, for people.
	Problem string
	// Exposed: the session file can be read by other users, so its
	// tokens may be known to them; it is to be deleted, not reused.
	Exposed bool
	// Err is the cause, if any.
	Err error
}

// Error implements error.
func (e *SessionError) Error() string { return e.Problem }

// Unwrap returns the cause.
func (e *SessionError) Unwrap() error { return e.Err }

// SessionStore keeps the one cached Proton session of this user.
type SessionStore interface {
	// Load returns the cached session, or an error wrapping
	// ErrNotLoggedIn when there is none, or when it is one logged out of
	// (see Delete). A record of the sessions logged out of that cannot
	// be read is a *LoggedOutRecordError.
	Load(ctx context.Context) (Session, error)
	// Save replaces the cached session.
	Save(ctx context.Context, s Session) error
	// Delete removes the cached session; deleting nothing is no error.
	// It first records loggedOut, the ID (Session.UID) of the session
	// logged out of, if not "", in a 0600 file beside the session file:
	// a copy of that session saved later, by a process whose save was
	// under way (blocked in a locked keyring, or gone to the file after
	// giving up on it), is then no session for Load, and is removed.
	// Save never takes an ID off the record; a new login has a new one.
	Delete(ctx context.Context, loggedOut string) error
	// Where says, for people, where the session is kept.
	Where() string
	// Lock waits until this process holds the lock that lets one
	// process at a time, on this machine, renew the session: from loading
	// it, through the refresh, to saving the new tokens (refresh tokens
	// are single-use). It returns the function that releases the lock.
	// Load and Save do not take it themselves.
	Lock(ctx context.Context) (unlock func(), err error)
}

// Keyring entry names: one session per OS user.
const (
	keyringService = "cakebackup"
	keyringAccount = "proton"
)

// SessionEnv, set to "file", keeps the session in the file even where
// an OS keyring exists: for servers whose timers run outside the desktop
// session that unlocks the keyring, and for tests.
const SessionEnv = "CAKEBACKUP_PROTON_SESSION"

// NewSessionStore returns the session cache of the user whose environment
// getenv reads: the keyring kr where it works, else a 0600 file
// $XDG_CONFIG_HOME/cakebackup/proton-session.json. kr is the process's
// one *secret.OSKeyring, shared by every store the process makes: a
// call it gave up on, still blocked in a locked keyring, then sends
// every store to the file at once (secret.OSKeyring.Blocked), where a
// keyring of each store's own would make each wait the keyring's
// timeout and leave one more call blocked. A nil kr is a new OSKeyring
// of the store's own.
func NewSessionStore(getenv func(string) string, kr secret.Keyring) SessionStore {
	file := &sessionFile{getenv: getenv}
	if getenv(SessionEnv) == "file" {
		return file
	}
	if kr == nil {
		kr = &secret.OSKeyring{}
	}
	return &keyringOrFile{keyring: kr, file: file}
}

// blockable is a keyring that tells at once that a call on an entry gave
// up and is still blocked (secret.OSKeyring.Blocked).
type blockable interface {
	Blocked(service, account string) error
}

// deferredDeleter is a keyring that, while a call on an entry is blocked,
// deletes the entry once that call returns
// (secret.OSKeyring.DeleteWhenAnswered).
type deferredDeleter interface {
	DeleteWhenAnswered(service, account string) error
}

// keyringOrFile keeps the session in the keyring when it works and in the
// file otherwise. A session lives in one place only: saving to the
// keyring removes a file left from a time the keyring was unavailable.
// While a call on the session's entry is blocked in the keyring (a locked
// keyring's prompt nobody answers), the keyring counts as unavailable
// without being asked, and so without waiting its timeout again.
type keyringOrFile struct {
	keyring secret.Keyring
	file    *sessionFile
	// inKeyring records where the last Load or Save found the session,
	// for Where.
	inKeyring bool
}

// Load implements SessionStore. When both the keyring and the file
// hold a session, the newer one is returned (see newer): a save that
// gave up on a locked keyring went to the file, and its keyring call,
// still blocked, may land later, once someone unlocks the keyring, with
// the session as it was when that save began. That older session's
// refresh token may be spent already. Load does not move the newer
// session into the keyring itself, since it runs without the Lock and
// could overwrite a renewal saved meanwhile; the next Save, as after
// every renewal, puts it there and removes the file. A copy of a
// session logged out of (see Delete) counts as none, and is removed
// when no process holds the Lock (see dropLoggedOut).
func (k *keyringOrFile) Load(ctx context.Context) (Session, error) {
	if err := ctx.Err(); err != nil {
		return Session{}, err
	}
	var s Session
	stored, err := k.get(ctx)
	inKeyring := err == nil
	if inKeyring {
		if s, err = decodeSession([]byte(stored)); err != nil {
			return Session{}, fmt.Errorf("the Proton session in the OS keyring: %w", err)
		}
	}
	// Not in the keyring, or no keyring here: the file may hold it.
	f, fileErr := k.file.read(ctx)
	k.inKeyring = false
	if !inKeyring && fileErr != nil {
		return Session{}, fileErr
	}
	out, err := k.file.loggedOut()
	if err != nil {
		return Session{}, err
	}
	keyringOut := inKeyring && slices.Contains(out, s.UID)
	fileOut := fileErr == nil && slices.Contains(out, f.UID)
	if keyringOut || fileOut {
		k.dropLoggedOut(ctx, out, keyringOut)
	}
	inKeyring = inKeyring && !keyringOut
	// A file that cannot be read or used, or was logged out of, leaves
	// the keyring's session, as when the file was not looked at.
	inFile := fileErr == nil && !fileOut
	switch {
	case inKeyring && (!inFile || newer(s, f)):
		k.inKeyring = true
		return s, nil
	case inFile:
		return f, nil
	case fileErr != nil:
		return Session{}, fileErr
	}
	return Session{}, ErrNotLoggedIn
}

// dropLoggedOut removes the copies Load found of sessions logged out of
// (out), the keyring's too if fromKeyring, unless a process holds the
// Lock: see sessionFile.dropLoggedOut. The keyring's entry, too, is read
// again under the Lock. A save blocked in the keyring is not held back
// by the Lock and may land after; its session is on the record all the
// same, and the next Load that can removes it.
func (k *keyringOrFile) dropLoggedOut(ctx context.Context, out []string, fromKeyring bool) {
	unlock, ok := k.file.tryLock()
	if !ok {
		return
	}
	defer unlock()
	k.file.dropLoggedOutLocked(ctx, out)
	if !fromKeyring {
		return
	}
	stored, err := k.get(ctx)
	if err != nil {
		return
	}
	if s, err := decodeSession([]byte(stored)); err == nil && slices.Contains(out, s.UID) {
		// An entry left is removed by the next Load that can.
		_ = k.keyring.Delete(ctx, keyringService, keyringAccount)
	}
}

// Save implements SessionStore.
func (k *keyringOrFile) Save(ctx context.Context, s Session) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := encodeSession(s)
	if err != nil {
		return err
	}
	err = k.blocked()
	if err == nil {
		err = k.keyring.Set(ctx, keyringService, keyringAccount, string(data))
	}
	if err == nil {
		k.inKeyring = true
		// The keyring now holds the newest session; a file would be stale.
		return k.file.remove(ctx)
	}
	k.inKeyring = false
	return k.file.Save(ctx, s)
}

// Delete implements SessionStore: the session goes from both places.
// While a call on the keyring's entry is blocked, the keyring deletes it
// once that call returns: a blocked save of this process that lands
// later, once someone unlocks the keyring, would otherwise bring back a
// session logged out of, which the next connect would find expired. The
// record of loggedOut covers the saves of other processes.
func (k *keyringOrFile) Delete(ctx context.Context, loggedOut string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var errs []error
	if loggedOut != "" {
		if err := k.file.markLoggedOut(ctx, loggedOut); err != nil {
			errs = append(errs, err)
		}
	}
	err := k.blocked()
	if d, ok := k.keyring.(deferredDeleter); ok && err != nil {
		// nil when the blocked call ended meanwhile: delete as usual.
		err = d.DeleteWhenAnswered(keyringService, keyringAccount)
	}
	if err == nil {
		err = k.keyring.Delete(ctx, keyringService, keyringAccount)
	}
	if err != nil && !errors.Is(err, secret.ErrNotInKeyring) {
		// A missing keyring holds nothing to delete; only report failures
		// when the keyring itself still has the secret.
		if _, getErr := k.get(ctx); getErr == nil {
			errs = append(errs, fmt.Errorf("removing the Proton session from the OS keyring: %w", err))
		}
	}
	if err := k.file.remove(ctx); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// blocked returns the error of the keyring's call on the session's
// entry that gave up and is still blocked, if there is one, without
// asking the keyring.
func (k *keyringOrFile) blocked() error {
	if b, ok := k.keyring.(blockable); ok {
		return b.Blocked(keyringService, keyringAccount)
	}
	return nil
}

// get reads the session's entry from the keyring, unless a call on it is
// blocked.
func (k *keyringOrFile) get(ctx context.Context) (string, error) {
	if err := k.blocked(); err != nil {
		return "", err
	}
	return k.keyring.Get(ctx, keyringService, keyringAccount)
}

// Lock implements SessionStore: a lock file beside the session file
// serves the keyring too, which has no locks of its own.
func (k *keyringOrFile) Lock(ctx context.Context) (func(), error) { return k.file.Lock(ctx) }

// Where implements SessionStore.
func (k *keyringOrFile) Where() string {
	if k.inKeyring {
		return "the OS keyring"
	}
	return k.file.Where()
}

// newer reports whether session a is newer than b: last renewed (or, if
// never, made) later. Those are the times of the tokens themselves:
// each renewal spends the refresh token it used, so the session renewed
// last holds the one that still works, and a new login is made after
// every renewal of the session it replaces. When a session was saved
// would not do, as an older session may be saved again later. Both
// times are in whole seconds, so two copies may tie; b wins a tie, and
// Load passes the file as b: the file is written only while the keyring
// fails, so of two copies made in the same second the file's came after
// the keyring's (the one a blocked call landed late).
func newer(a, b Session) bool {
	return lastRenewed(a).After(lastRenewed(b))
}

// lastRenewed is when Proton last renewed the session's tokens, or, if
// never, when the session was made by logging in.
func lastRenewed(s Session) time.Time {
	if s.Refreshed.IsZero() {
		return s.Created
	}
	return s.Refreshed
}
