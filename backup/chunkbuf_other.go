//go:build !linux

package backup

// chunkBuffer returns a buffer of n bytes for a chunk.
func chunkBuffer(n int) []byte { return make([]byte, n) }
