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

// The second account of the tests that need one (AddUser): one name and
// password for all of them, so that the shared core server makes it once
// (see sharedCore.account), not once per test. Each server holds its own
// drive of it, and no test counts or ends its sessions.
const (
	otherUser     = "bob"
	otherPassword = "bob's password"
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

// sessionConfig is bridgeConfig on ts's session of the account
// (TestServer.Session), as cakebackup starts the bridge from a saved
// session: for tests whose point is not logging in, which need not pay for
// another SRP login (two bcrypt hashes and a primality test of the SRP
// modulus).
func sessionConfig(t testing.TB, ts *TestServer) *common.Config {
	return keptSessionConfig(t, ts.Server, ts.Session())
}

// keptSessionConfig is sessionConfig on session, a session of an account
// of srv the server logged in to itself (see logIn and addUser).
func keptSessionConfig(t testing.TB, srv *Server, session LoggedIn) *common.Config {
	cfg := bridgeConfig(t, srv, "", "")
	cfg.FirstLoginCredential = &common.FirstLoginCredentialData{}
	cfg.UseReusableLogin = true
	cfg.ReusableCredential = &common.ReusableCredentialData{
		UID:           session.UID,
		AccessToken:   session.AccessToken,
		RefreshToken:  session.RefreshToken,
		SaltedKeyPass: session.SaltedKeyPass,
	}
	return cfg
}

// logInForTest logs the server in to the account username itself (see
// logIn: the SRP password hash and the key password are remembered, not
// derived again) and returns the session, for a test that needs one more
// session of an account but is not about the client's login.
func logInForTest(t testing.TB, srv *Server, username, password string) LoggedIn {
	t.Helper()
	s, err := srv.logIn(context.Background(), username, password)
	if err != nil {
		t.Fatalf("log in as %q: %v", username, err)
	}
	return *s
}

// sessionBridge starts the real bridge on ts's kept session (see
// sessionConfig) and closes it with the test. It does not revoke the
// session: other clients of the test may share it.
func sessionBridge(t testing.TB, ctx context.Context, cfg *common.Config) *bridge.ProtonDrive {
	t.Helper()
	if !cfg.UseReusableLogin {
		t.Fatal("sessionBridge needs a sessionConfig")
	}
	drive, _, err := newBridgeWithAuthHandler(ctx, cfg, func(proton.Auth) {})
	if err != nil {
		t.Fatalf("NewProtonDrive: %v", err)
	}
	t.Cleanup(func() {
		// The bridge revokes the session on Logout only when no credential
		// file is configured; the name is never written to.
		drive.Config.CredentialCacheFile = "the test keeps the session"
		_ = drive.Logout(context.Background())
	})
	return drive
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
