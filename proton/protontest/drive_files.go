package protontest

import (
	"sort"
	"time"

	"github.com/rclone/go-proton-api"
)

// newDraftRevisionLocked adds an empty draft revision of file l.
func (st *drive) newDraftRevisionLocked(l *linkRecord, createTime int64, signatureEmail string) *revisionRecord {
	rev := &revisionRecord{
		LinkID: l.Link.LinkID,
		Revision: proton.RevisionMetadata{
			ID:             newID(),
			CreateTime:     createTime,
			SignatureEmail: signatureEmail,
			State:          proton.RevisionStateDraft,
		},
		Blocks: map[int]string{},
	}
	st.meta.Revisions[rev.Revision.ID] = rev
	return rev
}

// fileLocked returns linkID if it is a file of the share.
func (st *drive) fileLocked(shareID, linkID, userID string) (*linkRecord, bool) {
	return st.linkOfTypeLocked(shareID, linkID, userID, proton.LinkTypeFile)
}

// revisionsLocked lists a link's revisions, oldest first.
func (st *drive) revisionsLocked(linkID string) []*revisionRecord {
	return oldestFirst(st.meta.Revisions,
		func(rev *revisionRecord) bool { return rev.LinkID == linkID },
		func(rev *revisionRecord) (int64, string) { return rev.Revision.CreateTime, rev.Revision.ID })
}

// revisionLocked returns revisionID if it is a revision of the file linkID
// of the share.
func (st *drive) revisionLocked(shareID, linkID, revisionID, userID string) (*linkRecord, *revisionRecord, bool) {
	l, ok := st.fileLocked(shareID, linkID, userID)
	if !ok {
		return nil, nil, false
	}
	rev, ok := st.meta.Revisions[revisionID]
	if !ok || rev.LinkID != l.Link.LinkID {
		return nil, nil, false
	}
	return l, rev, true
}

// sortedBlocksLocked returns a revision's blocks by index.
func (st *drive) sortedBlocksLocked(rev *revisionRecord) []*blockRecord {
	var out []*blockRecord
	for _, id := range rev.Blocks {
		if b, ok := st.meta.Blocks[id]; ok {
			out = append(out, b)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

// createFile adds the file link (see createChildLocked) as a draft with an
// empty draft revision, and returns the IDs of both.
func (st *drive) createFile(userID, shareID, signer string, link proton.Link) (linkID, revisionID string, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	l, err := st.createChildLocked(shareID, userID, signer, link)
	if err != nil {
		return "", "", err
	}
	rev := st.newDraftRevisionLocked(l, l.Link.CreateTime, signer)
	return l.Link.LinkID, rev.Revision.ID, st.saveLocked()
}

// revisions lists the revisions of the file linkID, oldest first.
func (st *drive) revisions(userID, shareID, linkID string) ([]proton.RevisionMetadata, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	l, ok := st.fileLocked(shareID, linkID, userID)
	// The real API answers 2501 for a link that only has a draft revision
	// (Proton-API-Bridge's handleRevisionConflict documents this).
	if !ok || l.Link.State == proton.LinkStateDraft {
		return nil, errLinkNotFound
	}
	revs := []proton.RevisionMetadata{}
	for _, rev := range st.revisionsLocked(l.Link.LinkID) {
		revs = append(revs, rev.Revision)
	}
	return revs, nil
}

// createRevision adds a draft revision to the active file linkID, unless
// it has one already, and returns its ID.
func (st *drive) createRevision(userID, shareID, linkID string) (string, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	l, ok := st.fileLocked(shareID, linkID, userID)
	if !ok || l.Link.State != proton.LinkStateActive {
		return "", errLinkNotFound
	}
	a, ok := st.accountLocked(userID)
	if !ok {
		return "", errLinkNotFound
	}
	for _, rev := range st.revisionsLocked(l.Link.LinkID) {
		if rev.Revision.State == proton.RevisionStateDraft {
			return "", errDraftExists
		}
	}
	rev := st.newDraftRevisionLocked(l, time.Now().Unix(), a.Email)
	return rev.Revision.ID, st.saveLocked()
}

// revision returns a revision with its uploaded blocks from index from on,
// at most pageSize of them when pageSize > 0.
func (st *drive) revision(userID, shareID, linkID, revisionID string, from, pageSize int) (proton.Revision, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	_, rev, ok := st.revisionLocked(shareID, linkID, revisionID, userID)
	if !ok {
		return proton.Revision{}, errLinkNotFound
	}
	out := proton.Revision{RevisionMetadata: rev.Revision, Blocks: []proton.Block{}}
	for _, b := range st.sortedBlocksLocked(rev) {
		if !b.Uploaded || b.Index < from {
			continue
		}
		if pageSize > 0 && len(out.Blocks) == pageSize {
			break
		}
		out.Blocks = append(out.Blocks, proton.Block{
			Index:          b.Index,
			BareURL:        st.storageURL + "/" + b.ID,
			Token:          b.DownloadToken,
			Hash:           b.Hash,
			EncSignature:   b.EncSignature,
			SignatureEmail: b.SignatureEmail,
		})
	}
	return out, nil
}

// commitRevision makes the draft revision revisionID, all of whose blocks
// were uploaded, the file's active one.
func (st *drive) commitRevision(userID, shareID, linkID, revisionID string, req proton.CommitRevisionReq) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, err := st.signerLocked(userID, "SignatureAddress", req.SignatureAddress); err != nil {
		return err
	}
	l, rev, ok := st.revisionLocked(shareID, linkID, revisionID, userID)
	if !ok {
		return errLinkNotFound
	}
	if rev.Revision.State != proton.RevisionStateDraft {
		return errInvalid("Only a draft revision can be committed")
	}
	var size int64
	for i, b := range st.sortedBlocksLocked(rev) {
		if b.Index != i+1 {
			return errInvalid("Revision blocks are not contiguous")
		}
		if !b.Uploaded {
			return errInvalid("Not all blocks of the revision were uploaded")
		}
		size += b.Size
	}
	for _, other := range st.revisionsLocked(l.Link.LinkID) {
		if other.Revision.State == proton.RevisionStateActive {
			other.Revision.State = proton.RevisionStateObsolete
		}
	}
	rev.Revision.State = proton.RevisionStateActive
	rev.Revision.Size = size
	rev.Revision.ManifestSignature = req.ManifestSignature
	rev.Revision.SignatureEmail = req.SignatureAddress
	rev.Revision.XAttr = req.XAttr

	l.Link.State = proton.LinkStateActive
	l.Link.Size = size
	l.Link.XAttr = req.XAttr
	l.Link.ModifyTime = time.Now().Unix()
	l.Link.FileProperties.ActiveRevision = rev.Revision
	return st.saveLocked()
}

// deleteRevision deletes a revision that is not the active one.
func (st *drive) deleteRevision(userID, shareID, linkID, revisionID string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	_, rev, ok := st.revisionLocked(shareID, linkID, revisionID, userID)
	if !ok {
		return errLinkNotFound
	}
	if rev.Revision.State == proton.RevisionStateActive {
		return errInvalid("The active revision cannot be deleted")
	}
	st.deleteRevisionLocked(rev.Revision.ID)
	return st.saveLocked()
}
