package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/destinations/destinationtest"
)

// sticksMachine builds the "sticks" fixture with only the devices in
// plugged mounted, at real folders under a temporary $MNT, and returns a
// detector for it and $MNT.
func sticksMachine(t *testing.T, plugged ...string) (Detector, string) {
	t.Helper()
	mnt := t.TempDir()
	root := fixtureMachineWith(t, "sticks", func(mountinfo string) string {
		var keep []string
		for _, line := range strings.Split(mountinfo, "\n") {
			m, err := parseMountinfo(strings.NewReader(line))
			if err != nil {
				t.Fatal(err)
			}
			if len(m) == 0 {
				continue
			}
			if strings.HasPrefix(m[0].MountPoint, "$MNT") {
				dev := strings.TrimPrefix(m[0].Source, "/dev/")
				if !contains(plugged, dev) {
					continue
				}
				dir := strings.Replace(m[0].MountPoint, "$MNT", mnt, 1)
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			keep = append(keep, strings.ReplaceAll(line, "$MNT", mnt))
		}
		return strings.Join(keep, "\n") + "\n"
	})
	return Detector{ProcRoot: root, SysRoot: root, DevRoot: root, MountRoots: []string{}, Space: fakeSpace(map[string][2]int64{
		mnt + "/WALLETS":        {8 * gib, 7 * gib},
		mnt + "/BACKUP 2":       {16 * gib, 2 * gib},
		mnt + "/second/WALLETS": {4 * gib, 1 * gib},
	})}, mnt
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestRegisterUSB(t *testing.T) {
	errChooser := errors.New("the user closed the window")
	tests := []struct {
		name    string
		plugged []string
		spec    string   // $MNT stands for the mount folder
		choose  string   // "" means non-interactive; "second" picks the second drive; "fail" fails
		want    string   // the chosen mount point under $MNT, or "" for an error
		errWant []string // substrings of the error
		specOut string   // the opened destination's Spec
	}{
		{name: "none plugged", spec: "usb", errWant: []string{"no removable drive found: plug one in, or use folder:PATH"}},
		{name: "none plugged with label", spec: "usb:WALLETS", errWant: []string{"no removable drive found", "WALLETS"}},
		{name: "only one", plugged: []string{"sdb1"}, spec: "usb", want: "WALLETS", specOut: "usb:WALLETS"},
		{name: "several, nobody to ask", plugged: []string{"sdb1", "sdc1"}, spec: "usb", errWant: []string{"several removable drives are plugged in", "$MNT/WALLETS", "$MNT/BACKUP 2", "usb:LABEL"}},
		{name: "several, user picks", plugged: []string{"sdb1", "sdc1"}, spec: "usb", choose: "second", want: "WALLETS", specOut: "usb:WALLETS"},
		{name: "several, chooser fails", plugged: []string{"sdb1", "sdc1"}, spec: "usb", choose: "fail", errWant: []string{"choosing a drive", errChooser.Error()}},
		{name: "by label", plugged: []string{"sdb1", "sdc1"}, spec: "usb:BACKUP 2", want: "BACKUP 2", specOut: "usb:BACKUP 2"},
		{name: "by label, other case", plugged: []string{"sdb1", "sdc1"}, spec: "usb:backup 2", want: "BACKUP 2", specOut: "usb:BACKUP 2"},
		{name: "by mount point", plugged: []string{"sdb1", "sdc1"}, spec: "usb:$MNT/BACKUP 2/", want: "BACKUP 2", specOut: "usb:BACKUP 2"},
		{name: "unknown label", plugged: []string{"sdb1", "sdc1"}, spec: "usb:NOPE", errWant: []string{`no removable drive labelled "NOPE"`, "$MNT/WALLETS"}},
		{name: "unknown mount point", plugged: []string{"sdb1"}, spec: "usb:/nowhere", errWant: []string{"no removable drive is mounted at /nowhere"}},
		{name: "same label twice", plugged: []string{"sdb1", "sdd1"}, spec: "usb:WALLETS", errWant: []string{`several removable drives are labelled "WALLETS"`, "usb:/MOUNT/POINT"}},
		{name: "same label, by mount point", plugged: []string{"sdb1", "sdd1"}, spec: "usb:$MNT/second/WALLETS", want: "second/WALLETS", specOut: "usb:$MNT/second/WALLETS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			det, mnt := sticksMachine(t, tt.plugged...)
			var choose ChooseDrive
			var offered []Drive
			switch tt.choose {
			case "second":
				choose = func(ctx context.Context, drives []Drive) (Drive, error) {
					offered = drives
					return drives[1], nil
				}
			case "fail":
				choose = func(ctx context.Context, drives []Drive) (Drive, error) { return Drive{}, errChooser }
			}
			r := destinations.NewRegistry()
			Register(r, envOf(nil), det, choose)
			spec := strings.ReplaceAll(tt.spec, "$MNT", mnt)
			d, err := r.Open(context.Background(), spec)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("Open(%q) succeeded, want an error", spec)
				}
				for _, w := range tt.errWant {
					if w = strings.ReplaceAll(w, "$MNT", mnt); !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not say %q", err, w)
					}
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error %q spans several lines", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open(%q): %v", spec, err)
			}
			if tt.choose == "second" && len(offered) != 2 {
				t.Fatalf("chooser was offered %d drives, want 2", len(offered))
			}
			df := d.(*DriveFolder)
			wantDir := filepath.Join(mnt, tt.want, BackupFolder)
			if df.Dir() != wantDir {
				t.Fatalf("backup folder = %s, want %s", df.Dir(), wantDir)
			}
			if got, want := d.Spec(), strings.ReplaceAll(tt.specOut, "$MNT", mnt); got != want {
				t.Fatalf("Spec = %q, want %q", got, want)
			}
			if _, err := os.Lstat(wantDir); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("opening the drive made %s before any backup went there (%v)", wantDir, err)
			}
			destinationtest.Put(t, d, "backup", []byte("coins"))
			if info, err := os.Stat(wantDir); err != nil || info.Mode().Perm() != 0o700 {
				t.Fatalf("backup folder: %v; want it made with 0700", err)
			}
			if got, err := os.ReadFile(filepath.Join(wantDir, "backup")); err != nil || string(got) != "coins" {
				t.Fatalf("backup on the drive holds %q, %v", got, err)
			}
		})
	}
}

