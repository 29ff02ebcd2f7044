package protontest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"

	"github.com/rclone/go-proton-api"
)

// Sessions outlive a restart on a DataDir, as Proton's outlive a restart
// of its servers: a client logged in to an earlier server on the same
// DataDir (cakebackup's saved session) stays logged in. go-proton-api's
// core server keeps sessions in memory only, and cannot be handed one
// back. So the fake keeps in DataDir/sessions.json, for each session its
// clients hold, its UID, its account's username and its latest refresh
// token (never a password or key), and when AddUser resumes the account
// it logs in to the new core server once for each of them. From then on
// the kept UID stands for the new core session's: requests carrying it
// are passed on with the new one (x-pm-uid, and the UID of a refresh),
// and replies name the kept one. The client's access token is unknown to
// the new core server, so its first call gets 401 and it refreshes, with
// the kept refresh token, which the fake exchanges for the new core
// session's once; after that the client holds the core server's tokens.
//
// Only servers with a core server of their own keep sessions: a shared
// core server outlives the servers of its process, sessions included.

// keptSession is one entry of sessions.json.
type keptSession struct {
	UID          string
	Username     string
	RefreshToken string
}

// sessionKeeper holds the kept sessions and the UIDs they stand for.
type sessionKeeper struct {
	mu   sync.Mutex
	path string // DataDir/sessions.json; "" keeps nothing
	// kept are the sessions by the UID their clients hold.
	kept map[string]*keptSession
	// core maps a kept UID to the new core server's session UID it stands
	// for; alias is the reverse.
	core, alias map[string]string
	// swap maps a kept UID to the core session's first refresh token,
	// given in exchange for the kept one (kept[uid].RefreshToken) once.
	swap map[string]string
}

// newSessionKeeper reads the sessions an earlier server on dataDir kept;
// dataDir "" keeps none.
func newSessionKeeper(dataDir string) (*sessionKeeper, error) {
	k := &sessionKeeper{kept: map[string]*keptSession{}, core: map[string]string{}, alias: map[string]string{}, swap: map[string]string{}}
	if dataDir == "" {
		return k, nil
	}
	k.path = filepath.Join(dataDir, "sessions.json")
	raw, err := os.ReadFile(k.path)
	if errors.Is(err, fs.ErrNotExist) {
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("protontest: data dir: %w", err)
	}
	var list []*keptSession
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("protontest: data dir: %s: %w", k.path, err)
	}
	for _, ks := range list {
		k.kept[ks.UID] = ks
	}
	return k, nil
}

// saveLocked writes sessions.json (0600), leaving out sessions that have
// not passed two-factor authentication yet (pending).
func (k *sessionKeeper) saveLocked(pending func(uid string) bool) error {
	if k.path == "" {
		return nil
	}
	list := []*keptSession{}
	for _, ks := range k.kept {
		if !pending(k.coreUIDLocked(ks.UID)) {
			list = append(list, ks)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].UID < list[j].UID })
	b, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(k.path, b)
}

func (k *sessionKeeper) coreUIDLocked(uid string) string {
	if c, ok := k.core[uid]; ok {
		return c
	}
	return uid
}

// of returns the kept sessions of username.
func (k *sessionKeeper) of(username string) []keptSession {
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []keptSession
	for _, ks := range k.kept {
		if ks.Username == username {
			out = append(out, *ks)
		}
	}
	return out
}

// standIn makes the kept session uid stand for the core session coreUID,
// whose first refresh token is refresh.
func (k *sessionKeeper) standIn(uid, coreUID, refresh string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.core[uid], k.alias[coreUID], k.swap[uid] = coreUID, uid, refresh
}

