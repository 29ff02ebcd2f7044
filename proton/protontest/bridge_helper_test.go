package protontest

import (
	"context"
	"testing"

	bridge "github.com/rclone/Proton-API-Bridge"
	"github.com/rclone/Proton-API-Bridge/common"
	"github.com/rclone/go-proton-api"
)

// testLogger sends the bridge's and go-proton-api's log lines to t.Logf.
type testLogger struct{ t testing.TB }

func (l testLogger) Errorf(format string, v ...any) { l.t.Logf("ERROR: "+format, v...) }
func (l testLogger) Warnf(format string, v ...any)  { l.t.Logf("WARN: "+format, v...) }
func (l testLogger) Debugf(format string, v ...any) { l.t.Logf("DEBUG: "+format, v...) }

// testAppVersion is an x-pm-appversion of the form Proton accepts.
const testAppVersion = "external-drive-protontest@1.0.0-stable"

// The account NewForTest makes.
const (
	testUser     = TestUser
	testPassword = TestPassword
)

// bridgeConfig is how cakebackup configures the bridge, pointed at srv.
func bridgeConfig(t testing.TB, srv *Server, user, password string) *common.Config {
	cfg := common.NewConfigWithDefaultValues()
	cfg.AppVersion = testAppVersion
	cfg.UserAgent = "cakebackup-test"
	cfg.Transport = srv.Transport()
	cfg.Logger = testLogger{t}
	cfg.FirstLoginCredential = &common.FirstLoginCredentialData{Username: user, Password: password}
	cfg.EnableCaching = false
	cfg.ConcurrentBlockUploadCount = 4
	cfg.ConcurrentFileCryptoCount = 2
	return cfg
}

// loginBridge logs the real bridge into srv and logs it out with the test.
func loginBridge(t testing.TB, ctx context.Context, cfg *common.Config) *bridge.ProtonDrive {
	t.Helper()
	drive, cred, err := newBridgeWithAuthHandler(ctx, cfg, func(proton.Auth) {})
	if err != nil {
		t.Fatalf("NewProtonDrive: %v", err)
	}
	if cred == nil || cred.UID == "" || cred.AccessToken == "" {
		t.Fatalf("NewProtonDrive returned no credential: %+v", cred)
	}
	t.Cleanup(func() { _ = drive.Logout(context.Background()) })
	return drive
}

func newBridgeWithAuthHandler(ctx context.Context, cfg *common.Config, onAuth func(proton.Auth)) (*bridge.ProtonDrive, *common.ProtonDriveCredential, error) {
	return bridge.NewProtonDrive(ctx, cfg, onAuth, func() {})
}
