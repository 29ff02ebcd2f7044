package backup_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/internal/wallettest"
)

// The interop tests check byte compatibility against testdata/cakeformat.py,
// an implementation of the format written separately on libsodium and
// Python's standard library. CI installs python3-nacl so they run there.

// oracle returns the command line of the Python implementation, or skips
// the test when its dependencies are missing.
func oracle(t *testing.T) []string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if _, statErr := os.Stat("/usr/bin/python3"); statErr == nil {
		py, err = "/usr/bin/python3", nil // Debian's, where python3-nacl installs
	}
	if err != nil {
		t.Skip("no python3: the independent format check needs python3 with python3-nacl")
	}
	if out, err := exec.Command(py, "-c", "import nacl.bindings").CombinedOutput(); err != nil {
		t.Skipf("python3-nacl is not installed (apt-get install python3-nacl): %s", bytes.TrimSpace(out))
	}
	script, err := filepath.Abs("testdata/cakeformat.py")
	if err != nil {
		t.Fatal(err)
	}
	return []string{py, script}
}

// interopChunk is the chunk size both implementations write v3
// containers with here: what the readers check does not depend on it (they
// take each chunk's length from metadata.json), so a small one gives
// several chunks without sealing and deflating tens of MiB. The real 24 MiB
// chunks are TestRoundTripRealChunkSize's.
const interopChunk = 64 << 10

// interopSource is the sample wallets plus a file of random bytes as large
// as a chunk, under a non-ASCII name: with the other files and the ZIP's
// headers the inner archive needs a second chunk, deflated (random bytes
// do not shrink) or stored.
func interopSource(t *testing.T) string {
	t.Helper()
	big := make([]byte, interopChunk)
	if _, err := rand.Read(big); err != nil {
		t.Fatal(err)
	}
	return wallettest.Sample(t, map[string][]byte{
		"wallets/monero/große Brieftasche/cache.bin": big,
		"wallets/bitcoin/empty/empty.txt":            nil,
	})
}

// treeHashes returns the SHA-256 of every file under dir by slash path.
func treeHashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		sum := sha256.Sum256(b)
		sums[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

func equalHashes(t *testing.T, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d files, want %d", len(got), len(want))
	}
	for name, sum := range want {
		if got[name] != sum {
			t.Errorf("%s: content differs (or missing)", name)
		}
	}
}

const interopPassword = "pässwörd with ünïcode 🔑 and spaces"

func writePassword(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(p, []byte(interopPassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestInteropOurBackupOpensElsewhere: a backup we write is opened, checked
// and unzipped by the independent implementation.
func TestInteropOurBackupOpensElsewhere(t *testing.T) {
	t.Parallel()
	py := oracle(t)
	ctx := context.Background()
	srcDir := interopSource(t)
	src, err := backup.Collect(ctx, srcDir, "")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "backup")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	opts := backup.WriteOptions{Password: interopPassword, AppName: "Cake Wallet", AppVersion: "test"}
	backup.SetChunkSize(&opts, interopChunk)
	sum, err := backup.Write(ctx, f, src, opts)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	if sum.Chunks < 2 {
		t.Fatalf("wrote %d chunks, want at least 2", sum.Chunks)
	}

	extracted := t.TempDir()
	cmd := exec.Command(py[0], py[1], "decrypt", writePassword(t), out, extracted)
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("the independent implementation rejects our backup: %v\n%s", err, stderrOf(err))
	}
	var res struct {
		Kind      string            `json:"kind"`
		ReadmeApp string            `json:"readme_app"`
		Files     map[string]string `json:"files"`
	}
	if err := json.Unmarshal(stdout, &res); err != nil {
		t.Fatalf("oracle output %q: %v", stdout, err)
	}
	if res.Kind != "v3" || res.ReadmeApp != "Cake Wallet" {
		t.Errorf("oracle saw kind %q for app %q, want v3 for Cake Wallet", res.Kind, res.ReadmeApp)
	}
	equalHashes(t, res.Files, treeHashes(t, srcDir))
	equalHashes(t, treeHashes(t, extracted), treeHashes(t, srcDir))
}

// TestInteropTheirBackupRestoresHere: backups written by the independent
// implementation, in each layout the app has used, verify and restore here.
func TestInteropTheirBackupRestoresHere(t *testing.T) {
	t.Parallel()
	py := oracle(t)
	srcDir := interopSource(t)
	pwFile := writePassword(t)
	for _, kind := range []string{"v3", "v2", "v2chacha"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			file := filepath.Join(t.TempDir(), "their-backup")
			if err := exec.Command(py[0], py[1], "encrypt", pwFile, srcDir, file, kind, strconv.Itoa(interopChunk)).Run(); err != nil {
				t.Fatalf("oracle encrypt: %v\n%s", err, stderrOf(err))
			}
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fi, err := f.Stat()
			if err != nil {
				t.Fatal(err)
			}
			a, err := backup.Open(f, fi.Size())
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if kind == "v3" && a.Info().Chunks < 2 {
				t.Fatalf("the oracle wrote %d chunks, want at least 2", a.Info().Chunks)
			}
			if err := a.Verify(ctx, interopPassword); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if err := a.Verify(ctx, "not the password"); err == nil {
				t.Fatal("Verify with a wrong password succeeded")
			}
			to := filepath.Join(t.TempDir(), "restored")
			if err := a.Restore(ctx, interopPassword, to); err != nil {
				t.Fatalf("Restore: %v", err)
			}
			equalHashes(t, treeHashes(t, to), treeHashes(t, srcDir))
		})
	}
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
