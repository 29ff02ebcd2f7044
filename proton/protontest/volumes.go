package protontest

import (
	"net/http"

	"github.com/rclone/go-proton-api"
)

func (s *Server) handleListVolumes(w http.ResponseWriter, r *http.Request, userID string) {
	reply(w, struct {
		Code    int
		Volumes []proton.Volume
	}{CodeSuccess, s.drive.volumes(userID)}, nil)
}

func (s *Server) handleGetVolume(w http.ResponseWriter, r *http.Request, userID string) {
	v, err := s.drive.volume(userID, r.PathValue("volumeID"))
	reply(w, struct {
		Code   int
		Volume proton.Volume
	}{CodeSuccess, v}, err)
}

func (s *Server) handleListShares(w http.ResponseWriter, r *http.Request, userID string) {
	reply(w, struct {
		Code   int
		Shares []proton.ShareMetadata
	}{CodeSuccess, s.drive.shares(userID)}, nil)
}

func (s *Server) handleGetShare(w http.ResponseWriter, r *http.Request, userID string) {
	sh, err := s.drive.share(userID, r.PathValue("shareID"))
	reply(w, struct {
		Code int
		proton.Share
	}{CodeSuccess, sh}, err)
}
