package proton

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/proton/protontest"
	"github.com/cakebackup/cakebackup/secret"
)

// logoutChildEnv, set, makes a test's child process log out
// (logoutInChild).
const logoutChildEnv = "CAKEBACKUP_TEST_LOGOUT_CHILD"

// logoutChild is the child's side of logoutInChild; a test that calls
// logoutInChild calls it first: in the child it runs `proton logout`
// (LogoutLines) with an OSKeyring of its own, says what it said on
// standard output and exits.
func logoutChild() {
	if os.Getenv(logoutChildEnv) == "" {
		return
	}
	kr := &secret.OSKeyring{Timeout: 50 * time.Millisecond}
	lines, err := LogoutLines(context.Background(), Options{APIURL: os.Getenv(URLEnv)}, NewSessionStore(os.Getenv, kr))
	fmt.Printf("logout: %q %v\n", lines, err)
	os.Exit(0)
}

// logoutInChild runs `proton logout` in a child process, as a person
// would in a terminal while this process (a long-running `schedule run`)
// holds the session: its own OSKeyring, the config dir, store and Proton
// of getenv, this process's session bus. The child ends once logged out,
// and with it any keyring call it gave up on and the delete it left to
// that call (secret.OSKeyring.DeleteWhenAnswered).
func logoutInChild(t *testing.T, getenv func(string) string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$")
	cmd.Env = append(os.Environ(), logoutChildEnv+"=1",
		"XDG_CONFIG_HOME="+getenv("XDG_CONFIG_HOME"), URLEnv+"="+getenv(URLEnv), SessionEnv+"="+getenv(SessionEnv))
	out, err := cmd.CombinedOutput()
	if want := `logout: ["Logged out of Proton."] <nil>`; err != nil || !strings.Contains(string(out), want) {
		t.Fatalf("logout in a child process: %v, said %q; want %q", err, out, want)
	}
}

// checkLoggedOut checks that the store newStore makes, after a logout
// whose session came back, says what it says when nobody logged in:
// whoami and Connect fail with ErrNotLoggedIn, in its words, and
// the session's copy is gone from the file and from kr (nil: none).
func checkLoggedOut(t *testing.T, opts Options, newStore func() SessionStore, file string, kr secret.Keyring) {
	t.Helper()
	ctx := t.Context()
	if lines, err := WhoamiLines(ctx, opts, newStore()); lines != nil || !errors.Is(err, ErrNotLoggedIn) || err.Error() != ErrNotLoggedIn.Error() {
		t.Fatalf("whoami after the logout = %q, %v; want %q (ErrNotLoggedIn)", lines, err, ErrNotLoggedIn)
	}
	if _, err := Connect(ctx, opts, newStore()); !errors.Is(err, ErrNotLoggedIn) {
		t.Fatalf("connect after the logout = %v; want ErrNotLoggedIn", err)
	}
	if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("session file after the logout: %v; want none", err)
	}
	if kr != nil {
		if _, err := kr.Get(ctx, keyringService, keyringAccount); !errors.Is(err, secret.ErrNotInKeyring) {
			t.Fatalf("the keyring after the logout: %v; want ErrNotInKeyring", err)
		}
	}
}

// checkLoginAgain logs in again with the store newStore makes, as
// `proton login` right after the logout: a new session, which connect
// and whoami use. It returns where the store keeps it.
func checkLoginAgain(t *testing.T, opts Options, newStore func() SessionStore, loggedOut string) (where string) {
	t.Helper()
	ctx := t.Context()
	given := LoginGiven{Username: fakeUser, Password: fakePassword}
	s, err := LoginAndKeep(ctx, opts, given, secret.NewPrompter(strings.NewReader(""), io.Discard), newStore())
	if err != nil || s.UID == loggedOut {
		t.Fatalf("login after the logout: session %q, %v; want a new session", s.UID, err)
	}
	store := newStore()
	lines, err := WhoamiLines(ctx, opts, store)
	if err != nil || len(lines) != 2 || !strings.Contains(lines[0], fakeUser) {
		t.Fatalf("whoami after logging in again = %q, %v; want %s's lines", lines, err, fakeUser)
	}
	if got, err := store.Load(ctx); err != nil || got.UID != s.UID {
		t.Fatalf("load after logging in again = %q, %v; want session %q", got.UID, err, s.UID)
	}
	return store.Where()
}

