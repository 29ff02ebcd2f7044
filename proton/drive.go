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
	"sync/atomic"

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

	// expired is set when the API refused to refresh the session.
	expired atomic.Bool
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
	pd, creds, err := bridge.NewProtonDrive(ctx, cfg, func(protonapi.Auth) {}, func() {})
	// The password must not outlive the call in the bridge's config.
	cfg.FirstLoginCredential.Password = ""
	cfg.FirstLoginCredential.MailboxPassword = ""
	if err != nil {
		return Session{}, translate(err, "logging in to Proton")
	}
	s := Session{
		Username:      cred.Username,
		APIURL:        opts.APIURL,
		UID:           creds.UID,
		AccessToken:   creds.AccessToken,
		RefreshToken:  creds.RefreshToken,
		SaltedKeyPass: creds.SaltedKeyPass,
	}
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
		return nil, fmt.Errorf("the cached Proton session is for API %s, not %s: run `cakebackup proton login` again", apiName(s.APIURL), apiName(opts.APIURL))
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
	pd, _, err := bridge.NewProtonDrive(ctx, cfg, d.onAuth, d.onDeauth)
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

// onAuth is called by go-proton-api with new tokens after a refresh. The
// refresh token is single-use, so the new one must reach the store or the
// next run is logged out.
func (d *Drive) onAuth(a protonapi.Auth) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if a.UID != "" {
		d.session.UID = a.UID
	}
	d.session.AccessToken = a.AccessToken
	d.session.RefreshToken = a.RefreshToken
	// No context reaches an auth handler; the store's I/O is local and
	// short.
	if err := d.store.Save(context.Background(), d.session); err != nil {
		d.saveErr = err
	}
}

// onDeauth is called when the API refused to refresh the session.
func (d *Drive) onDeauth() { d.expired.Store(true) }

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
	if d.expired.Load() && !errors.Is(err, context.Canceled) {
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

// deleteForever permanently deletes children of a folder, skipping the
// trash. The bridge has no call for it (it only trashes), so this uses
// go-proton-api's client with the session's access token. That client is
// given no refresh token: refreshing rotates the refresh token, which
// would leave the bridge's own client with a dead one. A bridge call
// first renews an expired access token the bridge's way.
func (d *Drive) deleteForever(ctx context.Context, parentLinkID string, linkIDs ...string) error {
	if _, err := d.bridge.About(ctx); err != nil {
		return d.translate(err, "deleting from Proton Drive")
	}
	t, err := d.opts.transport()
	if err != nil {
		return err
	}
	m := protonapi.New(
		protonapi.WithAppVersion(d.opts.appVersion()),
		protonapi.WithUserAgent("cakebackup"),
		protonapi.WithTransport(t),
		protonapi.WithLogger(bridgeLogger{w: d.opts.Log}),
	)
	defer m.Close()
	s := d.currentSession()
	c := m.NewClient(s.UID, s.AccessToken, "")
	defer c.Close()
	if err := c.DeleteChildren(ctx, d.bridge.MainShare.ShareID, parentLinkID, linkIDs...); err != nil {
		return translate(err, "deleting from Proton Drive")
	}
	return nil
}