// keepSession records the session of a login or refresh reply (UID as
// its client holds it, RefreshToken) of username, and saves.
func (s *Server) keepSession(uid, username, refresh string) error {
	k := s.kept
	if k.path == "" || s.shared != nil || uid == "" || refresh == "" {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if ks, ok := k.kept[uid]; ok && ks.RefreshToken == refresh {
		return nil
	}
	if ks, ok := k.kept[uid]; ok {
		username = ks.Username
	}
	if username == "" {
		return nil // not an account of this server's
	}
	k.kept[uid] = &keptSession{UID: uid, Username: username, RefreshToken: refresh}
	delete(k.swap, uid) // the client has the core server's tokens now
	return k.saveLocked(s.twoFactor.isPending)
}

// forgetSessions drops the kept sessions for which drop says so, and
// saves.
func (s *Server) forgetSessions(drop func(*keptSession) bool) error {
	k := s.kept
	k.mu.Lock()
	defer k.mu.Unlock()
	n := len(k.kept)
	for uid, ks := range k.kept {
		if drop(ks) {
			delete(k.kept, uid)
		}
	}
	if len(k.kept) == n {
		return nil
	}
	return k.saveLocked(s.twoFactor.isPending)
}

// saveSessions saves the kept sessions again: one that just passed
// two-factor authentication is written now.
func (s *Server) saveSessions() error {
	s.kept.mu.Lock()
	defer s.kept.mu.Unlock()
	return s.kept.saveLocked(s.twoFactor.isPending)
}

// resumeSessions logs in to the core server as username once for each of
// its kept sessions, which then stand for the new core sessions.
func (s *Server) resumeSessions(ctx context.Context, username, password string) error {
	for _, ks := range s.kept.of(username) {
		var session LoggedIn
		if err := s.asUserKeep(ctx, username, password, &session, func(*proton.Client, proton.User, proton.Salts) error { return nil }); err != nil {
			return fmt.Errorf("protontest: resume a session of %q: %w", username, err)
		}
		s.kept.standIn(ks.UID, session.UID, session.RefreshToken)
	}
	return nil
}

// withKeptSessions passes requests carrying a kept session's UID on with
// the core session's it stands for: in x-pm-uid, and in a refresh the
// UID and, the first time, the kept refresh token exchanged for the core
// session's. After a logout it forgets the session.
func (s *Server) withKeptSessions(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		uid := r.Header.Get("x-pm-uid")
		s.kept.mu.Lock()
		coreUID, ok := s.kept.core[uid]
		s.kept.mu.Unlock()
		if ok {
			r.Header.Set("x-pm-uid", coreUID)
		}
		if r.Method == http.MethodPost && r.URL.Path == "/auth/v4/refresh" {
			if err := s.swapRefresh(r); err != nil {
				invalid(w, "Invalid request body")
				return
			}
		}
		if r.Method == http.MethodDelete && r.URL.Path == "/auth/v4" && uid != "" {
			rec := &statusRecorder{ResponseWriter: w}
			next.ServeHTTP(rec, r)
			if rec.status == http.StatusOK {
				_ = s.forgetSessions(func(ks *keptSession) bool { return ks.UID == uid })
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

// swapRefresh rewrites the body of a refresh whose UID is a kept one.
func (s *Server) swapRefresh(r *http.Request) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxAuthBody))
	_ = r.Body.Close()
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	var req struct{ UID, RefreshToken string }
	if json.Unmarshal(body, &fields) == nil && json.Unmarshal(body, &req) == nil {
		s.kept.mu.Lock()
		coreUID, ok := s.kept.core[req.UID]
		first, swap := s.kept.swap[req.UID]
		ks := s.kept.kept[req.UID]
		s.kept.mu.Unlock()
		if ok {
			fields["UID"], _ = json.Marshal(coreUID)
			if swap && ks != nil && req.RefreshToken == ks.RefreshToken {
				fields["RefreshToken"], _ = json.Marshal(first)
			}
			if b, err := json.Marshal(fields); err == nil {
				body = b
			}
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}

// keptReply gives a refresh reply the UID its client holds and keeps the
// session's new refresh token.
func (s *Server) keptReply(body []byte) []byte {
	var fields map[string]json.RawMessage
	var auth struct{ UID, UserID, RefreshToken string }
	if json.Unmarshal(body, &fields) != nil || json.Unmarshal(body, &auth) != nil || auth.UID == "" {
		return body
	}
	s.kept.mu.Lock()
	uid, ok := s.kept.alias[auth.UID]
	s.kept.mu.Unlock()
	if ok {
		fields["UID"], _ = json.Marshal(uid)
		if b, err := json.Marshal(fields); err == nil {
			body = b
		}
	} else {
		uid = auth.UID
	}
	_ = s.keepSession(uid, s.drive.usernameOf(auth.UserID), auth.RefreshToken)
	return body
}