func TestRegisterFolderAndDownloads(t *testing.T) {
	home := t.TempDir()
	if err := os.Mkdir(filepath.Join(home, "safe"), 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		spec    string
		wantDir string // "" means an error is wanted
		errWant string
	}{
		{spec: "folder:" + home + "/safe", wantDir: home + "/safe"},
		{spec: home + "/safe", wantDir: home + "/safe"},
		{spec: "folder:~/safe", wantDir: home + "/safe"},
		{spec: "folder:", errWant: "no folder given: use folder:PATH"},
		{spec: "folder:" + home + "/missing", errWant: "does not exist"},
		{spec: "downloads", wantDir: home + "/Downloads"},
		{spec: "downloads:x", errWant: "downloads takes no argument"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			r := destinations.NewRegistry()
			Register(r, envOf(map[string]string{"HOME": home}), Detector{}, nil)
			d, err := r.Open(context.Background(), tt.spec)
			if tt.wantDir == "" {
				if err == nil || !strings.Contains(err.Error(), tt.errWant) {
					t.Fatalf("Open(%q) = %v, want an error saying %q", tt.spec, err, tt.errWant)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := d.(*Folder).Dir(); got != tt.wantDir {
				t.Fatalf("Dir = %s, want %s", got, tt.wantDir)
			}
			if d.Spec() != "folder:"+tt.wantDir {
				t.Fatalf("Spec = %s", d.Spec())
			}
		})
	}
}

// TestDiscoveredFreeSpace: the places listed give their free space, and
// a full drive's is 0, not left out as if it were unknown.
func TestDiscoveredFreeSpace(t *testing.T) {
	det, _ := sticksMachine(t, "sdb1")
	for _, free := range []int64{0, 5 << 30} {
		det.Space = func(string) (int64, int64, error) { return 8 << 30, free, nil }
		r := destinations.NewRegistry()
		Register(r, envOf(nil), det, nil)
		places, err := r.Available(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var usb *destinations.Place
		for i := range places {
			if places[i].Kind == "usb" {
				usb = &places[i]
			}
		}
		if usb == nil || usb.Free == nil || *usb.Free != free {
			t.Fatalf("with %d bytes free, places are %+v; want the drive with that free space", free, places)
		}
		b, err := json.Marshal(usb)
		if err != nil || !strings.Contains(string(b), fmt.Sprintf(`"free_bytes":%d`, free)) {
			t.Errorf("JSON %s (%v), want free_bytes %d", b, err, free)
		}
	}
}
