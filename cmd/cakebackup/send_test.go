package main

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/internal/interrupt"
	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/proton/protontest"
)

// appExportPassword is the password of the app-style exports the tests
// make.
const appExportPassword = wallettest.AppExportPassword

// appExport returns the test's own copy, alone in a new folder, of an
// export made as the wallet app does, with the keychain dump's stand-in
// naming kind (see wallettest.AppExport). One export of each kind is made
// per run of the tests (fixtures_test.go).
func appExport(t *testing.T, kind string) string {
	t.Helper()
	f, ok := appExports[kind]
	if !ok {
		t.Fatalf("no app export of kind %q", kind)
	}
	return f.copyFor(t)
}

func TestSendAppExports(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"v3", "v2", "v2chacha"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			c := newCLI(t)
			file := appExport(t, kind)
			orig, _ := os.ReadFile(file)
			a, b := t.TempDir(), t.TempDir()
			out := c.mustRun("send", file, "--dest", "folder:"+a, "--dest", b)
			if strings.Count(out, "sent and verified") != 2 {
				t.Fatalf("send printed %q", out)
			}
			for _, dir := range []string{a, b} {
				got, err := os.ReadFile(filepath.Join(dir, filepath.Base(file)))
				if err != nil || !bytes.Equal(got, orig) {
					t.Fatalf("%s: copy differs from the export (%v)", dir, err)
				}
			}
			// The copy is what the app made: the app can import it.
			pwFile := writePasswordFile(t, appExportPassword)
			copyPath := filepath.Join(b, filepath.Base(file))
			if out := c.mustRun("inspect", copyPath, "--password-file", pwFile); !strings.Contains(out, "the app can import it") {
				t.Errorf("inspect printed %q", out)
			}
			// Sending again stores nothing new.
			if out := c.mustRun("send", file, "--dest", "folder:"+a, "--dest", b); strings.Count(out, "already there") != 2 {
				t.Fatalf("second send printed %q", out)
			}
			if entries, _ := os.ReadDir(a); len(entries) != 1 {
				t.Fatalf("%s holds %d files after two sends", a, len(entries))
			}
		})
	}
}

func TestSendWithPassword(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	file := appExport(t, "v3")
	out := t.TempDir()
	code := c.run("send", file, "--dest", "folder:"+out, "--password-file", writePasswordFile(t, "not the password"))
	oneLineError(t, c, code, "wrong password")
	if code != exitWrongPassword {
		t.Errorf("exit %d, want %d", code, exitWrongPassword)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Fatalf("a refused file was sent: %d files", len(entries))
	}
	c.mustRun("send", file, "--dest", "folder:"+out, "--password-file", writePasswordFile(t, appExportPassword))
}

// TestSendRefusesDamagedFile: a damaged export, whether its data (a v2
// blob with a flipped byte) or its container (a v3 export with bytes after
// its end) is damaged, is refused as damaged, exit 4, in one line that
// does not call it "not a backup", and nothing is sent; a text file is
// refused with exit 4 too.
func TestSendRefusesDamagedFile(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, tt := range []struct {
		kind   string
		damage func([]byte) []byte
	}{
		{"v2", func(b []byte) []byte { b[len(b)-10] ^= 1; return b }},
		{"v3", func(b []byte) []byte { return append(b, "junk"...) }},
	} {
		b, err := os.ReadFile(appExport(t, tt.kind))
		if err != nil {
			t.Fatal(err)
		}
		damaged := filepath.Join(t.TempDir(), "damaged")
		if err := os.WriteFile(damaged, tt.damage(b), 0o600); err != nil {
			t.Fatal(err)
		}
		out := t.TempDir()
		code := c.run("send", damaged, "--dest", "folder:"+out)
		oneLineError(t, c, code, "damaged")
		if code != exitDamaged || strings.Contains(c.stderr.String(), "not a Cake Wallet backup") {
			t.Errorf("%s: exit %d, stderr %q; want %d, and damaged, not \"not a backup\"", tt.kind, code, c.stderr.String(), exitDamaged)
		}
		if entries, _ := os.ReadDir(out); len(entries) != 0 {
			t.Fatalf("a damaged file was sent: %d files", len(entries))
		}
	}
	out := t.TempDir()
	notBackup := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(notBackup, []byte("shopping list"), 0o600)
	if code := c.run("send", notBackup, "--dest", "folder:"+out); code != exitDamaged {
		t.Errorf("send of a text file: exit %d, want %d", code, exitDamaged)
	}
}

