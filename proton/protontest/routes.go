package protontest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Routes served by the fake, named as FailNext and Calls expect them. The
// patterns are net/http ServeMux patterns; the paths are the ones
// go-proton-api v1.0.4 calls for Proton-API-Bridge v1.0.5.
const (
	RouteListVolumes          = "GET /drive/volumes"
	RouteGetVolume            = "GET /drive/volumes/{volumeID}"
	RouteListShares           = "GET /drive/shares"
	RouteGetShare             = "GET /drive/shares/{shareID}"
	RouteGetLink              = "GET /drive/shares/{shareID}/links/{linkID}"
	RouteMoveLink             = "PUT /drive/shares/{shareID}/links/{linkID}/move"
	RouteCheckAvailableHashes = "POST /drive/shares/{shareID}/links/{linkID}/checkAvailableHashes"
	RouteCreateFolder         = "POST /drive/shares/{shareID}/folders"
	RouteListChildren         = "GET /drive/shares/{shareID}/folders/{linkID}/children"
	RouteTrashChildren        = "POST /drive/shares/{shareID}/folders/{linkID}/trash_multiple"
	RouteDeleteChildren       = "POST /drive/shares/{shareID}/folders/{linkID}/delete_multiple"
	RouteEmptyTrash           = "DELETE /drive/shares/{shareID}/trash"
	RouteCreateFile           = "POST /drive/shares/{shareID}/files"
	RouteListRevisions        = "GET /drive/shares/{shareID}/files/{linkID}/revisions"
	RouteCreateRevision       = "POST /drive/shares/{shareID}/files/{linkID}/revisions"
	RouteGetRevision          = "GET /drive/shares/{shareID}/files/{linkID}/revisions/{revisionID}"
	RouteCommitRevision       = "PUT /drive/shares/{shareID}/files/{linkID}/revisions/{revisionID}"
	RouteDeleteRevision       = "DELETE /drive/shares/{shareID}/files/{linkID}/revisions/{revisionID}"
	RouteRequestBlockUpload   = "POST /drive/blocks"
	// RouteUploadBlock and RouteDownloadBlock are the storage URLs handed
	// out in upload links and revision block lists. Like Proton's storage
	// servers they authenticate by the pm-storage-token header alone.
	RouteUploadBlock   = "POST /storage/blocks"
	RouteDownloadBlock = "GET /storage/blocks/{blockID}"
)

// driveHandler serves an authenticated drive route for the session's user.
type driveHandler func(w http.ResponseWriter, r *http.Request, userID string)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	drive := map[string]driveHandler{
		RouteListVolumes:          s.handleListVolumes,
		RouteGetVolume:            s.handleGetVolume,
		RouteListShares:           s.handleListShares,
		RouteGetShare:             s.handleGetShare,
		RouteGetLink:              s.handleGetLink,
		RouteMoveLink:             s.handleMoveLink,
		RouteCheckAvailableHashes: s.handleCheckAvailableHashes,
		RouteCreateFolder:         s.handleCreateFolder,
		RouteListChildren:         s.handleListChildren,
		RouteTrashChildren:        s.handleTrashChildren,
		RouteDeleteChildren:       s.handleDeleteChildren,
		RouteEmptyTrash:           s.handleEmptyTrash,
		RouteCreateFile:           s.handleCreateFile,
		RouteListRevisions:        s.handleListRevisions,
		RouteCreateRevision:       s.handleCreateRevision,
		RouteGetRevision:          s.handleGetRevision,
		RouteCommitRevision:       s.handleCommitRevision,
		RouteDeleteRevision:       s.handleDeleteRevision,
		RouteRequestBlockUpload:   s.handleRequestBlockUpload,
	}
	for route, h := range drive {
		mux.Handle(route, s.withFaults(route, s.withSession(h)))
	}
	mux.Handle(RouteUploadBlock, s.withFaults(RouteUploadBlock, http.HandlerFunc(s.handleUploadBlock)))
	mux.Handle(RouteDownloadBlock, s.withFaults(RouteDownloadBlock, http.HandlerFunc(s.handleDownloadBlock)))
	unknown := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusNotFound, http.StatusNotFound, "Not found")
	})
	mux.Handle("/drive/", s.withFaults("", unknown))
	mux.Handle("/storage/", s.withFaults("", unknown))
	mux.Handle(RouteAuth, s.withFaults(RouteAuth, http.HandlerFunc(s.handleAuth)))
	mux.Handle(RouteAuth2FA, s.withFaults(RouteAuth2FA, http.HandlerFunc(s.handleAuth2FA)))
	mux.Handle(RouteAuthRefresh, s.withFaults(RouteAuthRefresh, s.handleRefresh(s.coreGate(s.coreProxy()))))
	mux.Handle("POST /auth/v4/info", s.withFaults("", s.coreGate(s.onlyOwnUsers(s.coreProxy()))))
	mux.Handle("/", s.withFaults("", s.coreGate(s.coreProxy())))
	return s.withLog(s.withAppVersion(s.withKeptSessions(mux)))
}

