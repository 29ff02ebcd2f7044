package main

import (
	"bufio"
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

// TestServesUntilCancelled runs the command, reads the URL from the first
// line of stdout, logs the real bridge in through endpoint.Transport,
// creates a folder, and stops the server by cancelling (as SIGTERM does).
func TestServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr syncBuffer
	done := make(chan int, 1)
	env := func(k string) string {
		if k == passwordEnv {
			return "s3cret pass"
		}
		return ""
	}
	go func() {
		done <- run(ctx, []string{"--listen", "127.0.0.1:0", "--user", "trial", "--data-dir", t.TempDir()}, env, pw, &stderr)
		_ = pw.Close()
	}()

	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("read URL: %v (stderr %q)", err, stderr.String())
	}
	base, err := url.Parse(strings.TrimSpace(line))
	if err != nil || base.Scheme != "http" || !strings.HasPrefix(base.Host, "127.0.0.1:") {
		t.Fatalf("first line %q is not a loopback URL", line)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()

	cfg := common.NewConfigWithDefaultValues()
	cfg.AppVersion = "external-drive-fakeprotondrive-test@1.0.0-stable"
	cfg.Transport = endpoint.Transport(base, nil)
	cfg.Logger = testLogger{t}
	cfg.FirstLoginCredential = &common.FirstLoginCredentialData{Username: "trial", Password: "s3cret pass"}
	drive, _, err := bridge.NewProtonDrive(ctx, cfg, func(proton.Auth) {}, func() {})
	if err != nil {
		t.Fatalf("bridge login: %v", err)
	}
	if _, err := drive.CreateNewFolderByID(ctx, drive.RootLink.LinkID, "Backups"); err != nil {
		t.Fatalf("create folder: %v", err)
	}
	_ = drive.Logout(ctx)

	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("exit %d, want 0 (stderr %q)", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop after cancel")
	}
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
