package inbox_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/inbox"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/schedule"
)

func TestNewRefusesTheWatchedFolderAndSharesState(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	downloads := filepath.Join(home, "Downloads")
	getenv := func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}
	paths := schedule.Paths{State: filepath.Join(home, "state", "state.json")}
	other := t.TempDir()
	tests := []struct {
		name, dir string
		dests     []string
		refused   string // the destination refused, "" for none
	}{
		{"a folder elsewhere", downloads, []string{"folder:" + other}, ""},
		{"the folder itself", other, []string{"usb", "folder:" + other}, "folder:" + other},
		{"downloads into Downloads", downloads, []string{"downloads"}, "downloads"},
		{"downloads from elsewhere", other, []string{"downloads"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := inbox.New(tt.dir, tt.dests, opener(), paths, getenv, nil)
			var refused *inbox.DestIsInboxError
			switch {
			case tt.refused == "" && err != nil:
				t.Fatalf("New: %v", err)
			case tt.refused != "" && (!errors.As(err, &refused) || !errors.Is(err, inbox.ErrDestIsInbox) || refused.Dest != tt.refused):
				t.Fatalf("New: %v, want %s refused", err, tt.refused)
			case tt.refused == "" && filepath.Dir(in.State) != filepath.Dir(paths.State):
				t.Errorf("state file %s is not next to the scheduler's", in.State)
			}
		})
	}
	a, _ := inbox.New(other, []string{"usb"}, opener(), paths, getenv, nil)
	b, _ := inbox.New(other, []string{"folder:" + downloads}, opener(), paths, getenv, nil)
	c, _ := inbox.New(downloads, []string{"usb"}, opener(), paths, getenv, nil)
	if a.State != b.State || a.State == c.State {
		t.Errorf("state files %s, %s, %s: want one per watched folder", a.State, b.State, c.State)
	}

	if dir, err := inbox.Folder(schedule.Job{Watch: schedule.WatchDownloads}, getenv); err != nil || dir != downloads {
		t.Errorf("Folder(downloads) = %q, %v; want %s", dir, err, downloads)
	}
	if dir, err := inbox.Folder(schedule.Job{Watch: other}, getenv); err != nil || dir != other {
		t.Errorf("Folder(%s) = %q, %v", other, dir, err)
	}
}

// TestDestinationThatIsTheWatchedFolderReachedThroughALink: watching
// Downloads through a link and shipping to downloads, the "copy" found
// there is the export itself. It is no copy: the shipment fails with
// ErrDestIsInbox, and --remove-after-send leaves the export in place
// rather than deleting the only one.
func TestDestinationThatIsTheWatchedFolderReachedThroughALink(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	downloads := filepath.Join(home, "Downloads")
	if err := os.Mkdir(downloads, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "dl")
	if err := os.Symlink(downloads, link); err != nil {
		t.Skip("cannot make a symbolic link:", err)
	}
	getenv := func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}
	r := destinations.NewRegistry()
	local.Register(r, getenv, local.Detector{}, nil)
	in, err := inbox.New(link, []string{"downloads"}, r.Open, schedule.Paths{State: filepath.Join(t.TempDir(), "state.json")}, getenv, nil)
	if err != nil {
		t.Fatal(err)
	}
	in.RemoveAfterSend = true
	in.Settle = time.Millisecond
	export := snapshot(t, 0)
	if err := os.WriteFile(filepath.Join(downloads, "export"), export, 0o600); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		rep, err := in.Once(t.Context())
		if !errors.Is(err, inbox.ErrDestIsInbox) {
			t.Errorf("Once: %v, want ErrDestIsInbox", err)
		}
		if s, _ := status(rep, "export"); s != inbox.Failed {
			t.Errorf("status %v, want failed", s)
		}
		holdsOnly(t, downloads, export)
	}
}

// TestCheckDestsRefusesTheWatchedFolderReachedAnotherWay: before anything
// is shipped, a destination that is the watched folder through a symbolic
// link (folder: on the link, downloads when Downloads is watched through a
// link) is a *DestIsInboxError naming it, and two destinations that are
// one folder are refused as one given twice; a destination that does not
// open now is left to the passes, and a folder elsewhere is fine.
func TestCheckDestsRefusesTheWatchedFolderReachedAnotherWay(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	downloads := filepath.Join(home, "Downloads")
	if err := os.Mkdir(downloads, 0o700); err != nil {
		t.Fatal(err)
	}
	links := t.TempDir()
	dlLink := filepath.Join(links, "dl")
	other := t.TempDir()
	otherLink := filepath.Join(links, "other")
	for target, link := range map[string]string{downloads: dlLink, other: otherLink} {
		if err := os.Symlink(target, link); err != nil {
			t.Skip("cannot make a symbolic link:", err)
		}
	}
	getenv := func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}
	r := destinations.NewRegistry()
	local.Register(r, getenv, local.Detector{Getenv: getenv}, nil)
	tests := []struct {
		name    string
		dir     string
		dests   []string
		refused string // the destination refused as the watched folder
		twice   bool   // refused as one folder given twice
	}{
		{"a folder elsewhere", downloads, []string{"folder:" + other}, "", false},
		{"the folder through a link", downloads, []string{"folder:" + other, "folder:" + dlLink}, "folder:" + dlLink, false},
		{"watched through a link, shipped to downloads", dlLink, []string{"downloads"}, "downloads", false},
		{"a stick not plugged in", downloads, []string{"usb:NO-SUCH-STICK", "folder:" + other}, "", false},
		{"one folder two ways", downloads, []string{"folder:" + other, "folder:" + otherLink}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := inbox.New(tt.dir, tt.dests, r.Open, schedule.Paths{State: filepath.Join(t.TempDir(), "state.json")}, getenv, nil)
			if err != nil {
				t.Fatalf("New: %v (the path check should not see through the link)", err)
			}
			err = in.CheckDests(t.Context())
			var refused *inbox.DestIsInboxError
			switch {
			case tt.refused != "":
				if !errors.As(err, &refused) || !errors.Is(err, inbox.ErrDestIsInbox) || refused.Dest != tt.refused {
					t.Fatalf("CheckDests: %v, want %s refused as the watched folder", err, tt.refused)
				}
			case tt.twice:
				if !errors.Is(err, job.ErrDestTwice) {
					t.Fatalf("CheckDests: %v, want ErrDestTwice", err)
				}
			case err != nil:
				t.Fatalf("CheckDests: %v", err)
			}
		})
	}
}

// TestCheckDestsRefusesABindMountOfTheWatchedFolder: a destination that
// is a bind mount of the watched folder (the same inode, no link to see
// through) is refused as the watched folder, and an export stays put.
func TestCheckDestsRefusesABindMountOfTheWatchedFolder(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("a bind mount needs root on Linux")
	}
	watched := t.TempDir()
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "--bind", watched, mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot bind-mount %s: %v: %s", watched, err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", mnt).Run() })
	export := snapshot(t, 0)
	if err := os.WriteFile(filepath.Join(watched, "export"), export, 0o600); err != nil {
		t.Fatal(err)
	}
	in, err := inbox.New(watched, []string{"folder:" + mnt}, opener(), schedule.Paths{State: filepath.Join(t.TempDir(), "state.json")}, func(string) string { return "" }, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	var refused *inbox.DestIsInboxError
	if err := in.CheckDests(t.Context()); !errors.As(err, &refused) || refused.Dest != "folder:"+mnt {
		t.Fatalf("CheckDests: %v, want folder:%s refused as the watched folder", err, mnt)
	}
	holdsOnly(t, watched, export)
}
