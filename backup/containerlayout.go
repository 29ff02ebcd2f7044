package backup

import (
	"archive/zip"
	"bufio"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
)

// archive/zip reads a ZIP through its central directory and looks at an
// entry's local header only for its signature and the lengths that say
// where the data starts. The app's reader (the Dart archive package's
// ZipFile) takes the entry's name, compression method and CRC-32 from the
// local header (or the data descriptor after the data), and Python's
// zipfile refuses a local header whose name differs from the directory's.
// So checkContainerLayout reads the rest of the container's structure
// itself, and a container verifies only when every copy of a field a
// reader uses agrees, and every byte of the file belongs to an entry, the
// directory or its end record.

// ContainerError reports damage to the ZIP structure of a v3 container:
// fields of a local header that disagree with the central directory, bytes
// after the end of the archive, entries that overlap, or gaps between them.
// It wraps ErrNotBackup, like the damage archive/zip itself finds. When
// the container's directory names a backup's entries (Backup), the file
// is a backup that was damaged, not some other ZIP: it matches
// ErrBadChecksum too, and says so.
type ContainerError struct {
	// Offset is where in the file the damaged structure starts.
	Offset int64
	// Reason says what is wrong, as a clause.
	Reason string
	// Backup is set when the central directory names metadata.json and
	// data.bin: a backup's container, damaged.
	Backup bool
	// CutShort is set for a backup's container whose file ends before
	// the container does: its first entry is a backup's, and there is no
	// end record. A copy or download that did not finish looks so.
	CutShort bool
}

// Error returns "<reason> (at byte N of the container): " and, for a
// backup's container, "the backup is damaged", else "not a Cake Wallet
// backup, or its container is damaged"; for one cut short, "<reason>,
// after N bytes: the backup was cut short (...)".
func (e *ContainerError) Error() string {
	if e.CutShort {
		return fmt.Sprintf("%s, after %s: %v", e.Reason, countBytes(e.Offset), errCutShort)
	}
	if e.Backup {
		return fmt.Sprintf("%s (at byte %d of the container): %v", e.Reason, e.Offset, errDamagedContainer)
	}
	return fmt.Sprintf("%s (at byte %d of the container): %v", e.Reason, e.Offset, ErrNotBackup)
}

// errDamagedContainer ends the message of a ContainerError of a backup.
var errDamagedContainer = errors.New("the backup is damaged")

// errCutShort ends the message of a ContainerError of a backup cut short.
var errCutShort = errors.New("the backup was cut short (a copy or download that did not finish)")

// cutShort reports whether the file r, of size bytes, which archive/zip
// could not open, is the start of a backup's container: it starts with the
// local header of one of a backup's entries, and no end record is in its
// last 65 KiB. Only a read error is an error.
func cutShort(r io.ReaderAt, size int64) (bool, error) {
	head := make([]byte, min(size, localHeaderLen+int64(len(metadataEntry))))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return false, err
	}
	if len(head) < localHeaderLen || string(head[:4]) != "PK\x03\x04" {
		return false, nil
	}
	n := int(binary.LittleEndian.Uint16(head[26:]))
	name := string(head[localHeaderLen:min(len(head), localHeaderLen+n)])
	if len(name) != n || (name != dataEntry && name != metadataEntry && name != readmeEntry) {
		return false, nil
	}
	tail := make([]byte, min(size, 65*1024))
	if _, err := r.ReadAt(tail, size-int64(len(tail))); err != nil && err != io.EOF {
		return false, err
	}
	return findDirectoryEnd(tail) < 0, nil
}

// Unwrap returns ErrNotBackup.
func (e *ContainerError) Unwrap() error { return ErrNotBackup }

// Is makes a ContainerError of a backup's container (Backup) match
// ErrBadChecksum: the file was damaged in transfer or on disk.
func (e *ContainerError) Is(target error) bool { return e.Backup && target == ErrBadChecksum }

// namesBackup reports whether a container's directory names the entries
// every backup has.
func namesBackup(files []*zip.File) bool {
	var meta, data bool
	for _, f := range files {
		meta = meta || f.Name == metadataEntry
		data = data || f.Name == dataEntry
	}
	return meta && data
}

