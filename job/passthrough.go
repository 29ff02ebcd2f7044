package job

import (
	"bufio"
	"context"
	"errors"
	"io"
	"sync"

	"github.com/cakebackup/cakebackup/internal/directio"
)

// passThrough lets a backup's check and its copy share one read of the
// file. The check reads the file through ReadAt, as the backup package
// does, and every byte it reads at the front of the stream (the next
// byte not yet passed on) goes on to the sink from the check's own
// buffer, before the check sees it: so the bytes sent are the bytes
// checked. The check reads the container's directory and metadata at the
// end of the file first; such reads ahead of the front are remembered as
// a digest and compared with the bytes when the stream reaches them
// (ErrChangedWhileSending when they differ). A small gap the check skips
// (a local file header's name) is read here; finish reads what the check
// never reached (the container's tail) and passes it on.
//
// Reads from several goroutines (a read-ahead) are passed on in file
// order: a read ahead of the front waits while another read in flight
// will reach it. When r reads directly (directio.ReaderAt), reads at the
// front are served from a read-ahead of its own (directio.Sequential).
//
// A sink error stops the passing on (failed) but not the check's reads:
// the check's verdict on the file must not be mistaken for a
// destination's failure.
type passThrough struct {
	r    io.ReaderAt
	size int64
	out  io.Writer          // the sink
	sink *bufio.Writer      // gathers small reads (the CRC-32 pass reads 8 KiB at a time) for out
	stop context.CancelFunc // cancels the check once the stream failed

	mu       sync.Mutex
	moved    *sync.Cond   // signalled when front moves or a read lands
	front    int64        // bytes passed on so far
	inFlight map[int]span // reads under way, by ticket
	ticket   int
	ahead    []sighting
	err      error // sticky: ErrChangedWhileSending or the sink's error
	buf      []byte
	seq      *directio.Sequential // reads ahead of the front when r reads directly, else nil
}

// span is the bytes from off up to end.
type span struct{ off, end int64 }

// sighting is bytes the check read ahead of the front, and the digest of
// the stream's bytes at the same place as they go by.
type sighting struct {
	off, end  int64
	seen, got *streamDigest
}

const (
	// maxGap is the largest skip the stream reads itself rather than
	// leaving to finish: local file headers and descriptors, not data.
	maxGap = 1 << 20
	// maxSightings bounds the memory of reads ahead (a container with
	// many entries). Reads beyond it are covered by the file's
	// unchanged size and modification time only.
	maxSightings = 4096
	// fillSize is how much finish and gap fills read at a time.
	fillSize = 1 << 20
	// bigPass is the least the stream passes on without gathering it.
	bigPass = 64 << 10
)

func newPassThrough(r io.ReaderAt, size int64, sink io.Writer, stop context.CancelFunc) *passThrough {
	p := &passThrough{r: r, size: size, out: sink, sink: bufio.NewWriterSize(sink, bigPass), stop: stop, inFlight: map[int]span{}}
	p.moved = sync.NewCond(&p.mu)
	if d, ok := r.(interface{ Direct() bool }); ok && d.Direct() {
		p.seq = directio.NewSequential(r, size, aheadBlock, aheadBlocks, 0) // readFront reads only at the front
	}
	return p
}

// readFront reads b at off, the front, from the read-ahead if there is
// one: direct reads get no read-ahead from the kernel, and the check
// reads data.bin a quarter of a MiB at a time, each read otherwise
// waiting on the disk with nothing else to do.
func (p *passThrough) readFront(b []byte, off int64) (int, error) {
	if p.seq != nil {
		return p.seq.ReadAt(b, off)
	}
	return p.r.ReadAt(b, off)
}

// close stops the read-ahead; the passThrough is not read after.
func (p *passThrough) close() {
	if p.seq != nil {
		p.seq.Close()
	}
}

