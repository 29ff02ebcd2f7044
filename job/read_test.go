package job_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/local"
)

// goldenPassword seals the golden backups in ../backup/testdata/golden.
const goldenPassword = "gölden pässword 🔑 v2 & v3"

// readRegistry is a registry of the local destinations, as the command
// line has.
func readRegistry() *destinations.Registry {
	reg := destinations.NewRegistry()
	local.Register(reg, func(string) string { return "" }, local.Detector{}, nil)
	return reg
}

// goldenCopy copies the golden backup name into a new folder and returns
// its path.
func goldenCopy(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "backup", "testdata", "golden", name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "cake_wallet_backup_2026-11-25_010203")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// openGolden opens a copy of the golden backup name, named as arg makes
// of its path, with the password pw.
func openGolden(t *testing.T, name string, arg func(string) string, pw string) (*job.Opened, error) {
	t.Helper()
	o, err := job.Open(t.Context(), readRegistry(), arg(goldenCopy(t, name)), pw, nil)
	if err == nil {
		t.Cleanup(func() { o.Close() })
	}
	return o, err
}

func plainPath(p string) string  { return p }
func folderSpec(p string) string { return "folder:" + p }

// Verify checks the checksums without a password and everything with one;
// a wrong password fails with backup.ErrDecrypt, the error naming the
// backup once, as it was given.
func TestOpenedVerify(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, pw, level string
		arg             func(string) string
		want            error
	}{
		{"no password", "", "checksums", plainPath, nil},
		{"password", goldenPassword, "full", plainPath, nil},
		{"password, folder spec", goldenPassword, "full", folderSpec, nil},
		{"wrong password", "not the golden password", "", folderSpec, backup.ErrDecrypt},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, err := openGolden(t, "v3.bin", tt.arg, tt.pw)
			if err != nil {
				t.Fatal(err)
			}
			v, err := o.Verify(t.Context(), backup.RestoreOptions{})
			if tt.want != nil {
				if !errors.Is(err, tt.want) || v != nil {
					t.Fatalf("Verify = %+v, %v; want %v", v, err, tt.want)
				}
				if n := strings.Count(err.Error(), o.Arg); n != 1 || !strings.HasPrefix(err.Error(), o.Arg+": ") {
					t.Errorf("%q: want it to start with %s, named once", err, o.Arg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := (job.Verified{File: o.Arg, OK: true, Level: tt.level, Chunks: o.Info().Chunks}); *v != want || v.Chunks == 0 {
				t.Errorf("Verify = %+v, want %+v", *v, want)
			}
		})
	}
}

// Inspect tells what a backup is without the password, and its wallets
// and files with it: a bare v2 blob's plain size only then. Entries are
// JSON as {"name", "size"}.
func TestOpenedInspect(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		file, pw  string
		plainSize bool
	}{
		{"v3.bin", "", true},
		{"v3.bin", goldenPassword, true},
		{"v2-xchacha.bin", "", false},
		{"v2-xchacha.bin", goldenPassword, true},
	} {
		t.Run(tt.file+" "+tt.pw, func(t *testing.T) {
			t.Parallel()
			o, err := openGolden(t, tt.file, plainPath, tt.pw)
			if err != nil {
				t.Fatal(err)
			}
			in, err := o.Inspect(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			decrypted := tt.pw != ""
			if in.File != o.Arg || in.Decrypted != decrypted || (in.PlainSize > 0) != tt.plainSize || in.Size == 0 || in.Info != o.Info() {
				t.Errorf("Inspect = %+v", in)
			}
			// An app export's importability is known only with the password.
			if (in.AppCanImport != nil) != decrypted {
				t.Errorf("app_can_import %v with decrypted %v", in.AppCanImport, decrypted)
			}
			if !decrypted {
				if in.Files != nil || in.Wallets != nil {
					t.Errorf("files %v, wallets %v without the password", in.Files, in.Wallets)
				}
				return
			}
			if want := []string{"bitcoin/empty", "bitcoin/größe", "monero/golden wallet"}; !slices.Equal(in.Wallets, want) {
				t.Errorf("wallets %q, want %q", in.Wallets, want)
			}
			i := slices.IndexFunc(in.Files, func(e backup.Entry) bool { return e.Name == "wallets/bitcoin/empty/empty.txt" })
			if i < 0 || len(in.Files) != 5 {
				t.Fatalf("files %+v: want the 5 golden files", in.Files)
			}
			if b, _ := json.Marshal(in.Files[i]); string(b) != `{"name":"wallets/bitcoin/empty/empty.txt","size":0}` {
				t.Errorf("an entry's JSON is %s", b)
			}
		})
	}
}