const (
	localHeaderSig    = 0x04034b50
	dataDescriptorSig = 0x08074b50
	// maxExtractVersion is the highest "version needed to extract" (its
	// low byte, the spec's version times ten) Python's zipfile reads; it
	// refuses entries that need more.
	maxExtractVersion = 63
	// flagDataDescriptor (bit 3) says the CRC-32 and sizes follow the data.
	flagDataDescriptor = 0x0008
	// flagsRefused are the flags that make a reader refuse an entry or
	// read it differently: encrypted (bit 0), compressed patch data (bit
	// 5), strong encryption (bit 6), masked local header values (bit 13).
	flagsRefused = 0x0001 | 0x0020 | 0x0040 | 0x2000
	// flagsIgnored are the flags whose local copy may differ: bits 1 and
	// 2 are the deflate level the writer used, a hint; bit 11 says the
	// name is UTF-8, and the names are compared byte for byte (the Dart
	// archive package's encoder sets it in the directory always but in
	// the local header only for its default encoding).
	flagsIgnored = 0x0006 | 0x0800
)

// dirRecord is what checkContainerLayout needs of one central directory
// record, read from the file's bytes.
type dirRecord struct {
	name          []byte
	flags, method uint16
	crc           uint32
	comp, plain   uint64
	headerOff     uint64
}

// checkContainerLayout checks the structure of the container of size bytes
// in r that archive/zip read into files (zip.Reader.File): see the comment
// at the top of this file. It reads the end records, the central directory
// and each entry's local header and data descriptor: small reads, never an
// entry's data.
func checkContainerLayout(r io.ReaderAt, size int64, files []*zip.File) error {
	dirOff, dirEnd, err := readContainerEnd(r, size, len(files))
	if err != nil {
		return err
	}
	records, err := readContainerDirectory(r, dirOff, dirEnd, files)
	if err != nil {
		return err
	}
	// Entries must tile the file from its first byte to the directory, in
	// the order of their local headers: a gap is bytes no reader reads,
	// an overlap data two entries share.
	slices.SortFunc(records, func(a, b dirRecord) int {
		return cmp.Compare(a.headerOff, b.headerOff)
	})
	next := int64(0)
	for i, rec := range records {
		if rec.headerOff != uint64(next) {
			what := "has bytes that belong to no entry"
			if rec.headerOff < uint64(next) {
				what = "has entries that overlap"
			}
			return &ContainerError{Offset: next, Reason: fmt.Sprintf("the container %s before entry %q", what, rec.name)}
		}
		limit := dirOff
		if i+1 < len(records) {
			limit = int64(min(records[i+1].headerOff, uint64(dirOff)))
		}
		end, err := checkLocalEntry(r, rec, next, limit)
		if err != nil {
			return err
		}
		next = end
	}
	if next != dirOff {
		return &ContainerError{Offset: next, Reason: "the central directory does not start where the last entry ends"}
	}
	return nil
}

// countBytes returns "1 byte" or "N bytes".
func countBytes(n int64) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

