package proton

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/proton/protontest"
	"github.com/cakebackup/cakebackup/secret"
	"github.com/cakebackup/cakebackup/secret/secrettest"
)

// TestSessionStoreLockedKeyring logs in, connects again and again, each
// time with a store of its own as each run of a scheduled job makes one,
// and logs out, all in one process with its one OSKeyring, against a
// Secret Service whose collection is locked and whose unlock prompt
// nobody answers. Only the first call, the login's save, reaches the
// keyring and waits for its timeout; every later load, save and delete
// finds that call still blocked (OSKeyring.Blocked) and goes to the
// session file at once, so one call is left blocked in go-keyring,
// not one per connect. The session is saved to and loaded from the 0600
// file throughout, and logging out removes it. Once the keyring is
// unlocked, the next store keeps the next login's session in the
// keyring again.
func TestSessionStoreLockedKeyring(t *testing.T) {
	svc := secrettest.Start(t) // sets DBUS_SESSION_BUS_ADDRESS: not parallel
	ts := protontest.NewForTest(t)
	dir := t.TempDir()
	getenv := envWith(map[string]string{"XDG_CONFIG_HOME": dir, URLEnv: ts.Server.URL()})
	opts := Options{APIURL: ts.Server.URL()}
	kr := &watchedKeyring{OSKeyring: &secret.OSKeyring{Timeout: 50 * time.Millisecond}}
	const timedOut = "the OS keyring did not answer within 50ms (locked, waiting for someone to unlock it?)"
	file := filepath.Join(dir, "cakebackup", sessionFileName)
	ctx := t.Context()

	s := serverSession(ts)
	if err := Keep(ctx, NewSessionStore(getenv, kr), s); err != nil {
		t.Fatalf("Keep: %v", err)
	}
	<-svc.Shown() // the login's save reached the unanswered prompt
	const connects = 5
	for i := range connects {
		store := NewSessionStore(getenv, kr)
		d, err := Connect(ctx, opts, store)
		if err != nil {
			t.Fatalf("connect %d: %v", i, err)
		}
		d.Close(ctx)
		if store.Where() != file {
			t.Fatalf("connect %d: session kept in %q, want %q", i, store.Where(), file)
		}
		s.Refreshed = s.Created.Add(time.Duration(i+1) * time.Minute)
		if err := NewSessionStore(getenv, kr).Save(ctx, s); err != nil {
			t.Fatalf("save %d: %v", i, err)
		}
		if got, err := NewSessionStore(getenv, kr).Load(ctx); err != nil || got != s {
			t.Fatalf("load %d = %v, %v; want the session saved", i, got, err)
		}
		if info, err := os.Stat(file); err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("session file after save %d: %v, %v; want mode 0600", i, info, err)
		}
	}
	if err := Logout(ctx, opts, NewSessionStore(getenv, kr)); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("session file after logout: %v, want none", err)
	}
	// Each connect loads once; each round saves and loads once more;
	// logout loads twice (its check and its connect), and its delete
	// skips the keyring's delete and the read that would tell whether
	// the keyring still holds the session.
	wantBlocked := 3*connects + 4
	calls, blocked := kr.record()
	if len(calls) != 1 || calls[0] != "set: "+timedOut || len(blocked) != wantBlocked {
		t.Fatalf("the keyring was called %q and answered Blocked %d times, want one timed-out set and %d answers", calls, len(blocked), wantBlocked)
	}
	for i, err := range blocked {
		if err != timedOut {
			t.Fatalf("Blocked answer %d = %q, want %q", i, err, timedOut)
		}
	}
	if n := secrettest.BlockedCalls(t); n != 1 {
		t.Fatalf("%d calls blocked in go-keyring after %d stores, want 1", n, connects+2)
	}

	svc.Unlock(t)
	// The blocked save ends once the keyring is unlocked; a call waits
	// for it (Timeout is a bound only). The logout's delete, left to the
	// keyring while the save was blocked, is done after it: the session
	// logged out of does not come back.
	kr.Timeout = time.Minute
	if _, err := kr.OSKeyring.Get(ctx, keyringService, keyringAccount); !errors.Is(err, secret.ErrNotInKeyring) {
		t.Fatalf("get once unlocked: %v; want ErrNotInKeyring", err)
	}
	if n := secrettest.BlockedCalls(t); n != 0 {
		t.Fatalf("%d calls blocked in go-keyring once unlocked, want 0", n)
	}
	// The next login's session (a new ID: the one logged out of is
	// recorded as such, see SessionStore.Delete) goes to the keyring.
	s.UID += "-next-login"
	store := NewSessionStore(getenv, kr)
	if err := store.Save(ctx, s); err != nil || store.Where() != "the OS keyring" {
		t.Fatalf("save once unlocked: %v, kept in %q; want the OS keyring", err, store.Where())
	}
	if got, err := NewSessionStore(getenv, kr).Load(ctx); err != nil || got != s {
		t.Fatalf("load once unlocked = %v, %v; want the session saved", got, err)
	}
}

