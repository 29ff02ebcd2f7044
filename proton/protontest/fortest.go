package protontest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/s2k"
	"github.com/ProtonMail/gopenpgp/v3/crypto"
	"github.com/ProtonMail/gopenpgp/v3/profile"
	"github.com/rclone/go-proton-api"
	"github.com/rclone/go-proton-api/server"
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

	t           testing.TB
	sessionOnce sync.Once
	session     *LoggedIn
}

// Session returns a live session of the account, from an SRP login made
// for this server: a test whose point is not logging in can save it as a
// client's session instead of logging in again. No other server's test
// holds it. On a server with its own core server it is the session of the
// login that set up the account's drive; on one that shares its core
// server it is that of the login that made the account, if no server took
// it yet, or else a new login the first time Session is called (a bcrypt
// hash and an SRP exchange), so tests that do not call it do not pay.
// The test fails if the login does.
func (ts *TestServer) Session() LoggedIn {
	ts.t.Helper()
	ts.sessionOnce.Do(func() {
		if ts.session != nil {
			return
		}
		if ts.shared != nil {
			if ts.session = ts.shared.takeSpare(ts.Username); ts.session != nil {
				return
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		var err error
		if ts.session, err = ts.logIn(ctx, ts.Username, ts.Password); err != nil {
			ts.session = &LoggedIn{}
			ts.t.Fatalf("protontest: log in as %q: %v", ts.Username, err)
		}
	})
	return *ts.session
}

// TestOption changes what NewForTest sets up.
type TestOption func(*testConfig)

type testConfig struct {
	opts               Options
	username, password string
	setup              []func(*Server)
	ownCore            bool
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
// inject faults.
func WithSetup(fn func(*Server)) TestOption {
	return func(c *testConfig) { c.setup = append(c.setup, fn) }
}

// WithOwnCore gives the server a core server of its own (see NewForTest),
// for a test that changes what the core server holds for every session of
// an account once the server runs: SetAuthLife, RevokeSessions.
func WithOwnCore() TestOption {
	return func(c *testConfig) { c.ownCore = true }
}

// NewForTest starts a server on loopback for a test, closes it with the
// test, and creates one account (TestUser, TestPassword unless WithUser
// says otherwise) with its drive. Account keys are made the cheap way (see
// UseFastKeys), and the node keys clients send are locked again the cheap
// way before they are stored (see relocker).
//
// Unless WithOwnCore says otherwise, the server's core server (logins,
// sessions, users, their keys and salts) is one go-proton-api server that
// all of the process's NewForTest servers share, and an account with its drive keys is made on it once per
// username and reused (see sharedCore.account): making one costs three
// bcrypt hashes, a safe-prime check and an SRP login. Everything else is the server's own: drive contents,
// Calls, faults, two-factor and mailbox-password settings, app versions.
// Each server refuses logins to accounts it does not hold (see
// onlyOwnUsers), has a session of its own (see TestServer.Session), and
// refuses SetAuthLife and RevokeSessions, which would reach other tests'
// sessions.
func NewForTest(t testing.TB, opts ...TestOption) *TestServer {
	t.Helper()
	UseFastKeys()
	c := testConfig{username: TestUser, password: TestPassword}
	for _, o := range opts {
		o(&c)
	}
	var shared *sharedCore
	if !c.ownCore {
		shared = theSharedCore()
	}
	srv, err := newServer(c.opts, shared)
	if err != nil {
		t.Fatalf("protontest: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("protontest: %v", err)
		}
	})
	srv.pgp = fastPGP
	srv.relocker = newRelocker()
	for _, fn := range c.setup {
		fn(srv)
	}
	session, err := srv.addUser(c.username, c.password, true)
	if err != nil {
		t.Fatalf("protontest: %v", err)
	}
	return &TestServer{Server: srv, Username: c.username, Password: c.password, t: t, session: session}
}

// fastPGP returns a handle that generates curve25519 keys and locks them
// with the fewest S2K iterations OpenPGP allows (65536 bytes hashed
// instead of the default 16 MiB), so that locking and every later unlock,
// by the server and by clients, costs microseconds instead of tens of
// milliseconds. The keys are still real, distinct and locked. A new
// handle at each call, as go-crypto writes to its S2K config as it locks
// a key: one shared by concurrent requests was a data race.
func fastPGP() *crypto.PGPHandle {
	p := profile.Default()
	p.S2kKeyEncryption = &s2k.Config{S2KMode: s2k.IteratedSaltedS2K, S2KCount: 65536}
	return crypto.PGPWithProfile(p)
}

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
	key, err := fastPGP().KeyGeneration().AddUserId(name, email).New().GenerateKey()
	if err != nil {
		return "", err
	}
	defer key.ClearPrivateParams()
	locked, err := fastPGP().LockKey(key, passphrase)
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
// derives again at login. NewForTest's own logins (for the drive keys and
// TestServer.Session) take it from here instead, one bcrypt hash less per
// login; the bridge and every login a test makes still derive it. It lives as long as the process, like the
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

// sharedCores is the core server NewForTest's servers share unless
// WithOwnCore, started on first use and left running until the process
// ends. Like fastKeyPassphrases it serves tests only and holds only test
// accounts.
var sharedCores struct {
	once sync.Once
	core *sharedCore
}

// sharedCore is a shared core server with the accounts made on it, by
// username.
type sharedCore struct {
	srv      *server.Server
	mu       sync.Mutex
	accounts map[string]*sharedAccount
}

// theSharedCore returns the shared core server, starting it the first
// time.
func theSharedCore() *sharedCore {
	sharedCores.once.Do(func() {
		sharedCores.core = &sharedCore{srv: newCoreServer(), accounts: map[string]*sharedAccount{}}
	})
	return sharedCores.core
}

// sharedAccount is an account on a shared core server, with the drive
// keys made for it once; each server that holds the account stores its
// own copy of the share and root folder built from them. spare is the
// session of the login that made the keys until a TestServer takes it
// (see TestServer.Session); the core's mu guards it.
type sharedAccount struct {
	password       string
	once           sync.Once
	userID, addrID string
	keys           *driveKeys
	spare          *LoggedIn
	err            error
}

// takeSpare returns the spare session of the account called username,
// once, or nil.
func (c *sharedCore) takeSpare(username string) *LoggedIn {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.accounts[username]
	if a == nil {
		return nil
	}
	spare := a.spare
	a.spare = nil
	return spare
}

// account returns the account called username on c, creating it and its
// drive keys through s (as addUser does on a server of its own) the first
// time any server asks. An account of that name made with another
// password is an error: the core server holds one account per name.
func (c *sharedCore) account(ctx context.Context, s *Server, username, password string) (*sharedAccount, error) {
	c.mu.Lock()
	a, ok := c.accounts[username]
	if !ok {
		a = &sharedAccount{password: password}
		c.accounts[username] = a
	}
	c.mu.Unlock()
	if a.password != password {
		return nil, fmt.Errorf("protontest: user %q exists with another password on the shared core server; start the server WithOwnCore", username)
	}
	a.once.Do(func() {
		a.userID, a.addrID, a.err = c.srv.CreateUser(username, []byte(password))
		if a.err != nil {
			a.err = fmt.Errorf("protontest: create user %q: %w", username, a.err)
			return
		}
		var spare *LoggedIn
		a.keys, spare, a.err = s.newDriveKeys(ctx, username, password, a.addrID, true)
		if a.err != nil {
			a.err = fmt.Errorf("protontest: set up drive of %q: %w", username, a.err)
			return
		}
		c.mu.Lock()
		a.spare = spare
		c.mu.Unlock()
	})
	return a, a.err
}
