package protontest

import (
	"sort"
	"time"

	"github.com/rclone/go-proton-api"
)

// childrenLocked lists parentID's children, oldest first.
func (st *drive) childrenLocked(parentID string) []*linkRecord {
	return oldestFirst(st.meta.Links,
		func(l *linkRecord) bool { return l.Link.ParentLinkID == parentID },
		func(l *linkRecord) (int64, string) { return l.Link.CreateTime, l.Link.LinkID })
}

// oldestFirst returns the records of m that keep accepts, ordered by the
// creation time and then the ID that created reports.
func oldestFirst[R any](m map[string]*R, keep func(*R) bool, created func(*R) (int64, string)) []*R {
	var out []*R
	for _, rec := range m {
		if keep(rec) {
			out = append(out, rec)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		ti, idi := created(out[i])
		tj, idj := created(out[j])
		if ti != tj {
			return ti < tj
		}
		return idi < idj
	})
	return out
}

// nameTakenLocked reports whether a draft or active child of parentID other
// than exceptID has the name hash. Trashed links do not hold their name.
func (st *drive) nameTakenLocked(parentID, hash, exceptID string) bool {
	for _, c := range st.childrenLocked(parentID) {
		if c.Link.LinkID == exceptID || c.Link.Hash != hash {
			continue
		}
		if c.Link.State == proton.LinkStateActive || c.Link.State == proton.LinkStateDraft {
			return true
		}
	}
	return false
}

// folderLocked returns linkID if it is a folder of the share.
func (st *drive) folderLocked(shareID, linkID, userID string) (*linkRecord, bool) {
	return st.linkOfTypeLocked(shareID, linkID, userID, proton.LinkTypeFolder)
}

// activeFolderLocked returns linkID if it is an active folder of the share.
func (st *drive) activeFolderLocked(shareID, linkID, userID string) (*linkRecord, bool) {
	l, ok := st.folderLocked(shareID, linkID, userID)
	if !ok || l.Link.State != proton.LinkStateActive {
		return nil, false
	}
	return l, true
}

// createChildLocked adds link, a file or folder from a create request
// signed by signer, under link.ParentLinkID in shareID, setting its ID,
// times and signature emails. It refuses with CodeInvalidValue when signer
// is not the caller's address, CodeNotFound when the parent is not an
// active folder of the share, and CodeAlreadyExists when an active link or
// another upload's draft holds the name hash (the bridge then looks the
// link up and decides what to do).
func (st *drive) createChildLocked(shareID, userID, signer string, link proton.Link) (*linkRecord, error) {
	if _, err := st.signerLocked(userID, "SignatureAddress", signer); err != nil {
		return nil, err
	}
	parent, ok := st.activeFolderLocked(shareID, link.ParentLinkID, userID)
	if !ok {
		return nil, errLinkNotFound
	}
	if st.nameTakenLocked(parent.Link.LinkID, link.Hash, "") {
		return nil, errNameExists
	}
	now := time.Now().Unix()
	link.LinkID = newID()
	link.CreateTime, link.ModifyTime = now, now
	link.NameSignatureEmail, link.SignatureEmail = signer, signer
	l := &linkRecord{ShareID: shareID, UserID: userID, Link: link}
	st.meta.Links[l.Link.LinkID] = l
	return l, nil
}

// link returns the link linkID of userID's share shareID.
func (st *drive) link(userID, shareID, linkID string) (proton.Link, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	l, ok := st.linkLocked(shareID, linkID, userID)
	if !ok {
		return proton.Link{}, errLinkNotFound
	}
	return l.Link, nil
}

// children returns page page (from 0) of pageSize children of the folder
// linkID, oldest first: active ones, and with showAll drafts and trashed
// ones too.
func (st *drive) children(userID, shareID, linkID string, page, pageSize int, showAll bool) ([]proton.Link, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	parent, ok := st.folderLocked(shareID, linkID, userID)
	if !ok {
		return nil, errLinkNotFound
	}
	links := []proton.Link{}
	for _, c := range st.childrenLocked(parent.Link.LinkID) {
		if c.Link.State == proton.LinkStateActive || (showAll && (c.Link.State == proton.LinkStateDraft || c.Link.State == proton.LinkStateTrashed)) {
			links = append(links, c.Link)
		}
	}
	start := page * pageSize
	if start > len(links) {
		start = len(links)
	}
	end := min(start+pageSize, len(links))
	return links[start:end], nil
}

// createFolder adds the folder link (see createChildLocked) and returns
// its ID.
func (st *drive) createFolder(userID, shareID, signer string, link proton.Link) (string, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	l, err := st.createChildLocked(shareID, userID, signer, link)
	if err != nil {
		return "", err
	}
	return l.Link.LinkID, st.saveLocked()
}

