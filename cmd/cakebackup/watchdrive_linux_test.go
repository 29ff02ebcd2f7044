package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/internal/interrupt"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/schedule"
)

// plugSticks makes det (twoSticks') see only the sticks mounted at the
// mount points in plugged, as unplugging the others does.
func plugSticks(t *testing.T, det *local.Detector, plugged ...string) {
	t.Helper()
	mountinfo := "28 1 259:2 / / rw - ext4 /dev/nvme0n1p2 rw\n"
	for i, mnt := range plugged {
		mountinfo += fmt.Sprintf("%d 28 8:%d / %s rw,relatime - vfat /dev/sd%c1 rw\n", 700+i, 17+16*i, mnt, 'b'+i)
	}
	if err := os.WriteFile(filepath.Join(det.ProcRoot, "proc", "self", "mountinfo"), []byte(mountinfo), 0o600); err != nil {
		t.Fatal(err)
	}
}

// dropExportAs puts an app export of kind into dir under name.
func dropExportAs(t *testing.T, dir, kind, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(appExport(t, kind))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return b
}

// waitForFile waits until path holds want.
func waitForFile(t *testing.T, path string, want []byte, screen *screen) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if got, err := os.ReadFile(path); err == nil && string(got) == string(want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s was not shipped; the terminal shows %q", path, screen.String())
		}
	}
}

// stopAsked stops the watch r runs, and checks that it ended well (exit
// 0) after asking which drive asked times.
func (r *onTerminal) stopAsked(t *testing.T, asked int) {
	t.Helper()
	r.cancel(nil)
	if code := r.wait(t); code != exitOK {
		t.Fatalf("watch exited %d; the terminal shows %q", code, r.screen.String())
	}
	if n := r.questions(); n != asked {
		t.Errorf("asked %d times which drive, want %d; the terminal shows %q", n, asked, r.screen.String())
	}
}

// TestWatchAsksForTheDriveOnce: `watch --dest usb` with two sticks
// plugged in asks on the terminal which one to use, once: every export
// goes to the stick chosen, without another question; while that stick
// is unplugged, an export is not shipped (nor put on the other stick),
// the log says why in the usual no-drive words, and the export stays in
// the folder; once the stick is back, the export is shipped to it.
func TestWatchAsksForTheDriveOnce(t *testing.T) {
	t.Parallel()
	drives, first, second := twoSticks(t)
	in := t.TempDir()
	r := startOnTerminal(t, drives, "watch", in, "--dest", "usb", "--settle", "1ms", "--poll", "100ms")
	screen := r.screen
	r.answer(t, "2\n")
	screen.waitFor(t, "Watching "+in)
	onSecond := filepath.Join(second, local.BackupFolder)
	for _, kind := range []string{"v3", "v2"} {
		name := "cake_wallet_backup_" + kind
		waitForFile(t, filepath.Join(onSecond, name), dropExportAs(t, in, kind, name), screen)
	}

	plugSticks(t, drives, first)
	const unplugged = "cake_wallet_backup_while_unplugged"
	export := dropExportAs(t, in, "v2chacha", unplugged)
	screen.waitFor(t, fmt.Sprintf(`no removable drive is mounted at %s; drives found: WALLETS (%s, vfat, 4.0 GiB free of 8.0 GiB)`, second, first))
	if _, err := os.Stat(filepath.Join(in, unplugged)); err != nil {
		t.Fatalf("the export not shipped left the folder: %v", err)
	}

	plugSticks(t, drives, first, second)
	waitForFile(t, filepath.Join(onSecond, unplugged), export, screen)
	r.stopAsked(t, 1)
	if entries, err := os.ReadDir(filepath.Join(first, local.BackupFolder)); len(entries) != 0 || !os.IsNotExist(err) {
		t.Errorf("the stick not chosen holds %v (%v)", entries, err)
	}
	if entries, _ := os.ReadDir(onSecond); len(entries) != 3 {
		t.Errorf("the stick chosen holds %d files, want the 3 exports", len(entries))
	}
}

