package protontest

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"testing"

	"github.com/rclone/go-proton-api"
)

// TestAppVersionRefused: the real bridge logging in with an app version
// Proton retired gets Proton's 422 / 2028 reply, on the login itself; an
// accepted one logs in; the accepted pattern can change under a client.
func TestAppVersionRefused(t *testing.T) {
	t.Parallel()
	srv := NewForTest(t).Server
	ctx := context.Background()

	for _, v := range []string{"macos-drive@1.0.0-alpha.1+rclone", "macos-drive@1.0.0-alpha.1", "web-drive@5.0.0", "external-drive-x@1.0"} {
		cfg := bridgeConfig(t, srv, testUser, testPassword)
		cfg.AppVersion = v
		_, _, err := newBridgeWithAuthHandler(ctx, cfg, func(proton.Auth) {})
		var apiErr *proton.APIError
		if !errors.As(err, &apiErr) || apiErr.Status != http.StatusUnprocessableEntity || apiErr.Code != CodeAppVersionRefused {
			t.Fatalf("login as %q: %v, want 422 with code %d", v, err, CodeAppVersionRefused)
		}
		if apiErr.Message != appVersionRefused {
			t.Fatalf("message %q, want Proton's %q", apiErr.Message, appVersionRefused)
		}
	}
	if status, code := rawGet(t, srv, "/core/v4/users", nil); status != http.StatusUnprocessableEntity || code != CodeAppVersionRefused {
		t.Fatalf("no x-pm-appversion: %d / %d, want 422 / %d", status, code, CodeAppVersionRefused)
	}

	cfg := bridgeConfig(t, srv, testUser, testPassword)
	drive := loginBridge(t, ctx, cfg)
	srv.SetAppVersions(regexp.MustCompile(`^external-drive-protontest@2\.`))
	_, err := drive.About(ctx)
	var apiErr *proton.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != CodeAppVersionRefused {
		t.Fatalf("after the version was retired: %v, want code %d", err, CodeAppVersionRefused)
	}
	srv.SetAppVersions(nil)
	if _, err := drive.About(ctx); err != nil {
		t.Fatalf("default pattern again: %v", err)
	}
}