// withFaults counts the call and applies latency, FailNext and HangUpNext,
// and refuses access tokens ExpireAccessTokens ended. An empty
// route means "name the route by method and literal path".
func (s *Server) withFaults(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := route
		if name == "" {
			name = r.Method + " " + r.URL.Path
		}
		latency, fail := s.faults.arrive(name)
		sleepCtx(r.Context(), latency)
		switch {
		case fail != nil && fail.hangUp:
			dropConnection(w, r, 0)
			return
		case fail != nil:
			writeInjectedFailure(w, fail)
			return
		case s.tokens.refuses(r):
			writeAPIError(w, http.StatusUnauthorized, http.StatusUnauthorized, "Invalid access token")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// withSession checks the x-pm-uid and bearer token against the composed
// core server's sessions (see session.go), refuses sessions that have not
// passed two-factor authentication (see twofactor.go) and passes the user
// ID on.
func (s *Server) withSession(h driveHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		userID, ok := s.authenticate(w, r)
		if !ok || s.refuseUnverified(w, r) {
			return
		}
		h(w, r, userID)
	})
}

// authenticate validates the request's session by calling the core
// server's own authenticated GET /core/v4/users with the same headers. On
// failure it relays the core server's reply (401 for a bad or expired
// token, 400 for a missing app version) and returns false.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (string, bool) {
	uid := r.Header.Get("x-pm-uid")
	auth := r.Header.Get("Authorization")
	if uid == "" || !strings.HasPrefix(auth, "Bearer ") {
		writeAPIError(w, http.StatusUnauthorized, http.StatusUnauthorized, "Invalid access token")
		return "", false
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, s.coreURL.String()+"/core/v4/users", nil)
	if err != nil {
		storageFailure(w, err)
		return "", false
	}
	for _, h := range []string{"x-pm-uid", "Authorization", "x-pm-appversion", "User-Agent"} {
		if v := r.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	res, err := s.coreHTTP.Do(req)
	if err != nil {
		storageFailure(w, fmt.Errorf("session check: %w", err))
		return "", false
	}
	defer res.Body.Close()
	var body struct {
		Code  int
		Error string
		User  struct{ ID string }
	}
	decodeErr := json.NewDecoder(res.Body).Decode(&body)
	if res.StatusCode != http.StatusOK {
		if res.StatusCode == http.StatusUnauthorized {
			writeAPIError(w, http.StatusUnauthorized, http.StatusUnauthorized, "Invalid access token")
			return "", false
		}
		code := body.Code
		if code == 0 {
			code = res.StatusCode
		}
		writeAPIError(w, res.StatusCode, code, body.Error)
		return "", false
	}
	if decodeErr != nil || body.User.ID == "" {
		storageFailure(w, fmt.Errorf("session check: unreadable user"))
		return "", false
	}
	return body.User.ID, true
}

// statusRecorder remembers the status for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Hijack and Flush.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *Server) withLog(next http.Handler) http.Handler {
	if s.logf == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		status := rec.status
		if status == 0 {
			status = -1 // hijacked (dropped) or no reply
		}
		s.logf("protontest: %s %s -> %d", r.Method, r.URL.Path, status)
	})
}