// TestWatchJobToUSBWithSeveralSticks: a watch job to "usb" has nobody to
// ask which stick (schedule run, no terminal): with two plugged in, its
// run fails with the line that lists them and how to pick one, and
// nothing is shipped; with one, each run ships to whichever is plugged
// in.
func TestWatchJobToUSBWithSeveralSticks(t *testing.T) {
	t.Parallel()
	drives, first, second := twoSticks(t)
	s := newScheduleCLI(t)
	s.drives = drives
	in := t.TempDir()
	s.mustRun("schedule", "add", "exports", "--watch", in, "--dest", "usb", "--every", "1h")
	export := dropExportAs(t, in, "v3", "cake_wallet_backup_first")

	several := fmt.Sprintf("several removable drives are plugged in: WALLETS (%s, vfat, 4.0 GiB free of 8.0 GiB), WALLETS (%s, vfat, 4.0 GiB free of 8.0 GiB); pick one with usb:LABEL or usb:/MOUNT/POINT", first, second)
	if code := s.run("schedule", "run", "--job", "exports", "--once"); code != exitFailure || !strings.Contains(s.stderr.String(), several) {
		t.Fatalf("exit %d, stderr %s; want %d and %q", code, s.stderr.String(), exitFailure, several)
	}
	if js, err := s.state(t).Job("exports"); err != nil || js.LastResult != schedule.ResultFailed || !strings.Contains(js.LastError, several) {
		t.Fatalf("state %+v (%v); want the run failed with %q", js, err, several)
	}
	for _, mnt := range []string{first, second} {
		if _, err := os.Stat(filepath.Join(mnt, local.BackupFolder)); !os.IsNotExist(err) {
			t.Fatalf("a run that failed wrote to %s: %v", mnt, err)
		}
	}

	for i, mnt := range []string{first, second} {
		plugSticks(t, drives, mnt)
		name := "cake_wallet_backup_first"
		if i > 0 {
			name = "cake_wallet_backup_second"
			export = dropExportAs(t, in, "v2", name)
		}
		s.pretendLastRunWas(t, "exports", 2*time.Hour)
		s.mustRun("schedule", "run", "--job", "exports", "--once")
		sameFile(t, filepath.Join(mnt, local.BackupFolder, name), export)
	}
}

// TestSendAsksForTheDriveOnce: `send` of several exports with --dest usb
// and two sticks plugged in asks once which stick, and every export goes
// to it.
func TestSendAsksForTheDriveOnce(t *testing.T) {
	t.Parallel()
	drives, first, second := twoSticks(t)
	dir := t.TempDir()
	args := []string{"send", "--dest", "usb"}
	exports := map[string][]byte{}
	for _, kind := range []string{"v3", "v2", "v2chacha"} {
		name := "cake_wallet_backup_" + kind
		exports[name] = dropExportAs(t, dir, kind, name)
		args = append(args, filepath.Join(dir, name))
	}
	r := startOnTerminal(t, drives, args...)
	r.answer(t, "2\n")
	if code := r.wait(t); code != exitOK {
		t.Fatalf("send exited %d; the terminal shows %q", code, r.screen.String())
	}
	if n := r.questions(); n != 1 {
		t.Errorf("asked %d times which drive; the terminal shows %q", n, r.screen.String())
	}
	for name, export := range exports {
		sameFile(t, filepath.Join(second, local.BackupFolder, name), export)
	}
	if _, err := os.Stat(filepath.Join(first, local.BackupFolder)); !os.IsNotExist(err) {
		t.Errorf("send wrote to the stick not chosen: %v", err)
	}
}

