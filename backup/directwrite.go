package backup

import (
	"io"
	"os"
	"sync/atomic"

	"github.com/cakebackup/cakebackup/internal/directio"
)

// A restore writes each file of at least directMin bytes around the page
// cache (directio.Writer), on a goroutine of its own: the disk then takes
// the bytes from our buffers, where writing through the cache made the
// kernel fill fresh cached pages, costly on a virtual machine, on the
// core the decryption needed. Smaller files go through the cache, written
// out together by syncTree: each file written directly waits for its last
// write, which made a restore of a desktop data folder (4 of its 40 files
// of 4 to 14 MiB) 10% slower when directMin was 4 MiB.
const (
	directMin = 32 << 20
	// directGather is what the direct writer gathers per write.
	directGather = 4 << 20
	// directPiece and directPieces are the buffers the reading side
	// fills while the writer waits for the disk: 8 MiB, so that a chunk
	// is let go while a write or a flush is under way (of 4, 8 and 16
	// pieces, 8 did best in one set of paired runs).
	directPiece  = 1 << 20
	directPieces = 8
	// directFlushStep is how many bytes are written directly between
	// flushes (flushData), made beside the writes: the disk's cache then
	// empties as the file is written, where syncTree would wait for all
	// of it at the end.
	directFlushStep = 64 << 20
)

// directWriter returns a direct writer of f (directio.NewWriter), or nil
// when f cannot be written directly.
type directWriter func(f *os.File, size int) *directio.Writer

// copyDirect copies r to w, which writes f, on a goroutine of its own
// from the pieces, so that reading (decrypting) and waiting for the disk
// overlap; a third goroutine flushes what was written every
// directFlushStep bytes. It closes w (writing its unaligned end) and
// returns the first error of reading, writing or flushing; after a
// failure to write it stops reading.
func copyDirect(f *os.File, w *directio.Writer, r io.Reader, pieces [][]byte) error {
	free := make(chan []byte, len(pieces))
	full := make(chan []byte, len(pieces))
	for _, p := range pieces {
		free <- p
	}
	var failed atomic.Bool
	done := make(chan error, 1)
	go func() {
		flush := make(chan struct{}, 1)
		flushed := make(chan error, 1)
		go func() {
			var err error
			for range flush {
				if err == nil {
					err = flushData(f)
				}
			}
			flushed <- err
		}()
		var err error
		var written int64
		for b := range full {
			if err == nil {
				if _, err = w.Write(b); err != nil {
					failed.Store(true)
				}
				written += int64(len(b))
				if written >= directFlushStep {
					written = 0
					select {
					case flush <- struct{}{}:
					default: // a flush is waiting to start: it will cover these too
					}
				}
			}
			free <- b[:cap(b)]
		}
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		close(flush)
		if ferr := <-flushed; err == nil {
			err = ferr
		}
		done <- err
	}()
	var rerr error
	for !failed.Load() {
		b := <-free
		n, err := fill(r, b)
		if n > 0 {
			full <- b[:n]
		}
		if err != nil {
			if err != io.EOF {
				rerr = err
			}
			break
		}
	}
	close(full)
	werr := <-done
	if rerr != nil {
		return rerr
	}
	return werr
}

// fill reads into b until it is full or r fails; io.EOF when r ended.
func fill(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
