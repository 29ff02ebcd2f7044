package schedule

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Verified is what the verification file remembers of one stored backup:
// what it was when it was last fully read (size, SHA-512 of the stored
// bytes, the destination's identity of the object) and whether it
// verified then.
type Verified struct {
	Name string `json:"name"`
	// Job is the scheduled job that made the backup, when one did.
	Job      string `json:"job,omitempty"`
	Size     int64  `json:"size"`
	SHA512   string `json:"sha512,omitempty"`
	Identity string `json:"identity"`
	// At is when it was last read in full.
	At time.Time `json:"at"`
	// Error is why it did not verify; empty when it did.
	Error string `json:"error,omitempty"`
}

// OK reports whether the backup verified.
func (v Verified) OK() bool { return v.Error == "" }

// VerifiedFile is the verification file (verified.json next to
// state.json): per destination spec and backup name, the last full read.
// It is kept apart from the state file so that each has one concern.
type VerifiedFile struct {
	Dests map[string]map[string]Verified `json:"dests"`
	// Checks counts the checks run per destination spec; a rotating
	// check_subset moves on by one group each time.
	Checks map[string]int `json:"checks,omitempty"`
}

// VerifiedStore reads and updates the verification file. Updates from
// several processes are serialised with a lock file next to it.
type VerifiedStore struct {
	Path string
}

// VerifiedPath returns the verification file next to the state file.
func (p Paths) VerifiedPath() string { return filepath.Join(filepath.Dir(p.State), "verified.json") }

// Load reads the file; a missing file knows nothing.
func (s VerifiedStore) Load() (*VerifiedFile, error) {
	vf := &VerifiedFile{Dests: map[string]map[string]Verified{}}
	data, err := os.ReadFile(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return vf, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read verification file: %w", err)
	}
	if err := json.Unmarshal(data, vf); err != nil {
		return nil, fmt.Errorf("verification file %s is damaged (%v): remove it and every backup is read again", s.Path, err)
	}
	if vf.Dests == nil {
		vf.Dests = map[string]map[string]Verified{}
	}
	return vf, nil
}

// Memo loads what is known of the destination spec.
func (s VerifiedStore) Memo(spec string) (*Memo, error) {
	vf, err := s.Load()
	if err != nil {
		return nil, err
	}
	return &Memo{Spec: spec, known: maps.Clone(vf.Dests[spec]), changed: map[string]*Verified{}, checks: vf.Checks[spec]}, nil
}

// Save merges what m learnt into the file, atomically and under its lock,
// keeping other destinations and backups as they are on disk.
func (s VerifiedStore) Save(m *Memo) error {
	if m == nil || (len(m.changed) == 0 && !m.counted) {
		return nil
	}
	lock, err := acquireLock(s.Path+".lock", true)
	if err != nil {
		return fmt.Errorf("lock verification file: %w", err)
	}
	defer lock.Release()
	vf, err := s.Load()
	if err != nil {
		return err
	}
	recs := vf.Dests[m.Spec]
	if recs == nil {
		recs = map[string]Verified{}
	}
	for name, v := range m.changed {
		if v == nil {
			delete(recs, name)
		} else {
			recs[name] = *v
		}
	}
	if len(recs) == 0 {
		delete(vf.Dests, m.Spec)
	} else {
		vf.Dests[m.Spec] = recs
	}
	if m.counted {
		if vf.Checks == nil {
			vf.Checks = map[string]int{}
		}
		vf.Checks[m.Spec]++
	}
	data, err := json.MarshalIndent(vf, "", "  ")
	if err != nil {
		return fmt.Errorf("encode verification file: %w", err)
	}
	if err := WriteFileAtomic(s.Path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("write verification file: %w", err)
	}
	m.changed = map[string]*Verified{}
	m.counted = false
	return nil
}

// Memo is what is known of one destination's backups, with what this run
// learnt; VerifiedStore.Save writes it back. It is not safe for
// concurrent use.
type Memo struct {
	Spec    string
	known   map[string]Verified
	changed map[string]*Verified
	checks  int  // checks run before this one
	counted bool // this run is a check to count
}

// Runs returns how many checks ran at the destination before.
func (m *Memo) Runs() int {
	if m == nil {
		return 0
	}
	return m.checks
}

// CountRun counts this run as a check; Save adds it.
func (m *Memo) CountRun() {
	if m != nil {
		m.counted = true
	}
}

