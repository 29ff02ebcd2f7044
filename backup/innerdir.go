package backup

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
)

// archive/zip does not tell where an entry's local header lies without
// reading it, and reading it means decrypting the chunk that holds it. To
// read entries in the order of their data whatever order the central
// directory lists them in, we read the local header offsets from the
// central directory ourselves, which archive/zip has just decrypted.

// Bounds on the inner archive's directory: archive/zip holds every entry
// in memory (a few hundred bytes each), so a hostile directory must not
// list millions. 16 MiB is some 200,000 entries, far more than any
// wallet folder holds.
const maxInnerDirectory = 16 << 20

const (
	dirEndSig       = 0x06054b50
	dirEnd64Sig     = 0x06064b50
	dirEnd64LocSig  = 0x07064b50
	dirHeaderSig    = 0x02014b50
	dirEndLen       = 22
	dirEnd64Len     = 56
	dirEnd64LocLen  = 20
	dirHeaderLen    = 46
	localHeaderLen  = 30
	zip64ExtraID    = 0x0001
	maxCommentLen   = 0xffff
	zip64Sentinel32 = 0xffffffff
	zip64Sentinel16 = 0xffff
)

// innerDirectory is where a ZIP's central directory lies.
type innerDirectory struct {
	records, offset, size int64
}

// readInnerDirectory finds the end of central directory record (and its
// Zip64 form) the way archive/zip does, and refuses a directory larger
// than maxInnerDirectory or one that does not end where its end record
// starts (data prepended to the archive, which no writer of backups
// produces).
func readInnerDirectory(r io.ReaderAt, size int64) (innerDirectory, error) {
	bad := func(why string) (innerDirectory, error) {
		return innerDirectory{}, fmt.Errorf("the decrypted archive's directory %s: %w", why, ErrNotBackup)
	}
	// Like archive/zip, look in the last KiB first: an archive with no
	// long comment ends there, and reading back 64 KiB would decrypt more
	// chunks than the directory needs.
	var tail []byte
	var tailLen int64
	at := -1
	for _, n := range []int64{1024, dirEndLen + maxCommentLen} {
		if n = min(size, n); n == tailLen {
			break // the first block already covered the whole archive
		}
		tailLen = n
		tail = make([]byte, tailLen)
		if _, err := r.ReadAt(tail, size-tailLen); err != nil && err != io.EOF {
			return innerDirectory{}, err
		}
		if at = findDirectoryEnd(tail); at >= 0 {
			break
		}
	}
	if at < 0 {
		return bad("is missing")
	}
	end := tail[at:]
	endOff := size - tailLen + int64(at)
	d := innerDirectory{
		records: int64(binary.LittleEndian.Uint16(end[10:])),
		size:    int64(binary.LittleEndian.Uint32(end[12:])),
		offset:  int64(binary.LittleEndian.Uint32(end[16:])),
	}
	if d.records == zip64Sentinel16 || d.size == zip64Sentinel32 || d.offset == zip64Sentinel32 {
		if loc := endOff - dirEnd64LocLen; loc >= 0 {
			var l [dirEnd64LocLen]byte
			if _, err := r.ReadAt(l[:], loc); err == nil && binary.LittleEndian.Uint32(l[:]) == dirEnd64LocSig {
				off := binary.LittleEndian.Uint64(l[8:])
				var e [dirEnd64Len]byte
				if off > uint64(size)-dirEnd64Len {
					return bad("has a Zip64 end record outside the archive")
				}
				if _, err := r.ReadAt(e[:], int64(off)); err != nil || binary.LittleEndian.Uint32(e[:]) != dirEnd64Sig {
					return bad("has a damaged Zip64 end record")
				}
				d.records = int64(binary.LittleEndian.Uint64(e[32:]))
				d.size = int64(binary.LittleEndian.Uint64(e[40:]))
				d.offset = int64(binary.LittleEndian.Uint64(e[48:]))
				endOff = int64(off)
			}
		}
	}
	switch {
	case d.size < 0 || d.size > maxInnerDirectory:
		return bad(fmt.Sprintf("is larger than %d MiB", maxInnerDirectory>>20))
	case d.records < 0 || d.records > d.size/dirHeaderLen:
		return bad("lists more entries than it has room for")
	case d.offset < 0 || d.offset+d.size != endOff:
		return bad("is not where its end record says")
	}
	return d, nil
}

// findDirectoryEnd returns where in tail, the end of an archive, the last
// end of central directory record whose comment fits starts, or -1.
func findDirectoryEnd(tail []byte) int {
	for i := len(tail) - dirEndLen; i >= 0; i-- {
		if binary.LittleEndian.Uint32(tail[i:]) == dirEndSig &&
			i+dirEndLen+int(binary.LittleEndian.Uint16(tail[i+20:])) <= len(tail) {
			return i
		}
	}
	return -1
}

// localHeaderOffsets returns where the local header of each of files (the
// central directory's entries as archive/zip read them, in order) lies.
// It reads the directory again and refuses it if it does not list the
// same names and sizes.
func localHeaderOffsets(r io.ReaderAt, d innerDirectory, files []*zip.File) ([]int64, error) {
	bad := func(i int, why string) ([]int64, error) {
		return nil, fmt.Errorf("the decrypted archive's directory entry %d %s: %w", i, why, ErrNotBackup)
	}
	br := bufio.NewReaderSize(io.NewSectionReader(r, d.offset, d.size), 64<<10)
	offsets := make([]int64, len(files))
	var hdr [dirHeaderLen]byte
	var name, extra []byte
	for i, f := range files {
		if _, err := io.ReadFull(br, hdr[:]); err != nil || binary.LittleEndian.Uint32(hdr[:]) != dirHeaderSig {
			return bad(i, "cannot be read again")
		}
		comp := uint64(binary.LittleEndian.Uint32(hdr[20:]))
		plain := uint64(binary.LittleEndian.Uint32(hdr[24:]))
		nameLen := int(binary.LittleEndian.Uint16(hdr[28:]))
		extraLen := int(binary.LittleEndian.Uint16(hdr[30:]))
		commentLen := int(binary.LittleEndian.Uint16(hdr[32:]))
		off := uint64(binary.LittleEndian.Uint32(hdr[42:]))
		var okName, okExtra bool
		name, okName = readN(br, name, nameLen)
		extra, okExtra = readN(br, extra, extraLen)
		if !okName || !okExtra {
			return bad(i, "is cut short")
		}
		if _, err := br.Discard(commentLen); err != nil {
			return bad(i, "is cut short")
		}
		for e := extra; len(e) >= 4; {
			id, n := binary.LittleEndian.Uint16(e), int(binary.LittleEndian.Uint16(e[2:]))
			if n > len(e)-4 {
				break
			}
			if id == zip64ExtraID {
				z := e[4 : 4+n]
				for _, v := range []*uint64{&plain, &comp, &off} {
					if *v == zip64Sentinel32 && len(z) >= 8 {
						*v, z = binary.LittleEndian.Uint64(z), z[8:]
					}
				}
			}
			e = e[4+n:]
		}
		if string(name) != f.Name || comp != f.CompressedSize64 || plain != f.UncompressedSize64 {
			return bad(i, "reads differently the second time")
		}
		if off > uint64(d.offset) {
			return bad(i, "points past the archive's data")
		}
		offsets[i] = int64(off)
	}
	return offsets, nil
}

// readN reads n bytes into buf, reused when large enough; ok is false
// when the reader ends first.
func readN(br *bufio.Reader, buf []byte, n int) (_ []byte, ok bool) {
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	_, err := io.ReadFull(br, buf)
	return buf, err == nil
}
