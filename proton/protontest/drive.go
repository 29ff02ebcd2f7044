package protontest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/rclone/go-proton-api"
)

// metadata is everything the server knows except block contents. It is
// what DataDir/metadata.json holds.
type metadata struct {
	Accounts  map[string]*account        // by user ID
	Shares    map[string]*shareRecord    // by share ID
	Links     map[string]*linkRecord     // by link ID
	Revisions map[string]*revisionRecord // by revision ID
	Blocks    map[string]*blockRecord    // by block ID
}

// account is one user's drive: a volume with a main share whose root is a
// folder link.
type account struct {
	UserID     string
	Username   string
	AddressID  string
	Email      string
	VolumeID   string
	ShareID    string
	CreateTime int64
	// Keys is what the core server made for the account, kept so that a
	// server on the same DataDir can serve the account again (see
	// resume.go).
	Keys *keptKeys `json:",omitempty"`
	// Mailbox are the user keys re-locked with a mailbox password, in
	// the order of the user's keys, when RequireMailboxPassword put the
	// account in two-password mode (see mailbox.go).
	Mailbox []keptMailboxKey `json:",omitempty"`
}

type shareRecord struct {
	Share  proton.Share
	UserID string
}

type linkRecord struct {
	Link    proton.Link
	ShareID string
	UserID  string
}

type revisionRecord struct {
	Revision proton.RevisionMetadata
	LinkID   string
	// Blocks maps a block index (from 1) to its block ID.
	Blocks map[int]string
}

type blockRecord struct {
	ID             string
	LinkID         string
	RevisionID     string
	Index          int
	Size           int64
	Hash           string
	EncSignature   string
	SignatureEmail string
	UploadToken    string
	DownloadToken  string
	Uploaded       bool
}

// drive is the state of the fake, in the spirit of go-proton-api's
// server/backend: every exported-to-handlers method takes mu itself for the
// whole of its read-modify-write, saves after changing anything and
// returns an *apiError for what the API refuses. It knows nothing of HTTP
// requests. Methods named ...Locked expect mu held.
type drive struct {
	mu      sync.Mutex
	dataDir string
	// storageURL is where blocks are uploaded and downloaded, as handed out
	// in upload links and revision block lists.
	storageURL string
	meta       metadata
	// blocks holds block contents when dataDir is "".
	blocks map[string][]byte
	// quota is the per-account storage limit in bytes; < 0 is unlimited.
	quota int64
	// asleep are the names of the accounts read from an earlier server's
	// metadata.json that AddUser has not resumed yet (see resume.go).
	asleep map[string]bool
}

func newDrive(dataDir, storageURL string) (*drive, error) {
	st := &drive{
		dataDir:    dataDir,
		storageURL: storageURL,
		meta: metadata{
			Accounts:  map[string]*account{},
			Shares:    map[string]*shareRecord{},
			Links:     map[string]*linkRecord{},
			Revisions: map[string]*revisionRecord{},
			Blocks:    map[string]*blockRecord{},
		},
		blocks: map[string][]byte{},
		quota:  -1,
		asleep: map[string]bool{},
	}
	if dataDir != "" {
		if err := os.MkdirAll(filepath.Join(dataDir, "blocks"), 0o700); err != nil {
			return nil, fmt.Errorf("protontest: data dir: %w", err)
		}
		// A drive an earlier server left: its accounts sleep until
		// AddUser resumes them (see resume.go).
		raw, err := os.ReadFile(filepath.Join(dataDir, "metadata.json"))
		switch {
		case err == nil:
			if err := json.Unmarshal(raw, &st.meta); err != nil {
				return nil, fmt.Errorf("protontest: data dir %s: metadata.json: %w", dataDir, err)
			}
			for _, a := range st.meta.Accounts {
				st.asleep[a.Username] = true
			}
		case !errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("protontest: data dir: %w", err)
		}
	}
	return st, nil
}

// newID returns a random identifier shaped like Proton's (URL-safe base64).
func newID() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux.
	return base64.URLEncoding.EncodeToString(b)
}