// ForgetUnlisted drops what is known of backups not in listed.
func (m *Memo) ForgetUnlisted(listed map[string]bool) {
	if m == nil {
		return
	}
	for name := range maps.Clone(m.known) {
		if !listed[name] {
			m.Forget(name)
		}
	}
}

// Lookup returns the last full read of name when the backup is still the
// same object (same size and identity); ok is false when nothing is known
// or it changed since, and then it must be read again. An empty identity
// never matches.
func (m *Memo) Lookup(name string, size int64, identity string) (v Verified, ok bool) {
	if m == nil || identity == "" {
		return Verified{}, false
	}
	v, ok = m.known[name]
	if !ok || v.Size != size || v.Identity != identity {
		return Verified{}, false
	}
	return v, true
}

// VerifiedOK reports whether the last full read of name, whatever the
// object then, verified: it was a backup, even if it no longer looks
// like one.
func (m *Memo) VerifiedOK(name string) bool {
	if m == nil {
		return false
	}
	v, ok := m.known[name]
	return ok && v.OK()
}

// Record remembers a full read of name: sum is the SHA-512 of its bytes
// and err nil when it verified.
func (m *Memo) Record(name string, size int64, identity string, sum []byte, at time.Time, err error) {
	if m == nil {
		return
	}
	v := Verified{Name: name, Size: size, Identity: identity, At: at.UTC()}
	if sum != nil {
		v.SHA512 = hex.EncodeToString(sum)
	}
	if err != nil {
		v.Error = err.Error()
	}
	m.set(v)
}

func (m *Memo) set(v Verified) {
	if m.known == nil {
		m.known = map[string]Verified{}
	}
	if old, ok := m.known[v.Name]; ok && v.Job == "" {
		v.Job = old.Job // a later read does not forget who made it
	}
	m.known[v.Name] = v
	if m.changed == nil {
		m.changed = map[string]*Verified{}
	}
	m.changed[v.Name] = &v
}

// RecordStored remembers a copy at the destination spec that job (""
// for none) has just stored and read back: name, size, the hex SHA-512 of
// its bytes and its identity. A copy without an identity is not recorded.
func (s VerifiedStore) RecordStored(spec, job, name string, size int64, sha512Hex, identity string, at time.Time) error {
	if identity == "" {
		return nil
	}
	m, err := s.Memo(spec)
	if err != nil {
		return err
	}
	m.set(Verified{Name: name, Job: job, Size: size, SHA512: sha512Hex, Identity: identity, At: at.UTC()})
	return s.Save(m)
}

// Forget drops what is known of name (deleted, or gone).
func (m *Memo) Forget(name string) {
	if m == nil {
		return
	}
	if _, ok := m.known[name]; !ok {
		return
	}
	delete(m.known, name)
	if m.changed == nil {
		m.changed = map[string]*Verified{}
	}
	m.changed[name] = nil
}

// Failed returns the backups whose last full read failed, by name.
func (m *Memo) Failed() []Verified {
	var out []Verified
	for _, name := range slices.Sorted(maps.Keys(m.known)) {
		if v := m.known[name]; !v.OK() {
			out = append(out, v)
		}
	}
	return out
}

// ParseGroup reads a subset "N/T": the N-th (1-based) of T groups.
func ParseGroup(s string) (n, t int, err error) {
	ns, ts, ok := strings.Cut(strings.TrimSpace(s), "/")
	n, err1 := strconv.Atoi(ns)
	t, err2 := strconv.Atoi(ts)
	if !ok || err1 != nil || err2 != nil || t < 1 || n < 1 || n > t {
		return 0, 0, fmt.Errorf("%q is not N/T with 1 <= N <= T, such as 1/7", s)
	}
	return n, t, nil
}

// FailedBackup is a stored backup whose last full read failed.
type FailedBackup struct {
	Dest string `json:"dest"`
	Verified
}

// FailedFor returns the failed backups that job made (matched by name,
// read in loc), at any destination, by destination and name.
func (vf *VerifiedFile) FailedFor(job string, loc *time.Location) []FailedBackup {
	var out []FailedBackup
	for _, spec := range slices.Sorted(maps.Keys(vf.Dests)) {
		recs := vf.Dests[spec]
		for _, name := range slices.Sorted(maps.Keys(recs)) {
			v := recs[name]
			if _, ok := ParseBackupName(job, name, loc); ok && !v.OK() {
				out = append(out, FailedBackup{Dest: spec, Verified: v})
			}
		}
	}
	return out
}
