package protontest

import (
	"sync"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/s2k"
	"github.com/ProtonMail/gopenpgp/v3/crypto"
	"github.com/ProtonMail/gopenpgp/v3/profile"
	"github.com/rclone/go-proton-api/server/backend"
)

// The account NewForTest creates unless WithUser says otherwise.
const (
	TestUser     = "ana"
	TestPassword = "a long and correct test password"
)

// TestServer is a Server started by NewForTest, with the account it made.
type TestServer struct {
	*Server
	// Username and Password log in to the account.
	Username, Password string
	// Session is the live session of the SRP login that set up the
	// account's drive: a test whose point is not logging in can save it
	// as a client's session instead of logging in again (two bcrypt
	// hashes and an SRP exchange per login).
	Session LoggedIn
}

// TestOption changes what NewForTest sets up.
type TestOption func(*testConfig)

type testConfig struct {
	opts               Options
	username, password string
	setup              []func(*Server)
}

// WithOptions starts the server with opts (DataDir, Logf, AppVersions).
func WithOptions(opts Options) TestOption {
	return func(c *testConfig) { c.opts = opts }
}

// WithUser names the account NewForTest creates.
func WithUser(username, password string) TestOption {
	return func(c *testConfig) { c.username, c.password = username, password }
}

// WithSetup runs fn on the server before the account is created, e.g. to
// set SetAuthLife or inject faults.
func WithSetup(fn func(*Server)) TestOption {
	return func(c *testConfig) { c.setup = append(c.setup, fn) }
}

// NewForTest starts a server on loopback for a test, closes it with the
// test, and creates one account (TestUser, TestPassword unless WithUser
// says otherwise) with its drive. Account keys are made the cheap way (see
// UseFastKeys); everything else is as with New.
func NewForTest(t testing.TB, opts ...TestOption) *TestServer {
	t.Helper()
	UseFastKeys()
	c := testConfig{username: TestUser, password: TestPassword}
	for _, o := range opts {
		o(&c)
	}
	srv, err := New(c.opts)
	if err != nil {
		t.Fatalf("protontest: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("protontest: %v", err)
		}
	})
	srv.pgp = fastPGP
	for _, fn := range c.setup {
		fn(srv)
	}
	session, err := srv.addUser(c.username, c.password, true)
	if err != nil {
		t.Fatalf("protontest: %v", err)
	}
	return &TestServer{Server: srv, Username: c.username, Password: c.password, Session: *session}
}

// fastPGP generates curve25519 keys and locks them with the fewest S2K
// iterations OpenPGP allows (65536 bytes hashed instead of the default
// 16 MiB), so that locking and every later unlock, by the server and by
// clients, costs microseconds instead of tens of milliseconds. The keys are
// still real, distinct and locked.
var fastPGP = func() *crypto.PGPHandle {
	p := profile.Default()
	p.S2kKeyEncryption = &s2k.Config{S2KMode: s2k.IteratedSaltedS2K, S2KCount: 65536}
	return crypto.PGPWithProfile(p)
}()

var fastKeysOnce sync.Once

// UseFastKeys makes every server of this process create user and address
// keys with fastPGP instead of go-proton-api's 4096-bit RSA keys, which
// take seconds each (the bridge accepts both). It sets go-proton-api's
// process-wide backend.GenerateKey, so it is for tests only, and must run
// before any server of the process creates an account; NewForTest calls
// it. A test binary that starts servers with New calls it from TestMain.
func UseFastKeys() {
	fastKeysOnce.Do(func() { backend.GenerateKey = fastGenerateKey })
}

// fastGenerateKey has the signature of backend.GenerateKey; it ignores the
// requested key type and size.
func fastGenerateKey(name, email string, passphrase []byte, _ string, _ int) (string, error) {
	key, err := fastPGP.KeyGeneration().AddUserId(name, email).New().GenerateKey()
	if err != nil {
		return "", err
	}
	defer key.ClearPrivateParams()
	locked, err := fastPGP.LockKey(key, passphrase)
	if err != nil {
		return "", err
	}
	return locked.Armor()
}
