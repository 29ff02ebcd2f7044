package proton

// DefaultMemoryBudget is the memory budget of an upload, one block in
// flight: with it, a whole `cakebackup create` to Proton (backup writer
// included) stays under 200 MiB RSS (see README.md).
const DefaultMemoryBudget = 44 << 20

// Memory of an upload, measured on the bridge's code (Proton-API-Bridge
// v1.0.5, file_upload.go): it encrypts blocks one by one and holds a
// batch of UPLOAD_BATCH_BLOCK_SIZE = 8 encrypted 4 MiB blocks before it
// sends them, up to ConcurrentBlockUploadCount at a time (default 20,
// so all 8). Each block in flight costs go-proton-api's multipart body,
// the copy blockTransport keeps for retries, and buffers.
const (
	uploadBatchBytes = 8 * 4 << 20
	blockInFlight    = 12 << 20
	maxBlockUploads  = 8 // a batch: more never run at once
)

// blockUploads is ConcurrentBlockUploadCount for a memory budget: what
// the budget leaves after a batch, per block in flight, from 1 to 8.
// On loopback, one block in flight uploads about as fast as eight (the
// bridge encrypts on one goroutine and waits for each batch; see
// README.md); over a slow link more help, at blockInFlight each.
func blockUploads(budget int64) int {
	if budget <= 0 {
		budget = DefaultMemoryBudget
	}
	return int(min(max((budget-uploadBatchBytes)/blockInFlight, 1), maxBlockUploads))
}
