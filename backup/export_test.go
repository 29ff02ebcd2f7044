package backup

// SetChunkSize makes Write cut the inner archive into chunks of n
// plaintext bytes instead of the app's 24 MiB, so that tests outside the
// package (the interop tests) get several chunks from little data. It is
// compiled into tests only.
func SetChunkSize(opts *WriteOptions, n int) { opts.chunkSize = n }
