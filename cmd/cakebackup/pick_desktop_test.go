//go:build linux

// The desktop folder chooser test runs on Linux only (Xvfb, zenity and
// xdotool are X11 tools); elsewhere this file is not built.

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// desktopWait bounds every wait on the X server, the dialog and the
// program; each normally takes well under a second.
const desktopWait = 20 * time.Second

// xDisplay is a real X server (Xvfb) with no window manager, and the
// display name (":N") programs reach it by.
type xDisplay struct {
	name string
}

// startXvfb starts Xvfb on a display number it picks itself (-displayfd:
// one nobody else uses) and returns once the server accepts connections.
// t.Cleanup stops it.
func startXvfb(t *testing.T) xDisplay {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var stderr bytes.Buffer
	// -noreset: by default the server resets when its last client
	// leaves, and refuses connections meanwhile, so the next dialog
	// would fail with "cannot open display".
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-nolisten", "tcp", "-noreset", "-screen", "0", "1280x1024x24")
	cmd.ExtraFiles = []*os.File{w} // fd 3
	cmd.Stderr = &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	// Xvfb writes the display number once it is ready; a closed pipe
	// without one means it failed.
	number := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		number <- strings.TrimSpace(line)
	}()
	select {
	case n := <-number:
		if _, err := strconv.Atoi(n); err != nil {
			<-exited
			t.Fatalf("Xvfb did not start (display %q): %s", n, stderr.String())
		}
		return xDisplay{name: ":" + n}
	case <-time.After(desktopWait):
		t.Fatalf("Xvfb did not become ready in %v", desktopWait)
		return xDisplay{}
	}
}

// deadDisplay returns the name of a display no X server serves: one
// with neither a lock file nor a socket.
func deadDisplay(t *testing.T) xDisplay {
	t.Helper()
	for n := 4000; n < 4100; n++ {
		_, lockErr := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n))
		_, sockErr := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n))
		if errors.Is(lockErr, fs.ErrNotExist) && errors.Is(sockErr, fs.ErrNotExist) {
			return xDisplay{name: fmt.Sprintf(":%d", n)}
		}
	}
	t.Fatal("no unused display number in :4000-:4099")
	return xDisplay{}
}

// xdotool runs xdotool against the display and returns its output.
func (d xDisplay) xdotool(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), desktopWait)
	defer cancel()
	cmd := exec.CommandContext(ctx, "xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+d.name)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("xdotool %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// waitForWindow waits until a window titled title is mapped and returns
// its id. The program is given so that its early end is reported as such.
// One xdotool waits for the window (search --sync), where starting one
// every 50 ms to look cost more CPU than the dialog's own start.
func (d xDisplay) waitForWindow(t *testing.T, title string, p *desktopProgram) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), desktopWait)
	defer cancel()
	cmd := exec.CommandContext(ctx, "xdotool", "search", "--sync", "--onlyvisible", "--name", "^"+title+"$")
	cmd.Env = append(os.Environ(), "DISPLAY="+d.name)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan error, 1)
	go func() { found <- cmd.Wait() }()
	select {
	case err := <-found:
		if ids := strings.Fields(out.String()); err == nil && len(ids) > 0 {
			return ids[0]
		}
		p.stop()
		if ctx.Err() != nil {
			t.Fatalf("no window titled %q appeared in %v; cakebackup's stderr: %q", title, desktopWait, p.stderr.String())
		}
		t.Fatalf("xdotool search: %v: %s; cakebackup's stderr: %q", err, stderr.String(), p.stderr.String())
	case <-p.exited:
		cancel()
		<-found
		t.Fatalf("cakebackup ended before the folder chooser appeared:\nstdout: %q\nstderr: %q", p.stdout.String(), p.stderr.String())
	}
	return ""
}

// desktopProgram is the real cakebackup binary running in a desktop
// session on an Xvfb display, in its own process group so that the
// dialog it starts is stopped with it.
type desktopProgram struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	exited         chan struct{}
}

