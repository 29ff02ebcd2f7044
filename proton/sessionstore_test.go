package proton

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/cakebackup/cakebackup/secret"
)

func testSession() Session {
	return Session{
		Username:      "ana@example.com",
		APIURL:        "http://127.0.0.1:1",
		UID:           "uid-1",
		AccessToken:   "access-SECRET-1",
		RefreshToken:  "refresh-SECRET-1",
		SaltedKeyPass: "c2FsdGVkLVNFQ1JFVA==",
	}
}

// envWith returns a getenv reading only the given variables.
func envWith(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// memKeyring is an OS keyring stand-in; broken makes it fail like a
// machine without a Secret Service.
type memKeyring struct {
	secrets map[string]string
	broken  bool
}

var errNoKeyring = errors.New("org.freedesktop.secrets was not provided by any .service files")

func (m *memKeyring) Get(_ context.Context, service, user string) (string, error) {
	if m.broken {
		return "", errNoKeyring
	}
	s, ok := m.secrets[service+"/"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return s, nil
}

func (m *memKeyring) Set(_ context.Context, service, user, secret string) error {
	if m.broken {
		return errNoKeyring
	}
	m.secrets[service+"/"+user] = secret
	return nil
}

func (m *memKeyring) Delete(_ context.Context, service, user string) error {
	if m.broken {
		return errNoKeyring
	}
	if _, ok := m.secrets[service+"/"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(m.secrets, service+"/"+user)
	return nil
}

func TestSessionStoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		keyring   secret.Keyring
		wantFile  bool
		wantWhere string
	}{
		{"keyring", &memKeyring{secrets: map[string]string{}}, false, "the OS keyring"},
		{"no keyring daemon", &memKeyring{broken: true}, true, "proton-session.json"},
		// This machine's real keyring: on CI there is no Secret Service,
		// so it must fall back to the file; with one, the keyring is used.
		{"os keyring", &secret.OSKeyring{}, osKeyringBroken(), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			getenv := envWith(map[string]string{"XDG_CONFIG_HOME": dir, "HOME": "/nonexistent"})
			st := &keyringOrFile{keyring: tc.keyring, file: &sessionFile{getenv: getenv}}
			if tc.name == "os keyring" {
				t.Cleanup(func() { _ = st.Delete(ctx, "") })
			}
			if _, err := st.Load(ctx); !errors.Is(err, ErrNotLoggedIn) {
				t.Fatalf("Load before Save = %v, want ErrNotLoggedIn", err)
			}
			want := testSession()
			if err := st.Save(ctx, want); err != nil {
				t.Fatal(err)
			}
			got, err := st.Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Fatalf("Load = %#v, want the saved session", got)
			}
			path := filepath.Join(dir, "cakebackup", "proton-session.json")
			info, err := os.Stat(path)
			if tc.wantFile {
				if err != nil {
					t.Fatalf("no session file: %v", err)
				}
				if info.Mode().Perm() != 0o600 {
					t.Fatalf("session file mode %04o, want 0600", info.Mode().Perm())
				}
				dirInfo, err := os.Stat(filepath.Dir(path))
				if err != nil {
					t.Fatal(err)
				}
				if dirInfo.Mode().Perm() != 0o700 {
					t.Fatalf("config dir mode %04o, want 0700", dirInfo.Mode().Perm())
				}
			} else if err == nil {
				t.Fatal("session written to a file although the keyring took it")
			}
			if tc.wantWhere != "" && !strings.Contains(st.Where(), tc.wantWhere) {
				t.Fatalf("Where() = %q, want it to mention %q", st.Where(), tc.wantWhere)
			}
			entries, err := os.ReadDir(filepath.Dir(path))
			if err == nil && len(entries) > 1 {
				t.Fatalf("temporary files left in the config dir: %v", entries)
			}
			if err := st.Delete(ctx, want.UID); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Load(ctx); !errors.Is(err, ErrNotLoggedIn) {
				t.Fatalf("Load after Delete = %v, want ErrNotLoggedIn", err)
			}
			if _, err := os.Stat(path); err == nil {
				t.Fatal("session file still there after Delete")
			}
			if err := st.Delete(ctx, want.UID); err != nil {
				t.Fatalf("second Delete = %v, want nil", err)
			}
		})
	}
}

// osKeyringBroken reports whether this machine has no usable OS keyring.
// A keyring that does not answer within seconds (locked, its unlock
// prompt unanswered) counts as none: go-keyring alone would wait forever.
func osKeyringBroken() bool {
	_, err := (&secret.OSKeyring{Timeout: 5 * time.Second}).Get(context.Background(), keyringService, "cakebackup-test-probe")
	return err != nil && !errors.Is(err, keyring.ErrNotFound)
}

