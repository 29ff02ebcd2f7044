package backup

import (
	"context"
	"fmt"
	"io"
	"sort"
)

// plainReader gives random access (io.ReaderAt) to the inner archive so
// archive/zip can read it, decrypting and checking chunks on demand.
// Verify and Restore start a chunkStream (sequential), which opens every
// chunk in order on all cores ahead of the reads; once reads reach its
// front (chunk 0), those that go forward, as archive/zip's do when files
// are read in the order of their data, take their chunks from it, so each
// chunk is decrypted once. Other reads (the directory at the end, read
// first, or a chunk read again) decrypt into two private buffers kept as
// a cache. The stream also hashes the chunks; finish reads what no read
// went through and compares the whole with metadata.json. Not safe for
// concurrent use.
type plainReader struct {
	ctx    context.Context
	a      *Archive
	keys   *keyCache
	dataAt io.ReaderAt // random access to the data stream, or nil

	seq    io.ReadCloser // sequential fallback for a compressed data.bin
	seqPos int64

	bare *plainFile // the decrypted plaintext of a bare v2 blob

	chunks    *chunkStream // nil until sequential
	following bool         // reads have reached the stream's front
	cache     [2]cachedChunk
	tick      int
	opened    int // chunks decrypted so far
	size      int64
	err       error // sticky: once a chunk fails, everything fails
}

type cachedChunk struct {
	index int // -1 when empty
	used  int // tick of last use
	buf   []byte
	plain []byte
}

func newPlainReader(ctx context.Context, a *Archive, keys *keyCache) (*plainReader, error) {
	p := &plainReader{
		ctx:    ctx,
		a:      a,
		keys:   keys,
		dataAt: a.dataReaderAt(),
		size:   a.info.PlainSize,
	}
	p.cache[0].index, p.cache[1].index = -1, -1
	if a.data == nil {
		// A bare v2 blob can be of any size: it is decrypted to a
		// temporary file, and its plain size is known only then.
		bare, err := a.openBarePlain(ctx, keys)
		if err != nil {
			return nil, err
		}
		p.bare, p.size = bare, bare.size
		a.chunks[0].plainLen = p.size
		a.info.PlainSize = p.size
	}
	return p, nil
}

// sequential starts opening every chunk in order in the background, for a
// reader that will read the whole archive.
func (p *plainReader) sequential() {
	if p.bare == nil && p.chunks == nil {
		p.chunks = p.a.newChunkStream(p.ctx, p.keys)
	}
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

// chunk returns the plaintext of chunk i: the stream's current chunk,
// a cached one, the stream's next ones, or decrypted now.
func (p *plainReader) chunk(i int) ([]byte, error) {
	if p.err != nil {
		return nil, p.err
	}
	s := p.chunks
	if s != nil && s.held != nil && s.held.index == i {
		return s.held.out, nil
	}
	p.tick++
	for k := range p.cache {
		if p.cache[k].index == i {
			p.cache[k].used = p.tick
			return p.cache[k].plain, nil
		}
	}
	if err := p.ctx.Err(); err != nil {
		p.err = err
		return nil, err
	}
	if s != nil && (i == s.pos || (p.following && i > s.pos)) {
		// Reads that reached the stream's front follow it, skipping
		// what they do not need; the others (the directory, at the
		// end) are served apart until then.
		p.following = true
		for {
			j, err := s.next()
			if err == nil && j == nil {
				err = fmt.Errorf("internal error: chunk %d is past the end", i)
			}
			if err != nil {
				return nil, p.fail(err)
			}
			p.opened++
			if j.index == i {
				return j.out, nil
			}
		}
	}
	slot := &p.cache[0]
	if p.cache[1].used < slot.used {
		slot = &p.cache[1]
	}
	slot.index = -1
	c := p.a.chunks[i]
	slot.buf = sizedBuffer(slot.buf, c.encLen)
	buf := slot.buf[:c.encLen]
	var plain []byte
	err := p.readEncrypted(buf, c.encOff)
	if err != nil {
		err = p.a.chunkErr(i, dataReadErr(err))
	} else {
		plain, err = p.a.openChunk(i, buf, p.keys, nil, false, nil)
	}
	if err != nil {
		return nil, p.fail(err)
	}
	p.opened++
	slot.index, slot.used, slot.plain = i, p.tick, plain
	return plain, nil
}

// fail records the first failure, classified by classifyChunkErr.
func (p *plainReader) fail(err error) error {
	p.err = classifyChunkErr(err, p.opened)
	return p.err
}

// sizedBuffer returns buf if it can hold n bytes plus room for the AEAD
// tag, or a new buffer that can.
func sizedBuffer(buf []byte, n int64) []byte {
	if int64(cap(buf)) >= n+tagSize {
		return buf[:cap(buf)]
	}
	return chunkBuffer(int(n + tagSize))
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
	if p.seq == nil || off < p.seqPos {
		p.closeSeq()
		rc, err := p.a.openData()
		if err != nil {
			return err
		}
		p.seq, p.seqPos = rc, 0
	}
	if _, err := io.CopyN(io.Discard, p.seq, off-p.seqPos); err != nil {
		return err
	}
	if _, err := io.ReadFull(p.seq, buf); err != nil {
		return err
	}
	p.seqPos = off + int64(len(buf))
	return nil
}

func (p *plainReader) closeSeq() {
	if p.seq != nil {
		p.seq.Close()
		p.seq = nil
	}
}

// finish opens the chunks no read went through, then checks the SHA-512
// of the whole inner archive.
func (p *plainReader) finish() error {
	if p.err != nil {
		return p.err
	}
	if p.bare != nil {
		return nil // a bare v2 blob has no checksum of its plaintext
	}
	p.sequential()
	for {
		j, err := p.chunks.next()
		if err != nil {
			return p.fail(err)
		}
		if j == nil {
			break
		}
		p.opened++
	}
	return p.a.checkWhole(p.chunks.sum())
}

// Close stops the stream, releases the data stream and wipes the
// plaintext it holds.
func (p *plainReader) Close() {
	if p.chunks != nil {
		p.chunks.close()
		p.chunks = nil
	}
	p.closeSeq()
	if p.bare != nil {
		p.bare.Close()
		p.bare = nil
	}
	for k := range p.cache {
		clear(p.cache[k].buf)
		p.cache[k] = cachedChunk{index: -1}
	}
}
