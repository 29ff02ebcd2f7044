package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	protonapi "github.com/rclone/go-proton-api"

	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/proton/protontest"
	"github.com/cakebackup/cakebackup/secret"
)

const (
	protonTestUser     = "ana"
	protonTestPassword = "proton account password, long enough"
)

// newProtonCLI returns a CLI pointed at a fresh fake Proton server with
// one account, keeping sessions in a file (never a real keyring). opts go
// to NewForTest: a test that revokes sessions or shortens their life needs
// protontest.WithOwnCore.
func newProtonCLI(t *testing.T, opts ...protontest.TestOption) (*cliRun, *protontest.TestServer) {
	t.Helper()
	srv := protontest.NewForTest(t, append(opts, protontest.WithUser(protonTestUser, protonTestPassword))...)
	c := newCLI(t)
	c.vars[proton.URLEnv] = srv.URL()
	c.vars[proton.SessionEnv] = "file"
	return c, srv
}

// loggedInProtonCLI is newProtonCLI logged in: the fake server's session
// of the account (TestServer.Session) is saved where `cakebackup proton
// login` saves one, as Login would have made it, for the tests whose
// point is not logging in (a login costs bcrypt hashes and an SRP
// exchange; TestProtonEndToEnd and the login tests log in).
func loggedInProtonCLI(t *testing.T, opts ...protontest.TestOption) (*cliRun, *protontest.TestServer) {
	t.Helper()
	c, srv := newProtonCLI(t, opts...)
	saveProtonSession(t, srv, func(k string) string { return c.vars[k] })
	return c, srv
}

// saveProtonSession saves srv's session of the account (see
// protontest.TestServer.Session) in the session store getenv names.
func saveProtonSession(t *testing.T, srv *protontest.TestServer, getenv func(string) string) {
	t.Helper()
	session := srv.Session()
	s := proton.Session{
		Created:       time.Now().UTC().Truncate(time.Second),
		Username:      srv.Username,
		APIURL:        srv.URL(),
		UID:           session.UID,
		AccessToken:   session.AccessToken,
		RefreshToken:  session.RefreshToken,
		SaltedKeyPass: session.SaltedKeyPass,
	}
	if err := proton.NewSessionStore(getenv, nil).Save(context.Background(), s); err != nil {
		t.Fatal(err)
	}
}

// oneLineError checks a failed run printed exactly one line on stderr
// and that it mentions want.
func oneLineError(t *testing.T, c *cliRun, code int, want string) {
	t.Helper()
	msg := c.stderr.String()
	t.Logf("exit %d: %s", code, strings.TrimSpace(msg))
	if code == 0 {
		t.Fatalf("exit 0, want a failure mentioning %q", want)
	}
	if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, want) {
		t.Fatalf("stderr %q: want one line mentioning %q", msg, want)
	}
	if strings.Contains(msg, protonTestPassword) {
		t.Fatalf("stderr shows the password: %q", msg)
	}
}

