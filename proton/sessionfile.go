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
	"runtime"
	"slices"
	"strings"

	"github.com/cakebackup/cakebackup/config"
)

// sessionFileName is the session cache's name in cakebackup's config dir.
const sessionFileName = "proton-session.json"

// sessionLockName is the lock file beside it (see SessionStore.Lock).
const sessionLockName = "proton-session.lock"

// Save writes the session to a temporary file named
// sessionTempPrefix+RANDOM+sessionTempSuffix beside the session file
// first.
const (
	sessionTempPrefix = ".proton-session-"
	sessionTempSuffix = ".tmp"
)

// sessionFile keeps the session in a 0600 JSON file in cakebackup's
// config dir (0700), for machines without an OS keyring.
type sessionFile struct {
	getenv func(string) string
}

// path returns proton-session.json in cakebackup's config folder (see
// config.Env.Dir).
func (f *sessionFile) path() (string, error) {
	dir, err := config.OSEnv(f.getenv).Dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, sessionFileName), nil
}

// Where implements SessionStore.
func (f *sessionFile) Where() string {
	p, err := f.path()
	if err != nil {
		return "a session file"
	}
	return p
}

// Lock implements SessionStore with a lock on
// $XDG_CONFIG_HOME/cakebackup/proton-session.lock.
func (f *sessionFile) Lock(ctx context.Context) (func(), error) {
	p, err := f.path()
	if err != nil {
		return nil, err
	}
	return lockFile(ctx, filepath.Join(filepath.Dir(p), sessionLockName))
}

// Load implements SessionStore. A file other users can read is refused.
// A session logged out of (see Delete) is none; its file is removed
// when no process holds the Lock (see dropLoggedOut).
func (f *sessionFile) Load(ctx context.Context) (Session, error) {
	s, err := f.read(ctx)
	if err != nil {
		return Session{}, err
	}
	out, err := f.loggedOut()
	if err != nil {
		return Session{}, err
	}
	if slices.Contains(out, s.UID) {
		f.dropLoggedOut(ctx, out)
		return Session{}, ErrNotLoggedIn
	}
	return s, nil
}

// read returns the file's session, logged out of or not.
func (f *sessionFile) read(ctx context.Context) (Session, error) {
	if err := ctx.Err(); err != nil {
		return Session{}, err
	}
	p, err := f.path()
	if err != nil {
		return Session{}, err
	}
	fh, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return Session{}, ErrNotLoggedIn
	}
	if err != nil {
		return Session{}, fmt.Errorf("reading the Proton session: %w", err)
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return Session{}, fmt.Errorf("reading the Proton session: %w", err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		return Session{}, &SessionError{Problem: fmt.Sprintf("the Proton session file %s can be read by other users (mode %04o)", p, info.Mode().Perm()), Exposed: true}
	}
	// The file is tiny; anything past 64 KiB is not ours.
	data, err := io.ReadAll(io.LimitReader(fh, 64<<10))
	if err != nil {
		return Session{}, fmt.Errorf("reading the Proton session %s: %w", p, err)
	}
	s, err := decodeSession(data)
	if err != nil {
		return Session{}, fmt.Errorf("the Proton session file %s: %w", p, err)
	}
	return s, nil
}

// Save writes the session to a new 0600 file and renames it into place,
// so a crash leaves either the old session or the new one.
func (f *sessionFile) Save(ctx context.Context, s Session) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := encodeSession(s)
	if err != nil {
		return err
	}
	p, err := f.path()
	if err != nil {
		return err
	}
	// Saves run under the session's lock: a temporary file there now
	// is a killed save's, holding tokens nobody will read.
	_ = removeSaveLeftovers(filepath.Dir(p))
	if err := writePrivate(p, sessionTempPrefix+"*"+sessionTempSuffix, data); err != nil {
		return fmt.Errorf("saving the Proton session: %w", err)
	}
	return nil
}

// writePrivate writes data to a new 0600 file named by pattern (see
// os.CreateTemp) in p's folder, made 0700 if need be, and renames it to
// p: a crash leaves either p's old content or data, never part of it.
func writePrivate(p, pattern string, data []byte) error {
	dir := filepath.Dir(p)
	if err := config.PrivateDir(dir); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, pattern) // CreateTemp makes it 0600.
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // Fails harmlessly once renamed.
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), p)
}

// Delete implements SessionStore.
func (f *sessionFile) Delete(ctx context.Context, loggedOut string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var errs []error
	if loggedOut != "" {
		errs = append(errs, f.markLoggedOut(ctx, loggedOut))
	}
	return errors.Join(append(errs, f.remove(ctx))...)
}

// remove removes the file; removing nothing is no error.
func (f *sessionFile) remove(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p, err := f.path()
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing the Proton session: %w", err)
	}
	if err := removeSaveLeftovers(filepath.Dir(p)); err != nil {
		return fmt.Errorf("removing the Proton session: %w", err)
	}
	return nil
}

// removeSaveLeftovers removes from dir the temporary files of saves that
// were killed before they renamed them into place (kill -9, a power
// cut): each holds a session's tokens.
func removeSaveLeftovers(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(name, sessionTempPrefix) || !strings.HasSuffix(name, sessionTempSuffix) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// tryLock takes the Lock if no one holds it: ok is false when another
// process, or another store of this one, does.
func (f *sessionFile) tryLock() (unlock func(), ok bool) {
	p, err := f.path()
	if err != nil {
		return nil, false
	}
	return tryLockFile(filepath.Join(filepath.Dir(p), sessionLockName))
}

// dropLoggedOut removes the file if it holds a session logged out of
// (out), unless a process holds the Lock. Load runs without the Lock,
// and a process holding it may be saving a new session: removing the
// file then could lose that one. With the Lock held, no save runs (each
// takes it), and the file is read again under it. What is left is
// removed by a later Load, or replaced by the next Save.
func (f *sessionFile) dropLoggedOut(ctx context.Context, out []string) {
	unlock, ok := f.tryLock()
	if !ok {
		return
	}
	defer unlock()
	f.dropLoggedOutLocked(ctx, out)
}

// dropLoggedOutLocked is dropLoggedOut for a caller holding the Lock.
func (f *sessionFile) dropLoggedOutLocked(ctx context.Context, out []string) {
	if s, err := f.read(ctx); err == nil && slices.Contains(out, s.UID) {
		// A file left is removed by the next Load that can.
		_ = f.remove(ctx)
	}
}

func encodeSession(s Session) ([]byte, error) {
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("refusing to save an unusable Proton session: %w", err)
	}
	return json.Marshal(s)
}

// decodeSession parses a cached session. Its errors never quote the
// input, which holds tokens.
func decodeSession(data []byte) (Session, error) {
	var s Session
	if err := json.Unmarshal(data, &s); err != nil {
		return Session{}, &SessionError{Problem: "damaged (not valid JSON)"}
	}
	if err := s.validate(); err != nil {
		return Session{}, &SessionError{Problem: fmt.Sprintf("damaged (%v)", err), Err: err}
	}
	return s, nil
}
