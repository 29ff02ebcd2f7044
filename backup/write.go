package backup

import (
	"archive/zip"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"time"

	"github.com/zeebo/xxh3"

	"github.com/cakebackup/cakebackup/internal/directio"
	"github.com/cakebackup/cakebackup/internal/sha512pair"
)

// defaultAppName is written to README.txt when WriteOptions.AppName is
// empty. README.txt names the app a backup is for, as the app's own
// exports do (the app refuses a backup whose README names another app).
// It does not make a snapshot importable: that needs an app-sealed
// keychain dump, which only the app can make.
const defaultAppName = "Cake Wallet"

// WriteOptions configure Write.
type WriteOptions struct {
	// Password seals the backup.
	Password string
	// AppName goes in README.txt: "This is a <AppName> backup. Do not
	// modify this archive." Empty means "Cake Wallet".
	AppName string
	// AppVersion is metadata "cakeVersion" and goes in README.txt.
	AppVersion string
	// Now is the creation time written to README.txt; zero means
	// time.Now().
	Now time.Time
	// Workers is the number of chunks sealed in parallel; 0 means
	// runtime.NumCPU().
	Workers int
	// OnProgress, when not nil, is called with the number of plaintext
	// source bytes consumed since its previous call.
	OnProgress func(n int64)
	// SumOutput has Write take the SHA-512 of the bytes it writes to w,
	// into Summary.OutputSHA512. Where sha512pair runs two SHA-512s at
	// once, each sealed chunk's SHA-512 is then taken in the same pass.
	SumOutput bool

	// chunkSize overrides the 24 MiB chunk size; tests use small chunks.
	chunkSize int
	// pairPlain, when set, says whether the sealer takes each chunk's
	// plaintext SHA-512 along with the whole archive's, where sha512pair
	// is fast or not, so that tests cover both paths; chunkSize must then
	// be whole SHA-512 blocks. nil: where it is worth it (pairPlain).
	pairPlain *bool
	// salt and keys, when set, replace the random salt and the key
	// derivation, so tests sealing many backups derive the key once.
	salt []byte
	keys *keyCache
}

// Summary describes a backup Write produced.
type Summary struct {
	// Size is the number of bytes written.
	Size int64
	// PlainSize is the length of the inner archive.
	PlainSize int64
	// Chunks is the number of sealed chunks.
	Chunks int
	// SHA512 is the lower-case hex SHA-512 of the inner archive.
	SHA512 string
	// OutputSHA512 is the SHA-512 of the Size bytes written, with
	// WriteOptions.SumOutput; else nil.
	OutputSHA512 []byte
}

// copyBufferSize is how much of a source file is copied at a time.
const copyBufferSize = 1 << 20

// Write streams src as a v3 container to w in one pass: the files go into
// an inner ZIP (stored, since wallet files are already encrypted), which is
// cut into chunks sealed in parallel and written as data.bin, followed by
// metadata.json and README.txt. Nothing is written to disk but w, and
// memory is bounded by a few chunks whatever the size of src. On error, w
// holds a partial container that the caller must discard.
func Write(ctx context.Context, w io.Writer, src *Source, opts WriteOptions) (*Summary, error) {
	return writeContainer(ctx, w, opts, func(sealer io.Writer) error {
		return writeInner(ctx, sealer, src, opts.OnProgress)
	})
}