func TestSendOneDestinationFailing(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	file := appExport(t, "v3")
	good := t.TempDir()
	missing := filepath.Join(t.TempDir(), "gone")
	code := c.run("send", file, "--dest", "folder:"+missing, "--dest", "folder:"+good, "--json")
	if code != exitFailure {
		t.Fatalf("exit %d, want %d; stderr %s", code, exitFailure, c.stderr.String())
	}
	var out job.SentResults
	err := json.Unmarshal(c.stdout.Bytes(), &out)
	res := out.Files
	if err != nil {
		t.Fatalf("send --json printed %q: %v", c.stdout.String(), err)
	}
	if len(res) != 1 || res[0].OK || res[0].MadeBy != "app" || len(res[0].Destinations) != 2 ||
		res[0].Destinations[0].OK || !res[0].Destinations[1].OK {
		t.Fatalf("send --json = %+v", res)
	}
	if _, err := os.Stat(filepath.Join(good, filepath.Base(file))); err != nil {
		t.Fatalf("the good destination has no copy: %v", err)
	}
}

// TestSendJSONPrintsTheFileSHA512: send --json prints each file's
// SHA-512, whether it was stored or already there.
func TestSendJSONPrintsTheFileSHA512(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		already bool // the destination holds the files already
	}{
		{"stored", false},
		{"already there", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newCLI(t)
			files := []string{appExport(t, "v3"), appExport(t, "v2")}
			dest := t.TempDir()
			if tt.already {
				c.mustRun("send", files[0], files[1], "--dest", "folder:"+dest)
			}
			var out job.SentResults
			if err := json.Unmarshal([]byte(c.mustRun("send", files[0], files[1], "--dest", "folder:"+dest, "--json")), &out); err != nil {
				t.Fatal(err)
			}
			if len(out.Files) != len(files) {
				t.Fatalf("send --json = %+v, want %d files", out, len(files))
			}
			for i, res := range out.Files {
				data, err := os.ReadFile(files[i])
				if err != nil {
					t.Fatal(err)
				}
				sum := sha512.Sum512(data)
				if res.File != files[i] || !res.OK || res.SHA512 != hex.EncodeToString(sum[:]) ||
					len(res.Destinations) != 1 || res.Destinations[0].AlreadyThere != tt.already {
					t.Errorf("file %d: %+v, want sha512 %x", i, res, sum)
				}
			}
		})
	}
}

func TestInspectTellsTheTwoKindsApart(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ours, pwFile := sampleBackup(t)
	for _, args := range [][]string{{"inspect", ours}, {"inspect", ours, "--password-file", pwFile}} {
		if out := c.mustRun(args...); !strings.Contains(out, "the app cannot import it") {
			t.Errorf("%v printed %q", args, out)
		}
	}
	export := appExport(t, "v3")
	if out := c.mustRun("inspect", export); !strings.Contains(out, "the app can import") || !strings.Contains(out, "Cake Wallet 4.28.0") {
		t.Errorf("inspect of an app export printed %q", out)
	}
	var res job.Inspection
	if err := json.Unmarshal([]byte(c.mustRun("inspect", export, "--json", "--password-file", writePasswordFile(t, appExportPassword))), &res); err != nil {
		t.Fatal(err)
	}
	if res.MadeBy != "app" || res.AppCanImport == nil || !*res.AppCanImport {
		t.Errorf("inspect --json = %+v", res)
	}

	// In JSON too: a snapshot is never importable, which needs no
	// password to know; whether an export is needs its contents.
	for _, tt := range []struct {
		args []string
		want string // app_can_import, "" for absent
	}{
		{[]string{"inspect", ours, "--json"}, "false"},
		{[]string{"inspect", ours, "--json", "--password-file", pwFile}, "false"},
		{[]string{"inspect", export, "--json"}, ""},
	} {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(c.mustRun(tt.args...)), &raw); err != nil {
			t.Fatal(err)
		}
		if got := string(raw["app_can_import"]); got != tt.want {
			t.Errorf("%v: app_can_import = %q, want %q", tt.args, got, tt.want)
		}
	}
}

