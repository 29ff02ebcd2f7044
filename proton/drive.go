package proton

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ProtonMail/gopenpgp/v3/crypto"
	bridge "github.com/rclone/Proton-API-Bridge"
	protonapi "github.com/rclone/go-proton-api"

	"github.com/cakebackup/cakebackup/proton/endpoint"
)

// URLEnv is the environment variable that points cakebackup at another
// Proton API base URL, such as a local test server.
const URLEnv = "CAKEBACKUP_PROTON_URL"

// Options say where Proton's API is and how to reach it.
type Options struct {
	// APIURL is the base URL of the API; empty means Proton's own.
	APIURL string
	// Transport does the HTTP I/O; nil means a clone of
	// http.DefaultTransport. When APIURL is set, requests for Proton's
	// hosts are sent to APIURL through it.
	Transport http.RoundTripper
	// Log receives the bridge's warnings and errors (retries, rate
	// limits), one per line; nil discards them. They never hold secrets.
	Log io.Writer
	// MemoryBudget is roughly how much memory an upload may hold; it sets
	// how many blocks are sent at once (see blockUploads). 0 means
	// DefaultMemoryBudget.
	MemoryBudget int64
	// AppVersion is sent as x-pm-appversion on every request, and Proton
	// refuses clients whose value it does not accept (ErrAppVersionRefused).
	// Use AppVersion(release); empty means AppVersion("") (a fallback).
	AppVersion string
}

// OptionsFromEnv returns the options the environment asks for: the API
// URL from $CAKEBACKUP_PROTON_URL and the app version from
// $CAKEBACKUP_PROTON_APP_VERSION.
func OptionsFromEnv(getenv func(string) string) (Options, error) {
	opts := Options{APIURL: strings.TrimSpace(getenv(URLEnv)), AppVersion: strings.TrimSpace(getenv(AppVersionEnv))}
	if err := opts.Check(); err != nil {
		return Options{}, fmt.Errorf("$%s: %w", URLEnv, err)
	}
	return opts, nil
}

// GivenURLError is an API URL given in place of $CAKEBACKUP_PROTON_URL's
// (OptionsGiven) that is not an http(s) URL.
type GivenURLError struct{ Err error }

// Error says what is wrong with the URL.
func (e *GivenURLError) Error() string { return e.Err.Error() }

// Unwrap returns what is wrong with the URL.
func (e *GivenURLError) Unwrap() error { return e.Err }

// OptionsGiven is OptionsFromEnv with the API URL url, when not "", in
// place of the environment's; a url that is not one is a *GivenURLError.
func OptionsGiven(getenv func(string) string, url string) (Options, error) {
	opts, err := OptionsFromEnv(getenv)
	if err != nil || url == "" {
		return opts, err
	}
	opts.APIURL = url
	if err := opts.Check(); err != nil {
		return Options{}, &GivenURLError{Err: err}
	}
	return opts, nil
}

// Check reports an APIURL that is not an http(s) URL.
func (o Options) Check() error {
	_, err := o.transport()
	return err
}

// appVersion returns the x-pm-appversion value to send.
func (o Options) appVersion() string {
	if o.AppVersion == "" {
		return AppVersion("")
	}
	return o.AppVersion
}

// transport returns the RoundTripper the bridge is given.
func (o Options) transport() (http.RoundTripper, error) {
	next := o.Transport
	if next == nil {
		if t, ok := http.DefaultTransport.(*http.Transport); ok {
			next = t.Clone()
		} else {
			next = http.DefaultTransport
		}
	}
	if o.APIURL != "" {
		u, err := url.Parse(o.APIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("API URL %q: want an http:// or https:// URL", o.APIURL)
		}
		next = endpoint.Transport(u, next)
	}
	return newBlockTransport(next), nil
}

// config returns a bridge configuration for these options, with no
// credentials yet. The bridge never writes a credential file: the session
// is cached by a SessionStore.
func (o Options) config() (*bridgeConfig, error) {
	t, err := o.transport()
	if err != nil {
		return nil, err
	}
	c := bridge.NewDefaultConfig()
	c.AppVersion = o.appVersion()
	c.UserAgent = "cakebackup"
	c.Transport = t
	c.Logger = bridgeLogger{w: o.Log}
	c.CredentialCacheFile = ""
	// A leftover draft is never replaced silently: uploads use fresh
	// temporary names, so a draft of the same name is someone else's.
	c.ReplaceExistingDraft = false
	// The bridge's link cache drops the entries the bridge itself
	// changes, and a Drive lives for one command.
	c.EnableCaching = true
	c.ConcurrentBlockUploadCount = blockUploads(o.MemoryBudget)
	return c, nil
}