// ReadAt reads the file for the check and passes on what it can.
func (p *passThrough) ReadAt(b []byte, off int64) (int, error) {
	p.mu.Lock()
	p.ticket++
	t := p.ticket
	p.inFlight[t] = span{off, off + int64(len(b))}
	atFront := off == p.front && p.err == nil && p.seq != nil
	p.mu.Unlock()

	var n int
	var err error
	if atFront {
		n, err = p.readFront(b, off)
	} else {
		n, err = p.r.ReadAt(b, off)
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.inFlight, t)
	p.moved.Broadcast()
	if n <= 0 || p.err != nil {
		return n, err
	}
	for off > p.front && p.frontComing() {
		p.moved.Wait()
	}
	p.take(p.clip(b[:n], off), off)
	return n, err
}

// clip returns the part of b, read at off, that lies within the file's
// size as it was when the check started.
func (p *passThrough) clip(b []byte, off int64) []byte {
	if end := off + int64(len(b)); end > p.size {
		return b[:max(0, p.size-off)]
	}
	return b
}

// frontComing reports whether a read in flight covers the front, so it
// will move the front on when it lands.
func (p *passThrough) frontComing() bool {
	for _, s := range p.inFlight {
		if s.off <= p.front && p.front < s.end {
			return true
		}
	}
	return false
}

// take passes on b, read at off, as far as it extends the stream, or
// remembers it when it lies ahead.
func (p *passThrough) take(b []byte, off int64) {
	end := off + int64(len(b))
	switch {
	case p.err != nil || end <= p.front:
		// Behind the front: bytes already sent, read again.
	case off <= p.front:
		p.pass(b[p.front-off:])
	case off-p.front <= maxGap:
		if p.fill(off) {
			p.pass(b)
		}
	case len(p.ahead) < maxSightings:
		seen := newStreamDigest()
		seen.Write(b)
		p.ahead = append(p.ahead, sighting{off: off, end: end, seen: seen, got: seen.same()})
	}
}

// fill reads and passes on the bytes from the front to off, which the
// check skipped. It reports whether the stream is still good.
func (p *passThrough) fill(off int64) bool {
	for p.err == nil && p.front < off {
		if p.buf == nil {
			p.buf = make([]byte, fillSize)
		}
		b := p.buf[:min(int64(len(p.buf)), off-p.front)]
		n, err := p.readFront(b, p.front)
		if n < len(b) {
			if err == nil || errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			p.fail(err)
			return false
		}
		p.pass(b)
	}
	return p.err == nil
}

// pass sends b, the bytes at the front, to the sink, and compares them
// with whatever the check saw of them earlier.
func (p *passThrough) pass(b []byte) {
	if len(b) == 0 || p.err != nil {
		return
	}
	start, end := p.front, p.front+int64(len(b))
	keep := p.ahead[:0]
	for _, s := range p.ahead {
		lo, hi := max(s.off, start), min(s.end, end)
		if lo < hi {
			s.got.Write(b[lo-start : hi-start])
		}
		if s.end > end {
			keep = append(keep, s)
			continue
		}
		if !s.seen.equal(s.got) {
			p.fail(ErrChangedWhileSending)
			return
		}
	}
	p.ahead = keep
	if err := p.send(b); err != nil {
		p.fail(err)
		return
	}
	p.front = end
	p.moved.Broadcast()
}

// send writes b to the sink: gathered with others when small, else as it
// is, not copied, after what was gathered.
func (p *passThrough) send(b []byte) error {
	if len(b) < bigPass {
		_, err := p.sink.Write(b)
		return err
	}
	if err := p.sink.Flush(); err != nil {
		return err
	}
	_, err := p.out.Write(b)
	return err
}

func (p *passThrough) fail(err error) {
	if p.err == nil {
		p.err = err
		p.stop()
	}
}

// finish passes on the rest of the file after the check is done, and
// returns the stream's error: ErrChangedWhileSending, or the sink's.
func (p *passThrough) finish() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fill(p.size) {
		if err := p.sink.Flush(); err != nil {
			p.fail(err)
		}
	}
	return p.err
}

// failed returns why the stream stopped, or nil.
func (p *passThrough) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}
