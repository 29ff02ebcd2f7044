package protontest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"

	"github.com/rclone/go-proton-api"
)

// maxBlockSize bounds one encrypted block: the bridge's 4 MiB of plaintext
// plus encryption overhead.
const maxBlockSize = 5 << 20

func (s *Server) handleRequestBlockUpload(w http.ResponseWriter, r *http.Request, userID string) {
	var req proton.BlockUploadReq
	if !decodeBody(w, r, &req) {
		return
	}
	if len(req.BlockList) == 0 {
		invalid(w, "BlockList is empty")
		return
	}
	var requested int64
	for _, b := range req.BlockList {
		hash, err := base64.StdEncoding.DecodeString(b.Hash)
		switch {
		case b.Index < 1:
			invalid(w, "Block indexes start at 1")
			return
		case b.Size <= 0 || b.Size > maxBlockSize:
			invalid(w, "Invalid block size")
			return
		case err != nil || len(hash) != sha256.Size:
			invalid(w, "Block hash must be a base64 SHA-256")
			return
		case !isPGPMessage(b.EncSignature):
			invalid(w, "Block EncSignature must be encrypted")
			return
		}
		requested += b.Size
	}

	links, err := s.drive.requestBlockUpload(userID, req, requested)
	reply(w, struct {
		Code        int
		UploadLinks []proton.BlockUploadLink
	}{CodeSuccess, links}, err)
}

// dropConnection reads n bytes of the request body and closes the
// connection without answering.
func dropConnection(w http.ResponseWriter, r *http.Request, n int64) {
	_, _ = io.CopyN(io.Discard, r.Body, n)
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Cannot hijack (e.g. HTTP/2): abort the handler, which resets the stream.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

func (s *Server) handleUploadBlock(w http.ResponseWriter, r *http.Request) {
	if n, drop := s.faults.takeDrop(); drop {
		dropConnection(w, r, n)
		return
	}
	token := r.Header.Get("pm-storage-token")
	size, hash, err := s.drive.pendingBlock(token)
	if err != nil {
		writeError(w, err)
		return
	}

	data, err := readBlockPart(r, size)
	if err != nil {
		invalid(w, err.Error())
		return
	}
	sum := sha256.Sum256(data)
	if int64(len(data)) != size || base64.StdEncoding.EncodeToString(sum[:]) != hash {
		invalid(w, "Block does not match the size and hash it was announced with")
		return
	}

	reply(w, nil, s.drive.putBlock(token, data))
}

// readBlockPart reads the multipart field "Block" of an upload, refusing
// anything larger than the announced size.
func readBlockPart(r *http.Request, size int64) ([]byte, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errors.New("block upload must be multipart/form-data")
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, errors.New("block upload has no Block field")
		}
		if err != nil {
			return nil, errors.New("malformed multipart body")
		}
		if part.FormName() != "Block" {
			continue
		}
		// One allocation, room for the announced size (at most
		// maxBlockSize), the byte more that tells a larger block and the
		// spare bytes.Buffer.ReadFrom asks for, instead of growing it
		// from empty (copying and clearing about twice the block).
		var buf bytes.Buffer
		buf.Grow(int(size) + 1 + bytes.MinRead)
		if _, err := io.Copy(&buf, io.LimitReader(part, size+1)); err != nil {
			return nil, errors.New("malformed multipart body")
		}
		return buf.Bytes(), nil
	}
}

func (s *Server) handleDownloadBlock(w http.ResponseWriter, r *http.Request) {
	data, err := s.drive.blockData(r.PathValue("blockID"), r.Header.Get("pm-storage-token"))
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}
