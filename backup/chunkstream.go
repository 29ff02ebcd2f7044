package backup

import (
	"context"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"io"
	"runtime"

	"github.com/cakebackup/cakebackup/internal/blake2b"
	"github.com/cakebackup/cakebackup/internal/hugepage"
	"github.com/cakebackup/cakebackup/internal/sha512pair"
)

// errStreamClosed stops a chunkStream whose reader has gone.
var errStreamClosed = errors.New("chunk stream closed")

// chunkStream reads the data stream once, front to back, on its own
// goroutine, opens the chunks (openChunk) on all cores in an orderedPool
// and hands them out in order through next. At most a few chunks are in
// memory, the one the reader holds included: reading stalls until the
// reader releases one. With keys it also hashes the plaintext, in order,
// for checkWhole. next and close are for one goroutine.
type chunkStream struct {
	ctx  context.Context
	a    *Archive
	pool *orderedPool
	hs   *chunkHashers  // the encrypted chunks' SHA-512s and BLAKE2b-512s, two at a time
	out  chan *chunkJob // opened chunks in order, filled by the pool's sink
	held *chunkJob      // the chunk next returned last
	pos  int            // the index of the chunk next returns next

	// populated is closed once the first chunks' buffers are faulted in.
	populated chan struct{}
	// early: a chunk goes to the workers as soon as its reading starts,
	// with its chunkFill, not once it is read.
	early bool

	// whole is written by the sink and err by the reading goroutine;
	// both are read only once out is closed.
	whole hash.Hash
	err   error
}

// newChunkStream starts reading; close must be called.
func (a *Archive) newChunkStream(ctx context.Context, keys *keyCache) *chunkStream {
	workers := runtime.GOMAXPROCS(0)
	// Without keys, a worker checks a chunk as the reader fills it
	// (checkEncrypted): the first chunk's check starts as it starts
	// arriving, and the last one's ends soon after its last byte. The
	// reader then needs one buffer more than the workers, not two: the
	// chunk it fills is one of theirs. A fresh buffer costs here (see
	// populate), and peak memory is mostly buffers.
	early := keys == nil && blake2b.FusedFast()
	jobs := workers + 2
	if early {
		jobs = workers + 1
	}
	s := &chunkStream{ctx: ctx, a: a, hs: newChunkHashers(), out: make(chan *chunkJob, jobs), populated: make(chan struct{}), early: early}
	if keys != nil {
		s.whole = sha512.New()
	}
	// The plaintext goes into two SHA-512s: its chunk's, checked against
	// metadata.json, and the whole archive's, taken in order here in the
	// sink. Where sha512pair hashes both in about the time of one, the
	// sink takes both; else the chunk's is taken by the workers.
	pair := keys != nil && a.pairHash()
	s.pool = newOrderedPool(ctx, workers, jobs,
		func(j *chunkJob) error {
			plain, err := a.openChunk(j.index, j.buf, keys, s.hs, pair, j.fill)
			j.out = plain
			return err
		},
		func(j *chunkJob) error {
			switch {
			case j.err != nil || s.whole == nil:
			case pair:
				if !a.sumPlainWith(j.index, j.out, s.whole) {
					j.err = a.chunkErr(j.index, errPlainSum)
				}
			default:
				writePieces(s.whole, j.out)
			}
			err := j.err // j is the reader's once sent
			// out has room for every job, so this never blocks.
			s.out <- j
			return err // the first failure stops the pool
		}, true)
	// The first chunks' buffers are made now, before any hashing starts:
	// the garbage collections their making sets off then have no hashing
	// to wait for (see hashPiece). Later chunks reuse them. Their pages
	// are faulted in on a goroutine of their own, while the key is
	// derived and the inner archive's directory read: the reading
	// goroutine, filling them, would otherwise fault them itself, on this
	// machine about 60 ms per chunk, with the workers waiting for it.
	var fresh [][]byte
	for i := range jobs {
		j := <-s.pool.free
		if i < len(a.chunks) {
			j.buf = sizedBuffer(j.buf, a.chunks[i].encLen)
			fresh = append(fresh, j.buf)
		}
		s.pool.free <- j
	}
	go s.populate(fresh)
	go s.read()
	return s
}

// populate faults in the pages of bufs, in the order the reader fills
// them, a huge page at a time, and stops early once the stream is closed
// (close waits for it).
func (s *chunkStream) populate(bufs [][]byte) {
	defer close(s.populated)
	for _, b := range bufs {
		for len(b) > 0 && s.pool.ctx.Err() == nil {
			n := min(len(b), hugepage.Size)
			hugepage.Populate(b[:n])
			b = b[n:]
		}
	}
}

