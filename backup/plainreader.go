package backup

import (
	"context"
	"crypto/sha512"
	"fmt"
	"hash"
	"io"
	"runtime"
	"slices"
	"sort"
)

// plainReader gives random access (io.ReaderAt) to the inner archive so
// archive/zip can read it, decrypting and checking chunks on demand and
// keeping the last two in memory. Read front to back, as archive/zip does
// when files are read in order, every chunk is decrypted once, and the
// next ones are decrypted ahead on other goroutines. It also hashes chunks
// in order as they go by; finish hashes what was skipped and compares the
// whole with metadata.json. Not safe for concurrent use.
type plainReader struct {
	ctx    context.Context
	a      *Archive
	keys   *keyCache
	dataAt io.ReaderAt // random access to the data stream, or nil

	stream    io.ReadCloser // sequential fallback for a compressed data.bin
	streamPos int64

	bare *plainFile // the decrypted plaintext of a bare v2 blob

	cache  [2]cachedChunk
	tick   int
	ahead  []*chunkLoad // in flight, at most depth
	depth  int
	spare  [][]byte // buffers free for read-ahead
	hashed int
	opened int // chunks decrypted so far
	whole  hash.Hash
	size   int64
	err    error // sticky: once a chunk fails, everything fails
}

type cachedChunk struct {
	index int // -1 when empty
	used  int // tick of last use
	buf   []byte
	plain []byte
}

// chunkLoad is a chunk being read and decrypted ahead of need.
type chunkLoad struct {
	index int
	buf   []byte
	plain []byte
	err   error
	done  chan struct{}
}

func newPlainReader(ctx context.Context, a *Archive, keys *keyCache) (*plainReader, error) {
	p := &plainReader{
		ctx:    ctx,
		a:      a,
		keys:   keys,
		dataAt: a.dataReaderAt(),
		whole:  sha512.New(),
		size:   a.info.PlainSize,
	}
	if p.dataAt != nil {
		// Reading ahead needs random access; a deflated data.bin is read
		// in order on the caller's goroutine.
		p.depth = min(runtime.NumCPU(), 2)
	}
	p.cache[0].index, p.cache[1].index = -1, -1
	if a.data == nil {
		// A bare v2 blob can be of any size: it is decrypted to a
		// temporary file, and its plain size is known only then.
		bare, err := a.openBarePlain(ctx, keys)
		if err != nil {
			return nil, err
		}
		p.bare, p.size, p.hashed = bare, bare.size, 1
		a.chunks[0].plainLen = p.size
		a.info.PlainSize = p.size
	}
	return p, nil
}

// Size is the length of the inner archive.
func (p *plainReader) Size() int64 { return p.size }

// ReadAt implements io.ReaderAt over the decrypted inner archive.
func (p *plainReader) ReadAt(b []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("negative offset")
	}
	if p.bare != nil {
		if off >= p.size {
			return 0, io.EOF
		}
		n, err := p.bare.ReadAt(b[:min(int64(len(b)), p.size-off)], off)
		if err == nil && n < len(b) {
			err = io.EOF
		}
		return n, err
	}
	n := 0
	for n < len(b) {
		if off >= p.size {
			return n, io.EOF
		}
		i := sort.Search(len(p.a.chunks), func(i int) bool {
			c := p.a.chunks[i]
			return c.plainOff+c.plainLen > off
		})
		plain, err := p.chunk(i)
		if err != nil {
			return n, err
		}
		m := copy(b[n:], plain[off-p.a.chunks[i].plainOff:])
		n += m
		off += int64(m)
	}
	return n, nil
}

// chunk returns the plaintext of chunk i: from the cache, from a finished
// read-ahead, or decrypted now.
func (p *plainReader) chunk(i int) ([]byte, error) {
	if p.err != nil {
		return nil, p.err
	}
	p.tick++
	for k := range p.cache {
		if p.cache[k].index == i {
			p.cache[k].used = p.tick
			p.hashInOrder(i, p.cache[k].plain)
			return p.cache[k].plain, nil
		}
	}
	if err := p.ctx.Err(); err != nil {
		p.err = err
		return nil, err
	}
	slot := &p.cache[0]
	if p.cache[1].used < slot.used {
		slot = &p.cache[1]
	}
	slot.index = -1

	var plain []byte
	var err error
	if load := p.takeAhead(i); load != nil {
		<-load.done
		p.spare = append(p.spare, slot.buf)
		slot.buf, plain, err = load.buf, load.plain, load.err
	} else {
		c := p.a.chunks[i]
		slot.buf = sizedBuffer(slot.buf, c.encLen)
		buf := slot.buf[:c.encLen]
		if err = p.readEncrypted(buf, c.encOff); err != nil {
			err = p.a.chunkErr(i, dataReadErr(err))
		} else {
			plain, err = p.a.openChunk(i, buf, p.keys)
		}
	}
	if err != nil {
		if p.opened > 0 {
			err = tamperedChunk(err)
		} else {
			err = wrongPassword(err)
		}
		p.err = err
		return nil, err
	}
	p.opened++
	slot.index, slot.used, slot.plain = i, p.tick, plain
	p.hashInOrder(i, plain)
	p.readAhead(i)
	return plain, nil
}

