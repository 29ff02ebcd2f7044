package protontest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// Proton API response codes the fake uses. The numbers are the real API's
// as seen in go-proton-api and in client logs; see README.md.
const (
	// CodeSuccess is Proton's "OK" code.
	CodeSuccess = 1000
	// CodeMulti marks a response holding one result per item.
	CodeMulti = 1001
	// CodeInvalidValue is Proton's "invalid value" code (malformed request).
	CodeInvalidValue = 2001
	// CodeAlreadyExists is returned with 422 when a name is taken in a folder
	// and with 409 when a file already has a draft revision.
	CodeAlreadyExists = 2500
	// CodeNotFound is returned with 422 for a missing file, folder or share.
	CodeNotFound = 2501
	// CodeTooManyRequests is the code Proton sends with HTTP 429.
	CodeTooManyRequests = 429
	// CodeQuotaExceeded is sent with HTTP 422 when an upload would exceed
	// the account's storage. The exact number the real API uses could not
	// be confirmed from public sources; clients should match on the message
	// or treat any 422 on block requests as fatal.
	CodeQuotaExceeded = 200001
)

// apiError is the JSON body of every Proton API error.
type apiError struct {
	Code  int
	Error string
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeAPIError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, apiError{Code: code, Error: msg})
}

func writeOK(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, map[string]int{"Code": CodeSuccess})
}

// linkNotFound is the message of CodeNotFound for a missing file or folder.
const linkNotFound = "File or folder not found"

func notFound(w http.ResponseWriter) {
	missing(w, linkNotFound)
}

// missing replies 422 with CodeNotFound and msg, e.g. "Share not found".
func missing(w http.ResponseWriter, msg string) {
	writeAPIError(w, http.StatusUnprocessableEntity, CodeNotFound, msg)
}

func invalid(w http.ResponseWriter, msg string) {
	writeAPIError(w, http.StatusUnprocessableEntity, CodeInvalidValue, msg)
}

func nameExists(w http.ResponseWriter) {
	writeAPIError(w, http.StatusUnprocessableEntity, CodeAlreadyExists, "A file or folder with that name already exists")
}

func storageFailure(w http.ResponseWriter, err error) {
	writeAPIError(w, http.StatusInternalServerError, http.StatusInternalServerError, "Internal server error: "+err.Error())
}

// saveThenReplyLocked writes the store's metadata and then replies 200
// with reply, or with {"Code": 1000} when reply is nil; a failed write gets
// 500 instead. The caller holds s.store.mu.
func (s *Server) saveThenReplyLocked(w http.ResponseWriter, reply any) {
	if err := s.store.saveLocked(); err != nil {
		storageFailure(w, err)
		return
	}
	if reply == nil {
		writeOK(w)
		return
	}
	writeJSON(w, http.StatusOK, reply)
}

// queryInt reads the integer query parameter name, def when it is absent,
// replying 422 "Invalid <name>" when it is not a number from lo to hi.
func queryInt(w http.ResponseWriter, q url.Values, name string, def, lo, hi int) (int, bool) {
	v := q.Get(name)
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		invalid(w, "Invalid "+name)
		return 0, false
	}
	return n, true
}

// decodeBody reads a JSON request body into v, replying 422 on bad input.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<20))
	if err := dec.Decode(v); err != nil {
		invalid(w, "Invalid request body")
		return false
	}
	return true
}
