package backup

import (
	"bytes"
	"context"
	"crypto/sha512"
	"fmt"
	"testing"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

// TestSumOutput: with SumOutput, Summary.OutputSHA512 is the SHA-512 of
// the bytes written, and metadata.json's chunk SHA-512s, taken with it
// where sha512pair runs, are those of the sealed chunks: the backup passes
// the integrity check, which compares them. Chunk sizes whole SHA-512
// blocks and not, one chunk and hundreds; the -tags purego run covers
// the workers' path, taken where sha512pair has no kernel.
func TestSumOutput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	wallettest.Write(t, dir, map[string][]byte{
		"wallets/monero/w/w":      wallettest.RandomBytes(t, 300_000),
		"wallets/monero/w/w.keys": []byte("k"),
	})
	for _, chunk := range []int{1 << 20, 64 << 10, 1000, 333} {
		for _, sumOut := range []bool{true, false} {
			t.Run(fmt.Sprintf("chunk %d, SumOutput %v", chunk, sumOut), func(t *testing.T) {
				b, sum := makeBackup(t, dir, "", WriteOptions{chunkSize: chunk, salt: testSalt, keys: testKeys, SumOutput: sumOut})
				if !sumOut {
					if sum.OutputSHA512 != nil {
						t.Error("OutputSHA512 set without SumOutput")
					}
				} else if want := sha512.Sum512(b); !bytes.Equal(sum.OutputSHA512, want[:]) {
					t.Errorf("OutputSHA512 is not the SHA-512 of the %d bytes written", len(b))
				}
				a, err := openBytes(b)
				if err != nil {
					t.Fatal(err)
				}
				if err := a.CheckIntegrity(context.Background()); err != nil {
					t.Fatalf("%d chunks: %v", sum.Chunks, err)
				}
				off, err := a.data.DataOffset()
				if err != nil {
					t.Fatal(err)
				}
				for i, c := range a.chunks {
					blob := b[off+c.encOff : off+c.encOff+c.encLen]
					if got := sha512.Sum512(blob); !bytes.Equal(got[:], c.encSum) {
						t.Fatalf("chunk %d of %d: metadata.json's SHA-512 is not the blob's", i, len(a.chunks))
					}
				}
			})
		}
	}
}
