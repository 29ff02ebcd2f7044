package protontest

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"path/filepath"
	"strings"
	"time"

	"github.com/ProtonMail/gopenpgp/v3/crypto"
	"github.com/rclone/go-proton-api"
)

// MakeFolders makes the folders of path ("/Backups/cake": slash-separated
// names from the root of the account's drive) that do not exist yet, as
// mkdir -p does, and returns the link ID of the last one. The test fails
// if it cannot.
//
// A folder is made as the bridge's CreateNewFolder makes one, with the
// same encrypted name, name hash, node key, passphrase and signatures, but
// by the server itself and with fastPGP's cheap S2K: a client locks a new
// node key with 16 MiB of SHA-256 and unlocks it again, and the relocker
// unlocks it once more, about a tenth of a second of CPU a folder. For a
// test whose point is not making folders. Clients see such a folder as
// any other; the server signs with the account's address key, which only
// a server of NewForTest keeps (see relocker).
func (ts *TestServer) MakeFolders(path string) string {
	ts.t.Helper()
	id, err := ts.makeFolders(ts.Username, path)
	if err != nil {
		ts.t.Fatalf("protontest: make folders %q: %v", path, err)
	}
	return id
}

// driveAccount is what making a node in an account's drive needs of the
// account.
type driveAccount struct {
	userID, shareID, email string
	rootID                 string          // the link ID of the drive's root folder
	addrKR                 *crypto.KeyRing // the address key the server signs with
}

// account finds the account of username, its main share and the
// address key the server keeps of it.
func (s *Server) account(username string) (driveAccount, error) {
	userID, err := s.drive.userIDByName(username)
	if err != nil {
		return driveAccount{}, err
	}
	addrKR := s.relocker.signer(userID)
	if addrKR == nil {
		return driveAccount{}, errors.New("the server keeps no address key of the account")
	}
	shareID, rootID, email, err := s.drive.mainShare(userID)
	if err != nil {
		return driveAccount{}, err
	}
	return driveAccount{userID: userID, shareID: shareID, email: email, rootID: rootID, addrKR: addrKR}, nil
}

func (s *Server) makeFolders(username, path string) (string, error) {
	a, err := s.account(username)
	if err != nil {
		return "", err
	}
	linkID := a.rootID
	for _, name := range strings.Split(path, "/") {
		if name == "" {
			continue
		}
		if linkID, err = s.makeFolder(a, linkID, name); err != nil {
			return "", fmt.Errorf("%s: %w", name, err)
		}
	}
	return linkID, nil
}

// makeFolder returns the active folder called name in the folder parentID,
// making it if there is none.
func (s *Server) makeFolder(a driveAccount, parentID, name string) (string, error) {
	parentKR, hashKey, err := s.folderKeys(a.userID, a.shareID, parentID)
	if err != nil {
		return "", err
	}
	defer parentKR.ClearPrivateParams()
	hash, err := proton.GetNameHash(name, hashKey)
	if err != nil {
		return "", err
	}
	if id, ok := s.drive.activeChild(parentID, hash, proton.LinkTypeFolder); ok {
		return id, nil
	}

	req := proton.CreateFolderReq{ParentLinkID: parentID, SignatureAddress: a.email}
	kr, pass, err := newDriveKey(fastPGP(), "node", parentKR, a.addrKR, &req.NodeKey, &req.NodePassphrase, &req.NodePassphraseSignature)
	if err != nil {
		return "", err
	}
	defer kr.ClearPrivateParams()
	if err := req.SetName(name, a.addrKR, parentKR); err != nil {
		return "", fmt.Errorf("name: %w", err)
	}
	if err := req.SetHash(name, hashKey); err != nil {
		return "", fmt.Errorf("name hash: %w", err)
	}
	if err := req.SetNodeHashKey(kr); err != nil {
		return "", fmt.Errorf("node hash key: %w", err)
	}
	id, err := s.drive.createFolder(a.userID, a.shareID, a.email, proton.Link{
		ParentLinkID:            parentID,
		Type:                    proton.LinkTypeFolder,
		Name:                    req.Name,
		Hash:                    req.Hash,
		State:                   proton.LinkStateActive,
		MIMEType:                "Folder",
		NodeKey:                 req.NodeKey,
		NodePassphrase:          req.NodePassphrase,
		NodePassphraseSignature: req.NodePassphraseSignature,
		FolderProperties:        &proton.FolderProperties{NodeHashKey: req.NodeHashKey},
	})
	if err != nil {
		return "", err
	}
	s.relocker.remember(id, pass)
	return id, nil
}

