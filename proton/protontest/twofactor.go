package protontest

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"

	"github.com/rclone/go-proton-api"
)

// Two-factor authentication, the way Proton's API does it: the reply to a
// password (SRP) login reports "2FA": {"Enabled": 1} (TOTP), the session
// it creates is usable only for POST /auth/v4/2fa, logout and refresh, and
// a right code in POST /auth/v4/2fa unlocks it. go-proton-api's server has
// no 2FA, so this is done in front of it.

// Routes of the two-factor step, named as FailNext and Calls expect them.
const (
	RouteAuth    = "POST /auth/v4"
	RouteAuth2FA = "POST /auth/v4/2fa"
)

// Proton API codes of the two-factor step.
const (
	// CodeWrongCredentials is Proton's "Incorrect login credentials"
	// (go-proton-api's PasswordWrong), sent with 422 for a wrong password
	// and, indistinguishably, for a wrong two-factor code.
	CodeWrongCredentials = int(proton.PasswordWrong)
	// CodeInsufficientScope is sent with 403 when a session that has not
	// passed two-factor authentication calls anything but the 2FA step,
	// logout or refresh. The number is not confirmed from public sources;
	// clients should go by the 403.
	CodeInsufficientScope = 9101
)

// wrongCredentials is the real API's message for a wrong password or code.
const wrongCredentials = "Incorrect login credentials. Please try again."

// twoFactor holds the accounts that have 2FA and the sessions that still
// have to pass it.
type twoFactor struct {
	mu sync.Mutex
	// codes maps a user ID to the code that account's 2FA accepts.
	codes map[string]string
	// pending maps the UID of a session that has not passed 2FA yet to its
	// user ID.
	pending map[string]string
}

func newTwoFactor() *twoFactor {
	return &twoFactor{codes: map[string]string{}, pending: map[string]string{}}
}

// RequireTwoFactor turns on two-factor authentication (TOTP) for the
// account called username: password logins then report 2FA enabled, and
// the session works only after POST /auth/v4/2fa with code. Real TOTP
// codes change every 30 seconds and are derived from a shared secret; this
// fake accepts one fixed code, which the test chooses. Sessions that exist
// already are not affected. An empty code turns 2FA off again for new
// logins.
func (s *Server) RequireTwoFactor(username, code string) error {
	userID, err := s.drive.userIDByName(username)
	if err != nil {
		return err
	}
	s.twoFactor.setCode(userID, code)
	return nil
}

// setCode sets the code userID's 2FA accepts; "" turns 2FA off.
func (tf *twoFactor) setCode(userID, code string) {
	tf.mu.Lock()
	defer tf.mu.Unlock()
	if code == "" {
		delete(tf.codes, userID)
		return
	}
	tf.codes[userID] = code
}

// startLogin marks the new session uid of userID as waiting for 2FA when
// the account has it, and reports whether it does.
func (tf *twoFactor) startLogin(userID, uid string) bool {
	tf.mu.Lock()
	defer tf.mu.Unlock()
	if _, ok := tf.codes[userID]; !ok {
		return false
	}
	tf.pending[uid] = userID
	return true
}

// isPending reports whether the session uid has yet to pass 2FA.
func (tf *twoFactor) isPending(uid string) bool {
	tf.mu.Lock()
	defer tf.mu.Unlock()
	_, ok := tf.pending[uid]
	return ok
}

// errNotPending: the session is not waiting for a two-factor code.
var errNotPending = errors.New("two-factor authentication is not pending for this session")

// check compares code with the one the session's account accepts and, on
// a match, lets the session through. It returns whether the code was
// right, or errNotPending.
func (tf *twoFactor) check(uid, code string) (bool, error) {
	tf.mu.Lock()
	defer tf.mu.Unlock()
	userID, ok := tf.pending[uid]
	if !ok {
		return false, errNotPending
	}
	want, ok := tf.codes[userID]
	if !ok {
		// 2FA was turned off since the login: any code will do.
		delete(tf.pending, uid)
		return true, nil
	}
	if subtle.ConstantTimeCompare([]byte(code), []byte(want)) != 1 {
		return false, nil
	}
	delete(tf.pending, uid)
	return true, nil
}

// refuseUnverified replies 403 when the request's session has not passed
// two-factor authentication, and reports whether it did.
func (s *Server) refuseUnverified(w http.ResponseWriter, r *http.Request) bool {
	if uid := r.Header.Get("x-pm-uid"); uid != "" && s.twoFactor.isPending(uid) {
		writeAPIError(w, http.StatusForbidden, CodeInsufficientScope, "Access token does not have sufficient scope")
		return true
	}
	return false
}

// coreGate keeps sessions that have not passed 2FA away from the core
// routes, except logout and token refresh, as the real API does.
func (s *Server) coreGate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		allowed := (r.Method == http.MethodDelete && r.URL.Path == "/auth/v4") ||
			(r.Method == http.MethodPost && r.URL.Path == "/auth/v4/refresh")
		if !allowed && s.refuseUnverified(w, r) {
			return
		}
		next.ServeHTTP(w, r)
	})
}

// maxAuthBody bounds login requests and replies, which are a few KiB.
const maxAuthBody = 1 << 20