// Credentials are what a first login needs. They are used once and
// never stored.
type Credentials struct {
	Username string
	Password string
	// TwoFactorCode is the current TOTP code, when the account has 2FA.
	TwoFactorCode string
	// MailboxPassword is the second password of two-password accounts.
	MailboxPassword string
}

// Drive is a logged-in connection to one user's Proton Drive. Tokens the
// API refreshes are written back to the session store as they change.
type Drive struct {
	bridge *bridge.ProtonDrive
	opts   Options
	store  SessionStore

	mu      sync.Mutex
	session Session
	saveErr error
	// keys holds the folders' keys once unlocked, links the folders
	// found by name whose keys are not unlocked yet, and addrKeys the
	// account's addresses' public keys once read, for the life of the
	// Drive (see lookup.go).
	keys     map[string]*folderKeys
	links    map[string]*protonapi.Link
	addrKeys map[string]*crypto.KeyRing
	// unlocked counts the folder keys unlocked, which tests check.
	unlocked int

	// refresher renews the session's tokens for every client of the
	// Drive, and knows whether Proton refused to.
	refresher *refresher
}

// Login logs in with a username and password (and 2FA code or mailbox
// password when the account needs them) and returns the reusable
// session. The caller saves it; Login keeps nothing.
func Login(ctx context.Context, opts Options, cred Credentials) (Session, error) {
	if cred.Username == "" || cred.Password == "" {
		return Session{}, errors.New("logging in to Proton needs a username and a password")
	}
	cfg, err := opts.config()
	if err != nil {
		return Session{}, err
	}
	cfg.UseReusableLogin = false
	cfg.FirstLoginCredential.Username = cred.Username
	cfg.FirstLoginCredential.Password = cred.Password
	cfg.FirstLoginCredential.TwoFA = cred.TwoFactorCode
	cfg.FirstLoginCredential.MailboxPassword = cred.MailboxPassword
	// The bridge returns the tokens of the login, but go-proton-api may
	// have renewed them since (a slow login, a short-lived token), and a
	// renewal spends the refresh token: the newest tokens are kept.
	var mu sync.Mutex
	var renewed *protonapi.Auth
	onAuth := func(a protonapi.Auth) {
		mu.Lock()
		defer mu.Unlock()
		renewed = &a
	}
	pd, creds, err := bridge.NewProtonDrive(ctx, cfg, onAuth, func() {})
	// The password must not outlive the call in the bridge's config.
	cfg.FirstLoginCredential.Password = ""
	cfg.FirstLoginCredential.MailboxPassword = ""
	if err != nil {
		// Proton refuses a wrong username or password by its code (see
		// codeWrongPassword, codeUsernameInvalid), which translate knows.
		return Session{}, translate(err, "logging in to Proton")
	}
	s := Session{
		Created:       time.Now().UTC().Truncate(time.Second),
		Username:      cred.Username,
		APIURL:        opts.APIURL,
		UID:           creds.UID,
		AccessToken:   creds.AccessToken,
		RefreshToken:  creds.RefreshToken,
		SaltedKeyPass: creds.SaltedKeyPass,
	}
	mu.Lock()
	if renewed != nil {
		s.AccessToken, s.RefreshToken = renewed.AccessToken, renewed.RefreshToken
	}
	mu.Unlock()
	closeWithoutRevoking(ctx, pd)
	return s, nil
}

// Connect opens the Drive of the session cached in store. It fails with
// ErrNotLoggedIn when there is none and ErrSessionExpired when Proton no
// longer accepts it.
func Connect(ctx context.Context, opts Options, store SessionStore) (*Drive, error) {
	s, err := store.Load(ctx)
	if err != nil {
		return nil, err
	}
	if s.APIURL != opts.APIURL {
		return nil, &SessionError{Problem: fmt.Sprintf("the cached Proton session is for API %s, not %s", apiName(s.APIURL), apiName(opts.APIURL))}
	}
	cfg, err := opts.config()
	if err != nil {
		return nil, err
	}
	cfg.UseReusableLogin = true
	cfg.ReusableCredential.UID = s.UID
	cfg.ReusableCredential.AccessToken = s.AccessToken
	cfg.ReusableCredential.RefreshToken = s.RefreshToken
	cfg.ReusableCredential.SaltedKeyPass = s.SaltedKeyPass
	d := &Drive{opts: opts, store: store, session: s}
	d.refresher = &refresher{next: cfg.Transport, store: store, renewed: d.renewed}
	cfg.Transport = d.refresher
	// Refreshes are handled, saved and judged by the refresher; the
	// bridge's handlers have nothing left to do.
	pd, _, err := bridge.NewProtonDrive(ctx, cfg, func(protonapi.Auth) {}, func() {})
	if err != nil {
		return nil, d.translate(err, "opening Proton Drive")
	}
	d.bridge = pd
	return d, nil
}

