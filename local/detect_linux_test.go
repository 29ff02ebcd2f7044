package local

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fixtureMachine builds testdata/drives/NAME (its mountinfo and its sysfs
// and /dev tree) in a temporary folder and returns that root.
func fixtureMachine(t *testing.T, name string) string {
	t.Helper()
	return fixtureMachineWith(t, name, func(s string) string { return s })
}

// fixtureMachineWith is fixtureMachine with the mountinfo passed through
// edit first.
func fixtureMachineWith(t *testing.T, name string, edit func(mountinfo string) string) string {
	t.Helper()
	root := t.TempDir()
	src := filepath.Join("testdata", "drives", name)
	mountinfo, err := os.ReadFile(filepath.Join(src, "mountinfo"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "proc/self/mountinfo"), edit(string(mountinfo)))
	tree, err := os.Open(filepath.Join(src, "tree"))
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	sc := bufio.NewScanner(tree)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		kind, rest, _ := strings.Cut(line, " ")
		path, value, _ := strings.Cut(rest, " ")
		full := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		switch kind {
		case "file":
			err = os.WriteFile(full, []byte(strings.ReplaceAll(value, `\n`, "\n")+"\n"), 0o644)
		case "link":
			err = os.Symlink(value, full)
		default:
			t.Fatalf("%s/tree: bad line %q", src, line)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return root
}

func TestDetectorDrives(t *testing.T) {
	space := fakeSpace(map[string][2]int64{
		"/":                       {100 * gib, 50 * gib},
		"/media/ana/WALLETS":      {8 * gib, 7 * gib},
		"/srv/stick":              {8 * gib, 7 * gib},
		"/home/ana/stick-old":     {8 * gib, 7 * gib},
		"/media/ana/SD CARD":      {32 * gib, 30 * gib},
		"/media/ana/Windows":      {200 * gib, 20 * gib},
		"/media/ana/BTRSTICK":     {32 * gib, 31 * gib},
		"/media/ana/FUSESTICK":    {64 * gib, 60 * gib},
		"/run/media/ana/Big Disk": {1000 * gib, 900 * gib},
		"/media/ana/mystery":      {16 * gib, 1 * gib},
		"/home/pi/cake":           {4 * gib, 3 * gib},
		"/media/pi/STICK":         {4 * gib, 3 * gib},
		"/data":                   {2000 * gib, 1000 * gib},
	})
	tests := []struct {
		machine string
		user    string
		roots   []string
		want    []Drive
	}{
		{
			machine: "laptop",
			user:    "ana",
			want: []Drive{
				{Label: "BTRSTICK", MountPoint: "/media/ana/BTRSTICK", Device: "/dev/sdg1", FSType: "btrfs", Size: 32 * gib, Free: 31 * gib, USB: true, Removable: true},
				{Label: "FUSESTICK", MountPoint: "/media/ana/FUSESTICK", Device: "/dev/sdd1", FSType: "exfat", Size: 64 * gib, Free: 60 * gib, USB: true, Removable: true, UUID: "64E3-1A2B"},
				{Label: "SD CARD", MountPoint: "/media/ana/SD CARD", Device: "/dev/mmcblk0p1", FSType: "exfat", Size: 32 * gib, Free: 30 * gib, Removable: true},
				{Label: "WALLETS", MountPoint: "/media/ana/WALLETS", Device: "/dev/sdb1", FSType: "vfat", Size: 8 * gib, Free: 7 * gib, USB: true, Removable: true, UUID: "4A1C-9F02"},
				{Label: "mystery", MountPoint: "/media/ana/mystery", Device: "/dev/sde1", FSType: "ext4", Size: 16 * gib, Free: 1 * gib, Removable: true},
				{Label: "Big Disk", MountPoint: "/run/media/ana/Big Disk", Device: "/dev/sdc1", FSType: "ext4", Size: 1000 * gib, Free: 900 * gib, USB: true, UUID: "0d6f1c2e-8a3b-4c5d-9e7f-1a2b3c4d5e6f"},
			},
		},
		{
			// Without media roots the device nobody can classify is not
			// taken for a removable drive.
			machine: "laptop",
			user:    "ana",
			roots:   []string{},
			want: []Drive{
				{Label: "BTRSTICK", MountPoint: "/media/ana/BTRSTICK", Device: "/dev/sdg1", FSType: "btrfs", Size: 32 * gib, Free: 31 * gib, USB: true, Removable: true},
				{Label: "FUSESTICK", MountPoint: "/media/ana/FUSESTICK", Device: "/dev/sdd1", FSType: "exfat", Size: 64 * gib, Free: 60 * gib, USB: true, Removable: true, UUID: "64E3-1A2B"},
				{Label: "SD CARD", MountPoint: "/media/ana/SD CARD", Device: "/dev/mmcblk0p1", FSType: "exfat", Size: 32 * gib, Free: 30 * gib, Removable: true},
				{Label: "WALLETS", MountPoint: "/media/ana/WALLETS", Device: "/dev/sdb1", FSType: "vfat", Size: 8 * gib, Free: 7 * gib, USB: true, Removable: true, UUID: "4A1C-9F02"},
				{Label: "Big Disk", MountPoint: "/run/media/ana/Big Disk", Device: "/dev/sdc1", FSType: "ext4", Size: 1000 * gib, Free: 900 * gib, USB: true, UUID: "0d6f1c2e-8a3b-4c5d-9e7f-1a2b3c4d5e6f"},
			},
		},
		{machine: "desktop", user: "bob", want: nil},
		{
			// The SD card the Pi boots from is the system, not a drive;
			// the stick is listed at its whole mount, not at the bind
			// mount of a subfolder listed before it.
			machine: "pi",
			user:    "pi",
			want: []Drive{
				{Label: "STICK", MountPoint: "/media/pi/STICK", Device: "/dev/sda1", FSType: "vfat", Size: 4 * gib, Free: 3 * gib, USB: true, Removable: true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.machine, func(t *testing.T) {
			root := fixtureMachine(t, tt.machine)
			det := Detector{
				ProcRoot:   root,
				SysRoot:    root,
				DevRoot:    root,
				RunRoot:    root,
				MountRoots: tt.roots,
				Getenv:     envOf(map[string]string{"USER": tt.user}),
				Space:      space,
			}
			got, err := det.Drives(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Drives =\n%s\nwant\n%s", drivesText(got), drivesText(tt.want))
			}
		})
	}
}

func TestDetectorErrors(t *testing.T) {
	root := t.TempDir()
	if _, err := (Detector{ProcRoot: root, SysRoot: root}).Drives(context.Background()); err == nil {
		t.Fatal("Drives without a mountinfo succeeded")
	}
	writeFile(t, filepath.Join(root, "proc/self/mountinfo"), "36 35 98:0 /mnt1\n")
	_, err := (Detector{ProcRoot: root, SysRoot: root}).Drives(context.Background())
	if err == nil || !strings.Contains(err.Error(), "mountinfo line 1") {
		t.Fatalf("Drives with a malformed mountinfo = %v, want an error naming line 1", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	machine := fixtureMachine(t, "laptop")
	if _, err := (Detector{ProcRoot: machine, SysRoot: machine}).Drives(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Drives with a canceled context = %v", err)
	}
}

func TestParseMountinfo(t *testing.T) {
	tests := []struct {
		line string
		want mount
	}{
		{
			`36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue`,
			mount{Major: 98, Minor: 0, Root: "/mnt1", MountPoint: "/mnt2", FSType: "ext3", Source: "/dev/root"},
		},
		{
			`710 28 179:1 / /media/ana/SD\040CARD\011tab\134back rw,nosuid shared:431 - exfat /dev/mmcblk0p1 rw`,
			mount{Major: 179, Minor: 1, Root: "/", MountPoint: "/media/ana/SD CARD\ttab\\back", FSType: "exfat", Source: "/dev/mmcblk0p1"},
		},
		{
			// No optional fields at all.
			`22 28 0:21 / /proc rw - proc proc rw`,
			mount{Major: 0, Minor: 21, Root: "/", MountPoint: "/proc", FSType: "proc", Source: "proc"},
		},
		{
			// Several optional fields; an unfinished escape stays as it is.
			`40 28 8:17 / /media/x\04 rw shared:1 master:2 propagate_from:3 - vfat /dev/sdb1 rw`,
			mount{Major: 8, Minor: 17, Root: "/", MountPoint: `/media/x\04`, FSType: "vfat", Source: "/dev/sdb1"},
		},
	}
	for _, tt := range tests {
		got, err := parseMountinfo(strings.NewReader(tt.line + "\n"))
		if err != nil {
			t.Fatalf("%s: %v", tt.line, err)
		}
		if len(got) != 1 || got[0] != tt.want {
			t.Fatalf("parse %q = %+v, want %+v", tt.line, got, tt.want)
		}
	}
	for _, bad := range []string{"1 2 3", "36 35 98 /a /b rw - ext4 /dev/x rw", "36 35 a:b /a /b rw - ext4 /dev/x rw", "36 35 8:1 /a /b rw shared:1 ext4 /dev/x rw"} {
		if _, err := parseMountinfo(strings.NewReader(bad)); err == nil {
			t.Errorf("parse %q succeeded", bad)
		}
	}
}

func TestUnescapeUdev(t *testing.T) {
	for in, want := range map[string]string{`Big\x20Disk`: "Big Disk", `a\x2fb`: "a/b", `plain`: "plain", `bad\xzz`: `bad\xzz`, `end\x2`: `end\x2`} {
		if got := unescapeUdev(in); got != want {
			t.Errorf("unescapeUdev(%q) = %q, want %q", in, got, want)
		}
	}
}