// availableHashes returns the name hashes no draft or active child of the
// folder linkID holds.
func (st *drive) availableHashes(userID, shareID, linkID string, hashes []string) ([]string, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	parent, ok := st.folderLocked(shareID, linkID, userID)
	if !ok {
		return nil, errLinkNotFound
	}
	available := []string{}
	for _, h := range hashes {
		if !st.nameTakenLocked(parent.Link.LinkID, h, "") {
			available = append(available, h)
		}
	}
	return available, nil
}

// moveLink moves and renames the active link linkID as req says.
func (st *drive) moveLink(userID, shareID, linkID string, req proton.MoveLinkReq) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, err := st.signerLocked(userID, "NameSignatureEmail", req.NameSignatureEmail); err != nil {
		return err
	}
	l, ok := st.linkLocked(shareID, linkID, userID)
	if !ok || l.Link.State != proton.LinkStateActive {
		return errLinkNotFound
	}
	if l.Link.ParentLinkID == "" {
		return errInvalid("The root folder cannot be moved")
	}
	if req.OriginalHash != "" && req.OriginalHash != l.Link.Hash {
		return errInvalid("OriginalHash does not match the current name")
	}
	dst, ok := st.activeFolderLocked(shareID, req.ParentLinkID, userID)
	if !ok {
		return errLinkNotFound
	}
	for p := dst; p != nil; p = st.meta.Links[p.Link.ParentLinkID] {
		if p.Link.LinkID == l.Link.LinkID {
			return errInvalid("A folder cannot be moved into itself")
		}
		if p.Link.ParentLinkID == "" {
			break
		}
	}
	if st.nameTakenLocked(dst.Link.LinkID, req.Hash, l.Link.LinkID) {
		return errNameExists
	}
	l.Link.ParentLinkID = dst.Link.LinkID
	l.Link.Name = req.Name
	l.Link.Hash = req.Hash
	l.Link.NameSignatureEmail = req.NameSignatureEmail
	l.Link.NodePassphrase = req.NodePassphrase
	if req.NodePassphraseSignature != "" {
		l.Link.NodePassphraseSignature = req.NodePassphraseSignature
		l.Link.SignatureEmail = req.SignatureEmail
	}
	l.Link.ModifyTime = time.Now().Unix()
	return st.saveLocked()
}

// linkResult is one entry of a multi-link response.
type linkResult struct {
	LinkID   string
	Response errorBody
}

// trashChildren moves the children linkIDs of the folder parentID to the
// trash, with one result per link.
func (st *drive) trashChildren(userID, shareID, parentID string, linkIDs []string) ([]linkResult, error) {
	return st.changeChildren(userID, shareID, parentID, linkIDs, func(c *linkRecord) {
		if c.Link.State == proton.LinkStateTrashed {
			return
		}
		c.Link.State = proton.LinkStateTrashed
		c.Link.ModifyTime = time.Now().Unix()
	})
}

// deleteChildren deletes the children linkIDs of the folder parentID for
// good, with one result per link.
func (st *drive) deleteChildren(userID, shareID, parentID string, linkIDs []string) ([]linkResult, error) {
	return st.changeChildren(userID, shareID, parentID, linkIDs, func(c *linkRecord) {
		st.deleteLinkLocked(c.Link.LinkID)
	})
}

// changeChildren applies change to each of linkIDs that is a child of the
// folder parentID and returns one result per link, as Proton's *_multiple
// routes do.
func (st *drive) changeChildren(userID, shareID, parentID string, linkIDs []string, change func(*linkRecord)) ([]linkResult, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	parent, ok := st.folderLocked(shareID, parentID, userID)
	if !ok {
		return nil, errLinkNotFound
	}
	results := []linkResult{}
	for _, id := range linkIDs {
		c, ok := st.linkLocked(shareID, id, userID)
		if !ok || c.Link.ParentLinkID != parent.Link.LinkID {
			results = append(results, linkResult{LinkID: id, Response: errorBody{Code: CodeNotFound, Error: linkNotFound}})
			continue
		}
		change(c)
		results = append(results, linkResult{LinkID: id, Response: errorBody{Code: CodeSuccess}})
	}
	return results, st.saveLocked()
}

// emptyTrash deletes every trashed link of the share for good.
func (st *drive) emptyTrash(userID, shareID string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.shareLocked(shareID, userID); !ok {
		return errShareNotFound
	}
	var trashed []string
	for id, l := range st.meta.Links {
		if l.ShareID == shareID && l.Link.State == proton.LinkStateTrashed {
			trashed = append(trashed, id)
		}
	}
	for _, id := range trashed {
		st.deleteLinkLocked(id)
	}
	return st.saveLocked()
}

// activeChild returns the ID of the active child of type typ whose name
// hash is hash in the folder parentID.
func (st *drive) activeChild(parentID, hash string, typ proton.LinkType) (string, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, c := range st.childrenLocked(parentID) {
		if c.Link.State == proton.LinkStateActive && c.Link.Type == typ && c.Link.Hash == hash {
			return c.Link.LinkID, true
		}
	}
	return "", false
}