// folderKeys returns the unlocked node key of the folder folderID, which
// the caller clears (ClearPrivateParams), and the folder's hash key, with
// which the names in it are hashed: what MakeFolders and MakeFile need of
// the folder they make a node in.
func (s *Server) folderKeys(userID, shareID, folderID string) (*crypto.KeyRing, []byte, error) {
	folder, err := s.drive.link(userID, shareID, folderID)
	if err != nil {
		return nil, nil, err
	}
	pass := s.relocker.passphrase(folderID)
	if pass == nil {
		return nil, nil, errors.New("the server does not know the key of the folder")
	}
	kr, err := unlockKey(folder.NodeKey, pass)
	if err != nil {
		return nil, nil, err
	}
	// The hash key is signed with the folder's own key.
	hashKey, err := folder.GetHashKey(kr, kr)
	if err != nil {
		kr.ClearPrivateParams()
		return nil, nil, fmt.Errorf("hash key: %w", err)
	}
	return kr, hashKey, nil
}

// fileBlockSize is the bridge's UPLOAD_BLOCK_SIZE: MakeFile cuts data into
// blocks of this size as the bridge does.
const fileBlockSize = 4 << 20

// MakeFile stores data as the file name in the folder folderID (a link ID
// MakeFolders returned, or any folder's), active at once, as the bridge's
// UploadFileByReader stores a new file, and returns its link ID. The test
// fails if it cannot.
//
// The file is made by the server itself, as MakeFolders makes folders and
// for the same reason: its node key is locked with fastPGP's cheap S2K.
// Everything else is what the bridge sends: the name and its hash, the
// content key packet and its signature, each block encrypted with the
// content key with its encrypted signature and hash, the manifest
// signature and the extended attributes (modification time, size, block
// sizes, SHA-1). The blocks go through the same bookkeeping as uploaded
// ones (block request, quota, storage, commit), and clients read the file
// as any other.
func (ts *TestServer) MakeFile(folderID, name string, data []byte, modTime time.Time) string {
	ts.t.Helper()
	id, err := ts.makeFile(ts.Username, folderID, name, data, modTime)
	if err != nil {
		ts.t.Fatalf("protontest: make file %q: %v", name, err)
	}
	return id
}

