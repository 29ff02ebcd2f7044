package hugepage

import (
	"testing"
	"unsafe"
)

// TestBufferShape checks each buffer's length, capacity and alignment,
// and that all of it can be written.
func TestBufferShape(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 4096, Size - 1, Size, Size + 137, 12*Size + 137} {
		b := Buffer(n)
		if len(b) != n || cap(b) != n {
			t.Errorf("Buffer(%d): len %d cap %d", n, len(b), cap(b))
		}
		if addr := uintptr(unsafe.Pointer(unsafe.SliceData(b))); addr%4096 != 0 {
			t.Errorf("Buffer(%d) starts at %#x, not at a multiple of 4096", n, addr)
		}
		for i := range b {
			b[i] = byte(i)
		}
	}
}

// TestPopulateKeepsContents checks that Populate leaves every byte as it
// was, whatever was written before, and that the buffer can be written
// after it.
func TestPopulateKeepsContents(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 4096, Size + 137, 3*Size + 4096} {
		for _, written := range []int{0, n / 2, n} {
			b := Buffer(n)
			for i := range b[:written] {
				b[i] = byte(i%251 + 1)
			}
			Populate(b)
			for i, c := range b {
				want := byte(0)
				if i < written {
					want = byte(i%251 + 1)
				}
				if c != want {
					t.Fatalf("Buffer(%d), %d bytes written, then Populate: byte %d is %d, want %d", n, written, i, c, want)
				}
			}
			for i := range b {
				b[i] = byte(i)
			}
		}
	}
}
