package proton

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// storeKinds makes each kind of session store on the config dir of
// getenv: the file alone, the keyring (in memory, returned too), and a
// keyring that does not work, so the file.
func storeKinds() []struct {
	name string
	make func(getenv func(string) string) (SessionStore, *memKeyring)
} {
	return []struct {
		name string
		make func(getenv func(string) string) (SessionStore, *memKeyring)
	}{
		{"file", func(getenv func(string) string) (SessionStore, *memKeyring) {
			return &sessionFile{getenv: getenv}, nil
		}},
		{"keyring", func(getenv func(string) string) (SessionStore, *memKeyring) {
			kr := &memKeyring{secrets: map[string]string{}}
			return &keyringOrFile{keyring: kr, file: &sessionFile{getenv: getenv}}, kr
		}},
		{"no keyring", func(getenv func(string) string) (SessionStore, *memKeyring) {
			return &keyringOrFile{keyring: &memKeyring{broken: true}, file: &sessionFile{getenv: getenv}}, nil
		}},
	}
}

// TestLoggedOutSessionIsNone: a session saved again after Delete recorded
// it as logged out of (a save under way in another process) is no
// session: Load says ErrNotLoggedIn, in its words, and removes the copy.
// A new login's session, saved in the same second, is used. The record
// is 0600 and holds the session's ID, none of its secrets.
func TestLoggedOutSessionIsNone(t *testing.T) {
	for _, kind := range storeKinds() {
		t.Run(kind.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			dir := t.TempDir()
			st, kr := kind.make(envWith(map[string]string{"XDG_CONFIG_HOME": dir}))
			file := filepath.Join(dir, "cakebackup", sessionFileName)
			s := testSession()
			if err := st.Save(ctx, s); err != nil {
				t.Fatal(err)
			}
			if err := st.Delete(ctx, s.UID); err != nil {
				t.Fatal(err)
			}
			if err := st.Save(ctx, s); err != nil {
				t.Fatal(err)
			}
			if got, err := st.Load(ctx); !errors.Is(err, ErrNotLoggedIn) || err.Error() != ErrNotLoggedIn.Error() {
				t.Fatalf("Load of the session logged out of = %v, %v; want %q", got, err, ErrNotLoggedIn)
			}
			if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("session file after Load: %v; want it removed", err)
			}
			if kr != nil && len(kr.secrets) != 0 {
				t.Errorf("keyring after Load holds %d entries; want the session removed", len(kr.secrets))
			}

			next := s
			next.UID, next.AccessToken, next.RefreshToken = "uid-2", "access-SECRET-2", "refresh-SECRET-2"
			if err := st.Save(ctx, next); err != nil {
				t.Fatal(err)
			}
			if got, err := st.Load(ctx); err != nil || got != next {
				t.Fatalf("Load of the next login's session = %v (%q), %v; want it", got, got.UID, err)
			}

			record := filepath.Join(dir, "cakebackup", loggedOutName)
			info, err := os.Stat(record)
			if err != nil || info.Mode().Perm() != 0o600 {
				t.Fatalf("record: %v, %v; want mode 0600", info, err)
			}
			data, err := os.ReadFile(record)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), `"`+s.UID+`"`) || strings.Contains(string(data), "SECRET") || strings.Contains(string(data), s.SaltedKeyPass) {
				t.Fatalf("record %q; want the session ID and no secret", data)
			}
		})
	}
}

// TestLoggedOutKeepsTheLast: the record keeps the last maxLoggedOut
// sessions logged out of, each once.
func TestLoggedOutKeepsTheLast(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := t.TempDir()
	st := &sessionFile{getenv: envWith(map[string]string{"XDG_CONFIG_HOME": dir})}
	uid := func(i int) string { return fmt.Sprintf("uid-%d", i) }
	const logouts = maxLoggedOut + 4
	for i := 1; i <= logouts; i++ {
		if err := st.Delete(ctx, uid(i)); err != nil {
			t.Fatal(err)
		}
	}
	first := logouts - maxLoggedOut + 1
	if err := st.Delete(ctx, uid(first)); err != nil { // again: now the last
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "cakebackup", loggedOutName))
	if err != nil {
		t.Fatal(err)
	}
	var r loggedOutRecord
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := first + 1; i <= logouts; i++ {
		want = append(want, uid(i))
	}
	want = append(want, uid(first))
	if !slices.Equal(r.UIDs, want) {
		t.Fatalf("record holds %q; want %q", r.UIDs, want)
	}
	for i, wantErr := range map[int]error{first - 1: nil, first: ErrNotLoggedIn, logouts: ErrNotLoggedIn} {
		s := testSession()
		s.UID = uid(i)
		if err := st.Save(ctx, s); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Load(ctx); !errors.Is(err, wantErr) {
			t.Errorf("Load of session %s = %v; want %v", s.UID, err, wantErr)
		}
	}
}

