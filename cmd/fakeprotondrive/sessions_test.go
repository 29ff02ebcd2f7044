package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cakebackup/cakebackup/proton"
)

// TestLoggedInAcrossRestarts: cakebackup logged in to the command stays
// logged in when the command is started again on its --data-dir and
// address, as with Proton's servers: its saved session works after one
// restart and, renewed since, after another. A session logged out of
// does not come back with a restart.
func TestLoggedInAcrossRestarts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	first := start(t, "--listen", "127.0.0.1:0", "--user", "trial", "--data-dir", dir)
	args := []string{"--listen", first.base.Host, "--user", "trial", "--data-dir", dir}
	env := map[string]string{"XDG_CONFIG_HOME": t.TempDir(), proton.SessionEnv: "file"}
	store := proton.NewSessionStore(func(k string) string { return env[k] }, nil)
	opts := proton.Options{APIURL: first.base.String()}
	s, err := proton.Login(ctx, opts, proton.Credentials{Username: "trial", Password: "s3cret pass"})
	if err != nil {
		t.Fatal(err)
	}
	if err := proton.Keep(ctx, store, s); err != nil {
		t.Fatal(err)
	}
	use := func(folder string) error {
		t.Helper()
		d, err := proton.Connect(ctx, opts, store)
		if err != nil {
			return err
		}
		defer d.Close(ctx)
		if a, err := d.Account(ctx); err != nil || a.Username != "trial" {
			return errors.Join(err, errors.New("not the account trial"))
		}
		return d.MakeFolder(ctx, "/", folder)
	}
	if err := use("before"); err != nil {
		t.Fatal(err)
	}
	kept, err := os.Stat(filepath.Join(dir, "sessions.json"))
	if err != nil || kept.Mode().Perm() != 0o600 {
		t.Fatalf("sessions kept in the data dir: %v, %v; want mode 0600", kept, err)
	}
	first.stop(t)

	for _, folder := range []string{"after one restart", "after two"} {
		again := start(t, args...)
		if err := use(folder); err != nil {
			t.Fatalf("%s: %v", folder, err)
		}
		again.stop(t)
	}

	again := start(t, args...)
	loggedOut, err := store.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := proton.Logout(ctx, opts, store); err != nil {
		t.Fatal(err)
	}
	again.stop(t)
	start(t, args...)
	// Kept on another config dir, which holds no record of the logout
	// (proton.SessionStore.Delete), so that the server is asked.
	elsewhere := map[string]string{"XDG_CONFIG_HOME": t.TempDir(), proton.SessionEnv: "file"}
	store = proton.NewSessionStore(func(k string) string { return elsewhere[k] }, nil)
	if err := proton.Keep(ctx, store, loggedOut); err != nil {
		t.Fatal(err)
	}
	if err := use("after the logout"); !errors.Is(err, proton.ErrSessionExpired) {
		t.Fatalf("the session logged out of, after a restart: %v, want %v", err, proton.ErrSessionExpired)
	}
}