func apiName(u string) string {
	if u == "" {
		return "Proton's own"
	}
	return u
}

// renewed takes the session's new tokens from the refresher.
func (d *Drive) renewed(s Session, saveErr error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.session = s
	if saveErr != nil {
		d.saveErr = saveErr
	}
}

// SaveError returns the error of the last failed write-back of refreshed
// tokens, or nil. A caller reports it: the next run would need a login.
func (d *Drive) SaveError() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.saveErr
}

// currentSession returns the session with the latest tokens.
func (d *Drive) currentSession() Session {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.session
}

// translate is the package's translate, knowing that a refused refresh
// means the session is gone whatever error the failed call reports.
func (d *Drive) translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if d.refresher.dead.Load() && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s: %w", what, ErrSessionExpired)
	}
	return translate(err, what)
}

// Account is who a session belongs to and how full their Drive is.
type Account struct {
	Username  string
	Email     string
	UsedSpace int64
	MaxSpace  int64
}

// Account asks Proton who is logged in.
func (d *Drive) Account(ctx context.Context) (Account, error) {
	u, err := d.bridge.About(ctx)
	if err != nil {
		return Account{}, d.translate(err, "asking Proton for the account")
	}
	return Account{Username: u.Name, Email: u.Email, UsedSpace: u.UsedSpace, MaxSpace: u.MaxSpace}, nil
}

// Close ends the connection without revoking the session.
func (d *Drive) Close(ctx context.Context) {
	closeWithoutRevoking(ctx, d.bridge)
}

// Logout revokes the session at Proton and ends the connection.
func (d *Drive) Logout(ctx context.Context) error {
	d.bridge.Config.CredentialCacheFile = ""
	if err := d.bridge.Logout(ctx); err != nil {
		return d.translate(err, "logging out of Proton")
	}
	return nil
}

// closeWithoutRevoking closes the bridge's connections. The bridge's
// Logout only revokes the session when it has no credential file
// configured (it assumes the file's owner will reuse the session), so a
// non-empty name here, never written to, keeps the session alive.
func closeWithoutRevoking(ctx context.Context, pd *bridge.ProtonDrive) {
	pd.Config.CredentialCacheFile = "cakebackup keeps the session"
	_ = pd.Logout(ctx) // Without a revoke there is no I/O to fail.
}

// withClient runs fn with a go-proton-api client on the session's
// tokens, for what the bridge has no call for. Its refreshes go through
// the Drive's refresher like the bridge's own.
func (d *Drive) withClient(ctx context.Context, fn func(c *protonapi.Client) error) error {
	m := d.opts.manager(d.refresher)
	defer m.Close()
	s := d.currentSession()
	c := m.NewClient(s.UID, s.AccessToken, s.RefreshToken)
	defer c.Close()
	return fn(c)
}

// deleteForever permanently deletes children of a folder, skipping the
// trash. The bridge has no call for it (it only trashes).
func (d *Drive) deleteForever(ctx context.Context, parentLinkID string, linkIDs ...string) error {
	err := d.withClient(ctx, func(c *protonapi.Client) error {
		return c.DeleteChildren(ctx, d.bridge.MainShare.ShareID, parentLinkID, linkIDs...)
	})
	return d.translate(err, "deleting from Proton Drive")
}

// manager returns a go-proton-api manager for these options that sends
// its requests through t.
func (o Options) manager(t http.RoundTripper) *protonapi.Manager {
	return protonapi.New(
		protonapi.WithAppVersion(o.appVersion()),
		protonapi.WithUserAgent("cakebackup"),
		protonapi.WithTransport(t),
		protonapi.WithLogger(bridgeLogger{w: o.Log}),
	)
}

// revoke ends session s at Proton, as Drive.Logout does (DELETE
// /auth/v4), without opening the Drive: for a session kept nowhere.
func revoke(ctx context.Context, opts Options, s Session) error {
	t, err := opts.transport()
	if err != nil {
		return err
	}
	m := opts.manager(t)
	defer m.Close()
	c := m.NewClient(s.UID, s.AccessToken, s.RefreshToken)
	defer c.Close()
	return translate(c.AuthDelete(ctx), "ending the session at Proton")
}
