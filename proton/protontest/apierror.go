package protontest

import (
	"encoding/json"
	"errors"
	"fmt"
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

// apiError is a refusal in the API's terms: the HTTP status, Proton's
// code and message. The drive state returns it; writeError turns it into
// the reply. Any other error is a failure of the fake itself (500).
type apiError struct {
	Status int
	Code   int
	Msg    string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s (Code=%d, Status=%d)", e.Msg, e.Code, e.Status)
}

// linkNotFound is the message of CodeNotFound for a missing file or folder.
const linkNotFound = "File or folder not found"

// Refusals of the drive state.
var (
	errLinkNotFound   = &apiError{http.StatusUnprocessableEntity, CodeNotFound, linkNotFound}
	errShareNotFound  = &apiError{http.StatusUnprocessableEntity, CodeNotFound, "Share not found"}
	errVolumeNotFound = &apiError{http.StatusUnprocessableEntity, CodeNotFound, "Volume not found"}
	errNameExists     = &apiError{http.StatusUnprocessableEntity, CodeAlreadyExists, "A file or folder with that name already exists"}
	errDraftExists    = &apiError{http.StatusConflict, CodeAlreadyExists, "A draft revision already exists for this file"}
	errQuota          = &apiError{http.StatusUnprocessableEntity, CodeQuotaExceeded, "Storage quota exceeded"}
	errStorageToken   = &apiError{http.StatusForbidden, http.StatusForbidden, "Invalid storage token"}
)

// errInvalid is a 422 CodeInvalidValue refusal with msg.
func errInvalid(msg string) *apiError {
	return &apiError{http.StatusUnprocessableEntity, CodeInvalidValue, msg}
}

// errorBody is the JSON body of every Proton API error.
type errorBody struct {
	Code  int
	Error string
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeAPIError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, errorBody{Code: code, Error: msg})
}

// writeError replies with err: an *apiError as the API would, anything
// else as 500.
func writeError(w http.ResponseWriter, err error) {
	var ae *apiError
	if errors.As(err, &ae) {
		writeAPIError(w, ae.Status, ae.Code, ae.Msg)
		return
	}
	storageFailure(w, err)
}

// reply answers a drive request: err as writeError does, otherwise 200
// with v, or with {"Code": 1000} when v is nil.
func reply(w http.ResponseWriter, v any, err error) {
	switch {
	case err != nil:
		writeError(w, err)
	case v == nil:
		writeJSON(w, http.StatusOK, map[string]int{"Code": CodeSuccess})
	default:
		writeJSON(w, http.StatusOK, v)
	}
}

func invalid(w http.ResponseWriter, msg string) {
	writeError(w, errInvalid(msg))
}

func storageFailure(w http.ResponseWriter, err error) {
	writeAPIError(w, http.StatusInternalServerError, http.StatusInternalServerError, "Internal server error: "+err.Error())
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
