package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/inbox"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/schedule"
)

// TestOptionsCheck: counts and lengths below zero, a folder that is not
// one and no Downloads folder are each refused with their own error and
// one line; a folder is made absolute, and none means Downloads.
func TestOptionsCheck(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	downloads := filepath.Join(home, "Downloads")
	file := filepath.Join(home, "notes.txt")
	for _, err := range []error{os.Mkdir(downloads, 0o700), os.WriteFile(file, []byte("x"), 0o600)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	withHome := func(k string) string {
		return map[string]string{"HOME": home}[k]
	}
	noHome := func(string) string { return "" }
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		opts    inbox.Options
		getenv  func(string) string
		unix    bool   // the Downloads folder is found through HOME
		wantDir string // the folder Check settles on, when it accepts
		wantErr string // the whole error, when it refuses
		errType any    // a pointer to the error's type, when it refuses
	}{
		{name: "folder", opts: inbox.Options{Dir: home, Settle: time.Second}, getenv: noHome, wantDir: home},
		{name: "relative folder", opts: inbox.Options{Dir: "."}, getenv: noHome, wantDir: wd},
		{name: "downloads", getenv: withHome, unix: true, wantDir: downloads},
		{name: "no downloads", getenv: noHome, unix: true, errType: new(*inbox.DownloadsError),
			wantErr: "no folder to watch: cannot find the Downloads folder: HOME is not set; use folder:PATH"},
		{name: "missing", opts: inbox.Options{Dir: filepath.Join(home, "nope")}, getenv: noHome, errType: new(*inbox.NotFolderError),
			wantErr: filepath.Join(home, "nope") + " is not a folder to watch"},
		{name: "a file", opts: inbox.Options{Dir: file}, getenv: noHome, errType: new(*inbox.NotFolderError),
			wantErr: file + " is not a folder to watch"},
		{name: "negative count", opts: inbox.Options{Dir: file, Retention: schedule.Retention{KeepDaily: -3}}, getenv: noHome,
			errType: new(*schedule.NegativeKeepError), wantErr: "keep_daily: -3 is negative"},
		{name: "negative settle", opts: inbox.Options{Dir: file, Settle: -time.Second}, getenv: noHome,
			errType: new(*inbox.NegativeError), wantErr: "settle: -1s is negative"},
		{name: "negative poll", opts: inbox.Options{Poll: -5 * time.Minute}, getenv: noHome,
			errType: new(*inbox.NegativeError), wantErr: "poll: -5m0s is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.unix && runtime.GOOS == "windows" {
				t.Skip("Windows finds Downloads through the system, not HOME")
			}
			opts := tt.opts
			err := opts.Check(tt.getenv)
			if tt.wantErr == "" {
				if err != nil || opts.Dir != tt.wantDir {
					t.Fatalf("Check = %v, folder %q; want %q", err, opts.Dir, tt.wantDir)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr || !errors.As(err, tt.errType) {
				t.Fatalf("Check = %v (%T), want %q as %T", err, err, tt.wantErr, tt.errType)
			}
		})
	}
}

// TestOptionsOpen: Open refuses a destination that is the watched folder
// and gives the inbox the options' settings, its state file next to the
// scheduler's, and says what it watches and where it ships to; a bare
// usb is opened first, so that a question which drive left unanswered
// ends it before anything else is opened.
func TestOptionsOpen(t *testing.T) {
	t.Parallel()
	home, dir, dest := t.TempDir(), t.TempDir(), t.TempDir()
	getenv := func(k string) string {
		return map[string]string{"HOME": home, "XDG_STATE_HOME": filepath.Join(home, "state"), "XDG_CONFIG_HOME": filepath.Join(home, "config")}[k]
	}
	paths, err := schedule.DefaultPaths(getenv)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	opts := inbox.Options{Dir: dir, Dests: []string{"folder:" + dir}}
	if _, err := opts.Open(ctx, opener(), getenv, nil); !errors.Is(err, inbox.ErrDestIsInbox) {
		t.Fatalf("Open shipping into the watched folder = %v, want ErrDestIsInbox", err)
	}
	opts = inbox.Options{Dir: dir, Dests: []string{"folder:" + dest}, Password: "pw", RemoveAfterSend: true,
		Retention: schedule.Retention{KeepLast: 2}, Settle: time.Second, Poll: time.Minute}
	in, err := opts.Open(ctx, opener(), getenv, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := inbox.Options{Dir: in.Dir, Dests: in.Dests, Password: in.Password, RemoveAfterSend: in.RemoveAfterSend,
		Retention: in.Retention, Settle: in.Settle, Poll: in.Poll}
	if fmt.Sprint(got) != fmt.Sprint(opts) || filepath.Dir(in.State) != filepath.Dir(paths.State) {
		t.Errorf("Open made %+v with state %s, want %+v with state next to %s", got, in.State, opts, paths.State)
	}

	want := "Watching " + dir + " for the wallet app's exports; shipping them to folder:" + dest + ". Stop with Ctrl-C."
	if line := opts.WatchingLine(); line != want {
		t.Errorf("WatchingLine = %q, want %q", line, want)
	}
	opts.Dests = append(opts.Dests, "usb")
	if line, want := opts.WatchingLine(), strings.Replace(want, dest+".", dest+", usb.", 1); line != want {
		t.Errorf("WatchingLine = %q, want %q", line, want)
	}

	var opened []string
	open := func(ctx context.Context, spec string) (destinations.Destination, error) {
		opened = append(opened, spec)
		if spec == "usb" {
			return nil, fmt.Errorf("destination usb: choosing a drive: %w", local.ErrNoDriveChosen)
		}
		return opener()(ctx, spec)
	}
	opts.Dests = []string{"folder:" + dest, "usb:WALLETS", "usb"}
	if _, err := opts.Open(ctx, open, getenv, nil); !errors.Is(err, local.ErrNoDriveChosen) || !slices.Equal(opened, []string{"usb"}) {
		t.Fatalf("Open with no drive chosen = %v after opening %q, want ErrNoDriveChosen after usb alone", err, opened)
	}
}