// readContainerEnd finds the end of central directory record as
// archive/zip does and returns where the central directory starts and
// ends. The record, with its comment, must end the file; the directory
// must end where the record (or its Zip64 form) starts, so the archive
// starts at the file's first byte (the app's reader takes the offsets as
// they are); and the record must describe a single-disk archive with n
// entries, as every writer of backups produces.
func readContainerEnd(r io.ReaderAt, size int64, n int) (dirOff, dirEnd int64, err error) {
	var tail []byte
	var tailLen int64
	at := -1
	for _, l := range []int64{1024, 65 * 1024} {
		if l = min(size, l); l == tailLen {
			break
		}
		tailLen = l
		tail = make([]byte, tailLen)
		if _, err := r.ReadAt(tail, size-tailLen); err != nil && err != io.EOF {
			return 0, 0, fmt.Errorf("reading the container's end: %w", err)
		}
		if at = findDirectoryEnd(tail); at >= 0 {
			break
		}
	}
	if at < 0 {
		return 0, 0, &ContainerError{Offset: size, Reason: "the end of central directory record is missing"}
	}
	endOff := size - tailLen + int64(at)
	e := tail[at:]
	u16 := func(i int) uint64 { return uint64(binary.LittleEndian.Uint16(e[i:])) }
	u32 := func(i int) uint64 { return uint64(binary.LittleEndian.Uint32(e[i:])) }
	if after := int64(len(e)) - dirEndLen - int64(u16(20)); after != 0 {
		return 0, 0, &ContainerError{Offset: size - after, Reason: fmt.Sprintf("%s after the end of the archive", countBytes(after))}
	}
	disk, dirDisk, here, records, dsize, doff := u16(4), u16(6), u16(8), u16(10), u32(12), u32(16)
	dirEnd = endOff
	// archive/zip's test for a Zip64 archive, 0xffff for the size included.
	if records == zip64Sentinel16 || dsize == zip64Sentinel16 || doff == zip64Sentinel32 {
		if off, ok, err := readContainerEnd64(r, endOff); err != nil {
			return 0, 0, err
		} else if ok {
			var z [dirEnd64Len]byte
			if _, err := r.ReadAt(z[:], off); err != nil {
				return 0, 0, fmt.Errorf("reading the container's Zip64 end record: %w", err)
			}
			if binary.LittleEndian.Uint32(z[:]) != dirEnd64Sig || binary.LittleEndian.Uint64(z[4:]) != dirEnd64Len-12 {
				return 0, 0, &ContainerError{Offset: off, Reason: "the Zip64 end record is damaged"}
			}
			disk, dirDisk = uint64(binary.LittleEndian.Uint32(z[16:])), uint64(binary.LittleEndian.Uint32(z[20:]))
			here, records = binary.LittleEndian.Uint64(z[24:]), binary.LittleEndian.Uint64(z[32:])
			dsize, doff = binary.LittleEndian.Uint64(z[40:]), binary.LittleEndian.Uint64(z[48:])
			dirEnd = off
		}
	}
	switch {
	case disk != 0 || dirDisk != 0:
		return 0, 0, &ContainerError{Offset: endOff, Reason: "the end record names another disk of a multi-disk archive"}
	case here != records || records != uint64(n):
		return 0, 0, &ContainerError{Offset: endOff, Reason: fmt.Sprintf("the end record counts %d and %d entries, not %d", here, records, n)}
	case doff > uint64(dirEnd) || dsize != uint64(dirEnd)-doff:
		return 0, 0, &ContainerError{Offset: endOff, Reason: "the central directory is not where its end record says"}
	}
	return int64(doff), dirEnd, nil
}

// readContainerEnd64 reads the Zip64 end record locator just before the
// end record at endOff and returns where the Zip64 end record lies, which
// must be just before the locator; ok is false when there is no locator
// (archive/zip then takes the end record's values as they are).
func readContainerEnd64(r io.ReaderAt, endOff int64) (off int64, ok bool, err error) {
	loc := endOff - dirEnd64LocLen
	if loc < 0 {
		return 0, false, nil
	}
	var l [dirEnd64LocLen]byte
	if _, err := r.ReadAt(l[:], loc); err != nil {
		return 0, false, fmt.Errorf("reading the container's Zip64 locator: %w", err)
	}
	if binary.LittleEndian.Uint32(l[:]) != dirEnd64LocSig {
		return 0, false, nil
	}
	// Python's zipfile refuses a locator naming another disk or disks.
	if binary.LittleEndian.Uint32(l[4:]) != 0 || binary.LittleEndian.Uint32(l[16:]) != 1 ||
		binary.LittleEndian.Uint64(l[8:]) != uint64(loc-dirEnd64Len) || loc < dirEnd64Len {
		return 0, false, &ContainerError{Offset: loc, Reason: "the Zip64 locator does not point just before itself"}
	}
	return loc - dirEnd64Len, true, nil
}