// writeContainer writes a v3 container whose inner archive is whatever
// produce writes to the chunk sealer it is given.
func writeContainer(ctx context.Context, w io.Writer, opts WriteOptions, produce func(io.Writer) error) (*Summary, error) {
	if opts.Password == "" {
		return nil, errors.New("the backup password is empty")
	}
	if opts.AppName == "" {
		opts.AppName = defaultAppName
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	if opts.chunkSize <= 0 {
		opts.chunkSize = defaultChunkSize
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	salt := opts.salt
	if salt == nil {
		var err error
		if salt, err = newSalt(); err != nil {
			return nil, err
		}
	}
	keys := opts.keys
	if keys == nil {
		keys = newKeyCache(opts.Password)
	}
	// The key derivation (PBKDF2, about 0.1 s on one core) runs while the
	// first chunk is read; the workers wait for it (keyCache) before
	// sealing. It ends before we return.
	derived := make(chan struct{})
	go func() {
		defer close(derived)
		_, _ = keys.key(salt) // the workers get the key, or its error
	}()
	defer func() { <-derived }()

	cw := &outputSum{w: w}
	if opts.SumOutput {
		cw.whole = sha512.New()
	}
	outer := zip.NewWriter(cw)
	dataW, err := outer.CreateHeader(&zip.FileHeader{Name: dataEntry, Method: zip.Store, Modified: opts.Now})
	if err != nil {
		return nil, fmt.Errorf("writing container: %w", err)
	}
	pair := pairPlain(int64(opts.chunkSize))
	if opts.pairPlain != nil {
		pair = *opts.pairPlain
	}
	sealer := newChunkSealer(ctx, dataW, keys, salt, opts.chunkSize, opts.Workers, pair)
	if opts.SumOutput && sha512pair.Fast() {
		// data.bin's bytes start where the output stands once its header
		// is out of archive/zip's buffer.
		if err := outer.Flush(); err != nil {
			sealer.Abort(err)
			return nil, fmt.Errorf("writing container: %w", err)
		}
		sealer.outSum, sealer.dataStart = cw, cw.n
	}
	if err := produce(sealer); err != nil {
		sealer.Abort(err)
		return nil, err
	}
	records, err := sealer.Close()
	if err != nil {
		return nil, err
	}
	if err := outer.Flush(); err != nil { // the last blob's end, for its SHA-512
		return nil, fmt.Errorf("writing container: %w", err)
	}
	records = sealer.fillSums(records)
	sum := sealer.sum()
	meta, err := encodeMetadata(&metadata{
		Version:     new(containerVersion),
		SHA512:      hex.EncodeToString(sum),
		Chunks:      records,
		CakeVersion: opts.AppVersion,
	})
	if err != nil {
		return nil, err
	}
	for _, e := range []struct {
		name string
		body []byte
	}{
		{metadataEntry, meta},
		{readmeEntry, renderReadme(opts.AppName, opts.AppVersion, opts.Now)},
	} {
		ew, err := outer.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Store, Modified: opts.Now})
		if err != nil {
			return nil, fmt.Errorf("writing container: %w", err)
		}
		if _, err := ew.Write(e.body); err != nil {
			return nil, fmt.Errorf("writing container: %w", err)
		}
	}
	if err := outer.Close(); err != nil {
		return nil, fmt.Errorf("writing container: %w", err)
	}
	summary := &Summary{Size: cw.n, PlainSize: sealer.plain, Chunks: len(records), SHA512: hex.EncodeToString(sum)}
	if cw.whole != nil {
		summary.OutputSHA512 = cw.whole.Sum(nil)
	}
	return summary, nil
}

// writeInner writes the inner ZIP of src to sealer.
func writeInner(ctx context.Context, sealer io.Writer, src *Source, onProgress func(int64)) error {
	inner := zip.NewWriter(sealer)
	bufs := &copyBuffers{}
	for _, f := range src.Files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := addFile(ctx, inner, f, bufs, onProgress); err != nil {
			return err
		}
	}
	if err := inner.Close(); err != nil {
		return fmt.Errorf("writing the archive: %w", err)
	}
	return nil
}

// copyBuffers are the buffers addFile copies files with, allocated on
// first use and reused for every file.
type copyBuffers struct {
	small []byte   // a small file's, read at once
	ahead [][]byte // a large file's read-ahead blocks
}

