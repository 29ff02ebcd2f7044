// Package protontest runs a fake Proton Drive API server on loopback, in
// the spirit of go-proton-api's own server package: the real, unmodified
// Proton-API-Bridge logs into it over HTTP and works against it.
//
// Authentication, users, addresses, keys and salts are served by composing
// go-proton-api's server (SRP login, sessions, token refresh). Every
// /drive/... route the bridge calls, and the block storage URLs, are served
// here. The server stores and returns what clients send; it never holds a
// private key in the clear and never decrypts anything, except that a
// server of NewForTest locks the node keys clients send again with a
// cheap S2K before it stores them (see relocker). See README.md for the
// list of routes and what is simplified.
package protontest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ProtonMail/gopenpgp/v3/crypto"

	"github.com/cakebackup/cakebackup/proton/endpoint"
	"github.com/rclone/go-proton-api/server"
)

// Options configures a Server.
type Options struct {
	// DataDir, when set, keeps drive data on disk so a test can inspect
	// exactly what the server received: encrypted blocks as files under
	// DataDir/blocks and all metadata in DataDir/metadata.json, all 0600.
	// A server started on a DataDir an earlier one left serves its
	// accounts and files again (see AddUser). "" keeps everything in
	// memory.
	DataDir string

	// Addr is the loopback address to listen on; "" means 127.0.0.1:0.
	// Non-loopback addresses are refused: the fake has no real security.
	Addr string

	// Logf, when set, receives one line per request (method, path,
	// status). Headers and bodies are never logged.
	Logf func(format string, args ...any)

	// AppVersions is the form of x-pm-appversion the server accepts (see
	// SetAppVersions); nil means DefaultAppVersions.
	AppVersions *regexp.Regexp
}

// Server is a fake Proton Drive API server. All methods are safe for
// concurrent use.
type Server struct {
	core     *server.Server
	coreURL  *url.URL
	coreHTTP *http.Client
	// shared is the shared core server that core is (see NewForTest),
	// which this server must neither close nor change; nil when core is
	// the server's own.
	shared *sharedCore

	listener net.Listener
	http     *http.Server
	url      string
	logf     func(format string, args ...any)

	drive     *drive
	faults    *faults
	twoFactor *twoFactor
	mailbox   *mailboxKeys
	resumed   *resumedKeys
	// kept are the sessions kept in DataDir (see keptsessions.go).
	kept        *sessionKeeper
	appVersions appVersions
	refreshes   refreshes
	// tokens are the access tokens ExpireAccessTokens left working.
	tokens accessTokens
	// authLife is how long the core server's new access tokens live,
	// for the ExpiresIn of refresh replies (see handleRefresh).
	authLife atomic.Int64

	// pgp returns a handle that generates and locks the keys the server
	// makes for accounts (drive keys, re-locked user keys), a new one at
	// each call: go-crypto writes to a handle's S2K config as it locks a
	// key, so one handle shared by concurrent requests is a data race.
	// NewForTest makes it cheap.
	pgp func() *crypto.PGPHandle
	// relocker re-locks the node keys clients send with a cheap S2K;
	// NewForTest makes one, New never does (nil).
	relocker *relocker

	closeOnce sync.Once
	closeErr  error
}

// New starts a fake Proton Drive API server listening on loopback.
func New(opts Options) (*Server, error) {
	return newServer(opts, nil)
}

// newServer is New; a non-nil shared is a core server shared with other
// servers (see NewForTest), which the new server uses instead of starting
// its own.
func newServer(opts Options, shared *sharedCore) (*Server, error) {
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if err := requireLoopback(addr); err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("protontest: listen on %s: %w", addr, err)
	}
	baseURL := "http://" + l.Addr().String()
	d, err := newDrive(opts.DataDir, baseURL+"/storage/blocks")
	if err != nil {
		_ = l.Close()
		return nil, err
	}
	keptIn := opts.DataDir
	if shared != nil {
		keptIn = "" // the shared core server keeps its sessions
	}
	kept, err := newSessionKeeper(keptIn)
	if err != nil {
		_ = l.Close()
		return nil, err
	}

	var core *server.Server
	if shared != nil {
		core = shared.srv
	} else {
		core = newCoreServer()
	}
	coreURL, err := url.Parse(core.GetHostURL())
	if err != nil {
		if shared == nil {
			core.Close()
		}
		_ = l.Close()
		return nil, fmt.Errorf("protontest: core server URL: %w", err)
	}

	s := &Server{
		core:     core,
		coreURL:  coreURL,
		coreHTTP: &http.Client{Transport: &http.Transport{}, Timeout: 30 * time.Second},
		shared:   shared,
		listener: l,
		url:      baseURL,
		logf:     opts.Logf,
		drive:    d,
		faults:   newFaults(),

		twoFactor: newTwoFactor(),
		mailbox:   newMailboxKeys(),
		resumed:   newResumedKeys(),
		kept:      kept,
		pgp:       crypto.PGP,
	}
	s.authLife.Store(int64(coreAuthLife))
	s.SetAppVersions(opts.AppVersions)
	s.http = &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.http.Serve(l) }()
	return s, nil
}