// TestProtonEndToEnd: log in once, then create, list and restore a backup
// on the fake Proton Drive with no Proton password, then log out.
func TestProtonEndToEnd(t *testing.T) {
	t.Parallel()
	c, _ := newProtonCLI(t)

	// A script: username on stdin, password in the environment.
	c.stdin = protonTestUser + "\n"
	c.vars[protonPasswordEnv] = protonTestPassword
	if out := c.mustRun("proton", "login"); !strings.Contains(out, "Logged in to Proton Drive as "+protonTestUser) {
		t.Fatalf("login printed %q", out)
	}
	delete(c.vars, protonPasswordEnv)
	c.stdin = ""
	session, err := os.ReadFile(filepath.Join(c.vars["XDG_CONFIG_HOME"], "cakebackup", "proton-session.json"))
	if err != nil {
		t.Fatalf("no session file: %v", err)
	}
	if strings.Contains(string(session), protonTestPassword) {
		t.Fatal("the session file holds the password")
	}
	if out := c.mustRun("proton", "whoami"); !strings.Contains(out, protonTestUser) || !strings.Contains(out, "Session made "+time.Now().Format("2006-01-02")) || !strings.Contains(out, "last renewed never") {
		t.Fatalf("whoami printed %q", out)
	}

	pwFile := writePasswordFile(t, "backup password for the wallets")
	out := c.mustRun("create", "--source", sampleWallets, "--settings", sampleSettings,
		"--dest", "proton:/Backups/Cake", "--password-file", pwFile, "--json", "--quiet")
	var res job.CreatedResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("create --json printed %q: %v", out, err)
	}
	if !res.Verified || res.Location != "proton:/Backups/Cake/"+res.Name {
		t.Fatalf("create result %+v", res)
	}

	var listed lsJSON
	if err := json.Unmarshal([]byte(c.mustRun("ls", "proton:/Backups/Cake", "--json")), &listed); err != nil {
		t.Fatal(err)
	}
	entries := listed.Backups
	if len(entries) != 1 || entries[0].Name != res.Name || entries[0].Size != res.Size {
		t.Fatalf("ls = %+v, want the one backup %s of %d bytes", entries, res.Name, res.Size)
	}

	to := filepath.Join(t.TempDir(), "restored")
	c.mustRun("restore", res.Location, "--to", to, "--password-file", pwFile)
	var restored int
	err = filepath.WalkDir(to, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			restored++
		}
		return err
	})
	if err != nil || restored == 0 {
		t.Fatalf("restore wrote %d files (%v)", restored, err)
	}

	// A missing folder is an error, as for folder:, and ls does not make it.
	oneLineError(t, c, c.run("ls", "proton:/Backups/Missing"), "no such folder /Backups/Missing on Proton Drive")
	if code := c.run("ls", "proton:/Backups/Missing"); code != exitFailure {
		t.Fatalf("second ls of a missing folder: exit %d (was it created?)", code)
	}

	if out := c.mustRun("proton", "logout"); !strings.Contains(out, "Logged out") {
		t.Fatalf("logout printed %q", out)
	}
	oneLineError(t, c, c.run("proton", "whoami"), "cakebackup proton login")
	oneLineError(t, c, c.run("ls", "proton:/Backups/Cake"), "cakebackup proton login")
}

func TestProtonLoginFailures(t *testing.T) {
	t.Parallel()
	c, srv := newProtonCLI(t, protontest.WithOwnCore())
	for _, tc := range []struct {
		name  string
		args  []string
		stdin string
		env   string
		want  string
	}{
		{"wrong password", []string{"proton", "login", "--proton-user", protonTestUser}, "", "wrong", "username or password is wrong"},
		{"no password and no terminal", []string{"proton", "login", "--proton-user", protonTestUser}, "", "", "password needed"},
		{"bad URL", []string{"proton", "login", "--proton-url", "ftp://x"}, "", "", "proton-url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.stdin = tc.stdin
			c.vars[protonPasswordEnv] = tc.env
			oneLineError(t, c, c.run(tc.args...), tc.want)
		})
	}

	// A session revoked at Proton: one line saying to log in again.
	c.vars[protonPasswordEnv] = protonTestPassword
	c.mustRun("proton", "login", "--proton-user", protonTestUser)
	if err := srv.RevokeSessions(protonTestUser); err != nil {
		t.Fatal(err)
	}
	oneLineError(t, c, c.run("proton", "whoami"), "Proton session expired: run `cakebackup proton login`")
	// Logging out of a dead session still forgets it here.
	c.mustRun("proton", "logout")
	if out := c.mustRun("proton", "logout"); !strings.Contains(out, "Not logged in") {
		t.Fatalf("second logout printed %q", out)
	}
}