// TestWatchDriveQuestionUnanswered: a watch whose question which stick
// gets no drive for an answer, or Ctrl-C, ends there, in one line after
// the question, before it watches anything; the stick is not asked of
// again by the passes.
func TestWatchDriveQuestionUnanswered(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		answer   string // typed at the question; "" means Ctrl-C
		wantCode int
		after    string // what the terminal shows after the question
	}{
		{"not a drive", "3\n", exitFailure, "3\r\ncakebackup: destination usb: choosing a drive: no drive chosen\r\n"},
		{"interrupted", "", 130, "\r\ncakebackup: interrupted\r\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			drives, _, _ := twoSticks(t)
			r := startOnTerminal(t, drives, "watch", t.TempDir(), "--dest", "usb")
			screen := r.screen
			if tt.answer == "" {
				screen.waitFor(t, "Which one? [1-2]: ")
				r.cancel(&interrupt.Error{Code: 130})
			} else {
				r.answer(t, tt.answer)
			}
			if code := r.wait(t); code != tt.wantCode {
				t.Fatalf("exit %d, want %d; terminal: %q", code, tt.wantCode, screen.String())
			}
			screen.waitFor(t, tt.after)
			if _, after, _ := strings.Cut(screen.String(), "Which one? [1-2]: "); after != tt.after {
				t.Errorf("after the question the terminal shows %q, want %q", after, tt.after)
			}
		})
	}
}

// TestWatchAsksOnlyToShip: `watch --dest usb` started with one stick
// plugged in asks nothing; a second stick plugged in later (each known by
// its UUID) is no reason to ask which one while every export in the
// folder is on a stick already: passes go on (a file cut short, named to
// come after the export, is still looked at and said so). The next new
// export is: one question, and the stick chosen gets it and, as a stick
// of its own, the export it lacked; the other keeps what it had. Each
// shipped line says which stick got the copy.
func TestWatchAsksOnlyToShip(t *testing.T) {
	t.Parallel()
	drives, first, second := twoSticks(t)
	for uuid, dev := range map[string]string{"4A1C-9F02": "sdb1", "64E3-1A2B": "sdc1"} {
		link := filepath.Join(drives.DevRoot, "dev", "disk", "by-uuid", uuid)
		if err := os.MkdirAll(filepath.Dir(link), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("../../"+dev, link); err != nil {
			t.Fatal(err)
		}
	}
	plugSticks(t, drives, first)
	in := t.TempDir()
	r := startOnTerminal(t, drives, "watch", in, "--dest", "usb", "--settle", "1ms", "--poll", "100ms")
	screen := r.screen
	screen.waitFor(t, "Watching "+in)
	onFirst, onSecond := filepath.Join(first, local.BackupFolder), filepath.Join(second, local.BackupFolder)
	const older, newer = "cake_wallet_backup_a", "cake_wallet_backup_b"
	exportA := dropExportAs(t, in, "v3", older)
	waitForFile(t, filepath.Join(onFirst, older), exportA, screen)

	plugSticks(t, drives, first, second)
	whole, err := os.ReadFile(appExport(t, "v3"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(in, "zz_cut_short"), whole[:len(whole)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	screen.waitFor(t, `msg="left alone: not a whole backup yet (cut short); it is looked at again when it changes" file=zz_cut_short`)
	if n := r.questions(); n != 0 {
		t.Fatalf("asked %d times which drive with nothing new to ship; the terminal shows %q", n, screen.String())
	}

	exportB := dropExportAs(t, in, "v2chacha", newer)
	r.answer(t, "2\n")
	waitForFile(t, filepath.Join(onSecond, newer), exportB, screen)
	waitForFile(t, filepath.Join(onSecond, older), exportA, screen)
	r.stopAsked(t, 1)
	// The log says which stick got each copy.
	for _, shipped := range []struct {
		name, uuid string
		export     []byte
	}{{older, "4A1C-9F02", exportA}, {newer, "64E3-1A2B", exportB}, {older, "64E3-1A2B", exportA}} {
		screen.waitFor(t, fmt.Sprintf(" level=INFO msg=shipped file=%s size=%d dests=\"usb on WALLETS (UUID %s) verified as %s\" result=ok\r\n", shipped.name, len(shipped.export), shipped.uuid, shipped.name))
	}
	if entries, err := os.ReadDir(onFirst); err != nil || len(entries) != 1 || entries[0].Name() != older {
		t.Errorf("the stick not chosen holds %v (%v), want %s alone", entries, err, older)
	}
}
