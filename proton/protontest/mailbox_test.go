package protontest

import (
	"context"
	"errors"
	"testing"

	"github.com/rclone/Proton-API-Bridge/common"
	"github.com/rclone/go-proton-api"
)

const testMailboxPassword = "the second, mailbox password"

// TestBridgeTwoPasswordLogin logs the real bridge into a two-password
// account (with 2FA too): without the mailbox password it asks for it,
// with the login password in its place the keys do not unlock, and with
// the mailbox password it works and the drive is usable.
func TestBridgeTwoPasswordLogin(t *testing.T) {
	t.Parallel()
	srv := NewForTest(t, WithOptions(Options{Logf: t.Logf})).Server
	if err := srv.RequireMailboxPassword(testUser, testPassword, testMailboxPassword); err != nil {
		t.Fatal(err)
	}
	if err := srv.RequireTwoFactor(testUser, testTwoFactorCode); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		mailbox string
		wantErr bool
		wantIs  error
	}{
		{name: "no mailbox password", wantErr: true, wantIs: common.ErrMailboxPasswordRequired},
		{name: "login password as mailbox password", mailbox: testPassword, wantErr: true},
		{name: "mailbox password", mailbox: testMailboxPassword},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := bridgeConfig(t, srv, testUser, testPassword)
			cfg.FirstLoginCredential.TwoFA = testTwoFactorCode
			cfg.FirstLoginCredential.MailboxPassword = tc.mailbox
			drive, cred, err := newBridgeWithAuthHandler(ctx, cfg, func(proton.Auth) {})
			if tc.wantErr {
				if err == nil {
					_ = drive.Logout(ctx)
					t.Fatal("NewProtonDrive succeeded")
				}
				if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
					t.Fatalf("NewProtonDrive = %v, want %v", err, tc.wantIs)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewProtonDrive: %v", err)
			}
			t.Cleanup(func() { _ = drive.Logout(context.Background()) })
			if _, err := drive.CreateNewFolderByID(ctx, drive.RootLink.LinkID, "two passwords"); err != nil {
				t.Fatalf("CreateNewFolder: %v", err)
			}

			// The reusable session (salted mailbox password) opens the
			// drive again without any password.
			again := bridgeConfig(t, srv, "", "")
			again.UseReusableLogin = true
			again.ReusableCredential = &common.ReusableCredentialData{
				UID: cred.UID, AccessToken: cred.AccessToken, RefreshToken: cred.RefreshToken, SaltedKeyPass: cred.SaltedKeyPass,
			}
			again.FirstLoginCredential = &common.FirstLoginCredentialData{}
			reused, _, err := newBridgeWithAuthHandler(ctx, again, func(proton.Auth) {})
			if err != nil {
				t.Fatalf("NewProtonDrive with the reusable session: %v", err)
			}
			t.Cleanup(func() { _ = reused.Logout(context.Background()) })
			entries, err := reused.ListDirectory(ctx, reused.RootLink.LinkID)
			if err != nil {
				t.Fatalf("ListDirectory: %v", err)
			}
			if len(entries) != 1 || entries[0].Name != "two passwords" {
				t.Fatalf("root holds %d entries, want the one folder", len(entries))
			}
		})
	}
}
