package proton

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// refreshPath is the API route that renews a session's tokens.
const refreshPath = "/auth/v4/refresh"

// refreshTimeout bounds a refresh once it is sent: see RoundTrip.
const refreshTimeout = 30 * time.Second

// maxAuthBody bounds the refresh requests and replies read here, which
// are a few hundred bytes.
const maxAuthBody = 64 << 10

// handoverUnknownLife is how recently tokens whose life no reply gave
// must have been renewed for step 2 to hand them over (see fresh). The
// race it serves takes a second at most; a longer wait costs only one
// more refresh. Session.Refreshed is truncated to seconds: tokens handed
// over are less than this old, and all renewed less than a second before
// this bound are handed over.
const handoverUnknownLife = 2 * time.Second

// maxExpiresIn bounds the ExpiresIn believed (seconds, a year): a larger
// one is taken as unknown rather than overflow a time.Duration.
const maxExpiresIn = 366 * 24 * 3600

// refresher renews the session one process at a time.
//
// Refresh tokens are single-use: when two processes sharing the cached
// session (a scheduled backup and an `ls`, two jobs) both refresh with the
// same token, Proton refuses the second with 10013 and, without care, the
// session is lost until someone logs in again with 2FA (rclone issue
// 9880). go-proton-api refreshes by itself whenever a call gets 401, so
// every refresh of a Drive's clients passes through this transport, which:
//
//  1. takes the store's lock (SessionStore.Lock) and re-reads the session;
//  2. if another process (or another client of this one) has renewed it
//     since, answers with those tokens instead of refreshing again, but
//     only while they are fresh (see fresh): at least half of their
//     access token's life left, by the Expires the refresh reply gave,
//     or, when no reply said, renewed less than handoverUnknownLife ago.
//     That covers the race the handover exists for (two clients get 401
//     at once; the second gets the first's brand-new tokens). Tokens
//     renewed longer ago (another Drive or process renewed them a token
//     life ago) may expire before the caller's retried call arrives; the
//     stored refresh token is then the latest, unspent one, and step 3
//     refreshes with it;
//  3. otherwise refreshes, saves the new tokens and only then lets go of
//     the lock;
//  4. if Proton refuses the refresh, re-reads the store once more and, if
//     the token there differs from the one sent (renewed by a process that
//     does not take the lock), retries once with it.
//
// Only an explicit refusal (refused makes the list) marks the session
// dead; a timeout, a 5xx or a 429 leaves it as it is, for the next try.
type refresher struct {
	next  http.RoundTripper
	store SessionStore
	// renewed receives the session with new tokens and the error of
	// saving it, if any.
	renewed func(s Session, saveErr error)

	mu sync.Mutex // one refresh at a time in this process
	// unsaved is a refresh token granted here that did not reach the
	// store: the store's older one is spent, so it must not replace it.
	unsaved string
	dead    atomic.Bool
}

// RoundTrip implements http.RoundTripper.
func (r *refresher) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPost || !strings.HasSuffix(req.URL.Path, refreshPath) || req.Body == nil {
		return r.next.RoundTrip(req)
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, maxAuthBody))
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	var fields map[string]any
	if err := json.Unmarshal(body, &fields); err != nil {
		return r.forward(req, body)
	}
	uid, _ := fields["UID"].(string)
	sent, _ := fields["RefreshToken"].(string)

	r.mu.Lock()
	defer r.mu.Unlock()
	ctx := req.Context()
	unlock, err := r.store.Lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()

	stored, err := r.store.Load(ctx)
	ours := err == nil && stored.UID == uid
	ref := sent
	if ours && stored.RefreshToken != sent && stored.AccessToken != "" && sent != r.unsaved {
		// Renewed meanwhile: the token this client holds is spent.
		if fresh(stored, time.Now()) {
			r.renewed(stored, nil)
			return authReply(req, stored)
		}
		// Too old to hand over: renew them with the stored refresh token,
		// the latest one.
		ref = stored.RefreshToken
	}
	// Once sent, a refresh spends the cached token whether or not the
	// caller still waits: its answer is taken and saved even after the
	// caller's context ends (Ctrl-C, a deadline), or the next run would
	// find only a spent token. refreshTimeout bounds the wait.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
	defer cancel()
	start := time.Now()
	res, reply, err := r.try(ctx, req, fields, ref)
	if err != nil || res.StatusCode == http.StatusOK || !refused(res.StatusCode, reply.Code) {
		return r.finish(ctx, res, reply, stored, ours, start, err)
	}
	if again, err := r.store.Load(ctx); err == nil && again.UID == uid && again.RefreshToken != ref {
		stored, ours = again, true
		start = time.Now()
		res, reply, err = r.try(ctx, req, fields, again.RefreshToken)
		if err != nil || res.StatusCode == http.StatusOK || !refused(res.StatusCode, reply.Code) {
			return r.finish(ctx, res, reply, stored, ours, start, err)
		}
	}
	r.dead.Store(true)
	return res, nil
}