// TestInspectWording: inspect's text says who made a backup once, and
// names the app a snapshot is for, as its JSON does (for_app).
func TestInspectWording(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	pwFile := writePasswordFile(t, "correct horse battery staple 42")
	dir := t.TempDir()
	c.mustRun("create", "--source", sampleWallets, "--dest", "folder:"+dir, "--password-file", pwFile, "--for-app", "Monero.com", "--name", "monero")
	tests := []struct {
		name, file, forApp string
	}{
		{"snapshot for Monero.com", filepath.Join(dir, "monero"), "Monero.com"},
		{"app export", appExport(t, "v3"), "Cake Wallet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := c.mustRun("inspect", tt.file)
			if n := strings.Count(strings.ToLower(out), "made by"); n != 1 {
				t.Errorf("inspect says \"made by\" %d times, want once:\n%s", n, out)
			}
			if !regexp.MustCompile(`(?m)^For app: +` + regexp.QuoteMeta(tt.forApp) + `$`).MatchString(out) {
				t.Errorf("inspect does not name the app %s:\n%s", tt.forApp, out)
			}
			// Without the password nothing but the structure was read.
			if !strings.Contains(out, "contents not checked: `cakebackup verify FILE` checks every chunk") {
				t.Errorf("inspect does not say the contents were not checked:\n%s", out)
			}
		})
	}
}

func TestCreateSaysTheAppCannotImportIt(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	pwFile := writePasswordFile(t, "correct horse battery staple 42")
	out := c.mustRun("create", "--source", sampleWallets, "--dest", "folder:"+t.TempDir(), "--password-file", pwFile)
	if !strings.Contains(out, "the app cannot import it") {
		t.Errorf("create printed %q", out)
	}
	if out := c.mustRun("create", "--source", sampleWallets, "--dest", "folder:"+t.TempDir(), "--password-file", pwFile, "--quiet"); strings.Contains(out, "import") {
		t.Errorf("create --quiet printed %q", out)
	}
}

func TestCreateToSeveralDestinations(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	pwFile := writePasswordFile(t, "correct horse battery staple 42")
	a, b := t.TempDir(), t.TempDir()
	missing := filepath.Join(t.TempDir(), "unplugged")
	code := c.run("create", "--source", sampleWallets, "--dest", "folder:"+a, "--dest", "folder:"+missing, "--dest", b, "--password-file", pwFile)
	if code != exitFailure {
		t.Fatalf("exit %d, want %d", code, exitFailure)
	}
	out := c.stdout.String()
	// The failed destination's line names it once.
	if strings.Count(out, "Backup saved and verified") != 2 || !strings.Contains(out, "\nNOT saved: folder "+missing+" does not exist\n") {
		t.Errorf("create printed %q", out)
	}
	if n := strings.Count(out, missing); n != 1 {
		t.Errorf("create names %s %d times, want once: %q", missing, n, out)
	}
	for _, dir := range []string{a, b} {
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Fatalf("%s holds %d files", dir, len(entries))
		}
		c.mustRun("verify", filepath.Join(dir, entries[0].Name()), "--password-file", pwFile)
	}
}