func TestSessionMovesFromFileToKeyring(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	getenv := envWith(map[string]string{"XDG_CONFIG_HOME": dir})
	kr := &memKeyring{secrets: map[string]string{}, broken: true}
	st := &keyringOrFile{keyring: kr, file: &sessionFile{getenv: getenv}}
	old := testSession()
	if err := st.Save(ctx, old); err != nil {
		t.Fatal(err)
	}
	// The keyring comes back (the user logged into a desktop session).
	kr.broken = false
	if got, err := st.Load(ctx); err != nil || got != old {
		t.Fatalf("Load = %v, %v; want the file's session", got, err)
	}
	newer := old
	newer.RefreshToken = "refresh-SECRET-2"
	if err := st.Save(ctx, newer); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "cakebackup", sessionFileName)); err == nil {
		t.Fatal("stale session file kept after saving to the keyring")
	}
	if got, err := st.Load(ctx); err != nil || got != newer {
		t.Fatalf("Load = %v, %v; want the newer session", got, err)
	}
}

func TestSessionFileRefusesBadFiles(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		content string
		mode    os.FileMode
		want    string
	}{
		{"readable by others", `{"uid":"u","access_token":"a","refresh_token":"r","salted_key_pass":"s"}`, 0o644, "read by other users"},
		{"not JSON", "access-SECRET-garbage", 0o600, "damaged"},
		{"no tokens", `{"uid":"u","salted_key_pass":"s"}`, 0o600, "no tokens"},
		{"no key pass", `{"uid":"u","access_token":"a","refresh_token":"r"}`, 0o600, "no key passphrase"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "cakebackup", sessionFileName)
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(tc.content), tc.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			f := &sessionFile{getenv: envWith(map[string]string{"XDG_CONFIG_HOME": dir})}
			_, err := f.Load(ctx)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load = %v, want an error mentioning %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q quotes the file or is not one line", err)
			}
		})
	}
}

func TestSessionFilePath(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_CONFIG_HOME": "/x/conf", "HOME": "/home/ana"}, "/x/conf/cakebackup/proton-session.json"},
		{map[string]string{"XDG_CONFIG_HOME": "relative/conf", "HOME": "/home/ana"}, "/home/ana/.config/cakebackup/proton-session.json"},
		{map[string]string{"HOME": "/home/ana"}, "/home/ana/.config/cakebackup/proton-session.json"},
		{map[string]string{}, ""},
	} {
		got, err := (&sessionFile{getenv: envWith(tc.env)}).path()
		if tc.want == "" {
			if err == nil {
				t.Errorf("path(%v) = %q, want an error", tc.env, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("path(%v) = %q, %v; want %q", tc.env, got, err, tc.want)
		}
	}
}

func TestSessionNeverPrintsSecrets(t *testing.T) {
	s := testSession()
	for _, out := range []string{s.String(), s.GoString(), fmtAll(s)} {
		if strings.Contains(out, "SECRET") || strings.Contains(out, "c2FsdGVk") {
			t.Fatalf("printed session %q shows a secret", out)
		}
	}
}

func fmtAll(s Session) string {
	return strings.Join([]string{fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s", s, s, s, s), fmt.Sprint(&s)}, " ")
}

// TestSessionLock: the session lock excludes a second holder, even in the
// same process (another Drive), until it is released; it is a 0600 file
// beside the session file, and serves the keyring store too.
func TestSessionLock(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	getenv := envWith(map[string]string{"XDG_CONFIG_HOME": dir})
	stores := []SessionStore{&sessionFile{getenv: getenv}, &keyringOrFile{keyring: &memKeyring{secrets: map[string]string{}}, file: &sessionFile{getenv: getenv}}}
	unlock, err := stores[0].Lock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stores {
		short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		if _, err := s.Lock(short); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%T: second Lock = %v, want it to wait", s, err)
		}
		cancel()
	}
	unlock()
	unlock2, err := stores[1].Lock(ctx)
	if err != nil {
		t.Fatalf("Lock after release: %v", err)
	}
	unlock2()
	info, err := os.Stat(filepath.Join(dir, "cakebackup", sessionLockName))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("lock file: %v, mode %v", err, info.Mode())
	}
}

// TestSessionStoreLoadsNewerCopy puts a session in both the keyring and
// the file, as a keyring save that gave up and landed later leaves them
// (TestSessionStoreLateKeyringSave has the real one), and checks that
// Load returns the one renewed (or, never renewed, made) last, the
// file's on a tie, and the keyring's when the file cannot be used.
func TestSessionStoreLoadsNewerCopy(t *testing.T) {
	ctx := context.Background()
	made := time.Date(2026, 12, 1, 8, 30, 0, 0, time.UTC)
	session := func(token string, created, refreshed time.Duration) Session {
		s := testSession()
		s.AccessToken, s.RefreshToken = "access-SECRET-"+token, "refresh-SECRET-"+token
		s.Created = made.Add(created)
		if refreshed != 0 {
			s.Refreshed = made.Add(refreshed)
		}
		return s
	}
	for _, tc := range []struct {
		name          string
		keyring, file Session
		// fileData, if set, is written as the file instead of file.
		fileData string
		want     string // "keyring" or "file"
	}{
		{name: "file renewed later", keyring: session("k", 0, time.Hour), file: session("f", 0, 2*time.Hour), want: "file"},
		{name: "keyring renewed later", keyring: session("k", 0, 2*time.Hour), file: session("f", 0, time.Hour), want: "keyring"},
		{name: "file renewed, keyring never", keyring: session("k", 0, 0), file: session("f", 0, time.Minute), want: "file"},
		{name: "keyring renewed, file never", keyring: session("k", 0, time.Minute), file: session("f", 0, 0), want: "keyring"},
		{name: "new login in the file", keyring: session("k", 0, 5*time.Hour), file: session("f", 6*time.Hour, 0), want: "file"},
		{name: "new login in the keyring", keyring: session("k", 6*time.Hour, 0), file: session("f", 0, 5*time.Hour), want: "keyring"},
		{name: "same second", keyring: session("k", 0, time.Hour), file: session("f", 0, time.Hour), want: "file"},
		{name: "file damaged", keyring: session("k", 0, time.Hour), fileData: "access-SECRET-garbage", want: "keyring"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			getenv := envWith(map[string]string{"XDG_CONFIG_HOME": dir})
			kr := &memKeyring{secrets: map[string]string{}}
			st := &keyringOrFile{keyring: kr, file: &sessionFile{getenv: getenv}}
			data, err := encodeSession(tc.keyring)
			if err != nil {
				t.Fatal(err)
			}
			if err := kr.Set(ctx, keyringService, keyringAccount, string(data)); err != nil {
				t.Fatal(err)
			}
			if tc.fileData != "" {
				path := filepath.Join(dir, "cakebackup", sessionFileName)
				if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(tc.fileData), 0o600); err != nil {
					t.Fatal(err)
				}
			} else if err := st.file.Save(ctx, tc.file); err != nil {
				t.Fatal(err)
			}
			want, where := tc.keyring, "the OS keyring"
			if tc.want == "file" {
				want, where = tc.file, st.file.Where()
			}
			got, err := st.Load(ctx)
			if err != nil || got != want || st.Where() != where {
				t.Fatalf("Load = %v (refresh token %s), %v, from %q; want refresh token %s from %q",
					got, got.RefreshToken, err, st.Where(), want.RefreshToken, where)
			}
		})
	}
}

