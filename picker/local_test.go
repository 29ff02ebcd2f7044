package picker

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/local"
)

func TestPickLocalFoldersSpec(t *testing.T) {
	l := LocalFolders{
		Drives: []Place{
			{Label: "WALLETS", Path: "/media/ana/WALLETS", Spec: "usb:WALLETS"},
			{Label: "", Path: "/media/ana/0C4A-11F2"},
			{Label: "USB", Path: "/media/ana/USB", Spec: "usb:/media/ana/USB"},
		},
	}
	tests := []struct{ dir, want string }{
		{"/home/ana/Downloads", "folder:/home/ana/Downloads"},
		{"/home/ana/Downloads/", "folder:/home/ana/Downloads"},
		{"/home/ana/Downloads/Cake", "folder:/home/ana/Downloads/Cake"},
		{"/media/ana/WALLETS", "usb:WALLETS"},
		{"/media/ana/WALLETS/sub", "folder:/media/ana/WALLETS/sub"},
		{"/media/ana/0C4A-11F2", "folder:/media/ana/0C4A-11F2"}, // no spec given
		{"/media/ana/USB", "usb:/media/ana/USB"},
		{"/srv/b", "folder:/srv/b"},
	}
	for _, tc := range tests {
		if got := l.Spec(tc.dir); got != tc.want {
			t.Errorf("Spec(%q) = %q, want %q", tc.dir, got, tc.want)
		}
	}
}

// TestPickLocalFoldersSpecDownloads: the Downloads folder is chosen as
// "downloads", whichever path to it the chooser gives; a folder in it, or
// one merely named Downloads, by its path.
func TestPickLocalFoldersSpecDownloads(t *testing.T) {
	home := t.TempDir()
	dl := filepath.Join(home, "Downloads")
	for _, d := range []string{"Downloads/Cake", "other/Downloads"} {
		if err := os.MkdirAll(filepath.Join(home, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(home, "dl-link")
	if err := os.Symlink(dl, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	l := LocalFolders{Start: dl, Downloads: dl}
	tests := []struct{ dir, want string }{
		{dl, "downloads"},
		{dl + string(filepath.Separator), "downloads"},
		{link, "downloads"},
		{filepath.Join(dl, "Cake"), "folder:" + filepath.Join(dl, "Cake")},
		{filepath.Join(home, "other", "Downloads"), "folder:" + filepath.Join(home, "other", "Downloads")},
		{filepath.Join(home, "gone"), "folder:" + filepath.Join(home, "gone")},
	}
	for _, tc := range tests {
		if got := l.Spec(tc.dir); got != tc.want {
			t.Errorf("Spec(%q) = %q, want %q", tc.dir, got, tc.want)
		}
	}
}

func TestPickLocalFoldersList(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"b", "A", "c", ".git"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "c"), filepath.Join(dir, "link-to-c")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "file"), filepath.Join(dir, "link-to-file")); err != nil {
		t.Fatal(err)
	}
	got, err := LocalFolders{}.List(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range got {
		names = append(names, f.Name)
		if f.Path != filepath.Join(dir, f.Name) {
			t.Errorf("path of %s = %s", f.Name, f.Path)
		}
	}
	if strings.Join(names, ",") != "A,b,c,link-to-c" {
		t.Errorf("List = %v, want A,b,c,link-to-c", names)
	}

	_, err = LocalFolders{}.List(context.Background(), filepath.Join(dir, "missing"))
	if !errors.Is(err, os.ErrNotExist) || strings.Count(err.Error(), "missing") != 1 {
		t.Errorf("List(missing) = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (LocalFolders{}).List(ctx, dir); !errors.Is(err, context.Canceled) {
		t.Errorf("List with cancelled context = %v", err)
	}
}

func TestPickLocalFoldersParent(t *testing.T) {
	tests := []struct {
		dir, want string
		ok        bool
	}{
		{"/home/ana", "/home", true},
		{"/home/ana/", "/home", true},
		{"/home", "/", true},
		{"/", "/", false},
	}
	for _, tc := range tests {
		got, ok := LocalFolders{}.Parent(tc.dir)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Parent(%q) = %q, %v; want %q, %v", tc.dir, got, ok, tc.want, tc.ok)
		}
	}
}

func TestPickCheckFolderName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"Backups", true},
		{"Cake backups 2026", true},
		{"кошелёк", true},
		{"", false},
		{"   ", false},
		{".", false},
		{"..", false},
		{"a/b", false},
		{`a\b`, false},
		{"a\x00b", false},
		{"a\nb", false},
		{strings.Repeat("x", 256), false},
	}
	for _, tc := range tests {
		err := CheckFolderName(tc.name)
		if (err == nil) != tc.ok {
			t.Errorf("CheckFolderName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

func TestPickLocalFoldersMkdir(t *testing.T) {
	dir := t.TempDir()
	l := LocalFolders{}
	p, err := l.Mkdir(context.Background(), dir, "New")
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o700 || p != filepath.Join(dir, "New") {
		t.Fatalf("Mkdir made %q (%v, %v)", p, fi, err)
	}
	if _, err := l.Mkdir(context.Background(), dir, "New"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second Mkdir = %v", err)
	}
	if _, err := l.Mkdir(context.Background(), dir, "../escape"); err == nil {
		t.Error("Mkdir accepted a path in the name")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "escape")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("folder made outside dir: %v", err)
	}
	if _, err := l.Mkdir(context.Background(), filepath.Join(dir, "missing"), "x"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Mkdir in missing folder = %v", err)
	}
}

// TestThisComputer: browsing starts in Downloads when there is one, else
// in the home folder; the drives found are at the top, named by their
// spec; a failed drive search, or none (nil), leaves them out.
func TestThisComputer(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows finds Downloads as a known folder, not under HOME")
	}
	ctx := context.Background()
	home := t.TempDir()
	env := map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config")}
	getenv := func(k string) string { return env[k] }
	sticks := func(context.Context) ([]local.Drive, error) {
		return []local.Drive{{Label: "WALLETS", MountPoint: "/media/ana/WALLETS"}}, nil
	}
	noDrives := func(context.Context) ([]local.Drive, error) { return nil, errors.New("no udev") }

	l := ThisComputer(ctx, getenv, noDrives)
	if l.Start != home || l.Downloads != "" || len(l.Drives) != 0 {
		t.Errorf("without Downloads: %+v, want to start in %s", l, home)
	}
	dl := filepath.Join(home, "Downloads")
	if err := os.Mkdir(dl, 0o700); err != nil {
		t.Fatal(err)
	}
	l = ThisComputer(ctx, getenv, sticks)
	if l.Start != dl || l.Downloads != dl {
		t.Errorf("with Downloads: start %q, Downloads %q; want %s", l.Start, l.Downloads, dl)
	}
	if want := []Place{{Label: "WALLETS", Path: "/media/ana/WALLETS", Spec: "usb:WALLETS"}}; len(l.Drives) != 1 || l.Drives[0] != want[0] {
		t.Errorf("drives %+v, want %+v", l.Drives, want)
	}
	if got := l.Spec(dl); got != "downloads" {
		t.Errorf("Spec(Downloads) = %q, want downloads", got)
	}
	l = ThisComputer(ctx, getenv, nil)
	if l.Start != dl || len(l.Drives) != 0 {
		t.Errorf("without a drive detector: %+v, want to start in %s with no drives", l, dl)
	}
}