// takeAhead returns the read-ahead of chunk i if there is one, waiting
// for and dropping read-aheads that are no longer useful.
func (p *plainReader) takeAhead(i int) *chunkLoad {
	var found *chunkLoad
	keep := p.ahead[:0]
	for _, l := range p.ahead {
		switch {
		case l.index == i:
			found = l
		case l.index > i && l.index <= i+p.depth:
			keep = append(keep, l)
		default:
			<-l.done
			p.spare = append(p.spare, l.buf)
		}
	}
	clear(p.ahead[len(keep):])
	p.ahead = keep
	return found
}

// readAhead starts decrypting the chunks after i that are neither cached
// nor already on their way.
func (p *plainReader) readAhead(i int) {
	for next := i + 1; next < len(p.a.chunks) && next <= i+p.depth && len(p.ahead) < p.depth; next++ {
		if p.cached(next) || slices.ContainsFunc(p.ahead, func(l *chunkLoad) bool { return l.index == next }) {
			continue
		}
		c := p.a.chunks[next]
		var buf []byte
		if n := len(p.spare); n > 0 {
			buf, p.spare = p.spare[n-1], p.spare[:n-1]
		}
		l := &chunkLoad{index: next, buf: sizedBuffer(buf, c.encLen), done: make(chan struct{})}
		p.ahead = append(p.ahead, l)
		go func() {
			defer close(l.done)
			enc := l.buf[:c.encLen]
			if _, err := p.dataAt.ReadAt(enc, c.encOff); err != nil && err != io.EOF {
				l.err = p.a.chunkErr(l.index, dataReadErr(err))
				return
			}
			l.plain, l.err = p.a.openChunk(l.index, enc, p.keys)
		}()
	}
}

func (p *plainReader) cached(i int) bool {
	return p.cache[0].index == i || p.cache[1].index == i
}

// sizedBuffer returns buf if it can hold n bytes plus room for the AEAD
// tag, or a new buffer that can.
func sizedBuffer(buf []byte, n int64) []byte {
	if int64(cap(buf)) >= n+tagSize {
		return buf[:cap(buf)]
	}
	return make([]byte, n+tagSize)
}

// hashInOrder feeds chunk i to the whole-archive hash if it is the next
// one due.
func (p *plainReader) hashInOrder(i int, plain []byte) {
	if i == p.hashed {
		p.whole.Write(plain)
		p.hashed++
	}
}

// readEncrypted fills buf with the data stream's bytes at off.
func (p *plainReader) readEncrypted(buf []byte, off int64) error {
	if p.dataAt != nil {
		_, err := p.dataAt.ReadAt(buf, off)
		if err == io.EOF && len(buf) > 0 {
			err = nil // ReadAt may report EOF with a full read at the end
		}
		return err
	}
	if p.stream == nil || off < p.streamPos {
		p.closeStream()
		rc, err := p.a.openData()
		if err != nil {
			return err
		}
		p.stream, p.streamPos = rc, 0
	}
	if _, err := io.CopyN(io.Discard, p.stream, off-p.streamPos); err != nil {
		return err
	}
	if _, err := io.ReadFull(p.stream, buf); err != nil {
		return err
	}
	p.streamPos = off + int64(len(buf))
	return nil
}

func (p *plainReader) closeStream() {
	if p.stream != nil {
		p.stream.Close()
		p.stream = nil
	}
}

// finish decrypts and hashes the chunks no read went through, then checks
// the SHA-512 of the whole inner archive.
func (p *plainReader) finish() error {
	for p.hashed < len(p.a.chunks) {
		if _, err := p.chunk(p.hashed); err != nil {
			return err
		}
	}
	return p.a.checkWhole(p.whole.Sum(nil))
}

// Close waits for read-aheads, releases the stream and wipes the
// plaintext it holds.
func (p *plainReader) Close() {
	for _, l := range p.ahead {
		<-l.done
		p.spare = append(p.spare, l.buf)
	}
	p.ahead = nil
	p.closeStream()
	if p.bare != nil {
		p.bare.Close()
		p.bare = nil
	}
	for k := range p.cache {
		clear(p.cache[k].buf)
		p.cache[k] = cachedChunk{index: -1}
	}
	for _, b := range p.spare {
		clear(b)
	}
	p.spare = nil
}
