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