// handleAuth passes a password login to the core server and, when the
// account has 2FA, reports it in the reply and holds the new session back
// until it passes POST /auth/v4/2fa; for a two-password account it reports
// PasswordMode 2 (see mailbox.go).
func (s *Server) handleAuth(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAuthBody))
	if err != nil {
		invalid(w, "Invalid request body")
		return
	}
	req, err := http.NewRequestWithContext(r.Context(), r.Method, s.coreURL.String()+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		storageFailure(w, err)
		return
	}
	req.Header = r.Header.Clone()
	req.Header.Del("Content-Length")
	res, err := s.coreHTTP.Do(req)
	if err != nil {
		writeAPIError(w, http.StatusBadGateway, http.StatusBadGateway, "Core server unreachable")
		return
	}
	defer res.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(res.Body, maxAuthBody))
	if err != nil {
		writeAPIError(w, http.StatusBadGateway, http.StatusBadGateway, "Core server reply cut short")
		return
	}
	if refused, err := s.refusedLogin(r.Context(), res.StatusCode, reply); err != nil {
		storageFailure(w, err)
		return
	} else if refused {
		writeAPIError(w, http.StatusUnprocessableEntity, CodeWrongCredentials, wrongCredentials)
		return
	}
	if res.StatusCode == http.StatusOK {
		if reply, err = s.markLogin(reply); err != nil {
			storageFailure(w, err)
			return
		}
		s.tokens.grant(reply)
		var auth struct{ UID, UserID, RefreshToken string }
		if json.Unmarshal(reply, &auth) == nil {
			if err := s.keepSession(auth.UID, s.drive.usernameOf(auth.UserID), auth.RefreshToken); err != nil {
				storageFailure(w, err)
				return
			}
		}
	}
	for k, v := range res.Header {
		if k != "Content-Length" {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(res.StatusCode)
	_, _ = w.Write(reply)
}

// refusedLogin reports whether the core server's reply to POST /auth/v4
// (status, reply) refuses the login, as Proton answers a wrong password:
// 422 / 8002 "Incorrect login credentials. Please try again." (client logs
// in rclone issue 9207). go-proton-api's server answers a refused login
// step with 401 instead, and a wrong SRP proof not at all: it grants a
// session whose ServerProof is empty (its NewAuth tests the wrong
// variable after VerifyProofs), which the client then rejects as
// ErrInvalidProof. Such a session is revoked at the core server here, so
// that a wrong password leaves no working tokens behind.
func (s *Server) refusedLogin(ctx context.Context, status int, reply []byte) (bool, error) {
	switch status {
	case http.StatusUnauthorized:
		return true, nil
	case http.StatusOK:
	default:
		return false, nil
	}
	var auth struct {
		UID, AccessToken, ServerProof string
	}
	if err := json.Unmarshal(reply, &auth); err != nil {
		return false, fmt.Errorf("read login reply: %w", err)
	}
	if auth.ServerProof != "" {
		return false, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, s.coreURL.String()+"/auth/v4", nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("x-pm-uid", auth.UID)
	req.Header.Set("Authorization", "Bearer "+auth.AccessToken)
	req.Header.Set("x-pm-appversion", coreAppVersion)
	res, err := s.coreHTTP.Do(req)
	if err != nil {
		return false, fmt.Errorf("revoke the session of a refused login: %w", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return false, fmt.Errorf("revoke the session of a refused login: %s", res.Status)
	}
	return true, nil
}

// markLogin rewrites a successful login reply: for an account with 2FA,
// "2FA".Enabled gets the TOTP bit and the session is held back; for a
// two-password account, PasswordMode becomes 2.
func (s *Server) markLogin(reply []byte) ([]byte, error) {
	var auth struct {
		UserID string
		UID    string
	}
	if err := json.Unmarshal(reply, &auth); err != nil {
		return nil, fmt.Errorf("read login reply: %w", err)
	}
	twoFA := s.twoFactor.startLogin(auth.UserID, auth.UID)
	twoPassword := s.mailbox.twoPassword(auth.UserID)
	if !twoFA && !twoPassword {
		return reply, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(reply, &fields); err != nil {
		return nil, fmt.Errorf("read login reply: %w", err)
	}
	if twoFA {
		info, err := json.Marshal(proton.TwoFAInfo{Enabled: proton.HasTOTP})
		if err != nil {
			return nil, err
		}
		fields["2FA"] = info
		fields["Scope"] = json.RawMessage(`"twofactor"`)
	}
	if twoPassword {
		fields["PasswordMode"] = json.RawMessage(strconv.Itoa(int(proton.TwoPasswordMode)))
	}
	return json.Marshal(fields)
}

// handleAuth2FA is POST /auth/v4/2fa: Auth2FAReq{TwoFactorCode}. A right
// code unlocks the session; a wrong one gets 422 / 8002 and leaves the
// session waiting (the real API also ends it after several tries).
func (s *Server) handleAuth2FA(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authenticate(w, r); !ok {
		return
	}
	var req proton.Auth2FAReq
	if !decodeBody(w, r, &req) {
		return
	}
	ok, err := s.twoFactor.check(r.Header.Get("x-pm-uid"), req.TwoFactorCode)
	if err != nil {
		invalid(w, "Two-factor authentication is not enabled for this session")
		return
	}
	if !ok {
		writeAPIError(w, http.StatusUnprocessableEntity, CodeWrongCredentials, wrongCredentials)
		return
	}
	if err := s.saveSessions(); err != nil { // kept now that it passed
		storageFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Code   int
		Scopes []string
	}{Code: CodeSuccess, Scopes: []string{"full", "self", "user", "loggedin", "drive"}})
}