// TestProtonAppVersion: cakebackup identifies with the app version
// derived from its own version, which the fake (like Proton) accepts; an
// outdated one, or one Proton has since retired, is refused with one line
// naming the way out; --proton-app-version gets past a retirement.
func TestProtonAppVersion(t *testing.T) {
	t.Parallel()
	c, srv := newProtonCLI(t)
	derived := proton.AppVersion(version)
	if derived != "external-drive-cakebackup@"+version+"-stable" {
		t.Fatalf("derived app version %q", derived)
	}
	// Only the derived value gets in: logging in proves it was sent.
	srv.SetAppVersions(regexp.MustCompile("^" + regexp.QuoteMeta(derived) + "$"))
	c.vars[protonPasswordEnv] = protonTestPassword
	c.mustRun("proton", "login", "--proton-user", protonTestUser)
	c.mustRun("ls", "proton:/")

	const refused = "cakebackup: Proton no longer accepts this version of cakebackup: update it (or set --proton-app-version)\n"
	for _, tc := range []struct {
		name string
		env  string
		args []string
	}{
		{"outdated in the environment, login", "macos-drive@1.0.0-alpha.1+cakebackup", []string{"proton", "login", "--proton-user", protonTestUser}},
		{"outdated in the environment, ls", "macos-drive@1.0.0-alpha.1+cakebackup", []string{"ls", "proton:/"}},
		{"outdated flag, whoami", "", []string{"--proton-app-version", "macos-drive@1.0.0-alpha.1", "proton", "whoami"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.vars[proton.AppVersionEnv] = tc.env
			code := c.run(tc.args...)
			if code != exitFailure || c.stderr.String() != refused {
				t.Fatalf("exit %d, stderr %q; want exit 1 and %q", code, c.stderr.String(), refused)
			}
		})
	}
	c.vars[proton.AppVersionEnv] = ""

	// Proton retires this version: the flag (or the variable) gets past it
	// without a new login.
	srv.SetAppVersions(regexp.MustCompile(`^external-drive-cakebackup@9\.`))
	if code := c.run("ls", "proton:/"); code != exitFailure || !strings.Contains(c.stderr.String(), "--proton-app-version") {
		t.Fatalf("retired version: exit %d, stderr %q", code, c.stderr.String())
	}
	c.mustRun("--proton-app-version", "external-drive-cakebackup@9.0.0-stable", "ls", "proton:/")
	c.vars[proton.AppVersionEnv] = "external-drive-cakebackup@9.0.0-stable"
	c.mustRun("proton", "whoami")
}

// TestProtonLoginAsksWhatTheAccountNeeds drives the order and wording of
// the login dialogue with a login that answers as Proton-API-Bridge does
// for such accounts; proton_2fa_test.go runs the same dialogue against
// the fake server's two-factor and two-password accounts.
func TestProtonLoginAsksWhatTheAccountNeeds(t *testing.T) {
	t.Parallel()
	const code, mailbox = "123456", "mailbox secret"
	for _, tc := range []struct {
		name      string
		needs2FA  bool
		needsMbox bool
		cred      proton.Credentials
		stdin     string
		want      error  // nil: logged in
		wantMsg   string // for usage errors
	}{
		{name: "plain account", want: nil},
		{name: "2FA from stdin", needs2FA: true, stdin: code + "\n"},
		{name: "2FA from the flag", needs2FA: true, cred: proton.Credentials{TwoFactorCode: code}},
		{name: "2FA then mailbox password", needs2FA: true, needsMbox: true, stdin: code + "\n" + mailbox + "\n"},
		{name: "2FA missing", needs2FA: true, wantMsg: "two-factor code needed: give it with --proton-2fa"},
		{name: "mailbox password missing", needsMbox: true, wantMsg: "mailbox password needed"},
		{name: "wrong 2FA code", needs2FA: true, stdin: "000000\n", want: proton.ErrWrongTwoFactor},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls int
			login := func(_ context.Context, c proton.Credentials) (proton.Session, error) {
				calls++
				if calls > 5 {
					t.Fatal("login loops")
				}
				switch {
				case tc.needs2FA && c.TwoFactorCode == "":
					return proton.Session{}, proton.ErrTwoFactorRequired
				case tc.needs2FA && c.TwoFactorCode != code:
					return proton.Session{}, proton.ErrWrongTwoFactor
				case tc.needsMbox && c.MailboxPassword == "":
					return proton.Session{}, proton.ErrMailboxPasswordRequired
				case tc.needsMbox && c.MailboxPassword != mailbox:
					return proton.Session{}, errors.New("wrong mailbox password")
				}
				return proton.Session{Username: c.Username}, nil
			}
			cred := tc.cred
			cred.Username, cred.Password = "ana", "pw"
			ask := proton.PromptAsker{P: secret.NewPrompter(strings.NewReader(tc.stdin), io.Discard)}
			s, err := proton.LoginAsking(context.Background(), login, cred, ask)
			err = protonAnswerErr(err)
			switch {
			case tc.wantMsg != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantMsg) || exitCode(err) != exitUsage {
					t.Fatalf("LoginAsking = %v (exit %d), want a usage error %q", err, exitCode(err), tc.wantMsg)
				}
			case tc.want != nil:
				if !errors.Is(err, tc.want) {
					t.Fatalf("LoginAsking = %v, want %v", err, tc.want)
				}
			default:
				if err != nil || s.Username != "ana" {
					t.Fatalf("LoginAsking = %v, %v; want logged in", s, err)
				}
			}
		})
	}
}

