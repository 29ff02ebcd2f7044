package job_test

import (
	"crypto/rand"
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
