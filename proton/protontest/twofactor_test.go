package protontest

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/rclone/Proton-API-Bridge/common"
	"github.com/rclone/go-proton-api"
)

const testTwoFactorCode = "123456"

// TestBridgeTwoFactorLogin logs the real bridge into an account with 2FA
// with no code, a wrong code and the right code.
func TestBridgeTwoFactorLogin(t *testing.T) {
	t.Parallel()
	srv := NewForTest(t, WithOptions(Options{Logf: t.Logf})).Server
	if err := srv.RequireTwoFactor(testUser, testTwoFactorCode); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	tests := []struct {
		name     string
		code     string
		wantErr  error // matched with errors.Is
		wantCode proton.Code
	}{
		{name: "no code", code: "", wantErr: common.Err2FACodeRequired},
		{name: "wrong code", code: "654321", wantCode: proton.PasswordWrong},
		{name: "right code"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code := tc.code
			if tc.name == "right code" {
				code = testTwoFactorCode
			}
			cfg := bridgeConfig(t, srv, testUser, testPassword)
			cfg.FirstLoginCredential.TwoFA = code
			drive, _, err := newBridgeWithAuthHandler(ctx, cfg, func(proton.Auth) {})
			switch {
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("NewProtonDrive: got %v, want %v", err, tc.wantErr)
				}
				return
			case tc.wantCode != 0:
				var apiErr *proton.APIError
				if !errors.As(err, &apiErr) || apiErr.Code != tc.wantCode || apiErr.Status != http.StatusUnprocessableEntity {
					t.Fatalf("NewProtonDrive: got %v, want 422 with code %d", err, tc.wantCode)
				}
				return
			case err != nil:
				t.Fatalf("NewProtonDrive: %v", err)
			}
			t.Cleanup(func() { _ = drive.Logout(context.Background()) })
			if _, err := drive.CreateNewFolderByID(ctx, drive.RootLink.LinkID, "after 2fa"); err != nil {
				t.Fatalf("CreateNewFolder: %v", err)
			}
			entries, err := drive.ListDirectory(ctx, drive.RootLink.LinkID)
			if err != nil {
				t.Fatalf("ListDirectory: %v", err)
			}
			if len(entries) != 1 || entries[0].Name != "after 2fa" {
				t.Fatalf("root holds %d entries, want the one folder", len(entries))
			}
		})
	}
	if got := srv.Calls(RouteAuth2FA); got != 2 {
		t.Errorf("Calls(%s) = %d, want 2 (wrong and right code)", RouteAuth2FA, got)
	}
}

