package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	bridge "github.com/rclone/Proton-API-Bridge"
	"github.com/rclone/Proton-API-Bridge/common"
	"github.com/rclone/go-proton-api"

	"github.com/cakebackup/cakebackup/proton/endpoint"
)

func noEnv(string) string { return "" }

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  func(string) string
		want int
	}{
		{"no user", []string{"--password", "pw"}, noEnv, exitUsage},
		{"no password", []string{"--user", "u"}, noEnv, exitUsage},
		{"unknown flag", []string{"--user", "u", "--password", "pw", "--nope"}, noEnv, exitUsage},
		{"extra argument", []string{"--user", "u", "--password", "pw", "extra"}, noEnv, exitUsage},
		{"not loopback", []string{"--user", "u", "--password", "pw", "--listen", "0.0.0.0:0"}, noEnv, exitFailure},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			got := run(context.Background(), tc.args, tc.env, &stdout, &stderr)
			if got != tc.want {
				t.Fatalf("exit %d, want %d (stderr %q)", got, tc.want, stderr.String())
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
			if lines := strings.Count(strings.TrimSpace(stderr.String()), "\n"); lines != 0 || stderr.Len() == 0 {
				t.Errorf("stderr %q, want one line", stderr.String())
			}
			if strings.Contains(stderr.String(), "pw") {
				t.Errorf("stderr %q shows the password", stderr.String())
			}
		})
	}
}

type testLogger struct{ t *testing.T }

func (l testLogger) Errorf(format string, v ...any) { l.t.Logf("ERROR: "+format, v...) }
func (l testLogger) Warnf(format string, v ...any)  { l.t.Logf("WARN: "+format, v...) }
func (l testLogger) Debugf(format string, v ...any) { l.t.Logf("DEBUG: "+format, v...) }

// TestRestartsOnItsDataDir runs the command, reads the URL from the first
// line of stdout, logs the real bridge in through endpoint.Transport,
// creates a folder, uploads a file and stops the server by cancelling (as
// SIGTERM does), with exit code 0. The command started again on the
// --data-dir of that run, with the same user and password, serves the same
// account: the bridge logs in, unlocks the keys, reads the folder and file
// names and downloads the file's bytes that it uploaded before the
// restart. And it can still change the drive.
func TestRestartsOnItsDataDir(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	args := []string{"--listen", "127.0.0.1:0", "--user", "trial", "--data-dir", dir}
	data := bytes.Repeat([]byte("a wallet backup's bytes "), 50_000) // more than one 4 MiB block

	first := start(t, args...)
	drive := logIn(t, ctx, first.base, "trial")
	folder, err := drive.CreateNewFolderByID(ctx, drive.RootLink.LinkID, "Backups")
	if err != nil {
		t.Fatalf("create folder: %v", err)
	}
	if _, _, err := drive.UploadFileByReader(ctx, folder, "backup-1", time.Unix(1_700_000_000, 0), bytes.NewReader(data), 0); err != nil {
		t.Fatalf("upload: %v", err)
	}
	_ = drive.Logout(ctx)
	first.stop(t)

	second := start(t, args...)
	drive = logIn(t, ctx, second.base, "trial")
	folder = child(t, ctx, drive, drive.RootLink.LinkID, "Backups")
	file := child(t, ctx, drive, folder, "backup-1")
	r, _, _, err := drive.DownloadFileByID(ctx, file, 0)
	if err != nil {
		t.Fatalf("download after the restart: %v", err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("downloaded %d bytes (%v) after the restart, want the %d uploaded", len(got), err, len(data))
	}
	if _, _, err := drive.UploadFileByReader(ctx, folder, "backup-2", time.Unix(1_700_000_100, 0), bytes.NewReader(data[:1000]), 0); err != nil {
		t.Fatalf("upload after the restart: %v", err)
	}
	_ = drive.Logout(ctx)
	second.stop(t)
}

// TestHelp: --help prints the usage on stdout and exits 0.
func TestHelp(t *testing.T) {
	for _, arg := range []string{"--help", "-h"} {
		var stdout, stderr strings.Builder
		if code := run(context.Background(), []string{arg}, noEnv, &stdout, &stderr); code != exitOK {
			t.Errorf("%s: exit %d, want 0 (stderr %q)", arg, code, stderr.String())
		}
		if !strings.HasPrefix(stdout.String(), usage+"\n") || !strings.Contains(stdout.String(), "-data-dir") || stderr.Len() != 0 {
			t.Errorf("%s: stdout %q, stderr %q; want the help on stdout alone", arg, stdout.String(), stderr.String())
		}
	}
}

// running is the command running in a goroutine.
type running struct {
	base   *url.URL
	cancel context.CancelFunc
	done   chan int
	stderr *syncBuffer
}

// start runs the command with args, the password in the environment, and
// waits for its URL.
func start(t *testing.T, args ...string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	r := &running{cancel: cancel, done: make(chan int, 1), stderr: &syncBuffer{}}
	env := func(k string) string {
		if k == passwordEnv {
			return "s3cret pass"
		}
		return ""
	}
	go func() {
		r.done <- run(ctx, args, env, pw, r.stderr)
		_ = pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		<-r.done
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("read URL: %v (stderr %q)", err, r.stderr.String())
	}
	base, err := url.Parse(strings.TrimSpace(line))
	if err != nil || base.Scheme != "http" || !strings.HasPrefix(base.Host, "127.0.0.1:") {
		t.Fatalf("first line %q is not a loopback URL", line)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	r.base = base
	return r
}

// stop cancels the command, as SIGTERM does, and checks that it exits 0.
func (r *running) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	select {
	case code := <-r.done:
		r.done <- code // for the cleanup
		if code != exitOK {
			t.Fatalf("exit %d, want 0 (stderr %q)", code, r.stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop after cancel")
	}
}

// logIn logs the real bridge in to the server at base as user.
func logIn(t *testing.T, ctx context.Context, base *url.URL, user string) *bridge.ProtonDrive {
	t.Helper()
	cfg := common.NewConfigWithDefaultValues()
	cfg.AppVersion = "external-drive-fakeprotondrive-test@1.0.0-stable"
	cfg.Transport = endpoint.Transport(base, nil)
	cfg.Logger = testLogger{t}
	cfg.FirstLoginCredential = &common.FirstLoginCredentialData{Username: user, Password: "s3cret pass"}
	drive, _, err := bridge.NewProtonDrive(ctx, cfg, func(proton.Auth) {}, func() {})
	if err != nil {
		t.Fatalf("bridge login: %v", err)
	}
	return drive
}

// child returns the link ID of the entry called name in the folder
// folderID, whose names the bridge decrypts.
func child(t *testing.T, ctx context.Context, drive *bridge.ProtonDrive, folderID, name string) string {
	t.Helper()
	entries, err := drive.ListDirectory(ctx, folderID)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	var names []string
	for _, e := range entries {
		if e.Name == name {
			return e.Link.LinkID
		}
		names = append(names, e.Name)
	}
	t.Fatalf("no %q in the folder, only %q", name, names)
	return ""
}

// syncBuffer is a strings.Builder safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
