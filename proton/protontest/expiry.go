package protontest

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
)

// ExpireAccessTokens makes the access tokens the server's clients hold
// expire now, as the end of their life does (see SetAuthLife), without a
// test waiting for it: the next call with one gets 401 "Invalid access
// token", as from the core server, and the client refreshes. Tokens
// granted afterwards, by a refresh or a login, work until
// ExpireAccessTokens is called again; refresh tokens are untouched. It
// reaches only the calls made to this server, so unlike SetAuthLife a
// server that shares its core server allows it.
func (s *Server) ExpireAccessTokens() { s.tokens.expireAll() }

// accessTokens is what ExpireAccessTokens changes: once it was called,
// only the access tokens granted since work.
type accessTokens struct {
	mu      sync.Mutex
	expired bool
	granted map[string]bool
}

func (a *accessTokens) expireAll() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.expired = true
	a.granted = map[string]bool{}
}

// grant records a new access token, from the JSON reply to a login or a
// refresh (its AccessToken); other replies are ignored.
func (a *accessTokens) grant(reply []byte) {
	var auth struct{ AccessToken string }
	if json.Unmarshal(reply, &auth) != nil || auth.AccessToken == "" {
		return
	}
	a.grantToken(auth.AccessToken)
}

func (a *accessTokens) grantToken(token string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.expired {
		a.granted[token] = true
	}
}

// refuses reports whether r carries an access token that
// ExpireAccessTokens ended. Refreshes carry none that counts.
func (a *accessTokens) refuses(r *http.Request) bool {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || (r.Method == http.MethodPost && r.URL.Path == "/auth/v4/refresh") {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.expired && !a.granted[token]
}