// TestSessionWithoutTwoFactorHasNoAccess logs in with go-proton-api's
// client and skips the 2FA step: core and drive calls get 403 until the
// right code is given, a wrong one changes nothing, logout still works.
func TestSessionWithoutTwoFactorHasNoAccess(t *testing.T) {
	t.Parallel()
	srv := NewForTest(t, WithOptions(Options{Logf: t.Logf})).Server
	if err := srv.RequireTwoFactor(testUser, testTwoFactorCode); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m := proton.New(
		proton.WithHostURL(srv.URL()),
		proton.WithAppVersion(testAppVersion),
		proton.WithTransport(&http.Transport{}),
	)
	t.Cleanup(m.Close)
	c, auth, err := m.NewClientWithLogin(ctx, testUser, []byte(testPassword))
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	t.Cleanup(c.Close)
	if auth.TwoFA.Enabled&proton.HasTOTP == 0 {
		t.Fatalf("login reply 2FA = %+v, want TOTP enabled", auth.TwoFA)
	}
	if auth.PasswordMode != proton.OnePasswordMode {
		t.Errorf("PasswordMode = %d, want %d", auth.PasswordMode, proton.OnePasswordMode)
	}

	calls := []struct {
		name string
		call func() error
	}{
		{"GET /core/v4/users", func() error { _, err := c.GetUser(ctx); return err }},
		{"GET /core/v4/addresses", func() error { _, err := c.GetAddresses(ctx); return err }},
		{"GET /core/v4/keys/salts", func() error { _, err := c.GetSalts(ctx); return err }},
		{"GET /drive/volumes", func() error { _, err := c.ListVolumes(ctx); return err }},
		{"GET /drive/shares", func() error { _, err := c.ListShares(ctx, true); return err }},
	}
	refused := func(stage string) {
		t.Helper()
		for _, tc := range calls {
			var apiErr *proton.APIError
			err := tc.call()
			if !errors.As(err, &apiErr) || apiErr.Status != http.StatusForbidden || int(apiErr.Code) != CodeInsufficientScope {
				t.Errorf("%s: %s: got %v, want 403 with code %d", stage, tc.name, err, CodeInsufficientScope)
			}
		}
	}
	refused("before 2FA")

	err = c.Auth2FA(ctx, proton.Auth2FAReq{TwoFactorCode: "000000"})
	var apiErr *proton.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != proton.PasswordWrong || apiErr.Status != http.StatusUnprocessableEntity {
		t.Fatalf("Auth2FA(wrong): got %v, want 422 with code %d", err, proton.PasswordWrong)
	}
	refused("after a wrong code")

	if err := c.Auth2FA(ctx, proton.Auth2FAReq{TwoFactorCode: testTwoFactorCode}); err != nil {
		t.Fatalf("Auth2FA(right): %v", err)
	}
	for _, tc := range calls {
		if err := tc.call(); err != nil {
			t.Errorf("after 2FA: %s: %v", tc.name, err)
		}
	}
	if err := c.Auth2FA(ctx, proton.Auth2FAReq{TwoFactorCode: testTwoFactorCode}); err == nil {
		t.Error("Auth2FA on a session that passed it: got nil error")
	}
	if err := c.AuthDelete(ctx); err != nil {
		t.Fatalf("logout: %v", err)
	}
}

// TestUnverifiedSessionCanLogOut checks that a session held back by 2FA
// can still be ended, and that accounts without 2FA are unaffected.
func TestUnverifiedSessionCanLogOut(t *testing.T) {
	t.Parallel()
	srv := NewForTest(t).Server
	if err := srv.AddUser(otherUser, otherPassword); err != nil {
		t.Fatal(err)
	}
	if err := srv.RequireTwoFactor(testUser, testTwoFactorCode); err != nil {
		t.Fatal(err)
	}
	if err := srv.RequireTwoFactor("nobody", testTwoFactorCode); err == nil {
		t.Error("RequireTwoFactor(unknown user): got nil error")
	}
	ctx := context.Background()
	m := proton.New(
		proton.WithHostURL(srv.URL()),
		proton.WithAppVersion(testAppVersion),
		proton.WithTransport(&http.Transport{}),
	)
	t.Cleanup(m.Close)

	bob, auth, err := m.NewClientWithLogin(ctx, otherUser, []byte(otherPassword))
	if err != nil {
		t.Fatalf("login bob: %v", err)
	}
	t.Cleanup(bob.Close)
	if auth.TwoFA.Enabled != 0 {
		t.Errorf("bob's login reports 2FA %+v, want none", auth.TwoFA)
	}
	if _, err := bob.ListVolumes(ctx); err != nil {
		t.Errorf("bob: ListVolumes: %v", err)
	}

	alice, _, err := m.NewClientWithLogin(ctx, testUser, []byte(testPassword))
	if err != nil {
		t.Fatalf("login alice: %v", err)
	}
	t.Cleanup(alice.Close)
	if err := alice.AuthDelete(ctx); err != nil {
		t.Fatalf("logout of a session waiting for 2FA: %v", err)
	}
	// The session is gone: the code no longer helps.
	if err := alice.Auth2FA(ctx, proton.Auth2FAReq{TwoFactorCode: testTwoFactorCode}); err == nil {
		t.Error("Auth2FA after logout: got nil error")
	}
}
