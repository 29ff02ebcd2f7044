package backup

import (
	"crypto/sha512"
	"hash"
	"io"

	"github.com/cakebackup/cakebackup/internal/sha512pair"
)

// outputSum is the writer at the bottom of a container being written: it
// counts the bytes and takes their SHA-512 (WriteOptions.SumOutput). The
// sealed chunks pass through it as parts of data.bin, unchanged; where
// sha512pair runs two hashes at once, each chunk's SHA-512 for
// metadata.json is taken here, in the same pass as the whole output's,
// rather than by the sealing workers (see chunkSealer.emit).
type outputSum struct {
	w     io.Writer
	n     int64     // bytes written
	whole hash.Hash // of every byte; nil unless asked for
	// chunks are the output's ranges whose SHA-512 is taken along with
	// whole's, in order; those before done are complete.
	chunks []*outputChunk
	done   int
}

// outputChunk is a range of the output, a sealed chunk, and its SHA-512.
type outputChunk struct {
	start, end int64
	h          hash.Hash
	hashed     int64 // bytes of the range in h
}

func (o *outputSum) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if o.whole != nil {
		o.hash(p[:n])
	}
	o.n += int64(n)
	return n, err
}

// hash takes the SHA-512s of p, the bytes at offset o.n: whole's, and
// the chunk's for the bytes in a chunk's range.
func (o *outputSum) hash(p []byte) {
	at := o.n
	for len(p) > 0 {
		if o.done == len(o.chunks) || at < o.chunks[o.done].start {
			m := int64(len(p))
			if o.done < len(o.chunks) {
				m = min(m, o.chunks[o.done].start-at)
			}
			o.whole.Write(p[:m])
			p, at = p[m:], at+m
			continue
		}
		c := o.chunks[o.done]
		m := min(int64(len(p)), c.end-at)
		writeBoth(o.whole, at, c.h, c.hashed, p[:m])
		c.hashed += m
		p, at = p[m:], at+m
		if at == c.end {
			o.done++
		}
	}
}

// pairChunk asks for the SHA-512 of the output's n bytes at offset start,
// which must not be before any range asked for before, nor before what
// was written. The sum is complete once the bytes went through Write.
func (o *outputSum) pairChunk(start, n int64) *outputChunk {
	c := &outputChunk{start: start, end: start + n, h: sha512.New()}
	if n == 0 {
		return c
	}
	o.chunks = append(o.chunks, c)
	return c
}

// writeBoth writes p to a, which has taken na bytes, and to b, which has
// taken nb: the whole blocks they have in common go through sha512pair
// together, once each is brought to a block boundary with a few bytes of
// its own.
func writeBoth(a hash.Hash, na int64, b hash.Hash, nb int64, p []byte) {
	ka := int((sha512.BlockSize - na%sha512.BlockSize) % sha512.BlockSize)
	kb := int((sha512.BlockSize - nb%sha512.BlockSize) % sha512.BlockSize)
	if len(p) < max(ka, kb)+sha512.BlockSize {
		a.Write(p)
		b.Write(p)
		return
	}
	a.Write(p[:ka])
	b.Write(p[:kb])
	sha512pair.WriteTwo(a, p[ka:], b, p[kb:])
}