// TestLogoutInAnotherProcessFileOnly keeps the session in the file only
// (SessionEnv "file"): this process holds the store's lock, as while it
// renews the session, another process logs out meanwhile (logouts do not
// wait for the lock), and this process then saves the renewed session it
// got before the logout. The logout's session must not come back: whoami
// and connect say not logged in, not session expired, and the copy saved
// after the logout is removed. A login right after works.
func TestLogoutInAnotherProcessFileOnly(t *testing.T) {
	logoutChild()
	t.Parallel()
	ts := protontest.NewForTest(t)
	dir := t.TempDir()
	getenv := envWith(map[string]string{"XDG_CONFIG_HOME": dir, URLEnv: ts.Server.URL(), SessionEnv: "file"})
	opts := Options{APIURL: ts.Server.URL()}
	newStore := func() SessionStore { return NewSessionStore(getenv, nil) }
	file := filepath.Join(dir, "cakebackup", sessionFileName)
	ctx := t.Context()

	s := serverSession(ts)
	if err := Keep(ctx, newStore(), s); err != nil {
		t.Fatal(err)
	}
	store := newStore()
	unlock, err := store.Lock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	logoutInChild(t, getenv)
	renewed := s
	renewed.AccessToken, renewed.RefreshToken = "access-SECRET-renewed", "refresh-SECRET-renewed"
	renewed.Refreshed = s.Created.Add(time.Second)
	if err := store.Save(ctx, renewed); err != nil {
		t.Fatal(err)
	}
	unlock()
	if _, err := os.Stat(file); err != nil {
		t.Fatalf("the session saved after the logout is not in the file: %v", err)
	}

	checkLoggedOut(t, opts, newStore, file, nil)
	if where := checkLoginAgain(t, opts, newStore, s.UID); where != file {
		t.Fatalf("the new login's session is kept in %q; want %q", where, file)
	}
	// The record of the logout names the session, and holds no secret.
	entries, err := os.ReadDir(filepath.Dir(file))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %04o, want 0600", e.Name(), info.Mode().Perm())
		}
		if e.Name() == sessionFileName {
			continue
		}
		data, err := os.ReadFile(filepath.Join(filepath.Dir(file), e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{s.AccessToken, s.RefreshToken, s.SaltedKeyPass, renewed.AccessToken, renewed.RefreshToken} {
			if strings.Contains(string(data), secret) {
				t.Errorf("%s holds a secret of the session logged out of", e.Name())
			}
		}
	}
	if !slices.Contains(names, loggedOutName) {
		t.Errorf("config dir holds %q; want the record %s", names, loggedOutName)
	}
}

// TestLogoutRecordUnreadable: with a record of the sessions logged out of
// that cannot be read, Logout cannot load the session to end it at
// Proton, so it changes nothing and returns the *LoggedOutRecordError:
// the session is not forgotten here while alive at Proton. Once the
// record is deleted, as the error's hint says, whoami works and Logout
// ends the session.
func TestLogoutRecordUnreadable(t *testing.T) {
	t.Parallel()
	ts := protontest.NewForTest(t)
	dir := t.TempDir()
	getenv := envWith(map[string]string{"XDG_CONFIG_HOME": dir, URLEnv: ts.Server.URL(), SessionEnv: "file"})
	opts := Options{APIURL: ts.Server.URL()}
	newStore := func() SessionStore { return NewSessionStore(getenv, nil) }
	ctx := t.Context()
	s := serverSession(ts)
	if err := Keep(ctx, newStore(), s); err != nil {
		t.Fatal(err)
	}
	record := filepath.Join(dir, "cakebackup", loggedOutName)
	if err := os.WriteFile(record, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	var re *LoggedOutRecordError
	if err := Logout(ctx, opts, newStore()); !errors.As(err, &re) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("Logout with an unreadable record = %v; want the *LoggedOutRecordError, one line", err)
	}
	if err := os.Remove(record); err != nil {
		t.Fatal(err)
	}
	if lines, err := WhoamiLines(ctx, opts, newStore()); err != nil || len(lines) != 2 {
		t.Fatalf("whoami once the record is deleted = %q, %v; want the session kept and alive", lines, err)
	}
	if err := Logout(ctx, opts, newStore()); err != nil {
		t.Fatalf("Logout once the record is deleted: %v", err)
	}
	checkLoggedOut(t, opts, newStore, filepath.Join(dir, "cakebackup", sessionFileName), nil)
}
