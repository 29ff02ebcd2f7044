package protontest

import (
	"github.com/rclone/go-proton-api"
)

// requestBlockUpload registers the blocks of req, requested bytes in all,
// for the draft revision it names and returns one upload link per block.
// A block index given again replaces the earlier block.
func (st *drive) requestBlockUpload(userID string, req proton.BlockUploadReq, requested int64) ([]proton.BlockUploadLink, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	a, ok := st.accountLocked(userID)
	if !ok || req.AddressID != a.AddressID {
		return nil, errInvalid("AddressID is not an address of this account")
	}
	l, rev, ok := st.revisionLocked(req.ShareID, req.LinkID, req.RevisionID, userID)
	if !ok || rev.Revision.State != proton.RevisionStateDraft {
		return nil, errLinkNotFound
	}
	if q := st.quota; q >= 0 && st.usedSpaceLocked(userID)+requested > q {
		return nil, errQuota
	}
	links := make([]proton.BlockUploadLink, 0, len(req.BlockList))
	for _, info := range req.BlockList {
		if old, ok := rev.Blocks[info.Index]; ok {
			st.deleteBlockLocked(old)
		}
		b := &blockRecord{
			ID:             newID(),
			LinkID:         l.Link.LinkID,
			RevisionID:     rev.Revision.ID,
			Index:          info.Index,
			Size:           info.Size,
			Hash:           info.Hash,
			EncSignature:   info.EncSignature,
			SignatureEmail: a.Email,
			UploadToken:    newID(),
			DownloadToken:  newID(),
		}
		st.meta.Blocks[b.ID] = b
		rev.Blocks[info.Index] = b.ID
		links = append(links, proton.BlockUploadLink{Token: b.UploadToken, BareURL: st.storageURL})
	}
	return links, st.saveLocked()
}

// blockByUploadTokenLocked finds the pending block an upload token is for.
func (st *drive) blockByUploadTokenLocked(token string) (*blockRecord, bool) {
	if token == "" {
		return nil, false
	}
	for _, b := range st.meta.Blocks {
		if b.UploadToken == token {
			return b, true
		}
	}
	return nil, false
}

// pendingBlock returns the size and hash the block of an upload token was
// announced with.
func (st *drive) pendingBlock(token string) (size int64, hash string, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	b, ok := st.blockByUploadTokenLocked(token)
	if !ok {
		return 0, "", errStorageToken
	}
	return b.Size, b.Hash, nil
}

// putBlock stores data, already checked against the size and hash, as the
// block of an upload token, unless that would exceed the quota.
func (st *drive) putBlock(token string, data []byte) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	b, ok := st.blockByUploadTokenLocked(token)
	if !ok {
		return errStorageToken
	}
	if l, ok := st.meta.Links[b.LinkID]; ok && !b.Uploaded {
		if q := st.quota; q >= 0 && st.usedSpaceLocked(l.UserID)+b.Size > q {
			return errQuota
		}
	}
	if err := st.putBlockDataLocked(b.ID, data); err != nil {
		return err
	}
	b.Uploaded = true
	return st.saveLocked()
}

// blockData returns the contents of the uploaded block blockID if token is
// its download token.
func (st *drive) blockData(blockID, token string) ([]byte, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	b, ok := st.meta.Blocks[blockID]
	if !ok || !b.Uploaded || token == "" || token != b.DownloadToken {
		return nil, errStorageToken
	}
	return st.blockDataLocked(b.ID)
}
