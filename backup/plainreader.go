package backup

import (
	"context"
	"crypto/sha512"
	"fmt"
	"hash"
	"io"
	"sort"
)

// plainReader gives random access (io.ReaderAt) to the inner archive so
// archive/zip can read it, decrypting and checking chunks on demand and
// keeping the last two in memory. Read front to back, as archive/zip does
// when files are read in order, every chunk is decrypted once. It also
// hashes chunks in order as they go by; finish hashes what was skipped and
// compares the whole with metadata.json. Not safe for concurrent use.
type plainReader struct {
	ctx    context.Context
	a      *Archive
	keys   *keyCache
	dataAt io.ReaderAt // random access to the data stream, or nil

	stream    io.ReadCloser // sequential fallback for a compressed data.bin
	streamPos int64

	cache  [2]cachedChunk
	tick   int
	hashed int
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

func newPlainReader(ctx context.Context, a *Archive, keys *keyCache) (*plainReader, error) {
	p := &plainReader{
		ctx:    ctx,
		a:      a,
		keys:   keys,
		dataAt: a.dataReaderAt(),
		whole:  sha512.New(),
		size:   a.info.PlainSize,
	}
	p.cache[0].index, p.cache[1].index = -1, -1
	if a.data == nil {
		// A bare v2 blob's plain size is known only once decrypted.
		plain, err := p.chunk(0)
		if err != nil {
			return nil, err
		}
		p.size = int64(len(plain))
		a.chunks[0].plainLen = p.size
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

// chunk returns the plaintext of chunk i, decrypting it if it is not
// cached.
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
	c := p.a.chunks[i]
	if int64(cap(slot.buf)) < c.encLen+tagSize {
		slot.buf = nil // let the old one go before allocating
		slot.buf = make([]byte, c.encLen, c.encLen+tagSize)
	}
	buf := slot.buf[:c.encLen]
	if err := p.readEncrypted(buf, c.encOff); err != nil {
		p.err = p.a.chunkErr(i, dataReadErr(err))
		return nil, p.err
	}
	plain, err := p.a.openChunk(i, buf, p.keys)
	if err != nil {
		p.err = err
		return nil, err
	}
	slot.index, slot.used, slot.plain = i, p.tick, plain
	p.hashInOrder(i, plain)
	return plain, nil
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

// Close releases the stream and the cached plaintext.
func (p *plainReader) Close() {
	p.closeStream()
	for k := range p.cache {
		clear(p.cache[k].buf[:cap(p.cache[k].buf)])
		p.cache[k] = cachedChunk{index: -1}
	}
}