// startOnDesktop runs bin with args on display d with home as HOME and
// every XDG folder under xdg.
func startOnDesktop(t *testing.T, bin string, d xDisplay, home, xdg string, args ...string) *desktopProgram {
	t.Helper()
	runtimeDir := filepath.Join(xdg, "runtime")
	if err := os.MkdirAll(runtimeDir, 0o700); err != nil {
		t.Fatal(err)
	}
	p := &desktopProgram{cmd: exec.Command(bin, args...), exited: make(chan struct{})}
	p.cmd.Env = []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(xdg, "config"),
		"XDG_DATA_HOME=" + filepath.Join(xdg, "data"),
		"XDG_STATE_HOME=" + filepath.Join(xdg, "state"),
		"XDG_CACHE_HOME=" + filepath.Join(xdg, "cache"),
		"XDG_RUNTIME_DIR=" + runtimeDir,
		"PATH=" + os.Getenv("PATH"),
		"DISPLAY=" + d.name,
		// No D-Bus session here: keep GTK's settings in memory and
		// do not look for the accessibility bus.
		"GSETTINGS_BACKEND=memory",
		"NO_AT_BRIDGE=1",
	}
	p.cmd.Stdout = &p.stdout
	p.cmd.Stderr = &p.stderr
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(p.stop)
	return p
}

// stop kills cakebackup and the dialog it started, and waits until
// cakebackup has ended (so its output is complete and safe to read).
func (p *desktopProgram) stop() {
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.exited
}

// wait waits for the program to end and returns its exit code.
func (p *desktopProgram) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(desktopWait):
		p.stop()
		t.Fatalf("cakebackup did not finish in %v:\nstdout: %q\nstderr: %q", desktopWait, p.stdout.String(), p.stderr.String())
		return -1
	}
}

// choose answers the folder chooser: it focuses the dialog (there is no
// window manager to do it), opens GTK's location field with Ctrl+L,
// types dir and presses Return.
func (d xDisplay) choose(t *testing.T, window, dir string) {
	t.Helper()
	d.xdotool(t, "windowfocus", "--sync", window)
	d.xdotool(t, "key", "--clearmodifiers", "ctrl+l")
	// The trailing separator leaves nothing for the location field to
	// complete, so Return takes exactly this folder.
	d.xdotool(t, "type", "--delay", "5", withSlash(dir))
	d.xdotool(t, "key", "Return")
}

// cancel closes the folder chooser with Escape.
func (d xDisplay) cancel(t *testing.T, window string) {
	t.Helper()
	d.xdotool(t, "windowfocus", "--sync", window)
	d.xdotool(t, "key", "Escape")
}

func withSlash(dir string) string {
	return strings.TrimSuffix(dir, "/") + "/"
}