// watchedKeyring is an OSKeyring that records what the session stores
// asked of it: each call that reached it (which may wait its timeout),
// and each answer of Blocked that kept a store from calling.
type watchedKeyring struct {
	*secret.OSKeyring
	mu      sync.Mutex
	calls   []string
	blocked []string
}

func (w *watchedKeyring) called(op string, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls = append(w.calls, fmt.Sprintf("%s: %v", op, err))
}

// record returns the calls and the errors Blocked answered.
func (w *watchedKeyring) record() (calls, blocked []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.calls...), append([]string(nil), w.blocked...)
}

func (w *watchedKeyring) Get(ctx context.Context, service, account string) (string, error) {
	v, err := w.OSKeyring.Get(ctx, service, account)
	w.called("get", err)
	return v, err
}

func (w *watchedKeyring) Set(ctx context.Context, service, account, secret string) error {
	err := w.OSKeyring.Set(ctx, service, account, secret)
	w.called("set", err)
	return err
}

func (w *watchedKeyring) Delete(ctx context.Context, service, account string) error {
	err := w.OSKeyring.Delete(ctx, service, account)
	w.called("delete", err)
	return err
}

func (w *watchedKeyring) Blocked(service, account string) error {
	err := w.OSKeyring.Blocked(service, account)
	if err != nil {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.blocked = append(w.blocked, err.Error())
	}
	return err
}

