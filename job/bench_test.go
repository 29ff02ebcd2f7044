package job_test

import (
	"crypto/rand"
	"crypto/sha512"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/cakebackup/cakebackup/job"
)

// benchSize is the wallet data the benchmarks back up: incompressible,
// as wallet files are, in 32 MiB files.
const benchSize = 512 << 20

func benchWallets(b *testing.B) string {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "wallets", "monero", "big")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 32<<20)
	for i := 0; i < benchSize/len(buf); i++ {
		rand.Read(buf)
		if err := os.WriteFile(filepath.Join(dir, "part"+strconv.Itoa(i)), buf, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	return filepath.Dir(filepath.Dir(dir))
}

// BenchmarkMake is a whole create to a folder: collect, seal, write,
// flush, read back and check, publish. "readback=digest" compares the
// copy with a digest taken while writing (the default); "readback=full"
// also re-checks every chunk's checksums (--verify-full).
func BenchmarkMake(b *testing.B) {
	src := benchWallets(b)
	for _, full := range []bool{false, true} {
		name := "readback=digest"
		if full {
			name = "readback=full"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(benchSize)
			for i := range b.N {
				out := b.TempDir()
				_, err := job.Make(b.Context(), opener(), job.Backup{
					Source: src, Dests: []string{"folder:" + out}, Name: "b" + strconv.Itoa(i),
					Password: "a benchmark password", VerifyFull: full,
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSend is a whole send of a 512 MiB backup to a folder: check
// and copy in one read, flush, read back and compare, publish. "sha512"
// is one SHA-512 pass over the same file, the baseline of the goal
// (send within 1.1 times a sha512sum).
func BenchmarkSend(b *testing.B) {
	src := benchWallets(b)
	in := b.TempDir()
	if _, err := job.Make(b.Context(), opener(), job.Backup{Source: src, Dests: []string{"folder:" + in}, Name: "export", Password: "a benchmark password"}); err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(in, "export")
	fi, err := os.Stat(file)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("send", func(b *testing.B) {
		b.SetBytes(fi.Size())
		for range b.N {
			if _, err := job.Send(b.Context(), opener(), job.Shipment{File: file, Dests: []string{"folder:" + b.TempDir()}}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sha512", func(b *testing.B) {
		b.SetBytes(fi.Size())
		for range b.N {
			f, err := os.Open(file)
			if err != nil {
				b.Fatal(err)
			}
			h := sha512.New()
			if _, err := io.Copy(h, f); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
	})
}
