package destinations

import (
	"os"

	"github.com/cakebackup/cakebackup/internal/directio"
)

// fileReader is a backup file open for reading.
type fileReader struct {
	file *os.File
	seq  *directio.Sequential // when not nil, the file is read directly through it
	size int64
}

// The read-ahead of a file read directly: readAheadBlocks blocks of
// readAheadBlock bytes.
const (
	readAheadBlock  = 4 << 20
	readAheadBlocks = 2
)

// NewFileReader returns a Reader of file, a backup of size bytes; its
// Close closes file. A file mostly not in the page cache is read directly
// (internal/directio), its reads going forward served from blocks read
// ahead: a backup is read front to back, in big reads, once, and the
// kernel's copy of every byte out of pages it caches for nothing can
// take more CPU than checking the bytes does.
func NewFileReader(file *os.File, size int64) Reader {
	fr := &fileReader{file: file, size: size}
	if d := directio.NewColdReaderAt(file); d.Direct() {
		fr.seq = directio.NewSequential(d, size, readAheadBlock, readAheadBlocks, directio.RunStart)
	}
	return fr
}

// ReadAt implements Reader.
func (f *fileReader) ReadAt(p []byte, off int64) (int, error) {
	if f.seq != nil {
		return f.seq.ReadAt(p, off)
	}
	return f.file.ReadAt(p, off)
}

// Close stops the read-ahead and closes the file.
func (f *fileReader) Close() error {
	if f.seq != nil {
		f.seq.Close()
	}
	return f.file.Close()
}

// Size implements Reader.
func (f *fileReader) Size() int64 { return f.size }
