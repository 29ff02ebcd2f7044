package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/schedule"
)

// TestLsShowsOnlyBackups: ls of Downloads lists backups by name or by
// content and counts the other files.
func TestLsShowsOnlyBackups(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	file, _ := sampleBackup(t)
	downloads := filepath.Join(c.vars["HOME"], "Downloads")
	if err := os.MkdirAll(downloads, 0o700); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"cake_wallet_backup_2026-01-01_000000": b, // by name
		"renamed by hand":                      b, // by content
		"notes.txt":                            []byte("my notes\n"),
		"photo.jpg":                            {0xff, 0xd8, 0xff, 0xe0},
		"PK-not-a-zip":                         []byte("PK but nothing else"),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(downloads, name), content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out := c.mustRun("ls")
	for _, want := range []string{"cake_wallet_backup_2026-01-01_000000", "renamed by hand", "3 other files ignored"} {
		if !strings.Contains(out, want) {
			t.Errorf("ls printed %q, want %q in it", out, want)
		}
	}
	for _, not := range []string{"notes.txt", "photo.jpg", "PK-not-a-zip"} {
		if strings.Contains(out, not) {
			t.Errorf("ls lists %s: %q", not, out)
		}
	}
	var listed lsJSON
	if err := json.Unmarshal([]byte(c.mustRun("ls", "--json")), &listed); err != nil {
		t.Fatal(err)
	}
	if len(listed.Backups) != 2 || listed.Ignored != 3 || listed.Destination != "folder:"+downloads {
		t.Errorf("ls --json = %+v, want 2 backups and 3 ignored in %s", listed, downloads)
	}
	c.mustRun("ls", "--verbose")
	if !strings.Contains(c.stderr.String(), "ignored notes.txt: not a backup") {
		t.Errorf("ls --verbose does not name the ignored files: %q", c.stderr.String())
	}
}