func (s *Server) makeFile(username, folderID, name string, data []byte, modTime time.Time) (string, error) {
	a, err := s.account(username)
	if err != nil {
		return "", err
	}
	addressID, err := s.drive.addressID(a.userID)
	if err != nil {
		return "", err
	}
	parentKR, hashKey, err := s.folderKeys(a.userID, a.shareID, folderID)
	if err != nil {
		return "", err
	}
	defer parentKR.ClearPrivateParams()

	// The bridge's createFileUploadDraft.
	mimeType := mime.TypeByExtension(filepath.Ext(name))
	if mimeType == "" {
		mimeType = "text/plain"
	}
	req := proton.CreateFileReq{ParentLinkID: folderID, MIMEType: mimeType, SignatureAddress: a.email}
	nodeKR, pass, err := newDriveKey(fastPGP(), "node", parentKR, a.addrKR, &req.NodeKey, &req.NodePassphrase, &req.NodePassphraseSignature)
	if err != nil {
		return "", err
	}
	defer nodeKR.ClearPrivateParams()
	if err := req.SetName(name, a.addrKR, parentKR); err != nil {
		return "", fmt.Errorf("name: %w", err)
	}
	if err := req.SetHash(name, hashKey); err != nil {
		return "", fmt.Errorf("name hash: %w", err)
	}
	sessionKey, err := req.SetContentKeyPacketAndSignature(nodeKR)
	if err != nil {
		return "", fmt.Errorf("content key: %w", err)
	}
	linkID, revisionID, err := s.drive.createFile(a.userID, a.shareID, a.email, proton.Link{
		ParentLinkID:            folderID,
		Type:                    proton.LinkTypeFile,
		Name:                    req.Name,
		Hash:                    req.Hash,
		State:                   proton.LinkStateDraft,
		MIMEType:                req.MIMEType,
		NodeKey:                 req.NodeKey,
		NodePassphrase:          req.NodePassphrase,
		NodePassphraseSignature: req.NodePassphraseSignature,
		FileProperties: &proton.FileProperties{
			ContentKeyPacket:          req.ContentKeyPacket,
			ContentKeyPacketSignature: req.ContentKeyPacketSignature,
		},
	})
	if err != nil {
		return "", err
	}
	s.relocker.remember(linkID, pass)

	// The bridge's uploadAndCollectBlockData.
	blockReq := proton.BlockUploadReq{AddressID: addressID, ShareID: a.shareID, LinkID: linkID, RevisionID: revisionID}
	var blocks [][]byte
	var manifest []byte
	var sizes []int64
	var requested int64
	signer, err := crypto.PGP().Sign().SigningKeys(a.addrKR).Detached().New()
	if err != nil {
		return "", err
	}
	encrypter, err := crypto.PGP().Encryption().SessionKey(sessionKey).New()
	if err != nil {
		return "", err
	}
	for i, rest := 1, data; len(rest) > 0; i++ {
		plain := rest[:min(len(rest), fileBlockSize)]
		rest = rest[len(plain):]
		enc, err := encrypter.Encrypt(plain)
		if err != nil {
			return "", fmt.Errorf("block %d: %w", i, err)
		}
		sig, err := signer.Sign(plain, crypto.Bytes)
		if err != nil {
			return "", fmt.Errorf("block %d: %w", i, err)
		}
		encSig, err := proton.EncryptMessageNonAead(nodeKR, sig, nil)
		if err != nil {
			return "", fmt.Errorf("block %d: %w", i, err)
		}
		encSigArmored, err := encSig.Armor()
		if err != nil {
			return "", fmt.Errorf("block %d: %w", i, err)
		}
		block := enc.Bytes()
		hash := sha256.Sum256(block)
		manifest = append(manifest, hash[:]...)
		blocks = append(blocks, block)
		sizes = append(sizes, int64(len(plain)))
		requested += int64(len(block))
		blockReq.BlockList = append(blockReq.BlockList, proton.BlockUploadInfo{
			Index: i, Size: int64(len(block)), EncSignature: encSigArmored, Hash: base64.StdEncoding.EncodeToString(hash[:]),
		})
	}
	if len(blocks) > 0 {
		links, err := s.drive.requestBlockUpload(a.userID, blockReq, requested)
		if err != nil {
			return "", err
		}
		for i, l := range links {
			if err := s.drive.putBlock(l.Token, blocks[i]); err != nil {
				return "", fmt.Errorf("block %d: %w", i+1, err)
			}
		}
	}

	// The bridge's commitNewRevision.
	manifestSig, err := signer.Sign(manifest, crypto.Armor)
	if err != nil {
		return "", fmt.Errorf("manifest signature: %w", err)
	}
	commit := proton.CommitRevisionReq{ManifestSignature: string(manifestSig), SignatureAddress: a.email}
	sha1sum := sha1.Sum(data)
	if err := commit.SetEncXAttrString(a.addrKR, nodeKR, &proton.RevisionXAttrCommon{
		ModificationTime: modTime.Format("2006-01-02T15:04:05-0700"),
		Size:             int64(len(data)),
		BlockSizes:       sizes,
		Digests:          map[string]string{"SHA1": hex.EncodeToString(sha1sum[:])},
	}); err != nil {
		return "", fmt.Errorf("extended attributes: %w", err)
	}
	if err := s.drive.commitRevision(a.userID, a.shareID, linkID, revisionID, commit); err != nil {
		return "", err
	}
	return linkID, nil
}
