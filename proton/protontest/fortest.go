package protontest

import (
	"sync"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/s2k"
	"github.com/ProtonMail/gopenpgp/v3/crypto"
	"github.com/ProtonMail/gopenpgp/v3/profile"
	"github.com/rclone/go-proton-api"
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
// requested key type and size. It remembers each key's passphrase in
// fastKeyPassphrases.
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
	raw, err := locked.Serialize()
	if err != nil {
		return "", err
	}
	fastKeyPassphrases.Store(string(raw), string(passphrase))
	return locked.Armor()
}

// fastKeyPassphrases maps each key fastGenerateKey made (serialized, as a
// go-proton-api client holds it in proton.Key.PrivateKey) to the
// passphrase it locked it with. For a user key that is the key password
// go-proton-api's CreateUser derived from the account password and the
// key salt (bcrypt, cost 10): exactly what a client's Salts.SaltForKey
// derives again at login. NewForTest's own login takes it from here
// instead, one bcrypt hash less per account; the bridge and every login
// a test makes still derive it. It lives as long as the process, like the
// backend.GenerateKey hook that fills it, and holds only test accounts'
// key passwords.
var fastKeyPassphrases sync.Map

// keyPassword returns the password of a user key: the one fastGenerateKey
// remembered when it made the key, or else the one SaltForKey derives from
// password and the key salt, as a client does.
func keyPassword(key proton.Key, salts proton.Salts, password string) ([]byte, error) {
	if pass, ok := fastKeyPassphrases.Load(string(key.PrivateKey)); ok {
		return []byte(pass.(string)), nil
	}
	return salts.SaltForKey([]byte(password), key.ID)
}