// TestSessionStoreLateKeyringSave saves a session while the keyring is
// locked (the save times out and goes to the file, its keyring call
// stays blocked), then a renewed session (to the file at once), then
// unlocks the keyring: the blocked call ends and writes the first,
// older session into the keyring. Load must return the renewed session
// from the file, not the keyring's older one, whose refresh token Proton
// has already spent. The next save puts the session in the keyring and
// removes the file.
func TestSessionStoreLateKeyringSave(t *testing.T) {
	svc := secrettest.Start(t) // sets DBUS_SESSION_BUS_ADDRESS: not parallel
	dir := t.TempDir()
	getenv := envWith(map[string]string{"XDG_CONFIG_HOME": dir})
	kr := &secret.OSKeyring{Timeout: 50 * time.Millisecond}
	file := filepath.Join(dir, "cakebackup", sessionFileName)
	ctx := t.Context()

	made := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	older := testSession()
	older.Created, older.Refreshed = made, made.Add(10*time.Minute)
	renewed := older
	renewed.AccessToken, renewed.RefreshToken = "access-2", "refresh-2"
	renewed.Refreshed = older.Refreshed.Add(time.Minute)

	store := NewSessionStore(getenv, kr)
	if err := store.Save(ctx, older); err != nil || store.Where() != file {
		t.Fatalf("save while locked: %v, kept in %q; want %q", err, store.Where(), file)
	}
	<-svc.Shown() // the save's keyring call waits on the unanswered prompt
	store = NewSessionStore(getenv, kr)
	if err := store.Save(ctx, renewed); err != nil || store.Where() != file {
		t.Fatalf("save of the renewed session while locked: %v, kept in %q; want %q", err, store.Where(), file)
	}

	svc.Unlock(t)
	// A call waits for the blocked one (Timeout is a bound only), which
	// now ends and leaves the older session in the keyring.
	kr.Timeout = time.Minute
	inKeyring, err := kr.Get(ctx, keyringService, keyringAccount)
	if err != nil {
		t.Fatalf("get once unlocked: %v", err)
	}
	if s, err := decodeSession([]byte(inKeyring)); err != nil || s != older {
		t.Fatalf("keyring once unlocked holds %v, %v; want the older session the blocked save began with", s, err)
	}

	store = NewSessionStore(getenv, kr)
	if got, err := store.Load(ctx); err != nil || got != renewed || store.Where() != file {
		t.Fatalf("load with both copies = %v (refreshed %v), %v, from %q; want the renewed session (refreshed %v) from %q",
			got, got.Refreshed, err, store.Where(), renewed.Refreshed, file)
	}
	if info, err := os.Stat(file); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("session file after load: %v, %v; want mode 0600", info, err)
	}

	// The next renewal's save converges: keyring only.
	next := renewed
	next.AccessToken, next.RefreshToken = "access-3", "refresh-3"
	next.Refreshed = renewed.Refreshed.Add(time.Minute)
	store = NewSessionStore(getenv, kr)
	if err := store.Save(ctx, next); err != nil || store.Where() != "the OS keyring" {
		t.Fatalf("save once unlocked: %v, kept in %q; want the OS keyring", err, store.Where())
	}
	if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("session file after saving to the keyring: %v, want none", err)
	}
	store = NewSessionStore(getenv, kr)
	if got, err := store.Load(ctx); err != nil || got != next || store.Where() != "the OS keyring" {
		t.Fatalf("load after the save = %v, %v, from %q; want the session saved, from the OS keyring", got, err, store.Where())
	}
}

// TestSessionStoreLogoutWhileSaveBlocked logs in while the keyring is
// locked and nobody answers its unlock prompt (the save goes to the file,
// its keyring call stays blocked), logs out in the same process with its
// one OSKeyring, then unlocks the keyring: the blocked save lands, and the
// delete the logout left to the keyring is done after it. The next
// connect finds no session (ErrNotLoggedIn), not the one logged out of,
// which Proton has revoked (ErrSessionExpired).
func TestSessionStoreLogoutWhileSaveBlocked(t *testing.T) {
	svc := secrettest.Start(t) // sets DBUS_SESSION_BUS_ADDRESS: not parallel
	ts := protontest.NewForTest(t)
	getenv := envWith(map[string]string{"XDG_CONFIG_HOME": t.TempDir(), URLEnv: ts.Server.URL()})
	opts := Options{APIURL: ts.Server.URL()}
	kr := &secret.OSKeyring{Timeout: 50 * time.Millisecond}
	ctx := t.Context()

	s := serverSession(ts)
	if err := Keep(ctx, NewSessionStore(getenv, kr), s); err != nil {
		t.Fatalf("Keep: %v", err)
	}
	<-svc.Shown() // the login's save waits on the unanswered prompt
	if err := Logout(ctx, opts, NewSessionStore(getenv, kr)); err != nil {
		t.Fatalf("Logout: %v", err)
	}

	svc.Unlock(t)
	kr.Timeout = time.Minute // a bound only: the get waits for the blocked save to end
	_, getErr := kr.Get(ctx, keyringService, keyringAccount)
	if n := secrettest.BlockedCalls(t); n != 0 {
		t.Fatalf("%d calls blocked in go-keyring once unlocked, want 0", n)
	}
	if _, err := Connect(ctx, opts, NewSessionStore(getenv, kr)); !errors.Is(err, ErrNotLoggedIn) {
		t.Fatalf("Connect after the logout, once unlocked = %v; want ErrNotLoggedIn", err)
	}
	if !errors.Is(getErr, secret.ErrNotInKeyring) {
		t.Fatalf("the keyring after the logout, once unlocked: %v; want ErrNotInKeyring", getErr)
	}
}