// TestProtonFolderOfNewerApp: a folder the bridge cannot look up (made by
// a Proton Drive 3.x app, rclone issue 9622) is named in one line that
// suggests a folder cakebackup makes, and is not duplicated.
func TestProtonFolderOfNewerApp(t *testing.T) {
	t.Parallel()
	c, srv := loggedInProtonCLI(t)
	stored, err := srv.Stored()
	if err != nil {
		t.Fatal(err)
	}
	file, pwFile := sampleBackup(t)
	c.mustRun("send", file, "--dest", "proton:/Backups", "--quiet")
	after, err := srv.Stored()
	if err != nil {
		t.Fatal(err)
	}
	var backups string
	for _, l := range after.Links {
		if l.Type == protonapi.LinkTypeFolder && !slices.ContainsFunc(stored.Links, func(o protonapi.Link) bool { return o.LinkID == l.LinkID }) {
			backups = l.LinkID // the one folder the backup made
		}
	}
	if err := srv.SetNameHash(backups, "sdk3-name-hash"); err != nil {
		t.Fatal(err)
	}
	oneLineError(t, c, c.run("ls", "proton:/Backups/Cake"), "folder /Backups on Proton Drive was made by a newer Proton Drive app")
	if !strings.Contains(c.stderr.String(), "use a folder cakebackup makes itself, such as proton:/cakebackup/Backups/Cake") {
		t.Fatalf("no suggestion: %q", c.stderr.String())
	}
	code := c.run("create", "--source", sampleWallets, "--settings", sampleSettings, "--dest", "proton:/Backups", "--password-file", pwFile, "--quiet")
	if lines := strings.Split(strings.TrimSpace(c.stderr.String()), "\n"); code != exitFailure || !strings.Contains(lines[len(lines)-1], "no second /Backups is made") {
		t.Fatalf("create into it: exit %d, stderr %q", code, c.stderr.String())
	}
}

// TestProtonTwoProcessesShareSession: cakebackup processes share one
// cached session whose access token the fake ends on demand
// (ExpireAccessTokens), so they renew it at once. In each round a backup
// starts, its token is ended as soon as its upload has begun (the fake
// has a file create call), and a burst of listings starts right then, so
// that they race each other and the backup to renew it; once the backup
// has ended, more bursts follow, each after the token was ended again.
// The fake refuses every spent refresh token; none may be presented, and
// the session must work afterwards. With the session store's lock taken
// out of the renewal, a refresh token is presented twice in every run
// tried.
//
// The token is ended only while no renewal can be under way: before the
// renewals of a round's backup and first burst, or between bursts once
// every process has ended. A token granted or handed over by a renewal
// then still works when the process's retried call (go-proton-api retries
// once) arrives. It used to be ended every second while the backup ran:
// on a loaded machine the backup sometimes renewed just before an expiry
// and its retried call, sent after it, failed with "Proton session
// expired".
func TestProtonTwoProcessesShareSession(t *testing.T) {
	t.Parallel()
	c, srv := loggedInProtonCLI(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	drive, err := proton.Connect(ctx, proton.Options{APIURL: srv.URL()}, proton.NewSessionStore(func(k string) string { return c.vars[k] }, nil))
	if err != nil {
		t.Fatal(err)
	}
	err = drive.MakeFolder(ctx, "/", "Race")
	drive.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pwFile := writePasswordFile(t, "backup password for the wallets")

	bin := programPath(t)
	environ := []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range c.vars {
		environ = append(environ, k+"="+v)
	}
	run := func(args ...string) {
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = environ
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("cakebackup %s: %v: %s", args[0], err, out)
		}
	}
	const rounds, lsRounds, burst = 2, 3, 4
	for round := range rounds {
		uploading := srv.Calls(protontest.RouteCreateFile)
		creating := make(chan struct{})
		go func() {
			defer close(creating)
			run("create", "--source", sampleWallets, "--settings", sampleSettings, "--dest", "proton:/Race", "--password-file", pwFile, "--quiet")
		}()
		// Wait for the backup's upload to begin (or for the backup
		// to end early, which the error above reports).
	wait:
		for srv.Calls(protontest.RouteCreateFile) == uploading {
			select {
			case <-creating:
				break wait
			case <-time.After(10 * time.Millisecond):
			}
		}
		srv.ExpireAccessTokens()
		var wg sync.WaitGroup
		for range burst {
			wg.Go(func() { run("ls", "proton:/Race") })
		}
		wg.Wait()
		<-creating
		// More bursts, now that no process runs between them.
		for range lsRounds {
			srv.ExpireAccessTokens()
			for range burst {
				wg.Go(func() { run("ls", "proton:/Race") })
			}
			wg.Wait()
		}
		if t.Failed() {
			t.Fatalf("round %d of %d failed", round+1, rounds)
		}
	}
	granted, refused := srv.Refreshes()
	t.Logf("%d backups and %d listings; %d refreshes granted, %d refused", rounds, rounds*burst*(1+lsRounds), granted, refused)
	if refused != 0 || granted == 0 {
		t.Fatalf("%d refreshes refused (want none), %d granted (want some)", refused, granted)
	}
	if out := c.mustRun("proton", "whoami"); strings.Contains(out, "last renewed never") {
		t.Fatalf("whoami after the renewals: %q", out)
	}
}

