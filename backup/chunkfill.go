package backup

import "sync"

// chunkFill tells a goroutine checking a chunk while it is being read
// (chunkStream, without keys) how much of the chunk's buffer the reader
// has filled, or that reading it failed.
type chunkFill struct {
	mu     sync.Mutex
	more   sync.Cond
	filled int
	err    error
}

func newChunkFill() *chunkFill {
	f := &chunkFill{}
	f.more.L = &f.mu
	return f
}

// reset starts f over for a buffer that is empty.
func (f *chunkFill) reset() {
	f.mu.Lock()
	f.filled, f.err = 0, nil
	f.mu.Unlock()
}

// set says that the buffer's first n bytes are filled.
func (f *chunkFill) set(n int) {
	f.mu.Lock()
	f.filled = n
	f.mu.Unlock()
	f.more.Broadcast()
}

// fail says that the buffer will be filled no further, because of err.
func (f *chunkFill) fail(err error) {
	f.mu.Lock()
	f.err = err
	f.mu.Unlock()
	f.more.Broadcast()
}

// wait returns how many bytes of the buffer are filled once at least n
// are, or the error that stopped the filling. A nil f is a buffer filled
// whole.
func (f *chunkFill) wait(n int) (int, error) {
	if f == nil {
		return n, nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for f.filled < n && f.err == nil {
		f.more.Wait()
	}
	if f.filled < n {
		return f.filled, f.err
	}
	return f.filled, nil
}

// failure returns the error that stopped the filling, if any; nil for a
// nil f.
func (f *chunkFill) failure() error {
	if f == nil {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}