// read feeds the pool the data stream's chunks, then checks that the
// stream ends with the last chunk (for data.bin, archive/zip checks its
// CRC-32 there), and closes out once every chunk went through the sink.
func (s *chunkStream) read() {
	defer close(s.out)
	var readErr error
	rc, err := s.a.openData()
	if err != nil {
		readErr = err
	} else {
		defer rc.Close()
		for i, c := range s.a.chunks {
			j, err := s.pool.get()
			if err != nil {
				break // the pool stopped; close reports why
			}
			j.buf = sizedBuffer(j.buf, c.encLen)[:c.encLen]
			if s.early {
				if j.fill == nil {
					j.fill = newChunkFill()
				}
				j.fill.reset()
				s.pool.submit(j)
				if err := readPieces(rc, j.buf, j.fill.set); err != nil {
					// The worker returns readErr as the chunk's
					// failure, which stops the pool.
					readErr = s.a.chunkErr(i, dataReadErr(err))
					j.fill.fail(readErr)
					break
				}
				continue
			}
			if err := readPieces(rc, j.buf, nil); err != nil {
				s.pool.release(j)
				readErr = s.a.chunkErr(i, dataReadErr(err))
				break
			}
			s.pool.submit(j)
		}
	}
	// The chunks before a read error still go out first, in order.
	if err := s.pool.close(); err != nil {
		s.err = err
		return
	}
	if readErr != nil {
		s.err = readErr
		return
	}
	if n, err := io.Copy(io.Discard, rc); err != nil || n != 0 {
		if err == nil {
			err = fmt.Errorf("data.bin is longer than its chunks: %w", ErrNotBackup)
		}
		s.err = dataReadErr(err)
	}
}

// next releases the chunk it returned before and returns the next one,
// or nil after the last. A chunk that failed its checks, and a failure to
// read the stream, are returned as the error; so is the context's cause
// when it was cancelled.
func (s *chunkStream) next() (*chunkJob, error) {
	s.release()
	if err := s.ctx.Err(); err != nil {
		return nil, context.Cause(s.ctx) // chunks opened ahead stay unread
	}
	j, ok := <-s.out
	if !ok {
		return nil, s.err
	}
	s.pos++
	if j.err != nil {
		err := j.err
		s.pool.release(j)
		return nil, err
	}
	s.held = j
	return j, nil
}

func (s *chunkStream) release() {
	if s.held != nil {
		s.pool.release(s.held)
		s.held = nil
	}
}

// sum returns the SHA-512 of every chunk's plaintext; valid once next
// returned nil, nil.
func (s *chunkStream) sum() []byte { return s.whole.Sum(nil) }

// close stops the stream, waits for its goroutines and wipes the
// buffers when they held plaintext.
func (s *chunkStream) close() {
	s.release()
	s.pool.cancel(errStreamClosed)
	for j := range s.out { // closed once the pool has stopped
		s.pool.release(j)
	}
	s.hs.close()
	<-s.populated
	for {
		select {
		case j := <-s.pool.free:
			if s.whole != nil { // without keys the buffers held only encrypted bytes
				clear(j.buf[:cap(j.buf)])
			}
		default:
			return
		}
	}
}

// readPiece is how much readPieces asks for at a time: a fraction of a
// core's L2 cache.
const readPiece = 256 << 10

// readPieces fills buf from r readPiece bytes at a time, so that a reader
// checking a checksum as it reads (archive/zip's CRC-32 of data.bin) goes
// over bytes the kernel has just copied, still in the cache, rather than
// over a whole chunk from memory: over a 24 MiB buffer the CRC-32 ran ten
// times slower than over a cached one. After each piece it calls filled,
// when not nil, with how many bytes of buf are filled. Short data is
// io.ErrUnexpectedEOF, or io.EOF when none was read.
func readPieces(r io.Reader, buf []byte, filled func(int)) error {
	for off := 0; off < len(buf); {
		n, err := io.ReadFull(r, buf[off:min(len(buf), off+readPiece)])
		off += n
		if filled != nil && n > 0 {
			filled(off)
		}
		if err == io.EOF && off > 0 {
			return io.ErrUnexpectedEOF
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// pairHash reports whether a chunkStream's sink should take each chunk's
// plaintext SHA-512 along with the whole archive's (sumPlainWith), by the
// rule the writer follows (pairPlain) for every chunk but the last.
func (a *Archive) pairHash() bool {
	for _, c := range a.chunks[:max(len(a.chunks)-1, 0)] {
		if !pairPlain(c.plainLen) {
			return false
		}
	}
	return sha512pair.Fast()
}

// sumPlainWith writes chunk i's plaintext to whole and reports whether
// its own SHA-512, taken at the same time, is the one metadata.json
// gives.
func (a *Archive) sumPlainWith(i int, plain []byte, whole hash.Hash) bool {
	h := sha512.New()
	for b := plain; len(b) > 0; {
		n := min(len(b), hashPiece)
		sha512pair.Write(whole, h, b[:n])
		b = b[n:]
	}
	return a.chunks[i].plainSum == nil || sumEqual(h, a.chunks[i].plainSum)
}