// TestSessionFileLeftoversRemoved: a Save killed between making its
// temporary file and renaming it into place (kill -9, a power cut)
// leaves the file, holding the session's tokens, in the config folder.
// The next Save removes it, and so does a Delete (a logout): tokens must
// not stay on disk once the person logged out.
func TestSessionFileLeftoversRemoved(t *testing.T) {
	ctx := context.Background()
	for _, op := range []string{"save", "delete"} {
		t.Run(op, func(t *testing.T) {
			dir := t.TempDir()
			f := &sessionFile{getenv: envWith(map[string]string{"XDG_CONFIG_HOME": dir})}
			if err := f.Save(ctx, testSession()); err != nil {
				t.Fatal(err)
			}
			folder := filepath.Join(dir, "cakebackup")
			data, err := encodeSession(testSession())
			if err != nil {
				t.Fatal(err)
			}
			// What a killed Save leaves: its temporary file, as it names it.
			left := filepath.Join(folder, ".proton-session-123456789.tmp")
			if err := os.WriteFile(left, data, 0o600); err != nil {
				t.Fatal(err)
			}
			// Files of the same folder that are not a Save's stay.
			other := filepath.Join(folder, "proton-session.json.bak")
			if err := os.WriteFile(other, []byte("mine"), 0o600); err != nil {
				t.Fatal(err)
			}
			switch op {
			case "save":
				err = f.Save(ctx, testSession())
			case "delete":
				err = f.Delete(ctx, testSession().UID) // as Logout does
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Lstat(left); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("after %s, the killed save's file: %v, want it removed", op, err)
			}
			if _, err := os.Lstat(other); err != nil {
				t.Fatalf("after %s, another file: %v, want it left", op, err)
			}
			_, err = f.Load(ctx)
			if op == "save" && err != nil {
				t.Fatalf("Load after Save: %v", err)
			}
			if op == "delete" && !errors.Is(err, ErrNotLoggedIn) {
				t.Fatalf("Load after Delete: %v, want ErrNotLoggedIn", err)
			}
		})
	}
}
