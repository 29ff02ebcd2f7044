package local

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/destinations/destinationtest"
)

// residue lists every entry in dir, temporary files included.
func residue(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) { // a Downloads folder before its first backup
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func TestFolderConformance(t *testing.T) {
	destinationtest.Run(t, destinationtest.Harness{
		New: func(t *testing.T) destinations.Destination {
			f, err := NewFolder(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			return f
		},
		Residue: func(t *testing.T, d destinations.Destination) []string {
			return residue(t, d.(*Folder).Dir())
		},
	})
}

func TestDownloadsConformance(t *testing.T) {
	destinationtest.Run(t, destinationtest.Harness{
		New: func(t *testing.T) destinations.Destination {
			home := t.TempDir()
			f, err := NewDownloads(envOf(map[string]string{"HOME": home}))
			if err != nil {
				t.Fatal(err)
			}
			if f.Dir() != filepath.Join(home, "Downloads") {
				t.Fatalf("Downloads folder = %s, want %s/Downloads", f.Dir(), home)
			}
			return f
		},
		Residue: func(t *testing.T, d destinations.Destination) []string {
			return residue(t, d.(*Folder).Dir())
		},
	})
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestNewFolderErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		dir     string
		want    string
		notFund bool
		argErr  bool // the person's to fix: destinations.ArgError
	}{
		{"missing", filepath.Join(dir, "nope"), "folder " + filepath.Join(dir, "nope") + " does not exist", true, false},
		{"file", file, file + " is not a folder", false, true},
		{"empty", "", "no folder given: use folder:PATH", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewFolder(tt.dir)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("NewFolder(%q) = %v, want %q", tt.dir, err, tt.want)
			}
			if errors.Is(err, destinations.ErrNotFound) != tt.notFund {
				t.Fatalf("errors.Is(ErrNotFound) = %v, want %v", !tt.notFund, tt.notFund)
			}
			var argErr *destinations.ArgError
			if errors.As(err, &argErr) != tt.argErr {
				t.Fatalf("errors.As(*ArgError) = %v, want %v", !tt.argErr, tt.argErr)
			}
			if _, serr := os.Stat(filepath.Join(dir, "nope")); serr == nil {
				t.Fatal("NewFolder created a missing folder")
			}
		})
	}
}

func TestNewFolderRelativeIsMadeAbsolute(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Mkdir("sub", 0o700); err != nil {
		t.Fatal(err)
	}
	f, err := NewFolder("sub")
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "sub")
	if f.Dir() != want || f.Spec() != "folder:"+want {
		t.Fatalf("Dir, Spec = %s, %s; want %s, folder:%s", f.Dir(), f.Spec(), want, want)
	}
}

func TestBadNamesAreRefused(t *testing.T) {
	f, err := NewFolder(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if p, err := f.Create(ctx, ".hidden", 1); err == nil {
		p.Abort(ctx)
		t.Error("Create(.hidden) succeeded")
	}
	for _, name := range []string{"", ".", "..", "a/b", "../escape", `a\b`, "a\x00b", "x" + tempMarker + "1", "." + "y" + tempMarker + "2", string(make([]byte, 300))} {
		if p, err := f.Create(ctx, name, 1); err == nil {
			p.Abort(ctx)
			t.Errorf("Create(%q) succeeded", name)
		}
		if _, err := f.Open(ctx, name); err == nil {
			t.Errorf("Open(%q) succeeded", name)
		}
		if err := f.Delete(ctx, name); err == nil {
			t.Errorf("Delete(%q) succeeded", name)
		}
	}
	if got := residue(t, f.Dir()); len(got) != 0 {
		t.Fatalf("bad names left %v", got)
	}
}

func TestBackupFileModeAndHiddenTemp(t *testing.T) {
	f, err := NewFolder(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p, err := f.Create(ctx, "wallet", 5)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Abort(ctx)
	if _, err := p.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	during := residue(t, f.Dir())
	if len(during) != 1 || !isTempName(during[0]) {
		t.Fatalf("while writing the folder holds %v, want one hidden temporary file", during)
	}
	info, err := os.Stat(filepath.Join(f.Dir(), during[0]))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("temporary file mode %v, want 0600", info.Mode().Perm())
	}
	if list, err := f.List(ctx); err != nil || len(list) != 0 {
		t.Fatalf("List while writing = %v, %v; want nothing", list, err)
	}
	e, err := p.Commit(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e.Location != filepath.Join(f.Dir(), "wallet") {
		t.Fatalf("Location = %s", e.Location)
	}
	info, err = os.Stat(e.Location)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("backup file mode %v, want 0600", info.Mode().Perm())
	}
	if got := residue(t, f.Dir()); !slices.Equal(got, []string{"wallet"}) {
		t.Fatalf("after Commit the folder holds %v", got)
	}
}

func TestConflictsCountUp(t *testing.T) {
	f, err := NewFolder(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var names []string
	for i := 0; i < 4; i++ {
		p, err := f.Create(ctx, "b", 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Write([]byte{byte('0' + i)}); err != nil {
			t.Fatal(err)
		}
		e, err := p.Commit(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, e.Name)
	}
	if want := []string{"b", "b-2", "b-3", "b-4"}; !slices.Equal(names, want) {
		t.Fatalf("names = %v, want %v", names, want)
	}
	for i, n := range names {
		got, err := os.ReadFile(filepath.Join(f.Dir(), n))
		if err != nil || string(got) != string(rune('0'+i)) {
			t.Fatalf("%s holds %q, %v; want %q", n, got, err, string(rune('0'+i)))
		}
	}
}

func TestListSkipsDirsAndTempFiles(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"old", ".old" + tempMarker + "abc", ".notes"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(n), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(dir, "old"), old, old); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("old", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	f, err := NewFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	list, err := f.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name)
	}
	if want := []string{"old", ".notes"}; !slices.Equal(names, want) {
		t.Fatalf("List = %v, want %v", names, want)
	}
	for _, e := range list {
		r, err := f.Open(context.Background(), e.Name)
		if err != nil {
			t.Fatalf("Open(%s) of a listed file: %v", e.Name, err)
		}
		r.Close()
	}
	if err := f.Delete(context.Background(), ".notes"); err != nil {
		t.Fatalf("Delete of a listed file: %v", err)
	}
}

func TestCanceledContext(t *testing.T) {
	f, err := NewFolder(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p, err := f.Create(ctx, "b", 3)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Abort(ctx)
	if _, err := p.Write([]byte("abc")); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := p.Commit(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Commit after cancel = %v, want context.Canceled", err)
	}
	if got := residue(t, f.Dir()); len(got) != 0 {
		t.Fatalf("canceled commit left %v", got)
	}
	if _, err := f.Create(ctx, "c", 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("Create with canceled ctx = %v", err)
	}
}