// readContainerDirectory reads the central directory, from dirOff to
// dirEnd, again: it must hold exactly the records archive/zip read into
// files, with the same names, methods, flags, CRC-32s and sizes, and
// nothing after them.
func readContainerDirectory(r io.ReaderAt, dirOff, dirEnd int64, files []*zip.File) ([]dirRecord, error) {
	br := bufio.NewReaderSize(io.NewSectionReader(r, dirOff, dirEnd-dirOff), 4096)
	at := dirOff
	records := make([]dirRecord, 0, len(files))
	var hdr [dirHeaderLen]byte
	for i, f := range files {
		recordOff := at
		bad := func(why string) ([]dirRecord, error) {
			return nil, &ContainerError{Offset: recordOff, Reason: fmt.Sprintf("the directory record %d (%q) %s", i, f.Name, why)}
		}
		if _, err := io.ReadFull(br, hdr[:]); err != nil || binary.LittleEndian.Uint32(hdr[:]) != dirHeaderSig {
			return bad("cannot be read again")
		}
		rec := dirRecord{
			flags:     binary.LittleEndian.Uint16(hdr[8:]),
			method:    binary.LittleEndian.Uint16(hdr[10:]),
			crc:       binary.LittleEndian.Uint32(hdr[16:]),
			comp:      uint64(binary.LittleEndian.Uint32(hdr[20:])),
			plain:     uint64(binary.LittleEndian.Uint32(hdr[24:])),
			headerOff: uint64(binary.LittleEndian.Uint32(hdr[42:])),
		}
		nameLen := int(binary.LittleEndian.Uint16(hdr[28:]))
		extraLen := int(binary.LittleEndian.Uint16(hdr[30:]))
		commentLen := int(binary.LittleEndian.Uint16(hdr[32:]))
		disk := binary.LittleEndian.Uint16(hdr[34:])
		var okName, okExtra bool
		var extra []byte
		rec.name, okName = readN(br, nil, nameLen)
		extra, okExtra = readN(br, nil, extraLen)
		if _, err := br.Discard(commentLen); err != nil || !okName || !okExtra {
			return bad("is cut short")
		}
		at += dirHeaderLen + int64(nameLen+extraLen+commentLen)
		z := zip64Field(extra)
		for _, v := range []*uint64{&rec.plain, &rec.comp, &rec.headerOff} {
			if *v == zip64Sentinel32 && len(z) >= 8 {
				*v, z = binary.LittleEndian.Uint64(z), z[8:]
			}
		}
		switch {
		case string(rec.name) != f.Name || rec.method != f.Method || rec.flags != f.Flags ||
			rec.crc != f.CRC32 || rec.comp != f.CompressedSize64 || rec.plain != f.UncompressedSize64:
			return bad("reads differently the second time")
		case hdr[6] > maxExtractVersion:
			return bad(fmt.Sprintf("needs ZIP version %d.%d to extract", hdr[6]/10, hdr[6]%10))
		case rec.flags&flagsRefused != 0:
			return bad(fmt.Sprintf("has flags 0x%04x (encrypted or patch data)", rec.flags))
		case disk != 0 && disk != zip64Sentinel16:
			return bad("names another disk of a multi-disk archive")
		}
		records = append(records, rec)
	}
	if at != dirEnd {
		return nil, &ContainerError{Offset: at, Reason: fmt.Sprintf("the central directory has %s after its last record", countBytes(dirEnd-at))}
	}
	return records, nil
}

// zip64Field returns the data of the Zip64 extended information field in
// extra, or nil.
func zip64Field(extra []byte) []byte {
	for len(extra) >= 4 {
		id, n := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		if n > len(extra)-4 {
			return nil
		}
		if id == zip64ExtraID {
			return extra[4 : 4+n]
		}
		extra = extra[4+n:]
	}
	return nil
}