// coreServerBuild serialises server.New: it sets gin's process-wide mode
// and registers routes that read it, which races when tests start servers
// in parallel. This lock guards go-proton-api's global, not state of ours.
var coreServerBuild sync.Mutex

// DefaultAuthLife is how long access tokens live on go-proton-api's
// server (its server.New), and so on a Server, until SetAuthLife or
// WithAuthLife says otherwise.
const DefaultAuthLife = time.Hour

// coreAuthLife is DefaultAuthLife.
const coreAuthLife = DefaultAuthLife

// newCoreServer starts go-proton-api's server on its own loopback port,
// without TLS; it only ever talks to this process.
func newCoreServer() *server.Server {
	coreServerBuild.Lock()
	defer coreServerBuild.Unlock()
	return server.New(server.WithTLS(false), server.WithLogger(io.Discard))
}

func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("protontest: listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("protontest: listen address %q is not a loopback address", addr)
	}
	return nil
}

// URL returns the API base URL, e.g. "http://127.0.0.1:41234". Clients use
// it as go-proton-api's host URL, or reach it through Transport.
func (s *Server) URL() string { return s.url }

// Transport returns a RoundTripper that sends requests for Proton's API
// hosts to this server (see endpoint.Transport). Give it to the bridge as
// common.Config.Transport.
func (s *Server) Transport() http.RoundTripper {
	base, _ := url.Parse(s.url) // s.url is always well formed.
	return endpoint.Transport(base, &http.Transport{})
}

// Close stops the server and the composed core server, unless that is
// shared (see NewForTest). Stored data under Options.DataDir stays on disk.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := s.http.Shutdown(ctx)
		if errors.Is(err, context.DeadlineExceeded) {
			err = s.http.Close()
		}
		if s.shared == nil {
			s.core.Close()
		}
		s.coreHTTP.CloseIdleConnections()
		if err != nil {
			s.closeErr = fmt.Errorf("protontest: close: %w", err)
		}
	})
	return s.closeErr
}

// SetAuthLife sets how long new access tokens stay valid; expired tokens
// get 401 and the client refreshes them, as against the real API. It
// panics on a server that shares its core server (see WithOwnCore): the change would reach other tests' servers.
func (s *Server) SetAuthLife(d time.Duration) {
	if s.shared != nil {
		panic("protontest: SetAuthLife on a server that shares its core server; start it WithOwnCore")
	}
	s.core.SetAuthLife(d)
	s.authLife.Store(int64(d))
}

// errSharedCore refuses a change to the core server of a server that
// shares it (see WithOwnCore).
var errSharedCore = errors.New("protontest: the server shares its core server with other tests' servers; start it with WithOwnCore")

// RevokeSessions ends every session of the user called username, as
// logging out everywhere does; the user's refresh tokens stop working too.
// A server that shares its core server refuses (errSharedCore): other
// tests' sessions of the same account would end too.
func (s *Server) RevokeSessions(username string) error {
	userID, err := s.drive.userIDByName(username)
	if err != nil {
		return err
	}
	if s.shared != nil {
		return errSharedCore
	}
	if err := s.core.RevokeUser(userID); err != nil {
		return fmt.Errorf("protontest: revoke sessions of %q: %w", username, err)
	}
	return s.forgetSessions(func(ks *keptSession) bool { return ks.Username == username })
}

// coreProxy forwards everything that is not a drive or storage route to
// the composed go-proton-api server, serving the re-locked user keys of
// two-password accounts (see mailbox.go).
func (s *Server) coreProxy() http.Handler {
	target := s.coreURL
	return &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = target.Host
		},
		Transport:      s.coreHTTP.Transport,
		ModifyResponse: s.serveRelockedKeys,
	}
}