// TestCreateRemovesLeftoversOfInterruptedRuns: the hidden temporary file
// a killed create left is removed by the next create, which says so.
func TestCreateRemovesLeftoversOfInterruptedRuns(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	dir := t.TempDir()
	leftover := filepath.Join(dir, ".cake_wallet_backup_2026-01-01_000000.cakebackup-tmp-4242-0123456789ab")
	if err := os.WriteFile(leftover, make([]byte, 3000), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(leftover, old, old)
	out := c.mustRun("create", "--source", sampleWallets, "--dest", "folder:"+dir, "--password-file", writePasswordFile(t, "correct horse battery staple 42"))
	if !strings.Contains(out, "Removed 1 leftover file(s) of interrupted backups from folder:"+dir) {
		t.Errorf("create printed %q", out)
	}
	if _, err := os.Stat(leftover); err == nil {
		t.Error("the leftover is still there")
	}
}

// TestInspectBareBlobPlainSize: a bare v2 blob does not say how much data
// it holds. Without the password inspect gives no data size (not "0 B of
// data", and no plain_size in JSON); with it, the size it decrypted to.
func TestInspectBareBlobPlainSize(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	export := appExport(t, "v2")
	pwFile := writePasswordFile(t, appExportPassword)
	if out := c.mustRun("inspect", export); strings.Contains(out, "of data") {
		t.Errorf("inspect without the password printed a data size:\n%s", out)
	}
	var without map[string]any
	if err := json.Unmarshal([]byte(c.mustRun("inspect", export, "--json")), &without); err != nil {
		t.Fatal(err)
	}
	if v, ok := without["plain_size"]; ok {
		t.Errorf("inspect --json without the password: plain_size %v, want none", v)
	}
	var with job.Inspection
	if err := json.Unmarshal([]byte(c.mustRun("inspect", export, "--json", "--password-file", pwFile)), &with); err != nil {
		t.Fatal(err)
	}
	if with.PlainSize <= 0 {
		t.Errorf("inspect --json with the password: plain_size %d, want the decrypted size", with.PlainSize)
	}
	if out := c.mustRun("inspect", export, "--password-file", pwFile); strings.Contains(out, "(0 B of data)") {
		t.Errorf("inspect with the password printed:\n%s", out)
	}
}

// TestSendJSONInterruptedExitCode: a send stopped by a signal gives each
// file the exit code the process ends with (143 for SIGTERM), not 1.
func TestSendJSONInterruptedExitCode(t *testing.T) {
	t.Parallel()
	file, _ := sampleBackup(t)
	c := newCLI(t)
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(&interrupt.Error{Code: 143})
	code := c.runContext(ctx, "send", file, "--dest", t.TempDir(), "--json")
	var res job.SentResults
	if err := json.Unmarshal(c.stdout.Bytes(), &res); err != nil {
		t.Fatalf("stdout %q: %v", c.stdout.String(), err)
	}
	if code != 143 || len(res.Files) != 1 || res.Files[0].ExitCode != 143 || res.Files[0].Error != "interrupted" {
		t.Errorf("exit %d, result %+v; want 143 for both, and the error \"interrupted\"", code, res.Files)
	}
}

// TestSendJSONCodeOfFileFailedBeforeSignal: in a send of two files, the
// first refused for its own reason (not there: exit 2) before a signal
// stops the second keeps its own exit code in --json; the second gets the
// signal's. The signal comes at the first environment lookup after the
// password's, once the files are being sent.
func TestSendJSONCodeOfFileFailedBeforeSignal(t *testing.T) {
	t.Parallel()
	good, _ := sampleBackup(t)
	missing := filepath.Join(t.TempDir(), "missing.zip")
	c := newCLI(t)
	ctx, cancel := context.WithCancelCause(context.Background())
	var mu sync.Mutex
	armed := false
	c.onGetenv = func(k string) {
		mu.Lock()
		defer mu.Unlock()
		if k == passwordEnv {
			armed = true
		} else if armed {
			cancel(&interrupt.Error{Code: 130})
		}
	}
	code := c.runContext(ctx, "send", missing, good, "--dest", "downloads", "--json")
	var res job.SentResults
	if err := json.Unmarshal(c.stdout.Bytes(), &res); err != nil {
		t.Fatalf("stdout %q: %v", c.stdout.String(), err)
	}
	if code != 130 || len(res.Files) != 2 || res.Files[0].ExitCode != exitUsage || res.Files[1].ExitCode != 130 ||
		res.Files[1].Error != "interrupted" {
		t.Errorf("exit %d, result %+v; want 130, the missing file's exit_code %d and the stopped file's 130", code, res.Files, exitUsage)
	}
}

// TestSendInterruptedSaysSo: a file a signal stopped is reported as
// interrupted, not with the context's "context canceled": by the error
// line alone when it is the only file, and by its result line too when
// there are others.
func TestSendInterruptedSaysSo(t *testing.T) {
	t.Parallel()
	file, _ := sampleBackup(t)
	other := appExport(t, "v3")
	for _, tc := range []struct {
		files  []string
		stdout string
	}{
		{[]string{file}, ""},
		{[]string{file, other}, file + ": NOT sent: interrupted\n" + other + ": NOT sent: interrupted\n"},
	} {
		c := newCLI(t)
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(&interrupt.Error{Code: 130})
		code := c.runContext(ctx, append(append([]string{"send"}, tc.files...), "--dest", t.TempDir())...)
		if code != 130 || c.stdout.String() != tc.stdout || !strings.HasSuffix(c.stderr.String(), ": interrupted\n") || strings.Contains(c.stderr.String(), "context canceled") {
			t.Errorf("send %d file(s): exit %d, stdout %q, stderr %q; want 130, stdout %q and the error ending \": interrupted\"", len(tc.files), code, c.stdout.String(), c.stderr.String(), tc.stdout)
		}
	}
}

// TestSendResultNamesEachThingOnce: a file's or a destination's result
// line names it once, not again in the error that follows. Each run sends
// two files to two destinations, so that each has a result line of its
// own (the only file's or destination's failure is the error line alone).
func TestSendResultNamesEachThingOnce(t *testing.T) {
	t.Parallel()
	notBackup := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notBackup, []byte("shopping list"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := "folder:" + filepath.Join(t.TempDir(), "gone")
	gone, folder := filepath.Join(t.TempDir(), "gone.bak"), t.TempDir()
	for _, tc := range []struct {
		name       string
		file, dest string
		line       string // the result line's start, naming the thing
		thing      string // named once in that line
	}{
		{"a file that is not a backup", notBackup, "folder:" + t.TempDir(), notBackup + ": NOT sent: ", notBackup},
		{"a destination that fails", appExport(t, "v3"), missing, "  NOT sent: ", strings.TrimPrefix(missing, "folder:")},
		{"a file that is not there", gone, "folder:" + t.TempDir(), gone + ": NOT sent: ", gone},
		{"a folder", folder, "folder:" + t.TempDir(), folder + ": NOT sent: ", folder},
		{"a destination with a fix", appExport(t, "v3"), "proton:/Backups/Cake", "  NOT sent to proton:/Backups/Cake: not logged in to Proton: run `cakebackup proton login`", "proton:/Backups/Cake"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			if code := c.run("send", tc.file, appExport(t, "v2"), "--dest", tc.dest, "--dest", t.TempDir()); code == 0 {
				t.Fatal("send succeeded")
			}
			line := lastLineStarting(t, c.stdout.String(), tc.line)
			if n := strings.Count(line, tc.thing); n != 1 {
				t.Errorf("%q names %s %d times, want once", line, tc.thing, n)
			}
		})
	}
}

// TestSendMissingFile: a file that is not there is a usage error (exit
// 2) worded as verify's, in the text result, the JSON result and the
// exit code, not a failure (exit 1) with the system's "open F: ...".
func TestSendMissingFile(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nonexist")
	want := missing + ": no such backup file"
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"verify", []string{"verify", missing}},
		{"send", []string{"send", missing, "--dest", "folder:" + t.TempDir()}},
		{"send --json", []string{"send", missing, "--dest", "folder:" + t.TempDir(), "--json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			code := c.run(tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if got := c.stderr.String(); got != "cakebackup: "+want+"\n" {
				t.Errorf("stderr %q, want %q", got, "cakebackup: "+want+"\n")
			}
			if !slices.Contains(tc.args, "--json") {
				return
			}
			var res job.SentResults
			if err := json.Unmarshal(c.stdout.Bytes(), &res); err != nil {
				t.Fatalf("stdout %q: %v", c.stdout.String(), err)
			}
			if len(res.Files) != 1 || res.Files[0].ExitCode != 2 || res.Files[0].Error != want {
				t.Errorf("result %+v, want exit code 2 and error %q", res.Files, want)
			}
		})
	}
}