// TestLoggedOutCopyLeftWhileLocked: while another holds the Lock, as a
// process saving a new login's session does, Load leaves the copy of a
// session logged out of where it is (removing it might remove the new
// session saved meanwhile), and says ErrNotLoggedIn all the same; once
// the Lock is free, Load removes it. Of two copies, the one logged out of
// goes and the other is used.
func TestLoggedOutCopyLeftWhileLocked(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := t.TempDir()
	getenv := envWith(map[string]string{"XDG_CONFIG_HOME": dir})
	file := filepath.Join(dir, "cakebackup", sessionFileName)
	st := &sessionFile{getenv: getenv}
	s := testSession()
	if err := st.Delete(ctx, s.UID); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	unlock, err := (&sessionFile{getenv: getenv}).Lock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Load(ctx); !errors.Is(err, ErrNotLoggedIn) {
		t.Fatalf("Load while locked = %v; want ErrNotLoggedIn", err)
	}
	if _, err := os.Stat(file); err != nil {
		t.Fatalf("session file removed while another held the Lock: %v", err)
	}
	unlock()
	if _, err := st.Load(ctx); !errors.Is(err, ErrNotLoggedIn) {
		t.Fatalf("Load = %v; want ErrNotLoggedIn", err)
	}
	if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("session file once the Lock is free: %v; want it removed", err)
	}

	// The keyring's copy logged out of, a new login's in the file.
	kr := &memKeyring{secrets: map[string]string{}}
	both := &keyringOrFile{keyring: kr, file: st}
	data, err := encodeSession(s)
	if err != nil {
		t.Fatal(err)
	}
	kr.secrets[keyringService+"/"+keyringAccount] = string(data)
	next := s
	next.UID = "uid-2"
	if err := st.Save(ctx, next); err != nil {
		t.Fatal(err)
	}
	if got, err := both.Load(ctx); err != nil || got != next || both.Where() != file {
		t.Fatalf("Load = %q, %v, from %q; want %q from %q", got.UID, err, both.Where(), next.UID, file)
	}
	if len(kr.secrets) != 0 {
		t.Fatalf("the keyring's copy logged out of is left")
	}
}

// TestLoggedOutRecordUnreadable: a record that cannot be read fails safe
// and loudly: Load returns a *LoggedOutRecordError, one line naming the
// record, rather than a session that may have been logged out of, and
// leaves the session; with no session there is nothing to tell, and Load
// says ErrNotLoggedIn. Delete still removes the session, says why it
// could not record the logout, and leaves the record as it was.
func TestLoggedOutRecordUnreadable(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(path string) error
		want  string
	}{
		{"not JSON", func(p string) error { return os.WriteFile(p, []byte("uid-1 garbage"), 0o600) }, "damaged (not valid JSON)"},
		{"a folder", func(p string) error { return os.Mkdir(p, 0o700) }, ""}, // the OS says why, in its words
	} {
		for _, kind := range storeKinds() {
			t.Run(tc.name+"/"+kind.name, func(t *testing.T) {
				t.Parallel()
				ctx := t.Context()
				dir := t.TempDir()
				st, _ := kind.make(envWith(map[string]string{"XDG_CONFIG_HOME": dir}))
				record := filepath.Join(dir, "cakebackup", loggedOutName)
				if err := os.MkdirAll(filepath.Dir(record), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := tc.write(record); err != nil {
					t.Fatal(err)
				}
				if _, err := st.Load(ctx); err != ErrNotLoggedIn {
					t.Fatalf("Load with no session = %v; want ErrNotLoggedIn", err)
				}
				s := testSession()
				if err := st.Save(ctx, s); err != nil {
					t.Fatal(err)
				}
				want := "the record of logged-out Proton sessions " + record + " cannot be read: "
				var re *LoggedOutRecordError
				got, err := st.Load(ctx)
				if !errors.As(err, &re) || errors.Is(err, ErrNotLoggedIn) || !strings.HasPrefix(err.Error(), want) ||
					!strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("Load = %v, %v; want a *LoggedOutRecordError, one line %q…%q", got, err, want, tc.want)
				}
				if got, err := st.Load(ctx); !errors.As(err, &re) {
					t.Fatalf("Load again = %v, %v; want the session left and the same error", got, err)
				}
				err = st.Delete(ctx, s.UID)
				if !errors.As(err, &re) || !strings.HasPrefix(err.Error(), want) {
					t.Fatalf("Delete = %v; want the *LoggedOutRecordError", err)
				}
				if _, err := st.Load(ctx); err != ErrNotLoggedIn {
					t.Fatalf("Load after Delete = %v; want ErrNotLoggedIn", err)
				}
				if tc.name == "not JSON" {
					if data, err := os.ReadFile(record); err != nil || string(data) != "uid-1 garbage" {
						t.Fatalf("record after Delete: %q, %v; want it left as it was", data, err)
					}
				}
			})
		}
	}
}

// TestLoggedOutLogoutsAtOnce: logouts at the same time, each with a store
// of its own, all reach the record: it is updated one logout at a time.
func TestLoggedOutLogoutsAtOnce(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	getenv := envWith(map[string]string{"XDG_CONFIG_HOME": t.TempDir()})
	const logouts = 8
	errs := make(chan error, logouts)
	for i := range logouts {
		go func() { errs <- (&sessionFile{getenv: getenv}).Delete(ctx, fmt.Sprintf("uid-%d", i)) }()
	}
	for range logouts {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	uids, err := (&sessionFile{getenv: getenv}).loggedOut()
	if err != nil || len(uids) != logouts {
		t.Fatalf("record holds %q, %v; want the %d sessions logged out of", uids, err, logouts)
	}
}