// saveLocked writes metadata.json atomically when the store is on disk.
func (st *drive) saveLocked() error {
	if st.dataDir == "" {
		return nil
	}
	b, err := json.MarshalIndent(&st.meta, "", "  ")
	if err != nil {
		return fmt.Errorf("encode metadata: %w", err)
	}
	return writeFileAtomic(filepath.Join(st.dataDir, "metadata.json"), b)
}

func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(b); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func (st *drive) blockPath(id string) string {
	return filepath.Join(st.dataDir, "blocks", id)
}

func (st *drive) putBlockDataLocked(id string, data []byte) error {
	if st.dataDir == "" {
		st.blocks[id] = data
		return nil
	}
	return writeFileAtomic(st.blockPath(id), data)
}

func (st *drive) blockDataLocked(id string) ([]byte, error) {
	if st.dataDir == "" {
		b, ok := st.blocks[id]
		if !ok {
			return nil, fmt.Errorf("block %s has no data", id)
		}
		return b, nil
	}
	b, err := os.ReadFile(st.blockPath(id))
	if err != nil {
		return nil, fmt.Errorf("read block: %w", err)
	}
	return b, nil
}

func (st *drive) deleteBlockLocked(id string) {
	delete(st.meta.Blocks, id)
	delete(st.blocks, id)
	if st.dataDir != "" {
		_ = os.Remove(st.blockPath(id))
	}
}

func (st *drive) deleteRevisionLocked(id string) {
	rev, ok := st.meta.Revisions[id]
	if !ok {
		return
	}
	for _, blockID := range rev.Blocks {
		st.deleteBlockLocked(blockID)
	}
	delete(st.meta.Revisions, id)
}

// deleteLinkLocked removes a link, its descendants, their revisions and
// blocks for good.
func (st *drive) deleteLinkLocked(id string) {
	for childID, child := range st.meta.Links {
		if child.Link.ParentLinkID == id {
			st.deleteLinkLocked(childID)
		}
	}
	for revID, rev := range st.meta.Revisions {
		if rev.LinkID == id {
			st.deleteRevisionLocked(revID)
		}
	}
	delete(st.meta.Links, id)
}

// usedSpaceLocked is the bytes of uploaded blocks stored for userID.
func (st *drive) usedSpaceLocked(userID string) int64 {
	var used int64
	for _, b := range st.meta.Blocks {
		if !b.Uploaded {
			continue
		}
		if l, ok := st.meta.Links[b.LinkID]; ok && l.UserID == userID {
			used += b.Size
		}
	}
	return used
}

var errUnknownUser = errors.New("protontest: no such user")

// userIDByName returns the user ID of the account called username.
func (st *drive) userIDByName(username string) (string, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, a := range st.meta.Accounts {
		if a.Username == username {
			return a.UserID, nil
		}
	}
	return "", fmt.Errorf("%w: %q", errUnknownUser, username)
}

// space returns the bytes stored for userID and the quota, 0 when there
// is none.
func (st *drive) space(userID string) (used, limit int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.usedSpaceLocked(userID), max(st.quota, 0)
}

// usernameOf returns the name of the account userID, or "" when the
// server holds none.
func (st *drive) usernameOf(userID string) string {
	st.mu.Lock()
	defer st.mu.Unlock()
	if a, ok := st.meta.Accounts[userID]; ok {
		return a.Username
	}
	return ""
}

// setQuota sets the per-account storage limit; bytes < 0 removes it.
func (st *drive) setQuota(bytes int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.quota = bytes
}

// addAccount stores a new account with its main share and root folder.
func (st *drive) addAccount(a *account, share *shareRecord, root *linkRecord) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.meta.Accounts[a.UserID] = a
	st.meta.Shares[share.Share.ShareID] = share
	st.meta.Links[root.Link.LinkID] = root
	return st.saveLocked()
}

// editLink changes the link linkID with fn, whoever owns it.
func (st *drive) editLink(linkID string, fn func(*proton.Link)) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	rec, ok := st.meta.Links[linkID]
	if !ok {
		return fmt.Errorf("protontest: no link %q", linkID)
	}
	fn(&rec.Link)
	return st.saveLocked()
}