// addFile stores one source file in the inner ZIP. A file that changed
// while it was read fails with a *ChangedError: its bytes could mix two
// versions, which would restore as a corrupt wallet.
func addFile(ctx context.Context, inner *zip.Writer, f File, bufs *copyBuffers, onProgress func(int64)) error {
	// Look before opening: a file replaced by a FIFO would block the open.
	// This look is also what the file is checked against once read
	// (checkUnchanged), so that the check costs a single fstat.
	start := time.Now()
	before, err := os.Stat(f.Path)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", f.Path, unwrapPathErr(err))
	} else if !before.Mode().IsRegular() {
		return fmt.Errorf("cannot read %s: it is no longer a regular file", f.Path)
	}
	// A file changed so recently that its times may not show a change
	// made while it is read is hashed as it is read, and read again.
	var sum *xxh3.Hasher
	if needsReread(before, start) {
		sum = xxh3.New()
	}
	in, err := os.Open(f.Path)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", f.Path, unwrapPathErr(err))
	}
	defer in.Close()
	hdr := &zip.FileHeader{Name: f.Name, Method: zip.Store, Modified: f.ModTime}
	hdr.SetMode(0o600)
	ew, err := inner.CreateHeader(hdr)
	if err != nil {
		return fmt.Errorf("writing the archive: %w", err)
	}
	// A large file is read ahead of its hashing, directly (directio) when
	// it is not cached: the kernel then copies nothing, which took as
	// much CPU time as a hash. A small one is not worth the extra system
	// calls and goroutine.
	var next func() ([]byte, error)
	if f.Size >= copyBufferSize {
		if bufs.ahead == nil {
			bufs.ahead = directio.Blocks(readBlock, readAhead)
		}
		ahead := directio.NewAheadWith(directio.NewReader(in), bufs.ahead)
		defer ahead.Close()
		next = ahead.Next
	} else {
		if bufs.small == nil {
			bufs.small = make([]byte, copyBufferSize)
		}
		next = func() ([]byte, error) {
			n, err := in.Read(bufs.small)
			return bufs.small[:n], err
		}
	}
	var read int64
	for {
		b, rerr := next()
		read += int64(len(b))
		if sum != nil {
			_, _ = sum.Write(b) // never fails
		}
		for len(b) > 0 {
			// A piece at a time, so that the copy after the CRC-32 reads
			// the cache.
			piece := b[:min(len(b), copyBufferSize)]
			if _, err := ew.Write(piece); err != nil {
				return fmt.Errorf("writing the archive: %w", err)
			}
			if onProgress != nil {
				onProgress(int64(len(piece)))
			}
			b = b[len(piece):]
		}
		if rerr == io.EOF {
			if err := checkUnchanged(in, f.Path, before, read); err != nil || sum == nil {
				return err
			}
			return checkReread(ctx, f.Path, before, sum.Sum128(), bufs)
		}
		if rerr != nil {
			return fmt.Errorf("cannot read %s: %w", f.Path, unwrapPathErr(rerr))
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// checkUnchanged returns a *ChangedError unless in, now that read bytes
// of it were read, is still the file before (taken by path just before it
// was opened) described: the same file, still linked, of that size, read
// whole, with the same modification time and, where there is one, the
// same status change time, which a writer cannot set back. tar checks the
// same way ("file changed as we read it"). The error says the file was
// replaced when path no longer names the file read (renamed over, deleted
// and created again, or replaced between the look and the open); the
// extra look by path costs nothing when nothing changed.
func checkUnchanged(in *os.File, path string, before os.FileInfo, read int64) error {
	after, err := in.Stat()
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", path, unwrapPathErr(err))
	}
	if !os.SameFile(before, after) || linkCount(after) == 0 || read != before.Size() || after.Size() != before.Size() ||
		!after.ModTime().Equal(before.ModTime()) || !changeTime(after).Equal(changeTime(before)) {
		return &ChangedError{Path: path, Replaced: replaced(path, before, after)}
	}
	return nil
}

// replaced tells whether path no longer names the file that was opened
// (after, its fstat) as before (its stat by path before the open): it was
// replaced before the open, or since (renamed over, deleted and maybe
// created again), rather than written in place.
func replaced(path string, before, after os.FileInfo) bool {
	if !os.SameFile(before, after) || linkCount(after) == 0 {
		return true
	}
	now, err := os.Stat(path)
	return err != nil || !os.SameFile(now, after)
}

// coarseTimes is how long after a file's last change its times may still
// not show another: FAT keeps modification times to 2 s (and no status
// change time of its own), so a write in the same 2-second step as the
// look before the read leaves the file's times as they were; other file
// systems stamp with a clock that moves a tick (a few ms) at a time. The
// extra 0.1 s covers the time taken between the clock's read and the look.
const coarseTimes = 2100 * time.Millisecond

// needsReread reports whether the times of a file that before described,
// looked at when start said, are too recent to show a change made while
// it is then read: its last modification or status change is less than
// coarseTimes before start (or after it, by a clock set differently).
func needsReread(before os.FileInfo, start time.Time) bool {
	last := before.ModTime()
	if ct := changeTime(before); ct.After(last) {
		last = ct
	}
	return last.After(start.Add(-coarseTimes))
}

// checkReread reads the file at path again, whole, and returns a
// *ChangedError unless it is still the file before described, with the
// bytes whose hash (XXH3-128) is want: the check addFile makes of a file
// changed so recently (needsReread) that its times cannot show a change
// made while it was read. The bytes backed up then were one version of
// the file: a write while they were read is in the second read and not
// (or not all of it) in the first.
func checkReread(ctx context.Context, path string, before os.FileInfo, want xxh3.Uint128, bufs *copyBuffers) error {
	in, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return &ChangedError{Path: path, Replaced: true}
		}
		return fmt.Errorf("cannot read %s: %w", path, unwrapPathErr(err))
	}
	defer in.Close()
	if bufs.small == nil {
		bufs.small = make([]byte, copyBufferSize)
	}
	h := xxh3.New()
	var read int64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := in.Read(bufs.small)
		_, _ = h.Write(bufs.small[:n]) // never fails
		read += int64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", path, unwrapPathErr(err))
		}
	}
	if err := checkUnchanged(in, path, before, read); err != nil {
		return err
	}
	if h.Sum128() != want {
		return &ChangedError{Path: path}
	}
	return nil
}

// A large wallet file is read readBlock bytes at a time, up to readAhead
// blocks ahead.
const (
	readBlock = 4 << 20
	readAhead = 2
)

// EstimateSize returns an upper bound of the size of the container Write
// produces for src, for free-space checks.
func EstimateSize(src *Source) int64 {
	// Inner ZIP: per file a local header, data descriptor and central
	// directory record, each with the name and at most a timestamp and a
	// Zip64 extra field; then the end records.
	const perFile = 30 + 24 + 46 + 2*(9+32)
	plain := int64(22 + 56 + 20)
	for _, f := range src.Files {
		plain += f.Size + perFile + 2*int64(len(f.Name))
	}
	chunks := (plain + defaultChunkSize - 1) / defaultChunkSize
	if chunks == 0 {
		chunks = 1
	}
	// Outer ZIP: data.bin, metadata.json (about 400 bytes a chunk) and
	// README.txt with their headers.
	return plain + chunks*(blobOverhead+512) + 8192
}
