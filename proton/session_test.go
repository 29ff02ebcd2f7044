package proton

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/cakebackup/cakebackup/proton/protontest"
)

// TestOneAccount runs the checks that can share one account on one fake
// server, at once: each works in a folder or session of its own.
func TestOneAccount(t *testing.T) {
	t.Parallel()
	f := newFakeProton(t)
	for _, c := range []struct {
		name  string
		check func(*testing.T, *fakeProton)
	}{
		{"SessionReuseWithoutPassword", checkSessionReuseWithoutPassword},
		{"LogoutRevokes", checkLogoutRevokes},
		{"LoginRefusals", checkLoginRefusals},
		{"SessionForAnotherServer", checkSessionForAnotherServer},
		{"ServerNeverSeesPlaintext", checkServerNeverSeesPlaintext},
		{"CancelLeavesNothing", checkCancelLeavesNothing},
		{"StaleUploadsRemoved", checkStaleUploadsRemoved},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.check(t, f)
		})
	}
}

// checkSessionReuseWithoutPassword: after one login, a later run connects
// with the cached session only, and the cache holds no password.
func checkSessionReuseWithoutPassword(t *testing.T, f *fakeProton) {
	ctx := context.Background()
	path := filepath.Join(f.getenv("XDG_CONFIG_HOME"), "cakebackup", sessionFileName)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(fakePassword)) {
		t.Fatal("the session cache holds the account password")
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("session cache mode %04o, want 0600", info.Mode().Perm())
	}

	// A new process: only the environment, no credentials.
	dest, err := Open(ctx, "/Backups/Cake", f.getenv, nil)
	if err != nil {
		t.Fatalf("Open with the cached session: %v", err)
	}
	payload := wallettest.RandomBytes(t, 70<<10)
	e, err := putBackup(ctx, dest, "reused", payload)
	if err != nil {
		t.Fatal(err)
	}
	if e.Location != "proton:/Backups/Cake/reused" {
		t.Fatalf("Location = %q", e.Location)
	}
	again, err := Open(ctx, "/Backups/Cake", f.getenv, nil)
	if err != nil {
		t.Fatal(err)
	}
	list, err := again.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != "reused" || list[0].Size != int64(len(payload)) || !list[0].ModTime.Equal(e.ModTime) {
		t.Fatalf("List = %+v, want the one backup as committed (%+v)", list, e)
	}
	if user, ok := LoggedIn(f.getenv, nil); !ok || user != fakeUser {
		t.Fatalf("LoggedIn = %q, %v", user, ok)
	}
}

// TestRefreshedTokensAreSaved: when the access token expires mid-run the
// client refreshes it, and the new single-use refresh token reaches the
// cache, so the next run still works.
func TestRefreshedTokensAreSaved(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFakeProton(t)
	before, err := f.store.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := f.connect(t)
	f.srv.ExpireAccessTokens()
	if _, err := d.Account(ctx); err != nil {
		t.Fatalf("Account after the access token expired: %v", err)
	}
	if err := d.SaveError(); err != nil {
		t.Fatal(err)
	}
	after, err := f.store.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.RefreshToken == before.RefreshToken || after.AccessToken == before.AccessToken {
		t.Fatal("the refreshed tokens were not written back to the cache")
	}
	// Cleaning up after an abort, with the access token expired again,
	// renews it without breaking the session for the next run.
	f.ts.MakeFolders("/Backups/Refresh")
	dest, err := NewDestination(d, "/Backups/Refresh")
	if err != nil {
		t.Fatal(err)
	}
	p, err := dest.Create(ctx, "aborted", -1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Write(wallettest.RandomBytes(t, 1<<20)); err != nil {
		t.Fatal(err)
	}
	f.srv.ExpireAccessTokens()
	if err := p.Abort(ctx); err != nil {
		t.Fatal(err)
	}
	if got := f.residue(t, dest); len(got) != 0 {
		t.Fatalf("Abort left %v", got)
	}
	d2, err := Connect(ctx, f.opts, f.store)
	if err != nil {
		t.Fatalf("Connect with the refreshed session: %v", err)
	}
	defer d2.Close(ctx)
	if _, err := d2.Account(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestRevokedSession: a session revoked at Proton (logged out everywhere)
// gives one line meaning that (cmd adds the command to log in again).
func TestRevokedSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFakeProtonWith(t, protontest.WithOwnCore())
	if err := f.srv.RevokeSessions(fakeUser); err != nil {
		t.Fatal(err)
	}
	_, err := Open(ctx, "/Backups/Cake", f.getenv, nil)
	if !errors.Is(err, ErrSessionExpired) {
		t.Fatalf("Open with a revoked session = %v, want ErrSessionExpired", err)
	}
	if strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "expired or was revoked") {
		t.Fatalf("error %q: want one line saying the session ended", err)
	}
}

// checkLogoutRevokes: after Logout the session no longer works at Proton.
func checkLogoutRevokes(t *testing.T, f *fakeProton) {
	ctx := context.Background()
	// A session of its own, so the account's other sessions live on.
	s, err := Login(ctx, f.opts, Credentials{Username: fakeUser, Password: fakePassword})
	if err != nil {
		t.Fatal(err)
	}
	store := &sessionFile{getenv: envWith(map[string]string{"XDG_CONFIG_HOME": t.TempDir()})}
	if err := store.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	d, err := Connect(ctx, f.opts, store)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := Connect(ctx, f.opts, store); !errors.Is(err, ErrSessionExpired) {
		t.Fatalf("Connect after Logout = %v, want ErrSessionExpired", err)
	}
}

// checkLoginRefusals: a wrong password, or a username Proton does not
// know, is refused in plain words; never as an expired session, which a
// login has not got.
func checkLoginRefusals(t *testing.T, f *fakeProton) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		cred Credentials
		want error
	}{
		{"wrong password", Credentials{Username: fakeUser, Password: "not it"}, ErrWrongPassword},
		{"unknown username", Credentials{Username: "no-such-user", Password: "not it"}, ErrWrongPassword},
	} {
		_, err := Login(ctx, f.opts, tc.cred)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: Login = %v, want %v", tc.name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), tc.cred.Password) {
			t.Errorf("%s: error %q shows the password", tc.name, err)
		}
	}
}

// checkSessionForAnotherServer: a session made against one API URL is not
// sent to another.
func checkSessionForAnotherServer(t *testing.T, f *fakeProton) {
	_, err := Connect(context.Background(), Options{APIURL: "http://127.0.0.1:9"}, f.store)
	var unusable *SessionError
	if !errors.As(err, &unusable) || !strings.Contains(err.Error(), "is for API") {
		t.Fatalf("Connect to another API = %v, want a refusal", err)
	}
}
