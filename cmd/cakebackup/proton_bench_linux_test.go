package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/proton/protontest"
)

// BenchmarkProtonCreatePeakRSS runs the real binary: `cakebackup create`
// of 512 MiB of incompressible wallet data to the fake Proton server (in
// this process, keeping blocks on disk), and reports the child's peak
// RSS and the throughput of the whole create (writing, uploading, the
// verifying download and check). Linux only (rusage Maxrss in KiB).
func BenchmarkProtonCreatePeakRSS(b *testing.B) {
	const size = 512 << 20
	srv := protontest.NewForTest(b, protontest.WithOptions(protontest.Options{DataDir: b.TempDir()}),
		protontest.WithUser(protonTestUser, protonTestPassword))
	home := b.TempDir()
	vars := map[string]string{
		"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config"),
		"XDG_STATE_HOME": filepath.Join(home, ".state"), "XDG_DATA_HOME": filepath.Join(home, ".share"),
		proton.URLEnv: srv.URL(), proton.SessionEnv: "file", protonPasswordEnv: protonTestPassword,
	}
	getenv := func(k string) string { return vars[k] }
	var stderr strings.Builder
	if code := run(context.Background(), []string{"cakebackup", "proton", "login", "--proton-user", protonTestUser}, &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr, getenv: getenv}); code != 0 {
		b.Fatalf("login: %s", stderr.String())
	}
	delete(vars, protonPasswordEnv)
	src := filepath.Join(b.TempDir(), "data")
	wallet := filepath.Join(src, "wallets", "monero", "w1", "w1") // named as the app names a wallet file
	if err := os.MkdirAll(filepath.Dir(wallet), 0o700); err != nil {
		b.Fatal(err)
	}
	w, err := os.Create(wallet)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.CopyN(w, rand.Reader, size); err != nil {
		b.Fatal(err)
	}
	w.Close()
	pwFile := filepath.Join(b.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte("backup password for the benchmark\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	bin := buildCakebackup(b)
	var environ []string
	for k, v := range vars {
		environ = append(environ, k+"="+v)
	}
	var peak int64
	b.SetBytes(size)
	b.ResetTimer()
	for range b.N {
		cmd := exec.Command(bin, "create", "--source", src, "--dest", "proton:/Bench", "--password-file", pwFile, "--quiet")
		cmd.Env = environ
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("create: %v\n%s", err, out)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = max(peak, ru.Maxrss<<10)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-rss-MiB")
}

// buildCakebackup builds the real binary from this package once, for the
// benchmarks that measure it.
var buildCakebackup = onceFixture(func() (string, error) {
	bin := filepath.Join(binDir, "built", programName)
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})
