package inbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/schedule"
)

// stateVersion is the layout of the state file.
const stateVersion = 1

// state is the state file: what is known of the folder's files and what
// was shipped where.
type state struct {
	Version int    `json:"version"`
	Dir     string `json:"dir"`
	// Files remembers each file of the folder by path, with its size and
	// modification time when it was judged.
	Files map[string]memo `json:"files"`
	// Dests holds, per destination, the exports stored there by
	// SHA-512: per spec, and for a usb spec per drive it found ("usb on
	// uuid:4A1C-9F02"; see drivekey.go).
	Dests map[string]map[string]Copy `json:"dests"`
	// RetentionOwed holds, per destination as Dests keys it (for a usb
	// spec per drive: retention that failed on one stick is owed there,
	// not on the others), retention that failed there after a copy was
	// stored: later passes try it again, after a backoff (see
	// retryDelay), and until it succeeds no export leaves the folder,
	// since retention might yet remove its copy there.
	RetentionOwed map[string]owed `json:"retention_owed,omitempty"`
}

// owed is retention that failed at a destination and is tried again.
type owed struct {
	// Since is when it first failed; Tries how many times it failed in a
	// row; Next when it is tried again.
	Since time.Time `json:"since"`
	Tries int       `json:"tries"`
	Next  time.Time `json:"next"`
	// Err is the last failure, on one line.
	Err string `json:"error"`
}

// Retention owed at a destination is tried again after retryDelay(tries):
// a minute after the first failure, doubling up to an hour. Retention
// lists (and on Proton Drive downloads) every copy there, so it is not
// tried at every poll while a destination keeps failing.
const (
	firstRetry = time.Minute
	maxRetry   = time.Hour
)

// retryDelay is how long after its tries-th failure in a row retention
// owed at a destination is tried again.
func retryDelay(tries int) time.Duration {
	d := firstRetry
	for i := 1; i < tries && d < maxRetry; i++ {
		d *= 2
	}
	return min(d, maxRetry)
}

// owe records that retention failed at the destination of state key key
// at now with err, and returns the record.
func (st *state) owe(key string, err error, now time.Time) owed {
	if st.RetentionOwed == nil {
		st.RetentionOwed = map[string]owed{}
	}
	o, ok := st.RetentionOwed[key]
	if !ok {
		o.Since = now
	}
	o.Tries++
	o.Next = now.Add(retryDelay(o.Tries))
	o.Err = errloc.OneLine(err.Error())
	st.RetentionOwed[key] = o
	return o
}

// memo is what a file was found to be, valid while its size and
// modification time stay the same.
type memo struct {
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mtime"`
	// SHA512 is set for a backup; NotBackup, the reason, for anything
	// else.
	SHA512    string `json:"sha512,omitempty"`
	NotBackup string `json:"not_backup,omitempty"`
	// Damaged is set for a file that is a backup by its structure but
	// does not verify; NoDecrypt for one that verifies but does not
	// decrypt with the password; Partial for the start of a backup's
	// container, cut short (a copy or download that did not finish);
	// BlobMismatch for a bare v2 blob whose checksum does not match,
	// which is damaged or cut short: it has no length to tell.
	Damaged      bool `json:"damaged,omitempty"`
	NoDecrypt    bool `json:"no_decrypt,omitempty"`
	Partial      bool `json:"partial,omitempty"`
	BlobMismatch bool `json:"blob_mismatch,omitempty"`
	// Kept is why remove-after-send left a shipped export in the folder
	// (retention removed its copy somewhere), once that was logged.
	Kept string `json:"kept,omitempty"`
}

// Copy is an export stored at a destination.
type Copy struct {
	// Name is its name there.
	Name string `json:"name"`
	Size int64  `json:"size"`
	// Made is the export's modification time in the folder, which
	// retention dates it by when Created is unknown or the same.
	Made time.Time `json:"made"`
	// Created is the creation time the export carries (its README.txt),
	// which retention dates it by: a file's time in the folder says when
	// it was copied there, not when the app made it.
	Created time.Time `json:"created,omitzero"`
	// Shipped is when it was stored, or found already there.
	Shipped time.Time `json:"shipped"`
	// Ours is set when this inbox stored it; a copy that was already
	// there is never deleted by retention.
	Ours bool `json:"ours,omitempty"`
	// Pruned is set once retention removed it; it is not shipped again.
	Pruned bool `json:"pruned,omitempty"`
}

// same reports whether m describes a file of this size and time.
func (m memo) same(size int64, mtime time.Time) bool {
	return m.Size == size && m.ModTime.Equal(mtime)
}

// loadState reads the state file; a missing one is an empty state.
func loadState(path, dir string) (*state, error) {
	st := &state{Version: stateVersion, Dir: dir, Files: map[string]memo{}, Dests: map[string]map[string]Copy{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read inbox state: %w", err)
	}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("inbox state file %s is damaged (%v): remove it to start afresh (destinations that already hold an export are then skipped, not written again)", path, err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("inbox state file %s has version %d; this program knows %d", path, st.Version, stateVersion)
	}
	if st.Files == nil {
		st.Files = map[string]memo{}
	}
	if st.Dests == nil {
		st.Dests = map[string]map[string]Copy{}
	}
	return st, nil
}

// save writes the state atomically, mode 0600.
func (st *state) save(path string) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encode inbox state: %w", err)
	}
	if err := schedule.WriteFileAtomic(path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("write inbox state: %w", err)
	}
	return nil
}

// holds reports whether the destination of state key key was given the
// export with this hash (see runner.holds).
func (st *state) holds(key, sum string) bool {
	_, ok := st.Dests[key][sum]
	return ok
}

// present reports whether the destination of state key key still holds
// a verified copy of the export.
func (st *state) present(key, sum string) bool {
	c, ok := st.Dests[key][sum]
	return ok && !c.Pruned
}

// record records c, the export with this hash, at the destination of
// state key key.
func (st *state) record(key, sum string, c Copy) {
	if st.Dests[key] == nil {
		st.Dests[key] = map[string]Copy{}
	}
	st.Dests[key][sum] = c
}