// TestDestinationGivenAsAPathNamedOnce: a destination given as a bare
// path (/media/usb, not folder:/media/usb) that does not open is named
// once in its result line too, not again as the error's
// "destination folder:/media/usb: ...".
func TestDestinationGivenAsAPathNamedOnce(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "unplugged")
	want := "folder " + missing + " does not exist"
	pwFile := writePasswordFile(t, "correct horse battery staple 42")
	for _, tc := range []struct {
		args []string
		line string
	}{
		{[]string{"create", "--source", sampleWallets, "--password-file", pwFile, "--dest", t.TempDir(), "--dest", missing}, "NOT saved: " + want},
		{[]string{"send", appExport(t, "v3"), "--dest", t.TempDir(), "--dest", missing}, "  NOT sent: " + want},
	} {
		t.Run(tc.args[0], func(t *testing.T) {
			t.Parallel()
			c := newCLI(t)
			if code := c.run(tc.args...); code != exitFailure {
				t.Fatalf("exit %d, want %d; stderr %q", code, exitFailure, c.stderr.String())
			}
			if lines := strings.Split(c.stdout.String(), "\n"); !slices.Contains(lines, tc.line) {
				t.Errorf("no line %q in %q", tc.line, c.stdout.String())
			}
		})
	}
}

// TestFailedStoreNamesTheDestinationOnce: a destination that opens but
// fails as the backup is stored is named once in its result line, not
// again by the error's "backup to D: " or "sending to D: ": Proton with
// too little room, which refuses the backup before the upload starts
// ("the backup needs N bytes and the Proton account has M free" names
// it), and Proton failing the upload's commit (server errors, which name
// no place).
func TestFailedStoreNamesTheDestinationOnce(t *testing.T) {
	t.Parallel()
	const dest = "proton:/Backups/Cake"
	pwFile := writePasswordFile(t, "correct horse battery staple 42")
	for _, fault := range []struct {
		name   string
		inject func(*protontest.Server)
		to     string // " to D" when the error does not name D
	}{
		{"full", func(s *protontest.Server) { s.SetQuota(1024) }, ""},
		{"commit fails", func(s *protontest.Server) { s.FailNext(protontest.RouteCommitRevision, 100, 500, 0) }, " to " + dest},
	} {
		for _, tc := range []struct {
			args []string
			line string
		}{
			{[]string{"create", "--source", sampleWallets, "--password-file", pwFile, "--dest", t.TempDir(), "--dest", dest}, "NOT saved" + fault.to + ": "},
			{[]string{"send", appExport(t, "v2"), "--dest", t.TempDir(), "--dest", dest}, "  NOT sent" + fault.to + ": "},
		} {
			t.Run(fault.name+"/"+tc.args[0], func(t *testing.T) {
				t.Parallel()
				c, srv := loggedInProtonCLI(t)
				fault.inject(srv.Server)
				if code := c.run(tc.args...); code != exitFailure {
					t.Fatalf("exit %d, want %d; stderr %q", code, exitFailure, c.stderr.String())
				}
				line := lastLineStarting(t, c.stdout.String(), tc.line)
				if n := strings.Count(line, dest+": "); n != 1 {
					t.Errorf("%q names %s %d times, want once", line, dest, n)
				}
			})
		}
	}
}

