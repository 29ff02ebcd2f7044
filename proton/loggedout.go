package proton

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// loggedOutName is the record of the sessions logged out of, beside the
// session file (see SessionStore.Delete). It holds session IDs only,
// which are sent with every request and unlock nothing; it is 0600 all
// the same.
const loggedOutName = "proton-logged-out.json"

// loggedOutLockName is the lock file that lets one logout at a time
// update the record.
const loggedOutLockName = "proton-logged-out.lock"

// maxLoggedOut is how many sessions the record keeps, the ones logged out
// of last: a save blocked in a locked keyring lands when someone unlocks
// it, long before that many more logouts.
const maxLoggedOut = 16

// loggedOutRecord is the record's content.
type loggedOutRecord struct {
	// UIDs are the IDs of the sessions logged out of, oldest first.
	UIDs []string `json:"logged_out"`
}

// LoggedOutRecordError is a record of the sessions logged out of that
// cannot be read. Load cannot tell then whether the session it found is
// one logged out of, which Proton has ended, so it returns this rather
// than the session.
type LoggedOutRecordError struct {
	// Path is the record's.
	Path string
	// Err is why it cannot be read.
	Err error
}

// Error implements error.
func (e *LoggedOutRecordError) Error() string {
	return fmt.Sprintf("the record of logged-out Proton sessions %s cannot be read: %v", e.Path, e.Err)
}

// Unwrap returns why the record cannot be read.
func (e *LoggedOutRecordError) Unwrap() error { return e.Err }

// loggedOutPath returns the record's path, beside the session file.
func (f *sessionFile) loggedOutPath() (string, error) {
	p, err := f.path()
	if err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(p), loggedOutName), nil
}

// loggedOut returns the IDs of the sessions logged out of; no record is
// none. A record that cannot be read is a *LoggedOutRecordError.
func (f *sessionFile) loggedOut() ([]string, error) {
	p, err := f.loggedOutPath()
	if err != nil {
		return nil, err
	}
	fh, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &LoggedOutRecordError{Path: p, Err: err}
	}
	defer fh.Close()
	// Sixteen IDs take about a kilobyte; anything past 64 KiB is not ours.
	data, err := io.ReadAll(io.LimitReader(fh, 64<<10))
	if err != nil {
		return nil, &LoggedOutRecordError{Path: p, Err: err}
	}
	var r loggedOutRecord
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, &LoggedOutRecordError{Path: p, Err: errors.New("damaged (not valid JSON)")}
	}
	return r.UIDs, nil
}

// markLoggedOut adds uid to the record, which keeps the last
// maxLoggedOut, one logout at a time. A record that cannot be read is
// left as it is, and its *LoggedOutRecordError returned: it may name
// sessions logged out of.
func (f *sessionFile) markLoggedOut(ctx context.Context, uid string) error {
	p, err := f.loggedOutPath()
	if err != nil {
		return err
	}
	unlock, err := lockFile(ctx, filepath.Join(filepath.Dir(p), loggedOutLockName))
	if err != nil {
		return fmt.Errorf("recording the Proton logout: %w", err)
	}
	defer unlock()
	uids, err := f.loggedOut()
	if err != nil {
		return err
	}
	uids = append(slices.DeleteFunc(uids, func(u string) bool { return u == uid }), uid)
	if len(uids) > maxLoggedOut {
		uids = uids[len(uids)-maxLoggedOut:]
	}
	data, err := json.Marshal(loggedOutRecord{UIDs: uids})
	if err != nil {
		return fmt.Errorf("recording the Proton logout: %w", err)
	}
	if err := writePrivate(p, ".proton-logged-out-*.tmp", data); err != nil {
		return fmt.Errorf("recording the Proton logout: %w", err)
	}
	return nil
}
