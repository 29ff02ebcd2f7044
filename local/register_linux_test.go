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
	root := fixtureMachineWith(t, "sticks", func(mountinfo string) string { return sticksPlugged(t, mountinfo, mnt, plugged) })
	return Detector{ProcRoot: root, SysRoot: root, DevRoot: root, MountRoots: []string{}, Space: fakeSpace(map[string][2]int64{
		mnt + "/WALLETS":        {8 * gib, 7 * gib},
		mnt + "/BACKUP 2":       {16 * gib, 2 * gib},
		mnt + "/second/WALLETS": {4 * gib, 1 * gib},
		mnt + "/lower/wallets":  {2 * gib, 1 * gib},
	})}, mnt
}

// sticksPlugged is the "sticks" fixture's mountinfo with only the devices
// in plugged mounted, at real folders under mnt.
func sticksPlugged(t *testing.T, mountinfo, mnt string, plugged []string) string {
	t.Helper()
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
}

// replug changes which of the "sticks" machine's devices are mounted, as
// plugging and unplugging them does: det (sticksMachine's, with mnt) sees
// only those in plugged from now on.
func replug(t *testing.T, det Detector, mnt string, plugged ...string) {
	t.Helper()
	mountinfo, err := os.ReadFile(filepath.Join("testdata", "drives", "sticks", "mountinfo"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(det.ProcRoot, "proc/self/mountinfo"), sticksPlugged(t, string(mountinfo), mnt, plugged))
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

// TestRegisterUSBAsksOnce: the drive a person picks for a bare "usb" is
// what "usb" means for the rest of the registry's life (a watch): later
// opens are not asked, find that drive again by its label (or its mount
// point, when it shares its label), fail with the usual one line when it
// is not plugged in rather than take another drive, and use it again
// once it is back. Until a drive is chosen, every open looks afresh; with
// nobody to ask, nothing is remembered; an open WithoutAsking asks
// nothing, and fails as with nobody to ask until a drive is chosen.
func TestRegisterUSBAsksOnce(t *testing.T) {
	type step struct {
		plugged []string
		spec    string // "" is "usb"
		answer  int    // the drive (1-based) picked when asked; -1: no answer; 0: not to be asked
		want    string // the opened drive's mount point under $MNT
		err     string // the whole error, $MNT for the mount folder; "" for none
		quiet   bool   // opened WithoutAsking
	}
	const (
		wallets = "WALLETS ($MNT/WALLETS, vfat, 7.0 GiB free of 8.0 GiB)"
		backup2 = "BACKUP 2 ($MNT/BACKUP 2, exfat, 2.0 GiB free of 16.0 GiB)"
	)
	for _, tc := range []struct {
		name   string
		nobody bool // no chooser: nobody to ask
		steps  []step
	}{
		{name: "chosen by label", steps: []step{
			{plugged: []string{"sdb1", "sdc1"}, answer: 2, want: "WALLETS"},
			{plugged: []string{"sdb1", "sdc1"}, want: "WALLETS"},
			{plugged: []string{"sdb1", "sdc1"}, spec: "usb:BACKUP 2", want: "BACKUP 2"},
			{plugged: []string{"sdc1"}, err: `destination usb: no removable drive labelled "WALLETS"; drives found: ` + backup2},
			{plugged: nil, err: `destination usb: no removable drive found (looking for "WALLETS"): plug one in, or use folder:PATH`},
			// A label that differs in case is another drive's.
			{plugged: []string{"sde1"}, err: `destination usb: no removable drive labelled "WALLETS"; drives found: wallets ($MNT/lower/wallets, vfat, 1.0 GiB free of 2.0 GiB)`},
			// Another stick of that label, alone, is found by it.
			{plugged: []string{"sdc1", "sdd1"}, want: "second/WALLETS"},
			// Of two, the one chosen.
			{plugged: []string{"sdb1", "sdd1"}, want: "WALLETS"},
			{plugged: []string{"sdb1", "sdc1"}, want: "WALLETS"},
		}},
		{name: "chosen by mount point, its label shared", steps: []step{
			{plugged: []string{"sdb1", "sdd1"}, answer: 2, want: "second/WALLETS"},
			{plugged: []string{"sdb1"}, err: "destination usb: no removable drive is mounted at $MNT/second/WALLETS; drives found: " + wallets},
			{plugged: []string{"sdb1", "sdc1", "sdd1"}, want: "second/WALLETS"},
		}},
		{name: "no answer, asked again", steps: []step{
			{plugged: []string{"sdb1", "sdc1"}, answer: -1, err: "destination usb: choosing a drive: no drive chosen"},
			{plugged: []string{"sdb1", "sdc1"}, answer: 1, want: "BACKUP 2"},
			{plugged: []string{"sdb1", "sdc1"}, want: "BACKUP 2"},
		}},
		{name: "one drive, nothing asked, nothing remembered", steps: []step{
			{plugged: []string{"sdb1"}, want: "WALLETS"},
			{plugged: []string{"sdc1"}, want: "BACKUP 2"},
			{plugged: []string{"sdb1", "sdc1"}, answer: 1, want: "BACKUP 2"},
		}},
		{name: "told not to ask", steps: []step{
			{plugged: []string{"sdb1", "sdc1"}, quiet: true, err: "several removable drives are plugged in: " + backup2 + ", " + wallets + "; pick one with usb:LABEL or usb:/MOUNT/POINT"},
			{plugged: []string{"sdb1"}, quiet: true, want: "WALLETS"},
			{plugged: []string{"sdb1", "sdc1"}, answer: 2, want: "WALLETS"},
			{plugged: []string{"sdb1", "sdc1"}, quiet: true, want: "WALLETS"},
			{plugged: []string{"sdc1"}, quiet: true, err: `destination usb: no removable drive labelled "WALLETS"; drives found: ` + backup2},
		}},
		{name: "nobody to ask", nobody: true, steps: []step{
			{plugged: []string{"sdb1", "sdc1"}, err: "several removable drives are plugged in: " + backup2 + ", " + wallets + "; pick one with usb:LABEL or usb:/MOUNT/POINT"},
			{plugged: []string{"sdb1"}, want: "WALLETS"},
			{plugged: []string{"sdc1"}, want: "BACKUP 2"},
			{plugged: []string{"sdb1", "sdc1"}, err: "several removable drives are plugged in: " + backup2 + ", " + wallets + "; pick one with usb:LABEL or usb:/MOUNT/POINT"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			det, mnt := sticksMachine(t)
			var (
				answer int // the step's
				asked  int // questions in the step
			)
			choose := func(ctx context.Context, drives []Drive) (Drive, error) {
				asked++
				if answer < 1 || answer > len(drives) {
					return Drive{}, ErrNoDriveChosen
				}
				return drives[answer-1], nil
			}
			r := destinations.NewRegistry()
			if tc.nobody {
				Register(r, envOf(nil), det, nil)
			} else {
				Register(r, envOf(nil), det, choose)
			}
			for i, st := range tc.steps {
				replug(t, det, mnt, st.plugged...)
				answer, asked = st.answer, 0
				spec := st.spec
				if spec == "" {
					spec = "usb"
				}
				ctx := context.Background()
				if st.quiet {
					ctx = WithoutAsking(ctx)
				}
				d, err := r.Open(ctx, spec)
				if want := st.answer != 0; (asked == 1) != want || asked > 1 {
					t.Errorf("step %d: asked %d times; want a question: %v", i, asked, want)
				}
				if st.err != "" {
					if want := strings.ReplaceAll(st.err, "$MNT", mnt); err == nil || err.Error() != want {
						t.Fatalf("step %d: Open(%q) = %v, want the error %q", i, spec, err, want)
					}
					continue
				}
				if err != nil {
					t.Fatalf("step %d: Open(%q): %v", i, spec, err)
				}
				if got, want := d.(*DriveFolder).Dir(), filepath.Join(mnt, st.want, BackupFolder); got != want {
					t.Errorf("step %d: Open(%q) is %s, want %s", i, spec, got, want)
				}
				d.Close()
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
