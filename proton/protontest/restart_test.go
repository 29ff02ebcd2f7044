package protontest

import (
	"context"
	"errors"
	"testing"

	"github.com/rclone/Proton-API-Bridge/common"
	"github.com/rclone/go-proton-api"
)

// TestMailboxPasswordSurvivesRestart: a two-password account
// (RequireMailboxPassword) is one still when a server is started again on
// its DataDir, with a core server of its own (as fakeprotondrive) or the
// process's shared one: a login says so, needs the mailbox password, and
// works with it.
func TestMailboxPasswordSurvivesRestart(t *testing.T) {
	t.Parallel()
	UseFastKeys()
	for _, tc := range []struct {
		name, user string
		start      func(t *testing.T, dir string) *Server
	}{
		{"own core", testUser, func(t *testing.T, dir string) *Server {
			srv, err := New(Options{DataDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			if err := srv.AddUser(testUser, testPassword); err != nil {
				t.Fatal(err)
			}
			return srv
		}},
		{"shared core", "mailbox-restart", func(t *testing.T, dir string) *Server {
			return NewForTest(t, WithUser("mailbox-restart", testPassword), WithOptions(Options{DataDir: dir})).Server
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			first := tc.start(t, dir)
			user := tc.user
			if err := first.RequireMailboxPassword(user, testPassword, testMailboxPassword); err != nil {
				t.Fatal(err)
			}
			if err := first.Close(); err != nil {
				t.Fatal(err)
			}
			again := tc.start(t, dir)
			t.Cleanup(func() { _ = again.Close() })
			ctx := context.Background()
			cfg := bridgeConfig(t, again, user, testPassword)
			if _, _, err := newBridgeWithAuthHandler(ctx, cfg, func(proton.Auth) {}); !errors.Is(err, common.ErrMailboxPasswordRequired) {
				t.Fatalf("login without the mailbox password after the restart: %v, want %v", err, common.ErrMailboxPasswordRequired)
			}
			cfg = bridgeConfig(t, again, user, testPassword)
			cfg.FirstLoginCredential.MailboxPassword = testMailboxPassword
			drive := loginBridge(t, ctx, cfg)
			if _, err := drive.CreateNewFolderByID(ctx, drive.RootLink.LinkID, "after the restart"); err != nil {
				t.Fatalf("CreateNewFolder: %v", err)
			}
		})
	}
}