// lastLineStarting is the last line of out that starts with prefix; the
// test fails when there is none.
func lastLineStarting(t *testing.T, out, prefix string) string {
	t.Helper()
	var line string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			line = l
		}
	}
	if line == "" {
		t.Fatalf("no line starting %q in %q", prefix, out)
	}
	return line
}

// TestSendRefusesNamesNotEveryDestinationStores: send of an export whose
// name a FAT stick, Windows or Proton Drive cannot take, and create with
// such a --name, are usage errors (exit 2) in one line that shows a
// control character quoted; nothing is written.
func TestSendRefusesNamesNotEveryDestinationStores(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	b, err := os.ReadFile(appExport(t, "v3"))
	if err != nil {
		t.Fatal(err)
	}
	pwFile := writePasswordFile(t, "correct horse battery staple 42")
	for _, tt := range []struct {
		name string
		args func(out string) []string
		want string
	}{
		{"a colon", func(out string) []string {
			return []string{"send", writeNamed(t, "cake_wallet_backup 08:00", b), "--dest", "folder:" + out}
		}, "cake_wallet_backup 08:00 contains one of"},
		{"a newline", func(out string) []string {
			return []string{"send", writeNamed(t, "backup\nsecond", b), "--dest", "folder:" + out}
		}, `"backup\nsecond" contains a control character`},
		{"a device name", func(out string) []string {
			return []string{"send", writeNamed(t, "aux.zip", b), "--dest", "folder:" + out}
		}, "device name"},
		{"create --name ending in a dot", func(out string) []string {
			return []string{"create", "--source", sampleWallets, "--dest", "folder:" + out, "--password-file", pwFile, "--name", "backup."}
		}, "--name backup. ends in a dot"},
		{"create --name with a tab", func(out string) []string {
			return []string{"create", "--source", sampleWallets, "--dest", "folder:" + out, "--password-file", pwFile, "--name", "a\tb"}
		}, `--name "a\tb" contains a control character`},
	} {
		out := t.TempDir()
		code := c.run(tt.args(out)...)
		oneLineError(t, c, code, tt.want)
		if code != exitUsage {
			t.Errorf("%s: exit %d, want %d", tt.name, code, exitUsage)
		}
		if entries, _ := os.ReadDir(out); len(entries) != 0 {
			t.Errorf("%s: %d files written", tt.name, len(entries))
		}
	}
}

// writeNamed writes b to a file called name in a folder of its own.
func writeNamed(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