// checkLocalEntry checks the local header at off of the entry rec
// describes against rec, and its data descriptor if it has one, and
// returns where the entry ends, which must be at most limit (where the
// next entry or the directory starts).
//
// Compared: the signature; the name, byte for byte (the app's reader
// names the entry by it; Python's zipfile refuses a difference); the
// method and the CRC-32 (the app's reader inflates and checks by them);
// the flags but the deflate level hint and the UTF-8 flag; the sizes (the app's reader sizes
// its output by the local uncompressed size). With the data descriptor
// flag, the local CRC-32 and sizes may be 0 (the writer did not know them
// yet) and the descriptor after the data must hold them: the app's reader
// and archive/zip take the CRC-32 from there.
//
// Not compared: the version needed to extract (no reader reads the local
// copy), the modification time and date (no reader refuses an entry for
// them; restore writes the inner archive's files, not these), and the
// extra field beyond the Zip64 sizes (only encrypted entries, refused
// above, have one a reader needs).
func checkLocalEntry(r io.ReaderAt, rec dirRecord, off, limit int64) (int64, error) {
	bad := func(at int64, why string) (int64, error) {
		return 0, &ContainerError{Offset: at, Reason: fmt.Sprintf("entry %q %s", rec.name, why)}
	}
	if limit-off < localHeaderLen {
		return bad(off, "has no room for its local header")
	}
	var h [localHeaderLen]byte
	if _, err := r.ReadAt(h[:], off); err != nil {
		return 0, fmt.Errorf("reading the local header of %q: %w", rec.name, err)
	}
	nameLen := int64(binary.LittleEndian.Uint16(h[26:]))
	extraLen := int64(binary.LittleEndian.Uint16(h[28:]))
	dataOff := off + localHeaderLen + nameLen + extraLen
	if binary.LittleEndian.Uint32(h[:]) != localHeaderSig {
		return bad(off, "has a damaged local header signature")
	}
	if dataOff > limit || uint64(limit-dataOff) < rec.comp {
		return bad(off, "runs into the next entry or the directory")
	}
	ne := make([]byte, nameLen+extraLen)
	if _, err := r.ReadAt(ne, off+localHeaderLen); err != nil {
		return 0, fmt.Errorf("reading the local header of %q: %w", rec.name, err)
	}
	flags := binary.LittleEndian.Uint16(h[6:])
	switch {
	case string(ne[:nameLen]) != string(rec.name):
		return bad(off+localHeaderLen, fmt.Sprintf("is named %q in its local header", ne[:nameLen]))
	case flags&^flagsIgnored != rec.flags&^flagsIgnored:
		return bad(off+6, fmt.Sprintf("has flags 0x%04x in its local header but 0x%04x in the directory", flags, rec.flags))
	case binary.LittleEndian.Uint16(h[8:]) != rec.method:
		return bad(off+8, "has another compression method in its local header")
	}
	crc := binary.LittleEndian.Uint32(h[14:])
	comp := uint64(binary.LittleEndian.Uint32(h[18:]))
	plain := uint64(binary.LittleEndian.Uint32(h[22:]))
	if z := zip64Field(ne[nameLen:]); len(z) >= 16 {
		if plain == zip64Sentinel32 {
			plain = binary.LittleEndian.Uint64(z)
		}
		if comp == zip64Sentinel32 {
			comp = binary.LittleEndian.Uint64(z[8:])
		}
	}
	end := dataOff + int64(rec.comp)
	if rec.flags&flagDataDescriptor == 0 {
		if crc != rec.crc || comp != rec.comp || plain != rec.plain {
			return bad(off+14, "has another CRC-32 or size in its local header")
		}
		return end, nil
	}
	for _, v := range []struct{ local, dir uint64 }{{uint64(crc), uint64(rec.crc)}, {comp, rec.comp}, {plain, rec.plain}} {
		if v.local != 0 && v.local != v.dir {
			return bad(off+14, "has another CRC-32 or size in its local header")
		}
	}
	descEnd, ok, err := readDataDescriptor(r, rec, end, limit)
	if err != nil {
		return 0, fmt.Errorf("reading the data descriptor of %q: %w", rec.name, err)
	}
	if !ok {
		return bad(end, "has a damaged data descriptor")
	}
	return descEnd, nil
}

// readDataDescriptor reads the data descriptor at off, which must end at
// limit, and reports whether it holds rec's CRC-32 and sizes. The
// descriptor may start with a signature, and hold 4- or (Zip64) 8-byte
// sizes; its length is what makes it end at limit.
func readDataDescriptor(r io.ReaderAt, rec dirRecord, off, limit int64) (end int64, ok bool, err error) {
	n := limit - off
	if n != 12 && n != 16 && n != 20 && n != 24 {
		return 0, false, nil
	}
	d := make([]byte, n)
	if _, err := r.ReadAt(d, off); err != nil && !errors.Is(err, io.EOF) {
		return 0, false, err
	}
	if n == 16 || n == 24 {
		if binary.LittleEndian.Uint32(d) != dataDescriptorSig {
			return 0, false, nil
		}
		d = d[4:]
	}
	if binary.LittleEndian.Uint32(d) != rec.crc {
		return 0, false, nil
	}
	var comp, plain uint64
	if len(d) == 12 {
		comp, plain = uint64(binary.LittleEndian.Uint32(d[4:])), uint64(binary.LittleEndian.Uint32(d[8:]))
	} else {
		comp, plain = binary.LittleEndian.Uint64(d[4:]), binary.LittleEndian.Uint64(d[12:])
	}
	return limit, comp == rec.comp && plain == rec.plain, nil
}
