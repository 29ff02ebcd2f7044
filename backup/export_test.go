package backup

// SetChunkSize makes Write cut the inner archive into chunks of n
// plaintext bytes instead of the app's 24 MiB, so that tests outside the
// package (the interop tests) get several chunks from little data. It is
// compiled into tests only.
func SetChunkSize(opts *WriteOptions, n int) { opts.chunkSize = n }

// ShareKeys has a take the keys it derives from a password from from,
// an Archive of the same backup (or of a copy that differs in no salt),
// deriving on a's behalf only salts from has not seen: a test that opens
// many copies of one backup derives each key once. It is compiled into
// tests only.
func ShareKeys(a, from *Archive) {
	if from.keys == nil {
		from.keys = map[string]*keyCache{}
	}
	a.keys = from.keys
}