// TestProtonDamagedCopy: a backup whose block at Proton Drive changed
// (here on the fake server's disk) verifies and restores as damaged, exit
// 4, in one line naming it once, after one download: the same bytes would
// come again.
func TestProtonDamagedCopy(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	c, srv := loggedInProtonCLI(t, protontest.WithOptions(protontest.Options{DataDir: data}))
	file, pwFile := sampleBackup(t)
	c.mustRun("send", file, "--dest", "proton:/Backups/Cake", "--quiet")
	blocks, err := os.ReadDir(filepath.Join(data, "blocks"))
	if err != nil || len(blocks) != 1 {
		t.Fatalf("the fake holds %d blocks (%v), want 1", len(blocks), err)
	}
	block := filepath.Join(data, "blocks", blocks[0].Name())
	b, err := os.ReadFile(block)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(block, b, 0o600); err != nil {
		t.Fatal(err)
	}
	stored := "proton:/Backups/Cake/" + filepath.Base(file)
	for _, args := range [][]string{
		{"verify", stored},
		{"restore", stored, "--to", filepath.Join(t.TempDir(), "to"), "--password-file", pwFile},
	} {
		before := srv.Calls(protontest.RouteDownloadBlock)
		code := c.run(append(args, "--quiet")...)
		want := "cakebackup: downloading " + stored + ": " + proton.ErrDamagedDownload.Error() + "\n"
		if code != exitDamaged || c.stderr.String() != want {
			t.Errorf("%s: exit %d, stderr %q; want exit 4, %q", args[0], code, c.stderr.String(), want)
		}
		if n := srv.Calls(protontest.RouteDownloadBlock) - before; n != 1 {
			t.Errorf("%s downloaded the block %d times, want once", args[0], n)
		}
	}
	// check finds it failed, not unreadable, and remembers it: the next
	// check says so without downloading it again.
	for run, wantDownloads := range []int{1, 0} {
		before := srv.Calls(protontest.RouteDownloadBlock)
		code := c.run("check", "proton:/Backups/Cake")
		line := lastLineStarting(t, c.stdout.String(), "failed ")
		if code != exitDamaged || !strings.Contains(line, stored+" ("+proton.ErrDamagedDownload.Error()) {
			t.Errorf("check run %d: exit %d, line %q; want exit 4 and %s failed as damaged", run+1, code, line, stored)
		}
		if n := srv.Calls(protontest.RouteDownloadBlock) - before; n != wantDownloads {
			t.Errorf("check run %d downloaded the block %d times, want %d", run+1, n, wantDownloads)
		}
	}
}