// Restore restores with the accepted password into a new folder; into a
// folder that is not empty it fails with backup.ErrTargetNotEmpty, its
// error naming the restore of the backup.
func TestOpenedRestore(t *testing.T) {
	t.Parallel()
	o, err := openGolden(t, "v3.bin", folderSpec, goldenPassword)
	if err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(t.TempDir(), "restored")
	res, err := o.Restore(t.Context(), to, backup.RestoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.File != o.Arg || res.To != to || !res.OK || res.Chunks != o.Info().Chunks || res.Result == nil {
		t.Errorf("Restore = %+v", res)
	}
	if b, err := os.ReadFile(filepath.Join(to, "wallets", "bitcoin", "größe", "größe.address.txt")); err != nil || string(b) != "bc1qgrößetest0000000000000000000000000\n" {
		t.Errorf("restored file: %q, %v", b, err)
	}
	res, err = o.Restore(t.Context(), to, backup.RestoreOptions{})
	if !errors.Is(err, backup.ErrTargetNotEmpty) || !strings.HasPrefix(err.Error(), "restore "+o.Arg+": ") || res == nil || res.OK {
		t.Errorf("second Restore = %+v, %v; want not OK and ErrTargetNotEmpty, for restore %s", res, err, o.Arg)
	}
}

// A generated password typed in capitals opens the backup in its
// canonical form (Canonical); any other password is taken as it is.
func TestOpenAcceptsCanonicalPassword(t *testing.T) {
	t.Parallel()
	pw, err := backup.GeneratePassword()
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	src := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/main.keys": []byte("keys")})
	made, err := job.Make(t.Context(), opener(), job.Backup{Source: src, Dests: []string{"folder:" + out}, Name: "b", Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		typed, want string
		canonical   bool
	}{
		{pw, pw, false},
		{strings.ToUpper(pw), pw, true},
		{"another password entirely", "another password entirely", false},
	} {
		o, err := job.Open(t.Context(), readRegistry(), made.Stores[0].Entry.Location, tt.typed, nil)
		if err != nil {
			t.Fatal(err)
		}
		if o.Password != tt.want || o.Canonical != tt.canonical {
			t.Errorf("Open with %q: password %q, canonical %v; want %q, %v", tt.typed, o.Password, o.Canonical, tt.want, tt.canonical)
		}
		o.Close()
	}
}

// A ResumedError says why the folder is not empty after the killed
// restore into it was finished or taken back, naming it once; it is a
// backup.ErrTargetNotEmpty.
func TestResumedError(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		resumed backup.Resumed
		want    string
	}{
		{backup.Resumed{Completed: true}, "/r is not empty: it holds another backup's files, from a restore into it that was interrupted while it moved them into place and is finished now"},
		{backup.Resumed{Completed: true, Missing: []string{"wallets", "a\nb"}}, `/r is not empty: it holds the files of a restore into it that was interrupted while it moved them into place, finished now but for wallets, "a\nb", removed since`},
		{backup.Resumed{RolledBack: true, Taken: "wallets"}, "/r is not empty: wallets was made there after a restore into it was interrupted, which was taken back"},
	} {
		err := &job.ResumedError{To: "/r", Resumed: tt.resumed}
		if err.Error() != tt.want || !errors.Is(err, backup.ErrTargetNotEmpty) {
			t.Errorf("%+v: %q, want %q, a backup.ErrTargetNotEmpty", tt.resumed, err, tt.want)
		}
	}
}

// TestOpenedSummaryLine: verify's --verbose line of the golden v3
// backup, a 2161-byte file of one chunk, named as it was given.
func TestOpenedSummaryLine(t *testing.T) {
	t.Parallel()
	for _, arg := range []func(string) string{plainPath, folderSpec} {
		o, err := openGolden(t, "v3.bin", arg, "")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := o.SummaryLine(), o.Arg+": format version 3, 1 chunk, 2.1 KiB"; got != want {
			t.Errorf("SummaryLine = %q, want %q", got, want)
		}
	}
}
