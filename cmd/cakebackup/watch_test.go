package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/schedule"
)

// dropExport puts an app-style export of kind into dir, as the app's
// "Save to Downloads" does, and returns its path and bytes.
func dropExport(t *testing.T, dir, kind string) (string, []byte) {
	t.Helper()
	b, err := os.ReadFile(appExport(t, kind))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "cake_wallet_backup_2026-12-01_0800")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p, b
}

// sameFile checks path holds want.
func sameFile(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s does not hold the export (%v)", path, err)
	}
}

func TestWatchOnce(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	in, dest := t.TempDir(), t.TempDir()
	src, export := dropExport(t, in, "v3")
	if err := os.WriteFile(filepath.Join(in, "notes.txt"), []byte("shopping list"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.mustRun("watch", in, "--dest", "folder:"+dest, "--once", "--settle", "50ms")
	log := c.stderr.String()
	if strings.Count(log, "msg=shipped") != 1 || !strings.Contains(log, "file="+filepath.Base(src)) || !strings.Contains(log, "result=ok") {
		t.Fatalf("log: %s", log)
	}
	sameFile(t, filepath.Join(dest, filepath.Base(src)), export)
	if entries, _ := os.ReadDir(dest); len(entries) != 1 {
		t.Fatalf("destination holds %d files", len(entries))
	}
	// Again, and from a renamed file: nothing is shipped.
	if err := os.Rename(src, filepath.Join(in, "renamed")); err != nil {
		t.Fatal(err)
	}
	c.mustRun("watch", in, "--dest", "folder:"+dest, "--once", "--settle", "50ms")
	if strings.Contains(c.stderr.String(), "msg=shipped") {
		t.Fatalf("shipped again: %s", c.stderr.String())
	}
	if entries, _ := os.ReadDir(dest); len(entries) != 1 {
		t.Fatalf("destination holds %d files", len(entries))
	}
	// State files sit next to the scheduler's, private.
	states, _ := filepath.Glob(filepath.Join(c.vars["XDG_STATE_HOME"], "cakebackup", "inbox-*.json"))
	if len(states) != 1 {
		t.Fatalf("state files %v", states)
	}
	if fi, _ := os.Stat(states[0]); fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v", fi.Mode().Perm())
	}

	code := c.run("watch", filepath.Join(in, "nope"), "--dest", "folder:"+dest, "--once")
	oneLineError(t, c, code, "not a folder to watch")
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	// Shipping into the watched folder itself is refused.
	code = c.run("watch", in, "--dest", "folder:"+in, "--once")
	oneLineError(t, c, code, "is the watched folder")
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
}

// TestWatchRemoveAfterSend: with a destination missing the export stays
// and the run fails; once it is there, the export is removed.
func TestWatchRemoveAfterSend(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	in, good := t.TempDir(), t.TempDir()
	missing := filepath.Join(t.TempDir(), "stick")
	src, export := dropExport(t, in, "v2")
	args := []string{"watch", in, "--dest", "folder:" + good, "--dest", "folder:" + missing, "--remove-after-send", "--once", "--settle", "50ms"}
	if code := c.run(args...); code != exitFailure {
		t.Fatalf("exit %d, want %d; stderr %s", code, exitFailure, c.stderr.String())
	}
	sameFile(t, src, export)
	sameFile(t, filepath.Join(good, filepath.Base(src)), export)
	if err := os.Mkdir(missing, 0o700); err != nil {
		t.Fatal(err)
	}
	c.mustRun(args...)
	if _, err := os.Stat(src); !os.IsNotExist(err) {
		t.Fatalf("the export is still in the folder: %v", err)
	}
	sameFile(t, filepath.Join(missing, filepath.Base(src)), export)
}

// TestWatchForeground: the foreground watcher ships an export dropped
// while it runs, once, and stops cleanly when cancelled.
func TestWatchForeground(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	in, dest := t.TempDir(), t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"cakebackup", "watch", in, "--dest", "folder:" + dest, "--settle", "100ms", "--keep-last", "1"}, &env{
			stdin: strings.NewReader(""), stdout: &c.stdout, stderr: &c.stderr,
			getenv: func(k string) string { return c.vars[k] },
		})
	}()
	defer func() {
		cancel()
		<-done
	}()
	_, export := dropExport(t, in, "v3")
	target := filepath.Join(dest, "cake_wallet_backup_2026-12-01_0800")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(target); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the export was not shipped")
		}
	}
	// A second watcher of the same folder is refused while this one runs,
	// in one line: it never says it is watching.
	other := newCLI(t)
	other.vars = c.vars
	oneLineError(t, other, other.run("watch", in, "--dest", "folder:"+dest, "--once"), "only one")
	oneLineError(t, other, other.run("watch", in, "--dest", "folder:"+dest), "only one")
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("watch exited %d: %s", code, c.stderr.String())
	}
	done <- exitOK
	sameFile(t, target, export)
	if n := strings.Count(c.stderr.String(), "msg=shipped"); n != 1 {
		t.Fatalf("%d shipped lines: %s", n, c.stderr.String())
	}
}

