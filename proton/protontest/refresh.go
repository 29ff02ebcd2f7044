package protontest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"
)

// RouteAuthRefresh is the token refresh, named as FailNext and Calls
// expect it.
const RouteAuthRefresh = "POST /auth/v4/refresh"

// CodeRefreshTokenInvalid is Proton's code for a refresh token that was
// already used, expired or belongs to a revoked session (go-proton-api's
// AuthRefreshTokenInvalid).
const CodeRefreshTokenInvalid = 10013

// Refresh tokens are single-use. go-proton-api's server already replaces
// a session's tokens on every refresh, so a used refresh token (and the
// access token it replaced) stops working at once; it answers a refused
// refresh with a bare 422. Proton answers "400 Invalid refresh token
// (Code=10013)" (rclone issue 9880: two processes sharing one session
// both refreshed and the loser got this), which is what the fake sends.
// Whether the real API also ends the old access token at once is not
// known; the fake's stricter rule makes a process that lost the race get
// 401 on its next call, which is the case to handle. Access tokens live
// as long as SetAuthLife says (about a day at Proton, reported, not
// confirmed; refresh tokens about a month, not enforced here).
//
// Proton's refresh reply says how long the new access token lives:
// ExpiresIn, in seconds (ProtonCore's AuthRefreshResponse decodes
// "ExpiresIn" beside AccessToken, RefreshToken, TokenType and Scope).
// go-proton-api's server leaves it out, so the fake adds it, from the
// life SetAuthLife or WithAuthLife gave, in whole seconds.

// refreshes counts the outcomes of token refreshes.
type refreshes struct {
	mu      sync.Mutex
	ok      int
	refused int
}

// Refreshes returns how many token refreshes the server granted and how
// many it refused with CodeRefreshTokenInvalid. Failures injected with
// FailNext are in neither.
func (s *Server) Refreshes() (granted, refused int) { return s.refreshes.counts() }

func (rc *refreshes) counts() (granted, refused int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.ok, rc.refused
}

// count records the outcome of a refresh the core server answered with
// status.
func (rc *refreshes) count(status int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	switch {
	case status >= 400 && status < 500:
		rc.refused++
	case status == http.StatusOK:
		rc.ok++
	}
}

// handleRefresh passes a refresh to the core server and words a refusal
// as Proton does.
func (s *Server) handleRefresh(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		res := rec.Result()
		s.refreshes.count(res.StatusCode)
		if res.StatusCode >= 400 && res.StatusCode < 500 {
			writeAPIError(w, http.StatusBadRequest, CodeRefreshTokenInvalid, "Invalid refresh token")
			return
		}
		body := rec.Body.Bytes()
		if res.StatusCode == http.StatusOK {
			s.tokens.grant(body)
			body = withExpiresIn(body, time.Duration(s.authLife.Load()))
			body = s.keptReply(body)
		}
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(res.StatusCode)
		_, _ = w.Write(body)
	})
}

// withExpiresIn adds ExpiresIn (whole seconds of life) to the JSON
// object body; a body that is no object is left as it is.
func withExpiresIn(body []byte, life time.Duration) []byte {
	var reply map[string]json.RawMessage
	if json.Unmarshal(body, &reply) != nil || reply == nil {
		return body
	}
	reply["ExpiresIn"] = json.RawMessage(strconv.FormatInt(int64(life/time.Second), 10))
	out, err := json.Marshal(reply)
	if err != nil {
		return body
	}
	return out
}