// authReply is the answer to a refresh, in the API's form.
type authReplyBody struct {
	Code         int
	UID          string
	AccessToken  string
	RefreshToken string
	TokenType    string `json:",omitempty"`
	Scope        string `json:",omitempty"`
	// ExpiresIn is the access token's life in seconds (see
	// protontest's refresh.go for where the real API says so).
	ExpiresIn int64 `json:",omitempty"`
}

// fresh reports whether step 2 of the refresher may hand over the tokens
// of s at now: at least half of the access token's life left when a
// refresh reply gave it (Expires), else renewed less than
// handoverUnknownLife ago.
func fresh(s Session, now time.Time) bool {
	if s.Refreshed.IsZero() {
		return false
	}
	if !s.Expires.IsZero() {
		life := s.Expires.Sub(s.Refreshed)
		return life > 0 && s.Expires.Sub(now) >= life/2
	}
	return now.Sub(s.Refreshed) < handoverUnknownLife
}

// finish saves the tokens of a granted refresh sent at start when the
// store still holds this session (not after a logout or a new login), and
// passes the reply on.
func (r *refresher) finish(ctx context.Context, res *http.Response, reply authReplyBody, stored Session, ours bool, start time.Time, err error) (*http.Response, error) {
	if err != nil || res.StatusCode != http.StatusOK || reply.AccessToken == "" || reply.RefreshToken == "" {
		return res, err
	}
	s := stored
	s.AccessToken, s.RefreshToken = reply.AccessToken, reply.RefreshToken
	s.Refreshed = time.Now().UTC().Truncate(time.Second)
	s.Expires = time.Time{}
	if reply.ExpiresIn > 0 && reply.ExpiresIn < maxExpiresIn {
		// Counted from the sending, not the reply: the token was made in
		// between, so this is never later than Proton's own expiry.
		s.Expires = start.UTC().Add(time.Duration(reply.ExpiresIn) * time.Second)
	}
	var saveErr error
	if ours {
		saveErr = r.store.Save(ctx, s)
	}
	r.unsaved = ""
	if saveErr != nil {
		r.unsaved = s.RefreshToken
	}
	r.renewed(s, saveErr)
	return res, nil
}

// try sends the refresh with refresh token ref under ctx and reads the
// reply, which is handed back unread.
func (r *refresher) try(ctx context.Context, req *http.Request, fields map[string]any, ref string) (*http.Response, authReplyBody, error) {
	fields["RefreshToken"] = ref
	body, err := json.Marshal(fields)
	if err != nil {
		return nil, authReplyBody{}, err
	}
	res, err := r.forward(req.WithContext(ctx), body)
	if err != nil {
		return nil, authReplyBody{}, err
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, maxAuthBody))
	res.Body.Close()
	if err != nil {
		return nil, authReplyBody{}, err
	}
	res.Body = io.NopCloser(bytes.NewReader(data))
	var reply authReplyBody
	_ = json.Unmarshal(data, &reply) // An unreadable reply has no code.
	return res, reply, nil
}

// forward sends req with body to the next transport.
func (r *refresher) forward(req *http.Request, body []byte) (*http.Response, error) {
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(body))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	out.ContentLength = int64(len(body))
	return r.next.RoundTrip(out)
}

// refused reports Proton refusing a refresh for good: the refresh token
// is invalid, expired, or its session was revoked. An app version Proton
// no longer accepts is not the session's fault.
func refused(status, code int) bool {
	switch {
	case code == int(codeRefreshTokenInvalid):
		return true
	case code == int(codeAppVersionRefused), code == int(codeAppVersionOutdated):
		return false
	}
	return status == http.StatusBadRequest || status == http.StatusUnprocessableEntity
}

// authReply answers a refresh with the tokens of s, as the API would.
func authReply(req *http.Request, s Session) (*http.Response, error) {
	body, err := json.Marshal(authReplyBody{Code: 1000, UID: s.UID, AccessToken: s.AccessToken, RefreshToken: s.RefreshToken, TokenType: "Bearer"})
	if err != nil {
		return nil, fmt.Errorf("renewing the Proton session: %w", err)
	}
	return &http.Response{
		Status:     "200 OK",
		StatusCode: http.StatusOK,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		// go-proton-api reads the server's time from Date.
		Header:        http.Header{"Content-Type": {"application/json"}, "Date": {time.Now().UTC().Format(http.TimeFormat)}},
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}, nil
}