// TestLsUsesSavedDefault: ls without a destination lists the saved default
// destination, from the usual config file or from --config.
func TestLsUsesSavedDefault(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	file, _ := sampleBackup(t)
	paths, err := schedule.DefaultPaths(func(k string) string { return c.vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg := paths.Config
	if err := os.MkdirAll(filepath.Dir(cfg), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("default_dest = %q\n", "folder:"+filepath.Dir(file))), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := c.mustRun("ls"); !strings.Contains(out, filepath.Base(file)) {
		t.Errorf("ls with a saved default printed %q, want %s", out, filepath.Base(file))
	}
	other := filepath.Join(t.TempDir(), "other.toml")
	if err := os.WriteFile(other, []byte(fmt.Sprintf("default_dest = %q\n", "folder:"+t.TempDir())), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := c.mustRun("ls", "--config", other); !strings.HasPrefix(out, "No backups at folder:") {
		t.Errorf("ls --config printed %q, want its empty folder", out)
	}
}

// TestDestsShowsFreeSpaceOfDownloads: dests gives the Downloads folder's
// free space, as it does a drive's, in text and JSON.
func TestDestsShowsFreeSpaceOfDownloads(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	downloads := filepath.Join(c.vars["HOME"], "Downloads")
	if err := os.MkdirAll(downloads, 0o700); err != nil {
		t.Fatal(err)
	}
	var dests struct{ Destinations []destinations.Place }
	if err := json.Unmarshal([]byte(c.mustRun("dests", "--json")), &dests); err != nil {
		t.Fatal(err)
	}
	if len(dests.Destinations) == 0 || dests.Destinations[0].Kind != "downloads" || dests.Destinations[0].Free == nil || *dests.Destinations[0].Free <= 0 {
		t.Fatalf("dests --json = %+v, want Downloads with its free space", dests.Destinations)
	}
	out := c.mustRun("dests")
	if !regexp.MustCompile(`(?m)^downloads .*` + regexp.QuoteMeta(downloads) + ` +\d+(\.\d+)? [KMGT]?i?B$`).MatchString(out) {
		t.Errorf("dests printed:\n%s\nwant Downloads with its free space", out)
	}
}

// TestTwoDrivesWithOneLabel: two sticks labelled WALLETS get specs that
// tell them apart, in dests and in create, and ls finds each backup.
func TestTwoDrivesWithOneLabel(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	var first, second string
	c.drives, first, second = twoSticks(t)

	var dests struct{ Destinations []destinations.Place }
	if err := json.Unmarshal([]byte(c.mustRun("dests", "--json")), &dests); err != nil {
		t.Fatal(err)
	}
	var specs []string
	for _, d := range dests.Destinations {
		if d.Kind == "usb" {
			specs = append(specs, d.Spec)
		}
	}
	if want := []string{"usb:" + first, "usb:" + second}; fmt.Sprint(specs) != fmt.Sprint(want) {
		t.Fatalf("dests gives %v for two drives labelled WALLETS, want %v", specs, want)
	}
	pwFile := writePasswordFile(t, "a long and strong password for tests 9")
	for i, spec := range specs {
		var res job.CreatedResult
		out := c.mustRun("create", "--source", sampleWallets, "--dest", spec, "--password-file", pwFile, "--json", "--name", fmt.Sprint("b", i))
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		mount := strings.TrimPrefix(spec, "usb:")
		if res.Location != filepath.Join(mount, local.BackupFolder, res.Name) {
			t.Errorf("create --dest %s stored %s", spec, res.Location)
		}
		if out := c.mustRun("ls", spec); !strings.Contains(out, res.Name) {
			t.Errorf("ls %s printed %q", spec, out)
		}
	}
	if code := c.run("ls", "usb:WALLETS"); code == 0 || !strings.Contains(c.stderr.String(), "usb:/MOUNT/POINT") {
		t.Errorf("ls usb:WALLETS: exit %d, stderr %q; want the shared label refused with the fix", code, c.stderr.String())
	}
}

// twoSticks describes two USB sticks labelled WALLETS, mounted at first
// and second (folders in a temporary folder), to a drive Detector.
func twoSticks(t *testing.T) (d *local.Detector, first, second string) {
	t.Helper()
	root := t.TempDir()
	media := filepath.Join(root, "media")
	first, second = filepath.Join(media, "ana", "WALLETS"), filepath.Join(media, "bob", "WALLETS")
	for _, d := range []string{first, second} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	mountinfo := fmt.Sprintf("28 1 259:2 / / rw - ext4 /dev/nvme0n1p2 rw\n"+
		"700 28 8:17 / %s rw,relatime - vfat /dev/sdb1 rw\n"+
		"710 28 8:33 / %s rw,relatime - vfat /dev/sdc1 rw\n", first, second)
	if err := os.MkdirAll(filepath.Join(root, "proc", "self"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "proc", "self", "mountinfo"), []byte(mountinfo), 0o600); err != nil {
		t.Fatal(err)
	}
	return &local.Detector{ProcRoot: root, SysRoot: root, DevRoot: root, RunRoot: root, MountRoots: []string{media},
		Space: func(string) (int64, int64, error) { return 8 << 30, 4 << 30, nil }}, first, second
}

// TestPlaceWithoutNameHintWorks: verify given a destination without a
// backup's name suggests a spelling that, with a name from ls, opens the
// backup (downloads:NAME; downloads/NAME is a missing relative file).
func TestPlaceWithoutNameHintWorks(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	file, _ := sampleBackup(t)
	downloads := filepath.Join(c.vars["HOME"], "Downloads")
	if err := os.MkdirAll(downloads, 0o700); err != nil {
		t.Fatal(err)
	}
	copyFile(t, file, filepath.Join(downloads, filepath.Base(file)))
	if code := c.run("verify", "downloads"); code != exitUsage {
		t.Fatalf("verify downloads: exit %d, stderr %s", code, c.stderr.String())
	}
	hint := regexp.MustCompile(`e\.g\. (\S+)NAME`).FindStringSubmatch(c.stderr.String())
	if hint == nil {
		t.Fatalf("verify downloads: no example in %q", c.stderr.String())
	}
	if code := c.run("verify", hint[1]+filepath.Base(file)); code != exitOK {
		t.Errorf("the hint %sNAME does not work: exit %d, stderr %s", hint[1], code, c.stderr.String())
	}
}

// TestBrokenConfigIsAUsageErrorEverywhere: a config file that does not
// parse stops create, send and ls (which read its default_dest) with the
// usage exit code, as it stops the schedule commands.
func TestBrokenConfigIsAUsageErrorEverywhere(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	file, pwFile := sampleBackup(t)
	cfg := filepath.Join(c.vars["XDG_CONFIG_HOME"], "cakebackup", "config.toml")
	if err := os.MkdirAll(filepath.Dir(cfg), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte("default_dest = \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"schedule", "list"},
		{"create", "--source", sampleWallets, "--password-file", pwFile},
		{"send", file},
		{"ls"},
	} {
		code := c.run(args...)
		if code != exitUsage || !strings.Contains(c.stderr.String(), cfg) || strings.Count(c.stderr.String(), "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want %d and one line naming %s", args, code, c.stderr.String(), exitUsage, cfg)
		}
	}
}

// TestMissingDownloadsMadeOnlyByABackup: in a home without Downloads, ls
// and ls downloads list nothing and make no folder; create makes it.
func TestMissingDownloadsMadeOnlyByABackup(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	downloads := filepath.Join(c.vars["HOME"], "Downloads")
	for _, args := range [][]string{{"ls"}, {"ls", "downloads"}, {"ls", "--json"}} {
		if out := c.mustRun(args...); !strings.Contains(out, downloads) {
			t.Errorf("%v printed %q, want it to name %s", args, out, downloads)
		}
		if _, err := os.Stat(downloads); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("%v made %s (%v)", args, downloads, err)
		}
	}
	c.mustRun("create", "--source", sampleWallets, "--password-file", writePasswordFile(t, "a long and unguessable test password"))
	if fi, err := os.Stat(downloads); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("create to a missing Downloads: %v, %v; want a folder of mode 0700", fi, err)
	}
}

// TestProtonRootWithoutNameHint: verify proton: (the Drive's root, no
// backup named) suggests spellings that parse: proton:/NAME and
// ls proton:/, not proton:NAME and ls proton:.
func TestProtonRootWithoutNameHint(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	code := c.run("verify", "proton:")
	oneLineError(t, c, code, "proton:/NAME")
	if code != exitUsage || !strings.Contains(c.stderr.String(), "ls proton:/)") {
		t.Errorf("verify proton:: exit %d, stderr %q; want exit %d suggesting proton:/NAME and ls proton:/", code, c.stderr.String(), exitUsage)
	}
}

// TestProtonMissingFolderHint: verify of a backup in a Proton folder
// that is not there says the folder is missing (exit 2), and suggests no
// `ls` of it, which would only say so again; a missing backup in a
// folder that is there still suggests listing the folder.
func TestProtonMissingFolderHint(t *testing.T) {
	t.Parallel()
	c, _ := loggedInProtonCLI(t)
	file, _ := sampleBackup(t)
	c.mustRun("send", file, "--dest", "proton:/Backups", "--quiet")
	for _, tc := range []struct {
		arg        string
		want, hint string // in the message; hint "" for none
	}{
		{"proton:/nofolder/x", "proton:/nofolder/x: no such folder /nofolder on Proton Drive", ""},
		{"proton:/Backups/gone/x", "proton:/Backups/gone/x: no such folder /Backups/gone on Proton Drive", ""},
		{"proton:/Backups/x", "proton:/Backups/x: no such backup", "ls proton:/Backups"},
	} {
		t.Run(tc.arg, func(t *testing.T) {
			c := *c
			c.stdout, c.stderr = bytes.Buffer{}, bytes.Buffer{}
			code := c.run("verify", tc.arg)
			oneLineError(t, &c, code, tc.want)
			msg := c.stderr.String()
			if code != exitUsage || strings.Contains(msg, "not found") {
				t.Errorf("exit %d, %q; want %d, saying it once", code, msg, exitUsage)
			}
			if (tc.hint == "") == strings.Contains(msg, "ls ") || !strings.Contains(msg, tc.hint) {
				t.Errorf("%q: want the hint %q", msg, tc.hint)
			}
			if want := "cakebackup: " + tc.want + " (see cakebackup " + tc.hint + ")\n"; tc.hint != "" && msg != want {
				t.Errorf("stderr %q, want %q", msg, want)
			}
		})
	}
}

// TestDestKey: ls --json and dests --json name a destination by its spec
// under "dest", as check --json does, each still with its old key
// ("destination", "spec") holding the same; a dest from one opens with
// the other.
func TestDestKey(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	if err := os.MkdirAll(filepath.Join(c.vars["HOME"], "Downloads"), 0o700); err != nil {
		t.Fatal(err)
	}
	var dests struct{ Destinations []map[string]any }
	if err := json.Unmarshal([]byte(c.mustRun("dests", "--json")), &dests); err != nil {
		t.Fatal(err)
	}
	if len(dests.Destinations) == 0 {
		t.Fatal("dests --json lists nothing, want Downloads")
	}
	for _, d := range dests.Destinations {
		dest, _ := d["dest"].(string)
		if dest == "" || d["spec"] != dest {
			t.Fatalf("dests --json gives %v, want a dest key equal to spec", d)
		}
		var listed map[string]any
		if err := json.Unmarshal([]byte(c.mustRun("ls", dest, "--json")), &listed); err != nil {
			t.Fatal(err)
		}
		again, _ := listed["dest"].(string)
		if again == "" || listed["destination"] != again {
			t.Fatalf("ls %s --json gives %v, want a dest key equal to destination", dest, listed)
		}
		var relisted map[string]any
		if err := json.Unmarshal([]byte(c.mustRun("ls", again, "--json")), &relisted); err != nil {
			t.Fatal(err)
		}
		if relisted["dest"] != again {
			t.Errorf("ls %s --json gives dest %v, want %s", again, relisted["dest"], again)
		}
	}
}
