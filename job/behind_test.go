package job

import (
	"bytes"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"testing"
)

// TestWriteBehind: whatever the sizes of the writes, the writer gets the
// stream's bytes in order and the hash, when there is one, is theirs,
// once flush returned.
func TestWriteBehind(t *testing.T) {
	const block = behindBlockSize
	for _, c := range []struct {
		name  string
		sizes []int
	}{
		{"nothing", nil},
		{"empty write", []int{0}},
		{"one byte", []int{1}},
		{"one block", []int{block}},
		{"across a block's end", []int{block - 1, 2, block + 1}},
		{"more blocks than the ring", []int{(behindBlocks + 3) * block}},
		{"many small writes", repeat(8<<10+3, 3*block/(8<<10))},
	} {
		for _, hashed := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s hashed=%t", c.name, hashed), func(t *testing.T) {
				total := 0
				for _, n := range c.sizes {
					total += n
				}
				stream := make([]byte, total)
				for i := range stream {
					stream[i] = byte(i*7 + i>>13)
				}
				var got bytes.Buffer
				var h hash.Hash
				if hashed {
					h = sha512.New()
				}
				b := newWriteBehind(got.Write, h)
				rest := stream
				for _, n := range c.sizes {
					if m, err := b.Write(rest[:n]); m != n || err != nil {
						t.Fatalf("Write: %d, %v", m, err)
					}
					rest = rest[n:]
				}
				if err := b.flush(); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), stream) {
					t.Errorf("the writer got %d bytes, not the stream's %d", got.Len(), len(stream))
				}
				if want := sha512.Sum512(stream); hashed && !bytes.Equal(h.Sum(nil), want[:]) {
					t.Error("the hash is not the stream's")
				}
			})
		}
	}
}

func repeat(n, times int) []int {
	out := make([]int, times)
	for i := range out {
		out[i] = n
	}
	return out
}

// TestWriteBehindWriterFails: the writer's error is returned by a later
// Write and by flush, and the writer gets nothing after it.
func TestWriteBehindWriterFails(t *testing.T) {
	boom := errors.New("disk on fire")
	calls := 0
	b := newWriteBehind(func(p []byte) (int, error) {
		calls++
		return 0, boom
	}, sha512.New())
	block := make([]byte, behindBlockSize)
	var err error
	for range 4 * behindBlocks {
		if _, err = b.Write(block); err != nil {
			break
		}
	}
	if !errors.Is(err, boom) {
		t.Errorf("Write: %v, want the writer's error", err)
	}
	if err := b.flush(); !errors.Is(err, boom) {
		t.Errorf("flush: %v, want the writer's error", err)
	}
	if err := b.flush(); !errors.Is(err, boom) {
		t.Errorf("flush again: %v, want the writer's error", err)
	}
	if calls != 1 {
		t.Errorf("the writer was called %d times, want once", calls)
	}
}
