package proton

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/proton/protontest"
	"github.com/cakebackup/cakebackup/secret"
	"github.com/cakebackup/cakebackup/secret/secrettest"
)

// TestLogoutInAnotherProcessLateKeyringSave: this process (a `schedule
// run`) saves the session while the keyring is locked and nobody answers
// its unlock prompt, so the save goes to the file and its keyring call
// stays blocked; another process (`proton logout` in a terminal, its own
// OSKeyring) logs out and exits; then someone unlocks the keyring, and
// the blocked save lands the logged-out session in the keyring. whoami
// and connect must say not logged in, not session expired, and the
// keyring's copy is removed; a login right after goes to the keyring.
func TestLogoutInAnotherProcessLateKeyringSave(t *testing.T) {
	f := loggedOutInAnotherProcess(t)
	ctx := t.Context()
	if _, err := os.Stat(f.file); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("session file after the logout: %v; want none", err)
	}

	f.svc.Unlock(t)
	f.kr.Timeout = time.Minute // a bound only: the get waits for the blocked save to end
	stored, err := f.kr.Get(ctx, keyringService, keyringAccount)
	if err != nil {
		t.Fatalf("get once unlocked: %v", err)
	}
	if got, err := decodeSession([]byte(stored)); err != nil || got.UID != f.s.UID {
		t.Fatalf("the keyring once unlocked holds session %q, %v; want the one logged out of, %q, its blocked save landed",
			got.UID, err, f.s.UID)
	}
	if n := secrettest.BlockedCalls(t); n != 0 {
		t.Fatalf("%d calls blocked in go-keyring once unlocked, want 0", n)
	}

	checkLoggedOut(t, f.opts, f.newStore, f.file, f.kr)
	if where := checkLoginAgain(t, f.opts, f.newStore, f.s.UID); where != "the OS keyring" {
		t.Fatalf("the new login's session is kept in %q; want the OS keyring", where)
	}
}

// TestLogoutInAnotherProcessFileFallback: this process (a `schedule
// run`) has a keyring call blocked in a locked keyring, so its saves go
// to the file; another process logs out (revoking the session at the fake
// Proton, removing the file) and exits; then this process saves the
// session it renewed before the logout, to the file, as a save that gave
// up waiting on the keyring does. whoami and connect must say not logged
// in, not session expired, and the file's copy is removed; a login right
// after works, from the file while the keyring stays locked.
func TestLogoutInAnotherProcessFileFallback(t *testing.T) {
	f := loggedOutInAnotherProcess(t)
	renewed := f.s
	renewed.AccessToken, renewed.RefreshToken = "access-SECRET-renewed", "refresh-SECRET-renewed"
	renewed.Refreshed = f.s.Created.Add(time.Second)
	store := f.newStore()
	if err := store.Save(t.Context(), renewed); err != nil || store.Where() != f.file {
		t.Fatalf("save after the logout: %v, kept in %q; want %q", err, store.Where(), f.file)
	}

	checkLoggedOut(t, f.opts, f.newStore, f.file, nil)
	if where := checkLoginAgain(t, f.opts, f.newStore, f.s.UID); where != f.file {
		t.Fatalf("the new login's session is kept in %q; want %q while the keyring is locked", where, f.file)
	}
}

// loggedOutElsewhere is where both tests start (loggedOutInAnotherProcess).
type loggedOutElsewhere struct {
	svc      *secrettest.LockedService
	opts     Options
	kr       *secret.OSKeyring // this process's
	newStore func() SessionStore
	file     string  // the session file
	s        Session // the session logged out of
}

// loggedOutInAnotherProcess is both tests' start: this process keeps the
// fake Proton's session while the keyring is locked and nobody answers its
// prompt (the keyring call stays blocked, the save goes to the file), then
// another process logs out and exits.
func loggedOutInAnotherProcess(t *testing.T) loggedOutElsewhere {
	t.Helper()
	logoutChild()
	svc := secrettest.Start(t) // sets DBUS_SESSION_BUS_ADDRESS: not parallel
	ts := protontest.NewForTest(t)
	dir := t.TempDir()
	getenv := envWith(map[string]string{"XDG_CONFIG_HOME": dir, URLEnv: ts.Server.URL()})
	kr := &secret.OSKeyring{Timeout: 50 * time.Millisecond}
	newStore := func() SessionStore { return NewSessionStore(getenv, kr) }
	s := serverSession(ts)
	if err := Keep(t.Context(), newStore(), s); err != nil {
		t.Fatalf("Keep: %v", err)
	}
	<-svc.Shown() // the save waits on the unanswered prompt
	logoutInChild(t, getenv)
	return loggedOutElsewhere{svc: svc, opts: Options{APIURL: ts.Server.URL()}, kr: kr, newStore: newStore,
		file: filepath.Join(dir, "cakebackup", sessionFileName), s: s}
}
