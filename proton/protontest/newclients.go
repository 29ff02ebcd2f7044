package protontest

import (
	"time"

	"github.com/rclone/go-proton-api"
)

// Links written by Proton's newer clients. rclone issue 9622 (July 2026):
// folders and files created or renamed by the Proton Drive 3.x apps (the
// new SDK) carry a name hash in a format other than the legacy HMAC that
// Proton-API-Bridge computes (proton.GetNameHash), so the bridge's lookup
// by name never finds them, although their names decrypt and a listing
// shows them. The server checks name collisions by hash, so a client that
// then creates "the missing folder" gets a second folder of the same name.
// The fake keeps hashes as clients send them and compares them the same
// way, so giving a link a hash of another format reproduces this.

// SetNameHash replaces the name hash of the link linkID, as a newer
// Proton client would have written it (rclone issue 9622). The name
// itself stays as it is, encrypted and readable.
func (s *Server) SetNameHash(linkID, hash string) error {
	return s.editLink(linkID, func(l *proton.Link) { l.Hash = hash })
}

// SetEncryptedName replaces the encrypted name of the link linkID, for
// tests of names that do not decrypt.
func (s *Server) SetEncryptedName(linkID, name string) error {
	return s.editLink(linkID, func(l *proton.Link) { l.Name = name })
}

// SetCreateTime sets the creation time Proton gives the link linkID, for
// tests of links made long ago (the server sets it from its own clock
// when the link is made).
func (s *Server) SetCreateTime(linkID string, t time.Time) error {
	return s.editLink(linkID, func(l *proton.Link) { l.CreateTime = t.Unix() })
}

func (s *Server) editLink(linkID string, fn func(*proton.Link)) error {
	return s.drive.editLink(linkID, fn)
}
