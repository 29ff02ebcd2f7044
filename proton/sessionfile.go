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
func (f *sessionFile) Load(ctx context.Context) (Session, error) {
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
	dir := filepath.Dir(p)
	if err := config.PrivateDir(dir); err != nil {
		return fmt.Errorf("saving the Proton session: %w", err)
	}
	// Saves run under the session's lock: a temporary file there now
	// is a killed save's, holding tokens nobody will read.
	_ = removeSaveLeftovers(dir)
	tmp, err := os.CreateTemp(dir, sessionTempPrefix+"*"+sessionTempSuffix) // CreateTemp makes it 0600.
	if err != nil {
		return fmt.Errorf("saving the Proton session: %w", err)
	}
	defer os.Remove(tmp.Name()) // Fails harmlessly once renamed.
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the Proton session: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the Proton session: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the Proton session: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving the Proton session: %w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("saving the Proton session: %w", err)
	}
	return nil
}

// Delete implements SessionStore.
func (f *sessionFile) Delete(ctx context.Context) error {
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