// TestScheduleAddWatch: a watch job keeps "downloads" as it is, makes a
// relative folder absolute, needs no password, and refuses a source too.
func TestScheduleAddWatch(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	downloads, err := local.DownloadsDir(s.getenv)
	if err != nil {
		t.Fatal(err)
	}
	if code := s.run("schedule", "add", "dl", "--watch", "downloads", "--dest", "usb:WALLETS", "--every", "15m"); code != exitUsage ||
		!strings.Contains(s.stderr.String(), "not a folder to watch") {
		t.Fatalf("a missing Downloads folder: exit %d, stderr %s", code, s.stderr.String())
	}
	if err := os.MkdirAll(downloads, 0o700); err != nil {
		t.Fatal(err)
	}
	s.mustRun("schedule", "add", "dl", "--watch", "downloads", "--dest", "usb:WALLETS", "--every", "15m", "--remove-after-send", "--keep-last", "3")
	s.mustRun("schedule", "add", "rel", "--watch", "../../examples", "--dest", "folder:"+s.dest, "--every", "1h")
	cfg, err := schedule.LoadConfig(s.config)
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs("../../examples")
	if dl, _ := cfg.Job("dl"); dl.Watch != schedule.WatchDownloads || !dl.RemoveAfterSend || dl.KeepLast != 3 || dl.Source != "" {
		t.Fatalf("job dl = %+v", dl)
	}
	if rel, _ := cfg.Job("rel"); rel.Watch != abs {
		t.Fatalf("job rel watches %q, want %q", rel.Watch, abs)
	}
	for _, args := range [][]string{
		{"schedule", "add", "both", "--watch", "downloads", "--source", sampleWallets, "--dest", "usb", "--every", "1h"},
		{"schedule", "add", "rm", "--source", sampleWallets, "--dest", "usb", "--every", "1h", "--password-env", "P", "--remove-after-send"},
	} {
		if code := s.run(args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d; stderr %s", args, code, exitUsage, s.stderr.String())
		}
	}
	if out := s.mustRun("schedule", "prune", "dl"); !strings.Contains(out, "each time it ships") {
		t.Errorf("prune printed %q", out)
	}
}

// TestWatchRefusesTheWatchedFolderThroughALink: a --dest that is the
// watched folder reached through a symbolic link would find the export
// itself "already there"; watch and schedule add refuse it before
// anything is shipped or saved (exit 2, one line), and the export stays.
func TestWatchRefusesTheWatchedFolderThroughALink(t *testing.T) {
	t.Parallel()
	s := newScheduleCLI(t)
	in := t.TempDir()
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(in, link); err != nil {
		t.Skip("cannot make a symbolic link:", err)
	}
	src, export := dropExport(t, in, "v3")
	for _, args := range [][]string{
		{"watch", in, "--dest", "folder:" + link, "--once", "--remove-after-send", "--settle", "50ms"},
		{"watch", in, "--dest", "folder:" + s.dest, "--dest", "folder:" + link, "--remove-after-send", "--settle", "50ms"},
		{"schedule", "add", "loop", "--watch", in, "--dest", "folder:" + link, "--every", "15m"},
	} {
		code := s.run(args...)
		oneLineError(t, s.cliRun, code, "folder:"+link+" is the watched folder")
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
		sameFile(t, src, export)
	}
	if entries, _ := os.ReadDir(s.dest); len(entries) != 0 {
		t.Errorf("the other destination got %d files", len(entries))
	}
	if _, err := os.Stat(s.config); !os.IsNotExist(err) {
		t.Errorf("config written after the refusal: %v", err)
	}
}

// TestWatchSaysAnExportIsDamaged: watch --once over a damaged export (a
// bit flipped) ships nothing, exits 0 (the folder was looked at), and
// says on stderr, in one warning naming the file, that the backup is
// damaged; a partial copy is said to be cut short, not damaged.
func TestWatchSaysAnExportIsDamaged(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	in, dest := t.TempDir(), t.TempDir()
	src, export := dropExport(t, in, "v3")
	damaged := bytes.Clone(export)
	damaged[len(damaged)/2] ^= 1
	if err := os.WriteFile(src, damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	partial := filepath.Join(in, "cake_wallet_backup_partial")
	if err := os.WriteFile(partial, export[:len(export)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	c.mustRun("watch", in, "--dest", "folder:"+dest, "--once", "--settle", "50ms")
	var warn, info string
	for _, l := range strings.Split(strings.TrimSpace(c.stderr.String()), "\n") {
		switch {
		case strings.Contains(l, "level=WARN"):
			warn += l
		case strings.Contains(l, "file="+filepath.Base(partial)):
			info += l
		}
	}
	if !strings.Contains(warn, `msg="not shipped: a damaged backup (it does not verify); export it again"`) || !strings.Contains(warn, "file="+filepath.Base(src)) || strings.Contains(warn, "partial") {
		t.Errorf("stderr %q: want one warning that the export is damaged", c.stderr.String())
	}
	if !strings.Contains(info, "level=INFO") || !strings.Contains(info, "not a whole backup yet (cut short)") {
		t.Errorf("stderr %q: want the partial copy said cut short", c.stderr.String())
	}
	if entries, _ := os.ReadDir(dest); len(entries) != 0 {
		t.Errorf("destination holds %d files", len(entries))
	}
}