// filesUnder lists the regular files anywhere under root.
func filesUnder(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(path string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !de.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestPickRealDesktopChooser runs the real cakebackup binary in a real X
// session (Xvfb) where its folder chooser is the real zenity, and answers
// the GTK dialog with real key presses (xdotool).
func TestPickRealDesktopChooser(t *testing.T) {
	t.Parallel()
	for _, prog := range []string{"Xvfb", "zenity", "xdotool"} {
		if _, err := exec.LookPath(prog); err != nil {
			t.Skipf("needs %s on PATH (Debian packages xvfb, zenity, xdotool) to run the real desktop folder chooser", prog)
		}
	}
	bin := programPath(t)
	wallets, err := filepath.Abs(filepath.Join("..", "..", "examples", "wallets"))
	if err != nil {
		t.Fatal(err)
	}
	display := startXvfb(t)
	pwFile := writePasswordFile(t, "correct horse battery staple")

	t.Run("pick prints the folder typed into the chooser", func(t *testing.T) {
		home, downloads := pickHome(t)
		// Somewhere else than where the chooser opens, with a space.
		typed := filepath.Join(t.TempDir(), "Cake backups")
		if err := os.Mkdir(typed, 0o700); err != nil {
			t.Fatal(err)
		}
		p := startOnDesktop(t, bin, display, home, t.TempDir(), "pick")
		window := display.waitForWindow(t, pickTitle, p)
		display.choose(t, window, typed)
		if code := p.wait(t); code != 0 {
			t.Fatalf("exit %d; stderr: %q", code, p.stderr.String())
		}
		if got, want := p.stdout.String(), "folder:"+typed+"\n"; got != want {
			t.Errorf("printed %q, want %q (stderr: %q)", got, want, p.stderr.String())
		}
		if files := filesUnder(t, downloads); len(files) != 0 {
			t.Errorf("pick wrote %v", files)
		}
	})

	t.Run("create --pick stores the backup in the folder typed into the chooser", func(t *testing.T) {
		home, downloads := pickHome(t)
		typed := filepath.Join(downloads, "Wallet backups")
		p := startOnDesktop(t, bin, display, home, t.TempDir(),
			"create", "--source", wallets, "--pick", "--password-file", pwFile, "--quiet")
		window := display.waitForWindow(t, pickTitle, p)
		display.choose(t, window, typed)
		if code := p.wait(t); code != 0 {
			t.Fatalf("exit %d; stderr: %q", code, p.stderr.String())
		}
		files := filesUnder(t, home)
		if len(files) != 1 || filepath.Dir(files[0]) != typed {
			t.Fatalf("files under home: %v; want one backup in %s", files, typed)
		}
		fi, err := os.Stat(files[0])
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 || fi.Size() == 0 {
			t.Errorf("backup %s: mode %v, size %d; want a non-empty 0600 file", files[0], fi.Mode(), fi.Size())
		}
		if v := newCLI(t); v.run("verify", "--password-file", pwFile, files[0]) != 0 {
			t.Errorf("the backup does not verify: %s", v.stderr.String())
		}
	})

	t.Run("create --pick cancelled with Escape stores nothing", func(t *testing.T) {
		home, _ := pickHome(t)
		p := startOnDesktop(t, bin, display, home, t.TempDir(),
			"create", "--source", wallets, "--pick", "--password-file", pwFile, "--quiet")
		window := display.waitForWindow(t, pickTitle, p)
		display.cancel(t, window)
		code := p.wait(t)
		if code == 0 {
			t.Fatalf("cancelled create exited 0; stdout: %q", p.stdout.String())
		}
		if !strings.Contains(p.stderr.String(), "no destination chosen") {
			t.Errorf("stderr does not say why: %q", p.stderr.String())
		}
		if strings.Contains(p.stderr.String(), "terminal picker") {
			t.Errorf("a cancelled chooser fell back to the terminal picker: %q", p.stderr.String())
		}
		if files := filesUnder(t, home); len(files) != 0 {
			t.Errorf("cancelled create wrote %v", files)
		}
	})

	t.Run("a chooser that cannot reach the display is not taken as a cancel", func(t *testing.T) {
		home, _ := pickHome(t)
		p := startOnDesktop(t, bin, deadDisplay(t), home, t.TempDir(), "pick")
		if code := p.wait(t); code == 0 {
			t.Fatalf("pick exited 0 without a display; stdout: %q", p.stdout.String())
		}
		stderr := p.stderr.String()
		// No terminal either: one line with both reasons, announcing no
		// terminal picker that never comes.
		if !strings.Contains(stderr, "cannot open display") || !strings.Contains(stderr, "no terminal to show the folder picker on") ||
			strings.Contains(stderr, "using the terminal picker") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("stderr does not say in one line that the chooser failed and there is no terminal: %q", stderr)
		}
		if strings.Contains(stderr, "no destination chosen") {
			t.Errorf("a chooser that never opened was reported as a cancel: %q", stderr)
		}
		if p.stdout.Len() != 0 {
			t.Errorf("printed %q", p.stdout.String())
		}
	})
}
